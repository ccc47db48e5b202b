"""Cross-cutting pieces of the bot: settings, logging, typed context and shared helpers."""
