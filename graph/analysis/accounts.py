"""Accounts: what the analyses call an account, what it is worth, and our team's ties there.

An **account** is an organisation of kind ``customer``, ``prospect`` or ``partner``,
or any organisation a rep is assigned to in ``accounts.csv``. Its **value** is our business
there (:class:`AccountValue`): the won deals closed in the ``value_window_days`` up to
``as_of`` (``as_of - value_window_days < closed_on <= as_of``; a won deal without a date is
left out) plus the open pipeline (every open deal's amount). The customer's own
``annual_revenue`` is its size, never our value. Its **contacts** are the people who work
there; our **team** is everyone at an ``own`` organisation.

>>> from graph.model import Deal
>>> deals = [Deal("D1", "O", 1_500_000.0, "won", closed_on=date(2026, 6, 19)),
...          Deal("D2", "O", 850_000.0, "won", closed_on=date(2025, 10, 21)),
...          Deal("D3", "O", 2_000_000.0, "open"), Deal("D4", "O", 300_000.0, "lost")]
>>> v = value_of(deals, date(2026, 11, 26), Config())
>>> v.won_last_year, v.pipeline, v.value
(1500000.0, 2000000.0, 3500000.0)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from datetime import date, timedelta
from typing import NamedTuple, TypeVar

from graph.analysis.config import Config
from graph.analysis.tie_reads import ties_of
from graph.analysis.ties import Tie
from graph.model import Account, Deal, Organisation, Person
from graph.store.base import Reader

__all__ = ["ACCOUNT_KINDS", "AccountValue", "accounts_of", "value_of", "account_values", "account_organisations",
           "account_ties", "account_strengths", "TeamTie"]

#: Organisation kinds that are accounts.
ACCOUNT_KINDS = ("customer", "prospect", "partner")

T = TypeVar("T")
People = dict[str, Person]


def accounts_of(r: Reader, assignments: Iterable[Account] | None = None) -> dict[str, Organisation]:
    """Every account, by id (``assignments``: :meth:`Reader.accounts`, when the caller has read them)."""
    orgs = {o.id: o for o in r.organisations(kinds=ACCOUNT_KINDS)}
    assigned = {a.org_id for a in (r.accounts() if assignments is None else assignments)} - set(orgs)
    if assigned:
        orgs |= {o.id: o for o in r.organisations(ids=assigned)}
    return dict(sorted(orgs.items()))


class AccountValue(NamedTuple):
    """Our business at an account as of a date: ``won_last_year``, the won deals closed in the
    ``value_window_days`` up to it, and ``pipeline``, the open deals; ``value`` is their sum."""

    won_last_year: float = 0.0
    pipeline: float = 0.0

    @property
    def value(self) -> float:
        return self.won_last_year + self.pipeline


def value_of(deals: Iterable[Deal], as_of: date, cfg: Config) -> AccountValue:
    """The :class:`AccountValue` of one account's ``deals`` (see the module docstring)."""
    since = as_of - timedelta(days=cfg.value_window_days)
    won: list[float] = []
    pipeline: list[float] = []
    for d in deals:
        if d.status == "won" and d.closed_on is not None and since < d.closed_on <= as_of:
            won.append(d.amount)
        elif d.status == "open":
            pipeline.append(d.amount)
    return AccountValue(math.fsum(won), math.fsum(pipeline))


def account_values(r: Reader, as_of: date, cfg: Config, orgs: dict[str, Organisation] | None = None,
                   deals: Iterable[Deal] | None = None) -> dict[str, AccountValue]:
    """Each account's :class:`AccountValue` (see the module docstring); ``deals``:
    :meth:`Reader.deals`, when the caller has read them."""
    orgs = orgs if orgs is not None else accounts_of(r)
    by_org: dict[str, list[Deal]] = {oid: [] for oid in orgs}
    for d in (r.deals() if deals is None else deals):
        if d.org_id in by_org:
            by_org[d.org_id].append(d)
    return {oid: value_of(found, as_of, cfg) for oid, found in by_org.items()}


def account_organisations(r: Reader) -> list[Organisation]:
    """The accounts except our own organisations, by id (an ``own`` organisation with a rep
    assigned is left out: its people are our team)."""
    return [o for o in accounts_of(r).values() if o.kind != "own"]


def account_ties(r: Reader, accounts: Collection[Organisation], as_of: date, cfg: Config,
                 ) -> tuple[People, People, list[tuple[str, str, Tie]]]:
    """The team, the accounts' contacts and the team-contact ties.

    Returns ``(team, contacts, ties)``: team members and contacts by id, and
    ``(team_member_id, contact_id, tie)`` for every tie between them, sorted by ids.
    """
    team, contacts, kinds = _team_and_contacts(r, accounts)
    if not kinds:
        return team, contacts, []
    if len(contacts) < len(team):  # read from the smaller side (a few accounts: from their people)
        found = ties_of(r, set(contacts), as_of, cfg, other_kinds=("own",))
    else:
        found = ties_of(r, set(team), as_of, cfg, other_kinds=kinds)
    return team, contacts, _between(found, team, contacts)


#: A team member's tie to an account contact, as numbers: ``(member_id, contact_id, (strength,
#: personal, business))``. Plain tuples: an analysis of every account holds hundreds of
#: thousands, and the garbage collector stops tracking tuples of plain values.
TeamTie = tuple[str, str, tuple[float, float, float]]


def account_strengths(r: Reader, accounts: Collection[Organisation], as_of: date, cfg: Config,
                      ) -> tuple[People, People, list[TeamTie]]:
    """:func:`account_ties` with the ties' numbers only (no evidence): ``(team, contacts,
    ties)`` with ``(member_id, contact_id, (strength, personal, business))`` for every tie
    between them, sorted by ids."""
    team, contacts, kinds = _team_and_contacts(r, accounts)
    if not kinds:
        return team, contacts, []
    side, other_kinds = (contacts, ("own",)) if len(contacts) < len(team) else (team, kinds)
    strength = cfg.strength
    out: list[TeamTie] = []
    for row in r.ties(people=set(side), as_of=as_of, formula=cfg.formula(), detail=False, other_kinds=other_kinds):
        a, b = row.a, row.b
        forward, backward = a in team and b in contacts, b in team and a in contacts
        if forward or backward:
            numbers = strength(row.p, row.q, row.kind, row.shared)
            if forward:
                out.append((a, b, numbers))
            if backward:
                out.append((b, a, numbers))
    return team, contacts, out


def _team_and_contacts(r: Reader, accounts: Collection[Organisation]) -> tuple[People, People, tuple[str, ...]]:
    """The team, the accounts' people, and the organisation kinds to read ties to (none: no ties)."""
    team = {p.id: p for p in r.people(kinds=["own"])}
    org_ids = {o.id for o in accounts}
    contacts = {p.id: p for p in r.people(orgs=org_ids)} if org_ids else {}
    if not team or not contacts:
        return team, contacts, ()
    return team, contacts, tuple(sorted(set(ACCOUNT_KINDS) | {o.kind for o in accounts}))


def _between(found: dict[tuple[str, str], T], team: People, contacts: People) -> list[tuple[str, str, T]]:
    out = []
    for (a, b), tie in sorted(found.items()):
        for member, contact in ((a, b), (b, a)):
            if member in team and contact in contacts:
                out.append((member, contact, tie))
    return out
