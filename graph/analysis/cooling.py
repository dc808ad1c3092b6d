"""Cooling ties: strong ties with account contacts that have gone quiet, and account value.

Rapport fades when nobody tends it. A tie is **cooling**, as of a date, when

- it joins a team member (anyone at an ``own`` organisation) and a contact at an
  account (see :func:`graph.analysis.accounts.account_organisations`),
- it is strong: ``strength >= strong_tie`` (:mod:`graph.analysis.ties`), and
- the two last met more than ``days`` days before ``as_of``
  (``as_of - Tie.last_interaction > days``).

A strong tie with *no* interaction on record rests on a declared friendship
alone. It is reported as never met (``last_interaction`` and ``days_since``
null) when the friendship was declared more than ``days`` days before
``as_of`` or has no date: a friendship nobody has acted on in the record is
worth a call; one declared last week is not yet cooling.

**Account value** is :func:`graph.analysis.accounts.account_values`, as in the risk analysis
and the stages: the account's won deals closed in the ``value_window_days`` up to ``as_of``
plus its open pipeline (never the customer's ``annual_revenue``).

Order: most valuable account first, then the weakest tie first (the one
closest to dropping below ``strong_tie``), then the longest silence, then
team member id and contact id.

>>> _span(35), _span(200), _span(800)
('35 days', '6 months', '2 years')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.analysis.accounts import account_organisations, account_ties, account_values
from graph.analysis.config import Config
from graph.analysis.ties import Tie, TypeEvidence
from graph.analysis.words import plural
from graph.store.base import Reader

__all__ = ["CoolingTie", "cooling_ties"]


@dataclass(frozen=True)
class CoolingTie:
    """A strong tie between a team member and an account contact that has gone quiet."""

    rep_id: str
    rep_name: str
    contact_id: str
    contact_name: str
    contact_title: str | None
    org_id: str
    account: str
    strength: float
    last_interaction: date | None
    days_since: int | None
    value: float
    suggestion: str
    tie: Tie

    def to_json(self) -> dict[str, Any]:
        return {
            "rep_id": self.rep_id, "rep_name": self.rep_name,
            "contact_id": self.contact_id, "contact_name": self.contact_name, "contact_title": self.contact_title,
            "org_id": self.org_id, "account": self.account, "strength": round(self.strength, 6),
            "last_interaction": self.last_interaction.isoformat() if self.last_interaction else None,
            "days_since": self.days_since, "value": round(self.value, 2), "suggestion": self.suggestion,
            "evidence": self.tie.explain(),
        }


def _span(days: int) -> str:
    """A readable length of time."""
    if days < 60:
        return plural(days, "day")
    if days < 730:
        return plural(days // 30, "month")
    return plural(days // 365, "year")


_ACTIONS = {
    "tennis": "Book a tennis match with {}", "golf": "Book a round of golf with {}",
    "go": "Invite {} to a game of go", "sport": "Invite {} to play sport", "game": "Invite {} to a game",
    "dinner": "Invite {} to dinner", "lunch": "Take {} to lunch", "festival": "Invite {} to the next festival",
    "party": "Invite {} to a party", "gift": "Send {} a gift", "personal_call": "Give {} a personal call",
    "call": "Call {}", "email": "Write to {}",
}


def _suggestion(tie: Tie, name: str, days_since: int | None) -> str:
    """What to do about one cooling tie, in a sentence.

    >>> t = Tie("A", "B", 0.8, 0.7, 0.0, None, None, 0,
    ...         (TypeEvidence("tennis", "personal", 12, date(2026, 7, 1), 4.0),))
    >>> _suggestion(t, "Ann Lee", 120)
    'Book a tennis match with Ann Lee: 4 months since the last one.'
    """
    if days_since is None:
        since = f" since {tie.friendship_since}" if tie.friendship_since else ""
        kind = (tie.friendship_kind or "friend").replace("_", " ")
        return f"Catch up with {name}: {kind}{since}, but no interaction on record."
    personal = [e for e in tie.evidence if e.nature == "personal"]
    pool: list[TypeEvidence] = personal or list(tie.evidence)
    chosen = max(pool, key=lambda e: (e.times, e.last, e.type))
    if chosen.type in _ACTIONS:
        action = _ACTIONS[chosen.type].format(name)
    elif personal:
        action = f"Plan some {chosen.type.replace('_', ' ')} with {name}"
    else:
        action = f"Book a meeting with {name}"
    tail = "since the last one" if chosen.last == tie.last_interaction else "since you last met"
    return f"{action}: {_span(days_since)} {tail}."


def cooling_ties(r: Reader, as_of: date, cfg: Config, days: int = 90) -> list[CoolingTie]:
    """Strong team-contact ties whose last interaction is more than ``days`` before ``as_of``.

    Parameters
    ----------
    r : Reader
        The graph to read.
    as_of : date
        Nothing after this date counts.
    cfg : Config
        Uses ``strong_tie``, ``value_window_days`` and the tie weights.
    days : int, default 90
        A tie is cooling when the two last met more than this many days ago.

    Returns
    -------
    list of CoolingTie
        Most valuable account first (see the module docstring for the order and
        for friendship-only ties).
    """
    accounts = account_organisations(r)
    if not accounts:
        return []
    team, contacts, ties = account_ties(r, accounts, as_of, cfg)
    values = account_values(r, as_of, cfg, {o.id: o for o in accounts})
    org_name = {o.id: o.name for o in accounts}
    found = []
    for member, contact, tie in ties:
        if tie.strength < cfg.strong_tie:
            continue
        last = tie.last_interaction
        days_since = (as_of - last).days if last is not None else None
        if days_since is not None and days_since <= days:
            continue
        if days_since is None and tie.friendship_since is not None and (as_of - tie.friendship_since).days <= days:
            continue
        c = contacts[contact]
        found.append(CoolingTie(member, team[member].name, contact, c.name, c.title, c.org_id,
                                org_name[c.org_id], tie.strength, last, days_since, values[c.org_id].value,
                                _suggestion(tie, c.name, days_since), tie))
    found.sort(key=lambda t: (-t.value, t.strength, -(t.days_since if t.days_since is not None else math.inf),
                              t.rep_id, t.contact_id))
    return found
