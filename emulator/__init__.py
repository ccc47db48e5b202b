"""A local Telegram Bot API emulator: a real HTTP server, simulated users, a terminal chat.

Only the entry point (without a token) and tests use it; it imports nothing of the bot.
"""

from emulator.faults import Faults
from emulator.limits import Limits
from emulator.server import BotApiEmulator
from emulator.state import Event, Stats
from emulator.users import SimulatedUser
from emulator.wire import ApiError

__all__ = ["ApiError", "BotApiEmulator", "Event", "Faults", "Limits", "SimulatedUser", "Stats"]
