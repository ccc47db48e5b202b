"""Telegram's checks and exact error descriptions, over raw HTTP as PTB encodes requests."""

from __future__ import annotations

import json

import httpx
import pytest

from emulator import BotApiEmulator
from emulator.markdown import parse_markdown_v2
from emulator.markup import ParseError, parse_html
from emulator.render import plain
from tests.emulator.conftest import TOKEN, Api

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def test_html_entities_nesting_links_and_pre_language() -> None:
    parsed = parse_html(
        '<b>bold <i>both</i></b> &lt;3 &amp; &#128512; &copy <a href="https://x.org/?a=1&amp;b=2">'
        'link</a> <pre><code class="language-python">x = 1</code></pre>'
        ' <span class="tg-spoiler">s</span> <blockquote expandable>q</blockquote>'
    )
    assert parsed.text == "bold both <3 & 😀 &copy link x = 1 s q"
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 9},
        {"type": "italic", "offset": 5, "length": 4},
        {"type": "text_link", "url": "https://x.org/?a=1&b=2", "offset": 24, "length": 4},
        {"type": "pre", "language": "python", "offset": 29, "length": 5},
        {"type": "spoiler", "offset": 35, "length": 1},
        {"type": "expandable_blockquote", "offset": 37, "length": 1},
    ]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("Hi <x>there</x>", 'Unsupported start tag "x" at byte offset 3'),
        ("Привет <div>", 'Unsupported start tag "div" at byte offset 13'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="red">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
    ],
)
def test_bad_html_fails_with_telegrams_reason(source: str, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_html(source)
    assert str(caught.value) == reason


def test_markdown_v2_minimal() -> None:
    parsed = parse_markdown_v2(r"*b* __u__ ~s~ ||sp|| `c\`` [l](https://x.org/a\)b) 1\.5\!")
    assert parsed.text == "b u s sp c` l 1.5!"
    assert [e["type"] for e in parsed.entities] == [
        "bold",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]
    assert parsed.entities[-1]["url"] == "https://x.org/a)b"
    with pytest.raises(ParseError, match="Can't find end of Bold entity at byte offset 0"):
        parse_markdown_v2("*open")


def test_plain_strips_tags_even_from_bad_html() -> None:
    assert plain({"text": "done", "entities": []}) == "done"
    assert plain("<b>Time</b> &amp; <i>tide</i>") == "Time & tide"
    assert plain("<blink>odd</b> &amp;") == "odd &"
    assert plain(None) == ""


async def test_parse_errors_over_http(api: Api, emu: BotApiEmulator) -> None:
    emu.add_user(1001)
    status, body = await api("sendMessage", chat_id=1001, text="Hi <x>", parse_mode="HTML")
    assert (status, body) == (
        400,
        {
            "ok": False,
            "error_code": 400,
            "description": 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 3',
        },
    )
    status, body = await api("sendMessage", chat_id=1001, text="x", parse_mode="Markdown")
    assert (status, body["description"]) == (400, "Bad Request: unsupported parse_mode")


async def test_text_and_caption_limits_count_after_parsing(api: Api, emu: BotApiEmulator) -> None:
    emu.add_user(1001)
    longest = "<b>" + "a" * 4096 + "</b>"
    status, body = await api("sendMessage", chat_id=1001, text=longest, parse_mode="HTML")
    assert status == 200 and len(body["result"]["text"]) == 4096
    status, body = await api("sendMessage", chat_id=1001, text="a" * 4097)
    assert (status, body["description"]) == (400, "Bad Request: message is too long")
    status, body = await api("sendMessage", chat_id=1001, text="<b> </b>", parse_mode="HTML")
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")
    status, body = await api("sendMessage", chat_id=1001, text="")
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")
    status, sent = await api("sendPhoto", chat_id=1001, photo="nope", caption="c" * 1025)
    assert (status, sent["description"]) == (400, "Bad Request: message caption is too long")


async def test_buttons_and_reply_markup_checks(api: Api, emu: BotApiEmulator) -> None:
    emu.add_user(1001)

    def keyboard(data: str) -> dict[str, object]:
        return {"inline_keyboard": [[{"text": "Go", "callback_data": data}]]}

    status, _ = await api("sendMessage", chat_id=1001, text="ok", reply_markup=keyboard("é" * 32))
    assert status == 200  # 64 bytes exactly
    for data in ("é" * 32 + "x", ""):
        status, body = await api("sendMessage", chat_id=1001, text="x", reply_markup=keyboard(data))
        assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    for markup in ("{not json", json.dumps({"inline_keyboard": "row"}), json.dumps([1])):
        status, body = await api("sendMessage", chat_id=1001, text="x", reply_markup=markup)
        assert (status, body["description"]) == (
            400,
            "Bad Request: can't parse reply keyboard markup JSON object",
        )


async def test_parameter_types_come_from_the_table(api: Api, emu: BotApiEmulator) -> None:
    emu.add_user(1001)
    status, body = await api("sendMessage", chat_id="1001", text="123")
    assert status == 200 and body["result"]["text"] == "123"
    assert body["result"]["chat"]["id"] == 1001


async def test_json_body_tokens_and_unknown_methods(api: Api, emu: BotApiEmulator) -> None:
    emu.add_user(1001)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{emu.base_url}{TOKEN}/sendMessage",
            json={"chat_id": 1001, "text": "<b>json</b>", "parse_mode": "HTML"},
        )
    assert response.status_code == 200 and response.json()["result"]["text"] == "json"
    status, body = await api("getMe", token="not-a-token")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    status, body = await api("frobnicate")
    assert (status, body["description"]) == (404, "Not Found")


async def test_edit_errors_over_http(api: Api, emu: BotApiEmulator) -> None:
    emu.add_user(1001)
    await api("sendMessage", chat_id=1001, text="<b>same</b>", parse_mode="HTML")
    status, body = await api(
        "editMessageText", chat_id=1001, message_id=1, text="<b>same</b>", parse_mode="HTML"
    )
    assert (status, body["description"]) == (400, NOT_MODIFIED)
    status, body = await api("editMessageText", chat_id=1001, message_id=1, text="same")
    assert status == 200  # same text without bold is a change
    status, body = await api("editMessageText", chat_id=1001, message_id=7, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")
    status, body = await api("deleteMessage", chat_id=1001, message_id=7)
    assert (status, body["description"]) == (400, "Bad Request: message to delete not found")
    status, body = await api("answerCallbackQuery", callback_query_id="123")
    assert body["description"] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
