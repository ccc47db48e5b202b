"""The guided-session engine: the plan of a routine, progression, and the per-chat timers."""
