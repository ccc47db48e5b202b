"""An exercise's versions: what the check accepts (the mistakes it refuses are listed in
test_validation.py, named by file, field and reason)."""

from __future__ import annotations

from pathlib import Path

from content import load_content
from tests.content.conftest import edit


def test_a_version_may_show_another_exercises_picture(root: Path) -> None:
    """Cat and cow on a chair is the seated cat and cow exercise: the same picture is right."""
    content = load_content(root)
    assert content.exercises["cat_cow"].easier.picture == "seated_cat_cow.png"


def test_a_smaller_dose_in_the_exercises_unit_is_accepted(root: Path) -> None:
    edit(
        root / "exercises" / "chair_twist.yaml",
        lambda d: d["easier"].update(dose={"breaths": {"start": 1, "max": 3}}),
    )
    dose = load_content(root).exercises["chair_twist"].easier.dose
    assert dose is not None and dose.breaths is not None and dose.breaths.max == 3
