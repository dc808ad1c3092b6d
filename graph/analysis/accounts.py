"""What the analyses call an account, and what an account is worth.

An **account** is an organisation of kind ``customer``, ``prospect`` or ``partner``,
or any organisation a rep is assigned to in ``accounts.csv``. Its **value** is the
sum of its won deals closed in the ``value_window_days`` before ``as_of``; without
such deals, its ``annual_revenue``; else 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from graph.analysis.config import Config
from graph.model import Account, Organisation
from graph.store.base import Store

__all__ = ["ACCOUNT_KINDS", "accounts_of", "account_values"]

#: Organisation kinds that are accounts.
ACCOUNT_KINDS = ("customer", "prospect", "partner")


def accounts_of(store: Store, assignments: Iterable[Account] | None = None) -> dict[str, Organisation]:
    """Every account, by id (``assignments``: :meth:`Store.accounts`, when the caller has read them)."""
    orgs = {o.id: o for o in store.organisations(kinds=ACCOUNT_KINDS)}
    assigned = {a.org_id for a in (store.accounts() if assignments is None else assignments)} - set(orgs)
    if assigned:
        orgs |= {o.id: o for o in store.organisations(ids=assigned)}
    return dict(sorted(orgs.items()))


def account_values(store: Store, as_of: date, cfg: Config, orgs: dict[str, Organisation] | None = None
                   ) -> dict[str, float]:
    """Each account's value (see the module docstring)."""
    orgs = orgs if orgs is not None else accounts_of(store)
    since = as_of - timedelta(days=cfg.value_window_days)
    won: dict[str, float] = {}
    for d in store.deals():
        if d.status == "won" and d.closed_on is not None and since < d.closed_on <= as_of:
            won[d.org_id] = won.get(d.org_id, 0.0) + d.amount
    return {oid: won.get(oid) or (o.annual_revenue or 0.0) for oid, o in orgs.items()}
