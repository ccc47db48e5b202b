"""Keyboards: the one place where Telegram's inline buttons are made.

A handler says which buttons to show, as rows of `(label, press)` (the label from content, the
press one of ui/payloads.py's classes); `keyboard` lays them out. ui/guided.py and ui/safety.py
build their own keyboards the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, WebAppInfo

from ui.button import Button

Choice = tuple[str, Button]  # a button: its label and what pressing it sends
Row = Sequence[Choice | InlineKeyboardButton]  # a row of buttons, some perhaps already made
Keyboard = InlineKeyboardMarkup


def as_button(choice: Choice | InlineKeyboardButton) -> InlineKeyboardButton:
    """A Telegram button (one already made is kept: rows of a ui/ keyboard joined to others)."""
    if isinstance(choice, InlineKeyboardButton):
        return choice
    label, press = choice
    return InlineKeyboardButton(label, callback_data=press.pack())


def keyboard(rows: Iterable[Sequence[Choice | InlineKeyboardButton]]) -> Keyboard:
    """Rows of buttons under a message."""
    return InlineKeyboardMarkup([[as_button(choice) for choice in row] for row in rows])


def rows_of(markup: Keyboard) -> list[list[InlineKeyboardButton]]:
    """The rows of a keyboard, to add more under them."""
    return [list(row) for row in markup.inline_keyboard]


def open_app(label: str, url: str) -> InlineKeyboardButton:
    """The Mini App's button: Telegram opens the page at `url` inside the chat (`web_app`)."""
    return InlineKeyboardButton(label, web_app=WebAppInfo(url))


def with_app(row: Row, label: str, url: str | None) -> Row:
    """A row with Open in the app after its buttons, when the app is served (MINI_APP_URL)."""
    return [*row, open_app(label, url)] if url else list(row)


def app_menu_button(label: str, url: str) -> MenuButtonWebApp:
    """The chat's menu button opening the Mini App's home."""
    return MenuButtonWebApp(label, WebAppInfo(url))
