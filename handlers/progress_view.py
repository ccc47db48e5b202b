"""Turns progress facts into what the user reads: the /progress caption, the chart's words and
the doctor's report, in the user's language (numbers and dates by Babel's rules)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeVar

from babel.dates import format_date, format_datetime, get_day_names
from babel.numbers import format_decimal
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from content import Content
from content.adapted import base_id
from handlers.payloads import Action, build
from handlers.routine_view import SINGLE, rating_keyboard
from progress.chartdata import ChartData, ChartLabels, chart_data
from progress.document import ReportDoc, Section
from progress.stats import (
    COMPLETED,
    RED_FLAG,
    REPORT,
    Direction,
    Facts,
    Window,
    current_streak,
    frozen_days,
    in_total,
    last_days,
    local_day,
    pain_trend,
    summarize,
    this_month,
    this_week,
)

TABLE_ROWS = 12  # rows per table in the report, the most recent ones: two pages at most


def number(value: float, language: str) -> str:
    """4.5 / 4,5, as the language writes it."""
    return format_decimal(value, "#,##0.#", locale=language)


def day_text(day: date, language: str, *, year: bool = False) -> str:
    """'5 May' / '5 мая' (with the year: 'May 5, 2026' / '5 мая 2026 г.')."""
    return format_date(day, "d MMMM y" if year else "d MMM", locale=language)


def weekday(day: int, language: str) -> str:
    """The full name of a weekday (0 = Monday)."""
    return str(get_day_names("wide", locale=language)[day])


def trend_line(content: Content, language: str, facts: Facts, window: Window) -> str:
    """The pain trend in one line."""
    found = pain_trend(facts, window)
    if found is None:
        return content.text(language, "progress.trend_none")
    key = {
        Direction.FELL: "progress.trend_fell",
        Direction.ROSE: "progress.trend_rose",
        Direction.SAME: "progress.trend_same",
    }[found.direction]
    return content.text(
        language, key, first=number(found.first, language), last=number(found.last, language)
    )


def caption(
    content: Content,
    language: str,
    facts: Facts,
    window: Window,
    weekly: tuple[int, str] | None,
    consent: bool,
) -> str:
    """This week, this month, in total; streak, adherence, trend and the weekly check."""
    today = facts.today
    lines = [content.text(language, "progress.title")]
    for key, span in (
        ("progress.week", this_week(today, facts.since)),
        ("progress.month", this_month(today, facts.since)),
        ("progress.total", in_total(facts)),
    ):
        summary = summarize(facts, span)
        stopped = content.text(language, "progress.stopped", count=summary.stopped)
        if summary.stopped_for_pain:
            stopped += " " + content.text(
                language, "progress.for_pain", count=summary.stopped_for_pain
            )
        lines.append(
            content.text(
                language,
                "progress.line",
                when=content.text(language, key),
                done=content.text(language, "progress.done", count=summary.done),
                stopped=stopped,
                minutes=content.text(language, "progress.minutes", count=summary.minutes),
            )
        )
    streak = current_streak(facts)
    line = content.text(language, "progress.streak", count=streak)
    if today in frozen_days(facts.periods, facts.tzinfo, today):
        line += " " + content.text(language, "progress.streak_frozen")
    lines.append(line)
    summary = summarize(facts, window)
    if summary.adherence is not None:
        basis = "progress.basis_reminders" if facts.reminder_days else "progress.basis_all"
        lines.append(
            content.text(
                language,
                "progress.adherence",
                active=summary.active_days,
                count=summary.planned_days,
                percent=summary.adherence,
            )
            + "; "
            + content.text(language, basis)
        )
    lines.append(
        trend_line(content, language, facts, window)
        if consent
        else content.text(language, "progress.ratings_off")
    )
    if weekly is not None:
        lines.append(
            content.text(
                language,
                "progress.weekly_state_on",
                day=weekday(weekly[0], language),
                time=weekly[1],
            )
        )
    else:
        lines.append(content.text(language, "progress.weekly_state_off"))
    return "\n".join(lines)


def labels(content: Content, language: str, days: int) -> ChartLabels:
    """The chart's words."""

    def word(key: str) -> str:
        return content.text(language, f"progress.{key}")

    return ChartLabels(
        title=content.text(language, "progress.chart_title", count=days),
        axis=word("axis"),
        now=word("legend_now"),
        after=word("legend_after"),
        report=word("legend_report"),
        peg=word("legend_peg"),
        gentle=word("legend_gentle"),
        hold=word("legend_hold"),
        empty=word("chart_empty"),
    )


def chart_for(content: Content, language: str, facts: Facts, days: int) -> ChartData:
    """The phone chart of the last `days` days."""
    window = last_days(facts.today, days)
    return chart_data(facts, window, language, labels(content, language, days))


def routine_title(content: Content, routine_id: str, language: str) -> str:
    """The name of a stored session's routine (adapted ones by their routine's name)."""
    if routine_id.startswith(SINGLE):
        exercise = content.exercises.get(routine_id.removeprefix(SINGLE))
        return content.localize(exercise.title, language) if exercise else routine_id
    routine = content.routines.get(base_id(routine_id))
    return content.localize(routine.title, language) if routine else routine_id


def exercise_title(content: Content, exercise_id: str, language: str) -> str:
    exercise = content.exercises.get(exercise_id)
    return content.localize(exercise.title, language) if exercise else exercise_id


def easier_title(content: Content, exercise_id: str, language: str) -> str:
    exercise = content.exercises.get(exercise_id)
    return content.localize(exercise.easier.title, language) if exercise else exercise_id


T = TypeVar("T")


def _recent(rows: list[T]) -> tuple[list[T], int]:
    """The last TABLE_ROWS rows, and how many earlier ones were left out."""
    return rows[-TABLE_ROWS:], max(0, len(rows) - TABLE_ROWS)


def report_doc(
    content: Content, language: str, facts: Facts, days: int, hurt_days: int
) -> ReportDoc:
    """The doctor's report of the last `days` days (only what the user allowed to be stored)."""

    def t(key: str, /, **params: object) -> str:
        return content.text(language, f"report.{key}", **params)

    tz = facts.tzinfo
    window = last_days(facts.today, days, facts.since)
    inside = [s for s in facts.sessions if local_day(s.started_at, facts.tzinfo) in window]

    def when(moment: datetime, *, time: bool = False) -> str:
        local = moment.astimezone(tz)
        if time:
            return format_datetime(local, "d MMM, HH:mm", locale=language)
        return day_text(local.date(), language)

    summary = summarize(facts, window)
    user_stops = sum(s.status == "stopped" for s in inside)
    signs = sum(s.status == "warning_signs" for s in inside)
    lines = [
        t(
            "sessions_line",
            done=summary.done,
            stopped=summary.stopped,
            pain=summary.stopped_for_pain,
            signs=signs,
            user=user_stops,
            minutes=summary.minutes,
        )
    ]
    if summary.adherence is None:
        lines.append(t("adherence_none"))
    else:
        basis = (
            t(
                "basis_reminders",
                days=", ".join(weekday(d, language) for d in sorted(facts.reminder_days)),
            )
            if facts.reminder_days
            else t("basis_all")
        )
        lines.append(
            t(
                "adherence_line",
                active=summary.active_days,
                planned=summary.planned_days,
                percent=summary.adherence,
                basis=basis,
            )
        )
    frozen = [d for d in frozen_days(facts.periods, facts.tzinfo, facts.today) if d in window]
    lines.append(t("streak_line", count=current_streak(facts)))
    lines.append(t("frozen_line", count=len(frozen)))
    lines.append(trend_line(content, language, facts, window))
    sections = [Section(t("summary_heading"), tuple(lines))]

    by_session: dict[int, dict[str, int | None]] = {}
    for rating in facts.ratings:
        if rating.session_id is not None:
            by_session.setdefault(rating.session_id, {})[rating.kind] = rating.value
    rows, earlier = _recent(inside)
    dash = t("not_given")

    def rated(session_index: int, kind: str) -> str:
        value = ratings_of[session_index].get(kind)
        return dash if value is None else str(value)

    ratings_of = [by_session.get(s.id, {}) if s.id is not None else {} for s in rows]
    table = [(t("col_date"), t("col_routine"), t("col_result"), t("col_before"), t("col_after"))]
    for index, s in enumerate(rows):
        result = t(f"result_{s.status}") if s.status in _RESULTS else s.status
        table.append(
            (
                when(s.started_at, time=True),
                routine_title(content, s.routine_id, language),
                result,
                rated(index, "checkin"),
                rated(index, "after"),
            )
        )
    session_lines = (t("sessions_more", count=earlier),) if earlier else ()
    sections.append(
        Section(
            t("sessions_heading"),
            session_lines if rows else (t("sessions_none"),),
            tuple(table) if rows else (),
            (26, 30, 26, 9, 9),
        )
    )

    pegs, _ = _recent([p for p in facts.pegs if local_day(p.at, facts.tzinfo) in window])
    peg_table = [
        (t("col_date"), t("col_pain"), t("col_enjoyment"), t("col_activity"), t("col_score"))
    ]
    peg_table += [
        (when(p.at), str(p.pain), str(p.enjoyment), str(p.activity), number(p.score, language))
        for p in pegs
    ]
    sections.append(
        Section(
            t("peg_heading"),
            () if pegs else (t("peg_none"),),
            tuple(peg_table) if pegs else (),
            (22, 20, 20, 20, 18),
        )
    )

    hurt_by_session = {h.session_id: h.exercise_id for h in facts.hurts if h.session_id}
    reports, _ = _recent(
        [r for r in facts.ratings if r.kind == REPORT and local_day(r.at, facts.tzinfo) in window]
    )
    report_table = [(t("col_time"), t("col_strength"), t("col_where"), t("col_exercise"))]
    for r in reports:
        where = content.text(language, f"pain.where_{r.detail}") if r.detail in _WHERE else dash
        during = hurt_by_session.get(r.session_id) if r.session_id else None
        report_table.append(
            (
                when(r.at, time=True),
                dash if r.value is None else f"{r.value}/10",
                where,
                exercise_title(content, during, language) if during else dash,
            )
        )
    sections.append(
        Section(
            t("reports_heading"),
            () if reports else (t("reports_none"),),
            tuple(report_table) if reports else (),
            (26, 16, 28, 30),
        )
    )

    flags, _ = _recent(
        [r for r in facts.ratings if r.kind == RED_FLAG and local_day(r.at, facts.tzinfo) in window]
    )
    sign_table = [(t("col_date"), t("col_answer"), t("col_advice"))]
    for r in flags:
        answer = r.detail if r.detail in ("none", "emergency", "doctor") else "none"
        sign_table.append((when(r.at, time=True), t(f"answer_{answer}"), t(f"advice_{answer}")))
    sections.append(
        Section(
            t("signs_heading"),
            () if flags else (t("signs_none"),),
            tuple(sign_table) if flags else (),
            (22, 42, 36),
        )
    )

    hurts, _ = _recent([h for h in facts.hurts if local_day(h.at, facts.tzinfo) in window])
    hurt_table = [(t("col_date"), t("col_hurt"), t("col_change"))]
    for h in hurts:
        change = (
            t("change_left_out", days=hurt_days)
            if h.change == "leave_out"
            else t(
                "change_easier",
                days=hurt_days,
                easier=easier_title(content, h.exercise_id, language),
            )
        )
        hurt_table.append((when(h.at), exercise_title(content, h.exercise_id, language), change))
    sections.append(
        Section(
            t("hurts_heading"),
            () if hurts else (t("hurts_none"),),
            tuple(hurt_table) if hurts else (),
            (20, 35, 45),
        )
    )
    today = day_text(facts.today, language, year=True)
    chart = chart_data(
        facts,
        window,
        language,
        labels(content, language, days),
        width=1600,
        height=820,
        scale=0.95,
    )
    return ReportDoc(
        title=t("title"),
        period=t(
            "period",
            first=day_text(window.first, language, year=True),
            last=day_text(window.last, language, year=True),
            days=len(window.days()),
            zone=facts.zone,
            today=today,
        ),
        about=t("about"),
        footer=t("footer", today=today),
        sections=tuple(sections),
        chart=chart,
        chart_after=1,
    )


_RESULTS = frozenset({COMPLETED, "stopped", "pain", "warning_signs"})
_WHERE = frozenset({"lb", "ub", "l1", "l2", "el"})


def peg_question(
    content: Content, language: str, answers: Sequence[int]
) -> tuple[str, InlineKeyboardMarkup]:
    """The weekly check's next question (of three), 0-10, and one tap to turn the check off."""
    step = len(answers) + 1
    question = content.text(language, f"peg.q{step}")
    rows = rating_keyboard(Action.PEG, *answers).inline_keyboard
    off = InlineKeyboardButton(
        content.text(language, "peg.off_button"), callback_data=build(Action.PEG, "off")
    )
    body = content.text(language, "peg.question", step=step, question=question)
    return body, InlineKeyboardMarkup([*rows, [off]])
