"""Rules about safety, with no I/O."""
