"""Single-rep dependency risk: which accounts hang on one rep.

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

An account's **value** is our business there (:mod:`graph.analysis.accounts`: the won deals
of the last ``value_window_days`` plus the open pipeline; never the customer's
``annual_revenue``, which is shown as its size). Its **value at risk** is what hangs on the
top rep: ``value * top_share`` where the level is high or medium, 0 where it is low.

Accounts are ordered highest risk first: by level, then by value at risk, then by value,
then by id. What a rep's departure would orphan is :mod:`graph.analysis.departure`.

>>> cfg = Config()
>>> level_of(0.9, 1, cfg), level_of(0.5, 1, cfg), level_of(0.85, 2, cfg), level_of(0.5, 3, cfg)
('high', 'medium', 'medium', 'low')
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from graph.analysis.accounts import ACCOUNT_KINDS, AccountValue, account_values, accounts_of
from graph.analysis.config import Config
from graph.analysis.money import money_cell
from graph.export import write_csv
from graph.store.base import Reader

__all__ = ["RepShare", "AccountRisk", "account_risk", "level_of", "LEVELS", "RISK_COLUMNS", "risk_rows",
           "write_risk_csv"]

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
    won_last_year: float = 0.0
    pipeline: float = 0.0
    annual_revenue: float | None = None

    @property
    def value_at_risk(self) -> float:
        """What hangs on the top rep: ``value * top_share``, or 0 where the risk is low."""
        return 0.0 if self.level == "low" else self.value * self.top_share

    def to_json(self) -> dict[str, Any]:
        return {"org_id": self.org_id, "name": self.name, "value": round(self.value, 2),
                "won_last_year": round(self.won_last_year, 2), "pipeline": round(self.pipeline, 2),
                "annual_revenue": None if self.annual_revenue is None else round(self.annual_revenue, 2),
                "reps": [{"rep_id": r.rep_id, "name": r.name, "share": round(r.share, 6),
                          "strong_contacts": r.strong_contacts} for r in self.reps],
                "top_rep_id": self.top_rep_id, "top_share": round(self.top_share, 6),
                "bus_factor": self.bus_factor, "level": self.level,
                "value_at_risk": round(self.value_at_risk, 2), "assigned": self.assigned,
                "contacts_tied": self.contacts_tied}


def level_of(top_share: float, bus_factor: int, cfg: Config) -> str:
    """The risk level of an account (see the module docstring)."""
    if bus_factor == 1:
        return "high" if top_share >= cfg.risk_medium else "medium"
    if bus_factor >= 2 and top_share >= cfg.risk_high:
        return "medium"
    return "low"


def account_risk(r: Reader, as_of: date, cfg: Config) -> list[AccountRisk]:
    """The single-rep dependency risk of every account, highest risk first.

    The per account and rep sums come from :meth:`Reader.team_sums` (the one read that sums
    tie strengths inside the store: at a million people the reps have over a million ties to
    account contacts); the shares, bus factors and levels are worked out here.
    """
    summed = r.team_sums(as_of, cfg.formula(), cfg.role_weights, cfg.strong_tie, ACCOUNT_KINDS)
    names = {p.id: p.name for p in r.people(kinds=["own"], role="rep")}
    assignments = r.accounts()
    orgs = accounts_of(r, assignments)
    values = account_values(r, as_of, cfg, orgs)
    held: dict[str, list[tuple[str, float, int]]] = defaultdict(list)  # (rep, weighted, strong) per account
    for oid, rep, w, n in summed.shares:
        if oid in orgs:
            held[oid].append((rep, w, n))
    assigned: dict[str, list[str]] = defaultdict(list)
    for a in sorted(assignments, key=lambda a: (a.role != "owner", a.rep_id)):
        assigned[a.org_id].append(a.rep_id)
    out = []
    nothing_yet, none_held = AccountValue(), list[tuple[str, float, int]]()
    for oid, org in orgs.items():
        tied = held.get(oid, none_held)
        total = sum(w for _, w, _ in tied)
        bus = sum(1 for _, _, n in tied if n > 0)
        if total <= 0:
            shares: list[RepShare] = []
        else:  # largest share first, then by rep id
            shares = [RepShare(rep, names[rep], w / total, n) for rep, w, n in tied]
            if len(shares) > 1:
                shares.sort(key=lambda s: (-s.share, s.rep_id))
        top_rep, top_share = (shares[0].rep_id, shares[0].share) if shares else (None, 0.0)
        value = values.get(oid, nothing_yet)
        out.append(AccountRisk(
            oid, org.name, value.value, shares, top_rep, top_share, bus,
            level_of(top_share, bus, cfg) if shares else "low", assigned.get(oid) or [],
            summed.reach.get(oid, 0), value.won_last_year, value.pipeline, org.annual_revenue))
    rank = {level: i for i, level in enumerate(LEVELS)}
    out.sort(key=lambda a: (rank[a.level], -round(a.value_at_risk, 6), -round(a.value, 6), a.org_id))
    return out


#: The risk table as CSV (``relmap risk --csv``, the dashboard's download): money as whole numbers
#: without separators or currency (:func:`graph.analysis.money.money_cell`), so that a spreadsheet
#: reads them as numbers in any locale; ``annual_revenue`` is the customer's size, empty when not given.
RISK_COLUMNS = ("level", "org_id", "account", "value", "won_last_year", "pipeline", "value_at_risk",
                "annual_revenue", "top_rep_id", "top_rep", "top_share", "bus_factor", "contacts_tied", "assigned")


def risk_rows(accounts: list[AccountRisk]) -> list[list[Any]]:
    """The rows of :data:`RISK_COLUMNS`, in the order given."""
    return [[a.level, a.org_id, a.name, money_cell(a.value), money_cell(a.won_last_year), money_cell(a.pipeline),
             money_cell(a.value_at_risk), "" if a.annual_revenue is None else money_cell(a.annual_revenue),
             a.top_rep_id or "", a.reps[0].name if a.reps else "", f"{a.top_share:.3f}", a.bus_factor,
             a.contacts_tied, ";".join(a.assigned)] for a in accounts]


def write_risk_csv(accounts: list[AccountRisk], path: Path) -> int:
    """Write the risk table as a spreadsheet-safe CSV; return the number of rows."""
    return write_csv(path, RISK_COLUMNS, risk_rows(accounts))
