"""The kept team routes, and the search from every rep that meets them: the routes are what
their definition says on both stores, and the search answers exactly what the search over
every tie a path could use answers (hubs, ties between reps, a rep as the target, people to
avoid, later dates, every hop limit)."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from graph.analysis import introductions, team_reach
from graph.analysis.config import Config
from graph.analysis.introductions import RapportPath, path_graph, rapport_paths
from graph.analysis.paths import best_paths
from graph.derived import ROUTE_LIMIT
from graph.model import Dataset, Friendship, Organisation, Person
from graph.store import Store
from graph.store.neo4j import build as neo4j_build
from graph.store.sqlite import build as sqlite_build
from tests.graph import brute_force as bf
from tests.helpers import generated_dataset

AS_OF = date(2026, 11, 26)


@pytest.fixture(scope="module")
def generated_data(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return generated_dataset(tmp_path_factory.mktemp("gen"), 600, seed=23, as_of=AS_OF)


def _answers(paths: list[RapportPath]) -> list[tuple[list[str], float]]:
    return [(p.people, round(p.strength, 9)) for p in paths]


def _full(r, target: str, as_of: date, cfg: Config, k: int, hops: int, avoid: list[str]):  # type: ignore[no-untyped-def]
    G, src = path_graph(r, None, target, hops, as_of, cfg)
    return [(p, round(s, 9)) for p, s in best_paths(G, src - set(avoid), target, k=k, max_hops=hops, avoid=avoid)]


def _expected_routes(data: Dataset, as_of: date, cfg: Config) -> dict[str, list[tuple[str, float]]]:
    """Every person's routes by their definition (:mod:`graph.derived`), from the input rows."""
    strength = cfg.strength
    reps = {p.id for p in bf.team(data, role="rep")}
    s: dict[str, dict[str, float]] = {}
    for (a, b), row in bf.ties(data, as_of, cfg.formula()).items():
        v = strength(row.p, row.q, row.kind, row.shared)[0]
        s.setdefault(a, {})[b] = v
        s.setdefault(b, {})[a] = v
    best = {m: sorted(((v, rep) for rep, v in ties.items() if rep in reps), key=lambda x: (-x[0], x[1]))[:2]
            for m, ties in s.items() if m not in reps}
    out: dict[str, list[tuple[str, float]]] = {}
    for y, ties in s.items():
        found = []
        for m, smy in ties.items():
            via = [v for v, rep in best.get(m, []) if rep != y]
            if via:
                found.append((m, smy * via[0]))
        found.sort(key=lambda x: (-x[1], x[0]))
        if found:
            out[y] = found[:ROUTE_LIMIT]
    return out


def test_the_kept_routes_are_the_strongest_two_hop_routes_into_each_person(store: Store) -> None:
    data = bf.example()
    store.load(data)
    cfg = Config()
    newest = max(i.date for i in data.interactions)
    want = _expected_routes(data, newest, cfg)
    everyone = [p.id for p in data.people]
    with store.reader() as r:
        got = r.neighbours(everyone, newest, among=(), routes=cfg.formula()).routes
    assert got is not None and want, "the example has routes"
    assert set(got) == set(want)
    for y in want:
        assert [m for m, _ in got[y]] == [m for m, _ in want[y]], y
        assert all(math.isclose(g, w, rel_tol=1e-9) for (_, g), (_, w) in zip(got[y], want[y])), y
    assert any(len(v) == ROUTE_LIMIT for v in got.values()), "some list is full: the bound on the rest is used"


def test_routes_answer_only_on_or_after_the_kept_date_and_with_their_settings(store: Store) -> None:
    data = bf.example()
    store.load(data)
    newest = max(i.date for i in data.interactions)
    cfg = Config()
    with store.reader() as r:
        ids = [p.id for p in data.people]
        assert r.neighbours(ids, newest + timedelta(days=400), among=(), routes=cfg.formula()).routes
        assert r.neighbours(ids, newest - timedelta(days=1), among=(), routes=cfg.formula()).routes is None
        assert r.neighbours(ids, newest, among=(), routes=replace(cfg, shared_friend_bonus=0.1).formula()).routes is None


@pytest.mark.parametrize("later, limit", [(0, ROUTE_LIMIT), (250, ROUTE_LIMIT), (0, 1)])
def test_the_search_that_meets_the_routes_equals_the_full_search(store: Store, generated_data: Dataset,
                                                                  monkeypatch: pytest.MonkeyPatch, later: int,
                                                                  limit: int) -> None:
    # with one route kept per person, every list is full: the search must also widen to
    # everyone through whom a rep reaches a person, bounded by the one kept
    for module in (sqlite_build, neo4j_build, team_reach):
        monkeypatch.setattr(module, "ROUTE_LIMIT", limit)
    store.load(generated_data)
    monkeypatch.setattr(team_reach, "FIRST_BATCH", 1)  # many rounds: the stopping rule is exercised
    monkeypatch.setattr(team_reach, "MAX_BATCH", 3)
    widened: list[str] = []
    build = team_reach._Search.build

    def recording(self: team_reach._Search, batch: list[tuple[str, str | None]]) -> None:
        widened.extend(y for y, m in batch if m is None)
        build(self, batch)

    monkeypatch.setattr(team_reach._Search, "build", recording)
    cfg = Config()
    as_of = AS_OF + timedelta(days=later)
    reps = sorted(p.id for p in generated_data.people if p.role == "rep")
    contacts = sorted(p.id for p in generated_data.people if p.role in ("decision_maker", "influencer"))
    rng = random.Random(later)
    met: list[tuple[str, int]] = []
    real = team_reach.paths_via_routes

    def counted(*a, **kw):  # type: ignore[no-untyped-def]
        out = real(*a, **kw)
        met.append((a[1], out is not None))
        return out

    monkeypatch.setattr(introductions, "paths_via_routes", counted)
    compared = 0
    with store.reader() as r:
        degree = r.neighbours([p.id for p in generated_data.people], as_of, among=(), counts=True).ties
        hubs = sorted(degree, key=lambda p: -degree[p])[:3]
        targets = rng.sample(contacts, 6) + rng.sample(reps, 2) + hubs
        for n, target in enumerate(targets):
            k, hops = [(3, 4), (1, 4), (5, 3), (3, 2), (2, 5), (4, 1)][n % 6]
            avoid = [rng.choice(reps)] if n % 3 == 0 else ([rng.choice(contacts)] if n % 3 == 1 else [])
            avoid = [a for a in avoid if a != target]
            got = _answers(rapport_paths(r, target, as_of, cfg, k=k, max_hops=hops, avoid=avoid))
            assert got == _full(r, target, as_of, cfg, k, hops, avoid), (target, k, hops, avoid)
            assert all(p[0] in reps and p[-1] == target and not set(p) & set(avoid) for p, _ in got)
            assert all(not set(p[1:-1]) & set(reps) for p, _ in got), "a path has one rep, its first person"
            compared += len(got)
    assert compared > 10, "too few paths: the comparison proved little"
    assert met and all(answered for _, answered in met), "every search met the routes"
    assert widened or limit > 1, "the bound on the routes not kept was never reached"


def test_without_the_routes_the_search_still_equals_the_full_search(store: Store, generated_data: Dataset,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Other settings than the routes were kept with: the search from every rep without them."""
    store.load(generated_data)
    monkeypatch.setattr(introductions, "OUTER_BATCH", 7)
    cfg = replace(Config(), personal_saturation=2.5)
    contacts = sorted(p.id for p in generated_data.people if p.role in ("decision_maker", "influencer"))
    with store.reader() as r:
        assert r.neighbours(contacts, AS_OF, among=(), routes=cfg.formula()).routes is None
        for target in random.Random(5).sample(contacts, 4):
            got = _answers(rapport_paths(r, target, AS_OF, cfg, k=3, max_hops=4))
            assert got == _full(r, target, AS_OF, cfg, 3, 4, [])


def test_a_route_through_another_rep_or_a_rep_target_is_never_an_answer(store: Store) -> None:
    """R1 and R2 are reps tied to each other; X is tied to R2 only, T to X. A path from R1 may not
    pass through R2; to the rep R1 as the target, R2 is a source."""
    own, acme = Organisation("O", "Us", "own"), Organisation("A", "Acme", "customer")
    people = [Person("R1", "Rep One", "O", None, "rep"), Person("R2", "Rep Two", "O", None, "rep"),
              Person("X", "Xavier", "A", None, "user"), Person("T", "Tara", "A", None, "decision_maker")]
    friends = [Friendship("R1", "R2", "friend", None), Friendship("R2", "X", "family", None),
               Friendship("T", "X", "friend", None)]
    store.load(Dataset(organisations=[own, acme], people=people, friendships=friends))
    cfg = Config()
    with store.reader() as r:
        assert [p.people for p in rapport_paths(r, "T", AS_OF, cfg)] == [["R2", "X", "T"]]
        assert [p.people for p in rapport_paths(r, "R1", AS_OF, cfg)] == [["R2", "R1"]]
        assert rapport_paths(r, "T", AS_OF, cfg, avoid=["R2"]) == []
