"""Rate limiting for Telegram: each chat at its own pace, bulk sends under the bulk ceiling."""

from throttle.limiter import SendWithdrawn, TelegramRateLimiter
from throttle.stats import LimiterStats, WaitTally

__all__ = ["LimiterStats", "SendWithdrawn", "TelegramRateLimiter", "WaitTally"]
