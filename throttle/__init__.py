"""Rate limiting for Telegram: each chat at its own pace, bulk sends under the bulk ceiling,
and each request delivered under its contract (interactive, warning, bulk)."""

from throttle.delivery import Delivery, never_left
from throttle.limiter import SendWithdrawn, TelegramRateLimiter
from throttle.replies import replying_to
from throttle.stats import LimiterStats, WaitTally

__all__ = [
    "Delivery",
    "LimiterStats",
    "SendWithdrawn",
    "TelegramRateLimiter",
    "WaitTally",
    "never_left",
    "replying_to",
]
