"""Hypothesis strategies over the shipped content: routines, and what was decided for the
exercises that hurt lately."""

from __future__ import annotations

from hypothesis import strategies as st

from content import Content


def routine_ids(content: Content) -> st.SearchStrategy[str]:
    """A routine of the content."""
    return st.sampled_from(sorted(content.routines))


def decided_hurts(content: Content) -> st.SearchStrategy[dict[str, str]]:
    """Exercises that hurt lately -> the change decided then ("easier" or "leave_out")."""
    return st.dictionaries(
        st.sampled_from(sorted(content.exercises)), st.sampled_from(["easier", "leave_out"])
    )
