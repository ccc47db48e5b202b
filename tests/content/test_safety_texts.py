"""Every safety text exists in every language and says the same things: the same numbers, the
same list of signs, the same emphasis, and nothing that tells a person in pain to carry on."""

from __future__ import annotations

import re

import pytest

from content import Content, load_content

CONTENT = load_content()
SAFETY_PREFIXES = ("pain.", "safety.", "flare.", "checks.")
SAFETY_KEYS = sorted(
    key
    for key in CONTENT.texts[CONTENT.default_language]
    if (key.startswith(SAFETY_PREFIXES) and key not in ("pain.words", "pain.not_pain"))
    or key in ("routine.too_much", "routine.after_stop", "routine.after_a_bit_worse")
)
OTHERS = [code for code in CONTENT.languages if code != CONTENT.default_language]
# Advice that older texts gave and the clinical notes reject (NICE: stay gently active).
REJECTED = {
    "en": ("rest is safer", "Let's go on", "carry on", "push through it"),
    "ru": ("безопаснее отдохнуть", "Продолжаем", "проблему с нервами", "продолжайте через боль"),
}


def shape(template: str) -> tuple[list[str], int, int, int]:
    """What must match across languages: the numbers, bullets, bold parts and line breaks."""
    return (
        sorted(re.findall(r"\d+", template)),
        template.count("•"),
        template.count("<b>"),
        template.count("\n"),
    )


def test_there_are_safety_texts() -> None:
    assert len(SAFETY_KEYS) > 30
    assert {"pain.stop_warning", "safety.emergency", "safety.signs_emergency"} <= set(SAFETY_KEYS)


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize("key", SAFETY_KEYS)
def test_each_safety_text_matches_the_default_language(key: str, language: str) -> None:
    content: Content = CONTENT
    default = content.texts[content.default_language][key]
    translated = content.texts[language].get(key)
    assert translated, f"{key} is missing in {language}"
    assert shape(translated) == shape(default), (key, language)


@pytest.mark.parametrize("language", sorted(REJECTED))
def test_no_safety_text_gives_rejected_advice(language: str) -> None:
    texts = CONTENT.texts[language]
    for key in SAFETY_KEYS:
        for phrase in REJECTED[language]:
            assert phrase.lower() not in texts[key].lower(), (key, phrase)


def test_the_warning_always_says_to_stop_and_consult() -> None:
    must = {"en": ("stop", "consult"), "ru": ("прекратите", "обратитесь")}
    for language, words in must.items():
        for key in ("pain.stop_warning", "pain.no_session"):
            text = CONTENT.texts[language][key].lower()
            assert all(word in text for word in words), (language, key)
