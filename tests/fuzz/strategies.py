"""Hypothesis strategies for what people can send a bot: odd Unicode text, long text, commands
with garbage after them, forged and stale button payloads, names, language codes, places."""

from __future__ import annotations

from hypothesis import strategies as st

from ui.button import MAX_BYTES, VERSION
from ui.payloads import KNOWN

BOT_USERNAME = "backcare_test_bot"
TEXT_LIMIT = 4096  # what one Telegram message may hold; longer texts are sent all the same

# Pieces that break naive code: right-to-left text and overrides, emoji sequences (skin tones,
# families, flags, keycaps), zero-width characters, astral letters, combining marks, digits
# that str.isdigit() accepts but int() does not (or reads as another number), and words the
# bot understands, so the random text reaches its flows too.
RTL = ["שלום", "مرحبا", "\u202eevil\u202c", "\u200fא\u200f", "ﷺ", "٠١٢"]
EMOJI = ["👍", "👍🏽", "👨‍👩‍👧‍👦", "🇩🇪", "1️⃣", "🏳️‍🌈", "❤️", "🫠"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
ASTRAL = ["𝐁𝐚𝐜𝐤", "𓀀", "𠜎", "🀄", "𝟕", "\U000e0041"]
COMBINING = ["e\u0301", "a\u0308\u0308\u0308", "\u0301", "Z̷̢͉a̵l̸g̶o̴"]
ODD_DIGITS = ["²", "٣", "३", "௫", "７", "¹⁰", "½", "Ⅻ", "𝟘"]
BOT_WORDS = [
    "back pain",  # not "pain" alone: the session's log scan would find it in a migration's name
    "it hurts",
    "my back hurts",
    "болит",
    "больно",
    "7:30",
    "07:30",
    "25:99",
    "every day",
    "Mon Wed Fri",
    "weekdays",
    "Europe/Berlin",
    "UTC+3",
    "МСК+2",
    "Berlin",
    "yes",
    "no",
    "0",
    "10",
    "-1",
    "@",
    "<b>",
    "&amp;",
    "*_`[",
]
PIECES = RTL + EMOJI + ZERO_WIDTH + ASTRAL + COMBINING + ODD_DIGITS + BOT_WORDS

# Any Unicode scalar value: surrogates cannot be sent (they are not characters).
characters = st.characters(exclude_categories=["Cs"])


def _plain(text: str) -> bool:
    # Telegram delivers no empty (or all-space) message; commands are drawn by `commands`.
    return bool(text.strip()) and not text.startswith("/")


texts = (
    st.lists(
        st.one_of(st.text(characters, min_size=1, max_size=12), st.sampled_from(PIECES)),
        min_size=1,
        max_size=5,
    )
    .map(" ".join)
    .filter(_plain)
)

# A few random pieces repeated to 4,096 characters and beyond (cheap for Hypothesis to draw).
long_texts = st.builds(
    lambda piece, length: (piece * (length // len(piece) + 1))[:length],
    texts,
    st.one_of(st.just(TEXT_LIMIT), st.integers(TEXT_LIMIT - 1, 3 * TEXT_LIMIT)),
)

numbers = st.one_of(
    st.integers(-3, 12).map(str),
    st.integers(0, 10**40).map(str),
    st.sampled_from(["9" * 19, "9223372036854775808", "-0", "+5", "0x1f", "1e9", "1_000", "00"]),
)
garbage = st.one_of(texts, numbers, st.sampled_from(ODD_DIGITS), st.sampled_from(BOT_WORDS))
# The bot's commands (handlers/__init__.py), /stats (operators only), /cancel of the reminder
# flow, and unknown ones.
BOT_COMMANDS = [
    "start",
    "routine",
    "exercises",
    "exercise",
    "pain",
    "stop",
    "progress",
    "remind",
    "reminders",
    "timezone",
    "language",
    "privacy",
    "export",
    "delete",
    "help",
    "stats",
    "cancel",
]
command_names = st.one_of(
    st.sampled_from(BOT_COMMANDS),
    # Unknown ones, most of them; three characters at least, so that the session's check for
    # typed text in the log (tests/conftest.py) cannot mistake a path in a traceback for one.
    st.from_regex(r"[A-Za-z0-9_]{3,32}", fullmatch=True),
)


@st.composite
def commands(draw: st.DrawFn) -> str:
    """'/name', '/name@bot' or '/NAME@other_bot', with garbage arguments or none."""
    name = draw(command_names)
    if draw(st.booleans()):
        name = name.upper()
    target = draw(st.sampled_from(["", "", f"@{BOT_USERNAME}", "@other_bot"]))
    arguments = draw(st.lists(garbage, max_size=4))
    return " ".join([f"/{name}{target}", *arguments])


# --- button payloads -------------------------------------------------------------------------

RATINGS = [str(n) for n in range(11)]
IDS = [str(n) for n in range(6)]  # sessions, reports and reminders of one example are few
ROUTINES = ["full", "quick", "office", "gentle", "x.breathing", "x.cat_cow", "quick~1e2o"]
# Each prefix's fields as the bot writes them (ui/payloads.py): well-formed
# payloads reach the checks deep in each handler, where one odd field can still hurt.
SHAPES: dict[str, list[list[str]]] = {
    "cs": [["yes", "no"], ["n", "1796300000", "0"]],
    "lg": [["menu", "en", "ru"]],
    "pv": [["give", "withdraw", "keep"], ["n", "1796300000", "0"]],
    "dl": [["yes", "no"]],
    "rc": [ROUTINES],
    "ci": [ROUTINES, RATINGS],
    "rf": [["menu", "a", "b", "none"]],
    "ws": [["p", "s", "m"], ["a", "b"], ["y", "n"], ROUTINES],
    "pf": [IDS, ["s", "w"], [*RATINGS, "lb", "ub", "l1", "l2", "el", "x"]],
    "hd": [["lift", "yes", "no", "gentle"]],
    "fl": [["h", "c", "g", "n"], ROUTINES, ["b", "s", "w"], ["y", "n"]],
    "ak": [["m", "d", "x"], [*RATINGS, "n"], [*RATINGS, "off", "pause"]],
    "rt": [IDS, ["st", "pz", "rs", "sk", "go", "hu"]],
    "ri": [IDS, ["resume", "end"]],
    "ar": [IDS, [*RATINGS, "n"], RATINGS],
    "ex": [[str(n) for n in range(10)], ["card", "steps", "easier", "harder", "try"]],
    "rm": [["t", "d", "c"], ["0730", "other", "all", "wd", "pick", "3", "done", "save"]],
    "tz": [["UTC", "Europe/Berlin", "Asia/Kolkata", "UTC+05:30"]],
    "rl": [[*IDS, "all", "page"], ["pause", "resume", "change", "delete", "1"]],
    "rn": [IDS, ["start", "snooze", "skip"]],
    "pr": [["p", "r", "w"], ["7", "30", "90", "on", "off"], ["7", "30", "90"]],
    "pg": [[*RATINGS, "off"], RATINGS, RATINGS],
    "eh": [IDS, ["0", "1", "2", "3", "x"]],
}

odd_fields = st.one_of(
    numbers,
    st.sampled_from(ODD_DIGITS),
    st.just(""),
    st.text(characters, max_size=8).filter(lambda text: ":" not in text),
    st.sampled_from(["../../etc/passwd", "Europe", "Etc/GMT+5", "UTC+99:00", "x.nothing", "None"]),
)


@st.composite
def shaped_payloads(draw: st.DrawFn) -> str:
    """An action's payload with the right number of fields, most of them values the bot uses,
    one or two odd ones, sometimes a field too many or too few."""
    action = draw(st.sampled_from(list(SHAPES)))
    parts = [f"{VERSION}.{action}"]
    for choices in SHAPES[action]:
        odd = draw(st.sampled_from([False, False, False, True]))
        parts.append(draw(odd_fields if odd else st.sampled_from(choices)))
    change = draw(st.sampled_from(["none", "none", "none", "drop", "append"]))
    if change == "drop":
        parts.pop()
    elif change == "append":
        parts.append(draw(odd_fields))
    return fit(":".join(parts))


prefixes = st.one_of(
    st.sampled_from([f"{VERSION}.{prefix}" for prefix in KNOWN]),
    st.sampled_from(["v0.cs", "v2.rt", "v1.", "v1", "v1.zz", "V1.cs", "v1.cs ", "cs", "v0"]),
    st.builds(lambda prefix: f"v0.{prefix}", st.sampled_from(list(KNOWN))),
)


def fit(data: str) -> str:
    """Cut callback data to Telegram's 64 bytes (no client can send more); never empty."""
    while len(data.encode()) > MAX_BYTES:
        data = data[:-1]
    return data or "x"


# Garbage after a prefix, or a payload of the right shape with odd fields in it.
forged_payloads = st.one_of(
    st.builds(
        lambda prefix, parts: fit(":".join([prefix, *parts])),
        prefixes,
        st.lists(odd_fields, max_size=5),
    ),
    shaped_payloads(),
    shaped_payloads(),
)


@st.composite
def mutated(draw: st.DrawFn, real: str) -> str:
    """A real payload changed a little: a field replaced, added or dropped, another version.

    What is drawn never depends on the payload (which the bot chose), only what is done with it.
    """
    parts = real.split(":")
    how = draw(st.sampled_from(["replace", "replace", "append", "drop", "version", "join"]))
    if how in ("replace", "append"):
        position, field = draw(st.integers(1, 8)), draw(odd_fields)
        if how == "append" or len(parts) == 1:
            parts.append(field)
        else:
            parts[1 + position % (len(parts) - 1)] = field
    elif how == "drop":
        parts = parts[:-1] if len(parts) > 1 else parts
    elif how == "version":
        parts[0] = parts[0].replace(VERSION, draw(st.sampled_from(["v0", "v2", "v10", ""])), 1)
    else:
        return fit(real + draw(st.sampled_from(["", ":", "::", " ", "\n", "²"])))
    return fit(":".join(parts))


# --- people ----------------------------------------------------------------------------------

language_codes = st.sampled_from([None, "en", "ru", "de", "pt-br", "ru-RU", "EN", "", "xx-YY"])
names = st.one_of(st.sampled_from(["Ann", "Борис", "محمد", "<b>Eve</b>", "👍"]), texts)
latitudes = st.floats(-90, 90, allow_nan=False)
longitudes = st.floats(-180, 180, allow_nan=False)
