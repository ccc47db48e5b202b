"""Start-up objects out of the garbage collector's sight, so a full collection scans only what
handlers make; and young collections less often.

Buys: less CPU per update under a burst (the collector no longer rescans the modules and the
content loaded at start) and shorter full collections, which set the event loop's worst lag
under 1,000 live sessions. Shown by `make bench-ratings` (bot CPU for the burst) and
`make bench-timers` (the probe's gc2 and lag columns).

A young collection every YOUNG_EVERY new objects instead of Python's 700: a burst keeps its
requests alive until their batch is answered, and every young collection traced them again,
every tenth moved them on (a middle one, 1-8 ms), every hundredth was a full one (20-80 ms, in
the middle of a burst). One bot process serving 500 app starts, then 20 bursts of 500
checkpoints (a `gc.callbacks` log): 776 young, 70 middle and 9 full collections, 656-808 ms in
all, became 13-14 young and 3 full ones (the two freezes' own among them), 237-252 ms.
"""

from __future__ import annotations

import gc

YOUNG_EVERY = 20_000  # new objects (containers) between young collections; Python's is 700


def freeze_what_is_loaded() -> None:
    """Collect once, then move every object alive now to the permanent generation: called when
    modules and content are loaded, before the first update."""
    gc.collect()
    gc.freeze()


def collect_young_less_often() -> None:
    """Young collections every YOUNG_EVERY new objects (the older generations' ratios kept):
    called once at start-up."""
    gc.set_threshold(YOUNG_EVERY, *gc.get_threshold()[1:])
