"""A session's plan as the page's JSON: the same beats as the chat session, with absolute
offsets, and each exercise's words in the person's language (pure: no I/O beyond content).

The lead's service builds the `Timeline` exactly as for the chat (guided/store.timeline_of:
routine, level, `ROUTINE_TIME_SCALE`), so the app and the chat follow one plan.
"""

from __future__ import annotations

from typing import TypedDict

from content import Content
from guided.engine.routines import is_gentle, routine_doses, routine_items
from guided.engine.timeline import Timeline
from ui.guided import breathing_cues, dose_text, item_title, routine_title
from webapp.figure import Figure, figure
from webapp.sounds import PlanSound, plan_sound

# Where server.py serves content/media/ (relative: the app may be mounted under a prefix).
MEDIA_PATH = "media/"


class PlanBeat(TypedDict):
    """One beat: what it shows, from when and for how long (seconds from the session's start)."""

    kind: str  # guided.engine.timeline.BeatKind's value
    item: int
    at: float
    duration: float
    round: int
    rounds: int
    side: int
    count: int
    total: int
    checkpoint: bool
    restart: int  # where Resume starts after a pause here (Timeline.restart_point)
    skip_to: int  # where Skip goes from here: the next exercise's intro (Timeline.next_item_start)


class PlanItem(TypedDict):
    """One exercise as the page shows it before it starts and while it runs."""

    exercise: str
    title: str
    purpose: str
    steps: list[str]
    cautions: list[str]
    dose: str
    unit: str  # breaths, seconds or reps
    picture: str  # the still picture, a URL under MEDIA_PATH (the figure moves; no GIF to load)
    cues: dict[str, str]  # inhale, exhale, hold
    figure: Figure | None


class Plan(TypedDict):
    """A whole session's plan."""

    routine: str
    title: str
    gentle: bool
    language: str
    items: list[PlanItem]
    beats: list[PlanBeat]
    seconds: float  # the whole session as timed
    sound: PlanSound  # the audio guide: the chat track's cues and tones on these beats


def _item(
    content: Content, routine_id: str, timeline: Timeline, index: int, language: str
) -> PlanItem:
    item = routine_items(content, routine_id)[index]
    exercise = content.exercises[item.exercise]
    easier = item.variant == "easier"
    still = (exercise.easier.picture or exercise.picture) if easier else exercise.picture
    cues = breathing_cues(content, routine_id, index)
    doses = routine_doses(content, routine_id)
    return PlanItem(
        exercise=exercise.id,
        title=item_title(content, routine_id, index, language),
        purpose=content.localize(exercise.purpose, language),
        steps=list(content.localize(exercise.easier.steps if easier else exercise.steps, language)),
        cautions=list(content.localize(exercise.cautions, language)),
        dose=dose_text(content, language, timeline, doses, index),
        unit=doses[index].unit,
        picture=MEDIA_PATH + still,
        cues={
            "inhale": content.localize(cues.inhale, language),
            "exhale": content.localize(cues.exhale, language),
            "hold": content.localize(cues.hold, language),
        },
        figure=figure(content.root / "poses", still),
    )


def plan_json(
    content: Content, routine_id: str, timeline: Timeline, language: str, scale: float = 1.0
) -> Plan:
    """The plan of a session of `routine_id` following `timeline` (made at time `scale`), in
    `language`."""
    beats: list[PlanBeat] = []
    at = 0.0
    for index, beat in enumerate(timeline.beats):
        beats.append(
            PlanBeat(
                kind=beat.kind.value,
                item=beat.item,
                at=round(at, 3),
                duration=round(beat.duration, 3),
                round=beat.round,
                rounds=beat.rounds,
                side=beat.side,
                count=beat.count,
                total=beat.total,
                checkpoint=beat.checkpoint,
                restart=timeline.restart_point(index),
                skip_to=timeline.next_item_start(index),
            )
        )
        at += beat.duration
    return Plan(
        routine=routine_id,
        title=routine_title(content, routine_id, language),
        gentle=is_gentle(content, routine_id),
        language=language,
        items=[
            _item(content, routine_id, timeline, index, language)
            for index in range(len(timeline.amounts))
        ],
        beats=beats,
        seconds=round(at, 3),
        sound=plan_sound(content, routine_id, timeline, language, scale),
    )
