"""Rate limiting for Telegram: each chat at its own pace, bulk sends under the bulk ceiling,
and each request delivered under the contract of its kind (interactive, warning, bulk)."""

from throttle.delivery import Kind, never_left
from throttle.limiter import SendWithdrawn, TelegramRateLimiter
from throttle.replies import replying_to
from throttle.stats import LimiterStats, WaitTally

__all__ = [
    "Kind",
    "LimiterStats",
    "SendWithdrawn",
    "TelegramRateLimiter",
    "WaitTally",
    "never_left",
    "replying_to",
]
