"""The doctor's report says what is stored, and only that: the period in the right plural, every
pain report once (how it was made, the person's words), the advice actually given for every
warning-sign answer, adherence as /progress shows it, and a change only where one was made."""

from __future__ import annotations

import io
import logging
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from content import Content
from content.texts import plural_category
from progress.document import ReportDoc, Section
from progress.report import build
from progress.signs import ANSWERS, ORIGINS
from progress.stats import Facts, HurtFact, PeriodFact, RatingFact, SessionFact
from safety.rules import Answer, Origin
from ui.progress import caption
from ui.report import SAID_CHARS, report_doc

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)  # a Saturday
TODAY = NOW.date()
# Many examples build a whole document: allow them the time.
slow = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def make_facts(
    *,
    since: date = TODAY - timedelta(days=200),
    sessions: tuple[SessionFact, ...] = (),
    ratings: tuple[RatingFact, ...] = (),
    periods: tuple[PeriodFact, ...] = (),
    hurts: tuple[HurtFact, ...] = (),
    reminder_days: frozenset[int] = frozenset(),
) -> Facts:
    return Facts(
        "UTC",
        NOW,
        since,
        sessions,
        ratings,
        periods,
        hurts=hurts,
        reminder_days=reminder_days,
    )


def section(doc: ReportDoc, heading: str) -> Section:
    [found] = [s for s in doc.sections if s.heading == heading]
    return found


def flat(doc: ReportDoc) -> str:
    parts = [doc.title, doc.period, doc.about]
    for s in doc.sections:
        parts += [s.heading, *s.lines, *(" | ".join(row) for row in s.table)]
    return "\n".join(parts)


# --- The period --------------------------------------------------------------------------------

RU_DAYS = {"one": "день", "few": "дня", "many": "дней", "other": "дня"}


@given(st.integers(min_value=0, max_value=120), st.sampled_from([7, 30, 90]))
def test_the_period_has_its_length_in_the_right_plural(
    content: Content, arrived: int, days: int
) -> None:
    facts = make_facts(since=TODAY - timedelta(days=arrived))
    length = min(arrived + 1, days)
    english = report_doc(content, "en", facts, days).period
    noun = "day" if length == 1 else "days"
    assert f"({length} {noun})" in english
    russian = report_doc(content, "ru", facts, days).period
    assert f"({length} {RU_DAYS[plural_category('ru', length)]})" in russian
    if length == 1:  # one day is named once, not as "5 December – 5 December"
        assert "–" not in english.split("(")[0] and "–" not in russian.split("(")[0]


# --- Adherence: the same figures as /progress --------------------------------------------------

sessions_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=95),
        st.sampled_from(["completed", "stopped", "pain", "warning_signs"]),
    ),
    max_size=30,
)
periods_strategy = st.lists(
    st.tuples(st.integers(min_value=0, max_value=95), st.integers(min_value=0, max_value=10)),
    max_size=3,
)
ADHERENCE = re.compile(r"sessions on (\d+) of (\d+) planned days? \((\d+)%\)")
NOT_COUNTED = re.compile(r"(\d+) days? on the gentle plan or a (?:safety )?hold")


def adherence_figures(line: str) -> tuple[tuple[str, ...] | None, str | None]:
    found = ADHERENCE.search(line)
    frozen = NOT_COUNTED.search(line)
    return (found.groups() if found else None), (frozen.group(1) if frozen else None)


@slow
@given(
    sessions_strategy,
    periods_strategy,
    st.frozensets(st.integers(min_value=0, max_value=6)),
    st.integers(min_value=0, max_value=120),
    st.sampled_from([7, 30, 90]),
)
def test_adherence_in_the_report_is_the_one_progress_shows(
    content: Content,
    statuses: list[tuple[int, str]],
    spans: list[tuple[int, int]],
    weekdays: frozenset[int],
    arrived: int,
    days: int,
) -> None:
    facts = make_facts(
        since=TODAY - timedelta(days=arrived),
        sessions=tuple(
            SessionFact(NOW - timedelta(days=back, hours=1), status, "quick", 300.0)
            for back, status in statuses
        ),
        periods=tuple(
            PeriodFact(
                "gentle",
                NOW - timedelta(days=back),
                NOW - timedelta(days=back - length) if back - length > 0 else None,
            )
            for back, length in spans
        ),
        reminder_days=weekdays,
    )
    shown = caption(content, "en", facts, days, None, True)
    [progress_line] = [line for line in shown.splitlines() if line.startswith("On plan")]
    doc = report_doc(content, "en", facts, days)
    [report_line] = [line for line in section(doc, "Summary").lines if line.startswith("Adherence")]
    assert adherence_figures(progress_line) == adherence_figures(report_line)
    no_day = "no planned day" in progress_line
    assert no_day == ("no planned day" in report_line)
    assert no_day == (adherence_figures(report_line)[0] is None)


def test_adherence_says_why_no_day_counts(content: Content) -> None:
    """Found trying the product: a first day stopped for pain read "no planned days" while the
    person had reminders every day; the day is on the gentle plan, and the line says so."""
    facts = make_facts(
        since=TODAY,
        sessions=(SessionFact(NOW - timedelta(hours=1), "pain", "quick", 60.0),),
        periods=(PeriodFact("gentle", NOW - timedelta(minutes=50)),),
        reminder_days=frozenset(range(7)),
    )
    shown = caption(content, "en", facts, 30, None, True)
    assert (
        "On plan in the last 30 days: no planned day to count yet; 1 day on the gentle plan or "
        "a hold is not counted; planned days are your reminder days (every day)"
    ) in shown
    summary = section(report_doc(content, "en", facts, 30), "Summary")
    assert (
        "Adherence: no planned day to count in this period; not counted: 1 day on the gentle "
        "plan or a safety hold; planned days: the user's reminder days (every day)."
    ) in summary.lines
    russian = caption(content, "ru", facts, 30, None, True)
    assert "1 день щадящего плана или ограничения не учитывается" in russian


def test_progress_always_has_an_adherence_line(content: Content) -> None:
    facts = make_facts(sessions=(SessionFact(NOW, "completed", "quick", 300.0),))
    shown = caption(content, "en", facts, 7, None, True)
    assert "On plan in the last 7 days: sessions on 1 of 7 planned days (14%)" in shown
    weekdays = make_facts(
        sessions=(SessionFact(NOW, "completed", "quick", 300.0),),
        reminder_days=frozenset({5}),
    )
    shown = caption(content, "en", weekdays, 7, None, True)
    assert "sessions on 1 of 1 planned day (100%)" in shown and "(Saturday)" in shown
    shown = caption(content, "ru", weekdays, 7, None, True)
    assert "По плану за последние 7 дней: занятия в 1 из 1 запланированного дня (100%)" in shown


# --- Every pain report once --------------------------------------------------------------------

report_strategy = st.builds(
    lambda minutes, value, detail, source, said: RatingFact(
        NOW - timedelta(minutes=minutes), "report", value, detail, None, source, said
    ),
    st.integers(min_value=0, max_value=100 * 24 * 60),
    st.none() | st.integers(min_value=0, max_value=10),
    st.sampled_from([None, "lb", "ub", "l1", "l2", "el"]),
    st.sampled_from([None, "button", "command", "words"]),
    st.none() | st.text(min_size=1, max_size=300),
)


@slow
@given(st.lists(report_strategy, max_size=40), st.sampled_from([7, 30, 90]))
def test_every_stored_report_appears_once(
    content: Content, reports: list[RatingFact], days: int
) -> None:
    facts = make_facts(ratings=tuple(reports))
    first = TODAY - timedelta(days=days - 1)
    inside = [r for r in reports if r.at.date() >= first]
    doc = report_doc(content, "en", facts, days)
    found = section(doc, "Pain reports")
    if not inside:
        assert found.lines == ("None in this period.",) and not found.table
        return
    assert len(found.table) - 1 == len(inside)  # one row each, under the heading row
    assert found.table[0][1] == "Reported by" and found.table[0][-1] == "In their words"
    for row, report in zip(found.table[1:], sorted(inside, key=lambda r: r.at), strict=True):
        assert row[2] == ("not given" if report.value is None else f"{report.value}/10")
        assert (
            row[1]
            == {
                None: "not recorded",
                "button": "the “It hurts” button",
                "command": "the /pain command",
                "words": "a message",
            }[report.source]
        )
        if report.said and report.said.split():
            said = " ".join(report.said.split())
            assert row[5].startswith("“") and row[5].endswith("”")
            assert len(row[5]) <= SAID_CHARS + 2
            assert row[5][1:-1].rstrip("…") in said
        else:
            assert row[5] == ""
    count = len(inside)
    assert found.lines == (
        f"{count} pain report{'' if count == 1 else 's'} in this period, "
        f"{'' if count == 1 else 'each '}listed as stored.",
    )
    assert doc.chart is not None and doc.chart.report_count() == count


def test_eleven_reports_in_two_minutes_are_eleven_rows_that_say_what_is_known(
    content: Content,
) -> None:
    reports = tuple(
        RatingFact(
            NOW - timedelta(seconds=120 - 12 * n),
            "report",
            6 if n == 0 else None,
            "lb" if n == 0 else None,
            7 if n == 0 else None,
            "button" if n == 0 else "words",
            None if n == 0 else "it hurts again",
        )
        for n in range(11)
    )
    facts = make_facts(
        ratings=reports,
        sessions=(SessionFact(NOW - timedelta(minutes=10), "pain", "quick", 60.0, id=7),),
        hurts=(HurtFact(NOW - timedelta(minutes=2), "cat_cow", "easier", 7),),
    )
    table = section(report_doc(content, "en", facts, 7), "Pain reports").table
    assert table[1] == (
        "5 Dec, 11:58",
        "the “It hurts” button",
        "6/10",
        "Lower back",
        "Cat and cow",
        "",
    )
    assert table[2][1:] == (
        "a message",
        "not given",
        "not given",
        "not in a session",
        "“it hurts again”",
    )
    assert len(table) == 12 and "—" not in flat(report_doc(content, "en", facts, 7))


def test_long_words_are_cut_and_letters_the_font_lacks_never_reach_a_log(
    content: Content, caplog: pytest.LogCaptureFixture
) -> None:
    said = "it hurts ✋ 中文 " + "when I bend forward " * 20
    facts = make_facts(ratings=(RatingFact(NOW, "report", 5, "lb", None, "words", said),))
    doc = report_doc(content, "en", facts, 7)
    cell = section(doc, "Pain reports").table[1][5]
    assert cell.endswith("…”") and len(cell) <= SAID_CHARS + 2
    with caplog.at_level(logging.DEBUG):
        pdf = build(doc)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "中" not in logged and "✋" not in logged and "missing" not in logged
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "when I bend" in text and "中" not in text


# --- The advice actually given -----------------------------------------------------------------

ADVICE = {
    ("none", "s"): "exercise gently, stop on any pain",
    ("none", "k"): "exercise gently, stop on any pain",
    ("none", "m"): "stop the exercises and get medical help if any of these signs appear",
    ("none", "p"): (
        "leave the exercises for now, keep gently active, see a doctor or physiotherapist if "
        "it does not ease in a few days"
    ),
    ("legs", "p"): "see a doctor today or tomorrow",
}
ASKED = {
    "s": "before the first session",
    "k": "before the first session (back pain a clinician has assessed, unchanged)",
    "p": "after a pain report",
    "m": 'at the check-in (the "I have warning signs" button)',
}


def expected_advice(answer: str, origin: str) -> str:
    if answer == "emergency":
        return "get emergency care now (local number given); routine on hold"
    if answer == "doctor":
        return "see a doctor soon; only the gentle plan until checked"
    if answer == "legs":
        return "see a doctor today or tomorrow"
    return ADVICE[("none", origin)]  # none, or an emergency Yes corrected to none


def signs_table(content: Content, language: str, details: list[str]) -> list[tuple[str, ...]]:
    ratings = tuple(
        RatingFact(NOW - timedelta(hours=len(details) - n), "red_flag", None, detail)
        for n, detail in enumerate(details)
    )
    doc = report_doc(content, language, make_facts(ratings=ratings), 7)
    heading = content.text(language, "report.signs_heading")
    return list(section(doc, heading).table[1:])


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("origin", ORIGINS)
def test_the_advice_for_every_code(content: Content, answer: str, origin: str) -> None:
    [row] = signs_table(content, "en", [f"{answer}:{origin}"])
    assert row[1] == ASKED[origin]
    assert row[3] == expected_advice(answer, origin)
    if answer == "corrected":
        assert row[2] == (
            "answered Yes by mistake and corrected it; none of the emergency signs apply"
        )
    [russian] = signs_table(content, "ru", [f"{answer}:{origin}"])
    assert all(russian) and not re.search(r"[A-Za-z]", " ".join(russian[1:]))


def test_every_code_is_covered_and_pinned() -> None:
    assert set(ANSWERS) == {"none", "emergency", "doctor", "legs", "corrected"}
    assert set(ORIGINS) == {origin.value for origin in Origin}  # as the bot stores them
    assert set(ANSWERS) == {answer.value for answer in Answer}


def test_old_answers_are_the_first_checks_and_unknown_ones_are_not_guessed(
    content: Content,
) -> None:
    rows = signs_table(content, "en", ["none", "doctor", "emergency", "maybe:p", "none:x"])
    assert rows[0][1:] == ("before the first session", "no warning signs", ADVICE[("none", "s")])
    assert rows[1][3] == expected_advice("doctor", "s")
    assert rows[2][3] == expected_advice("emergency", "s")
    for unknown in rows[3:]:
        assert unknown[2] == "an answer this version of the report cannot read"
        assert unknown[3] == ""


def test_after_a_pain_report_the_report_says_leave_the_exercises(content: Content) -> None:
    """Found trying the product: the report said "exercise gently" where the bot had said
    "Please leave the exercises for now"."""
    [row] = signs_table(content, "en", ["none:p"])
    assert row[3].startswith("leave the exercises for now")


# --- What changed after an exercise hurt -------------------------------------------------------


def hurts_rows(content: Content, routine_ids: list[str]) -> list[tuple[str, ...]]:
    hurt = HurtFact(NOW - timedelta(days=3), "cat_cow", "easier", 1)
    sessions = (
        SessionFact(NOW - timedelta(days=3, minutes=10), "pain", "quick", 60.0, id=1),
        *(
            SessionFact(NOW - timedelta(days=2 - n / 10), "completed", routine, 300.0, id=2 + n)
            for n, routine in enumerate(routine_ids)
        ),
    )
    doc = report_doc(content, "en", make_facts(sessions=sessions, hurts=(hurt,)), 7)
    return list(section(doc, "Exercises that hurt, and what changed").table[1:])


def test_a_change_is_shown_only_where_a_later_session_was_changed(content: Content) -> None:
    [nothing_since] = hurts_rows(content, [])
    assert nothing_since[2] == "no later session was changed for it"
    [unchanged] = hurts_rows(content, ["gentle", "quick"])
    assert unchanged[2] == "no later session was changed for it"
    [changed] = hurts_rows(content, ["quick~1e", "gentle", "quick~1e2o"])
    assert changed[2] == "its easier version (Cat and cow on a chair) in 2 later sessions"
    [once] = hurts_rows(content, ["quick~1e"])
    assert once[2].endswith("in 1 later session")


# --- Plural forms everywhere --------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 5, 11, 21])
def test_no_count_reads_in_the_wrong_form(content: Content, count: int) -> None:
    """Counts of days, reports and sessions in both languages, at each plural category."""
    sessions = tuple(
        SessionFact(NOW - timedelta(days=n % 80, hours=1), "completed", "quick", 60.0, id=n)
        for n in range(count + 12)
    )
    ratings = tuple(
        RatingFact(NOW - timedelta(hours=n), "report", None, None) for n in range(count)
    )
    facts = make_facts(since=TODAY - timedelta(days=count - 1), sessions=sessions, ratings=ratings)
    english = flat(report_doc(content, "en", facts, 90))
    english += caption(content, "en", facts, 90, None, True)
    assert not re.search(r"(?<![\d,.])1 (?:\w+ )?(?:days|sessions|reports|minutes|ones)\b", english)
    assert not re.search(r"(?<![\d,.])(?:[02-9]|1\d) (?:\w+ )?(?:day|session|report)\b", english)
    russian = flat(report_doc(content, "ru", facts, 90))
    russian += caption(content, "ru", facts, 90, None, True)
    category = plural_category("ru", count)
    assert f"({count} {RU_DAYS[category]})" in russian  # the period
    planned = "запланированного дня" if category == "one" else "запланированных дней"
    assert russian.count(f"из {count} {planned}") == 2  # adherence, in /progress and the report


def test_without_consent_progress_says_why_the_weekly_check_is_off(content: Content) -> None:
    facts = make_facts(sessions=(SessionFact(NOW, "completed", "quick", 300.0),))
    shown = caption(content, "en", facts, 30, None, False)
    assert "Weekly check: off (it keeps your answers, so it needs your consent: /privacy)" in shown
    assert "Weekly check: off\n" not in shown + "\n"
    assert "Weekly check: off" + "\n" in caption(content, "en", facts, 30, None, True) + "\n"
