"""What only the Neo4j store does: its schema refusal, its packed and split reads, a reader
that cannot hold a snapshot open (:class:`~graph.errors.StoreChanged`), and its builder of
derived data for some people (``rebuild(people=...)``).

Every test runs against the real server the test session starts. The reads themselves are
checked for both stores by ``tests/graph/test_reader_contract.py``.
"""

from __future__ import annotations

import math
from dataclasses import replace
from collections.abc import Iterator
from datetime import date
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner

from graph.analysis.config import Config
from graph.derived import SCHEMA_VERSION
from graph.errors import StoreChanged, StoreUnavailable
from graph.formula import weights_key
from graph.model import Dataset
from graph.store.consistency import retrying
from graph.store.neo4j import Neo4jStore, bolt, reader
from ingest import validate_folder
from ingest.generate import generate
from relmap.cli import cli

pytestmark = [pytest.mark.neo4j, pytest.mark.usefixtures("rebuild_in_part")]

AS_OF = date(2026, 11, 26)
ACCOUNT_KINDS = ["customer", "prospect"]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = tmp_path_factory.mktemp("gen")
    generate(folder, 300, seed=7, as_of=AS_OF)
    checked = validate_folder(folder)
    assert checked.ok
    return checked.dataset


@pytest.fixture
def store(neo4j_store_session: Neo4jStore, data: Dataset) -> Iterator[Neo4jStore]:
    """The session's store holding :func:`data`."""
    neo4j_store_session.load(data)
    yield neo4j_store_session
    neo4j_store_session.load(Dataset())


@pytest.fixture
def driver(neo4j_server: Any) -> Iterator[neo4j.Driver]:
    """A driver of the test's own, to change the database behind the store's back."""
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)) as d:
        yield d


def write(driver: neo4j.Driver, query: str, **params: Any) -> None:
    driver.execute_query(query, params, database_="neo4j")


def close(x: Any, y: Any) -> bool:
    """Equal, floats to 1e-9 (sums made in another order), in lists and tuples too."""
    if isinstance(x, float) and isinstance(y, (float, int)):
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(close(a, b) for a, b in zip(x, y))
    return bool(x == y)


# -- the schema ---------------------------------------------------------------------------------
def test_a_store_of_another_schema_is_refused_until_loaded_again(store: Neo4jStore, data: Dataset,
                                                                 driver: neo4j.Driver, neo4j_server: Any) -> None:
    # as relmap 0.1.0 left it: schema 4, its own metadata keys, TEAM_TIE with ``b``
    write(driver, "MATCH (m:RelmapMeta {key: 'store'}) SET m.schema_version = 4, m.team_version = 2, "
                  "m.tie_revision = m.revision, m.evidence_revision = m.revision REMOVE m.built, m.ref")
    write(driver, "MATCH ()-[t:TEAM_TIE]->() SET t.b = t.q REMOVE t.q")
    with pytest.raises(StoreUnavailable) as refused:
        with store.reader():
            pass
    message = str(refused.value)
    assert neo4j_server.uri in message and "schema 4" in message and "run the same `relmap ingest` again" in message
    assert "older relmap" in message
    with pytest.raises(StoreUnavailable, match="schema 4"):
        store.rebuild()
    result = CliRunner().invoke(cli, ["paths", "--to", data.people[-1].id, "--store", neo4j_server.uri],
                                env=neo4j_server.env())
    assert result.exit_code == 3 and "run the same `relmap ingest` again" in result.stderr
    for read in (store.counts, store.dump, store.state):
        with pytest.raises(StoreUnavailable, match="schema 4"):
            read()
    # a load replaces it, metadata and all
    store.load(data)
    keys = store.cypher("MATCH (m:RelmapMeta) RETURN keys(m) AS k").rows[0][0]
    assert set(keys) == {"key", "schema_version", "generation", "loaded_at", "revision", "built", "ref", "newest",
                         "friend_ref", "half_life", "weights", "routes"}
    assert store.cypher("MATCH ()-[t:TEAM_TIE]->() WHERE t.b IS NOT NULL RETURN count(t)").rows == [[0]]
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.built == r.stamp.revision == store.state().revision
    assert store.cypher("MATCH (m:RelmapMeta) RETURN m.schema_version").rows == [[SCHEMA_VERSION]]


# -- packed and split reads -------------------------------------------------------------------
def everyone(store: Neo4jStore) -> list[str]:
    with store.reader() as r:
        return [p.id for p in r.people(kinds=["own", "customer", "prospect", "partner", "other"])]


def test_split_reads_give_the_rows_of_single_reads(store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reads split over two connections (forced on small lists here) and read whole give the same."""
    people = everyone(store)
    cfg = Config()
    formula = cfg.formula()
    some = people[::3]

    def reads() -> tuple[Any, ...]:
        with store.reader() as r:
            return (sorted(r.neighbours(some, AS_OF).pairs),
                    sorted(r.neighbours(some, AS_OF, among=people[1::3]).pairs),
                    sorted(r.neighbours(some, date(2026, 1, 1)).pairs),  # live
                    r.ties(people=some, as_of=AS_OF, formula=formula, detail=True),
                    r.team_sums(AS_OF, formula, cfg.role_weights, cfg.strong_tie, ACCOUNT_KINDS))

    monkeypatch.setattr(bolt, "SPLIT_MIN", 10**9)
    whole = reads()
    monkeypatch.setattr(bolt, "SPLIT_MIN", 2)
    split = reads()
    assert whole[0] and whole[1] and whole[2] and whole[3] and whole[4].shares
    assert split[:4] == whole[:4]
    assert split[4].reach == whole[4].reach and close(split[4].shares, whole[4].shares)


def test_packed_reads_give_the_rows_of_plain_queries(store: Neo4jStore, data: Dataset) -> None:
    """A packed read's rows (one list in one record) are what the same match returns row by row."""
    people = everyone(store)
    with store.reader() as r:
        pairs = r.neighbours(people, AS_OF).pairs
        by_id = {p.id: p for p in r.people(ids=people)}
        accounts = r.accounts()
    plain = store.cypher("MATCH (p:Person)-[:TIE]-(o:Person) RETURN p.id, o.id").rows
    assert sorted(pairs) == sorted((a, b) for a, b in plain)
    assert sorted(by_id.values()) == sorted(data.people)
    assert accounts == sorted(data.accounts, key=lambda a: (a.org_id, a.rep_id))


def test_pairs_read_by_element_id_equal_pairs_looked_up(store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The evidence of pairs a neighbours read met (sought by ``TIE`` element id) equals a look-up by
    the two people; and the last ring's two ways (others looked up first, or checked per tie) agree."""
    people = everyone(store)
    formula = Config().formula()
    with store.reader() as r:
        pairs = sorted({(a, b) if a < b else (b, a) for a, b in r.neighbours(people[:40], AS_OF).pairs})
        assert isinstance(r, reader.Neo4jReader) and set(pairs) <= set(r.tie_ids)
        met = r.ties(pairs=pairs + [(people[0], people[-1])], as_of=AS_OF, formula=formula)
    with store.reader() as r:
        looked_up = r.ties(pairs=pairs + [(people[0], people[-1])], as_of=AS_OF, formula=formula)
    assert met == looked_up and len(met) >= len(pairs)
    ring = people[:20]
    with store.reader() as r:
        into = sorted(r.neighbours(ring, AS_OF, among=people[20:]).pairs)
    monkeypatch.setattr(reader, "INTO_RATIO", 0)
    with store.reader() as r:
        assert sorted(r.neighbours(ring, AS_OF, among=people[20:]).pairs) == into and into


def test_neighbours_return_tie_counts_without_a_read_of_their_own(store: Neo4jStore) -> None:
    people = everyone(store)
    with store.reader() as r:
        found = r.neighbours(people[:10], AS_OF, counts=True)
        own = r.neighbours(people[:10], AS_OF, among=(), counts=True)
    expect = {p: n for p, n in store.cypher("MATCH (p:Person) RETURN p.id, COUNT { (p)-[:TIE]-() }").rows}
    assert own.pairs == [] and own.ties == {p: expect[p] for p in people[:10]}
    assert found.ties == {p: expect[p] for p in {b for _, b in found.pairs} | set(people[:10])}


# -- a reader whose store changes ----------------------------------------------------------------
def test_a_load_or_rebuild_inside_a_reader_block_raises_store_changed(store: Neo4jStore, data: Dataset) -> None:
    other = replace(data, deals=data.deals[1:])  # a load of the same rows writes nothing: change one
    with pytest.raises(StoreChanged):
        with store.reader() as r:
            r.accounts()
            store.load(other)
    with pytest.raises(StoreChanged):
        with store.reader() as r:
            store.rebuild()
    with pytest.raises(StoreChanged) as changed:
        with store.reader() as r:
            store.load(data)
            raise KeyError("the block's own error")
    assert isinstance(changed.value.__cause__, KeyError)
    with pytest.raises(KeyError):  # nothing changed: the block's own error stands
        with store.reader() as r:
            raise KeyError("the block's own error")
    attempts: list[int] = []

    @retrying
    def work() -> int:
        with store.reader() as r:
            attempts.append(1)
            if len(attempts) == 1:
                store.load(other)
            return len(r.accounts())

    assert work() == len(data.accounts) and len(attempts) == 2


# -- the builder -------------------------------------------------------------------------------------
#: Every derived value the store keeps, ordered.
DERIVED = {
    "met": "MATCH (a)-[m:MET]->(b) RETURN a.id, b.id, m.type, m.nature, m.n, m.last, m.mass "
           "ORDER BY a.id, b.id, m.type, m.nature",
    "tie": "MATCH (a)-[t:TIE]->(b) RETURN a.id, b.id, t.kind, t.since, t.shared, t.types, t.natures, t.ns, t.lasts, "
           "t.masses, t.p, t.q ORDER BY a.id, b.id",
    "ties": "MATCH (p:Person) RETURN p.id, p.ties ORDER BY p.id",
    "team": "MATCH (m)-[t:TEAM_TIE]->(x) RETURN m.id, x.id, t.org_id, t.org_kind, t.role, t.p, t.q, t.kind, "
            "t.shared ORDER BY m.id, x.id",
    "orgs": "MATCH (o:Organisation) RETURN o.id, o.team_reach, o.personal_n, o.personal_last, o.personal_mass, "
            "o.business_n, o.business_last, o.business_mass ORDER BY o.id",
    "stamp": "MATCH (m:RelmapMeta) RETURN m.revision, m.built, m.ref, m.newest, m.friend_ref, m.half_life, m.weights",
}


def derived(store: Neo4jStore) -> dict[str, list[list[Any]]]:
    return {k: store.cypher(query).rows for k, query in DERIVED.items()}


def marked(store: Neo4jStore) -> tuple[int, int]:
    """How many ``TIE`` relationships carry the test's mark, of how many."""
    left, ties = store.cypher("MATCH ()-[t:TIE]->() RETURN count(t.mark), count(t)").rows[0]
    return left, ties


def test_rebuild_for_people_equals_a_full_build(store: Neo4jStore, data: Dataset, driver: neo4j.Driver) -> None:
    """Input rows changed behind the store's back (through the driver), then rebuilt for the
    people whose rows changed: the derived data equals a full build's, and ties far from the
    change were left as they were."""
    before = derived(store)
    big = next(i for i in data.interactions if len(i.participants) >= 4)
    gone = big.participants[0]
    own = next(o.id for o in data.organisations if o.kind == "own")
    mover = next(p for p in data.people if p.role != "rep" and p.org_id != own)
    retyped = data.interactions[5]
    friendly = [p.id for p in data.people[20:23]]
    write(driver, "MATCH (:Person {id: $p})-[a:ATTENDED]->(:Interaction {id: $i}) DELETE a", p=gone, i=big.id)
    write(driver, "MATCH (p:Person {id: $p}), (i:Interaction {id: $i}) MERGE (p)-[:ATTENDED {position: 9}]->(i)",
          p=friendly[0], i=big.id)
    write(driver, "MATCH (a:Person {id: $a}), (b:Person {id: $b}) MERGE (a)-[:KNOWS {kind: 'club'}]->(b)",
          a=friendly[1], b=friendly[2])
    lost = next(f for f in data.friendships if f.person_a not in big.participants)
    write(driver, "MATCH (:Person {id: $a})-[k:KNOWS]->(:Person {id: $b}) DELETE k", a=lost.person_a, b=lost.person_b)
    write(driver, "MATCH (p:Person {id: $p})-[w:WORKS_AT]->() DELETE w SET p.role = 'rep' "
                  "WITH p MATCH (o:Organisation {id: $o}) MERGE (p)-[:WORKS_AT]->(o)", p=mover.id, o=own)
    write(driver, "MATCH (i:Interaction {id: $i}) SET i.type = 'golf', i.nature = 'personal'", i=retyped.id)
    changed = {gone, *friendly, lost.person_a, mover.id, *retyped.participants}
    assert derived(store) == before  # nothing rebuilt yet
    write(driver, "MATCH ()-[t:TIE]->() SET t.mark = 1")
    store.rebuild(people=changed)
    scoped = derived(store)
    assert scoped != before
    left, ties = marked(store)
    assert 0 < left < ties, "the rebuild for some people rebuilt no tie, or every one"
    store.rebuild()
    full = derived(store)
    for key in DERIVED:
        assert close(scoped[key], full[key]), key
    assert marked(store)[0] == 0, "a full build builds every tie"


def test_a_build_for_everyone_cut_by_a_transient_error_is_made_again_without_doubles(
        store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build for everyone creates ``MET``, ``TIE`` and ``TEAM_TIE`` (``CREATE``, not
    idempotent). Each statement here commits, then the connection reports a transient error:
    the statement is made again after its type is emptied, and the build equals one that ran
    straight through."""
    from graph.store.neo4j import cypher_derived

    store.rebuild()
    want = derived(store)
    made = {cypher_derived.met(False), cypher_derived.tie(False), cypher_derived.team(False)}
    failed: list[str] = []
    driver = store._bolt.driver
    opened = driver.session

    def session(**config: Any) -> Any:
        s = opened(**config)
        run = s.run

        def run_then_fail(query: str, parameters: Any = None, **kw: Any) -> Any:
            result = run(query, parameters, **kw)
            if query in made and query not in failed:
                result.consume()
                failed.append(query)
                raise neo4j.exceptions.TransientError("the connection dropped (test)")
            return result

        s.run = run_then_fail
        return s

    monkeypatch.setattr(driver, "session", session)
    monkeypatch.setattr("graph.store.neo4j.bolt.time.sleep", lambda seconds: None)
    store.rebuild()
    monkeypatch.undo()
    assert set(failed) == made
    got = derived(store)
    for key in DERIVED:
        if key != "stamp":
            assert close(got[key], want[key]), key


def test_rebuild_for_people_whose_rows_did_not_change_changes_nothing(store: Neo4jStore) -> None:
    """Rebuilt for a person two ties from a team member who is not tied to them (so the member's
    team tie to the person between is rebuilt from the member's side), nothing changes."""
    far = store.cypher("MATCH (m:Person)-[:WORKS_AT]->(:Organisation {kind: 'own'}) "
                       "MATCH (m)-[:TIE]-(x:Person)-[:TIE]-(p:Person) WHERE p <> m AND NOT (m)-[:TIE]-(p) "
                       "RETURN p.id ORDER BY p.id LIMIT 1").rows
    assert far, "no person two ties from a team member"
    before = derived(store)
    store.rebuild(people=[far[0][0]])
    after = derived(store)
    for key in DERIVED:
        assert close(after[key], before[key]), key


def test_rebuild_for_people_after_a_newer_interaction_and_after_a_cut_short_build(
        store: Neo4jStore, data: Dataset, driver: neo4j.Driver) -> None:
    """A new interaction after the newest: the rebuild keeps masses as of the stamp's date (the
    kept values differ from a full build's) and every answer equals a full build's. A rebuild
    cut short (``built`` empty) answers from the input rows meanwhile, the same, and the next
    rebuild for some people builds everything."""
    a, b = data.people[30].id, data.people[31].id
    write(driver, "MATCH (x:Person {id: $a}), (y:Person {id: $b}) "
                  "CREATE (i:Interaction {id: 'I-NEW', date: date('2026-12-24'), type: 'dinner', nature: 'personal'}) "
                  "CREATE (x)-[:ATTENDED {position: 0}]->(i), (y)-[:ATTENDED {position: 1}]->(i)", a=a, b=b)
    when = date(2027, 1, 10)
    cfg = Config()
    people = everyone(store)

    def answers() -> tuple[Any, ...]:
        with store.reader() as r:
            return (sorted(r.neighbours(people, when).pairs),
                    r.ties(people=people, as_of=when, formula=cfg.formula(), detail=True),
                    r.team_sums(when, cfg.formula(), cfg.role_weights, cfg.strong_tie, ACCOUNT_KINDS),
                    r.org_activity(when, cfg.half_life_days))

    store.rebuild(people=[a])
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.newest == date(2026, 12, 24) and r.stamp.ref != r.stamp.newest
    scoped = answers()
    store.rebuild()
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.ref == r.stamp.newest == date(2026, 12, 24)
    full = answers()
    assert close(list(scoped), list(full))
    write(driver, "MATCH (m:RelmapMeta) SET m.built = ''")  # as a rebuild killed part-way
    write(driver, "MATCH ()-[t:TIE]->() WITH t LIMIT 5 DELETE t")
    with store.reader() as r:
        assert r.stamp is not None and not r.stamp.built
    assert close(list(answers()), list(full))  # from the input rows
    store.rebuild(people=[a])
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.built == r.stamp.revision
    assert close(list(answers()), list(full))


def test_rebuild_with_other_weights_rebuilds_every_team_tie(store: Neo4jStore, data: Dataset) -> None:
    """Other type weights: the team ties of everyone are summed again (as a full build with them
    would), and kept for the rebuilds after that."""
    weights = {**Config().formula().weights, "personal|*": 1.0, "business|*": 1.0}
    before = derived(store)
    store.rebuild(people=[data.people[40].id], weights=weights)
    scoped = derived(store)
    assert scoped["team"] != before["team"]
    store.rebuild(weights=weights)
    full = derived(store)
    for key in DERIVED:
        assert close(scoped[key], full[key]), key
    store.rebuild()  # the weights of the last build stay
    assert store.cypher("MATCH (m:RelmapMeta) RETURN m.weights").rows == [[weights_key(weights)]]
