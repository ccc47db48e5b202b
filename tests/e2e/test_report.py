"""The doctor's report end to end: pain reported by the button, by /pain and in the person's own
words, the warning-sign answers after it, then /progress and the PDF, in English and Russian.

How a report was made and what the person said are written by the pain flow (another part of
the bot); until it writes them, this test stores them on the rows the flow made, as it will."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.models import PainRating, Reminder
from emulator.render import plain
from handlers.progress import gather
from tests.e2e.test_progress import (
    HOW_STRONG,
    REPORT,
    consent,
    progress_photo,
    session_stopped_for_pain,
)
from ui.report import report_doc

NO_SIGNS = {"en": "No, none of these", "ru": "Нет, ничего из этого"}
LEAVE = {"en": "leave the exercises for now", "ru": "Пожалуйста, пока отложите упражнения"}
WORDS = {"en": "my back hurts", "ru": "болит спина"}
EXPECTED = {
    "en": {
        "period": "(1 day)",
        "count": "3 pain reports in this period",
        "said": "“my back hurts”",
        "advice_after_pain": "leave the exercises for now",
        "advice_corrected": "stop the exercises and get medical help",
        "adherence_progress": (
            "no planned day to count yet; 1 day on the gentle plan or a hold is not counted"
        ),
        "adherence_report": "no planned day to count in this period; not counted: 1 day",
        "sources": ("the “It hurts” button", "the /pain command", "a message"),
    },
    "ru": {
        "period": "(1 день)",
        "count": "Сообщений о боли в этом периоде: 3",
        "said": "«болит спина»",
        "advice_after_pain": "пока отложить упражнения",
        "advice_corrected": "прекратить упражнения и обратиться за медицинской помощью",
        "adherence_progress": (
            "пока нет запланированных дней, которые можно учесть; "
            "1 день щадящего плана или ограничения не учитывается"
        ),
        "adherence_report": (
            "нет запланированных дней, которые можно учесть; не учитывается 1 день"
        ),
        "sources": ("кнопка «Больно»", "команда /pain", "сообщение"),
    },
}


def flat(text: str) -> str:
    return " ".join(text.split())


async def check_what_the_pain_flow_stored(app, user_id: int, language: str) -> None:  # type: ignore[no-untyped-def]
    """How each report was made and the words said, the answers' origins, as the pain flow
    stored them; and one more answer (a corrected mistake) for the report to show."""
    async with app.bot_data.db() as tx:
        ratings = list(
            await tx.scalars(
                select(PainRating).where(PainRating.user_id == user_id).order_by(PainRating.id)
            )
        )
        reports = [r for r in ratings if r.kind == "report"]
        assert [(r.source, r.said) for r in reports] == [
            ("button", None),
            ("command", None),
            ("words", WORDS[language]),
        ]
        first_check, after_pain = [r for r in ratings if r.kind == "red_flag"]
        assert (first_check.detail, after_pain.detail) == ("none:k", "none:p")
        tx.add(
            PainRating(
                user_id=user_id,
                kind="red_flag",
                detail="corrected:m",
                at=after_pain.at + timedelta(seconds=5),
            )
        )
        await tx.commit()


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_report_lists_each_report_and_the_advice_given(  # type: ignore[no-untyped-def]
    app, make_user, language
) -> None:
    expected = EXPECTED[language]
    app.bot_data.settings.pain_episode_minutes = 0  # three reports, three episodes
    user = make_user(language)
    await consent(user, language)
    async with app.bot_data.db() as tx:  # a reminder every day (the reminders' own flow)
        now = app.bot_data.now()
        tx.add(
            Reminder(
                user_id=user.user_id,
                chat_id=user.user_id,
                kind="routine",
                local_time="07:00",
                days=0b1111111,
                zone="UTC",
                next_due=now + timedelta(days=1),
                enabled=True,
            )
        )
        await tx.commit()
    # 1. The button, in a session: how strong, where, then no warning signs.
    question = await session_stopped_for_pain(user, language, "3")
    for _ in range(2):
        await user.press(NO_SIGNS[language], message_id=question.message_id)
        await user.wait_for(lambda e: e.kind == "edit" and e.message_id == question.message_id)
    await user.wait_text(LEAVE[language], timeout=10)
    # 2. /pain, 3. the person's own words, each asked how strong (left unanswered).
    for said in ("/pain", WORDS[language]):
        await asyncio.sleep(1.0)  # a person's pace, not a burst
        await user.send(said)
        await user.wait_text(HOW_STRONG[language], timeout=10)
    await check_what_the_pain_flow_stored(app, user.user_id, language)

    shown = await progress_photo(user, language)
    caption = flat(plain(shown.message))
    assert expected["adherence_progress"] in caption
    await user.press(REPORT[language], message_id=shown.message_id)
    sent = await user.wait_for(
        lambda e: e.kind == "send" and e.message is not None and "document" in e.message,
        timeout=30,
    )
    reader = PdfReader(io.BytesIO(user.download(sent.message)))
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    assert expected["period"] in text
    assert expected["count"] in text
    assert text.count(expected["said"]) == 1
    assert text.count("6/10") == 1
    assert expected["advice_after_pain"] in text and expected["advice_corrected"] in text
    assert expected["adherence_report"] in text
    assert "/pain" in text
    if language == "en":
        assert "—" not in text  # what is not known is said in words

    # The same document, before it is drawn: each report once, in order, with its source.
    facts, _, _ = await gather(app.bot_data, user.user_id)
    assert facts is not None
    doc = report_doc(app.bot_data.content, language, facts, 30)
    heading = app.bot_data.content.text(language, "report.reports_heading")
    [reports] = [s for s in doc.sections if s.heading == heading]
    assert [row[1] for row in reports.table[1:]] == list(expected["sources"])
    assert reports.table[1][2] == "6/10"
    assert reports.table[3][5] == expected["said"]
    assert re.search(r"\d", reports.table[1][0])  # a date and time on every row
