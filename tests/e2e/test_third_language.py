"""A third language from files alone: the German test data of tests/content/german/ is added to a
copy of content/ the way an author adds a language (content/README.md, "Adding a language"), and
a German speaker is onboarded, guided through a routine and sets reminders in German words
(a one-off said in words too: "morgen um viertel vor acht").

No code knows German: if this passes, adding a language is adding files.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import CONTENT_CHECKS
from content import Content, load_content
from content.loader import ROOT
from core.config import Settings
from db.models import Reminder
from emulator.render import plain
from tests.e2e.helpers import rows

GERMAN = Path(__file__).resolve().parents[1] / "content" / "german"


def add_texts(data: dict[str, Any], texts: dict[str, Any], code: str) -> None:
    """Put each text of `texts` next to the English one at the same place in `data`."""
    for key, value in texts.items():
        target = data[key]
        if isinstance(target, dict) and "en" in target:
            target[code] = value
        else:
            add_texts(target, value, code)


def add_language(root: Path, source: Path) -> None:
    """What an author does: a languages.yaml entry, two new files, a text beside every en text."""
    entry = yaml.safe_load((source / "languages.yaml").read_text(encoding="utf-8"))
    [code] = entry
    languages = yaml.safe_load((root / "languages.yaml").read_text(encoding="utf-8"))
    languages["languages"].update(entry)
    (root / "languages.yaml").write_text(
        yaml.safe_dump(languages, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    for folder in ("locales", "words"):
        for path in (source / folder).glob("*.yaml"):
            shutil.copy(path, root / folder / path.name)
    for folder in ("exercises", "routines"):
        for path in (source / folder).glob("*.yaml"):
            target = root / folder / path.name
            data = yaml.safe_load(target.read_text(encoding="utf-8"))
            add_texts(data, yaml.safe_load(path.read_text(encoding="utf-8")), code)
            target.write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    """The shipped content plus German, from test data only."""
    root = tmp_path_factory.mktemp("with-german") / "content"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "poses"))
    add_language(root, GERMAN)
    return load_content(root, CONTENT_CHECKS)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A faster pace: the quick routine takes about two seconds."""
    return settings.model_copy(update={"routine_time_scale": 0.01})


def test_german_is_a_language_of_the_content(content: Content) -> None:
    assert list(content.languages) == ["en", "ru", "de"]
    assert content.text("de", "routine.streak", days=21, count=21) == (
        "Serie: 21 Tage in Folge. Bis morgen!"
    )


async def test_onboarding_a_routine_and_reminders_in_german(app, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user("de", "Lena")
    await user.send("/start")
    welcome = await user.next_message()
    assert "Hallo, Lena! Ich bin Backcare." in plain(welcome)
    assert user.buttons(welcome["message_id"]) == [
        "Ich stimme zu",
        "Jetzt nicht",
        "Sprache: Deutsch",
    ]
    await user.press("Ich stimme zu")
    assert "Deine Bewertungen werden vertraulich gespeichert" in plain(await user.next_message())

    # The quick routine, to its end.
    await user.send("/routine")
    await user.wait_text("Welche Übungsfolge heute?")
    await user.press("Kurze Übungsfolge")
    check = await user.wait_text("kurzer Sicherheitscheck")
    await user.press("Ja, und sie sind gleich geblieben", message_id=check.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == check.message_id)
    await user.press("Nein, nichts davon", message_id=check.message_id)
    await user.wait_for(lambda e: e.kind == "edit" and e.message_id == check.message_id)
    await user.press("Nein, nichts davon", message_id=check.message_id)
    await user.wait_text("Wie geht es deinem Rücken heute?")
    await user.press("2")
    await user.wait_text("Heute:")
    await user.wait_text("Rippen-Becken-Atmung", timeout=5)
    done = await user.wait_text("Geschafft!", timeout=20)
    assert "Alle 4 Übungen in" in plain(done.message) and "Gut gemacht." in plain(done.message)
    await user.wait_text("Wie fühlt sich dein Rücken jetzt an?")
    await user.press("1")
    summary = await user.wait_text("Vorher: 2/10, nachher: 1/10")
    assert "Serie: 1 Tag in Folge" in plain(summary.message)

    # Reminders, typed in German words and shown back in German.
    await user.send("/timezone Berlin")
    await user.wait_text("Zeitzone eingestellt: Europe/Berlin")
    await user.send("/remind")
    await user.wait_text("Wann soll ich dich erinnern?")
    await user.send("um 7:30 Uhr")
    await user.wait_text("An welchen Tagen?")
    await user.send("Montag bis Freitag")
    await user.wait_text("Dich um 07:30 erinnern, werktags (Europe/Berlin)?")
    await user.press("✓ Speichern")
    await user.wait_text("Erledigt: Ich erinnere dich um 07:30, werktags.")
    await user.send("/remind 8 Uhr abends")
    await user.press("20:00 hinzufügen")
    await user.wait_text("Erledigt: Ich erinnere dich um 20:00, jeden Tag.")
    await user.send("/remind morgen um viertel vor acht")  # a one-off, said in words
    confirm = await user.wait_text("Dich einmal erinnern, um 07:45 am ")
    assert "Ich lese das als 07:45" in plain(confirm.message)
    await user.press("Lieber 19:45", message_id=confirm.message_id)
    flipped = await user.wait_text("Dich einmal erinnern, um 19:45 am ", kinds=("send",))
    await user.press("Speichern", message_id=flipped.message_id)
    await user.wait_text("Erledigt: Ich erinnere dich einmal, um 19:45 am ")
    await user.send("/remind")
    await user.press("Noch eine")
    await user.wait_text("Wann soll ich dich erinnern?")
    await user.send("gegen 6 Uhr früh")
    await user.wait_text("An welchen Tagen?")
    await user.send("Mo, Mi und Fr")
    await user.wait_text("Dich um 06:00 erinnern, Mo, Mi, Fr (Europe/Berlin)?")
    await user.press("Abbrechen")
    await user.wait_text("Es wurde keine Erinnerung eingerichtet.")
    saved = {(row.kind, row.local_time, row.zone) for row in await rows(app, Reminder)}
    assert saved == {
        ("routine", "07:30", "Europe/Berlin"),
        ("routine", "20:00", "Europe/Berlin"),
        ("once", "19:45", "Europe/Berlin"),
    }
    assert {row.days for row in await rows(app, Reminder) if row.kind == "routine"} == {
        0b0011111,
        0b1111111,
    }
