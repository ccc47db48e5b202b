"""Where and when a user is: time zones (names, cities, offsets, locations) and the local
emergency numbers. Used by reminders and by the safety advice alike; no I/O.
"""
