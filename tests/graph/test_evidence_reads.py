"""The analysis reads of every store agree with the evidence computed by hand from the input.

The embedded store answers from its materialised ``pair_evidence`` table when it can (a
date on or after the newest interaction, the default half-life) and from live queries
otherwise; Neo4j always answers live. Both must give what the definition says.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from graph.model import EVIDENCE_HALF_LIFE_DAYS, Dataset, EventAggregate
from graph.store import SQLiteStore, Store
from ingest import validate_folder

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "demo"

#: After the newest interaction (the table answers), between interactions (live), another half-life (live).
CASES = [(date(2026, 11, 26), EVIDENCE_HALF_LIFE_DAYS), (date(2027, 9, 1), EVIDENCE_HALF_LIFE_DAYS),
         (date(2026, 6, 15), EVIDENCE_HALF_LIFE_DAYS), (date(2026, 11, 26), 45.0)]


def _example() -> Dataset:
    v = validate_folder(EXAMPLES)
    assert v.ok
    return v.dataset


def expected_events(data: Dataset, as_of: date, half_life: float) -> dict[tuple[str, str, str, str], tuple[int, date, float]]:
    """``(person, other, type, nature) -> (times, last, mass)`` straight from the definition."""
    acc: dict[tuple[str, str, str, str], list] = defaultdict(lambda: [0, date.min, 0.0])
    for i in data.interactions:
        if i.date > as_of:
            continue
        w = 2.0 ** (-(as_of - i.date).days / half_life) / math.sqrt(len(i.participants) - 1)
        for p in i.participants:
            for o in i.participants:
                if p != o:
                    row = acc[(p, o, i.type, i.nature)]
                    row[0] += 1
                    row[1] = max(row[1], i.date)
                    row[2] += w
    return {k: (n, last, m) for k, (n, last, m) in acc.items()}


def as_dict(rows: list[EventAggregate]) -> dict[tuple[str, str, str, str], tuple[int, date, float]]:
    out = {(e.person, e.other, e.type, e.nature): (e.times, e.last, e.mass) for e in rows}
    assert len(out) == len(rows), "a (person, other, type, nature) was reported twice"
    return out


def assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key, (n, last, mass) in want.items():
        assert got[key][:2] == (n, last), key
        assert got[key][2] == pytest.approx(mass, rel=1e-9, abs=1e-12), key


@pytest.mark.parametrize("as_of, half_life", CASES)
def test_events_of_follow_the_definition(store: Store, as_of: date, half_life: float) -> None:
    data = _example()
    store.load(data)
    everyone = [p.id for p in data.people]
    assert_same(as_dict(store.events_of(everyone, as_of, half_life)), expected_events(data, as_of, half_life))


@pytest.mark.parametrize("as_of, half_life", CASES[:3])
def test_events_of_limited_to_organisation_kinds(store: Store, as_of: date, half_life: float) -> None:
    data = _example()
    store.load(data)
    kind = {o.id: o.kind for o in data.organisations}
    org = {p.id: p.org_id for p in data.people}
    reps = [p.id for p in data.people if p.role == "rep"]
    want = {k: v for k, v in expected_events(data, as_of, half_life).items()
            if k[0] in reps and kind[org[k[1]]] in ("customer", "prospect")}
    got = as_dict(store.events_of(reps, as_of, half_life, ("customer", "prospect")))
    assert want and len(want) < len(expected_events(data, as_of, half_life))
    assert_same(got, want)


@pytest.mark.parametrize("as_of, half_life", CASES)
def test_pair_events_report_exactly_the_pairs_asked(store: Store, as_of: date, half_life: float) -> None:
    data = _example()
    store.load(data)
    every = expected_events(data, as_of, half_life)
    pairs = sorted({(p, o) for p, o, _, _ in every if p < o})[::3]
    want = {k: v for k, v in every.items() if (k[0], k[1]) in set(pairs)}
    assert_same(as_dict(store.pair_events(pairs, as_of, half_life)), want)
    assert store.pair_events([], as_of, half_life) == []
    # both reads at once (two connections on Neo4j): the same answers as each alone
    friendships, events = store.pair_evidence(pairs, as_of, half_life)
    assert_same(as_dict(events), want)
    assert sorted(friendships) == sorted(store.pair_friendships(pairs, as_of))
    assert store.pair_evidence([], as_of, half_life) == ([], [])


@pytest.mark.parametrize("as_of", [date(2026, 11, 26), date(2026, 6, 15), date(2020, 1, 1)])
def test_neighbours_are_interactions_and_declared_friendships(store: Store, as_of: date) -> None:
    data = _example()
    store.load(data)
    want: set[tuple[str, str]] = set()
    for i in data.interactions:
        if i.date <= as_of:
            want |= {(p, o) for p in i.participants for o in i.participants if p != o}
    for f in data.friendships:
        if f.since is None or f.since <= as_of:
            want |= {(f.person_a, f.person_b), (f.person_b, f.person_a)}
    asked = sorted({p.id for p in data.people})[::2]
    got = store.neighbours(asked, as_of)
    assert len(got) == len(set(got))
    assert set(got) == {(a, b) for a, b in want if a in asked}
    among = sorted({p.id for p in data.people})[::3]
    limited = store.neighbours(asked, as_of, among=among)
    assert set(limited) == {(a, b) for a, b in want if a in asked and b in among} and len(limited) == len(set(limited))
    assert store.neighbours(asked, as_of, among=[]) == []


def test_evidence_follows_a_reload(store: Store) -> None:
    """A reload with other interactions replaces the evidence, it does not add to it."""
    data = _example()
    store.load(data)
    first = data.interactions[0]
    changed = replace(data, interactions=[first._replace(type="tennis", nature="personal")] + data.interactions[1:])
    store.load(changed)
    as_of = date(2026, 11, 26)
    everyone = [p.id for p in data.people]
    assert_same(as_dict(store.events_of(everyone, as_of, EVIDENCE_HALF_LIFE_DAYS)),
                expected_events(changed, as_of, EVIDENCE_HALF_LIFE_DAYS))
    store.load(Dataset())
    assert store.events_of(everyone, as_of, EVIDENCE_HALF_LIFE_DAYS) == []
    assert store.neighbours(everyone, as_of) == []


def test_embedded_store_answers_from_its_table_and_without_it(tmp_path: Path) -> None:
    """The table answers when it can; a store loaded before it existed answers the same, live."""
    data = _example()
    as_of = date(2026, 11, 26)
    everyone = [p.id for p in data.people]
    with SQLiteStore(tmp_path / "s") as s:
        s.load(data)
        assert s._evidence_factor(as_of, EVIDENCE_HALF_LIFE_DAYS) is not None
        assert s._evidence_factor(date(2026, 1, 1), EVIDENCE_HALF_LIFE_DAYS) is None
        assert s._evidence_factor(as_of, 30.0) is None
        fast = as_dict(s.events_of(everyone, as_of, EVIDENCE_HALF_LIFE_DAYS))
        assert s.conn.execute("SELECT count(*) FROM pair_evidence").fetchone()[0] > 0
        s.conn.execute("DELETE FROM meta WHERE key = 'evidence_revision'")  # as a schema-1 store
        assert s._evidence_factor(as_of, EVIDENCE_HALF_LIFE_DAYS) is None
        assert_same(as_dict(s.events_of(everyone, as_of, EVIDENCE_HALF_LIFE_DAYS)), fast)


def test_neo4j_answers_from_met_relationships_and_without_them(neo4j_store_session: Store) -> None:
    """Neo4j keeps the evidence as MET relationships; a store loaded before them answers the same, live."""
    from graph.store.neo4j import Neo4jStore

    store = neo4j_store_session
    assert isinstance(store, Neo4jStore)
    data = _example()
    store.load(data)
    as_of = date(2026, 11, 26)
    everyone = [p.id for p in data.people]
    assert store._factor(as_of, EVIDENCE_HALF_LIFE_DAYS) is not None
    met = store.cypher("MATCH ()-[m:MET]->() RETURN count(m) AS n").rows[0][0]
    assert met == len({(p, o, t, n) for p, o, t, n in expected_events(data, as_of, 180.0) if p < o})
    fast = as_dict(store.events_of(everyone, as_of, EVIDENCE_HALF_LIFE_DAYS))
    store._write("MATCH (m:RelmapMeta {key: 'store'}) REMOVE m.evidence_revision")
    try:
        assert store._factor(as_of, EVIDENCE_HALF_LIFE_DAYS) is None
        assert_same(as_dict(store.events_of(everyone, as_of, EVIDENCE_HALF_LIFE_DAYS)), fast)
    finally:
        store.load(Dataset())


def test_neo4j_answers_from_tie_relationships_and_without_them(neo4j_store_session: Store) -> None:
    """Neo4j keeps one TIE relationship per tie, with its evidence, for the path reads; a store
    loaded without them answers the same from MET and KNOWS, and ``rebuild_derived`` builds them."""
    from graph.store import cypher
    from graph.store import neo4j as neo4j_store
    from graph.store.neo4j import Neo4jStore

    store = neo4j_store_session
    assert isinstance(store, Neo4jStore)
    data = _example()
    store.load(data)
    as_of, half_life = date(2026, 11, 26), EVIDENCE_HALF_LIFE_DAYS
    everyone = sorted(p.id for p in data.people)
    pairs = sorted({(a, b) for a, b in store.neighbours(everyone, as_of) if a < b})
    pairs_and_strangers = pairs + [(everyone[0], everyone[1]), (everyone[2], everyone[5])]

    def reads() -> tuple:
        return (sorted(store.neighbours(everyone, as_of)), sorted(store.neighbours(everyone[:9], as_of, among=everyone[5:])),
                store.pair_friendships(pairs_and_strangers, as_of), as_dict(store.pair_events(pairs, as_of, half_life)),
                store.pair_evidence(pairs_and_strangers, as_of, half_life))

    try:
        assert store._tie_factor(as_of, half_life) is not None
        assert store._tie_factor(date(2015, 6, 1), half_life) is None, "before the newest friendship: live"
        ties = store.cypher("MATCH ()-[t:TIE]->() RETURN count(t) AS n").rows[0][0]
        assert ties == len(pairs) > 0
        fast = reads()
        # inside a consistent read the ties met by a neighbours read are read back by element id
        used: list[object] = []
        real = store._read
        store._read = lambda query, **params: (used.append(query), real(query, **params))[1]  # type: ignore[method-assign]
        try:
            with store.pinned():
                store.neighbours(everyone, as_of)
                by_id = store.pair_evidence(pairs_and_strangers, as_of, half_life)
                used_before = len(used)
                met_degrees = store.degrees({b for _, b in fast[0]})  # met by the neighbours read: no read
                assert len(used) == used_before
        finally:
            del store._read
        assert met_degrees == store.degrees({b for _, b in fast[0]})
        assert cypher.TIES_BY_ID in used and by_id[0] == fast[4][0]
        assert_same(as_dict(by_id[1]), as_dict(fast[4][1]))
        # the last ring's two ways: others looked up first, or checked on every tie walked
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(neo4j_store, "INTO_RATIO", 0)
            assert sorted(store.neighbours(everyone[:9], as_of, among=everyone[5:])) == fast[1]
        assert store.degrees(everyone) == {p: sum(1 for a, _ in fast[0] if a == p) for p in everyone if any(a == p for a, _ in fast[0])}
        store._write("MATCH (m:RelmapMeta {key: 'store'}) REMOVE m.tie_revision")
        store._write("MATCH ()-[t:TIE]->() WITH t LIMIT 5 DELETE t")  # as a build cut short
        assert store._tie_factor(as_of, half_life) is None
        slow = reads()
        assert slow[:3] == fast[:3] and slow[4][0] == fast[4][0]
        assert_same(fast[3], slow[3])
        assert_same(as_dict(fast[4][1]), as_dict(slow[4][1]))
        store.rebuild_derived()
        assert store._tie_factor(as_of, half_life) is not None
        assert store.cypher("MATCH ()-[t:TIE]->() RETURN count(t) AS n").rows[0][0] == ties
        again = reads()
        assert again[:3] == fast[:3] and again[4][0] == fast[4][0]
        assert_same(again[3], fast[3])
    finally:
        store.load(Dataset())


@pytest.mark.parametrize("as_of, half_life", CASES)
def test_tie_strengths_equal_the_ties_built_with_evidence(store: Store, as_of: date, half_life: float) -> None:
    """The one-row-per-tie read (weighted in the store) gives the numbers the full ties give."""
    from dataclasses import replace as dc_replace

    from graph.analysis.config import Config
    from graph.analysis.neighbourhood import tie_strengths, ties_of

    data = _example()
    store.load(data)
    cfg = dc_replace(Config(), half_life_days=half_life)
    reps = [p.id for p in data.people if p.role == "rep"]
    for kinds in (None, ("customer", "prospect", "partner")):
        full = ties_of(store, reps, as_of, cfg, other_kinds=kinds)
        light = tie_strengths(store, reps, as_of, cfg, other_kinds=kinds)
        assert full and light.keys() == full.keys()
        for pair, t in full.items():
            got = light[pair]
            assert (got.a, got.b) == pair
            assert got.strength == pytest.approx(t.strength, rel=1e-9, abs=1e-12)
            assert got.personal == pytest.approx(t.personal, rel=1e-9, abs=1e-12)
            assert got.business == pytest.approx(t.business, rel=1e-9, abs=1e-12)


def expected_org_activity(data: Dataset, as_of: date, half_life: float) -> dict[tuple[str, str], tuple[int, date, float]]:
    """``(org_id, nature) -> (count, last, mass)`` of the interactions about each organisation."""
    acc: dict[tuple[str, str], list] = defaultdict(lambda: [0, date.min, 0.0])
    for i in data.interactions:
        if i.org_id is None or i.date > as_of:
            continue
        row = acc[(i.org_id, i.nature)]
        row[0] += 1
        row[1] = max(row[1], i.date)
        row[2] += 2.0 ** (-(as_of - i.date).days / half_life)
    return {k: (n, last, m) for k, (n, last, m) in acc.items()}


@pytest.mark.parametrize("as_of, half_life", CASES)
def test_org_activity_follows_the_definition(store: Store, as_of: date, half_life: float) -> None:
    data = _example()
    store.load(data)
    got = {(o, n): (c, last, m) for o, n, c, last, m in store.org_activity(as_of, half_life)}
    assert_same(got, expected_org_activity(data, as_of, half_life))


def test_embedded_org_activity_from_its_table_and_without_it(tmp_path: Path) -> None:
    data = _example()
    as_of = date(2027, 2, 1)
    with SQLiteStore(tmp_path / "s") as s:
        s.load(data)
        assert s._evidence_factor(as_of, EVIDENCE_HALF_LIFE_DAYS, table="org") is not None
        kept = {(o, n): (c, last, m) for o, n, c, last, m in s.org_activity(as_of, EVIDENCE_HALF_LIFE_DAYS)}
        s.conn.execute("DELETE FROM meta WHERE key = 'org_revision'")  # as a store loaded before the table
        assert s._evidence_factor(as_of, EVIDENCE_HALF_LIFE_DAYS, table="org") is None
        assert_same({(o, n): (c, last, m) for o, n, c, last, m in s.org_activity(as_of, EVIDENCE_HALF_LIFE_DAYS)},
                    kept)
        assert_same(kept, expected_org_activity(data, as_of, EVIDENCE_HALF_LIFE_DAYS))


def test_degrees_count_at_least_each_persons_ties(store: Store) -> None:
    """A search weighs ``degrees`` before expanding someone: at least their ties, hubs highest."""
    data = _example()
    store.load(data)
    everyone = [p.id for p in data.people]
    ties: dict[str, set[str]] = defaultdict(set)
    for a, b in store.neighbours(everyone, date(2027, 1, 1)):
        ties[a].add(b)
    degrees = store.degrees(everyone + ["nobody"])
    assert "nobody" not in degrees
    assert ties and all(degrees.get(p, 0) >= len(others) for p, others in ties.items())
    busiest = max(ties, key=lambda p: len(ties[p]))
    assert degrees[busiest] > min(degrees.values())


@pytest.mark.parametrize("as_of", [date(2026, 11, 26), date(2015, 6, 1)])
def test_pair_friendships_follow_the_definition(store: Store, as_of: date) -> None:
    """The declared friendship and the common friends of exactly the pairs asked, by the date."""
    data = _example()
    store.load(data)
    counted = [f for f in data.friendships if f.since is None or f.since <= as_of]
    friends: dict[str, set[str]] = defaultdict(set)
    for f in counted:
        friends[f.person_a].add(f.person_b)
        friends[f.person_b].add(f.person_a)
    declared = {(f.person_a, f.person_b): f for f in counted}
    ids = sorted(p.id for p in data.people)
    pairs = {(a, b) for i, a in enumerate(ids) for b in ids[i + 1:] if friends[a] & friends[b] or (a, b) in declared}
    pairs |= {(ids[0], ids[1]), (ids[2], ids[5])}  # maybe nothing at all between them
    got = {(a, b): (kind, since, n) for a, b, kind, since, n in store.pair_friendships(pairs, as_of)}
    assert got.keys() == pairs
    for a, b in pairs:
        f = declared.get((a, b))
        assert got[(a, b)] == ((f.kind, f.since) if f else (None, None)) + (len(friends[a] & friends[b]),), (a, b)
    if as_of.year > 2020:
        assert any(n >= 2 for _, _, n in got.values()), "the example should have pairs with common friends"
    else:
        assert len(counted) < len(data.friendships), "an early date should leave friendships out"
    assert store.pair_friendships([], as_of) == []


def test_neo4j_reads_its_metadata_once_per_consistent_read(neo4j_store_session: Store) -> None:
    """Inside :func:`consistent` the evidence metadata is read once, with the first state check,
    not before every read; the answers are the same."""
    from graph.analysis.config import Config
    from graph.analysis.rapport import rapport_paths
    from graph.store import cypher
    from graph.store.consistency import consistent

    store = neo4j_store_session
    store.load(_example())
    reads: list[str] = []
    real = store._read  # type: ignore[attr-defined]

    def spy(query: str, **params: object) -> object:
        reads.append(query)
        return real(query, **params)

    store._read = spy  # type: ignore[attr-defined]
    try:
        def paths() -> list:
            return rapport_paths(store, "P-010", date(2026, 11, 26), Config(), sources=["P-003"], k=3)
        loose = paths()
        meta_loose = reads.count(cypher.META_EVIDENCE)
        reads.clear()
        pinned = consistent(store, paths)
        # once, and along with the first state check
        assert reads.count(cypher.STATE_AND_EVIDENCE) == 1 and cypher.META_EVIDENCE not in reads and meta_loose > 1
        assert reads.count(cypher.STATE) == 1, "the closing state check is a read of its own"
        assert [(p.people, p.strength) for p in pinned] == [(p.people, p.strength) for p in loose]
        reads.clear()
        paths()
        assert reads.count(cypher.META_EVIDENCE) == meta_loose, "the pin ends with the block"
    finally:
        del store._read  # type: ignore[attr-defined]
        store.load(Dataset())


def test_neo4j_reads_split_over_two_connections_give_the_same_rows(neo4j_store_session: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Long reads go out as two halves at once (neighbours, the risk sums): the same rows as one read."""
    from graph.analysis.config import Config
    from graph.analysis.accounts import ACCOUNT_KINDS
    from graph.store import neo4j as neo4j_store

    store = neo4j_store_session
    data = _example()
    store.load(data)
    ids = sorted(p.id for p in data.people)
    as_of, cfg = date(2026, 11, 26), Config()

    def reads() -> tuple[list[tuple[str, str]], list[tuple[str, str]], object]:
        return (sorted(store.neighbours(ids, as_of)), sorted(store.neighbours(ids[:9], as_of, among=ids[5:])),
                store.account_shares(as_of, cfg.formula(), cfg.role_weights, cfg.strong_tie, ACCOUNT_KINDS))

    whole = reads()
    monkeypatch.setattr(neo4j_store, "SPLIT_MIN", 2)
    split = reads()
    assert whole[0] and whole[1] and whole[2] is not None and whole[2][0]
    assert split[0] == whole[0] and split[1] == whole[1]
    assert sorted(split[2][0]) == sorted(whole[2][0]) and split[2][1] == whole[2][1]  # type: ignore[index]
