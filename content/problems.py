"""Reading content files and turning every mistake into a Problem(file, field, reason)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)
# Pydantic error types whose message is clearer with the value the author wrote.
SHOW_INPUT_UNLESS = {"missing", "extra_forbidden", "content", "dict_type", "model_type"}
UNREADABLE = object()  # what read() returns for a file it has already reported


@dataclass(frozen=True)
class Problem:
    """One mistake in the content: which file, which field (dotted; may be empty), and why."""

    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.file}: {self.field}: {self.reason}"
        return f"{self.file}: {self.reason}"


class ContentError(Exception):
    """Broken content: `.problems` lists every mistake found, across all files."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"content has {len(problems)} problem(s):\n{lines}")


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML silently keeps the last of two equal keys; an author's copy-paste slip is an error."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                if key in first_line:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"duplicate key {key!r} (first on line {first_line[key] + 1})",
                        key_node.start_mark,
                    )
                first_line[key] = key_node.start_mark.line
            except TypeError:  # an unhashable key; SafeLoader reports it below
                break
        return super().construct_mapping(node, deep)


def _location(parts: tuple[int | str, ...]) -> str:
    # List positions count from 1, as authors number steps and items.
    return ".".join(str(part + 1) if isinstance(part, int) else str(part) for part in parts)


def _reason(error: Any) -> str:
    kind, message = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return "unknown field (misspelt?)"
    if kind == "missing":
        return "required field is missing"
    if kind == "dict_type":
        return "should be a mapping by language code (like {en: ..., ru: ...})"
    if kind == "model_type":
        return "should be a mapping of fields"
    if kind == "too_short" and (error.get("ctx") or {}).get("min_length") == 1:
        return "must have at least one item"
    message = message.removeprefix("Value error, ")
    if message.startswith("Input should"):
        message = "should" + message.removeprefix("Input should")
    value = error.get("input")
    if kind not in SHOW_INPUT_UNLESS and isinstance(value, str | int | float | bool | None):
        shown = repr(value)
        message += f" (got {shown[:40]}{'...' if len(shown) > 40 else ''})"
    return message


@dataclass
class Collector:
    """Gathers every problem while the loader reads on, so an author sees them all at once."""

    root: Path
    problems: list[Problem] = field(default_factory=list)

    def name(self, path: Path) -> str:
        """A path as authors see it: content/exercises/bird_dog.yaml."""
        try:
            return (Path("content") / path.relative_to(self.root)).as_posix()
        except ValueError:
            return str(path)

    def add(self, path: Path, where: str, reason: str) -> None:
        self.problems.append(Problem(self.name(path), where, reason))

    def read(self, path: Path) -> Any:
        """The YAML data of a file, or UNREADABLE after recording why it could not be read."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.add(path, "", "file is missing")
            return UNREADABLE
        except (OSError, UnicodeDecodeError) as error:
            self.add(path, "", f"cannot be read ({error})")
            return UNREADABLE
        try:
            return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = f"line {mark.line + 1}: " if mark is not None else ""
            self.add(path, "", f"{line}invalid YAML: {error.problem or error.context}")
        except yaml.YAMLError as error:
            self.add(path, "", f"invalid YAML: {error}")
        return UNREADABLE

    def model(
        self, path: Path, model: type[ModelT], data: Any, languages: set[str]
    ) -> ModelT | None:
        """Validate a file's data; None after recording each mistake with its field."""
        if data is UNREADABLE:
            return None
        if not isinstance(data, dict):
            self.add(path, "", "must be a mapping of fields (field: value, one per line)")
            return None
        try:
            return model.model_validate(data, context={"languages": languages})
        except ValidationError as error:
            for item in error.errors():
                parts = item["loc"]
                below = (item.get("ctx") or {}).get("at") if item["type"] == "content" else None
                if below:
                    parts = (*parts, below)
                self.add(path, _location(parts), _reason(item))
        return None
