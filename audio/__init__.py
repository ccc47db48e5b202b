"""The audio guide: a guided session as one track of voice and tones, mixed from its timeline.

`audio.tracks` is the API the chat and the Mini App call; `make voices` (audio/voices.py)
renders the phrase clips it reads from content/audio/.
"""
