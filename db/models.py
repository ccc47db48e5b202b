"""SQLAlchemy 2 typed models. Times are stored in UTC; local time exists only at the edges."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import TextClause

from db.crypto import EncryptedInt, EncryptedText
from guided.engine.status import OPEN


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware in UTC (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class User(Base):
    """A person who talked to the bot; the primary key is their Telegram user id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # All reminders on hold (e.g. after a pain report); paused reminders are skipped, not queued.
    reminders_paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Last day the person wrote or pressed a button; data untouched for the retention period
    # (RETENTION_DAYS) is deleted. Recorded at most once a day per user, not per update.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Safety state, kept with or without consent to health data: it is what keeps the routine on
    # hold after warning signs (not the signs themselves). None, "emergency" or "doctor".
    safety_hold: Mapped[str | None] = mapped_column(String(16))
    hold_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the warning-sign check was last answered; it is asked once before the first session.
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The morning check after a painful day ("How does your back feel today?"), one tap to turn off.
    next_day_checks: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # A new (notifying) message at each change of exercise or side, instead of a silent edit.
    change_alerts: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class MediaFile(Base):
    """A picture or animation already uploaded to Telegram, reused by its file_id."""

    __tablename__ = "media_files"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[str] = mapped_column(Text)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AudioFile(Base):
    """An audio guide's track or voice note already uploaded to Telegram, reused by its file_id.

    Per bot (a file_id is valid only for the bot that uploaded it) and per recipe: the hash that
    names the rendered file (audio/tracks.Guide.path), so a changed track is uploaded anew."""

    __tablename__ = "audio_files"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    recipe: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_id: Mapped[str] = mapped_column(Text)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def _open_only() -> TextClause:
    """The partial index's condition: the open statuses (as migration 0002 wrote them)."""
    return text("status IN (" + ", ".join(f"'{status.value}'" for status in OPEN) + ")")


class RoutineSession(Base):
    """One guided session: where it is (for resuming after a restart) and how it ended."""

    __tablename__ = "routine_sessions"
    __table_args__ = (
        # At most one open session per chat, enforced by the database as well as the service.
        Index(
            "one_open_session_per_chat",
            "chat_id",
            unique=True,
            sqlite_where=_open_only(),
            postgresql_where=_open_only(),
        ),
        Index("routine_sessions_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    routine_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # guided.engine.status.SessionStatus
    # The last checkpoint beat reached: a resumed session restarts from here.
    beat_index: Mapped[int] = mapped_column(Integer, default=0)
    live_message_id: Mapped[int | None] = mapped_column(BigInteger)
    exercises_done: Mapped[int] = mapped_column(Integer, default=0)
    active_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    # One letter per exercise: how it went (done, skipped, hurt or stopped, not reached).
    item_marks: Mapped[str | None] = mapped_column(String(32))
    progress_applied: Mapped[bool] = mapped_column(Boolean, default=False)
    # The bot process (INSTANCE_ID) running the session; another process recovers it only once
    # that process's heartbeat has lapsed (several processes on one PostgreSQL).
    owner: Mapped[str | None] = mapped_column(String(64))
    # Where it is shown: "track" (one audio track, which plays on through a restart); NULL: chat.
    screen: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PainRating(Base):
    """Health data, stored only with consent: a 0-10 rating, a pain report or a red flag."""

    __tablename__ = "pain_ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("routine_sessions.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))  # checkin, after, report, red_flag
    # Encrypted at rest (db/crypto.py): the rating or how strong, and where it hurts or which
    # warning signs. Compared in Python only, never in SQL.
    value: Mapped[int | None] = mapped_column(EncryptedInt())
    detail: Mapped[str | None] = mapped_column(EncryptedText())
    # A report only: how it was made (button, command, words), and the person's own words.
    source: Mapped[str | None] = mapped_column(String(16))
    said: Mapped[str | None] = mapped_column(EncryptedText())
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UserProgress(Base):
    """The user's progression level and their last choice of routine."""

    __tablename__ = "user_progress"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(Integer, default=0)
    previous_level: Mapped[int] = mapped_column(Integer, default=0)
    good_sessions: Mapped[int] = mapped_column(Integer, default=0)
    last_routine: Mapped[str | None] = mapped_column(String(64))
    # Flare-up mode: set by a pain report, cleared by "back to my normal plan". While set, /routine
    # asks first and offers the gentle plan, and the streak is frozen (not broken).
    flare_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last pain report: reminders ask ("How is your back today?") for a while after it.
    last_pain_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Gentle sessions completed without pain since the flare-up began (suggest returning at N).
    calm_sessions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class PlanPeriod(Base):
    """A stretch of days on the gentle plan or a safety hold: the streak is frozen, not broken."""

    __tablename__ = "plan_periods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # gentle | hold
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PegScore(Base):
    """Health data, stored only with consent: one weekly PEG-3 (Krebs et al. 2009), 0-10 each.

    The score is the mean of the three answers; it is computed, never stored.
    """

    __tablename__ = "peg_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Encrypted at rest (db/crypto.py), each 0-10.
    pain: Mapped[int] = mapped_column(EncryptedInt())  # average pain in the past week
    enjoyment: Mapped[int] = mapped_column(EncryptedInt())  # interference with enjoyment of life
    activity: Mapped[int] = mapped_column(EncryptedInt())  # interference with general activity
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExercisePain(Base):
    """Health data, stored only with consent: which exercise hurt when a session stopped for
    pain, and what the content says changes for it (its easier variant, or left out)."""

    __tablename__ = "exercise_pain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("routine_sessions.id", ondelete="CASCADE")
    )
    # Encrypted at rest (db/crypto.py): which exercise hurt is health data.
    exercise_id: Mapped[str] = mapped_column(EncryptedText())
    change: Mapped[str] = mapped_column(EncryptedText())  # easier | left_out
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Reminder(Base):
    """A daily reminder: the user's local time, days and zone, and the next due instant in UTC."""

    __tablename__ = "reminders"
    __table_args__ = (Index("reminders_due", "next_due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    local_time: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    days: Mapped[int] = mapped_column(Integer)  # bit 0 = Monday ... bit 6 = Sunday
    zone: Mapped[str] = mapped_column(String(64))
    # "routine": the daily invitation the user set; "next_day": the one-off morning check after a
    # painful day (sent once, then the row is deleted); "weekly_check": the optional PEG-3
    # question, on one day a week (opted in from /progress).
    kind: Mapped[str] = mapped_column(String(16), default="routine", server_default="routine")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # NULL while disabled; the dispatcher only looks at rows with a due instant.
    next_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReminderDelivery(Base):
    """One occurrence of a reminder, claimed before it is sent: the idempotency record."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        # Start-up looks for occurrences left open by a crash: a small partial index, not a scan.
        Index(
            "reminder_deliveries_open",
            "status",
            sqlite_where=text("status IN ('claimed', 'sending')"),
            postgresql_where=text("status IN ('claimed', 'sending')"),
        ),
    )

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # reminder id + due instant
    reminder_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("reminders.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    # claimed -> sending -> sent | failed | blocked | uncertain (in flight at a crash)
    status: Mapped[str] = mapped_column(String(16))
    # Settled records older than DELIVERY_RECORD_DAYS are pruned by the hourly retention sweep.
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The process that claimed it; only it (restarted) or, after its lease, another settles it.
    owner: Mapped[str | None] = mapped_column(String(64))


class Instance(Base):
    """A bot process sharing the database, and when it was last alive (its lease)."""

    __tablename__ = "instances"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DataKeyCheck(Base):
    """A known phrase encrypted with the data key: a wrong or missing DATA_KEY is refused at
    start, before any health data is misread (one row)."""

    __tablename__ = "data_key_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AppAnswer(Base):
    """The Mini App's idempotency keys: the first answer to each (user, key) post, so a retried
    post changes nothing and any process can answer it (webapp/; guided/app.py writes it in the
    same transaction as the change). Erased with the user."""

    __tablename__ = "app_answers"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    answer: Mapped[str] = mapped_column(Text)  # JSON, as sent to the page
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
