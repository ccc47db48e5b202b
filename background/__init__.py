"""What runs beside the handlers: the chat presenter (what a guided session shows in Telegram),
the reminder job, the media cache, the sweeps and leases. Wired by bot.py; never imports
handlers.
"""
