"""The collector's settings made at start-up (perf/freeze.py)."""

from __future__ import annotations

import gc

from perf.freeze import YOUNG_EVERY, collect_young_less_often


def test_young_collections_wait_for_more_new_objects_and_the_older_ratios_stay() -> None:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    gc.collect()  # the count starts from zero (a test before may have run the bot: 20,000)
    try:
        collect_young_less_often()
        assert gc.get_threshold() == (YOUNG_EVERY, 10, 10)
        kept = [[] for _ in range(YOUNG_EVERY // 2)]  # half a threshold of new containers
        # No young collection yet: at Python's 700 one would have emptied the count.
        assert gc.get_count()[0] >= len(kept) - 700
    finally:
        gc.set_threshold(*before)
