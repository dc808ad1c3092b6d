"""The plain fast path of the busiest files (:func:`ingest.rows.read_row`) gives exactly what
the row models give: the same values for a clean row, the same messages for any other."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.rows import FriendshipRow, InteractionRow, PersonRow, parse_row, read_row

_IDS = (["P-1", "O-7160", "I-0000001", "x" * 200, "é", "a;b"], ["x" * 201, "y" * 500])
_DATES = (["2026-10-06", "2024-02-29", "0001-01-01", "9999-12-31"],
          ["2026-02-29", "2026-13-01", "20261006", "2026-1-06", "２０２６-10-06", "2026-10-06T00:00", "2026-10-0６"])
_TEXT = (["y", "y" * 2_000, "Ann O'Brien", "a;b"], ["y" * 2_001])
#: Per file and column: values a model accepts, and values it refuses (or changes: "Golf").
EDGES: dict[Any, dict[str, tuple[list[str], list[str]]]] = {
    InteractionRow: {
        "id": _IDS, "date": _DATES, "participants": (["P1;P2", "x" * 100_000], ["x" * 100_001]), "org_id": _IDS,
        "type": (["golf", "Golf", "GOLF_2", "meeting", "x" * 100, "\u212a"],
                 ["2golf", "go lf", "gölf", "x" * 101, "İ", "_x", "a-b", "ß"]),
        "nature": (["personal", "business"], ["Personal", "other"]),
        "notes": (["n", "n" * 100_000], ["n" * 100_001])},
    FriendshipRow: {
        "person_a": _IDS, "person_b": _IDS, "since": _DATES,
        "kind": (["friend", "family", "alumni", "club", "former_colleague", "other"], ["Friend", "enemy"])},
    PersonRow: {
        "id": _IDS, "name": _TEXT, "org_id": _IDS, "title": _TEXT,
        "role": (["rep", "manager", "decision_maker", "influencer", "user", "other"], ["Rep", "boss"]),
        "email": (["a@b", "ann@example.com", "a" * 300 + "@b"],
                  ["a@@b", "a b@c", "a@b\u00a0c", "@b", "a@", "a" * 320 + "@b", "a@b\u2028c"]),
        "source_ids": (["hubspot:42"], ["x"])},
}
CLEAN: dict[Any, dict[str, str]] = {
    InteractionRow: {"id": "I-1", "date": "2026-10-06", "type": "golf", "participants": "P1;P2"},
    FriendshipRow: {"person_a": "P1", "person_b": "P2", "since": "2020-01-01"},
    PersonRow: {"id": "P1", "name": "Ann", "org_id": "O1", "email": "ann@example.com"},
}


def _values(row: Any) -> tuple[Any, ...] | None:
    """A row's values in field order, from the model or the fast path's named tuple."""
    if row is None:
        return None
    fields = getattr(type(row), "model_fields", None)
    return tuple(getattr(row, f) for f in fields) if fields is not None else tuple(row)


def _same(model: Any, row: dict[str, str]) -> None:
    got, got_problems = read_row(model, row)
    want, want_problems = parse_row(model, row)
    assert (got_problems, _values(got)) == (want_problems, _values(want)), (model.__name__, row)


@pytest.mark.parametrize("model", list(EDGES), ids=lambda m: m.__name__)
def test_each_edge_in_each_column_of_a_clean_row(model: Any) -> None:
    for column, (good, bad) in EDGES[model].items():
        for value in good + bad:
            _same(model, {**CLEAN[model], column: value})
        _same(model, {k: v for k, v in CLEAN[model].items() if k != column})  # the cell left empty


@st.composite
def rows(draw: st.DrawFn) -> tuple[Any, dict[str, str]]:
    """A file's row as :mod:`ingest.csvfile` gives it (stripped cells, empty ones left out):
    each cell good three times in four, so that a row is often clean but for one cell."""
    model = draw(st.sampled_from(list(EDGES)))
    out = {}
    for column, (good, bad) in EDGES[model].items():
        value = draw(st.sampled_from(good) if draw(st.integers(0, 3)) else st.sampled_from(bad) | st.text(max_size=5))
        if draw(st.integers(0, 5)) and value and value.strip() == value:
            out[column] = value
    return model, out


@settings(max_examples=1000, deadline=None)
@given(rows())
def test_random_rows_give_what_the_model_gives(case: tuple[Any, dict[str, str]]) -> None:
    _same(*case)


def test_clean_rows_take_the_fast_path() -> None:
    """The tests above would hold with no fast path at all: clean rows do take it."""
    for model, row in CLEAN.items():
        got, problems = read_row(model, row)
        assert problems == [] and not hasattr(type(got), "model_fields"), model
