"""What a person sees of the audio guide in the chat: Listen on the check-in, the track's caption
(its chapters) and buttons, the caption once the session is over, the voice note's caption."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from content import Content
from ui.guided import rating_keyboard
from ui.keyboards import Choice, Keyboard, keyboard
from ui.payloads import CheckIn, ItHurts, ListenCheckIn, ListenDone, ListenMode, RedFlags


def clock(seconds: float) -> str:
    """'1:05': minutes and seconds into a track."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def listen_row(content: Content, language: str, routine_id: str) -> list[Choice]:
    """The check-in's one row for the audio guide: Listen instead of the guide in the chat."""
    return [(content.text(language, "listen.button"), ListenMode(routine_id, "listen"))]


def checkin_markup(content: Content, language: str, routine_id: str, *, listen: bool) -> Keyboard:
    """The check-in's 0-10 buttons (which start the chat guide, or with `listen` the track), the
    warning-signs button, and the switch to the other way of being guided."""
    switch: list[Choice]
    if listen:
        rows = rating_keyboard(lambda n: ListenCheckIn(routine_id, n)).inline_keyboard
        switch = [(content.text(language, "listen.button_chat"), ListenMode(routine_id, "chat"))]
    else:
        rows = rating_keyboard(lambda n: CheckIn(routine_id, n)).inline_keyboard
        switch = listen_row(content, language, routine_id)
    warning = (content.text(language, "routine.warning_signs_button"), RedFlags("menu"))
    return keyboard([*rows, [warning], switch])


def track_caption(
    content: Content,
    language: str,
    title: str,
    seconds: float,
    chapters: Sequence[tuple[float, str]],
) -> str:
    """The track's caption: its title and length, then each exercise at its start."""
    return content.text(
        language,
        "listen.caption",
        title=title,
        duration=clock(seconds),
        chapters="\n".join(f"{clock(start)} {name}" for start, name in chapters),
    )


def track_markup(content: Content, language: str, session_id: int) -> InlineKeyboardMarkup:
    """It hurts and Done, under the track."""
    return keyboard(
        [
            [
                (content.text(language, "routine.button_hurts"), ItHurts(session_id)),
                (content.text(language, "listen.button_done"), ListenDone(session_id)),
            ]
        ]
    )


def closed_caption(content: Content, language: str, title: str, *, finished: bool) -> str:
    """The track's caption once its session is over: done, or stopped (Done, Stop, pain)."""
    return content.text(language, "listen.finished" if finished else "listen.stopped", title=title)


def note_caption(content: Content, language: str, title: str) -> str:
    return content.text(language, "listen.note_caption", title=title)


def exercise_listen(content: Content, language: str) -> str:
    """The label of Listen on an exercise of the library."""
    return content.text(language, "listen.button_exercise")
