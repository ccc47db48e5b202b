"""Adapted routines: an exercise that hurt is made easier or left out, as the content says."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from content import Content
from content.adapted import adapt, adaptations, adapted_items, base_id
from engine.routines import routine_exists, routine_items


def test_the_content_decides(content: Content) -> None:
    adapted = adapt(content, "quick", {"cat_cow", "baby_cobra"})
    assert adapted == "quick~1e2o"
    items = routine_items(content, adapted)
    assert [(i.exercise, i.variant) for i in items] == [
        ("breathing", "normal"),
        ("cat_cow", "easier"),
        ("lying_twist", "normal"),
    ]
    assert adaptations(content, adapted) == [("cat_cow", "easier"), ("baby_cobra", "leave_out")]
    assert base_id(adapted) == "quick"


def test_forged_or_unknown_adaptations_are_not_routines(content: Content) -> None:
    for forged in ("quick~", "quick~9e", "quick~1x", "nope~1e", "quick~1e~2o", "quick~٣e"):
        assert not routine_exists(content, forged), forged
    assert adapt(content, "quick~2o", set()) == "quick"  # a stored suffix is not kept


@given(st.data())
def test_an_adapted_routine_is_never_empty(content: Content, data: st.DataObject) -> None:
    routine = data.draw(st.sampled_from(sorted(content.routines)))
    hurt = data.draw(st.sets(st.sampled_from(sorted(content.exercises))))
    adapted = adapt(content, routine, hurt)
    items = adapted_items(content, adapted)
    assert items  # at least one exercise remains
    for item in items:
        if item.exercise in hurt:
            assert item.variant == "easier"
