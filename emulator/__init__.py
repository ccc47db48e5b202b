"""A local Telegram Bot API emulator: a real HTTP server, simulated users, a terminal chat.

Only the entry point (without a token) and tests use it; it imports nothing of the bot.
"""

from emulator.server import ApiError, BotApiEmulator
from emulator.state import Event, Limits
from emulator.users import SimulatedUser

__all__ = ["ApiError", "BotApiEmulator", "Event", "Limits", "SimulatedUser"]
