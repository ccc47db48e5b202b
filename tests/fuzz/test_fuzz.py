"""Random updates, drawn by Hypothesis, sent to the real bot through the emulator: it must never
break (tests/fuzz/harness.py says what breaking is), and a newcomer's /help is still answered.

FUZZ_UPDATES sets how many updates in all (default 500: `make test`; `make fuzz`: 10,000);
FUZZ_SEED fixes Hypothesis's seed (printed) to replay a run. Each Hypothesis example is a fresh
bot and database receiving UPDATES_PER_EXAMPLE updates, a few at a time from several people;
a failure names the batch that caused it, and Hypothesis prints every draw of the example.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections import Counter
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from telegram.ext import Application

from content import Content, load_content
from emulator import BotApiEmulator, SimulatedUser
from emulator.render import plain
from emulator.users import SAMPLE_LOCATION, SimulatedChannel, SimulatedGroup, inline_buttons
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import KNOWN_ISSUES, Watch, settle, watched_bot

UPDATES = int(os.environ.get("FUZZ_UPDATES", "500"))
SEED = int(os.environ.get("FUZZ_SEED", "20250611"))
UPDATES_PER_EXAMPLE = min(UPDATES, 100)  # Hypothesis draws at most 8,192 choices per example
FIRST_USER_ID = 937_146_251  # digits unlike any other number in the log

# What a person does, weighted by repetition. The first entry is what Hypothesis's simplest
# example does throughout: press the newest button shown (or send the first command).
ACTIONS = [
    *["button"] * 6,
    *["forged"] * 3,
    *["mutated"] * 3,
    *["command"] * 4,
    *["text"] * 3,
    "long",
    "edit",
    "sticker",
    "photo",
    "location",
    "reply_keyboard",
    "inline",
    *["group"] * 2,
    "channel",
    "newcomer",
    "gone_message",
    *["session"] * 2,
    "reminder",
]

totals: Counter[str] = Counter()


@cache
def shipped_content() -> Content:
    return load_content()


class World:
    """The people, group and channel of one example, and what they have done so far."""

    def __init__(
        self, emulator: BotApiEmulator, application: Application, data: st.DataObject
    ) -> None:
        self.emulator = emulator
        self.application = application
        self.data = data
        self.next_id = FIRST_USER_ID
        self.users = [self.newcomer(language) for language in ("en", "ru", None, "de", "en")]
        self.group = SimulatedGroup(emulator, self.users[:3], supergroup=True)
        self.channel = SimulatedChannel(emulator)
        self.callbacks: dict[str, str] = {}  # this batch's presses: query id -> payload
        self.done: list[str] = []  # what this batch did, to name it in a failure

    # Hypothesis must see the same kinds of draws, in the same order, whenever it replays the
    # same choices, whatever the bot did meanwhile (its timers run on their own): what depends
    # on the bot (its buttons, its messages) is picked by a drawn number, never by drawing from
    # a list whose length the bot decides, and an action that finds nothing to act on falls
    # back on what it drew already.

    def draw(self, strategy: st.SearchStrategy[Any], label: str) -> Any:
        return self.data.draw(strategy, label=label)

    def pick(self, options: list[Any], label: str) -> Any:
        """One of a list the bot's doing shaped (None if it is empty)."""
        number = self.draw(st.integers(0, 255), label)
        return options[number % len(options)] if options else None

    def person(self, people: list[SimulatedUser], label: str) -> SimulatedUser:
        """One of these people (drawn by id, so a failing example reads well)."""
        return self.emulator.users[self.draw(st.sampled_from([p.user_id for p in people]), label)]

    def newcomer(self, language: str | None, name: str = "Ann") -> SimulatedUser:
        self.next_id += 1
        return self.emulator.add_user(self.next_id, name, language)

    def note(self, who: str, what: str, value: object) -> None:
        shown = repr(value)
        self.done.append(f"{who} {what} {shown[:200]}{'…' if len(shown) > 200 else ''}")
        totals[what] += 1

    # --- what people do ----------------------------------------------------------------------

    async def act(self) -> int:
        """One thing a person does; how many updates it took."""
        action = self.draw(st.sampled_from(ACTIONS), "action")
        if action == "session":
            return await self.start_session(self.person(self.users, "user"))
        if action == "reminder":
            return await self.set_reminder(self.person(self.users, "user"))
        if action == "group":
            await self.in_group()
        elif action == "channel":
            await self.in_channel()
        elif action == "newcomer":
            user = self.newcomer(
                self.draw(fuzz.language_codes, "language"), self.draw(fuzz.names, "name")
            )
            self.users.append(user)
            await self.by(user, self.draw(st.sampled_from(["button", "forged", "command"]), "as"))
        else:
            await self.by(self.person(self.users, "user"), action)
        return 1

    async def start_session(self, user: SimulatedUser) -> int:
        """/routine, a routine, No to the warning signs, a low rating: a live session to disturb
        (random presses alone rarely get that far). Stops where the bot answers otherwise."""
        await self.send(user, "sends command", "/routine")
        pressed = 0
        steps = [r"v1\.rc:.*", r"v1\.ws:s:[ab]:n:.*", r"v1\.ws:s:[ab]:n:.*", r"v1\.ci:.*:[0-6]"]
        for step in steps:
            await settle(self.emulator, self.application)
            newest = next((m for m in reversed(user.bot_messages()) if inline_buttons(m)), None)
            choices = [
                button["callback_data"]
                for button in inline_buttons(newest)
                if re.fullmatch(step, button.get("callback_data", ""))
            ]
            payload = self.pick(choices, "session step")
            if newest is None or payload is None:
                continue  # no warning-sign check (done before), or the flow went elsewhere
            self.note(f"user {user.user_id}", "presses button", (newest["message_id"], payload))
            self.callbacks[await user.press_data(newest["message_id"], payload)] = payload
            pressed += 1
        return 1 + pressed

    async def set_reminder(self, user: SimulatedUser) -> int:
        """A time zone, then a daily reminder: rows for the reminder buttons to act on."""
        zone = self.draw(st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata", "UTC-3"]), "zone")
        when = self.draw(st.sampled_from(["7:30", "07:00", "18:45", "23:59", "0:00"]), "time")
        await self.send(user, "sends command", f"/timezone {zone}")
        await settle(self.emulator, self.application)
        await self.send(user, "sends command", f"/remind {when}")
        return 2

    async def by(self, user: SimulatedUser, action: str) -> None:
        """One update from this person in their private chat."""
        who = f"user {user.user_id}"
        shown = [m for m in reversed(user.bot_messages())]  # newest first
        if action in ("button", "mutated"):
            buttons = [
                (message["message_id"], button["callback_data"])
                for message in shown
                for button in inline_buttons(message)
                if "callback_data" in button
            ]
            if self.draw(st.booleans(), "on the newest message") and buttons:  # follow the flow
                buttons = [button for button in buttons if button[0] == buttons[0][0]]
            number = self.draw(st.integers(0, 255), "button")
            if not buttons:  # nothing to press: a command of the bot instead
                await self.send(user, "sends command", "/" + fuzz.BOT_COMMANDS[number % 15])
                return
            message_id, payload = buttons[number % len(buttons)]
            if action == "mutated":
                payload = self.draw(fuzz.mutated(payload), "mutated")
            self.note(who, f"presses {action}", (message_id, payload))
            self.callbacks[await user.press_data(message_id, payload)] = payload
        elif action in ("forged", "gone_message"):
            targets = [message["message_id"] for message in shown]
            if action == "gone_message" or not targets:
                targets = [max(user.messages, default=0) + 1000]  # deleted, or never there
            message_id = self.pick(targets, "message")
            payload = self.draw(fuzz.forged_payloads, "payload")
            self.note(who, f"presses {action}", (message_id, payload))
            self.callbacks[await user.press_data(message_id, payload)] = payload
        elif action == "text":
            await self.send(user, "sends text", self.draw(fuzz.texts, "text"))
        elif action == "long":
            await self.send(user, "sends long text", self.draw(fuzz.long_texts, "long text"))
        elif action == "edit":
            typed = self.typed(user)
            message_id = self.pick(typed, "edited")
            text = self.draw(fuzz.texts, "text")
            if message_id is None:
                await self.send(user, "sends text", text)
            else:
                self.note(who, "edits", text)
                await user.edit(user.messages[message_id], text)
        elif action == "sticker":
            self.note(who, "sends sticker", "")
            await user.send_sticker()
        elif action == "photo":
            self.note(who, "sends photo", "")
            await user.send_photo()
        elif action == "location":
            place = self.draw(st.tuples(fuzz.latitudes, fuzz.longitudes), "place")
            self.note(who, "shares location", place)
            await user.share_location(*place)
        elif action == "reply_keyboard":
            label = self.pick(user.reply_keyboard, "reply button")
            if label is None:  # none shown: the location it would ask for, shared anyway
                self.note(who, "shares location", SAMPLE_LOCATION)
                await user.share_location(*SAMPLE_LOCATION)
            else:
                self.note(who, "taps reply button", label)
                await user.tap_reply_button(label)
        elif action == "inline":
            query = self.draw(fuzz.texts, "query")
            kind = self.draw(st.sampled_from(["private", "sender", "group", "channel"]), "in")
            self.note(who, f"asks inline in {kind}", query)
            await user.ask_inline(query, kind)
        else:
            await self.send(user, "sends command", self.draw(fuzz.commands(), "command"))

    async def send(self, user: SimulatedUser, what: str, text: str) -> None:
        self.note(f"user {user.user_id}", what, text)
        await user.send(text)

    @staticmethod
    def typed(user: SimulatedUser) -> list[int]:
        """The ids of the text messages this person sent (they may edit them)."""
        return [
            message["message_id"]
            for message in user.messages.values()
            if message.get("from", {}).get("id") == user.user_id and "text" in message
        ]

    async def in_group(self) -> None:
        group = self.group
        member = self.person(group.members, "member")
        who = f"member {member.user_id} of group {group.chat_id}"
        how = self.draw(st.sampled_from(["command", "text", "mention", "edit", "press"]), "how")
        if how == "press":
            message_id = self.pick(sorted(group.messages), "message")
            payload = self.draw(fuzz.forged_payloads, "payload")
            if message_id is None:
                message_id = 1  # nothing posted yet: a message that is gone
            self.note(who, "presses in group", (message_id, payload))
            self.callbacks[await group.press_data(member, message_id, payload)] = payload
            return
        own = [
            message["message_id"]
            for message in group.messages.values()
            if message.get("from", {}).get("id") == member.user_id and "text" in message
        ]
        edited = self.pick(own, "edited") if how == "edit" else None
        text = self.draw(fuzz.commands() if how == "command" else fuzz.texts, "text")
        if edited is not None:
            self.note(who, "edits in group", text)
            await group.edit(member, group.messages[edited], text)
            return
        if how == "mention":
            text = f"@{fuzz.BOT_USERNAME} {text}"
        self.note(who, "sends in group", text)
        await group.send(member, text)

    async def in_channel(self) -> None:
        post = self.pick(sorted(self.channel.messages), "post")
        text = self.draw(fuzz.texts, "text")
        if self.draw(st.booleans(), "edit post") and post is not None:
            self.note(f"channel {self.channel.chat_id}", "edits post", text)
            await self.channel.edit(self.channel.messages[post], text)
        else:
            self.note(f"channel {self.channel.chat_id}", "posts", text)
            await self.channel.post(text)


def failure(problems: list[str], world: World) -> str:
    return (
        f"FUZZ_SEED={SEED}: the bot broke on this batch of updates:\n  "
        + "\n  ".join(world.done)
        + "\n\nwhat went wrong:\n"
        + "\n".join(problems)
    )


async def example(data: st.DataObject, updates: int) -> None:
    """One fresh bot receives `updates` random updates in batches of one to four."""
    watch = Watch()
    async with watched_bot(shipped_content(), watch) as (emulator, application):
        world = World(emulator, application, data)
        sent = 0
        while sent < updates:
            world.done, world.callbacks = [], {}
            batch = data.draw(st.integers(1, 4), label="batch")
            while batch > 0 and sent < updates:
                done = await world.act()
                sent, batch = sent + done, batch - done
            await settle(emulator, application)
            check(watch, world)
        world.done, world.callbacks = ["a newcomer sends '/help'"], {}
        await help_is_answered(world.newcomer("en"))
        await settle(emulator, application)
        check(watch, world)
        world.done = ["(the bot shuts down)"]
    check(watch, world)
    totals["updates"] += sent
    totals["examples"] += 1
    totals["expected refusals"] += watch.expected


def check(watch: Watch, world: World) -> None:
    """No ERROR, no refused request, every press of the batch answered; known issues counted."""
    problems = watch.take_problems()
    pending = world.emulator.callbacks
    unanswered = [data for query, data in world.callbacks.items() if not pending[query].answered]
    for issue in KNOWN_ISSUES:
        trigger = issue.triggered_by
        if trigger is None or any(map(trigger, world.callbacks.values())):
            known = [problem for problem in problems if issue.trace in problem]
            problems = [problem for problem in problems if problem not in known]
            unanswered = [data for data in unanswered if not (trigger and trigger(data))]
            totals[f"known: {issue.name}"] += len(known)
    problems += [f"press {data!r} never answered" for data in unanswered]
    assert not problems, failure(problems, world)


async def help_is_answered(user: SimulatedUser) -> None:
    """A newcomer's /help gets the list of commands: the bot still works for everyone."""
    await user.send("/help")
    message = await user.next_message(timeout=10)
    assert "/start" in plain(message), plain(message)


@seed(SEED)
@settings(
    max_examples=-(-UPDATES // UPDATES_PER_EXAMPLE),
    deadline=None,
    database=None,  # a failure is replayed from FUZZ_SEED, not from a stored example
    phases=[Phase.generate],  # shrinking would rerun a whole bot hundreds of times
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
@given(st.data())
def run_examples(data: st.DataObject) -> None:
    asyncio.run(example(data, UPDATES_PER_EXAMPLE))


def test_random_updates_never_break_the_bot(capsys: pytest.CaptureFixture[str]) -> None:
    totals.clear()
    started = time.monotonic()
    print(f"fuzz: FUZZ_UPDATES={UPDATES} FUZZ_SEED={SEED}")  # shown with a failure
    run_examples()
    seconds = time.monotonic() - started
    counts = ", ".join(f"{what} {count}" for what, count in sorted(totals.items()))
    with capsys.disabled():  # the counts of a passing run too
        print(f"\nfuzz (FUZZ_SEED={SEED}, {seconds:.0f} s): {counts}")
    assert totals["updates"] >= UPDATES, counts
