"""UI texts: a file per language, the same keys and placeholders, valid Telegram HTML."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from content import Problem, load_content
from content.texts import html_problem, template_problem
from tests.content.conftest import edit, problems_in

RU = "content/locales/ru.yaml"
EN = "content/locales/en.yaml"


def test_the_locales_folder_missing(root: Path) -> None:
    shutil.rmtree(root / "locales")
    assert problems_in(root) == [
        Problem(
            "content/locales", "", "folder is missing (one <code>.yaml of UI texts per language)"
        )
    ]


def test_a_locale_file_missing(root: Path) -> None:
    (root / "locales" / "ru.yaml").unlink()
    assert problems_in(root) == [Problem(RU, "", "missing: every language needs its UI texts (ru)")]


def test_a_locale_file_for_an_unlisted_language(root: Path) -> None:
    shutil.copy(root / "locales" / "en.yaml", root / "locales" / "de.yaml")
    assert problems_in(root) == [
        Problem("content/locales/de.yaml", "", "'de' is not a language of languages.yaml")
    ]


def test_missing_and_extra_keys_against_the_default_language(root: Path) -> None:
    edit(
        root / "locales" / "ru.yaml",
        lambda d: (d["start"].pop("welcome"), d["start"].update(welcom="x")),
    )
    assert problems_in(root) == [
        Problem(RU, "start.welcome", "missing (present in en.yaml)"),
        Problem(RU, "start.welcom", "not in en.yaml (misspelt key?)"),
    ]


def test_placeholders_must_match_the_default_language(root: Path) -> None:
    edit(root / "locales" / "ru.yaml", lambda d: d["start"].update(welcome="Привет, {имя}!"))
    assert problems_in(root) == [
        Problem(RU, "start.welcome", "placeholders ['имя'] differ from en.yaml: ['name']")
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>What I can do {commands}", "<b> is never closed"),
        ("<h1>Help</h1> {commands}", "tag <h1> is not allowed by Telegram"),
        ("<b><i>Help</b></i> {commands}", "</b> found where </i> was expected"),
        ("Help</b> {commands}", "</b> closes a tag that was never opened"),
        ("Pain < 5 {commands}", "a bare < or > (write &lt; or &gt;)"),
        ("Stretch & breathe {commands}", "a bare & (write &amp;)"),
        ('<a title="x">site</a> {commands}', '<a> needs an href, like <a href="https://...">'),
        (
            "Help {commands",
            "not a valid template (expected '}' before end of string; write {{ and }} for literal braces)",
        ),
        ("Help {0} {commands}", "placeholder {0} must be a plain name, like {name}"),
    ],
)
def test_a_broken_text_is_named_with_its_dotted_key(root: Path, text: str, reason: str) -> None:
    edit(root / "locales" / "en.yaml", lambda d: d["help"].update(text=text))
    found = problems_in(root)
    assert found[0] == Problem(EN, "help.text", reason)


def test_a_text_that_is_not_text(root: Path) -> None:
    edit(root / "locales" / "ru.yaml", lambda d: d["start"].update(agree=True))
    assert problems_in(root) == [
        Problem(RU, "start.agree", "must be a non-empty text (got True; quote it?)"),
        Problem(RU, "start.agree", "missing (present in en.yaml)"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "<b>bold</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>i</ins> <s>s</s>",
        "<strike>x</strike> <del>d</del> <code>c</code> <pre>p</pre> <tg-spoiler>t</tg-spoiler>",
        '<blockquote>q</blockquote> <a href="https://example.org/?a=1&amp;b=2">link</a>',
        "Pain 3 &lt; 5 &amp; more &#8212; &quot;ok&quot; {{literal}} {name}",
    ],
)
def test_every_telegram_tag_and_entity_passes(text: str) -> None:
    assert html_problem(text) is None and template_problem(text) is None


def test_text_fills_placeholders_and_falls_back_to_the_default_language(root: Path) -> None:
    content = load_content(root)
    assert (
        content.text("ru", "start.welcome", name="Аня") == "<b>Здравствуйте, Аня!</b> Я Backcare."
    )
    assert content.text("de", "start.welcome", name="Ann") == "<b>Hello, Ann!</b> I am Backcare."
    assert content.text("en", "start.agree") == "I agree"
    with pytest.raises(KeyError):
        content.text("en", "start.no_such_key")


def test_localize_and_media_path(root: Path) -> None:
    content = load_content(root)
    bird_dog = content.exercises["bird_dog"]
    assert content.localize(bird_dog.title, "en") == "Bird dog"
    assert content.localize(bird_dog.title, "ru") == "«Птица-собака»"
    assert content.localize(bird_dog.steps, "xx") == bird_dog.steps["en"]
    assert content.media_path(bird_dog.picture) == root / "media" / "bird_dog.png"
    assert content.media_path(bird_dog.picture).is_file()
    assert content.default_language == "en"
    assert {code: language.native for code, language in content.languages.items()} == {
        "en": "English",
        "ru": "Русский",
    }


def test_a_key_yaml_reads_as_a_boolean_is_named(root: Path) -> None:
    """`off:` unquoted is the boolean False in YAML: the text would be lost under 'False'."""
    for name in ("en.yaml", "ru.yaml"):
        path = root / "locales" / name
        path.write_text(path.read_text(encoding="utf-8") + "extra:\n  off: gone\n", "utf-8")
    found = problems_in(root)
    assert (
        Problem(EN, "extra.False", 'this key is not read as text: put it in quotes ("off":)')
        in found
    )


def test_plural_forms_follow_each_languages_rules() -> None:
    shipped = load_content()
    shown = {n: shipped.text("ru", "routine.unit_breaths", count=n) for n in (1, 2, 5, 11, 21, 22)}
    assert shown == {1: "вдох", 2: "вдоха", 5: "вдохов", 11: "вдохов", 21: "вдох", 22: "вдоха"}
    assert shipped.text("en", "routine.unit_breaths", count=1) == "breath"
    assert shipped.text("en", "routine.unit_breaths", count=6) == "breaths"
    with pytest.raises(KeyError):
        shipped.text("en", "routine.unit_breaths")  # a counted text needs its count


def test_a_missing_plural_form_is_named(root: Path) -> None:
    path = root / "locales" / "ru.yaml"
    for name in ("en.yaml", "ru.yaml"):
        target = root / "locales" / name
        forms = "{one: a, other: b}" if name == "en.yaml" else "{one: а, other: б}"
        target.write_text(target.read_text(encoding="utf-8") + f"counted: {forms}\n", "utf-8")
    assert path.exists()
    assert problems_in(root) == [
        Problem(RU, "counted", "needs the plural forms few, many, one, other (missing: few, many)")
    ]
