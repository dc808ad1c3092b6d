"""Each formula is defined once (:mod:`graph.formula`): the numbers a store computes equal
Python's, and the store's query text holds the rendered formula, no copy written by hand."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from graph.analysis.config import Config
from graph.formula import DECAY, FRIENDSHIP_BASE, MASS, TIE_STRENGTH, WEIGHT, render
from graph.model import Dataset
from graph.store import Store
from graph.store.sqlite import sql, sql_derived, sql_routes, sql_spill
from tests.graph import brute_force as bf
from tests.helpers import generated_dataset

NEWEST = date(2026, 11, 20)
ACCOUNT_KINDS = ("customer", "prospect", "partner")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return generated_dataset(tmp_path_factory.mktemp("gen"), 600, seed=11)


@pytest.mark.parametrize("as_of, half_life", [(NEWEST, 180.0), (date(2027, 3, 1), 180.0), (date(2026, 2, 1), 180.0),
                                              (NEWEST, 30.0)])
def test_evidence_masses_equal_python(store: Store, as_of: date, half_life: float) -> None:
    """Every evidence mass a store reads (kept, faded, or live) is :data:`~graph.formula.MASS`
    summed over the raw interactions in Python."""
    data = bf.example()
    store.load(data)
    formula = replace(Config(), half_life_days=half_life).formula()
    want = bf.evidence(data, as_of, half_life)
    with store.reader() as r:
        got = r.ties(people=[p.id for p in data.people], as_of=as_of, formula=formula, detail=True)
    masses = {((t.a, t.b), (e.type, e.nature)): e.mass for t in got for e in t.evidence}
    assert masses.keys() == {(pair, k) for pair, per in want.items() for k in per}
    for (pair, k), m in masses.items():
        assert abs(m - want[pair][k].mass) <= 1e-12, (pair, k)
    # one interaction by hand: a dinner of three, 30 days before the day asked
    assert bf.mass(date(2026, 1, 31), date(2026, 1, 1), 30.0, 3) == pytest.approx(0.5 / math.sqrt(2), abs=1e-15)


@pytest.mark.parametrize("cfg", [Config(), replace(Config(), personal_saturation=1.5, business_saturation=9.0,
                                                   business_share=0.5, shared_friend_bonus=0.6,
                                                   shared_friend_saturation=0.7, friendship={"friend": 0.9},
                                                   role_weights={"decision_maker": 4.0, "user": 0.2})])
def test_team_sums_equal_python_strengths(store: Store, generated: Dataset, cfg: Config) -> None:
    """The risk sums a store makes with the rendered :data:`~graph.formula.TIE_STRENGTH` equal
    :meth:`~graph.formula.TieFormula.strength` summed in Python."""
    store.load(generated)
    as_of = date(2027, 2, 1)
    with store.reader() as r:
        shares, reach = r.team_sums(as_of, cfg.formula(), cfg.role_weights, cfg.strong_tie, ACCOUNT_KINDS)
    want, want_reach = bf.team_sums(generated, as_of, cfg.formula(), cfg.role_weights, cfg.strong_tie, ACCOUNT_KINDS)
    assert {(o, rep) for o, rep, _, _ in shares} == set(want) and reach == want_reach
    for o, rep, w, n in shares:
        assert w == pytest.approx(want[(o, rep)][0], rel=1e-12, abs=1e-12) and n == want[(o, rep)][1]
    assert len(shares) > 50 and any(n for _, _, _, n in shares) and not all(n for _, _, _, n in shares)


# -- the store's SQL holds the rendered formulas -------------------------------------------------
#: Where the embedded store computes each formula, and what it binds its inputs to.
RENDERED = [
    (render(MASS, "sql", {"age": sql.age(":ref", "i.date"), "half_life": ":half_life", "size": "sz.n"}),
     [sql_derived.EVIDENCE_ALL]),
    (render(MASS, "sql", {"age": sql.age(":ref", "i.date"), "half_life": ":half_life",
                          "size": "(SELECT count(*) FROM participants c WHERE c.interaction_id = i.id)"}),
     [sql_derived.PART_EVIDENCE]),
    # a refresh adds and takes away the share of each interaction changed, of its size then
    (render(MASS, "sql", {"age": sql.age(":ref", "i.date"), "half_life": ":half_life", "size": "i.size"}),
     [sql_derived.PART_EVIDENCE_DELTA]),
    (render(MASS, "sql", {"age": sql.age(":as_of", "i.date"), "half_life": ":half_life",
                          "size": "(SELECT count(*) FROM participants c WHERE c.interaction_id = i.id)"}),
     [sql.LIVE_EVIDENCE_OF, sql.LIVE_PAIR_EVIDENCE]),
    (render(DECAY, "sql", {"age": sql.age(":ref", "i.date"), "half_life": ":half_life"}),
     [sql_derived.ACTIVITY_ALL, sql_derived.PART_ACTIVITY, sql_derived.PART_ACTIVITY_DELTA]),
    (render(DECAY, "sql", {"age": sql.age(":as_of", "i.date"), "half_life": ":half_life"}), [sql.LIVE_ACTIVITY]),
    # each tie's type-weighted evidence, whole and for some pairs (the team ties copy it)
    (render(WEIGHT, "sql", {"type": "e.type", "nature": "e.nature"}),
     [sql_derived.TIES_FROM_EVIDENCE, sql_derived.PART_TIES]),
    (render(FRIENDSHIP_BASE, "sql", {"kind": "t.kind"}), [sql.TEAM_SHARES]),
    (render(dict(TIE_STRENGTH)["business"], "sql", {"q": "(t.q * :factor)"}), [sql.TEAM_SHARES]),
    (sql.tie_strength_sql({"p": "(t.p * :factor)", "q": "(t.q * :factor)", "kind": "t.kind", "n": "t.shared"}),
     [sql.TEAM_SHARES]),
    (render(sql.ROLE_WEIGHT, "sql", {"role": "s.role"}), [sql.TEAM_SHARES]),
    # the team routes: every tie's strength from its kept type-weighted evidence
    (sql.tie_strength_sql({"p": "t.p", "q": "t.q", "kind": "t.kind", "n": "t.shared"}),
     [sql_routes.ROUTES_ALL, sql_routes.ROUTES_PART, sql_routes.ROUTES_CHANGES]),
]


def _statements() -> Iterator[tuple[str, str]]:
    for module in (sql, sql_derived, sql_routes, sql_spill):
        for name, value in vars(module).items():
            if isinstance(value, str) and name.isupper() and not name.startswith("_"):
                yield f"{module.__name__}.{name}", value


@pytest.mark.parametrize("text, statements", RENDERED)
def test_the_store_sql_holds_the_rendered_formula(text: str, statements: list[str]) -> None:
    for statement in statements:
        assert text in statement


def test_no_formula_is_written_by_hand_in_the_store_sql() -> None:
    """Once every rendered formula is taken out of the embedded store's statements, none of the
    operations a formula needs is left."""
    found = []
    for name, statement in _statements():
        rest = statement
        for text, _ in sorted(RENDERED, key=lambda r: -len(r[0])):
            rest = rest.replace(text, "")
        for token in ("power(", "exp(", "sqrt(", "julianday(", ":weights", ":friendship", ":role_weights"):
            if token in rest:
                found.append((name, token))
    assert found == []
    assert sum(1 for _ in _statements()) > 30
