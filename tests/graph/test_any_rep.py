"""Paths "from any rep" build ties lazily; they must equal the search over every usable edge."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

import pytest

from graph.analysis import introductions
from graph.analysis.config import Config
from graph.analysis.introductions import RapportPath, RepReach, path_graph, rapport_paths
from graph.analysis.paths import best_paths
from graph.analysis.tie_reads import TieCache, ties_of
from graph.analysis.ties import tie_graph
from graph.formula import TieFormula
from graph.model import Account, Deal, Organisation, Person
from graph.store import Store
from graph.store.base import Activity, Neighbours, Reader, TeamSums, TieRow
from tests.helpers import generated_dataset

AS_OF = date(2026, 11, 26)


@pytest.fixture(scope="module")
def generated_data(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return generated_dataset(tmp_path_factory.mktemp("gen"), 600, seed=11, as_of=AS_OF)


def _answers(paths: list[RapportPath]) -> list[tuple[list[str], float]]:
    return [(p.people, round(p.strength, 9)) for p in paths]


@pytest.mark.parametrize("k, hops", [(3, 4), (5, 3)])
def test_lazy_any_rep_search_equals_the_full_search(store: Store, generated_data, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                    k: int, hops: int) -> None:
    store.load(generated_data)
    monkeypatch.setattr(introductions, "OUTER_BATCH", 7)  # many rounds: the stopping rule is exercised
    cfg = Config()
    reps = sorted(p.id for p in generated_data.people if p.role == "rep")
    contacts = sorted(p.id for p in generated_data.people if p.role in ("decision_maker", "influencer"))
    rng = random.Random(k * 10 + hops)
    compared = 0
    with store.reader() as r:
        reach = RepReach.read(r, reps, AS_OF)
        cache = TieCache(limit=1500)  # shared by the searches, as in `relmap stages`; small, so it starts again
        for target in rng.sample(contacts, 8):
            avoid = [rng.choice(reps)] if rng.random() < 0.5 else []
            lazy = rapport_paths(r, target, AS_OF, cfg, k=k, max_hops=hops, avoid=avoid)
            G, src = path_graph(r, None, target, hops, AS_OF, cfg)
            full = best_paths(G, src, target, k=k, max_hops=hops, avoid=avoid)
            assert _answers(lazy) == [(p, round(s, 9)) for p, s in full], target
            shared = rapport_paths(r, target, AS_OF, cfg, k=k, max_hops=hops, avoid=avoid, reach=reach)
            assert _answers(shared) == _answers(lazy), target
            cached = rapport_paths(r, target, AS_OF, cfg, k=k, max_hops=hops, avoid=avoid, reach=reach, cache=cache)
            assert _answers(cached) == _answers(lazy) and [p.ties for p in cached] == [p.ties for p in lazy], target
            assert 0 < len(cache) <= 1500
            one = [rng.choice(reps)]
            assert _answers(rapport_paths(r, target, AS_OF, cfg, sources=one, k=k, max_hops=hops, cache=cache)) \
                == _answers(rapport_paths(r, target, AS_OF, cfg, sources=one, k=k, max_hops=hops)), target
            assert all(p.people[0] in reps and p.people[-1] == target and not set(p.people) & set(avoid) for p in lazy)
            compared += len(full)
    assert compared > 0, "no target had any path: the comparison proved nothing"


@pytest.mark.parametrize("hops", [2, 3, 4])
@pytest.mark.parametrize("both_ends_at_once", [True, False])
def test_paths_from_one_rep_equal_the_search_over_the_whole_graph(store: Store, generated_data,  # type: ignore[no-untyped-def]
                                                                   hops: int, both_ends_at_once: bool,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The rings mapped from both ends and the pruning lose no path: same answer as the whole
    graph, whether the two ends' first rings are one read or each end's ring is chosen by cost."""
    if not both_ends_at_once:
        monkeypatch.setattr(introductions, "BOTH_ENDS_COST", -1)
    store.load(generated_data)
    cfg = Config()
    everyone = [p.id for p in generated_data.people]
    reps = sorted(p.id for p in generated_data.people if p.role == "rep")
    contacts = sorted(p.id for p in generated_data.people if p.role in ("decision_maker", "influencer"))
    rng = random.Random(hops)
    compared = 0
    with store.reader() as r:
        whole = tie_graph(ties_of(r, everyone, AS_OF, cfg).values())
        for _ in range(10):
            rep, target = rng.choice(reps), rng.choice(contacts)
            got = rapport_paths(r, target, AS_OF, cfg, sources=[rep], k=3, max_hops=hops)
            want = best_paths(whole, [rep], target, k=3, max_hops=hops) if target in whole else []
            assert [(p.people, round(p.strength, 9)) for p in got] == [(p, round(s, 9)) for p, s in want], (rep, target)
            compared += len(want)
    assert compared > 0, "no pair had a path: the comparison proved nothing"


def _hub_story():  # type: ignore[no-untyped-def]
    """A rep R with a handful of contacts; a target T whose account is covered by HUB, a rep
    tied to 300 people; one warm path R - A - B - T and a weak one through HUB."""
    from graph.model import Dataset, Friendship, Interaction, Organisation, Person

    orgs = [Organisation("O-US", "Us", "own"), Organisation("O-C", "Client", "customer"),
            Organisation("O-X", "Elsewhere", "other")]
    people = [Person("R", "Rita Rep", "O-US", None, "rep"), Person("HUB", "Hugo Hub", "O-US", None, "rep"),
              Person("A", "Ann", "O-X", None, "other"), Person("B", "Bob", "O-C", None, "influencer"),
              Person("T", "Tess Target", "O-C", None, "decision_maker")]
    people += [Person(f"L{i:03d}", f"Leaf {i}", "O-X", None, "other") for i in range(300)]
    people += [Person(f"S{i}", f"Side {i}", "O-X", None, "other") for i in range(4)]
    friendships = [Friendship("A", "R", "club", None), Friendship("A", "B", "friend", None),
                   Friendship("B", "T", "former_colleague", None)]
    friendships += [Friendship("R", f"S{i}", "alumni", None) for i in range(4)]
    interactions = [Interaction(f"I{i:03d}", date(2026, 10, 1), "meeting", "business", ("HUB", f"L{i:03d}"), None)
                    for i in range(300)]
    interactions.append(Interaction("I-T", date(2026, 9, 1), "email", "business", ("HUB", "T"), "O-C"))
    interactions.append(Interaction("I-A", date(2026, 9, 2), "email", "business", ("HUB", "A"), None))
    return Dataset(organisations=orgs, people=people, friendships=friendships, interactions=interactions)


class RecordingReader:
    """A :class:`Reader` that hands every read to another and records what
    :meth:`~Reader.neighbours` was asked (``(people, among)``): what a search expanded."""

    def __init__(self, inner: Reader) -> None:
        self.inner = inner
        self.neighbour_reads: list[tuple[set[str], set[str] | None]] = []

    def neighbours(self, people: Collection[str], as_of: date, *, among: Collection[str] | None = None,
                   counts: bool = False, routes: TieFormula | None = None) -> Neighbours:
        self.neighbour_reads.append((set(people), set(among) if among is not None else None))
        return self.inner.neighbours(people, as_of, among=among, counts=counts, routes=routes)

    def people(self, ids: Collection[str] | None = None, **kw: Any) -> list[Person]:
        return self.inner.people(ids, **kw)

    def organisations(self, ids: Collection[str] | None = None, **kw: Any) -> list[Organisation]:
        return self.inner.organisations(ids, **kw)

    def accounts(self) -> list[Account]:
        return self.inner.accounts()

    def deals(self) -> list[Deal]:
        return self.inner.deals()

    def ties(self, **kw: Any) -> list[TieRow]:
        return self.inner.ties(**kw)

    def org_activity(self, as_of: date, half_life_days: float) -> list[Activity]:
        return self.inner.org_activity(as_of, half_life_days)

    def team_sums(self, as_of: date, formula: TieFormula, role_weights: Mapping[str, float], strong_tie: float,
                  kinds: Collection[str]) -> TeamSums:
        return self.inner.team_sums(as_of, formula, role_weights, strong_tie, kinds)


def test_a_hub_next_to_the_target_is_not_expanded(store: Store) -> None:
    """The rings grow around the cheaper end (the reader's tie counts): the hub never becomes
    a ring of its 300 ties (only the last, filtered read touches it), and the answer is the
    whole graph's."""
    data = _hub_story()
    store.load(data)
    cfg = Config()
    with store.reader() as inner:
        whole = tie_graph(ties_of(inner, [p.id for p in data.people], AS_OF, cfg).values())
        want = best_paths(whole, ["R"], "T", k=3, max_hops=4)
        r = RecordingReader(inner)
        assert isinstance(r, Reader)
        got = rapport_paths(r, "T", AS_OF, cfg, sources=["R"], k=3, max_hops=4)
    assert [(p.people, round(p.strength, 9)) for p in got] == [(p, round(s, 9)) for p, s in want]
    assert got[0].people == ["R", "A", "B", "T"] and any("HUB" in p.people for p in got)
    expanded = [people for people, among in r.neighbour_reads if among is None]
    assert expanded and not any("HUB" in people for people in expanded), r.neighbour_reads
