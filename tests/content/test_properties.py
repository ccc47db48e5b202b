"""Property tests: dose ranges, locale key sets, nested keys, and Telegram HTML nesting."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from content import Problem
from content.problems import Collector
from content.schema import Dose
from content.texts import ALLOWED_TAGS, compare_keys, flatten, html_problem

FILE = Path("/content/exercises/x.yaml")
counts = st.integers(min_value=-3, max_value=1003)


@given(start=counts, top=counts)
def test_a_dose_range_is_valid_exactly_when_1_le_start_le_max(start: int, top: int) -> None:
    collector = Collector(Path("/content"))
    dose = collector.model(FILE, Dose, {"reps": {"start": start, "max": top}}, set())
    in_bounds = 1 <= start <= 1000 and 1 <= top <= 1000
    assert (dose is not None) == (in_bounds and start <= top)
    if in_bounds and start > top:
        assert collector.problems == [
            Problem("content/exercises/x.yaml", "reps.start", f"must be <= max ({start} > {top})")
        ]
    if dose is not None:
        assert dose.unit == "reps" and (dose.amount.start, dose.amount.max) == (start, top)


keys = st.text(alphabet="abcz._", min_size=1, max_size=6)


@given(reference=st.sets(keys, max_size=8), other=st.sets(keys, max_size=8))
def test_locale_key_sets_report_exactly_the_missing_and_the_extra(
    reference: set[str], other: set[str]
) -> None:
    found = compare_keys(dict.fromkeys(reference, "x"), dict.fromkeys(other, "x"), "en.yaml")
    missing = {key for key, reason in found if reason.startswith("missing")}
    extra = {key for key, reason in found if reason.startswith("not in en.yaml")}
    assert missing == reference - other and extra == other - reference
    assert len(found) == len(missing) + len(extra)


@given(
    reference=st.sets(st.sampled_from(["name", "count", "total"])),
    other=st.sets(st.sampled_from(["name", "count", "total"])),
)
def test_placeholders_are_compared_as_sets(reference: set[str], other: set[str]) -> None:
    def template(names: set[str]) -> str:
        return "Text " + " ".join("{" + name + "}" for name in sorted(names))

    found = compare_keys({"k": template(reference)}, {"k": template(other)}, "en.yaml")
    assert (found == []) == (reference == other)


nested = st.recursive(
    st.text(min_size=1, max_size=5),
    lambda children: st.dictionaries(st.sampled_from("abcd"), children, min_size=1, max_size=3),
    max_leaves=12,
)


@given(data=st.dictionaries(st.sampled_from("xyz"), nested, min_size=1, max_size=3))
def test_flattening_keeps_every_text_under_a_unique_dotted_key(data: dict[str, object]) -> None:
    flat = list(flatten(data))
    assert len({key for key, _ in flat}) == len(flat)
    for key, value in flat:
        node: object = data
        for part in key.split("."):
            assert isinstance(node, dict)
            node = node[part]
        assert node == value


plain_text = st.text(alphabet="abc xyz.,!?0123456789", max_size=8)
html = st.recursive(
    plain_text,
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(sorted(ALLOWED_TAGS - {"a"})), inner).map(
            lambda pair: f"<{pair[0]}>{pair[1]}</{pair[0]}>"
        ),
        st.tuples(inner, inner).map("".join),
    ),
    max_leaves=8,
)


@given(text=html)
def test_well_nested_telegram_html_passes_and_dropping_a_closing_tag_fails(text: str) -> None:
    assert html_problem(text) is None
    closing = text.rfind("</")
    if closing != -1:
        broken = text[:closing] + text[text.index(">", closing) + 1 :]
        assert html_problem(broken) is not None
