"""Units of work: short functions that each own one database transaction and never touch
Telegram, so no transaction is held across a Telegram call. Handlers, background jobs and the
guided sessions' service (guided/) call them; a *part* works inside its caller's transaction. They
call db/ query functions and the rules.
"""
