"""The guided session, whole: its engine (pure: the timeline of beats, the timers, the clock, the
statuses), its service (`service.GuidedSessions`: the whole life of a session, its transactions
and checkpoints) and the presenter protocol (what a screen is asked to show). The chat presenter
lives in background/presenter.py. Nothing is imported here: `db/` and `progress/` read the
statuses (engine/status.py) without loading the service.
"""
