"""A refresh: a store told to hold a changed dataset writes only the difference
(:mod:`graph.store.changes`) and rebuilds derived data around it, and ends up exactly where a
fresh load of the changed dataset would: the same rows, the same derived data row for row,
the same answers to every analysis command, on both stores.

Changes are made in every file (rows added, changed and removed), by hand and by Hypothesis.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Collection
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import Account, Dataset, Deal, Friendship, Interaction, Organisation, Person, pair
from graph.store import Store, open_store
from graph.store.changes import diff, worth_a_refresh
from relmap.cli import cli
from tests.graph import brute_force as bf
from tests.graph.test_derived import BEHIND, _same_rows, _same_value
from tests.helpers import spilled, write_dataset


#: The stories here are small: a change touches more than graph.derived.PART_LIMIT of everyone,
#: where a store builds everything; rebuild only what is touched, to test that.
pytestmark = pytest.mark.usefixtures("rebuild_in_part")



def without(data: Dataset, people: Collection[str] = (), orgs: Collection[str] = ()) -> Dataset:
    """``data`` without some people and organisations and every row that names them, the way an
    export leaves them out: an organisation's people go with it; an interaction keeps its other
    people (and goes when fewer than two are left) and loses a removed organisation; a deal
    loses a removed rep."""
    gone_orgs = set(orgs)
    gone = set(people) | {p.id for p in data.people if p.org_id in gone_orgs}
    interactions = []
    for i in data.interactions:
        who = tuple(p for p in i.participants if p not in gone)
        if len(who) >= 2:
            interactions.append(i._replace(participants=who, org_id=None if i.org_id in gone_orgs else i.org_id))
    return Dataset(
        organisations=[o for o in data.organisations if o.id not in gone_orgs],
        people=[p for p in data.people if p.id not in gone],
        friendships=[f for f in data.friendships if f.person_a not in gone and f.person_b not in gone],
        interactions=interactions,
        accounts=[a for a in data.accounts if a.org_id not in gone_orgs and a.rep_id not in gone],
        deals=[d._replace(rep_id=None if d.rep_id in gone else d.rep_id) for d in data.deals
               if d.org_id not in gone_orgs],
    )


def newest(data: Dataset) -> date:
    return max(i.date for i in data.interactions)


def by_hand(data: Dataset, *, later: bool = False) -> Dataset:
    """Rows added, changed and removed in every file of the example story. With ``later``, one
    new interaction is newer than every one before (the kept masses' reference date stays)."""
    kind = bf.org_kind_of(data)
    team = [p for p in data.people if kind[p.id] == "own"]
    rep = next(p for p in team if p.role == "rep")
    outsiders = [p for p in data.people if kind[p.id] != "own"]
    customer = next(o for o in data.organisations if o.kind == "customer")
    prospect = next(o for o in data.organisations if o.kind == "prospect")
    last = newest(data)
    d = without(data, people=[outsiders[-1].id])
    # organisations: one new, one renamed, one that becomes a customer; an unused one goes
    d.organisations = [replace_org(o, customer, prospect) for o in d.organisations if o.id != "O-SPARE"]
    d.organisations.append(Organisation("O-NEW", "Newco", "prospect", "Retail", None))
    # people: one new at the new organisation, one promoted to rep, one moved
    d.people = [p._replace(role="rep") if p.id == team[-1].id else
                p._replace(org_id=prospect.id, title="COO") if p.id == outsiders[3].id else p for p in d.people]
    d.people.append(Person("P-NEW", "Nadia New", "O-NEW", "CEO", "decision_maker", None))
    # friendships: one new, one of another kind, one gone
    f0, f1 = d.friendships[0], d.friendships[1]
    d.friendships = [f0._replace(kind="family")] + d.friendships[2:]
    d.friendships.append(Friendship(*pair("P-NEW", team[0].id), "alumni", date(2015, 6, 1)))
    # interactions: two new (one with the new person), one changed, one gone
    i0, i1 = d.interactions[0], d.interactions[1]
    d.interactions = [i0._replace(type="dinner", nature="personal", participants=i0.participants[:2])] + \
        d.interactions[2:]
    d.interactions.append(Interaction("I-NEW-1", last - timedelta(days=3), "lunch", "personal",
                                      ("P-NEW", team[1].id)))
    d.interactions.append(Interaction("I-NEW-2", last + timedelta(days=30) if later else last - timedelta(days=40),
                                      "meeting", "business", (team[0].id, outsiders[0].id, outsiders[1].id),
                                      customer.id))
    # accounts: one new, one changed, one gone; deals likewise
    d.accounts = [d.accounts[0]._replace(role="support")] + d.accounts[2:] + [
        Account("O-NEW", rep.id, "owner", date(2026, 1, 1))]
    d.deals = [d.deals[0]._replace(amount=d.deals[0].amount + 1000, status="won")] + d.deals[2:] + [
        Deal("D-NEW", "O-NEW", 50000.0, "open", rep.id, None, "Core")]
    return d


def replace_org(o: Organisation, customer: Organisation, prospect: Organisation) -> Organisation:
    if o.id == customer.id:
        return o._replace(name=o.name + " Group")
    if o.id == prospect.id:
        return o._replace(kind="customer")
    return o


def story() -> Dataset:
    """The example story with one organisation nobody names (a refresh can remove it)."""
    data = bf.example()
    data.organisations.append(Organisation("O-SPARE", "Spare Ltd", "other"))
    return data


def derived_rows(backend: str, request: pytest.FixtureRequest, store: Store) -> dict[str, list[Any]]:
    rows = BEHIND[backend](request).derived(store)
    rows.pop("meta", None)
    rows.pop("stamp", None)
    return rows


def fresh(backend: str, store: Store, data: Dataset) -> None:
    """``store`` emptied and loaded with ``data`` from scratch."""
    store.load(Dataset())
    store.load(data)


def assert_as_a_fresh_load(backend: str, request: pytest.FixtureRequest, store: Store, data: Dataset
                           ) -> dict[str, list[Any]]:
    """The derived data ``store`` holds after a refresh to ``data`` equals a fresh load's of
    ``data`` (``store`` is then loaded afresh); the refreshed rows."""
    refreshed = derived_rows(backend, request, store)
    fresh(backend, store, data)
    assert_same_derived(refreshed, derived_rows(backend, request, store))
    return refreshed


def assert_same_derived(got: dict[str, list[Any]], want: dict[str, list[Any]]) -> None:
    assert got.keys() == want.keys()
    for table in want:
        assert _same_rows(got[table], want[table]), (table, next(
            ((g, w) for g, w in zip(got[table], want[table]) if not _same_value(g, w)), None),
            len(got[table]), len(want[table]))


# -- by hand -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kept", ["in memory", "in a spill"])
def test_a_refresh_writes_the_difference_and_equals_a_fresh_load(store: Store, backend: str, kept: str,
                                                                 request: pytest.FixtureRequest) -> None:
    before, after = story(), by_hand(story())
    store.load(before)
    revision = store.state().revision
    with spilled(after) if kept == "in a spill" else contextlib.nullcontext(after) as rows:
        changes = store.load(rows)
    assert not changes.whole
    counts = changes.counts()
    for table in counts:
        assert counts[table]["added"] >= 1 and counts[table]["changed"] >= 1 and counts[table]["removed"] >= 1, \
            (table, counts[table])
    assert counts == diff(before, after).counts()
    assert store.state().revision != revision
    assert store.dump() == after.sorted()
    assert store.counts() == after.counts()
    assert_as_a_fresh_load(backend, request, store, after)


def test_a_refresh_touching_most_people_builds_everything(store: Store, backend: str,
                                                           request: pytest.FixtureRequest,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.derived

    monkeypatch.setattr(graph.derived, "PART_LIMIT", 0.0)
    before, after = story(), by_hand(story())
    store.load(before)
    assert not store.load(after).whole, "only the changed rows are written"
    assert_as_a_fresh_load(backend, request, store, after)


def test_an_embedded_refresh_whose_routes_reach_most_people_builds_them_whole(
        tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change around reps reaches the team routes of most people: the embedded builder
    rebuilds the changed pairs and then every person's routes (``ROUTES_ALL``), which must
    equal a fresh load's as much as the pair by pair build does."""
    import graph.store.sqlite.build as build
    from graph.store.sqlite import SQLiteStore

    asked: list[tuple[int, int]] = []

    def pairs_yes_routes_no(scope: int, everyone: int) -> bool:
        asked.append((scope, everyone))
        return len(asked) == 1  # the pairs are worth a part; the routes' people are not

    before, after = story(), by_hand(story())
    with SQLiteStore(tmp_path / "store") as store:
        store.load(before)
        monkeypatch.setattr(build, "worth_a_part", pairs_yes_routes_no)
        assert not store.load(after).whole
        assert len(asked) == 2, "the pairs were rebuilt in part, then the routes whole"
        assert_as_a_fresh_load("sqlite", request, store, after)


def fan(extra_dinners: int, m1_meetings: int = 8) -> Dataset:
    """Two reps and a contact ``Y`` tied to seven people ``M1``..``M7``, each tied to rep
    ``R1`` by more meetings the lower their number (``M1``: ``m1_meetings``); ``M7`` also meets
    rep ``R2`` at ``extra_dinners`` dinners. ``Y`` has six routes kept, ``M7``'s the weakest, left out."""
    day = date(2026, 11, 1)
    orgs = [Organisation("O-US", "Us", "own"), Organisation("O-C", "Client", "customer")]
    people = [Person("R1", "Rep One", "O-US", role="rep"), Person("R2", "Rep Two", "O-US", role="rep"),
              Person("Y", "Yara", "O-C")] + [Person(f"M{n}", f"Mid {n}", "O-C") for n in range(1, 8)]
    meets: list[Interaction] = []
    for n in range(1, 8):
        meets.append(Interaction(f"I-Y{n}", day, "meeting", "business", ("Y", f"M{n}"), "O-C"))
        meets += [Interaction(f"I-R{n}-{k}", day - timedelta(days=k), "meeting", "business", ("R1", f"M{n}"), "O-C")
                  for k in range(m1_meetings if n == 1 else 9 - n)]
    meets += [Interaction(f"I-D{k}", day - timedelta(days=k), "dinner", "personal", ("R2", "M7"), "O-C")
              for k in range(extra_dinners)]
    return Dataset(orgs, people, [], meets)


def _routes_of_y_refreshed(store: Store, backend: str, request: pytest.FixtureRequest, before: Dataset,
                           after: Dataset) -> tuple[list[str], list[str]]:
    """``Y``'s kept routes (their middles) after a load of ``before``, and after a refresh to
    ``after``, which must leave every derived table as a fresh load of ``after`` has it."""

    def of_y(rows: dict[str, list[Any]]) -> list[str]:
        if backend == "sqlite":
            return [r[2] for r in rows["team_routes"] if r[0] == "Y"]
        return next(list(r[1] or []) for r in rows["routes"] if r[0] == "Y")

    fresh(backend, store, before)
    kept = of_y(derived_rows(backend, request, store))
    assert not store.load(after).whole
    refreshed = assert_as_a_fresh_load(backend, request, store, after)
    return kept, of_y(refreshed)


def test_a_refresh_redoes_the_routes_a_stronger_rep_tie_lets_in(store: Store, backend: str,
                                                                 request: pytest.FixtureRequest) -> None:
    """``Y`` is in no changed pair, but ``M7``'s new dinners with a rep make the route through
    ``M7`` one of ``Y``'s six strongest: a refresh redoes ``Y``'s routes as a fresh load has them."""
    from graph.derived import ROUTE_LIMIT

    assert ROUTE_LIMIT == 6
    kept, refreshed = _routes_of_y_refreshed(store, backend, request, fan(0), fan(6))
    assert kept == ["M1", "M2", "M3", "M4", "M5", "M6"]
    assert "M7" in refreshed


def test_a_refresh_redoes_from_scratch_the_routes_a_weaker_rep_tie_lets_out(
        store: Store, backend: str, request: pytest.FixtureRequest) -> None:
    """``M1`` meets its rep once instead of eight times: the route through ``M1`` falls below
    ``Y``'s last kept route, so the kept routes no longer say which is sixth (``M7``'s, never
    kept): ``Y``'s routes are redone from scratch, as a fresh load has them."""
    _, refreshed = _routes_of_y_refreshed(store, backend, request, fan(0), fan(0, m1_meetings=1))
    assert refreshed == ["M2", "M3", "M4", "M5", "M6", "M7"]


def test_a_refresh_lets_in_a_route_as_strong_as_the_last_kept(store: Store, backend: str,
                                                               request: pytest.FixtureRequest) -> None:
    """A new ``M0`` meets ``Y`` and rep ``R1`` exactly as ``M6`` does: its route is as strong as
    ``Y``'s last kept one (``M6``'s) and comes first by id, so a fresh load keeps it sixth instead;
    a refresh must too (a route equal to the last kept one can change the list)."""
    before = fan(0)
    six = [i for i in before.interactions if "M6" in i.participants]
    after = Dataset(before.organisations, [*before.people, Person("M0", "Mid 0", "O-C")], [],
                    [*before.interactions, *(i._replace(id=i.id.replace("6", "0"),
                                                        participants=tuple("M0" if p == "M6" else p
                                                                           for p in i.participants))
                                             for i in six)])
    _, refreshed = _routes_of_y_refreshed(store, backend, request, before, after)
    assert refreshed == ["M1", "M2", "M3", "M4", "M5", "M0"]


def _without_fingerprints(folder: Path) -> None:
    """Make the embedded store at ``folder`` look as one written before rows kept fingerprints."""
    import sqlite3

    conn = sqlite3.connect(folder / "relmap.sqlite3")
    for table in ("organisations", "people", "friendships", "interactions", "accounts", "deals"):
        conn.execute(f"ALTER TABLE {table} DROP COLUMN fp")
    conn.commit()
    conn.close()


def test_an_embedded_store_written_before_fingerprints_is_read_then_replaced(tmp_path: Path) -> None:
    """A store written before rows kept fingerprints answers reads as it is; the next load
    writes it whole (with fingerprints), and an update into it keeps every row it held."""
    from graph.store.sqlite import SQLiteStore

    before, after = story(), by_hand(story())
    folder = tmp_path / "store"
    with SQLiteStore(folder) as store:
        store.load(before)
    _without_fingerprints(folder)
    with SQLiteStore(folder) as store:
        assert store.dump() == before.sorted()
        assert store.load(after).whole, "no fingerprints to compare with: written whole"
        assert store.dump() == after.sorted()
        changed = store.load(by_hand(after))
        assert not changed.whole and len(changed) > 0, "fingerprints kept now: only the difference is written"
    _without_fingerprints(folder)
    new = Person("P-LATE", "Nia Late", before.people[0].org_id)
    with SQLiteStore(folder) as store:
        held = store.dump()
        store.load(Dataset(people=[new]), removed={})
        assert store.dump() == Dataset(**{**{t: getattr(held, t) for t in held.counts()},
                                          "people": [*held.people, new]}).sorted()


def test_a_neo4j_store_written_before_fingerprints_compares_whole_rows(request: pytest.FixtureRequest) -> None:
    """Rows without a fingerprint (written before they kept one) are read back and compared
    whole: the refresh still writes only the difference and equals a fresh load."""
    from tests.graph.test_derived import Neo4jBehind

    store = request.getfixturevalue("neo4j_store_session")
    before, after = story(), by_hand(story())
    fresh("neo4j", store, before)
    unmarked = ("MATCH (n) WHERE (n:Organisation OR n:Person OR n:Interaction OR n:Deal) AND n._fp IS NULL "
                "RETURN count(n) AS c UNION ALL "
                "MATCH ()-[r:KNOWS|COVERS]->() WHERE r._fp IS NULL RETURN count(r) AS c")
    assert [row[0] for row in store.cypher(unmarked).rows] == [0, 0], "a load marks every row"
    behind = Neo4jBehind(request.getfixturevalue("neo4j_server"))
    behind._write("MATCH (n) WHERE n._fp IS NOT NULL REMOVE n._fp")
    behind._write("MATCH ()-[r]->() WHERE r._fp IS NOT NULL REMOVE r._fp")
    assert not store.load(after).whole
    assert store.dump() == after.sorted()
    assert_as_a_fresh_load("neo4j", request, store, after)


def test_a_neo4j_evidence_delta_made_twice_adds_once(request: pytest.FixtureRequest,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A refresh adds each changed interaction's share to its pairs' ``MET`` rows (not idempotent
    in itself); the statement made again, as after a lost connection, adds nothing twice."""
    from graph.store.neo4j import cypher_derived
    from graph.store.neo4j.bolt import Bolt

    store = request.getfixturevalue("neo4j_store_session")
    before, after = story(), by_hand(story())
    fresh("neo4j", store, before)
    made = []
    once = Bolt.autocommit

    def twice(self: Bolt, query: str, **params: Any) -> None:
        once(self, query, **params)
        if query == cypher_derived.MET_DELTA:
            made.append(len(params["met"]))
            once(self, query, **params)

    monkeypatch.setattr(Bolt, "autocommit", twice)
    assert not store.load(after).whole
    monkeypatch.undo()
    assert made and made[0] >= 2, "the refresh adds the interactions changed, as before and after"
    assert_as_a_fresh_load("neo4j", request, store, after)


def test_a_change_names_only_the_pairs_it_touches() -> None:
    """One interaction changed names its participants' pairs, not everyone tied to them; a
    friendship added names its pair and its ends' pairs with the other's friends."""
    data = story()
    changed = replace(data, interactions=list(data.interactions), friendships=list(data.friendships))
    first = changed.interactions[0]
    changed.interactions[0] = first._replace(date=first.date - timedelta(days=1))
    friends = {(f.person_a, f.person_b) for f in data.friendships}
    a, b = next((x.id, y.id) for x in data.people for y in data.people if x.id < y.id and (x.id, y.id) not in friends)
    changed.friendships.append(Friendship(a, b))
    scope = diff(data, changed).scope(data, changed)
    ids = sorted(set(first.participants))
    assert scope.pairs == {(x, y) for i, x in enumerate(ids) for y in ids[i + 1:]} | {(a, b)}
    assert scope.people == set() and scope.friended == {(a, b)}, "the store adds the pairs with a's and b's friends"
    assert len(scope.ends()) < len(data.people) / 3


def test_the_same_dataset_again_changes_nothing(store: Store) -> None:
    data = story()
    assert store.load(data).whole, "a first load writes everything"
    revision = store.state().revision
    again = store.load(data)
    assert len(again) == 0 and not again.whole
    assert store.state().revision == revision, "nothing written: readers' caches stay valid"
    changes = store.load(Dataset(organisations=data.organisations[:1]))
    assert changes.counts()["people"]["removed"] == len(data.people)
    assert store.dump() == Dataset(organisations=data.organisations[:1]) and changes.whole, "most rows went"


def test_a_refresh_with_newer_interactions_answers_as_a_fresh_load(store: Store, backend: str,
                                                                   request: pytest.FixtureRequest) -> None:
    """A newer interaction keeps the kept masses' reference date: the rows differ from a fresh
    load's by that date's fading, every read and answer is the same."""
    before, after = story(), by_hand(story(), later=True)
    store.load(before)
    assert not store.load(after).whole
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.ref == newest(before) and r.stamp.newest == newest(after)
    cfg_dates = [newest(after), newest(after) + timedelta(days=90)]
    refreshed = [_reads(store, day) for day in cfg_dates]
    fresh(backend, store, after)
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.ref == newest(after)
    for got, day in zip(refreshed, cfg_dates):
        want = _reads(store, day)
        bf.assert_same_rows(got["ties"], want["ties"])
        assert _close(got["activity"], want["activity"]) and _close(got["sums"], want["sums"])


def _close(x: Any, y: Any) -> bool:
    """Equal, floats to 9 digits (masses kept as of another date, faded and rounded)."""
    if isinstance(x, float) or isinstance(y, float):
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(_close(a, b) for a, b in zip(x, y))
    return bool(x == y)


def _reads(store: Store, day: date) -> dict[str, Any]:
    from graph.analysis.config import Config

    cfg = Config()
    formula = cfg.formula()
    with store.reader() as r:
        everyone = sorted(p.id for p in r.people(kinds=("own", "customer", "prospect", "partner", "other")))
        sums = r.team_sums(day, formula, cfg.role_weights, cfg.strong_tie, ("customer", "prospect"))
        return {"ties": r.ties(people=everyone, as_of=day, formula=formula, detail=True),
                "activity": [(a.org_id, a.nature, a.times, a.last, a.mass) for a in r.org_activity(day, 180.0)],
                "sums": sorted(sums.shares)}


def test_removing_the_newest_interaction_rebuilds_everything(store: Store, backend: str,
                                                             request: pytest.FixtureRequest) -> None:
    data = story()
    store.load(data)
    last = max(data.interactions, key=lambda i: i.date)
    after = replace(data, interactions=[i for i in data.interactions if i.id != last.id])
    store.load(after)
    with store.reader() as r:
        assert r.stamp is not None and r.stamp.ref == newest(after), "nothing kept as of a date gone"
    assert_as_a_fresh_load(backend, request, store, after)


# -- every analysis command, through the CLI --------------------------------------------------------
COMMANDS = [
    ["risk"], ["stages"], ["cooling"], ["connectors"], ["whatif", "--rep", "P-002"],
    ["paths", "--to", "P-013", "--from", "P-002"], ["paths", "--to", "P-021"], ["who-knows", "O-TELCO"],
    ["mutual", "P-002", "P-013"], ["stats"],
]


def cli_answers(spec: str) -> list[Any]:
    out = []
    for command in COMMANDS:
        result = CliRunner().invoke(cli, [*command, "--store", spec, "--json"])
        assert result.exit_code == 0, (command, result.output)
        out.append(json.loads(result.stdout))
    return out


def test_an_ingest_of_a_changed_folder_answers_as_a_fresh_ingest(store_spec: str, tmp_path: Path) -> None:
    before, after = write_dataset(tmp_path / "a", story()), write_dataset(tmp_path / "b", by_hand(story(), later=True))

    def ingest(folder: Path) -> dict[str, Any]:
        result = CliRunner().invoke(cli, ["ingest", str(folder), "--store", store_spec, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    ingest(before)
    report = ingest(after)
    assert report["changes"] == diff(story(), by_hand(story(), later=True)).counts() and not report["whole"]
    assert ingest(after)["changes"]["interactions"] == {"added": 0, "changed": 0, "removed": 0}
    refreshed = cli_answers(store_spec)
    with open_store(store_spec) as s:
        s.load(Dataset())
    ingest(after)
    assert refreshed == cli_answers(store_spec)


# -- changes Hypothesis draws ----------------------------------------------------------------------
@st.composite
def changed(draw: st.DrawFn, data: Dataset) -> Dataset:
    """Random rows of every file added, changed and removed, nothing newer than the newest
    interaction (so the kept masses' reference date is the same as a fresh load's)."""
    people = [p.id for p in data.people]
    orgs = [o.id for o in data.organisations]
    last = newest(data)
    gone = draw(st.lists(st.sampled_from(people), max_size=3, unique=True))
    d = without(data, people=gone)
    alive = [p for p in people if p not in set(gone)]
    idx = st.integers(0, 10_000)
    if draw(st.booleans()):  # organisations: a kind or a name changes
        n = draw(idx) % len(d.organisations)
        o = d.organisations[n]
        d.organisations[n] = o._replace(kind=draw(st.sampled_from(["customer", "prospect", "partner", "own"])),
                                        name=o.name + draw(st.sampled_from(["", " Ltd"])))
    for n in sorted({draw(idx) % len(d.people) for _ in range(draw(st.integers(0, 3)))}):
        p = d.people[n]
        d.people[n] = p._replace(role=draw(st.sampled_from(["rep", "user", "manager"])),
                                 org_id=draw(st.sampled_from(orgs)))
    for k in range(draw(st.integers(0, 2))):
        d.people.append(Person(f"P-H{k}", f"New {k}", draw(st.sampled_from(orgs)), None,
                               draw(st.sampled_from(["rep", "user"])), None))
        alive.append(f"P-H{k}")
    drop = {draw(idx) % len(d.friendships) for _ in range(draw(st.integers(0, 3)))} if d.friendships else set()
    d.friendships = [f._replace(kind="club") if n % 7 == 3 else f for n, f in enumerate(d.friendships) if n not in drop]
    held = {(f.person_a, f.person_b) for f in d.friendships}
    for a, b in draw(st.lists(st.tuples(st.sampled_from(alive), st.sampled_from(alive)), max_size=4)):
        if a != b and pair(a, b) not in held:
            held.add(pair(a, b))
            d.friendships.append(Friendship(*pair(a, b), "friend", None))
    keep_last = max(d.interactions, key=lambda i: i.date).id if d.interactions else None
    drop = {draw(idx) % len(d.interactions) for _ in range(draw(st.integers(0, 4)))}
    d.interactions = [i for n, i in enumerate(d.interactions) if n not in drop or i.id == keep_last]
    for n in sorted({draw(idx) % len(d.interactions) for _ in range(draw(st.integers(0, 3)))}):
        i = d.interactions[n]
        d.interactions[n] = i._replace(type="golf", nature="personal", date=min(i.date + timedelta(days=1), last)
                                       if i.id != keep_last else i.date)
    for k in range(draw(st.integers(0, 4))):
        who = tuple(draw(st.lists(st.sampled_from(alive), min_size=2, max_size=3, unique=True)))
        d.interactions.append(Interaction(f"I-H{k}", last - timedelta(days=draw(st.integers(0, 900))),
                                          draw(st.sampled_from(["tennis", "meeting", "email"])),
                                          draw(st.sampled_from(["personal", "business"])), who))
    kind = {o.id: o.kind for o in d.organisations}
    reps = sorted(p.id for p in d.people if p.role == "rep" and kind.get(p.org_id) == "own")
    d.deals = [x for n, x in enumerate(d.deals) if n % 5 != draw(st.integers(0, 4))]
    if reps and draw(st.booleans()):
        d.deals.append(Deal("D-H", draw(st.sampled_from(orgs)), 1234.0, "open", draw(st.sampled_from(reps))))
    # what a valid folder must hold: accounts and deals name reps of ours
    d.accounts = [a for a in d.accounts if a.rep_id in reps]
    d.deals = [x if x.rep_id is None or x.rep_id in reps else x._replace(rep_id=None) for x in d.deals]
    return d


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data())
def test_random_refreshes_equal_fresh_loads(store: Store, backend: str, request: pytest.FixtureRequest,
                                            data: st.DataObject) -> None:
    before = story()
    after = data.draw(changed(before))
    fresh(backend, store, before)  # each example from a whole load: masses kept as of its newest date
    expected = diff(before, after)
    with spilled(after) if data.draw(st.booleans(), "spilled") else contextlib.nullcontext(after) as rows:
        changes = store.load(rows)
    assert changes.whole == (not worth_a_refresh(expected, before.counts().values()))
    assert changes.counts() == expected.counts()
    assert store.dump() == after.sorted()
    assert_as_a_fresh_load(backend, request, store, after)
