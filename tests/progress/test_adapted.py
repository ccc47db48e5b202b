"""Adapted routines: an exercise that hurt is made easier or left out, as decided when it hurt
(the content's `after_pain`, or left out if it hurt in its easier version already)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from content import Content
from content.adapted import adapt, adaptations, adapted_items, base_id, change_after_pain
from content.schema import RoutineItem
from guided.engine.routines import routine_doses, routine_exists, routine_items
from tests.progress.strategies import decided_hurts, routine_ids


def test_the_decision_made_when_it_hurt_is_applied(content: Content) -> None:
    adapted = adapt(content, "quick", {"cat_cow": "easier", "baby_cobra": "leave_out"})
    assert adapted == "quick~1e2o"
    items = routine_items(content, adapted)
    assert [(i.exercise, i.variant) for i in items] == [
        ("breathing", "normal"),
        ("cat_cow", "easier"),
        ("lying_twist", "normal"),
    ]
    assert adaptations(content, adapted) == [("cat_cow", "easier"), ("baby_cobra", "leave_out")]
    assert base_id(adapted) == "quick"


def test_an_easier_version_that_hurt_has_nothing_gentler_so_it_is_left_out(
    content: Content,
) -> None:
    twist = content.exercises["chair_twist"]
    assert twist.after_pain == "easier"
    assert change_after_pain(twist, RoutineItem(exercise="chair_twist")) == "easier"
    gentle_item = content.routines["gentle"].items[2]
    assert (gentle_item.exercise, gentle_item.variant) == ("chair_twist", "easier")
    assert change_after_pain(twist, gentle_item) == "leave_out"
    # The gentle plan then leaves it out, and so does the office routine (its normal version).
    assert adapt(content, "gentle", {"chair_twist": "leave_out"}) == "gentle~2o"
    assert adapt(content, "office", {"chair_twist": "leave_out"}) == "office~2o"
    # Told "its easier version" (it hurt in its normal version): the gentle plan, which shows
    # the easier version already, stays as it is; nothing is claimed to change there.
    assert adapt(content, "gentle", {"chair_twist": "easier"}) == "gentle"
    assert adapt(content, "office", {"chair_twist": "easier"}) == "office~2e"


def test_the_easier_versions_smaller_dose_replaces_the_exercises_own(content: Content) -> None:
    twist = content.exercises["lying_twist"]
    easier_dose = twist.easier.dose
    assert easier_dose is not None and easier_dose.seconds is not None
    index = [item.exercise for item in content.routines["quick"].items].index("lying_twist")
    normal = routine_doses(content, "quick")[index]
    easier = routine_doses(content, adapt(content, "quick", {"lying_twist": "easier"}))[index]
    assert (normal.amount.start, normal.amount.top) == (15, 30)
    assert (easier.amount.start, easier.amount.top) == (
        easier_dose.seconds.start,
        easier_dose.seconds.max,
    )
    assert easier.amount.top < normal.amount.top and easier.unit == normal.unit == "seconds"


def test_an_items_own_override_wins_over_the_easier_versions_dose(content: Content) -> None:
    # The gentle plan sets the easier breathing's breaths and rounds itself.
    breathing = routine_items(content, "gentle")[0]
    assert breathing.variant == "easier"
    assert breathing == content.routines["gentle"].items[0]


def test_forged_or_unknown_adaptations_are_not_routines(content: Content) -> None:
    for forged in ("quick~", "quick~9e", "quick~1x", "nope~1e", "quick~1e~2o", "quick~٣e"):
        assert not routine_exists(content, forged), forged
    assert adapt(content, "quick~2o", {}) == "quick"  # a stored suffix is not kept


@given(st.data())
def test_an_adapted_routine_is_never_empty(content: Content, data: st.DataObject) -> None:
    routine = data.draw(routine_ids(content))
    hurt = data.draw(decided_hurts(content))
    adapted = adapt(content, routine, hurt)
    items = adapted_items(content, adapted)
    assert items  # at least one exercise remains
    base = content.routines[routine].items
    for item in items:
        if item.exercise in hurt:
            assert item.variant == "easier"  # never the version that hurt, where one is gentler
    for exercise_id, change in adaptations(content, adapted):
        # Nothing is said to become easier that was shown easier already.
        if change == "easier":
            assert any(i.exercise == exercise_id and i.variant == "normal" for i in base)
