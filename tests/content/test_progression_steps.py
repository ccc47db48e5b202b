"""Every level step shows the user a change, and the progression rule is checked as data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from content import Problem, load_content
from content.loader import ROOT, load_all
from content.schema import DoseRange
from content.steps import count_at, still_steps
from guided.engine.progression import Range
from tests.content.conftest import edit, problems_in, write_yaml

QUICK = "content/routines/quick.yaml"
LYING_TWIST = "content/exercises/lying_twist.yaml"
PROGRESSION = "content/progression.yaml"
ADVICE = (
    "every step must change the rounds, or the breaths, seconds or reps per hold; "
    "give a range spanning at least 5 (max - start), or ranges that grow at different levels"
)


def test_the_shipped_content_changes_something_at_every_step() -> None:
    problems, loaded = load_all(ROOT)
    assert not [p for p in problems if "nothing the user sees changes" in p.reason]
    assert loaded.progression.levels == 6


def test_the_count_is_the_engines() -> None:
    # content/ repeats guided.engine.progression.Range.at (it imports nothing of ours); keep them equal.
    for levels in range(2, 21):
        for start in range(1, 12):
            for top in range(start, start + 25):
                dose_range = DoseRange(start=start, max=top)
                for level in range(-1, levels + 1):
                    assert count_at(dose_range, level, levels) == Range(start, top).at(
                        level, levels
                    ), (start, top, level, levels)


@pytest.mark.parametrize(
    ("spans", "still"),
    [
        ([(2, 3)], [0, 1, 3, 4]),  # 2..3 rounds over 6 levels: one step of five shows
        ([(3, 5)], [0, 2, 4]),
        ([(3, 5), (2, 5)], []),  # spans 2 and 3 change at different levels: together, all
        ([(1, 5), (1, 2)], []),  # spans 4 and 1 likewise
        ([(30, 30)], [0, 1, 2, 3, 4]),
        ([(15, 30)], []),
    ],
)
def test_still_steps(spans: list[tuple[int, int]], still: list[int]) -> None:
    ranges = [DoseRange(start=start, max=top) for start, top in spans]
    assert still_steps(ranges, 6) == still


def test_a_routine_that_cannot_change_at_every_step_is_named_with_its_levels(root: Path) -> None:
    # Quick without the twist's progress: the rest only changes at levels 1-2, 3-4 and 5-6.
    def fix_twist(data: Any) -> None:
        data["items"][3]["seconds"] = {"start": 30, "max": 30}

    edit(root / "routines" / "quick.yaml", fix_twist)
    assert problems_in(root) == [
        Problem(
            QUICK,
            "items",
            "across its items, nothing the user sees changes from level 2 to 3 and from 4 to 5 "
            f"(of 6): {ADVICE}",
        )
    ]


def test_a_fixed_exercise_is_named_alone_and_in_the_routine_it_stalls(root: Path) -> None:
    edit(
        root / "exercises" / "lying_twist.yaml",
        lambda d: d["dose"].update(seconds={"start": 30, "max": 30}),
    )
    problems = problems_in(root)
    assert problems == [
        Problem(
            LYING_TWIST,
            "dose",
            "done on its own, nothing the user sees changes from level 1 to 2, from 2 to 3, "
            f"from 3 to 4, from 4 to 5 and from 5 to 6 (of 6): {ADVICE}",
        ),
        # The full routine still changes (its breathing rounds grow at every step).
        Problem(
            QUICK,
            "items",
            "across its items, nothing the user sees changes from level 2 to 3 and from 4 to 5 "
            f"(of 6): {ADVICE}",
        ),
    ]
    assert str(problems[0]).startswith(
        "content/exercises/lying_twist.yaml: dose: done on its own, nothing the user sees"
    )


def test_the_gentle_plan_is_exempt(root: Path) -> None:
    # Always at its lowest doses: fixed counts are what it is for.
    write_yaml(
        root / "routines" / "calm.yaml",
        {
            "id": "calm",
            "order": 9,
            "gentle": True,
            "title": {"en": "Calm", "ru": "Спокойно"},
            "description": {"en": "Calm.", "ru": "Спокойно."},
            "minutes": 3,
            "items": [{"exercise": "breathing", "rounds": {"start": 3, "max": 3}}],
        },
    )
    assert "calm" in load_content(root).routines


def test_the_check_follows_the_number_of_levels(root: Path) -> None:
    # Ten steps need a range spanning 10: cat and cow (5-10 reps) no longer changes at each.
    edit(root / "progression.yaml", lambda d: d.update(levels=11))
    problems = problems_in(root)
    assert (
        Problem(
            "content/exercises/cat_cow.yaml",
            "dose",
            "done on its own, nothing the user sees changes from level 1 to 2, from 4 to 5, "
            "from 5 to 6, from 8 to 9 and from 9 to 10 (of 11): every step must change the rounds, or the "
            "breaths, seconds or reps per hold; give a range spanning at least 10 (max - start), "
            "or ranges that grow at different levels",
        )
        in problems
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"step_down_on_pain": 1},
            Problem(
                PROGRESSION,
                "step_down_on_pain",
                "must be more than step_up (1 <= 1): "
                "a pain report steps back further than a good session steps up",
            ),
        ),
        (
            {"step_up": 6, "step_down_on_pain": 7},
            Problem(PROGRESSION, "step_up", "must be at most levels - 1 (6 > 5)"),
        ),
        (
            {"high_after_rating": 11},
            Problem(
                PROGRESSION, "high_after_rating", "should be less than or equal to 10 (got 11)"
            ),
        ),
        (
            {"worse_by": 0},
            Problem(PROGRESSION, "worse_by", "should be greater than or equal to 1 (got 0)"),
        ),
    ],
    ids=["pain steps back no further than up", "a step up past the top", "rating 11", "worse by 0"],
)
def test_a_broken_rule_is_named(root: Path, change: dict[str, int], expected: Problem) -> None:
    edit(root / "progression.yaml", lambda d: d.update(change))
    assert problems_in(root) == [expected]
