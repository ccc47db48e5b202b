"""A button's payload as one typed class, in the style of aiogram's `CallbackData`: its prefix,
its typed fields, how it is built, read and matched, and the flags the rest of the bot reads.

    class Control(Button, prefix="rt", starts_session=True):
        session_id: Annotated[int, ID]
        op: Annotated[str, one_of("go", "pz", "rs", "sk", "st", "se")]

    Control(7, "pz").pack()               -> "v1.rt:7:pz"
    Control.unpack("v1.rt:7:pz")          -> Control(session_id=7, op="pz")
    Control.unpack("v1.rt:x:pz")          -> None (forged or stale)

The wire format is `v1.{prefix}:{field}:{field}`, under Telegram's 64 bytes; a trailing field
whose value is None is left out. Several classes may share a prefix when their shapes differ
(a literal first field, another number of fields): each reads only its own. Only what the bot
itself writes is read back: every field must match its pattern in full.

Flags: `starts_session` (the press may start or continue a guided session: the safety hold's gate
reads it) and `urgent` (the press reports pain: never dropped in a flood, served first, answered
even when the database fails). Every class is registered by its prefix (`KNOWN`). The bot's own
buttons, and what the rest of the bot asks of a press (`read`, `starts_session`, `urgent`,
`claims`), are in ui/payloads.py.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import (
    Annotated,
    Any,
    ClassVar,
    Self,
    dataclass_transform,
    get_args,
    get_origin,
    get_type_hints,
)

VERSION = "v1"
MAX_BYTES = 64
SEPARATOR = ":"


@dataclass(frozen=True)
class Spec:
    """One field on the wire: the pattern the bot writes, and how its text becomes the value."""

    pattern: str
    read: Callable[[str], Any] = str
    write: Callable[[Any], str] = str


def one_of(*words: str) -> Spec:
    """A field that is one of these words."""
    return Spec("|".join(re.escape(word) for word in words))


def literal(word: str) -> Spec:
    """A fixed word that tells two shapes of one prefix apart ("page", "all")."""
    return Spec(re.escape(word))


# A number as the bot writes it: ASCII digits, few enough for a 64-bit database integer.
ID = Spec(r"[0-9]{1,18}", read=int)
RATING = Spec("10|[0-9]", read=int)  # 0-10


@dataclass(frozen=True)
class _Field:
    name: str
    spec: Spec
    optional: bool  # trailing and may be None (left off the wire)


@dataclass_transform(frozen_default=True)
class Button:
    """The base of every button payload class (see the module docstring)."""

    prefix: ClassVar[str]
    starts_session: ClassVar[bool] = False
    urgent: ClassVar[bool] = False
    _fields: ClassVar[tuple[_Field, ...]] = ()
    _shape: ClassVar[re.Pattern[str]]

    def __init_subclass__(
        cls, *, prefix: str, starts_session: bool = False, urgent: bool = False, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if not re.fullmatch(r"[a-z]{2}", prefix):
            raise TypeError(f"{cls.__name__}: a prefix is two small letters, not {prefix!r}")
        cls.prefix, cls.starts_session, cls.urgent = prefix, starts_session, urgent
        cls._fields = tuple(_fields_of(cls))
        dataclass(frozen=True)(cls)
        head = re.escape(f"{VERSION}.{prefix}")
        body = ""
        for field in reversed(cls._fields):
            part = f"{SEPARATOR}(?:{field.spec.pattern})"
            body = f"(?:{part}{body})?" if field.optional else f"{part}{body}"
        cls._shape = re.compile(f"{head}{body}")
        KNOWN.setdefault(prefix, []).append(cls)

    @property
    def fields(self) -> tuple[Any, ...]:
        """The values on the wire, in order (a trailing None left off, as on the wire)."""
        values = [getattr(self, field.name) for field in self._fields]
        while values and values[-1] is None and self._fields[len(values) - 1].optional:
            values.pop()
        return tuple(values)

    def pack(self) -> str:
        """The callback data of this press; raises ValueError if it would not be read back."""
        parts = [f"{VERSION}.{self.prefix}"]
        for field in self._fields:
            value = getattr(self, field.name)
            if value is None and field.optional:
                break
            parts.append(field.spec.write(value))
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        if self.unpack(data) != self:  # the bot writes only what it reads back as itself
            raise ValueError(f"{type(self).__name__}: {data!r} does not read back as {self!r}")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Self | None:
        """The press of this class in `data`, or None if it is another, older or forged one."""
        if data is None or not cls._shape.fullmatch(data):
            return None
        texts = data.split(SEPARATOR)[1:]
        values = {
            field.name: field.spec.read(text)
            for field, text in zip(cls._fields, texts, strict=False)
        }
        return cls(**values)

    @classmethod
    def shape(cls) -> str:
        """The regular expression of this class's payloads (matched in full)."""
        return cls._shape.pattern

    @classmethod
    def matches(cls, data: object) -> bool:
        """Whether callback data is a press of this class (for a handler's pattern)."""
        return isinstance(data, str) and cls._shape.fullmatch(data) is not None

    @classmethod
    def of_prefix(cls, data: str | None) -> bool:
        """Whether callback data carries this class's prefix, read or not (stale, forged)."""
        head = f"{VERSION}.{cls.prefix}"
        return data is not None and (data == head or data.startswith(head + SEPARATOR))


def _fields_of(cls: type) -> Iterable[_Field]:
    hints = get_type_hints(cls, include_extras=True)
    own = inspect.get_annotations(cls)
    found: list[_Field] = []
    for name in own:
        hint = hints[name]
        if get_origin(hint) is ClassVar:
            continue
        if get_origin(hint) is not Annotated:
            raise TypeError(f"{cls.__name__}.{name}: annotate it as Annotated[type, Spec]")
        base, *extras = get_args(hint)
        specs = [extra for extra in extras if isinstance(extra, Spec)]
        if len(specs) != 1:
            raise TypeError(f"{cls.__name__}.{name}: give it exactly one Spec")
        # Left off the wire when None: a field that defaults to None (it must allow None).
        optional = name in cls.__dict__ and cls.__dict__[name] is None
        if optional and not _allows_none(base):
            raise TypeError(f"{cls.__name__}.{name}: a field defaulting to None must allow None")
        if found and found[-1].optional and not optional:
            raise TypeError(f"{cls.__name__}.{name}: only trailing fields may be left off")
        found.append(_Field(name, specs[0], optional))
    return found


def _allows_none(hint: Any) -> bool:
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return type(None) in get_args(hint)
    return hint is type(None)


# Every button class, by prefix (filled as the classes are defined).
KNOWN: dict[str, list[type[Button]]] = {}
