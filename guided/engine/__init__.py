"""The guided session's engine, pure (no Telegram, no database): a routine as a timeline of beats,
the per-chat timers and their clock, each exercise's mark, the statuses, progression."""
