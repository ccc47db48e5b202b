"""How far one press of It hurts travels in our code before the stop-and-consult warning leaves.

Measured as a reader follows it: the files of the bot whose functions are on the way from the
update to the warning's request — the call stack when the warning is handed to the rate limiter,
joined with the stacks of every task on the way at the moment it was created (a task started with
`create_task` carries its creator's stack). Run with `pytest -s` to see the list. The way is
pinned: a change that lengthens it must say so here.

At 10a5948 (before issue 22) the same measure gave 3 files (core/updates, handlers/pain, the
limiter: the handler sent the warning itself, then went back and forth to store the report).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from tests.e2e.test_routine import begin, consent

ROOT = Path(__file__).resolve().parents[2]
NOT_THE_BOT = ("tests/", "emulator/", ".venv/")
# From the update to the warning: the processor, the press's handler (read as its class), the
# pain handler, the service, the presenter, the rate limiter.
WAY = {
    "core/updates.py",
    "handlers/common.py",
    "handlers/pain.py",
    "guided/service.py",
    "guided/presenter.py",  # Screens: the warning goes to the chat presenter
    "background/presenter.py",
    "throttle/limiter.py",
}


def ours(frame: FrameType | None) -> list[str]:
    """The bot's own files on a stack, innermost first."""
    found = []
    root = str(ROOT) + "/"
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(root) and not name[len(root) :].startswith(NOT_THE_BOT):
            found.append(name[len(root) :])
        frame = frame.f_back
    return found


@contextmanager
def the_warnings_way(loop: asyncio.AbstractEventLoop) -> Iterator[list[set[str]]]:
    """The files on the way to each stop-and-consult warning handed to the rate limiter."""
    ways: list[set[str]] = []
    creators: dict[int, set[str]] = {}
    default = loop.get_task_factory()

    def factory(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], **kw: Any) -> Any:
        parent = asyncio.current_task(loop)
        task = (
            default(loop, coro, **kw)
            if default is not None
            else asyncio.Task(coro, loop=loop, **kw)  # type: ignore[arg-type]
        )
        creators[id(task)] = set(ours(sys._getframe(1))) | creators.get(id(parent), set())
        return task

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event != "call" or frame.f_code.co_name != "process_request":
            return
        if not frame.f_code.co_filename.endswith("throttle/limiter.py"):
            return
        if "warning" not in repr(frame.f_locals.get("rate_limit_args")):
            return
        task = asyncio.current_task(loop)
        ways.append(set(ours(frame)) | creators.get(id(task), set()))

    loop.set_task_factory(factory)  # type: ignore[arg-type]
    sys.setprofile(profile)
    try:
        yield ways
    finally:
        sys.setprofile(None)
        loop.set_task_factory(default)


async def test_it_hurts_reaches_the_warning_through_few_files(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    await consent(user)
    await begin(user)
    await user.wait_text("breath 1 of", timeout=5)
    with the_warnings_way(asyncio.get_running_loop()) as ways:
        await user.press("It hurts")
        await user.wait_text("Stop the exercise now", timeout=5)
    assert ways, "no warning was handed to the rate limiter"
    way = set().union(*ways)
    print(f"\nfrom It hurts to the warning: {len(way)} files", *sorted(way), sep="\n  ")
    assert way == WAY, sorted(way)
