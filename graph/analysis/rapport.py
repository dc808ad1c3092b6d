"""Warm introductions: rapport paths, mutual contacts, and who on our team knows whom.

These read a bounded neighbourhood from the store
(:func:`graph.analysis.neighbourhood.path_graph`), then run the exact path search
of :mod:`graph.analysis.paths` on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from graph.analysis.bulk import gc_paused
from graph.analysis.config import Config
from graph.analysis.neighbourhood import (RepReach, TieCache, path_graph, rings_to_reps, team_ids, ties_for_pairs, ties_of,
                                          usable_edges)
from graph.analysis.ties import tie_graph
from graph.analysis.paths import best_paths
from graph.analysis.ties import Tie
from graph.errors import UsageError
from graph.model import Person
from graph.store.base import Store

__all__ = ["RapportPath", "rapport_paths", "decision_makers", "mutual_contacts", "who_knows"]


@dataclass(frozen=True)
class RapportPath:
    """An introduction chain from a source to a target, with every hop's tie."""

    people: list[str]
    strength: float
    ties: list[Tie]

    def to_json(self, names: dict[str, str] | None = None) -> dict[str, Any]:
        names = names or {}
        hops = []
        for (a, b), tie in zip(zip(self.people, self.people[1:]), self.ties):
            hops.append({"from": a, "to": b, "strength": round(tie.strength, 6), "evidence": tie.explain(),
                         "from_name": names.get(a), "to_name": names.get(b), "tie": tie.to_json()})
        return {"people": self.people, "names": [names.get(p) for p in self.people],
                "strength": round(self.strength, 6), "hops": hops}


def _paths_in(G: nx.Graph, sources: Collection[str], target: str, k: int, max_hops: int,
              avoid: Collection[str]) -> list[RapportPath]:
    return _with_ties(G, best_paths(G, sources, target, k=k, max_hops=max_hops, avoid=avoid))


def _with_ties(G: nx.Graph, found: list[tuple[list[str], float]]) -> list[RapportPath]:
    return [RapportPath(path, strength, [G[a][b]["tie"] for a, b in zip(path, path[1:])])
            for path, strength in found]


@gc_paused()
def rapport_paths(store: Store, target: str, as_of: date, cfg: Config, *, sources: Collection[str] | None = None,
                  k: int | None = None, max_hops: int | None = None, avoid: Collection[str] = (),
                  reach: RepReach | None = None, cache: TieCache | None = None) -> list[RapportPath]:
    """The ``k`` strongest introduction chains to ``target``, strongest first.

    Parameters
    ----------
    store : Store
        Where the graph is; only the neighbourhood the paths can use is read.
    target : str
        The person to reach.
    as_of : date
        Evidence after this date is ignored; recency is measured from it.
    cfg : Config
        Weights (tie strength) and defaults for ``k`` and ``max_hops``.
    sources : collection of str, optional
        Who starts the chain; by default every rep on our team.
    k, max_hops : int, optional
        How many paths, and at most how many hops each (exact within that limit).
    avoid : collection of str
        People no chain may pass through (for example a departing rep).
    reach : RepReach, optional
        Every rep's ties, read once (:meth:`RepReach.read`) for many searches from any
        rep on the same date (without ``sources``); read per search when absent.
    cache : TieCache, optional
        Ties built by earlier searches on the same date with the same ``cfg`` (filled
        as it goes), for a batch of searches; every tie is read per search when absent.

    Raises
    ------
    UsageError
        When the target or a source is not a person in the store.
    """
    k = k or cfg.default_k
    max_hops = max_hops or cfg.default_max_hops
    wanted = {target} | set(sources or ())
    known = {p.id for p in store.people(wanted)}
    missing = sorted(wanted - known)
    if missing:
        raise UsageError(f"no person with id {', '.join(repr(m) for m in missing)} in the store "
                         "(ids are case-sensitive; `relmap query` or the dashboard can search by name)")
    if not sources:
        return _paths_from_any_rep(store, target, as_of, cfg, k, max_hops, set(avoid), reach, cache)
    G, src = path_graph(store, sources, target, max_hops, as_of, cfg, cache)
    return _paths_in(G, src, target, k, max_hops, avoid)


#: Outer edges whose ties are built per round of :func:`_paths_from_any_rep`.
OUTER_BATCH = 4000


def _paths_from_any_rep(store: Store, target: str, as_of: date, cfg: Config, k: int, max_hops: int,
                        avoid: set[str], reach: RepReach | None = None,
                        cache: TieCache | None = None) -> list[RapportPath]:
    """The ``k`` best paths from any rep, exact, building as few ties as the answer allows.

    Reps are hubs, so the edges that could start a path to ``target`` are many
    (100k+ at 100k people); most are ties from a rep to someone ``H - 1`` hops from
    the target (an *outer* node), who can only be the first or second person of a
    path. So:

    1. Map the neighbourhood by ids (as :func:`path_graph` does for every rep) and
       keep the edges that can lie on a path of at most ``H`` hops.
    2. Build the ties among *inner* nodes (at most ``H - 2`` hops from the target)
       and search them. From those ties, bound every outer node: no path through
       it is stronger than the best walk of at most ``H - 1`` hops from one of its
       inner neighbours to the target (a tie is at most 1).
    3. Add the outer nodes' ties in order of that bound, searching again after
       each batch, until the ``k``-th path found is stronger than every bound left.

    The answer is the one the search over every kept edge would give.
    """
    if k <= 0:
        return []
    reps = {p.id for p in store.people_at(("own",), role="rep")} - avoid
    adj = rings_to_reps(store, target, reps, max_hops, as_of, reach)
    for a in avoid:
        for v in adj.pop(a, ()):
            adj[v].discard(a)
    kept, dt = usable_edges(adj, reps, target, max_hops)
    inner = max_hops - 2
    inner_edges: list[tuple[str, str]] = []
    outer_edges: list[tuple[str, str]] = []
    for e in kept:
        (inner_edges if dt[e[0]] <= inner and dt[e[1]] <= inner else outer_edges).append(e)
    G = tie_graph(ties_for_pairs(store, inner_edges, as_of, cfg, cache).values())
    G.add_node(target)
    # best walk strength of at most H - 1 hops from each inner node to the target
    walk = {target: 1.0}
    for _ in range(max_hops - 1):
        nxt = dict(walk)
        for v, sv in walk.items():
            for u, data in G.adj[v].items():
                if sv * data["strength"] > nxt.get(u, 0.0):
                    nxt[u] = sv * data["strength"]
        walk = nxt
    # each outer node's edges, and its bound: the best walk from an inner neighbour
    outer: dict[str, list[tuple[str, str]]] = defaultdict(list)
    bound: dict[str, float] = {}
    for e in outer_edges:
        a, b = e
        da, db = dt[a], dt[b]
        for x, y, dy in ((a, b, db), (b, a, da)):
            if dt[x] > inner:
                outer[x].append(e)
                w = walk.get(y, 0.0) if dy <= inner else 0.0
                if w > bound.get(x, -1.0):
                    bound[x] = w
    order = sorted(bound, key=lambda x: (-bound[x], x))
    found = best_paths(G, reps, target, k=k, max_hops=max_hops, avoid=avoid)
    done: set[tuple[str, str]] = set()
    i = 0
    while i < len(order):
        if len(found) >= k and found[k - 1][1] > bound[order[i]]:
            break
        batch: set[tuple[str, str]] = set()
        while i < len(order) and len(batch) < OUTER_BATCH:
            batch.update(e for e in outer[order[i]] if e not in done)
            i += 1
        done |= batch
        G.add_edges_from((t.a, t.b, {"strength": t.strength, "tie": t})
                         for t in ties_for_pairs(store, batch, as_of, cfg, cache).values())
        found = best_paths(G, reps, target, k=k, max_hops=max_hops, avoid=avoid)
    return _with_ties(G, found)


def decision_makers(store: Store, org_id: str) -> list[Person]:
    """An organisation's decision makers (else its influencers, else everyone)."""
    members = store.members([org_id])
    if not members:
        raise UsageError(f"no organisation '{org_id}' with people in the store")
    for role in ("decision_maker", "influencer"):
        chosen = [p for p in members if p.role == role]
        if chosen:
            return chosen
    return members


def mutual_contacts(store: Store, a: str, b: str, as_of: date, cfg: Config) -> list[dict[str, Any]]:
    """People tied to both ``a`` and ``b``, strongest first (by the product of both ties).

    Each entry: ``{"id", "name", "strength_a", "strength_b", "strength"}``.
    """
    people = {p.id: p for p in store.people([a, b])}
    for pid in (a, b):
        if pid not in people:
            raise UsageError(f"no person with id '{pid}' in the store")
    ties = ties_of(store, [a, b], as_of, cfg)
    of: dict[str, dict[str, float]] = {a: {}, b: {}}
    for t in ties.values():
        for end in (a, b):
            if end in (t.a, t.b):
                of[end][t.other(end)] = t.strength
    common = (set(of[a]) & set(of[b])) - {a, b}
    names = {p.id: p.name for p in store.people(common)}
    out = [{"id": c, "name": names.get(c, c), "strength_a": round(of[a][c], 6), "strength_b": round(of[b][c], 6),
            "strength": round(of[a][c] * of[b][c], 6)} for c in common]
    return sorted(out, key=lambda m: (-m["strength"], m["id"]))


def who_knows(store: Store, subject: str, as_of: date, cfg: Config) -> dict[str, Any]:
    """Everyone on our team with a tie to a person or to anyone at an organisation.

    Returns ``{"target", "kind", "name", "known_by": [{"id", "name", "strength", "contacts": [...]}]}``,
    strongest first; for an organisation each team member lists the contacts they know.
    """
    person = store.people([subject])
    if person:
        kind, name, targets = "person", person[0].name, {subject: person[0]}
    else:
        orgs = store.organisations(ids=[subject])
        if not orgs:
            raise UsageError(f"'{subject}' is neither a person id nor an organisation id in the store")
        kind, name = "organisation", orgs[0].name
        targets = {p.id: p for p in store.members([subject])}
    team = team_ids(store)
    ties = ties_of(store, set(targets), as_of, cfg)
    by_member: dict[str, list[tuple[str, float]]] = {}
    for t in ties.values():
        for contact in (t.a, t.b):
            other = t.other(contact)
            if contact in targets and other in team and other not in targets:
                by_member.setdefault(other, []).append((contact, t.strength))
    names = {p.id: p.name for p in store.people(set(by_member))} | {pid: p.name for pid, p in targets.items()}
    known_by: list[dict[str, Any]] = []
    for member, contacts in by_member.items():
        contacts.sort(key=lambda c: (-c[1], c[0]))
        known_by.append({"id": member, "name": names.get(member, member), "strength": round(contacts[0][1], 6),
                         "contacts": [{"id": c, "name": names.get(c, c), "strength": round(s, 6)}
                                      for c, s in contacts]})
    known_by.sort(key=lambda m: (-m["strength"], m["id"]))
    return {"target": subject, "kind": kind, "name": name, "known_by": known_by}
