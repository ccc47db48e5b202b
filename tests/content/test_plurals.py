"""Counted texts take the form their number needs (Babel's CLDR plural rules), in every language:
1 day, 2 days; 1 день, 2 дня, 5 дней, 21 день."""

from __future__ import annotations

import pytest

from content import Content

# language, key, the count that picks the form, the other placeholders, expected text
COUNTED: list[tuple[str, str, int, dict[str, int], str]] = [
    ("en", "routine.streak", 1, {"days": 1}, "Streak: 1 day in a row"),
    ("en", "routine.streak", 2, {"days": 2}, "Streak: 2 days in a row"),
    ("ru", "routine.streak", 1, {"days": 1}, "Серия: 1 день подряд"),
    ("ru", "routine.streak", 3, {"days": 3}, "Серия: 3 дня подряд"),
    ("ru", "routine.streak", 5, {"days": 5}, "Серия: 5 дней подряд"),
    ("ru", "routine.streak", 21, {"days": 21}, "Серия: 21 день подряд"),
    ("en", "safety.gentle_days", 1, {}, "1 day"),
    ("ru", "safety.gentle_days", 1, {}, "1 дня"),  # "до 1 дня": the genitive
    ("ru", "safety.gentle_days", 3, {}, "3 дней"),
    ("en", "privacy.months", 1, {}, "1 month"),
    ("en", "privacy.months", 12, {}, "12 months"),
    ("ru", "privacy.months", 2, {}, "2 месяца"),
    ("ru", "privacy.months", 12, {}, "12 месяцев"),
    ("ru", "privacy.months", 1, {}, "1 месяц"),
    ("en", "reminders.snoozed", 1, {"minutes": 1}, "again in 1 minute."),
    ("en", "reminders.snoozed", 30, {"minutes": 30}, "again in 30 minutes."),
    ("ru", "reminders.snoozed", 1, {"minutes": 1}, "через 1 минуту."),
    ("ru", "reminders.snoozed", 3, {"minutes": 3}, "через 3 минуты."),
    ("ru", "reminders.snoozed", 30, {"minutes": 30}, "через 30 минут."),
    ("ru", "reminders.snoozed", 21, {"minutes": 21}, "через 21 минуту."),
    ("en", "reminders.too_many", 1, {}, "You already have 1 reminder,"),
    ("ru", "reminders.too_many", 1, {}, "У вас уже 1 напоминание"),
    ("ru", "reminders.too_many", 10, {}, "У вас уже 10 напоминаний"),
    ("en", "flare.suggest_return", 3, {}, "calm for 3 gentle sessions"),
    ("ru", "flare.suggest_return", 3, {}, "уже 3 занятия подряд"),
    ("ru", "flare.suggest_return", 5, {}, "уже 5 занятий подряд"),
    ("en", "routine.dose_rounds", 2, {"rounds": 2, "amount": 3, "unit": "breaths"}, "2 rounds of"),
    ("ru", "routine.dose_rounds", 2, {"rounds": 2, "amount": 3, "unit": "вдоха"}, "2 подхода по"),
    ("ru", "routine.dose_rounds", 5, {"rounds": 5, "amount": 3, "unit": "вдоха"}, "5 подходов по"),
    ("en", "routine.done_all", 1, {"exercises": 1, "time": "1 min 5 s"}, "1 exercise in"),
    ("en", "routine.done_all", 4, {"exercises": 4, "time": "1 min 5 s"}, "All 4 exercises in"),
    ("ru", "routine.done_all", 1, {"exercises": 1, "time": "1 мин 5 с"}, "1 упражнение за"),
    ("ru", "routine.done_all", 4, {"exercises": 4, "time": "1 мин 5 с"}, "Все 4 упражнения за"),
    ("ru", "routine.done_all", 5, {"exercises": 5, "time": "1 мин 5 с"}, "Все 5 упражнений за"),
    (
        "en",
        "routine.stopped",
        1,
        {"exercises": 1, "total": 1, "time": "40 s"},
        "1 of 1 exercise done",
    ),
    (
        "en",
        "routine.stopped",
        4,
        {"exercises": 2, "total": 4, "time": "40 s"},
        "2 of 4 exercises done",
    ),
    ("ru", "routine.stopped", 1, {"exercises": 1, "total": 1, "time": "40 с"}, "1 из 1 упражнения"),
    ("ru", "routine.stopped", 4, {"exercises": 2, "total": 4, "time": "40 с"}, "2 из 4 упражнений"),
    (
        "ru",
        "routine.done_some",
        5,
        {"exercises": 3, "total": 5, "skipped": 2, "time": "40 с"},
        "Выполнено 3 из 5 упражнений",
    ),
    ("ru", "routine.level_first", 7, {"routine": "Полный комплекс"}, "7 упражнений."),
]


@pytest.mark.parametrize(("language", "key", "count", "params", "expected"), COUNTED)
def test_counted_text_takes_the_form_of_its_number(
    content: Content, language: str, key: str, count: int, params: dict[str, int], expected: str
) -> None:
    params.setdefault("count", count)
    assert expected in content.text(language, key, **params)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_counted_text_is_written_with_a_bracketed_plural(
    content: Content, language: str
) -> None:
    for key, template in content.texts[language].items():
        assert "(s)" not in template, key
        assert "(ы)" not in template and "дн.)" not in template, key
