"""Daily reminders: next-due math across zones and DST, parsing, zones, and the dispatcher."""
