"""Field types shared by the content models: localized texts, ids, file names, and errors.

A validator that knows the exact sub-field at fault raises `invalid(reason, at=...)`; the loader
appends `at` to the error's location (so `dose.breaths` + `start` = `dose.breaths.start`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo
from pydantic_core import PydanticCustomError

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
PICTURE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(png|jpe?g)$")
ANIMATION_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.gif$")


def invalid(reason: str, at: str = "") -> PydanticCustomError:
    """A validation error with a plain reason, optionally pointing below the validated field."""
    return PydanticCustomError("content", reason, {"at": at} if at else None)


# Localized values -----------------------------------------------------------------------------


def _not_blank(value: str) -> str:
    if not value.strip():
        raise invalid("must not be empty")
    return value


NonEmptyText = Annotated[str, AfterValidator(_not_blank)]


def _languages(info: ValidationInfo) -> list[str]:
    """The language codes of languages.yaml, passed in by the loader as validation context."""
    context = info.context or {}
    return sorted(context.get("languages", ()))


def _same_languages(value: dict[str, Any], info: ValidationInfo) -> None:
    expected = _languages(info)
    if not expected:  # validated outside the loader (e.g. a model built in code)
        return
    missing = [code for code in expected if code not in value]
    unknown = sorted(code for code in value if code not in expected)
    reasons = []
    if missing:
        reasons.append(f"missing language {', '.join(missing)}")
    if unknown:
        reasons.append(
            f"unknown language {', '.join(unknown)} (languages.yaml lists {', '.join(expected)})"
        )
    if reasons:
        raise invalid("; ".join(reasons))


def _check_text(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    _same_languages(value, info)
    return value


def _check_list(value: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
    _same_languages(value, info)
    lengths = {code: len(items) for code, items in value.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{code}: {count}" for code, count in sorted(lengths.items()))
        raise invalid(f"lists differ in length between languages ({detail})")
    return value


# A user-facing text: {en: ..., ru: ...}, one non-empty text per language of languages.yaml.
Text = Annotated[dict[str, NonEmptyText], AfterValidator(_check_text)]
# A user-facing list: {en: [...], ru: [...]}, the same number of lines in every language.
TextList = Annotated[
    dict[str, Annotated[list[NonEmptyText], Field(min_length=1)]], AfterValidator(_check_list)
]


class Strict(BaseModel):
    """Unknown fields are errors (a misspelt field must not pass silently); no type coercion."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise invalid(
            "must be 2-41 lowercase letters, digits or _, starting with a letter (like bird_dog)"
        )
    return value


Identifier = Annotated[str, AfterValidator(_check_id)]


def _check_picture_name(value: str) -> str:
    if not PICTURE_NAME.match(value):
        raise invalid("must be a PNG or JPEG file name in content/media/ (like bird_dog.png)")
    return value


def _check_animation_name(value: str) -> str:
    if not ANIMATION_NAME.match(value):
        raise invalid("must be a GIF file name in content/media/ (like bird_dog.gif)")
    return value


PictureName = Annotated[str, AfterValidator(_check_picture_name)]
AnimationName = Annotated[str, AfterValidator(_check_animation_name)]
