"""The note after an exercise hurt: what is decided for it and how it is said. It never names
the version that was on screen as its own easier version."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from content import Content
from content.adapted import adapt
from guided.engine.routines import routine_items
from services.outcomes import Hurt, hurt_at
from tests.progress.strategies import decided_hurts, routine_ids
from ui.progress import change_text


def said(content: Content, hurt: Hurt, language: str) -> str:
    return change_text(
        content,
        language,
        hurt.exercise_id,
        "hurt.change",
        hurt.change,
        was_easier=hurt.easier,
        gentle=hurt.gentle,
    )


def test_the_small_turn_of_the_gentle_plan_is_left_out_of_the_other_routines(
    content: Content,
) -> None:
    hurt = hurt_at(content, "gentle", 2)
    assert hurt == Hurt("chair_twist", easier=True, change="leave_out", gentle=True)
    assert said(content, hurt, "en") == (
        "I will leave it out of your other routines for a while. "
        "In the gentle plan, skip it (⏭) if it hurts again"
    )


def test_an_easier_version_that_hurt_in_a_normal_routine_is_left_out(content: Content) -> None:
    adapted = adapt(content, "quick", {"lying_twist": "easier"})
    index = [i.exercise for i in routine_items(content, adapted)].index("lying_twist")
    hurt = hurt_at(content, adapted, index)
    assert hurt == Hurt("lying_twist", easier=True, change="leave_out", gentle=False)
    assert said(content, hurt, "ru") == (
        "это уже облегчённый вариант, поэтому какое-то время его не будет в вашем комплексе"
    )
    assert adapt(content, adapted, {"lying_twist": hurt.change}) == "quick~3o"


def test_the_normal_version_that_hurt_gives_way_to_its_easier_one(content: Content) -> None:
    hurt = hurt_at(content, "office", 2)
    assert hurt == Hurt("chair_twist", easier=False, change="easier", gentle=False)
    assert said(content, hurt, "en") == (
        "for a while you will do its easier version, <b>Small turn, hands on thighs</b>"
    )


def test_past_the_end_of_the_routine_nothing_is_noted(content: Content) -> None:
    assert hurt_at(content, "office", 3) is None


@given(st.data())
def test_the_version_on_screen_is_never_named_as_its_own_easier_version(
    content: Content, data: st.DataObject
) -> None:
    routine = data.draw(routine_ids(content))
    hurt_before = data.draw(decided_hurts(content))
    adapted = adapt(content, routine, hurt_before)
    items = routine_items(content, adapted)
    index = data.draw(st.integers(0, len(items) - 1))
    hurt = hurt_at(content, adapted, index)
    assert hurt is not None
    for language in content.languages:
        shown = content.exercises[hurt.exercise_id].easier.title[language]
        if hurt.easier:
            assert shown not in said(content, hurt, language)
