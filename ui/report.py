"""The doctor's report as a document (sections, tables, the chart) in the user's language, from
the progress facts; progress/report.py draws it as a PDF.

It says what is stored, and only that: every pain report in the period (how it was made, how
strong, where, during which exercise, the person's own words), the advice actually given after
each warning-sign answer, adherence with the same figures as /progress, and a change to the plan
only where a later session really was changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from babel.dates import format_datetime

from content import Content
from content.adapted import adaptations
from guided.engine.status import ENDED, SessionStatus
from progress.chartdata import chart_data
from progress.document import ReportDoc, Section
from progress.signs import read_sign
from progress.stats import (
    RED_FLAG,
    REPORT,
    Facts,
    HurtFact,
    RatingFact,
    SessionFact,
    Window,
    current_streak,
    frozen_days,
    last_days,
    local_day,
    summarize,
)
from ui.progress import (
    adherence_line,
    dates_text,
    day_text,
    decimal,
    easier_title,
    exercise_title,
    labels,
    routine_title,
    trend_line,
)

TABLE_ROWS = 12  # rows of the sessions, PEG, warning-sign and exercise tables: the latest ones
SAID_CHARS = 160  # the person's own words are quoted up to this length
WHERE = frozenset({"lb", "ub", "l1", "l2", "el"})  # pain.where_<code>
SOURCES = frozenset({"button", "command", "words"})  # report.source_<source>
RESULTS = ENDED  # report.result_<status>

T = TypeVar("T")
Row = tuple[str, ...]


def report_doc(content: Content, language: str, facts: Facts, days: int) -> ReportDoc:
    """The doctor's report of the last `days` days (only what the user allowed to be stored)."""
    return _Writer(content, language, facts, last_days(facts.today, days, facts.since)).doc()


def said_text(said: str) -> str:
    """The person's words on one line, cut at SAID_CHARS (the table cell wraps them)."""
    words = " ".join(said.split())
    if len(words) <= SAID_CHARS:
        return words
    return words[: SAID_CHARS - 1].rstrip(" ,;:.") + "…"


def hurt_change(content: Content, facts: Facts, hurt: HurtFact) -> tuple[str, int] | None:
    """What really changed after an exercise hurt: ("easier" | "leave_out", how many later
    sessions had it so), or None when no later session was changed for it."""
    changes = [
        dict(adaptations(content, s.routine_id)).get(hurt.exercise_id)
        for s in facts.sessions
        if s.started_at > hurt.at
    ]
    made = [change for change in changes if change is not None]
    return (made[0], len(made)) if made else None


@dataclass(frozen=True)
class _Writer:
    """One report: the user's language, facts and window, and a method per section."""

    content: Content
    language: str
    facts: Facts
    window: Window

    def t(self, key: str, /, **params: object) -> str:
        return self.content.text(self.language, f"report.{key}", **params)

    def when(self, moment: datetime, *, time: bool = False) -> str:
        local = moment.astimezone(self.facts.tzinfo)
        if time:
            return format_datetime(local, "d MMM, HH:mm", locale=self.language)
        return day_text(local.date(), self.language)

    def inside(self, moment: datetime) -> bool:
        return local_day(moment, self.facts.tzinfo) in self.window

    def recent(self, rows: Iterable[T], at: Callable[[T], datetime]) -> tuple[list[T], int]:
        """The period's last TABLE_ROWS rows by time, and how many earlier ones were left out."""
        ordered = sorted((row for row in rows if self.inside(at(row))), key=at)
        return ordered[-TABLE_ROWS:], max(0, len(ordered) - TABLE_ROWS)

    def table(
        self,
        name: str,
        header: Row,
        rows: Sequence[Row],
        widths: tuple[int, ...],
        lines: tuple[str, ...] = (),
    ) -> Section:
        """A section of a table under report.<name>_heading; report.<name>_none when empty."""
        heading = self.t(f"{name}_heading")
        if not rows:
            return Section(heading, (self.t(f"{name}_none"),))
        return Section(heading, lines, (header, *rows), widths)

    def more(self, earlier: int, key: str = "earlier") -> tuple[str, ...]:
        return (self.t(key, count=earlier),) if earlier else ()

    def doc(self) -> ReportDoc:
        content, language, facts, window = self.content, self.language, self.facts, self.window
        today = day_text(facts.today, language, year=True)
        length = len(window.days())
        chart = chart_data(
            facts,
            window,
            language,
            labels(content, language, length),
            width=1600,
            height=820,
            scale=0.95,
        )
        return ReportDoc(
            title=self.t("title"),
            period=self.t(
                "period",
                dates=dates_text(window.first, window.last, language, year=True),
                days=self.t("days", count=length),
                zone=facts.zone,
                today=today,
            ),
            about=self.t("about"),
            footer=self.t("footer", today=today),
            sections=(
                self.summary(),
                self.sessions(),
                self.pegs(),
                self.reports(),
                self.signs(),
                self.hurts(),
            ),
            chart=chart,
            chart_after=1,
        )

    def summary(self) -> Section:
        t, facts, window = self.t, self.facts, self.window
        inside = [s for s in facts.sessions if self.inside(s.started_at)]
        summary = summarize(facts, window)
        frozen = [d for d in frozen_days(facts.periods, facts.tzinfo, facts.today) if d in window]
        adherence = adherence_line(
            self.content, self.language, "report", summary, facts.reminder_days
        )
        lines = (
            t(
                "sessions_line",
                done=summary.done,
                stopped=summary.stopped,
                pain=summary.stopped_for_pain,
                signs=sum(s.status == SessionStatus.WARNING_SIGNS for s in inside),
                user=sum(s.status == SessionStatus.STOPPED for s in inside),
                minutes=summary.minutes,
            ),
            adherence + ".",
            t("streak_line", count=current_streak(facts)),
            t("frozen_line", count=len(frozen)),
            trend_line(self.content, self.language, facts, window),
        )
        return Section(t("summary_heading"), lines)

    def sessions(self) -> Section:
        t = self.t
        by_session: dict[int, dict[str, int | None]] = {}
        for rating in self.facts.ratings:
            if rating.session_id is not None:
                by_session.setdefault(rating.session_id, {})[rating.kind] = rating.value
        shown, earlier = self.recent(self.facts.sessions, lambda s: s.started_at)

        def rated(session: SessionFact, kind: str) -> str:
            value = by_session.get(session.id, {}).get(kind) if session.id is not None else None
            return t("not_given") if value is None else str(value)

        rows = [
            (
                self.when(s.started_at, time=True),
                routine_title(self.content, s.routine_id, self.language),
                t(f"result_{s.status}") if s.status in RESULTS else s.status,
                rated(s, "checkin"),
                rated(s, "after"),
            )
            for s in shown
        ]
        header = (t("col_date"), t("col_routine"), t("col_result"), t("col_before"), t("col_after"))
        return self.table(
            "sessions", header, rows, (26, 30, 26, 9, 9), self.more(earlier, "sessions_more")
        )

    def pegs(self) -> Section:
        t = self.t
        shown, earlier = self.recent(self.facts.pegs, lambda p: p.at)
        rows = [
            (
                self.when(p.at),
                str(p.pain),
                str(p.enjoyment),
                str(p.activity),
                decimal(p.score, self.language),
            )
            for p in shown
        ]
        header = (
            t("col_date"),
            t("col_pain"),
            t("col_enjoyment"),
            t("col_activity"),
            t("col_score"),
        )
        return self.table("peg", header, rows, (22, 20, 20, 20, 18), self.more(earlier))

    def reports(self) -> Section:
        """Every pain report of the period, each on its own row (never cut to TABLE_ROWS)."""
        t, content, language = self.t, self.content, self.language
        reports = sorted(
            (r for r in self.facts.ratings if r.kind == REPORT and self.inside(r.at)),
            key=lambda r: r.at,
        )
        hurt_by_session = {h.session_id: h.exercise_id for h in self.facts.hurts if h.session_id}

        def during(report: RatingFact) -> str:
            if report.session_id is None:
                return t("not_in_session")
            exercise = hurt_by_session.get(report.session_id)
            return exercise_title(content, exercise, language) if exercise else t("not_noted")

        rows = []
        for r in reports:
            said = said_text(r.said or "")
            where = r.detail in WHERE
            rows.append(
                (
                    self.when(r.at, time=True),
                    t(f"source_{r.source}") if r.source in SOURCES else t("source_unknown"),
                    t("not_given") if r.value is None else f"{r.value}/10",
                    content.text(language, f"pain.where_{r.detail}") if where else t("not_given"),
                    during(r),
                    t("said", said=said) if said else "",
                )
            )
        header = (
            t("col_time"),
            t("col_source"),
            t("col_strength"),
            t("col_where"),
            t("col_exercise"),
            t("col_said"),
        )
        count = (t("reports_count", count=len(reports)),)
        return self.table("reports", header, rows, (14, 14, 11, 13, 16, 32), count)

    def signs(self) -> Section:
        """Each warning-sign answer, where it was asked, and the advice given for it there."""
        t = self.t
        flags = (r for r in self.facts.ratings if r.kind == RED_FLAG)
        shown, earlier = self.recent(flags, lambda r: r.at)
        rows = []
        for r in shown:
            sign = read_sign(r.detail)
            if sign is None:  # never guessed: an unknown answer gets no advice attached
                rows.append((self.when(r.at, time=True), "", t("answer_unknown"), ""))
                continue
            rows.append(
                (
                    self.when(r.at, time=True),
                    t(f"asked_{sign.origin}"),
                    t(f"answer_{sign.answer}"),
                    t(f"advice_{sign.advice}"),
                )
            )
        header = (t("col_date"), t("col_asked"), t("col_answer"), t("col_advice"))
        return self.table("signs", header, rows, (15, 20, 30, 35), self.more(earlier))

    def hurts(self) -> Section:
        """The exercises that hurt, and a change only where a later session really had it."""
        t, content, language = self.t, self.content, self.language
        shown, earlier = self.recent(self.facts.hurts, lambda h: h.at)
        rows = []
        for h in shown:
            found = hurt_change(content, self.facts, h)
            if found is None:
                change = t("change_none")
            elif found[0] == "leave_out":
                change = t("change_left_out", count=found[1])
            else:
                easier = easier_title(content, h.exercise_id, language)
                change = t("change_easier", count=found[1], easier=easier)
            rows.append((self.when(h.at), exercise_title(content, h.exercise_id, language), change))
        header = (t("col_date"), t("col_hurt"), t("col_change"))
        return self.table("hurts", header, rows, (20, 35, 45), self.more(earlier))
