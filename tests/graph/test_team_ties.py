"""The team's ties kept at load give exactly the ties built from the evidence, or step aside.

The embedded store keeps every tie with a team end in ``team_ties`` at each load, with
the type weights of the load's configuration, and computes strengths and the risk
aggregates in SQL from it. These tests compare every number with the ties
:func:`graph.analysis.neighbourhood.ties_of` builds in Python from the evidence, on the
example story and on a generated network with many shared friends, and check that the
store declines (returns ``None``) wherever the kept ties would not be exact.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from graph.analysis.accounts import ACCOUNT_KINDS, accounts_of
from graph.analysis.config import Config
from graph.analysis.neighbourhood import ties_of, tie_strengths
from graph.analysis.risk import _from_store, _sums, account_risk
from graph.model import Dataset, Friendship
from graph.store import SQLiteStore, Store
from ingest import validate_folder
from ingest.generate import generate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "demo"
AS_OF = date(2026, 11, 26)


def _example() -> Dataset:
    v = validate_folder(EXAMPLES)
    assert v.ok
    return v.dataset


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    out = tmp_path_factory.mktemp("gen")
    generate(out, 900, seed=5, as_of=AS_OF)
    v = validate_folder(out)
    assert v.ok
    return v.dataset


def _team(data: Dataset) -> list[str]:
    own = {o.id for o in data.organisations if o.kind == "own"}
    return [p.id for p in data.people if p.org_id in own]


def _forget(store: Store) -> None:
    """Make ``store`` look loaded by a relmap that kept no team ties."""
    if isinstance(store, SQLiteStore):
        store.conn.execute("DELETE FROM meta WHERE key = 'team_revision'")
    else:
        store._write("MATCH (m:RelmapMeta {key: 'store'}) REMOVE m.team_revision")  # type: ignore[attr-defined]


def _loaded(store: Store) -> tuple[Dataset, list[str], Config]:
    """The example story loaded into ``store``: the data, the team's ids, the default configuration."""
    data = _example()
    store.load(data)
    return data, _team(data), Config()


def _kept_count(store: Store) -> int:
    if isinstance(store, SQLiteStore):
        return store.conn.execute("SELECT count(*) FROM team_ties").fetchone()[0]
    return store.cypher("MATCH ()-[t:TEAM_TIE]->() RETURN count(t) AS n").rows[0][0]


def _assert_equal_ties(light: dict, full: dict) -> None:
    assert full and light.keys() == full.keys()
    for pair, t in full.items():
        got = light[pair]
        assert (got.a, got.b) == pair
        assert got.strength == pytest.approx(t.strength, rel=1e-9, abs=1e-12), pair
        assert got.personal == pytest.approx(t.personal, rel=1e-9, abs=1e-12), pair
        assert got.business == pytest.approx(t.business, rel=1e-9, abs=1e-12), pair


@pytest.mark.parametrize("which", ["example", "generated"])
@pytest.mark.parametrize("as_of", [AS_OF, date(2027, 6, 1)])
def test_kept_ties_equal_the_ties_built_from_evidence(store: Store, generated: Dataset, which: str,
                                                       as_of: date) -> None:
    data = _example() if which == "example" else generated
    cfg = Config()
    team = _team(data)
    contacts = [p.id for p in data.people if p.id not in set(team)][:400]
    s = store
    s.load(data)
    assert s.team_ties(team, as_of, cfg.formula()) is not None, "the kept ties should answer"
    for kinds in (None, ACCOUNT_KINDS):
        _assert_equal_ties(tie_strengths(s, team, as_of, cfg, other_kinds=kinds),
                           ties_of(s, team, as_of, cfg, other_kinds=kinds))
    # read from the contacts' side: their ties to the team
    _assert_equal_ties(tie_strengths(s, contacts, as_of, cfg, other_kinds=("own",)),
                       ties_of(s, contacts, as_of, cfg, other_kinds=("own",)))
    if which == "generated":
        full = ties_of(s, team, as_of, cfg)
        assert sum(1 for t in full.values() if t.shared_friends >= 2) > 20, "the network should test shared friends"
        assert sum(1 for t in full.values() if t.friendship_kind) > 20


def test_risk_sums_in_the_store_equal_the_sums_of_the_ties(store: Store, generated: Dataset) -> None:
    cfg = Config()
    s = store
    s.load(generated)
    reps = {p.id: p for p in s.people_at(("own",), role="rep")}
    orgs = accounts_of(s)
    summed = s.account_shares(AS_OF, cfg.formula(), cfg.role_weights, cfg.strong_tie, ACCOUNT_KINDS)
    assert summed is not None
    in_store, in_python = _from_store(summed, orgs), _sums(s, reps, orgs, AS_OF, cfg)
    weighted, strong, tied = in_store
    want_weighted, want_strong, want_tied = in_python
    assert {o for o in weighted if weighted[o]} == {o for o in want_weighted if want_weighted[o]}
    for oid, per_rep in want_weighted.items():
        assert weighted[oid].keys() == per_rep.keys()
        for rep, w in per_rep.items():
            assert weighted[oid][rep] == pytest.approx(w, rel=1e-12), (oid, rep)
            assert strong[oid][rep] == want_strong[oid].get(rep, 0), (oid, rep)
    assert {o: n for o, n in tied.items() if o in orgs} == want_tied
    if not isinstance(s, SQLiteStore):  # ties kept before organisations kept team_reach: counted from them
        s._write("MATCH (m:RelmapMeta {key: 'store'}) REMOVE m.team_version")  # type: ignore[attr-defined]
        older = s.account_shares(AS_OF, cfg.formula(), cfg.role_weights, cfg.strong_tie, ACCOUNT_KINDS)
        assert older is not None and older[1] == summed[1] and sorted(older[0]) == sorted(summed[0])
    assert sum(want_tied.values()) > 100 and any(n > 0 for per in want_strong.values() for n in per.values())


def test_risk_is_the_same_on_both_stores_for_generated_data(store: Store, generated: Dataset,
                                                            tmp_path: Path) -> None:
    """Summed in the store over its kept ties (SQL, Cypher) or in Python over the ties read:
    the same risk table."""
    cfg = Config()
    store.load(generated)
    got = [a.to_json() for a in account_risk(store, AS_OF, cfg)]
    with SQLiteStore(tmp_path / "ref") as ref:
        ref.load(generated)
        ref.conn.execute("DELETE FROM meta WHERE key = 'team_revision'")  # sum in Python
        assert ref.account_shares(AS_OF, cfg.formula(), cfg.role_weights, cfg.strong_tie, ACCOUNT_KINDS) is None
        want = [a.to_json() for a in account_risk(ref, AS_OF, cfg)]
    assert got == want
    assert any(a["level"] == "high" for a in got) and any(a["bus_factor"] >= 2 for a in got)


def test_kept_ties_step_aside_when_they_would_not_be_exact(store: Store) -> None:
    data = _example()
    newest = max(i.date for i in data.interactions)
    cfg = Config()
    team = _team(data)
    s = store
    s.load(data)
    f = cfg.formula()
    assert s.team_ties(team, AS_OF, f) is not None
    assert s.team_ties(team, date(newest.year - 1, 1, 1), f) is None, "before the newest interaction"
    assert s.team_ties(team, AS_OF, replace(cfg, half_life_days=90.0).formula()) is None, "another half-life"
    other_weights = replace(cfg, personal_types={**cfg.personal_types, "tennis": 0.2})
    assert s.team_ties(team, AS_OF, other_weights.formula()) is None, "other type weights"
    assert s.account_shares(AS_OF, other_weights.formula(), cfg.role_weights, 0.5, ACCOUNT_KINDS) is None
    not_team = [p.id for p in data.people if p.id not in set(team)][:1]
    assert s.team_ties(team + not_team, AS_OF, f) is None, "someone off the team"
    # other formula parameters (not weights) are applied at query time: still exact
    sharper = replace(cfg, personal_saturation=1.5, shared_friend_bonus=0.5, friendship={"friend": 0.9})
    assert s.team_ties(team, AS_OF, sharper.formula()) is not None
    _assert_equal_ties(tie_strengths(s, team, AS_OF, sharper), ties_of(s, team, AS_OF, sharper))
    # a store loaded before the table existed answers live, with the same numbers
    kept = tie_strengths(s, team, AS_OF, cfg)
    _forget(s)
    assert s.team_ties(team, AS_OF, f) is None
    _assert_equal_ties(kept, tie_strengths(s, team, AS_OF, cfg))


def test_a_friendship_dated_after_the_day_asked_sends_reads_live(store: Store) -> None:
    data = _example()
    team = _team(data)
    newest = max(i.date for i in data.interactions)
    later = date(newest.year + 1, 1, 1)
    outsider = next(p.id for p in data.people if p.id not in set(team))
    a, b = sorted((team[0], outsider))
    data = replace(data, friendships=[f for f in data.friendships if (f.person_a, f.person_b) != (a, b)]
                   + [Friendship(a, b, "club", later)])
    cfg = Config()
    s = store
    s.load(data)
    assert s.team_ties(team, AS_OF, cfg.formula()) is None
    assert s.team_ties(team, later, cfg.formula()) is not None
    for when in (AS_OF, later):
        _assert_equal_ties(tie_strengths(s, team, when, cfg), ties_of(s, team, when, cfg))


def test_a_load_keeps_the_ties_with_its_configurations_weights(store: Store) -> None:
    data = _example()
    team = _team(data)
    custom = replace(Config(), business_types={**Config().business_types, "demo": 2.0}, default_personal=0.9)
    s = store
    s.load(data, weights=custom.weights())
    assert s.team_ties(team, AS_OF, custom.formula()) is not None
    assert s.team_ties(team, AS_OF, Config().formula()) is None
    _assert_equal_ties(tie_strengths(s, team, AS_OF, custom), ties_of(s, team, AS_OF, custom))


def test_a_reload_replaces_the_kept_ties(store: Store) -> None:
    data, team, cfg = _loaded(store)
    s = store
    fewer = replace(data, friendships=data.friendships[: len(data.friendships) // 2],
                    interactions=data.interactions[: len(data.interactions) // 2])
    s.load(fewer)
    _assert_equal_ties(tie_strengths(s, team, AS_OF, cfg), ties_of(s, team, AS_OF, cfg))
    assert _kept_count(s) > 0
    s.load(Dataset())
    assert _kept_count(s) == 0
    assert tie_strengths(s, ["nobody"], AS_OF, cfg) == {}


def test_rebuilding_the_derived_data_of_an_older_store(store: Store) -> None:
    """A store loaded before the kept ties existed gets them with ``rebuild_derived``, same answers."""
    data, team, cfg = _loaded(store)
    s = store
    revision = s.revision()
    want = tie_strengths(s, team, AS_OF, cfg)
    _forget(s)
    assert s.team_ties(team, AS_OF, cfg.formula()) is None
    s.rebuild_derived()  # type: ignore[attr-defined]
    assert s.revision() == revision
    assert s.team_ties(team, AS_OF, cfg.formula()) is not None
    _assert_equal_ties(tie_strengths(s, team, AS_OF, cfg), want)


def test_stages_are_the_same_from_kept_ties_and_from_evidence(store: Store, generated: Dataset) -> None:
    from graph.analysis.stages import account_stages

    cfg = Config()
    store.load(generated)
    kept = [a.to_json() for a in account_stages(store, AS_OF, cfg, introductions=())]
    _forget(store)
    assert store.team_ties(_team(generated), AS_OF, cfg.formula()) is None
    live = [a.to_json() for a in account_stages(store, AS_OF, cfg, introductions=())]
    assert kept == live
    assert {a["stage"] for a in kept} >= {"outsider", "friend"} and sum(len(a["pairs"]) for a in kept) > 100


def test_team_neighbours_from_the_kept_ties_equal_the_live_read(tmp_path: Path, generated: Dataset,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A neighbours read of many team members comes from ``team_ties``: the same pairs."""
    from graph.store import sqlite as sqlite_module

    monkeypatch.setattr(sqlite_module, "TEAM_READ_MIN", 1)
    team = _team(generated)
    with SQLiteStore(tmp_path / "s") as s:
        s.load(generated)
        for when in (AS_OF, date(2027, 3, 1)):
            kept = s.neighbours(team, when)
            assert s._team_neighbours(team, when) is not None
            _forget(s)
            assert s._team_neighbours(team, when) is None
            assert sorted(s.neighbours(team, when)) == sorted(kept) and len(kept) > 100
            s.load(generated)
        before = date(2025, 1, 1)  # before the newest interaction: not every kept pair is a tie yet
        assert s._team_neighbours(team, before) is None
        assert s._team_neighbours(team + [p.id for p in generated.people if p.id not in set(team)][:1], AS_OF) is None
