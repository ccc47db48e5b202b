"""Units of work: short functions that each own one database transaction and never touch
Telegram, so no transaction is held across a Telegram call. Handlers and background jobs call
them; they call db/ query functions and the rules.
"""
