"""Single-rep dependency risk, and what happens when a rep leaves.

For every account, each rep's **share** is their part of our relationship
strength with the account's people: the sum over contacts of
``role_weights[contact.role] * strength(rep, contact)``, divided by the same sum
over all reps. A tie is **strong** at ``strength >= strong_tie``. The **bus
factor** is the fewest reps whose departure leaves the account with no strong
tie: the number of reps holding at least one strong tie there (0 when nobody
does). The **level**:

- ``high``: the bus factor is 1 (one rep holds every strong tie) and that rep's
  share is at least ``risk_medium``;
- ``medium``: the bus factor is 1 with a smaller share, or the bus factor is 2 or
  more but the top share is at least ``risk_high``;
- ``low``: otherwise, including accounts with no strong tie at all (bus factor 0:
  nothing hangs on anyone yet; the stages analysis shows what to build there).

Accounts are ordered highest risk first: by level, then by value at risk
(value times top share), then by id.

A **departure what-if** for rep R lists the account contacts R holds a strong
tie to and nobody else on our team does (they would be *orphaned*), and for
each the remaining rep with the strongest introduction path to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from graph.analysis.bulk import gc_paused
from graph.analysis.accounts import ACCOUNT_KINDS, account_values, accounts_of
from graph.analysis.config import Config
from graph.analysis.neighbourhood import RepReach, team_ids, tie_strengths, ties_of
from graph.analysis.rapport import RapportPath, rapport_paths
from graph.errors import UsageError
from graph.export import write_csv
from graph.store.base import Store

__all__ = ["RepShare", "AccountRisk", "account_risk", "Orphan", "Departure", "departure_whatif",
           "write_handover_plan", "LEVELS"]

LEVELS = ("high", "medium", "low")


@dataclass(frozen=True)
class RepShare:
    rep_id: str
    name: str
    share: float
    strong_contacts: int


@dataclass(frozen=True)
class AccountRisk:
    """One account's dependency on its reps."""

    org_id: str
    name: str
    value: float
    reps: list[RepShare]
    top_rep_id: str | None
    top_share: float
    bus_factor: int
    level: str
    assigned: list[str]
    contacts_tied: int

    @property
    def value_at_risk(self) -> float:
        return self.value * self.top_share

    def to_json(self) -> dict[str, Any]:
        return {"org_id": self.org_id, "name": self.name, "value": round(self.value, 2),
                "reps": [{"rep_id": r.rep_id, "name": r.name, "share": round(r.share, 6),
                          "strong_contacts": r.strong_contacts} for r in self.reps],
                "top_rep_id": self.top_rep_id, "top_share": round(self.top_share, 6),
                "bus_factor": self.bus_factor, "level": self.level,
                "value_at_risk": round(self.value_at_risk, 2), "assigned": self.assigned,
                "contacts_tied": self.contacts_tied}


def _level(top_share: float, bus_factor: int, cfg: Config) -> str:
    if bus_factor == 1:
        return "high" if top_share >= cfg.risk_medium else "medium"
    if bus_factor >= 2 and top_share >= cfg.risk_high:
        return "medium"
    return "low"


@gc_paused()
def account_risk(store: Store, as_of: date, cfg: Config) -> list[AccountRisk]:
    """The single-rep dependency risk of every account, highest risk first.

    The store sums the reps' ties per account and rep itself where it keeps the
    team's ties ready (:meth:`Store.account_shares`: SQL over ``team_ties`` on the
    embedded store); otherwise the reps' ties are read one row per tie
    (:func:`~graph.analysis.neighbourhood.tie_strengths`) and summed here. Never
    the whole graph; both give the same result.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the store sums while the accounts, deals and reps are read (a server answers both at
        # once; the embedded store's one connection takes them in turn)
        summing = pool.submit(store.account_shares, as_of, cfg.formula(), cfg.role_weights, cfg.strong_tie,
                              ACCOUNT_KINDS)
        reps = {p.id: p for p in store.people_at(("own",), role="rep")}
        assignments = store.accounts()
        orgs = accounts_of(store, assignments)
        values = account_values(store, as_of, cfg, orgs)
        summed = summing.result()
    weighted, strong, tied = _sums(store, reps, orgs, as_of, cfg) if summed is None else _from_store(summed, orgs)
    assigned: dict[str, list[str]] = defaultdict(list)
    for a in sorted(assignments, key=lambda a: (a.role != "owner", a.rep_id)):
        assigned[a.org_id].append(a.rep_id)
    out = []
    nothing: dict[str, Any] = {}
    for oid, org in orgs.items():
        per_rep, held = weighted.get(oid, nothing), strong.get(oid, nothing)
        total = sum(per_rep.values())
        if total <= 0:
            shares: list[tuple[str, float]] = []
        elif len(per_rep) == 1:
            shares = [(rep, w / total) for rep, w in per_rep.items()]
        else:
            shares = sorted(((rep, w / total) for rep, w in per_rep.items()), key=_by_share)
        bus = sum(1 for n in held.values() if n > 0)
        top_rep, top_share = (shares[0] if shares else (None, 0.0))
        out.append(AccountRisk(
            oid, org.name, values.get(oid, 0.0),
            [RepShare(r, reps[r].name, s, held.get(r, 0)) for r, s in shares],
            top_rep, top_share, bus, _level(top_share, bus, cfg) if shares else "low",
            assigned.get(oid, []), tied.get(oid, 0)))
    out.sort(key=lambda a: (LEVELS.index(a.level), -round(a.value_at_risk, 6), a.org_id))
    return out


def _by_share(rep_share: tuple[str, float]) -> tuple[float, str]:
    """Largest share first, then by rep id."""
    return -rep_share[1], rep_share[0]


_Sums = tuple[dict[str, dict[str, float]], dict[str, dict[str, int]], dict[str, int]]


def _from_store(summed: tuple[list[tuple[str, str, float, int]], dict[str, int]], orgs: dict[str, Any]) -> _Sums:
    """Per account and rep, the weighted strength and strong ties the store summed."""
    weighted: dict[str, dict[str, float]] = defaultdict(dict)
    strong: dict[str, dict[str, int]] = defaultdict(dict)
    rows, tied = summed
    for oid, rep, w, n in rows:
        if oid in orgs:
            weighted[oid][rep] = w
            strong[oid][rep] = n
    return weighted, strong, tied


def _sums(store: Store, reps: dict[str, Any], orgs: dict[str, Any], as_of: date, cfg: Config) -> _Sums:
    """:func:`_from_store`'s sums, from the reps' ties (when the store keeps none ready)."""
    ties = tie_strengths(store, set(reps), as_of, cfg, other_kinds=ACCOUNT_KINDS) if reps else {}
    contacts = {t.other(r): None for t in ties.values() for r in (t.a, t.b) if r in reps}
    people = {p.id: p for p in store.people(set(contacts))} if contacts else {}
    weighted: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    strong: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tied: dict[str, set[str]] = defaultdict(set)
    for t in ties.values():
        rep = t.a if t.a in reps else t.b
        contact = people.get(t.other(rep))
        if contact is None or contact.org_id not in orgs or contact.id in reps:
            continue
        weighted[contact.org_id][rep] += cfg.role_weights.get(contact.role, 1.0) * t.strength
        tied[contact.org_id].add(contact.id)
        if t.strength >= cfg.strong_tie:
            strong[contact.org_id][rep] += 1
    return weighted, strong, {oid: len(contacts) for oid, contacts in tied.items()}


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

    def to_json(self) -> dict[str, Any]:
        return {"rep_id": self.rep_id, "rep_name": self.rep_name,
                "accounts": [{"org_id": oid, "name": name, "orphaned": [o.to_json(self.names) for o in orphans]}
                             for oid, name, orphans in self.accounts]}

    def plan_rows(self) -> list[list[Any]]:
        """The handover plan as rows (see :data:`PLAN_COLUMNS`)."""
        rows = []
        for oid, name, orphans in self.accounts:
            for o in orphans:
                rows.append([oid, name, o.contact_id, o.contact_name, o.title or "", self.rep_id, self.rep_name,
                             o.successor_id or "", o.successor_name or "",
                             " > ".join(self.names.get(p, p) for p in o.path.people) if o.path else "",
                             f"{o.path.strength:.3f}" if o.path else "", o.suggestion])
        return rows


PLAN_COLUMNS = ("org_id", "account", "contact_id", "contact", "title", "departing_rep_id", "departing_rep",
                "successor_id", "successor", "introduction_path", "path_strength", "action")


@gc_paused()
def departure_whatif(store: Store, rep_id: str, as_of: date, cfg: Config, *, max_hops: int | None = None
                     ) -> Departure:
    """What rep ``rep_id`` leaving would orphan, and who should take each contact over."""
    rep = store.people([rep_id])
    if not rep or rep[0].role != "rep":
        raise UsageError(f"'{rep_id}' is not a rep in the store (a person with role 'rep' at our organisation)")
    team = team_ids(store)
    if rep[0].org_id not in {p.org_id for p in store.people(team)}:
        raise UsageError(f"'{rep_id}' does not work at an organisation of kind 'own'")
    orgs = accounts_of(store)
    mine = ties_of(store, [rep_id], as_of, cfg, other_kinds=ACCOUNT_KINDS)
    held = {t.other(rep_id): t.strength for t in mine.values() if t.strength >= cfg.strong_tie}
    contacts = {p.id: p for p in store.people(set(held))} if held else {}
    contacts = {cid: p for cid, p in contacts.items() if p.org_id in orgs}
    others = ties_of(store, set(contacts), as_of, cfg) if contacts else {}
    still_held = {c for t in others.values() for c in (t.a, t.b)
                  if c in contacts and t.other(c) in team and t.other(c) != rep_id and t.strength >= cfg.strong_tie}
    orphaned = sorted(set(contacts) - still_held)
    covering: dict[str, list[str]] = defaultdict(list)
    for a in sorted(store.accounts(), key=lambda a: (a.role != "owner", a.rep_id)):
        if a.rep_id != rep_id:
            covering[a.org_id].append(a.rep_id)
    values = account_values(store, as_of, cfg, orgs) if orphaned else {}
    reach = RepReach.read(store, {p.id for p in store.people_at(("own",), role="rep")} - {rep_id}, as_of) \
        if len(orphaned) > 1 else None
    names: dict[str, str] = {rep_id: rep[0].name}
    by_org: dict[str, list[Orphan]] = defaultdict(list)
    for cid in orphaned:
        c = contacts[cid]
        names[cid] = c.name
        paths = rapport_paths(store, cid, as_of, cfg, k=1, max_hops=max_hops, avoid=[rep_id], reach=reach)
        if paths:
            path = paths[0]
            succ = path.people[0]
            for p in store.people(path.people):
                names[p.id] = p.name
            via = names.get(path.people[1], path.people[1]) if len(path.people) > 2 else None
            suggestion = (f"{names[succ]} takes over {c.name}" +
                          (f", introduced through {via}" if via else " (they already know each other)") +
                          f"; {rep[0].name} joins the first meeting")
            by_org[c.org_id].append(Orphan(cid, c.name, c.title, held[cid], succ, names[succ], path, suggestion))
        else:
            fallback = covering.get(c.org_id, [])
            proposed = fallback[0] if fallback else None
            if proposed:
                names[proposed] = store.people([proposed])[0].name
                suggestion = (f"No one else can reach {c.name}: before leaving, {rep[0].name} should introduce "
                              f"{names[proposed]} to {c.name} in person (a dinner or a match together)")
            else:
                suggestion = (f"No one else can reach {c.name} and no other rep covers the account: assign a "
                              f"successor now and have {rep[0].name} introduce them before leaving")
            by_org[c.org_id].append(Orphan(cid, c.name, c.title, held[cid], None, None, None, suggestion))
    dep = Departure(rep_id, rep[0].name, names=names)
    for oid in sorted(by_org, key=lambda o: (-values.get(o, 0.0), o)):
        dep.accounts.append((oid, orgs[oid].name, by_org[oid]))
    return dep


def write_handover_plan(departure: Departure, path: Path) -> int:
    """Write the what-if as a CSV handover plan (formula-safe); return the number of rows."""
    rows: Sequence[Sequence[Any]] = departure.plan_rows()
    return write_csv(path, PLAN_COLUMNS, rows)
