"""Where a guided session stands, as stored in `routine_sessions.status`: one enum for every
reader (the service writes it; the queries, /progress, the report and the export read it).

It sits with the engine, which imports nothing of ours but `content/`, so that `db/` and
`progress/` can read it too.
"""

from __future__ import annotations

from enum import StrEnum

from guided.engine.marks import Mark


class SessionStatus(StrEnum):
    """A session's status; the value is what is stored."""

    ACTIVE = "active"  # its timer runs (in the process that owns it)
    PAUSED = "paused"  # its clock is stopped: Pause, "End the session?", "Does it hurt?"
    INTERRUPTED = "interrupted"  # its process stopped; Resume or End is offered
    COMPLETED = "completed"  # it reached its end
    STOPPED = "stopped"  # Stop, /stop, End after a restart; a pain report without consent
    PAIN = "pain"  # a pain report (It hurts, /pain, pain in words)
    WARNING_SIGNS = "warning_signs"  # warning signs were reported: the routine is on hold
    ERASED = "erased"  # the person's data is being erased: the row goes right after


# The sets below are tuples in the enum's order, so the SQL built from them never changes.
# A session that may still run: one per chat (the partial unique index of db/models.py).
OPEN = (SessionStatus.ACTIVE, SessionStatus.PAUSED, SessionStatus.INTERRUPTED)
# A session whose timer runs in a process now: its checkpoints are written, a restart of that
# process interrupts it.
RUNNING = (SessionStatus.ACTIVE, SessionStatus.PAUSED)
# Ended before its last exercise (Stop, pain, warning signs).
STOPPED_EARLY = (SessionStatus.STOPPED, SessionStatus.PAIN, SessionStatus.WARNING_SIGNS)
# What /progress and the report count: every ended session whose row is kept.
ENDED = (SessionStatus.COMPLETED, *STOPPED_EARLY)


class End(StrEnum):
    """Why a session ended; each reason is stored as the status of the same name (a pain report
    without consent to keep health data is stored as stopped: `status`)."""

    COMPLETED = SessionStatus.COMPLETED.value
    STOPPED = SessionStatus.STOPPED.value  # Stop, /stop, or End on an interrupted session
    PAIN = SessionStatus.PAIN.value  # It hurts, /pain, typed pain words
    WARNING_SIGNS = SessionStatus.WARNING_SIGNS.value  # the routine is put on a safety hold
    ERASED = SessionStatus.ERASED.value  # /delete or the retention sweep

    def status(self, *, consent: bool = True) -> SessionStatus:
        """The status stored for this ending: without consent, pain leaves no trace (stopped)."""
        if self is End.PAIN and not consent:
            return SessionStatus.STOPPED
        return SessionStatus(self.value)

    @property
    def mark(self) -> Mark:
        """The mark left on the exercise where a session ended for this reason."""
        if self in (End.PAIN, End.WARNING_SIGNS):
            return Mark.HURT
        return Mark.DONE if self is End.COMPLETED else Mark.STOPPED

    @property
    def private(self) -> bool:
        """Whether the reason is health data (pain, warning signs): it is never logged."""
        return self in (End.PAIN, End.WARNING_SIGNS)
