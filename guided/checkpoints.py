"""The guided sessions' checkpoint writer: the progress of live sessions, many in one transaction.

A thousand live sessions reach a checkpoint every few seconds; one commit each would keep the
SQLite writer busy and put database waits inside the timers. The latest checkpoint of each session
is kept in memory and flushed together every two seconds (a crash loses at most that much, and a
resumed session restarts from its previous checkpoint, which is safe).

The end of a completed session is written the same way (`finish`): the timer sends the rating
question without waiting for the database. A unit of work that needs the session's final state
at once (the rating, a new session in the same chat) takes it with `take_final` and writes it in
its own transaction (guided/store.py, `settled`). Only the guided sessions' service writes here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, cast

from sqlalchemy import Table, bindparam, or_, update

from db.connection import TransactionFactory
from db.models import RoutineSession
from guided.engine.status import RUNNING

logger = logging.getLogger(__name__)


class CheckpointWriter:
    """Collects the latest checkpoint per session and writes them in one transaction."""

    def __init__(self, transactions: TransactionFactory, interval: float = 2.0) -> None:
        self._transactions = transactions
        self._interval = interval
        self._pending: dict[int, dict[str, Any]] = {}
        self._final: dict[int, tuple[int, dict[str, Any]]] = {}  # session -> (chat, values)
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def record(self, session_id: int, **values: Any) -> None:
        """Remember a checkpoint; it is written at the next flush."""
        self._pending[session_id] = values

    def finish(self, session_id: int, chat_id: int, **values: Any) -> None:
        """Remember a session's final state (it replaces any pending checkpoint)."""
        self._pending.pop(session_id, None)
        self._final[session_id] = (chat_id, values)

    def take_final(
        self, session_id: int | None = None, chat_id: int | None = None
    ) -> dict[int, tuple[int, dict[str, Any]]]:
        """The pending final states of this session or of this chat's sessions, by session
        id; they are no longer pending (the caller writes them, or gives them back with
        `finish` if its transaction fails)."""
        taken = {
            sid: (chat, values)
            for sid, (chat, values) in self._final.items()
            if sid == session_id or chat == chat_id
        }
        for sid in taken:
            del self._final[sid]
        return taken

    def discard(self, session_id: int) -> None:
        """Drop a pending checkpoint (the session is ending and writes its final state)."""
        self._pending.pop(session_id, None)

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="checkpoints")

    async def stop(self) -> None:
        """End the periodic writes, then write what is left.

        The loop is asked to end, never cancelled: a write cut in half would lose the checkpoints
        it carried and drop SQLite's one connection mid-transaction, and the next write (the
        activity marks, at shutdown) would find the database locked.
        """
        if self._task is not None:
            self._stopping.set()
            await self._task
            self._task = None
        await self.flush()

    async def flush(self) -> None:
        """Write everything pending now: one executemany per shape of checkpoint."""
        if not self._pending and not self._final:
            return
        batch, self._pending = self._pending, {}
        finals, self._final = self._final, {}
        batch.update((sid, values) for sid, (_chat, values) in finals.items())
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for session_id, values in batch.items():
            row = {"session_id": session_id, **{f"new_{key}": v for key, v in values.items()}}
            shapes.setdefault(tuple(sorted(values)), []).append(row)
        table = cast(Table, RoutineSession.__table__)
        try:
            async with self._transactions() as tx:
                for keys, rows in shapes.items():
                    # Only sessions still open: a final state written meanwhile is kept.
                    statement = (
                        update(table)
                        .where(
                            table.c.id == bindparam("session_id"),
                            # Plain comparisons: an IN list cannot go into an executemany.
                            or_(*(table.c.status == status for status in RUNNING)),
                        )
                        .values({key: bindparam(f"new_{key}") for key in keys})
                    )
                    await tx.execute(statement, rows)
                await tx.commit()
        except Exception:
            for session_id, values in batch.items():  # newer checkpoints win
                if session_id in finals:
                    self._final.setdefault(session_id, finals[session_id])
                else:
                    self._pending.setdefault(session_id, values)
            raise

    async def _run(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)
            if self._stopping.is_set():
                return
            try:
                await self.flush()
            except Exception:
                logger.exception("writing session checkpoints failed; will retry")
