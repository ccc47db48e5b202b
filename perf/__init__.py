"""The performance machinery: what the benchmarks showed the bot needs, and nothing else.

Each module says what it buys and which `make bench-*` shows it; how each was found, and the
runs before and after, are in bench/README.md. This room imports nothing of ours: `db/` (the
SQLite driver), `core/` (the update slots, group commits) and `bot.py` (the transport, the probe,
the frozen start-up objects) build on it.
"""
