"""Paths "from any rep" build ties lazily; they must equal the search over every usable edge."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from graph.analysis import rapport
from graph.analysis.config import Config
from graph.analysis.neighbourhood import RepReach, path_graph
from graph.analysis.rapport import _paths_in, rapport_paths
from graph.store import Store
from ingest import validate_folder
from ingest.generate import generate

AS_OF = date(2026, 11, 26)


@pytest.fixture(scope="module")
def generated_data(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("gen")
    generate(out, 600, seed=11, as_of=AS_OF)
    v = validate_folder(out)
    assert v.ok
    return v.dataset


def _answers(paths: list[rapport.RapportPath]) -> list[tuple[list[str], float]]:
    return [(p.people, round(p.strength, 9)) for p in paths]


@pytest.mark.parametrize("k, hops", [(3, 4), (5, 3)])
def test_lazy_any_rep_search_equals_the_full_search(store: Store, generated_data, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                    k: int, hops: int) -> None:
    store.load(generated_data)
    monkeypatch.setattr(rapport, "OUTER_BATCH", 7)  # many rounds: the stopping rule is exercised
    cfg = Config()
    reps = sorted(p.id for p in generated_data.people if p.role == "rep")
    contacts = sorted(p.id for p in generated_data.people if p.role in ("decision_maker", "influencer"))
    rng = random.Random(k * 10 + hops)
    reach = RepReach.read(store, reps, AS_OF)
    compared = 0
    for target in rng.sample(contacts, 8):
        avoid = [rng.choice(reps)] if rng.random() < 0.5 else []
        lazy = rapport_paths(store, target, AS_OF, cfg, k=k, max_hops=hops, avoid=avoid)
        G, src = path_graph(store, None, target, hops, AS_OF, cfg)
        full = _paths_in(G, src, target, k, hops, avoid)
        assert _answers(lazy) == _answers(full), target
        shared = rapport_paths(store, target, AS_OF, cfg, k=k, max_hops=hops, avoid=avoid, reach=reach)
        assert _answers(shared) == _answers(full), target
        assert all(p.people[0] in reps and p.people[-1] == target and not set(p.people) & set(avoid) for p in lazy)
        compared += len(full)
    assert compared > 0, "no target had any path: the comparison proved nothing"


@pytest.mark.parametrize("hops", [2, 3, 4])
def test_paths_from_one_rep_equal_the_search_over_the_whole_graph(store: Store, generated_data,  # type: ignore[no-untyped-def]
                                                                   hops: int) -> None:
    """The rings mapped from both ends and the pruning lose no path: same answer as the whole graph."""
    from graph.analysis.neighbourhood import ties_of
    from graph.analysis.paths import best_paths
    from graph.analysis.ties import tie_graph

    store.load(generated_data)
    cfg = Config()
    everyone = [p.id for p in generated_data.people]
    whole = tie_graph(ties_of(store, everyone, AS_OF, cfg).values())
    reps = sorted(p.id for p in generated_data.people if p.role == "rep")
    contacts = sorted(p.id for p in generated_data.people if p.role in ("decision_maker", "influencer"))
    rng = random.Random(hops)
    compared = 0
    for _ in range(10):
        rep, target = rng.choice(reps), rng.choice(contacts)
        got = rapport_paths(store, target, AS_OF, cfg, sources=[rep], k=3, max_hops=hops)
        want = best_paths(whole, [rep], target, k=3, max_hops=hops) if target in whole else []
        assert [(p.people, round(p.strength, 9)) for p in got] == [(p, round(s, 9)) for p, s in want], (rep, target)
        compared += len(want)
    assert compared > 0, "no pair had a path: the comparison proved nothing"
