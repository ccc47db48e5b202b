"""Query functions for the Mini App's idempotency keys (`app_answers`) and its home screen."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AppAnswer, RoutineSession, UTCDateTime, utcnow
from guided.engine.status import ENDED, OPEN


class Change(NamedTuple):
    """A session moved to a later beat by a checkpoint."""

    session_id: int
    beat: int
    marks: str
    done: int


async def answer_of(tx: AsyncSession, user_id: int, key: str) -> str | None:
    """The stored answer to this user's post with this key, if any."""
    return await tx.scalar(
        select(AppAnswer.answer).where(AppAnswer.user_id == user_id, AppAnswer.key == key)
    )


def _numbers(name: str, kind: str) -> str:
    """PostgreSQL: an array of numbers sent as text[] (their digits) and cast on the server.
    text[] is the one array type asyncpg can encode without asking the server; for integer[],
    bigint[] or varchar[] each new connection first ran a catalog query (`typeinfo_tree`, 2-7
    ms of the server's CPU, with three round trips more), twice for a checkpoint batch, and
    under bench-app-api that landed in the burst on every connection new to the batch."""
    return f"CAST(CAST(:{name} AS text[]) AS {kind}[])"


# On PostgreSQL each pair's row is found by a probe of the primary key, a LATERAL subquery that
# the planner may not flatten (OFFSET 0): as a plain join, a plan made for an array of 275 pairs
# hashed the whole table (7 ms at 20,000 answers and 5,000 sessions, growing with them; 0.8 ms
# by probes).
_ANSWER_OF_PAIR = (
    'SELECT answer FROM app_answers WHERE user_id = p.user_id AND "key" = p.key OFFSET 0'
)
_SESSION_OF_POST = (
    "SELECT id, user_id, owner, status, beat_index FROM routine_sessions"
    " WHERE id = p.session_id OFFSET 0"
)

# Many (user id, key) pairs looked up in one read: the pairs as one parameter, joined to the
# primary key, so each pair is one index probe. (`user_id IN (...) AND key IN (...)` made SQLite
# probe every user with every key: 12 ms for a batch of 275 posts against 0.4 ms; SQLAlchemy's
# own forms of a pair list, an OR of ANDs or a VALUES join, took 9-28 ms to compile.)
_PAIRS = {
    "sqlite": text(
        'SELECT a.user_id, a."key", a.answer FROM json_each(:pairs) AS p JOIN app_answers AS a'
        " ON a.user_id = json_extract(p.value, '$[0]')"
        """ AND a."key" = json_extract(p.value, '$[1]')"""
    ),
    "postgresql": text(
        "SELECT p.user_id, p.key, a.answer"
        f" FROM unnest({_numbers('users', 'bigint')}, CAST(:keys AS text[])) AS p(user_id, key)"
        f" CROSS JOIN LATERAL ({_ANSWER_OF_PAIR}) AS a"
    ),
}


async def answers_of(
    tx: AsyncSession, user_keys: Collection[tuple[int, str]]
) -> dict[tuple[int, str], str]:
    """The stored answers to these (user id, key) posts, where there are any: one read."""
    if not user_keys:
        return {}
    pairs = list(user_keys)
    if tx.get_bind().dialect.name == "postgresql":
        found = await tx.execute(
            _PAIRS["postgresql"],
            {"users": [str(user) for user, _ in pairs], "keys": [key for _, key in pairs]},
        )
    else:
        found = await tx.execute(_PAIRS["sqlite"], {"pairs": json.dumps(pairs)})
    return {(user, key): answer for user, key, answer in found}


# The first answers to many posts stored in one statement, the rows as one parameter (as above;
# an executemany of one row each spent more CPU binding them than SQLite storing them, with the
# write lock held): the pairs inserted come back, a pair already stored does not.
_KEEP = {
    "sqlite": text(
        'INSERT INTO app_answers (user_id, "key", answer, at)'
        " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
        " json_extract(value, '$[2]'), :at FROM json_each(:rows) WHERE true"
        ' ON CONFLICT DO NOTHING RETURNING user_id, "key"'
    ),
    "postgresql": text(
        'INSERT INTO app_answers (user_id, "key", answer, at)'
        " SELECT p.user_id, p.key, p.answer, :at"
        f" FROM unnest({_numbers('users', 'bigint')}, CAST(:keys AS text[]),"
        " CAST(:answers AS text[]))"
        ' AS p(user_id, key, answer) ON CONFLICT DO NOTHING RETURNING user_id, "key"'
    ),
}


async def keep_answers(
    tx: AsyncSession, kept: dict[tuple[int, str], str]
) -> dict[tuple[int, str], str]:
    """Store the first answers to many posts in one insert, and return the answers stored:
    a key stored meanwhile by another process (the same post sent to both) keeps its answer."""
    if not kept:
        return {}
    at = bindparam("at", utcnow(), type_=UTCDateTime())
    if tx.get_bind().dialect.name == "postgresql":
        inserted = await tx.execute(_KEEP["postgresql"].bindparams(at), _answer_columns(kept))
    else:
        rows = [[user, key, answer] for (user, key), answer in sorted(kept.items())]
        inserted = await tx.execute(_KEEP["sqlite"].bindparams(at), {"rows": json.dumps(rows)})
    return await _kept_or_found(tx, kept, inserted)


async def _kept_or_found(
    tx: AsyncSession, kept: dict[tuple[int, str], str], inserted: Iterable[Any]
) -> dict[tuple[int, str], str]:
    """The answers inserted, and for the keys another process stored meanwhile (the same post
    sent to both), the answer it stored."""
    stored = {(user, key): kept[user, key] for user, key in inserted}
    if len(stored) < len(kept):
        stored |= await answers_of(tx, kept.keys() - stored.keys())
    return stored


# What a batch of checkpoints reads, in one statement: each post's stored answer (a retry) and
# its session (only what a checkpoint needs), each found by its key.
_READS = {
    "sqlite": text(
        "SELECT json_extract(p.value, '$[0]'), json_extract(p.value, '$[1]'), a.answer,"
        " s.id, s.user_id, s.owner, s.status, s.beat_index FROM json_each(:posts) AS p"
        " LEFT JOIN app_answers AS a ON a.user_id = json_extract(p.value, '$[0]')"
        """ AND a."key" = json_extract(p.value, '$[1]')"""
        " LEFT JOIN routine_sessions AS s ON s.id = json_extract(p.value, '$[2]')"
    ),
    "postgresql": text(
        "SELECT p.user_id, p.key, a.answer, s.id, s.user_id, s.owner, s.status, s.beat_index"
        f" FROM unnest({_numbers('users', 'bigint')}, CAST(:keys AS text[]),"
        f" {_numbers('sessions', 'integer')}) AS p(user_id, key, session_id)"
        f" LEFT JOIN LATERAL ({_ANSWER_OF_PAIR}) AS a ON true"
        f" LEFT JOIN LATERAL ({_SESSION_OF_POST}) AS s ON true"
    ),
}


class SessionState(NamedTuple):
    """What a checkpoint needs of its session."""

    id: int
    user_id: int
    owner: str | None
    status: str
    beat_index: int


async def checkpoint_reads(
    tx: AsyncSession, posts: Collection[tuple[int, str, int]]
) -> tuple[dict[tuple[int, str], str], dict[int, SessionState]]:
    """For these (user id, key, session id) posts, in one read: the answers stored for their
    keys, by (user id, key), and their sessions, by id."""
    if not posts:
        return {}, {}
    if tx.get_bind().dialect.name == "postgresql":
        columns = {
            "users": [str(user) for user, _, _ in posts],
            "keys": [key for _, key, _ in posts],
            "sessions": [str(session) for _, _, session in posts],
        }
        rows = await tx.execute(_READS["postgresql"], columns)
    else:
        rows = await tx.execute(_READS["sqlite"], {"posts": json.dumps(list(posts))})
    stored: dict[tuple[int, str], str] = {}
    states: dict[int, SessionState] = {}
    for user, key, answer, *session in rows:
        if answer is not None:
            stored[user, key] = answer
        if session[0] is not None:
            states[session[0]] = SessionState(*session)
    return stored, states


# Sessions moved to later beats in one statement, the changes as one parameter: only where
# still open and behind (another process may have moved it meanwhile). On SQLite, the unary `+`
# keeps the status index out of the plan: through it SQLite read every open session and, for
# each, scanned all the changes (32 ms for 275 instead of 1 ms by primary key).
_OPEN = ", ".join(f"'{status.value}'" for status in OPEN)
_ADVANCE = {
    "sqlite": text(
        "UPDATE routine_sessions SET beat_index = c.beat, item_marks = c.marks,"
        " exercises_done = c.done, updated_at = :at"
        " FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS beat,"
        " json_extract(value, '$[2]') AS marks, json_extract(value, '$[3]') AS done"
        " FROM json_each(:changes)) AS c"
        " WHERE routine_sessions.id = c.id AND routine_sessions.owner = :owner"
        f" AND +routine_sessions.status IN ({_OPEN}) AND routine_sessions.beat_index < c.beat"
    ),
    "postgresql": text(
        "UPDATE routine_sessions AS s SET beat_index = c.beat, item_marks = c.marks,"
        " exercises_done = c.done, updated_at = :at"
        f" FROM unnest({_numbers('ids', 'integer')}, {_numbers('beats', 'integer')},"
        f" CAST(:marks AS text[]), {_numbers('dones', 'integer')}) AS c(id, beat, marks, done)"
        " WHERE s.id = c.id AND s.owner = :owner"
        f" AND s.status IN ({_OPEN}) AND s.beat_index < c.beat"
    ),
}


def _change_columns(changes: list[Change]) -> dict[str, list[Any]]:
    """PostgreSQL's parameters of `_ADVANCE`, in one lock order (by session)."""
    ordered = sorted(changes)  # two processes lock the rows they share in the same order
    return {
        "ids": [str(change.session_id) for change in ordered],
        "beats": [str(change.beat) for change in ordered],
        "marks": [change.marks for change in ordered],
        "dones": [str(change.done) for change in ordered],
    }


def _answer_columns(kept: dict[tuple[int, str], str]) -> dict[str, list[Any]]:
    """PostgreSQL's parameters of `_KEEP`, in one lock order (by user and key)."""
    ordered = sorted(kept.items())  # two processes lock the keys they share in one order
    return {
        "users": [str(user) for (user, _), _ in ordered],
        "keys": [key for (_, key), _ in ordered],
        "answers": [answer for _, answer in ordered],
    }


# On PostgreSQL both in one statement: one round trip fewer while the rows are locked.
_ADVANCE_AND_KEEP = text(
    f"WITH moved AS ({_ADVANCE['postgresql'].text}) {_KEEP['postgresql'].text}"
)


async def store_checkpoints(
    tx: AsyncSession, owner: str, changes: list[Change], kept: dict[tuple[int, str], str]
) -> dict[tuple[int, str], str]:
    """Move `owner`'s sessions to later beats (`_ADVANCE`: only where still open and behind)
    and store the posts' first answers (`keep_answers`), on PostgreSQL in one statement; the
    answers stored come back."""
    if not kept:  # no post answered anew, so no session moved either
        return {}
    at = bindparam("at", utcnow(), type_=UTCDateTime())
    if tx.get_bind().dialect.name == "postgresql":
        parameters = {"owner": owner, **_change_columns(changes), **_answer_columns(kept)}
        inserted = await tx.execute(_ADVANCE_AND_KEEP.bindparams(at), parameters)
        return await _kept_or_found(tx, kept, inserted)
    if changes:
        rows = json.dumps([list(change) for change in sorted(changes)])
        await tx.execute(_ADVANCE["sqlite"].bindparams(at), {"owner": owner, "changes": rows})
    return await keep_answers(tx, kept)


async def keep_answer(tx: AsyncSession, user_id: int, key: str, answer: str) -> None:
    """Store the first answer to a post (a second one with the same key fails on the primary
    key when the transaction is flushed)."""
    tx.add(AppAnswer(user_id=user_id, key=key, answer=answer))
    await tx.flush()


async def drop_answer(tx: AsyncSession, user_id: int, key: str) -> None:
    """Forget the answer to one post (its work failed: a retry may do it again)."""
    await tx.execute(delete(AppAnswer).where(AppAnswer.user_id == user_id, AppAnswer.key == key))


async def prune_answers(tx: AsyncSession, before: datetime) -> int:
    """Delete answers older than `before` (a page retries for minutes, not days)."""
    result = await tx.execute(delete(AppAnswer).where(AppAnswer.at < before))
    return int(getattr(result, "rowcount", 0) or 0)


async def last_ended(tx: AsyncSession, user_id: int, limit: int) -> list[RoutineSession]:
    """The user's last ended sessions, newest first."""
    return list(
        await tx.scalars(
            select(RoutineSession)
            .where(RoutineSession.user_id == user_id, RoutineSession.status.in_(ENDED))
            .order_by(RoutineSession.id.desc())
            .limit(limit)
        )
    )
