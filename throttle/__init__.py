"""Rate limiting for Telegram: each chat at its own pace, bulk sends under the bulk ceiling."""

from throttle.limiter import TelegramRateLimiter

__all__ = ["TelegramRateLimiter"]
