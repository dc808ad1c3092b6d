"""Who knows whom: the mutual contacts of two people, and who on our team knows a person or
anyone at an organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

from graph.analysis.config import Config
from graph.analysis.search import unknown_ids
from graph.analysis.tie_reads import ties_of
from graph.errors import UsageError
from graph.store.base import Reader

__all__ = ["mutual_contacts", "who_knows"]


def mutual_contacts(r: Reader, a: str, b: str, as_of: date, cfg: Config) -> list[dict[str, Any]]:
    """People tied to both ``a`` and ``b``, strongest first (by the product of both ties).

    Each entry: ``{"id", "name", "strength_a", "strength_b", "strength"}``.
    """
    if a == b:
        raise UsageError(f"A and B are the same person ('{a}'): mutual contacts need two different people")
    people = {p.id: p for p in r.people(ids=[a, b])}
    missing = [pid for pid in (a, b) if pid not in people]
    if missing:
        raise unknown_ids(r, missing)
    of: dict[str, dict[str, float]] = {a: {}, b: {}}
    for t in ties_of(r, [a, b], as_of, cfg).values():
        for end in (a, b):
            if end in (t.a, t.b):
                of[end][t.other(end)] = t.strength
    common = (set(of[a]) & set(of[b])) - {a, b}
    names = {p.id: p.name for p in r.people(ids=common)} if common else {}
    out = [{"id": c, "name": names.get(c, c), "strength_a": round(of[a][c], 6), "strength_b": round(of[b][c], 6),
            "strength": round(of[a][c] * of[b][c], 6)} for c in common]
    return sorted(out, key=lambda m: (-m["strength"], m["id"]))


def who_knows(r: Reader, subject: str, as_of: date, cfg: Config) -> dict[str, Any]:
    """Everyone on our team with a tie to a person or to anyone at an organisation.

    Returns ``{"target", "kind", "name", "known_by": [{"id", "name", "strength", "contacts": [...]}]}``,
    strongest first; for an organisation each team member lists the contacts they know.
    """
    person = r.people(ids=[subject])
    if person:
        kind, name, targets = "person", person[0].name, {subject: person[0]}
    else:
        orgs = r.organisations(ids=[subject])
        if not orgs:
            raise unknown_ids(r, [subject], "person or organisation")
        kind, name = "organisation", orgs[0].name
        targets = {p.id: p for p in r.people(orgs=[subject])}
    team = {p.id: p for p in r.people(kinds=["own"])}
    by_member: dict[str, list[tuple[str, float]]] = {}
    for t in ties_of(r, set(targets), as_of, cfg).values():
        for contact in (t.a, t.b):
            other = t.other(contact)
            if contact in targets and other in team and other not in targets:
                by_member.setdefault(other, []).append((contact, t.strength))
    names = {pid: p.name for pid, p in team.items()} | {pid: p.name for pid, p in targets.items()}
    known_by: list[dict[str, Any]] = []
    for member, contacts in by_member.items():
        contacts.sort(key=lambda c: (-c[1], c[0]))
        known_by.append({"id": member, "name": names.get(member, member), "strength": round(contacts[0][1], 6),
                         "contacts": [{"id": c, "name": names.get(c, c), "strength": round(s, 6)}
                                      for c, s in contacts]})
    known_by.sort(key=lambda m: (-m["strength"], m["id"]))
    return {"target": subject, "kind": kind, "name": name, "known_by": known_by}
