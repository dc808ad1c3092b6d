"""The derived data (:mod:`graph.derived`): its stamp, when it answers, and the builders.

The builder test changes input rows behind a store's back (the one place a test reaches past
the store's interface: incremental refresh will change rows the same way), rebuilds what the
change touches with ``rebuild(people=...)``, and compares every derived table with a full
``rebuild()``. Each backend plugs in how to change its rows and read its derived data
(:data:`BEHIND`).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import pytest

from graph.analysis.config import Config
from graph.derived import routes_key, HALF_LIFE, NOTHING, Stamp, fade, touched, usable
from graph.formula import DEFAULT_WEIGHTS, weights_key
from graph.model import Dataset
from graph.store import Store
from tests.graph import brute_force as bf

NEWEST = date(2026, 11, 20)
STAMP = Stamp("r1", "r1", date(2026, 11, 20), date(2026, 11, 20), date(2024, 8, 30), 180.0, "w")


#: The stories here are small: a change touches more than graph.derived.PART_LIMIT of everyone,
#: where a store builds everything; rebuild only what is touched, to test that.
pytestmark = pytest.mark.usefixtures("rebuild_in_part")



# -- the stamp and usable() --------------------------------------------------------------------
def test_usable_says_when_the_derived_data_answers() -> None:
    assert usable(None, NEWEST, 180.0) == NOTHING
    assert usable(replace(STAMP, built=""), NEWEST, 180.0) == NOTHING, "being rebuilt"
    assert usable(replace(STAMP, built="r0"), NEWEST, 180.0) == NOTHING, "built for another load"
    assert usable(replace(STAMP, revision=None), NEWEST, 180.0) == NOTHING
    assert usable(STAMP, date(2026, 11, 19), 180.0) == NOTHING, "before the newest interaction"
    assert usable(replace(STAMP, friend_ref=date(2027, 1, 1)), date(2026, 12, 1), 180.0) == NOTHING
    assert usable(replace(STAMP, ref=date(2026, 12, 1)), date(2026, 11, 25), 180.0) == NOTHING, "before ref"
    assert usable(STAMP, NEWEST, 180.0) == (True, 1.0, "w")
    assert usable(STAMP, date(2027, 5, 19), 180.0).factor == 0.5
    assert usable(STAMP, date(2027, 5, 19), 90.0) == (True, None, "w"), "another half-life: the ties only"
    assert usable(STAMP, date(2027, 5, 19), None) == (True, None, "w")
    empty = Stamp("r1", "r1", None, None, None)
    assert usable(empty, date(1990, 1, 1), 180.0) == (True, 1.0, "")
    assert fade(None, 180.0, NEWEST) == 1.0 and fade(NEWEST, 180.0, NEWEST) == 1.0


def test_the_stamp_reads_back_from_its_text() -> None:
    for stamp in (STAMP, Stamp("r", None, None, None, None), replace(STAMP, half_life=45.5, weights="[]")):
        text = stamp.to_text()
        assert set(text) == {"revision", "built", "ref", "newest", "friend_ref", "half_life", "weights", "routes"}
        assert all(isinstance(v, str) for v in text.values())
        assert Stamp.from_text(text) == stamp
    assert Stamp.from_text({}) == Stamp(None, None, None, None, None, HALF_LIFE, "")


def test_touched_is_the_people_and_everyone_tied_to_them() -> None:
    assert touched({"a"}, [("a", "b"), ("c", "a"), ("c", "d")]) == {"a", "b", "c"}
    assert touched(set(), [("a", "b")]) == set()


def test_a_load_stamps_its_derived_data(store: Store) -> None:
    with store.reader() as r:
        # never loaded, or loaded with nothing: no dates to keep masses as of
        assert r.stamp is None or (r.stamp.ref, r.stamp.newest, r.stamp.friend_ref) == (None, None, None)
    data = bf.example()
    store.load(data)
    revision = store.state().revision
    with store.reader() as r:
        assert r.stamp == Stamp(revision, revision, NEWEST, NEWEST, max(f.since for f in data.friendships if f.since),
                                HALF_LIFE, weights_key(DEFAULT_WEIGHTS), routes_key(Config().formula()))
        assert r.neighbours([data.people[0].id], NEWEST, among=(), routes=Config().formula()).routes is not None
    custom = replace(Config(), default_personal=0.95)
    store.load(data, weights=custom.weights())
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.weights == weights_key(custom.weights()) != weights_key(DEFAULT_WEIGHTS)
        # the routes answer searches with the settings they were built with, and only those
        assert r.stamp.routes == routes_key(custom.formula()) != routes_key(Config().formula())
        assert r.neighbours([data.people[0].id], NEWEST, among=(), routes=custom.formula()).routes is not None
        assert r.neighbours([data.people[0].id], NEWEST, among=(), routes=Config().formula()).routes is None
        assert r.neighbours([data.people[0].id], NEWEST, among=(), routes=replace(custom, personal_saturation=2.0).formula()).routes is None
    revision = store.state().revision
    store.rebuild(weights=DEFAULT_WEIGHTS)
    store.rebuild(people=[data.people[0].id])
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.weights == weights_key(DEFAULT_WEIGHTS)
        assert r.stamp.built == r.stamp.revision == revision == store.state().revision


# -- the builder: what touches some people, and everyone --------------------------------------------------
class Behind(Protocol):
    """How a test changes a backend's input rows behind its back and reads its derived data."""

    def change(self, store: Store, data: Dataset) -> set[str]:
        """Change input rows of ``store`` (loaded with ``data``); return the people whose rows changed."""

    def redate(self, store: Store, interaction: str, day: str) -> None:
        """Move an interaction to another day (ISO text)."""

    def derived(self, store: Store) -> dict[str, list[tuple[Any, ...]]]:
        """Every derived row (and the stamp), each table sorted."""


def _change(data: Dataset) -> dict[str, Any]:
    """The one change both backends make: who is involved, and what."""
    team = [p.id for p in bf.team(data)]
    outsiders = [p.id for p in data.people if p.id not in set(team)]
    f = data.friendships[3]
    a, b = sorted((team[2], outsiders[11]))
    return {"who": [team[1], outsiders[0], outsiders[20]], "dropped": data.interactions[5], "lost": f,
            "pair": (a, b), "moved": outsiders[7], "own": next(o.id for o in data.organisations if o.kind == "own")}


def _touched(c: dict[str, Any]) -> set[str]:
    return (set(c["who"]) | set(c["dropped"].participants) | {c["lost"].person_a, c["lost"].person_b, *c["pair"],
                                                              c["moved"]})


class SQLiteBehind:
    """A second connection to the file writes the rows and reads the tables."""

    TABLES = ("pair_evidence", "ties", "person_ties", "org_activity", "team_ties", "team_reach", "route_reps", "team_routes",
              "meta")

    def _conn(self, store: Store) -> sqlite3.Connection:
        return sqlite3.connect(Path(store.location) / "relmap.sqlite3", isolation_level=None)

    def change(self, store: Store, data: Dataset) -> set[str]:
        c = _change(data)
        dropped, f, (a, b) = c["dropped"], c["lost"], c["pair"]
        conn = self._conn(store)
        try:
            conn.execute("BEGIN")
            # a new dinner before the newest interaction, of a rep, a contact and a stranger to both
            conn.execute("INSERT INTO interactions VALUES ('NEW-1', '2026-10-01', 'dinner', 'personal', NULL, NULL, 0)")
            conn.executemany("INSERT INTO participants VALUES ('NEW-1', ?, ?)",
                             [(p, n) for n, p in enumerate(c["who"])])
            # an interaction is gone; a friendship is gone, another is new
            conn.execute("DELETE FROM participants WHERE interaction_id = ?", (dropped.id,))
            conn.execute("DELETE FROM interactions WHERE id = ?", (dropped.id,))
            conn.execute("DELETE FROM friendships WHERE person_a = ? AND person_b = ?", (f.person_a, f.person_b))
            conn.execute("INSERT OR REPLACE INTO friendships VALUES (?, ?, 'family', '2020-01-01', 0)", (a, b))
            # someone moves to our team as a rep
            conn.execute("UPDATE people SET org_id = ?, role = 'rep' WHERE id = ?", (c["own"], c["moved"]))
            conn.execute("COMMIT")
        finally:
            conn.close()
        return _touched(c)

    def redate(self, store: Store, interaction: str, day: str) -> None:
        conn = self._conn(store)
        try:
            conn.execute("UPDATE interactions SET date = ? WHERE id = ?", (day, interaction))
        finally:
            conn.close()

    def derived(self, store: Store) -> dict[str, list[tuple[Any, ...]]]:
        conn = self._conn(store)
        try:
            return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in self.TABLES}
        finally:
            conn.close()


class Neo4jBehind:
    """A driver of the test's own writes the rows; the derived data is read in Cypher."""

    DERIVED = {
        "met": "MATCH (a)-[m:MET]->(b) RETURN a.id, b.id, m.type, m.nature, m.n, m.last, m.mass",
        "tie": "MATCH (a)-[t:TIE]->(b) RETURN a.id, b.id, t.kind, t.since, t.shared, t.types, t.natures, t.ns, "
               "t.lasts, t.masses, t.p, t.q",
        "person_ties": "MATCH (p:Person) RETURN p.id, p.ties",
        "team_ties": "MATCH (m)-[t:TEAM_TIE]->(x) RETURN m.id, x.id, t.org_id, t.org_kind, t.role, t.p, t.q, t.kind, "
                     "t.shared",
        "orgs": "MATCH (o:Organisation) RETURN o.id, o.team_reach, o.personal_n, o.personal_last, o.personal_mass, "
                "o.business_n, o.business_last, o.business_mass",
        "routes": "MATCH (p:Person) RETURN p.id, p.route_via, p.route_v, p.route_reps, p.route_rep_s",
        "stamp": "MATCH (m:RelmapMeta) RETURN m.revision, m.built, m.ref, m.newest, m.friend_ref, m.half_life, "
                 "m.weights, m.routes",
    }

    def __init__(self, server: Any) -> None:
        self.server = server

    def _write(self, query: str, **params: Any) -> None:
        import neo4j

        with neo4j.GraphDatabase.driver(self.server.uri, auth=(self.server.user, self.server.password)) as d:
            d.execute_query(query, params, database_="neo4j")

    def change(self, store: Store, data: Dataset) -> set[str]:
        c = _change(data)
        dropped, f, (a, b) = c["dropped"], c["lost"], c["pair"]
        self._write("CREATE (i:Interaction {id: 'NEW-1', date: date('2026-10-01'), type: 'dinner', "
                    "nature: 'personal'}) WITH i UNWIND range(0, size($who) - 1) AS n "
                    "MATCH (p:Person {id: $who[n]}) CREATE (p)-[:ATTENDED {position: n}]->(i)", who=c["who"])
        self._write("MATCH (i:Interaction {id: $id}) DETACH DELETE i", id=dropped.id)
        self._write("MATCH (:Person {id: $a})-[k:KNOWS]->(:Person {id: $b}) DELETE k", a=f.person_a, b=f.person_b)
        self._write("MATCH (x:Person {id: $a}), (y:Person {id: $b}) MERGE (x)-[k:KNOWS]->(y) "
                    "SET k.kind = 'family', k.since = date('2020-01-01')", a=a, b=b)
        self._write("MATCH (p:Person {id: $p})-[w:WORKS_AT]->() DELETE w SET p.role = 'rep' "
                    "WITH p MATCH (o:Organisation {id: $o}) MERGE (p)-[:WORKS_AT]->(o)", p=c["moved"], o=c["own"])
        return _touched(c)

    def redate(self, store: Store, interaction: str, day: str) -> None:
        self._write("MATCH (i:Interaction {id: $id}) SET i.date = date($day)", id=interaction, day=day)

    def derived(self, store: Store) -> dict[str, list[tuple[Any, ...]]]:
        return {k: sorted(tuple(row) for row in store.cypher(q).rows) for k, q in self.DERIVED.items()}


BEHIND: dict[str, Callable[[pytest.FixtureRequest], Behind]] = {
    "sqlite": lambda request: SQLiteBehind(),
    "neo4j": lambda request: Neo4jBehind(request.getfixturevalue("neo4j_server")),
}


def _same_value(x: Any, y: Any) -> bool:
    """Equal, floats to 12 significant digits (a sum taken in another order differs in its last
    bits), inside lists too (a ``TIE``'s masses)."""
    if isinstance(x, float) or isinstance(y, float):
        return isinstance(x, (int, float)) and isinstance(y, (int, float)) and math.isclose(
            x, y, rel_tol=1e-12, abs_tol=1e-13)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(_same_value(a, b) for a, b in zip(x, y))
    return bool(x == y)


def _same_rows(got: list[tuple[Any, ...]], want: list[tuple[Any, ...]]) -> bool:
    return len(got) == len(want) and all(_same_value(g, w) for g, w in zip(got, want))


def test_rebuilding_what_some_people_touch_equals_a_full_rebuild(store: Store, backend: str,
                                                                 request: pytest.FixtureRequest) -> None:
    behind = BEHIND[backend](request)
    data = bf.example()
    store.load(data)
    before = behind.derived(store)
    changed = behind.change(store, data)
    store.rebuild(people=changed)
    partial = behind.derived(store)
    store.rebuild()
    full = behind.derived(store)
    assert partial.keys() == full.keys()
    for table in full:
        assert _same_rows(partial[table], full[table]), (table, next(
            ((g, w) for g, w in zip(partial[table], full[table]) if not _same_value(g, w)), None))
    assert any(not _same_rows(before[t], full[t]) for t in full if t in ("pair_evidence", "ties", "team_ties",
                                                                         "team_reach", "person_ties", "met", "tie",
                                                                         "orgs", "team_routes", "routes")), \
        "the change should show"
    assert all(full[t] for t in full)
    # and the answers are those of the changed rows
    with store.reader() as r:
        everyone = sorted(p.id for p in r.people(kinds=("own", "customer", "prospect", "partner", "other")))
        got = r.ties(people=everyone, as_of=NEWEST, formula=Config().formula(), detail=True)
    bf.assert_same_ties(got, bf.ties(store.dump(), NEWEST, Config().formula()), detail=True)


def test_rebuilding_with_a_newer_interaction_keeps_the_masses_exact(store: Store, backend: str,
                                                                     request: pytest.FixtureRequest) -> None:
    """A change that brings a newer interaction: the kept masses stay as of the old reference
    date (one factor still fades them all) and reads equal those of a full rebuild."""
    behind = BEHIND[backend](request)
    data = bf.example()
    store.load(data)
    changed = behind.change(store, data)
    behind.redate(store, "NEW-1", "2026-12-24")
    store.rebuild(people=changed)
    cfg = Config()
    later = date(2027, 2, 1)
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.newest == date(2026, 12, 24) and r.stamp.ref == NEWEST
        everyone = sorted(p.id for p in r.people(kinds=("own", "customer", "prospect", "partner", "other")))
        partial = (r.ties(people=everyone, as_of=later, formula=cfg.formula(), detail=True),
                   r.team_sums(later, cfg.formula(), cfg.role_weights, cfg.strong_tie, ("customer", "prospect")))
    bf.assert_same_ties(partial[0], bf.ties(store.dump(), later, cfg.formula()), detail=True)
    store.rebuild()
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.ref == date(2026, 12, 24)
        full = (r.ties(people=everyone, as_of=later, formula=cfg.formula(), detail=True),
                r.team_sums(later, cfg.formula(), cfg.role_weights, cfg.strong_tie, ("customer", "prospect")))
    bf.assert_same_rows(partial[0], full[0])
    assert partial[1].reach == full[1].reach and len(partial[1].shares) == len(full[1].shares)
    for (o, rep, w, n), (o2, rep2, w2, n2) in zip(sorted(partial[1].shares), sorted(full[1].shares)):
        assert (o, rep, n) == (o2, rep2, n2) and math.isclose(w, w2, rel_tol=1e-12)
