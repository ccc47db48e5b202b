"""What the user sees of a guided session in the chat: the note on today's dose, captions, the live
message and its buttons, the offer to resume after a restart."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from content import Content
from content.adapted import base_id
from content.schema import Breathing
from guided.engine import marks
from guided.engine.marks import Mark
from guided.engine.routines import (
    SINGLE,
    easier_here,
    exercise_id,
    is_gentle,
    routine_doses,
    routine_items,
)
from guided.engine.timeline import Beat, BeatKind, Direction, Dose, Timeline, compare
from guided.engine.timers import Live
from ui.button import Button
from ui.payloads import Control, Interrupted, ItHurts

BAR_WIDTH = 10
RATINGS = frozenset(str(n) for n in range(11))  # the 0-10 buttons, as the bot writes them


def dose_text(
    content: Content, language: str, timeline: Timeline, doses: tuple[Dose, ...], item: int
) -> str:
    """'5 rounds of 3 breaths' / '30 seconds each side'."""
    dose = doses[item]
    amount, rounds = timeline.amounts[item], timeline.rounds[item]
    unit = content.text(language, f"routine.unit_{dose.unit}", count=amount)
    if rounds > 1:
        text = content.text(
            language, "routine.dose_rounds", rounds=rounds, amount=amount, unit=unit, count=rounds
        )
    else:
        text = content.text(language, "routine.dose_once", amount=amount, unit=unit)
    if dose.per_side:
        text += " " + content.text(language, "routine.per_side")
    return text


def item_title(content: Content, routine_id: str, item: int, language: str) -> str:
    """The title the user sees for an item: the easier variant's where the routine uses it."""
    exercise = content.exercises[routine_items(content, routine_id)[item].exercise]
    shown = exercise.easier.title if easier_here(content, routine_id, item) else exercise.title
    return content.localize(shown, language)


def routine_title(content: Content, routine_id: str, language: str) -> str:
    """The routine's name ('Quick routine'), or the exercise's for one practised on its own."""
    if routine_id.startswith(SINGLE):
        return item_title(content, routine_id, 0, language)
    return content.localize(content.routines[base_id(routine_id)].title, language)


def level_note(content: Content, live: Live, before: Timeline | None) -> str:
    """'Today: Quick routine, a little more than last time: Cat and cow, 6 repetitions (was 5).'

    `before`: the same routine at the level of last time (None: the first time), so the note
    compares like with like, and it names every exercise whose dose changed.
    """
    language = live.language
    routine = routine_title(content, live.routine_id, language)
    count = len(live.timeline.amounts)
    if is_gentle(content, live.routine_id):
        return content.text(language, "routine.level_gentle", count=count)
    if before is None:  # the first session of this routine: at the start, or at the level reached
        key = "routine.level_first" if live.level == 0 else "routine.level_new"
        return content.text(language, key, routine=routine, count=count)
    doses = routine_doses(content, live.routine_id)
    change = compare(before, live.timeline)
    if change.direction is Direction.SAME:
        return content.text(language, "routine.level_same", routine=routine)
    changes = "; ".join(
        content.text(
            language,
            "routine.level_change",
            title=item_title(content, live.routine_id, item, language),
            dose=dose_text(content, language, live.timeline, doses, item),
            before=dose_text(content, language, before, doses, item),
        )
        for item in change.items
    )
    key = {
        Direction.HARDER: "routine.level_up",
        Direction.EASIER: "routine.level_down",
    }.get(change.direction, "routine.level_mixed")
    return content.text(language, key, routine=routine, changes=changes)


def alerts_note(content: Content, language: str, on: bool) -> str:
    """One line on the notifications at each new exercise and side, and how to change them."""
    return content.text(language, "routine.alerts_on" if on else "routine.alerts_off")


def item_picture(content: Content, routine_id: str, item: int) -> tuple[str, bool]:
    """(file name, is an animation) of the picture shown with an item's intro."""
    exercise = content.exercises[routine_items(content, routine_id)[item].exercise]
    if easier_here(content, routine_id, item):
        return exercise.easier.picture or exercise.picture, False
    return exercise.animation or exercise.picture, bool(exercise.animation)


def intro_caption(content: Content, live: Live, doses: tuple[Dose, ...], item: int) -> str:
    """The caption under the exercise's picture: title, purpose, steps, dose and cautions."""
    language = live.language
    exercise = content.exercises[exercise_id(content, live, item)]
    easier = easier_here(content, live.routine_id, item)
    steps = content.localize(exercise.easier.steps if easier else exercise.steps, language)
    cautions = content.localize(exercise.cautions, language)
    return content.text(
        language,
        "routine.intro",
        number=item + 1,
        count=len(doses),
        title=item_title(content, live.routine_id, item, language),
        purpose=content.localize(exercise.purpose, language),
        steps="\n".join(f"{index}. {step}" for index, step in enumerate(steps, 1)),
        dose=dose_text(content, language, live.timeline, doses, item),
        cautions="\n".join(f"• {caution}" for caution in cautions),
    )


def _bar(done: float) -> str:
    filled = max(0, min(BAR_WIDTH, round(done * BAR_WIDTH)))
    return "▓" * filled + "░" * (BAR_WIDTH - filled)


def _where(content: Content, language: str, beat: Beat, unit: str) -> str:
    key = "routine.rep_of" if unit == "reps" else "routine.breath_of"
    where = content.text(language, key, count=beat.count, total=beat.total)
    if beat.rounds > 1:
        where += content.text(language, "routine.round_of", round=beat.round, rounds=beat.rounds)
    if beat.side:
        where += content.text(
            language, "routine.first_side" if beat.side == 1 else "routine.second_side"
        )
    return where


def breathing_cues(content: Content, routine_id: str, item: int) -> Breathing:
    """The cues shown with each breath and timed hold of an item: the easier version's own where
    the routine shows it."""
    exercise = content.exercises[routine_items(content, routine_id)[item].exercise]
    return exercise.cues(easier_here(content, routine_id, item))


def beat_text(
    content: Content, live: Live, doses: tuple[Dose, ...], beat: Beat, seconds: int
) -> str:
    """The live message's text for a beat (seconds: the real, unscaled length)."""
    language = live.language
    title = item_title(content, live.routine_id, beat.item, language)
    cues = breathing_cues(content, live.routine_id, beat.item)
    if beat.kind is BeatKind.INTRO:
        return content.text(language, "routine.get_ready", title=title, seconds=seconds)
    if beat.kind in (BeatKind.INHALE, BeatKind.EXHALE):
        phase = "inhale" if beat.kind is BeatKind.INHALE else "exhale"
        done = (beat.count - (1 if phase == "inhale" else 0.5)) / max(1, beat.total)
        return content.text(
            language,
            f"routine.{phase}",
            cue=content.localize(getattr(cues, phase), language),
            where=_where(content, language, beat, doses[beat.item].unit),
            bar=_bar(done),
        )
    if beat.kind is BeatKind.TIMED_HOLD:
        side = ""
        if beat.side:
            side = content.text(
                language, "routine.first_side" if beat.side == 1 else "routine.second_side"
            )
        return content.text(
            language,
            "routine.hold",
            cue=content.localize(cues.hold, language),
            seconds=beat.count,
            side=side,
            bar=_bar(1 - beat.count / max(1, beat.total)),
        )
    if beat.kind is BeatKind.SWITCH:
        return content.text(language, "routine.switch", title=title, seconds=seconds)
    if beat.kind is BeatKind.REST:
        upcoming = content.text(
            language, "routine.next_round", round=beat.round, rounds=beat.rounds
        )
        return content.text(language, "routine.rest", seconds=seconds, next=upcoming)
    if beat.kind is BeatKind.NEXT:
        upcoming = upcoming_title(content, live, beat.item + 1)
        return content.text(language, "routine.rest", seconds=seconds, next=upcoming)
    return ""


def paused_text(content: Content, live: Live) -> str:
    """The live message while the clock is held: paused, or asking whether to end."""
    key = "routine.confirm_end" if live.asking_to_end else "routine.paused"
    return content.text(live.language, key)


# How the live message of an exercise reads once closed, by the exercise's mark.
CLOSED = {
    Mark.DONE: "routine.closed_done",
    Mark.SKIPPED: "routine.closed_skipped",
    Mark.HURT: "routine.closed_hurt",
    Mark.STOPPED: "routine.closed_stopped",
    Mark.NOT_REACHED: "routine.closed_stopped",
}


def closed_line(content: Content, live: Live, item: int) -> str:
    """'✓ Cat and cow' for a done exercise; another mark for one skipped, stopped or that hurt."""
    mark = Mark(live.marks[item]) if item < len(live.marks) else Mark.NOT_REACHED
    title = item_title(content, live.routine_id, item, live.language)
    return content.text(live.language, CLOSED[mark], title=title)


def took(content: Content, language: str, seconds: float) -> str:
    """'40 s' or '4 min 10 s': how long the session ran."""
    minutes, rest = divmod(round(seconds), 60)
    if minutes == 0:
        return content.text(language, "routine.took_seconds", seconds=rest)
    return content.text(language, "routine.took_minutes", minutes=minutes, seconds=rest)


def stopped_text(content: Content, language: str, done: int, count: int, seconds: float) -> str:
    """'Session stopped after 40 s: 0 of 7 exercises done.' from what was done."""
    time = took(content, language, seconds)
    if done == 0:
        return content.text(language, "routine.stopped_none", time=time)
    return content.text(
        language, "routine.stopped", exercises=done, total=count, time=time, count=count
    )


def done_text(content: Content, live: Live, seconds: float) -> str:
    """The closing words of a session that reached its end: the last exercise's line and what
    was done; praise only when every exercise was done."""
    language, count = live.language, len(live.marks)
    done, skipped = marks.count(live.marks, Mark.DONE), marks.count(live.marks, Mark.SKIPPED)
    time = took(content, language, seconds)
    if done == count:
        summary = content.text(language, "routine.done_all", exercises=done, time=time, count=done)
    elif done == 0:
        summary = content.text(language, "routine.done_none", time=time)
    else:
        summary = content.text(
            language,
            "routine.done_some",
            exercises=done,
            total=count,
            skipped=skipped,
            time=time,
            count=count,
        )
    return closed_line(content, live, count - 1) + "\n\n" + summary


def upcoming_title(content: Content, live: Live, item: int) -> str:
    """The title of the exercise at a position, or '' past the end."""
    if item >= len(routine_items(content, live.routine_id)):
        return ""
    return item_title(content, live.routine_id, item, live.language)


def controls(content: Content, live: Live, *, intro: bool = False) -> InlineKeyboardMarkup:
    """The buttons of the live message, always in the same four places.

    Left of Skip: Ready during the countdown, Pause while it runs, Resume while paused (Carry
    on after Stop); below them Stop and It hurts. After Stop, "Yes, end it" comes in a row of
    its own below: no earlier tap (a double tap on Stop) can land on it.
    """
    language = live.language

    def button(key: str, control: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            content.text(language, f"routine.button_{key}"),
            callback_data=(
                ItHurts(live.session_id) if control == "hu" else Control(live.session_id, control)
            ).pack(),
        )

    if live.asking_to_end:
        first = button("carry_on", "rs")
    elif live.paused:
        first = button("resume", "rs")
    elif intro:
        first = button("ready", "go")
    else:
        first = button("pause", "pz")
    rows = [[first, button("skip", "sk")], [button("stop", "st"), button("hurts", "hu")]]
    if live.asking_to_end:
        rows.append([button("end_yes", "se")])
    return InlineKeyboardMarkup(rows)


def interrupted_text(
    content: Content, language: str, routine_id: str, item: int, count: int
) -> str:
    """Where a session a restart interrupted was: its exercise and its place in the routine."""
    return content.text(
        language,
        "routine.interrupted",
        title=item_title(content, routine_id, item, language),
        where=content.text(language, "routine.interrupted_where", number=item + 1, count=count),
    )


def resume_markup(content: Content, language: str, session_id: int) -> InlineKeyboardMarkup:
    """Resume and End, for a session a restart interrupted."""

    def button(key: str, op: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            content.text(language, f"routine.button_{key}"),
            callback_data=Interrupted(session_id, op).pack(),
        )

    return InlineKeyboardMarkup([[button("resume", "resume"), button("end", "end")]])


def rating_keyboard(press: Callable[[int], Button]) -> InlineKeyboardMarkup:
    """0-10 buttons in two rows; `press(n)` is the button of rating n."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(str(n), callback_data=press(n).pack()) for n in range(0, 6)],
            [InlineKeyboardButton(str(n), callback_data=press(n).pack()) for n in range(6, 11)],
        ]
    )
