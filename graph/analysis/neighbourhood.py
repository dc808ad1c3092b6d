"""Read just the part of the graph an analysis needs from a store, as a tie graph.

A store holds people, friendships and interactions; analyses want *ties* with
their strength. These functions read bounded neighbourhoods (a few rings
around some people) and turn them into :class:`~graph.analysis.ties.Tie` objects
and NetworkX graphs, never reading the whole graph.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date

import networkx as nx

from graph.analysis.config import Config
from graph.analysis.ties import Tie, build_ties, tie_graph
from graph.model import EventAggregate, Friendship
from graph.store.base import Store

__all__ = ["ties_of", "friend_sets", "path_graph", "team_ids", "ego_graph", "expand_rings", "ties_from_evidence"]


def friend_sets(friendships: Iterable[Friendship]) -> dict[str, set[str]]:
    """Each person's friends, from friendship rows.

    >>> sorted(friend_sets([Friendship("a", "b"), Friendship("a", "c")])["a"])
    ['b', 'c']
    """
    out: dict[str, set[str]] = defaultdict(set)
    for f in friendships:
        out[f.person_a].add(f.person_b)
        out[f.person_b].add(f.person_a)
    return out


def ties_from_evidence(store: Store, friendships: list[Friendship], events: list[EventAggregate], as_of: date,
          cfg: Config) -> dict[tuple[str, str], Tie]:
    """Ties from friendship rows and event aggregates, with shared friends read for every end."""
    endpoints = {f.person_a for f in friendships} | {f.person_b for f in friendships}
    endpoints |= {e.person for e in events} | {e.other for e in events}
    friends = friend_sets(store.friendships_of(endpoints, as_of)) if endpoints else {}
    return build_ties(friendships, events, friends, cfg)


def ties_of(store: Store, people: Collection[str], as_of: date, cfg: Config,
            other_kinds: Collection[str] | None = None) -> dict[tuple[str, str], Tie]:
    """Every tie touching ``people``, with full evidence and shared friends.

    ``other_kinds`` limits the other end to people at organisations of those kinds
    (for example ``("customer", "prospect")`` for account contacts).
    """
    if not people:
        return {}
    events = store.events_of(people, as_of, cfg.half_life_days, other_kinds)
    friendships = store.friendships_of(people, as_of)
    if other_kinds is not None:
        wanted, kinds = set(people), set(other_kinds)
        others = {f.person_b if f.person_a in wanted else f.person_a for f in friendships}
        persons = store.people(others) if others else []
        org_kind = {o.id: o.kind for o in store.organisations(ids={p.org_id for p in persons})} if persons else {}
        at_kind = {p.id for p in persons if org_kind.get(p.org_id) in kinds}
        friendships = [f for f in friendships if (f.person_b if f.person_a in wanted else f.person_a) in at_kind]
    return ties_from_evidence(store, friendships, events, as_of, cfg)


def team_ids(store: Store) -> set[str]:
    """Ids of everyone at our own organisations."""
    return {p.id for p in store.people_at(("own",))}


def expand_rings(store: Store, start: Collection[str], depth: int, as_of: date, cfg: Config,
            friendships: dict[tuple[str, str], Friendship], events: list[EventAggregate]) -> dict[str, int]:
    """Breadth-first rings from ``start``: nodes at distance < ``depth`` are expanded.

    Collects the friendships and event aggregates met; returns each reached node's distance.
    """
    dist = {s: 0 for s in start}
    frontier = set(start)
    for ring in range(depth):
        if not frontier:
            break
        found_events = store.events_of(frontier, as_of, cfg.half_life_days)
        found_friends = store.friendships_of(frontier, as_of)
        events.extend(found_events)
        nxt: set[str] = set()
        for e in found_events:
            if e.other not in dist:
                nxt.add(e.other)
        for f in found_friends:
            friendships[(f.person_a, f.person_b)] = f
            for p in (f.person_a, f.person_b):
                if p not in dist:
                    nxt.add(p)
        for p in nxt:
            dist[p] = ring + 1
        frontier = nxt
    return dist


def path_graph(store: Store, sources: Collection[str] | None, target: str, max_hops: int, as_of: date,
               cfg: Config) -> tuple[nx.Graph, set[str]]:
    """The tie graph holding every path of at most ``max_hops`` from ``sources`` to ``target``.

    With sources, it expands ``ceil(H/2)`` rings from the sources and ``floor(H/2)``
    from the target (every edge of such a path touches a node expanded from one
    side). Without sources, every rep is a source: it expands ``H - 1`` rings from
    the target and then looks only for ties from the last ring to our team.

    Returns the graph and the set of source ids (the reps, without ``sources``).
    """
    friendships: dict[tuple[str, str], Friendship] = {}
    events: list[EventAggregate] = []
    if sources:
        src = set(sources)
        expand_rings(store, src, math.ceil(max_hops / 2), as_of, cfg, friendships, events)
        expand_rings(store, {target}, max_hops // 2, as_of, cfg, friendships, events)
    else:
        team = {p.id: p for p in store.people_at(("own",))}
        src = {pid for pid, p in team.items() if p.role == "rep"}
        dist = expand_rings(store, {target}, max_hops - 1, as_of, cfg, friendships, events)
        last_ring = {p for p, d in dist.items() if d == max_hops - 1}
        if last_ring:
            events.extend(e for e in store.events_of(last_ring, as_of, cfg.half_life_days, ("own",))
                          if e.other in src)
            for f in store.friendships_of(last_ring, as_of):
                if f.person_a in src or f.person_b in src:
                    friendships[(f.person_a, f.person_b)] = f
    ties = ties_from_evidence(store, list(friendships.values()), events, as_of, cfg)
    G = tie_graph(ties.values())
    G.add_node(target)
    return G, src


def ego_graph(store: Store, centres: Collection[str], depth: int, as_of: date, cfg: Config,
              min_strength: float = 0.0) -> nx.Graph:
    """The ties within ``depth`` rings of ``centres`` (for drawing a network around them).

    Ties weaker than ``min_strength`` are left out; the centres are always nodes.
    """
    friendships: dict[tuple[str, str], Friendship] = {}
    events: list[EventAggregate] = []
    expand_rings(store, set(centres), depth, as_of, cfg, friendships, events)
    ties = ties_from_evidence(store, list(friendships.values()), events, as_of, cfg)
    G = tie_graph(t for t in ties.values() if t.strength >= min_strength)
    G.add_nodes_from(centres)
    return G
