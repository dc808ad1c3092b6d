"""What every read should answer, computed straight from a dataset's input rows.

The store tests (``test_reader_contract.py``, ``test_formula.py``, ``test_derived.py``) compare
each store's reads with these, and the kept (derived) answers with the live ones.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph.formula import DECAY_STEPS, MASS, TieFormula, compile_steps, type_weight
from graph.model import Dataset, Friendship, Person
from graph.store.base import Activity, Evidence, TieRow
from ingest import validate_folder

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "demo"

_mass = compile_steps((("mass", MASS),), ("age", "half_life", "size"), ())
_decay = compile_steps(DECAY_STEPS, ("age", "half_life"), ())

Pair = tuple[str, str]


def example() -> Dataset:
    v = validate_folder(EXAMPLES)
    assert v.ok
    return v.dataset


def mass(as_of: date, day: date, half_life: float, size: int) -> float:
    """:data:`graph.formula.MASS` of one interaction, in Python."""
    return float(_mass((as_of - day).days, half_life, size)[0])


def evidence(data: Dataset, as_of: date, half_life: float) -> dict[Pair, dict[tuple[str, str], Evidence]]:
    """Per pair ``a < b``, per (type, nature): the interactions on or before ``as_of``."""
    acc: dict[Pair, dict[tuple[str, str], list[Any]]] = defaultdict(lambda: defaultdict(lambda: [0, date.min, 0.0]))
    for i in data.interactions:
        if i.date > as_of:
            continue
        w = mass(as_of, i.date, half_life, len(i.participants))
        for a in i.participants:
            for b in i.participants:
                if a < b:
                    row = acc[(a, b)][(i.type, i.nature)]
                    row[0] += 1
                    row[1] = max(row[1], i.date)
                    row[2] += w
    return {pair: {k: Evidence(k[0], k[1], n, last, m) for k, (n, last, m) in per.items()}
            for pair, per in acc.items()}


def friendships(data: Dataset, as_of: date) -> list[Friendship]:
    return [f for f in data.friendships if f.since is None or f.since <= as_of]


def ties(data: Dataset, as_of: date, formula: TieFormula) -> dict[Pair, TieRow]:
    """Every tie as of ``as_of``, with detail (``since``, evidence sorted by type and nature)."""
    ev = evidence(data, as_of, formula.half_life_days)
    declared = {(f.person_a, f.person_b): f for f in friendships(data, as_of)}
    friends: dict[str, set[str]] = defaultdict(set)
    for a, b in declared:
        friends[a].add(b)
        friends[b].add(a)
    out = {}
    for pair in sorted(set(ev) | set(declared)):
        rows = tuple(sorted(ev.get(pair, {}).values(), key=lambda e: (e.type, e.nature)))
        p = sum(type_weight(formula.weights, e.type, e.nature) * e.mass for e in rows if e.nature == "personal")
        q = sum(type_weight(formula.weights, e.type, e.nature) * e.mass for e in rows if e.nature == "business")
        f = declared.get(pair)
        out[pair] = TieRow(pair[0], pair[1], f.kind if f else None, len(friends[pair[0]] & friends[pair[1]]),
                           p, q, f.since if f else None, rows)
    return out


def org_kind_of(data: Dataset) -> dict[str, str]:
    """Each person's organisation's kind."""
    kinds = {o.id: o.kind for o in data.organisations}
    return {p.id: kinds[p.org_id] for p in data.people}


def ties_of(data: Dataset, people: Collection[str], as_of: date, formula: TieFormula,
            other_kinds: Collection[str] | None = None) -> dict[Pair, TieRow]:
    """The ties touching ``people``, the other end at an organisation of ``other_kinds`` when given."""
    kind = org_kind_of(data)
    wanted = set(people)

    def chosen(x: str, y: str) -> bool:
        return x in wanted and (other_kinds is None or kind[y] in other_kinds)

    return {k: t for k, t in ties(data, as_of, formula).items() if chosen(t.a, t.b) or chosen(t.b, t.a)}


def team(data: Dataset, role: str | None = None) -> list[Person]:
    own = {o.id for o in data.organisations if o.kind == "own"}
    return sorted((p for p in data.people if p.org_id in own and (role is None or p.role == role)), key=lambda p: p.id)


def team_sums(data: Dataset, as_of: date, formula: TieFormula, role_weights: Mapping[str, float],
              strong_tie: float, kinds: Collection[str]) -> tuple[dict[tuple[str, str], tuple[float, int]], dict[str, int]]:
    """The risk sums by definition: per (account, rep), the role-weighted strengths of the rep's
    ties to its people and how many are strong; per account, how many of its people a rep has a tie to."""
    person = {p.id: p for p in data.people}
    reps = {p.id for p in team(data, "rep")}
    kind = org_kind_of(data)
    sums: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0.0, 0])
    reach: dict[str, set[str]] = defaultdict(set)
    for t in ties_of(data, reps, as_of, formula, kinds).values():
        for rep, other in ((t.a, t.b), (t.b, t.a)):
            if rep not in reps or other in reps or kind[other] not in kinds:
                continue
            s = formula.strength(t.p, t.q, t.kind, t.shared)[0]
            contact = person[other]
            row = sums[(contact.org_id, rep)]
            row[0] += role_weights.get(contact.role, 1.0) * s
            row[1] += s >= strong_tie
            reach[contact.org_id].add(other)
    return {k: (w, n) for k, (w, n) in sums.items()}, {o: len(c) for o, c in reach.items()}


def activity(data: Dataset, as_of: date, half_life: float) -> list[Activity]:
    """Per organisation and nature, the interactions about it on or before ``as_of``."""
    acc: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, date.min, 0.0])
    for i in data.interactions:
        if i.org_id is None or i.date > as_of:
            continue
        row = acc[(i.org_id, i.nature)]
        row[0] += 1
        row[1] = max(row[1], i.date)
        row[2] += _decay((as_of - i.date).days, half_life)[0]
    return sorted(Activity(o, n, c, last, m) for (o, n), (c, last, m) in acc.items())


def close(x: float, y: float) -> bool:
    return x == pytest.approx(y, rel=1e-9, abs=1e-12)


def assert_same_ties(got: list[TieRow], want: Mapping[Pair, TieRow], detail: bool) -> None:
    """``got`` (a read, sorted) holds exactly the ties of ``want``, with the same numbers."""
    assert [(t.a, t.b) for t in got] == sorted(want)
    for t in got:
        w = want[(t.a, t.b)]
        assert (t.kind, t.shared) == (w.kind, w.shared), (t, w)
        assert close(t.p, w.p) and close(t.q, w.q), (t, w)
        if detail:
            assert t.since == w.since, (t, w)
            assert [e[:4] for e in t.evidence] == [e[:4] for e in w.evidence], (t, w)
            assert all(close(e.mass, x.mass) for e, x in zip(t.evidence, w.evidence)), (t, w)
        else:
            assert t.since is None and t.evidence == (), t


def near(x: float, y: float) -> bool:
    """Equal within 1e-12 (relative above 1: live masses are rounded to 12 places, each row)."""
    return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)


def assert_same_rows(got: list[TieRow], want: list[TieRow]) -> None:
    """Two reads of the same question: the same ties, numbers within 1e-12."""
    assert [(t.a, t.b, t.kind, t.shared, t.since) for t in got] == [(t.a, t.b, t.kind, t.shared, t.since) for t in want]
    for g, w in zip(got, want):
        # p and q sum many masses, each rounded to 12 places when read live: 1e-11
        assert math.isclose(g.p, w.p, rel_tol=1e-11, abs_tol=1e-11), (g, w)
        assert math.isclose(g.q, w.q, rel_tol=1e-11, abs_tol=1e-11), (g, w)
        assert [e[:4] for e in g.evidence] == [e[:4] for e in w.evidence]
        assert all(near(e.mass, x.mass) for e, x in zip(g.evidence, w.evidence)), (g, w)
