"""Time to get into position, from the content: longer where the position changes."""

from __future__ import annotations

from content import Content
from guided.engine.routines import routine_doses, routine_items, routine_timeline
from guided.engine.timeline import BeatKind


def test_each_exercise_waits_as_long_as_its_content_says(content: Content) -> None:
    for routine_id in content.routines:
        items = routine_items(content, routine_id)
        timeline = routine_timeline(content, routine_id, 0, content.progression.levels, 1.0)
        intros = [beat.duration for beat in timeline.beats if beat.kind is BeatKind.INTRO]
        switches = {
            beat.item: beat.duration for beat in timeline.beats if beat.kind is BeatKind.SWITCH
        }
        for index, item in enumerate(items):
            ready = content.exercises[item.exercise].get_ready
            assert intros[index] in (ready.same_position, ready.new_position), routine_id
            if index in switches:
                assert switches[index] == ready.switch_sides >= 10


def test_a_change_of_position_gets_the_longer_time(content: Content) -> None:
    """Quick: breathing (first), cat and cow (sitting to kneeling), baby cobra (kneeling to
    lying), lying twist (lying to lying: the same position)."""
    doses = routine_doses(content, "quick")
    ready = [content.exercises[item.exercise].get_ready for item in content.routines["quick"].items]
    assert [dose.get_ready for dose in doses] == [
        ready[0].new_position,
        ready[1].new_position,
        ready[2].new_position,
        ready[3].same_position,
    ]
    assert ready[3].same_position < ready[3].new_position


def test_an_easier_variant_counts_as_a_change_of_position(content: Content) -> None:
    """The gentle plan's breathing is done lying down (its easier variant), then seated cat and
    cow: a change, though both exercises say "sitting"."""
    doses = routine_doses(content, "gentle")
    second = content.exercises["seated_cat_cow"].get_ready
    assert doses[1].get_ready == second.new_position
