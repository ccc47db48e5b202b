"""The level rule and timeline comparison: properties over every rule the content may hold."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content import Content
from content.schema import Progression
from guided.engine.progression import Outcome, Progress, Range, Rule, advance
from guided.engine.routines import SINGLE, routine_doses
from guided.engine.timeline import Change, Direction, Dose, Pace, Timeline, build_timeline, compare

SHIPPED = Rule()  # the defaults are the shipped content/progression.yaml (checked below)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    """Any rule content/progression.yaml may hold, built as bot.py builds it."""
    levels = draw(st.integers(2, 20))
    step_up = draw(st.integers(1, levels - 1))
    progression = Progression(
        levels=levels,
        step_up_after=draw(st.integers(1, 10)),
        step_up=step_up,
        step_down_on_pain=draw(st.integers(step_up + 1, 20)),
        high_after_rating=draw(st.integers(1, 10)),
        worse_by=draw(st.integers(1, 10)),
    )
    return Rule(**progression.model_dump())


ratings = st.none() | st.integers(0, 10)
outcomes = st.builds(Outcome, st.booleans(), st.booleans(), ratings, ratings)
# Stored progress may come from a rule with more levels, or from before a content change.
progresses = st.builds(Progress, st.integers(-2, 25), st.integers(0, 12))
ranges = st.tuples(st.integers(1, 12), st.integers(0, 8)).map(lambda t: Range(t[0], t[0] + t[1]))
doses = st.builds(
    Dose,
    unit=st.sampled_from(["breaths", "seconds", "reps"]),
    amount=ranges,
    rounds=st.tuples(st.integers(1, 4), st.integers(0, 3)).map(lambda t: Range(t[0], t[0] + t[1])),
    per_side=st.booleans(),
    rest_seconds=st.integers(0, 20),
)


def timeline_at(routine: tuple[Dose, ...], level: int, levels: int) -> Timeline:
    return build_timeline(routine, level, levels, Pace(), 1.0)


def routine_ids(content: Content) -> list[str]:
    """Every routine progression applies to, and every exercise done on its own."""
    ids = [rid for rid, routine in content.routines.items() if not routine.gentle]
    return ids + [SINGLE + exercise for exercise in content.exercises]


def is_good(outcome: Outcome, rule: Rule) -> bool:
    """A session that counts towards a step up, by the words of the rule."""
    return (
        outcome.completed
        and not outcome.pain_reported
        and not outcome.pain_increased
        and not outcome.high_after(rule)
    )


# The rule's examples, with the shipped values ------------------------------------------------

GOOD = Outcome(
    completed=True, pain_reported=False, pain_before=2, pain_after=0
)  # good for any rule
PAIN = Outcome(completed=False, pain_reported=True)


def test_the_defaults_are_the_shipped_rule(content: Content) -> None:
    assert Rule(**content.progression.model_dump()) == SHIPPED
    assert (SHIPPED.step_up_after, SHIPPED.step_up, SHIPPED.step_down_on_pain) == (2, 1, 2)
    assert (SHIPPED.high_after_rating, SHIPPED.worse_by) == (7, 2)


def test_two_good_sessions_step_up_one() -> None:
    once = advance(Progress(0, 0), GOOD, SHIPPED)
    assert once == Progress(0, 1)
    assert advance(once, GOOD, SHIPPED) == Progress(1, 0)


def test_pain_steps_back_two_and_climbing_back_takes_four_good_sessions() -> None:
    progress = advance(Progress(3, 1), PAIN, SHIPPED)
    assert progress == Progress(1, 0)
    for _ in range(2):
        progress = advance(progress, GOOD, SHIPPED)
    assert progress == Progress(2, 0)
    for _ in range(2):
        progress = advance(progress, GOOD, SHIPPED)
    assert progress == Progress(3, 0)
    assert advance(Progress(1, 1), PAIN, SHIPPED) == Progress(0, 0)


@pytest.mark.parametrize(
    ("before", "after"),
    [(None, 7), (2, 7), (0, 10), (1, 3), (4, 6), (3, 4)],
    ids=["high, no check-in", "high", "10/10", "2 worse", "2 worse from 4", "1 worse"],
)
def test_a_high_or_worse_after_rating_holds_the_level_and_resets_the_count(
    before: int | None, after: int
) -> None:
    outcome = Outcome(completed=True, pain_reported=False, pain_before=before, pain_after=after)
    assert advance(Progress(2, 1), outcome, SHIPPED) == Progress(2, 0)


def test_a_high_after_rating_resets_the_count_of_a_stopped_session_too() -> None:
    stopped = Outcome(completed=False, pain_reported=False, pain_before=2, pain_after=8)
    assert advance(Progress(2, 1), stopped, SHIPPED) == Progress(2, 0)
    # A small rise after a session that was not finished tells nothing about the dose.
    mild = Outcome(completed=False, pain_reported=False, pain_before=2, pain_after=3)
    assert advance(Progress(2, 1), mild, SHIPPED) == Progress(2, 1)


def test_a_good_session_at_the_top_stays_there() -> None:
    assert advance(Progress(5, 1), GOOD, SHIPPED) == Progress(5, 2)
    assert advance(Progress(5, 2), GOOD, SHIPPED) == Progress(5, 2)


# Properties over every rule within the validated bounds ---------------------------------------


@given(rules(), progresses, outcomes)
def test_the_level_never_leaves_the_range(rule: Rule, progress: Progress, outcome: Outcome) -> None:
    after = advance(progress, outcome, rule)
    assert 0 <= after.level <= rule.levels - 1
    assert after.good_sessions >= 0


@given(rules(), progresses, outcomes)
def test_only_a_pain_report_lowers_the_level_and_only_a_good_session_raises_it(
    rule: Rule, progress: Progress, outcome: Outcome
) -> None:
    level = max(0, min(progress.level, rule.levels - 1))
    after = advance(progress, outcome, rule)
    if after.level < level:
        assert outcome.pain_reported
    if after.level > level:
        assert is_good(outcome, rule)


@given(rules(), progresses, st.booleans(), ratings, st.data())
def test_a_high_after_rating_never_steps_up(
    rule: Rule, progress: Progress, completed: bool, before: int | None, data: st.DataObject
) -> None:
    # High: at least high_after_rating, or at least worse_by above the check-in.
    lowest = rule.high_after_rating
    if before is not None:
        lowest = min(lowest, before + rule.worse_by)
    outcome = Outcome(completed, False, before, data.draw(st.integers(lowest, 10), label="after"))
    assert outcome.high_after(rule)
    level = max(0, min(progress.level, rule.levels - 1))
    assert advance(progress, outcome, rule) == Progress(level, 0)


@given(rules(), st.lists(outcomes, max_size=40))
def test_up_steps_need_step_up_after_good_sessions(rule: Rule, history: list[Outcome]) -> None:
    progress, good_run = Progress(), 0  # good_run: the test's own count since the last reset
    top = rule.levels - 1
    for outcome in history:
        after = advance(progress, outcome, rule)
        if after.level > progress.level:
            assert is_good(outcome, rule)
            assert good_run + 1 == rule.step_up_after
            assert after.level == min(top, progress.level + rule.step_up)
        elif is_good(outcome, rule) and progress.level < top:
            assert good_run + 1 < rule.step_up_after  # enough good sessions always step up
        if after.level != progress.level or outcome.pain_reported or outcome.high_after(rule):
            good_run = 0
        elif outcome.completed:
            good_run = good_run + 1 if is_good(outcome, rule) else 0
        # (a session not completed, with no pain report nor high rating, leaves the count)
        progress = after
        assert progress.good_sessions == min(good_run, rule.step_up_after)


@given(rules(), progresses)
def test_pain_steps_back_further_than_a_good_step_climbs(rule: Rule, progress: Progress) -> None:
    level = max(0, min(progress.level, rule.levels - 1))
    back = advance(progress, PAIN, rule)
    assert back == Progress(max(0, level - rule.step_down_on_pain), 0)
    assert rule.step_down_on_pain > rule.step_up
    climbed = back
    for _ in range(rule.step_up_after):
        climbed = advance(climbed, GOOD, rule)
    assert climbed.level == min(rule.levels - 1, back.level + rule.step_up)
    if level >= rule.step_down_on_pain:
        # One step up after a pain report never gets back to the level that hurt.
        assert climbed.level < level


@given(rules(), progresses, st.data())
def test_after_a_pain_report_the_next_plan_is_never_harder(
    content: Content, rule: Rule, progress: Progress, data: st.DataObject
) -> None:
    chosen = data.draw(
        st.sampled_from(routine_ids(content)).map(lambda rid: routine_doses(content, rid))
        | st.lists(doses, min_size=1, max_size=6).map(tuple),
        label="routine",
    )
    last = timeline_at(chosen, progress.level, rule.levels)
    after = advance(progress, PAIN, rule)
    change = compare(last, timeline_at(chosen, after.level, rule.levels))
    assert change.direction in (Direction.EASIER, Direction.SAME)
    assert change.raised == ()


@given(progresses, st.data())
def test_with_the_shipped_content_a_pain_report_always_shows_easier_doses(
    content: Content, progress: Progress, data: st.DataObject
) -> None:
    routine = routine_doses(content, data.draw(st.sampled_from(routine_ids(content))))
    level = max(0, min(progress.level, SHIPPED.levels - 1))
    change = compare(
        timeline_at(routine, level, SHIPPED.levels),
        timeline_at(routine, advance(progress, PAIN, SHIPPED).level, SHIPPED.levels),
    )
    assert change.direction is (Direction.EASIER if level > 0 else Direction.SAME)


def test_every_step_up_of_the_shipped_content_shows_more(content: Content) -> None:
    for rid in routine_ids(content):
        routine = routine_doses(content, rid)
        timelines = [timeline_at(routine, level, SHIPPED.levels) for level in range(SHIPPED.levels)]
        for level, (lower, higher) in enumerate(itertools.pairwise(timelines)):
            change = compare(lower, higher)
            assert change.direction is Direction.HARDER, (rid, level, change)
            assert change.items, (rid, level)


# compare() ------------------------------------------------------------------------------------


@given(st.lists(doses, min_size=1, max_size=5), st.data())
def test_compare_is_antisymmetric(first: list[Dose], data: st.DataObject) -> None:
    # Two dose sets of one length: timelines of one routine before and after an author's change,
    # so every direction, mixed included, comes up.
    second = data.draw(st.lists(doses, min_size=len(first), max_size=len(first)), label="second")
    same = data.draw(st.booleans(), label="same doses")
    old = timeline_at(tuple(first), data.draw(st.integers(0, 5), label="old level"), 6)
    new_doses = tuple(first) if same else tuple(second)
    new = timeline_at(new_doses, data.draw(st.integers(0, 5), label="new level"), 6)
    forth, back = compare(old, new), compare(new, old)
    mirrored = {
        Direction.HARDER: Direction.EASIER,
        Direction.EASIER: Direction.HARDER,
        Direction.SAME: Direction.SAME,
        Direction.MIXED: Direction.MIXED,
    }
    assert back.direction is mirrored[forth.direction]
    assert (back.raised, back.lowered) == (forth.lowered, forth.raised)
    assert back.items == forth.items


@given(st.lists(doses, min_size=1, max_size=5).map(tuple), st.integers(0, 5))
def test_a_timeline_compared_with_itself_is_the_same(routine: tuple[Dose, ...], level: int) -> None:
    timeline = timeline_at(routine, level, 6)
    assert compare(timeline, timeline) == Change(Direction.SAME, (), ())


def test_compare_names_the_items_that_changed() -> None:
    breathing = Dose("breaths", Range(3, 3), Range(5, 10), False, 5)
    twist = Dose("seconds", Range(30, 30), Range(1, 1), True, 5)
    cobra = Dose("reps", Range(3, 8), Range(1, 1), False, 5)
    routine = (breathing, twist, cobra)
    change = compare(timeline_at(routine, 0, 6), timeline_at(routine, 1, 6))
    assert change == Change(Direction.HARDER, raised=(0, 2), lowered=())
    assert change.items == (0, 2)
    assert (
        compare(timeline_at(routine, 1, 6), timeline_at(routine, 0, 6)).direction
        is Direction.EASIER
    )


def test_compare_calls_more_of_one_and_less_of_another_mixed() -> None:
    before = (Dose("reps", Range(5, 5), Range(1, 1), False, 5),) * 2
    after = (
        Dose("reps", Range(6, 6), Range(1, 1), False, 5),
        Dose("reps", Range(4, 4), Range(1, 1), False, 5),
    )
    change = compare(timeline_at(before, 0, 6), timeline_at(after, 0, 6))
    assert change == Change(Direction.MIXED, raised=(0,), lowered=(1,))
    assert change.items == (0, 1)


def test_compare_refuses_timelines_of_different_routines() -> None:
    one = (Dose("reps", Range(5, 8), Range(1, 1), False, 5),)
    with pytest.raises(ValueError, match="different routines"):
        compare(timeline_at(one, 0, 6), timeline_at(one * 2, 0, 6))
