"""The fuzz harness is not blind: it sees an error a handler raises and a request the emulator
refuses, and takes "message is not modified" calmly."""

from __future__ import annotations

import contextlib

from telegram.error import BadRequest
from telegram.ext import CommandHandler

from content import load_content
from tests.fuzz.harness import Watch, settle, watched_bot


async def test_the_harness_sees_errors_and_refusals() -> None:
    watch = Watch()
    async with watched_bot(load_content(), watch) as (emulator, application):

        async def explode(update, context) -> None:  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

        application.add_handler(CommandHandler("explode", explode), group=-30)
        user = emulator.add_user(937_000_001)
        await user.send("/explode")
        await settle(emulator, application)
        sent = await application.bot.send_message(user.user_id, "same")
        for message_id in (sent.message_id + 9, sent.message_id):  # a rule broken; no change
            with contextlib.suppress(BadRequest):
                await application.bot.edit_message_text("same", user.user_id, message_id)
        problems = watch.take_problems()
    assert any("RuntimeError: boom" in problem for problem in problems), problems
    assert sum("message to edit not found" in problem for problem in problems) == 1, problems
    assert not [problem for problem in problems if "not modified" in problem]
    assert watch.expected == 1
