"""A rep's departure, what if: the contacts it would orphan and who should take each over.

A **departure what-if** for rep R lists the account contacts R holds a strong tie to
(``strength >= strong_tie``) and nobody else on our team does (they would be *orphaned*),
account by account, most valuable first; for each, the remaining rep with the strongest
introduction path to them (:func:`graph.analysis.introductions.rapport_paths`, avoiding R),
or, without one, who should be introduced before R leaves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from graph.analysis.accounts import ACCOUNT_KINDS, account_values, accounts_of
from graph.analysis.config import Config
from graph.analysis.introductions import RapportPath, RepReach, rapport_paths
from graph.analysis.money import money_cell
from graph.analysis.search import unknown_ids
from graph.analysis.tie_reads import ties_of
from graph.errors import UsageError
from graph.export import write_csv
from graph.store.base import Reader

__all__ = ["Orphan", "Departure", "departure_whatif", "write_handover_plan", "PLAN_COLUMNS"]


@dataclass(frozen=True)
class Orphan:
    """A contact only the departing rep has a strong tie to, and who could take over."""

    contact_id: str
    contact_name: str
    title: str | None
    strength_lost: float
    successor_id: str | None
    successor_name: str | None
    path: RapportPath | None
    suggestion: str

    def to_json(self, names: dict[str, str]) -> dict[str, Any]:
        return {"contact_id": self.contact_id, "contact_name": self.contact_name, "title": self.title,
                "strength_lost": round(self.strength_lost, 6), "successor_id": self.successor_id,
                "successor_name": self.successor_name, "path": self.path.people if self.path else [],
                "path_strength": round(self.path.strength, 6) if self.path else None,
                "hops": self.path.to_json(names)["hops"] if self.path else [], "suggestion": self.suggestion}


@dataclass
class Departure:
    """What a rep's departure would orphan, account by account."""

    rep_id: str
    rep_name: str
    accounts: list[tuple[str, str, list[Orphan]]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    #: Each account's value (:func:`graph.analysis.accounts.account_values`): the order of ``accounts``.
    values: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"rep_id": self.rep_id, "rep_name": self.rep_name,
                "accounts": [{"org_id": oid, "name": name, "value": round(self.values.get(oid, 0.0), 2),
                              "orphaned": [o.to_json(self.names) for o in orphans]}
                             for oid, name, orphans in self.accounts]}

    def plan_rows(self) -> list[list[Any]]:
        """The handover plan as rows (see :data:`PLAN_COLUMNS`)."""
        rows = []
        for oid, name, orphans in self.accounts:
            for o in orphans:
                rows.append([oid, name, o.contact_id, o.contact_name, o.title or "", self.rep_id, self.rep_name,
                             o.successor_id or "", o.successor_name or "",
                             " > ".join(self.names.get(p, p) for p in o.path.people) if o.path else "",
                             f"{o.path.strength:.3f}" if o.path else "", o.suggestion,
                             money_cell(self.values.get(oid, 0.0))])
        return rows


#: The handover plan's columns; ``account_value`` is a whole number (no separators, no currency), so that
#: a spreadsheet reads it as a number in any locale.
PLAN_COLUMNS = ("org_id", "account", "contact_id", "contact", "title", "departing_rep_id", "departing_rep",
                "successor_id", "successor", "introduction_path", "path_strength", "action", "account_value")


def departure_whatif(r: Reader, rep_id: str, as_of: date, cfg: Config, *, max_hops: int | None = None
                     ) -> Departure:
    """What rep ``rep_id`` leaving would orphan, and who should take each contact over.

    Raises
    ------
    UsageError
        When ``rep_id`` is not a rep at one of our organisations.
    """
    rep = r.people(ids=[rep_id])
    if not rep:
        raise unknown_ids(r, [rep_id], "rep")
    if rep[0].role != "rep":
        raise UsageError(f"{rep[0].name} ('{rep_id}') has role '{rep[0].role}', not 'rep': the what-if is about "
                         "one of our reps (a person with role 'rep' at our organisation)")
    team = {p.id: p for p in r.people(kinds=["own"])}
    if rep[0].org_id not in {p.org_id for p in team.values()}:
        raise UsageError(f"'{rep_id}' does not work at an organisation of kind 'own'")
    orgs = accounts_of(r)
    mine = ties_of(r, [rep_id], as_of, cfg, other_kinds=ACCOUNT_KINDS)
    held = {t.other(rep_id): t.strength for t in mine.values() if t.strength >= cfg.strong_tie}
    contacts = {p.id: p for p in r.people(ids=set(held))} if held else {}
    contacts = {cid: p for cid, p in contacts.items() if p.org_id in orgs}
    others = ties_of(r, set(contacts), as_of, cfg) if contacts else {}
    still_held = {c for t in others.values() for c in (t.a, t.b)
                  if c in contacts and t.other(c) in team and t.other(c) != rep_id and t.strength >= cfg.strong_tie}
    orphaned = sorted(set(contacts) - still_held)
    covering: dict[str, list[str]] = defaultdict(list)
    for a in sorted(r.accounts(), key=lambda a: (a.role != "owner", a.rep_id)):
        if a.rep_id != rep_id:
            covering[a.org_id].append(a.rep_id)
    values = account_values(r, as_of, cfg, orgs) if orphaned else {}
    reps = {pid for pid, p in team.items() if p.role == "rep"} - {rep_id}
    reach = RepReach.when_needed(r, reps, as_of, cfg) if len(orphaned) > 1 else None
    names: dict[str, str] = {rep_id: rep[0].name}
    by_org: dict[str, list[Orphan]] = defaultdict(list)
    for cid in orphaned:
        c = contacts[cid]
        names[cid] = c.name
        paths = rapport_paths(r, cid, as_of, cfg, k=1, max_hops=max_hops, avoid=[rep_id], reach=reach)
        if paths:
            path = paths[0]
            succ = path.people[0]
            for p in r.people(ids=path.people):
                names[p.id] = p.name
            via = names.get(path.people[1], path.people[1]) if len(path.people) > 2 else None
            suggestion = (f"{names[succ]} takes over {c.name}" +
                          (f", introduced through {via}" if via else " (they already know each other)") +
                          f"; {rep[0].name} joins the first meeting")
            by_org[c.org_id].append(Orphan(cid, c.name, c.title, held[cid], succ, names[succ], path, suggestion))
            continue
        fallback = covering.get(c.org_id, [])
        proposed = fallback[0] if fallback else None
        if proposed:
            names[proposed] = r.people(ids=[proposed])[0].name
            suggestion = (f"No one else can reach {c.name}: before leaving, {rep[0].name} should introduce "
                          f"{names[proposed]} to {c.name} in person (a dinner or a match together)")
        else:
            suggestion = (f"No one else can reach {c.name} and no other rep covers the account: assign a "
                          f"successor now and have {rep[0].name} introduce them before leaving")
        by_org[c.org_id].append(Orphan(cid, c.name, c.title, held[cid], None, None, None, suggestion))
    dep = Departure(rep_id, rep[0].name, names=names, values={oid: values[oid].value for oid in by_org})
    for oid in sorted(by_org, key=lambda o: (-values[o].value, o)):
        dep.accounts.append((oid, orgs[oid].name, by_org[oid]))
    return dep


def write_handover_plan(departure: Departure, path: Path) -> int:
    """Write the what-if as a CSV handover plan (formula-safe); return the number of rows."""
    rows: Sequence[Sequence[Any]] = departure.plan_rows()
    return write_csv(path, PLAN_COLUMNS, rows)
