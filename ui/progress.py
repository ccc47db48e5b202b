"""Turns progress facts into what the user reads: the /progress caption, the chart's words,
the weekly check's questions and the plan changes after an exercise hurt (numbers and dates by
Babel's rules)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.dates import format_date, get_day_names
from babel.numbers import format_decimal
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from content import Content
from content.adapted import adaptations, base_id
from guided.engine.routines import SINGLE
from progress.chartdata import ChartData, ChartLabels, chart_data
from progress.stats import (
    Direction,
    Facts,
    Summary,
    Window,
    current_streak,
    frozen_days,
    in_total,
    last_days,
    pain_trend,
    summarize,
    this_month,
    this_week,
)
from ui.guided import rating_keyboard
from ui.payloads import Peg, PegOff

DAYS_IN_WEEK = 7


def decimal(value: float, language: str) -> str:
    """4.5 / 4,5, as the language writes it."""
    return format_decimal(value, "#,##0.#", locale=language)


def day_text(day: date, language: str, *, year: bool = False) -> str:
    """'5 May' / '5 мая' (with the year: 'May 5, 2026' / '5 мая 2026 г.')."""
    return format_date(day, "d MMMM y" if year else "d MMM", locale=language)


def dates_text(first: date, last: date, language: str, *, year: bool = False) -> str:
    """'5 May – 7 May', or '5 May' when the two are one day."""
    if first == last:
        return day_text(first, language, year=year)
    return f"{day_text(first, language, year=year)} – {day_text(last, language, year=year)}"


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
        language, key, first=decimal(found.first, language), last=decimal(found.last, language)
    )


def adherence_line(
    content: Content,
    language: str,
    section: str,
    summary: Summary,
    reminder_days: frozenset[int],
    **params: object,
) -> str:
    """Adherence in one line, with what counts as planned and what was not counted: the same
    figures in /progress (section "progress") and the doctor's report ("report")."""

    def t(key: str, /, **more: object) -> str:
        return content.text(language, f"{section}.{key}", **params, **more)

    if summary.adherence is None:
        parts = [t("adherence_none")]
    else:
        parts = [
            t(
                "adherence",
                active=summary.active_days,
                count=summary.planned_days,
                percent=summary.adherence,
            )
        ]
    if summary.frozen_days:
        parts.append(t("not_counted", count=summary.frozen_days))
    if len(reminder_days) == DAYS_IN_WEEK:
        parts.append(t("basis_reminders", weekdays=t("every_day")))
    elif reminder_days:
        names = ", ".join(weekday(day, language) for day in sorted(reminder_days))
        parts.append(t("basis_reminders", weekdays=names))
    else:
        parts.append(t("basis_all"))
    return "; ".join(parts)


def caption(
    content: Content,
    language: str,
    facts: Facts,
    days: int,
    weekly: tuple[int, str] | None,
    consent: bool,
) -> str:
    """This week, this month, in total; streak, adherence and trend over the last `days` days,
    and the weekly check."""
    today = facts.today
    window = last_days(today, days, facts.since)
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
    lines.append(
        adherence_line(
            content,
            language,
            "progress",
            summarize(facts, window),
            facts.reminder_days,
            days=content.text(language, "progress.days", count=days),
        )
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
    elif consent:
        lines.append(content.text(language, "progress.weekly_state_off"))
    else:
        lines.append(content.text(language, "progress.weekly_needs_consent"))
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
        report_unrated=word("legend_report_unrated"),
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


def peg_answer(answers: list[int]) -> Peg:
    """The button of the weekly check's answers so far (one to three)."""
    first, second, third = [*answers, None, None][:3]
    assert first is not None
    return Peg(first, second, third)


def peg_question(
    content: Content, language: str, answers: Sequence[int]
) -> tuple[str, InlineKeyboardMarkup]:
    """The weekly check's next question (of three), 0-10, and one tap to turn the check off."""
    step = len(answers) + 1
    question = content.text(language, f"peg.q{step}")
    rows = rating_keyboard(lambda n: peg_answer([*answers, n])).inline_keyboard
    off = InlineKeyboardButton(
        content.text(language, "peg.off_button"), callback_data=PegOff().pack()
    )
    body = content.text(language, "peg.question", step=step, question=question)
    return body, InlineKeyboardMarkup([*rows, [off]])


def change_text(
    content: Content,
    language: str,
    exercise_id: str,
    key: str,
    change: str,
    *,
    was_easier: bool = False,
    gentle: bool = False,
) -> str:
    """What changes after an exercise hurt: 'for a while you will do its easier version, X' /
    'I will leave it out for a while' / 'this is already the easier version, so I will leave
    it out' (never X as its own easier version). The gentle plan is never adapted, so there
    the change is said of the other routines."""
    if gentle:
        key += "_gentle"
    elif change == "leave_out" and was_easier:
        return content.text(language, f"{key}_was_easier")
    if change == "leave_out":
        return content.text(language, f"{key}_left_out")
    return content.text(
        language, f"{key}_easier", easier=easier_title(content, exercise_id, language)
    )


def plan_changes_note(content: Content, language: str, routine_id: str) -> str:
    """Lines for the plan note: what is easier or left out today, and why."""
    lines = []
    for exercise_id, change in adaptations(content, routine_id):
        key = "hurt.plan_left_out" if change == "leave_out" else "hurt.plan_easier"
        lines.append(
            "\n"
            + content.text(
                language,
                key,
                title=exercise_title(content, exercise_id, language),
                easier=easier_title(content, exercise_id, language),
            )
        )
    return "".join(lines)
