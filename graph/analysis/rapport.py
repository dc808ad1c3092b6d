"""Warm introductions: rapport paths, mutual contacts, and who on our team knows whom.

These read a bounded neighbourhood from the store
(:func:`graph.analysis.neighbourhood.path_graph`), then run the exact path search
of :mod:`graph.analysis.paths` on it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from graph.analysis.config import Config
from graph.analysis.neighbourhood import path_graph, team_ids, ties_of
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
    found = best_paths(G, sources, target, k=k, max_hops=max_hops, avoid=avoid)
    return [RapportPath(path, strength, [G[a][b]["tie"] for a, b in zip(path, path[1:])])
            for path, strength in found]


def rapport_paths(store: Store, target: str, as_of: date, cfg: Config, *, sources: Collection[str] | None = None,
                  k: int | None = None, max_hops: int | None = None, avoid: Collection[str] = ()) -> list[RapportPath]:
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
    G, src = path_graph(store, sources, target, max_hops, as_of, cfg)
    return _paths_in(G, src, target, k, max_hops, avoid)


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
