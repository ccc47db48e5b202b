"""The plan the page follows is the chat session's timeline, in the person's language."""

from __future__ import annotations

import itertools

import pytest

from content import Content
from guided.engine.routines import routine_timeline
from webapp.plan import plan_json


@pytest.mark.parametrize("routine", ["quick", "full", "office", "gentle"])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_same_beats_as_the_chat_with_absolute_offsets(
    app_content: Content, routine: str, language: str
) -> None:
    timeline = routine_timeline(app_content, routine, 3, app_content.progression.levels, 0.5)
    plan = plan_json(app_content, routine, timeline, language)
    assert [b["kind"] for b in plan["beats"]] == [b.kind.value for b in timeline.beats]
    assert [b["count"] for b in plan["beats"]] == [b.count for b in timeline.beats]
    starts = list(itertools.accumulate((b.duration for b in timeline.beats), initial=0.0))
    assert [b["at"] for b in plan["beats"]] == pytest.approx(starts[:-1], abs=0.002)
    assert plan["seconds"] == pytest.approx(timeline.seconds_total(), abs=0.01)
    for index, beat in enumerate(plan["beats"]):
        assert beat["restart"] == timeline.restart_point(index)
        assert beat["skip_to"] == timeline.next_item_start(index)
    assert plan["gentle"] == (routine == "gentle")
    assert len(plan["items"]) == len(timeline.amounts)


def test_words_pictures_and_figures_of_each_exercise(app_content: Content) -> None:
    timeline = routine_timeline(app_content, "gentle", 1, app_content.progression.levels, 1.0)
    english = plan_json(app_content, "gentle", timeline, "en")
    russian = plan_json(app_content, "gentle", timeline, "ru")
    assert english["items"][0]["title"] == "Breathing lying on your back"  # the easier version
    assert russian["items"][0]["title"] == "Дыхание лёжа на спине"
    assert english["items"][0]["picture"] == "media/breathing_easier.png"
    for item in english["items"]:
        assert item["steps"] and item["cautions"] and item["cues"]["inhale"]
        figure = item["figure"]
        assert figure is not None and figure["frames"]
        assert all(len(frame) == 2 * len(figure["joints"]) for frame in figure["frames"])
    assert any(prop for item in english["items"] for prop in item["figure"]["props"])  # type: ignore[index]  # chairs
