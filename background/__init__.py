"""What runs beside the handlers: the engine's hooks, recovery after a restart, the reminder job,
the media cache, the sweeps and leases, and the one way a guided session ends. Wired by bot.py;
never imports handlers.
"""
