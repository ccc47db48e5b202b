"""The doctor's report as a document (sections, tables, the chart) in the user's language, from
the progress facts; progress/report.py draws it as a PDF."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from babel.dates import format_datetime

from content import Content
from progress.chartdata import chart_data
from progress.document import ReportDoc, Section
from progress.stats import (
    COMPLETED,
    RED_FLAG,
    REPORT,
    Facts,
    current_streak,
    frozen_days,
    last_days,
    local_day,
    summarize,
)
from ui.progress import (
    day_text,
    decimal,
    easier_title,
    exercise_title,
    labels,
    routine_title,
    trend_line,
    weekday,
)

TABLE_ROWS = 12  # rows per table in the report, the most recent ones: two pages at most


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
        (when(p.at), str(p.pain), str(p.enjoyment), str(p.activity), decimal(p.score, language))
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
