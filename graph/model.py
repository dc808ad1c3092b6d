"""The relmap data model: vocabularies, table columns and the validated dataset.

This module is the single source of truth for what a row of each kind holds.
Ingest produces a :class:`Dataset`; every store writes and reads one.

Graph model (as stored in Neo4j; the embedded store keeps the same facts in tables)::

    (:Person)-[:WORKS_AT]->(:Organisation)
    (:Person)-[:KNOWS {kind, since}]->(:Person)        undirected tie, stored once
    (:Person)-[:ATTENDED]->(:Interaction {id, date, type, nature, notes})
    (:Interaction)-[:ABOUT]->(:Organisation)
    (:Person)-[:COVERS {role, since}]->(:Organisation)  a rep covering an account
    (:Deal {id, amount, status, closed_on, product})-[:FOR]->(:Organisation)
    (:Person)-[:HANDLES]->(:Deal)                        the rep on the deal

>>> PERSONAL_TYPES & BUSINESS_TYPES
frozenset()
>>> default_nature("tennis"), default_nature("demo"), default_nature("hackathon")
('personal', 'business', None)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from collections.abc import Iterator
from typing import NamedTuple, Protocol, TypeVar

__all__ = [
    "pair",
    "ORG_KINDS",
    "ROLES",
    "FRIEND_KINDS",
    "NATURES",
    "ACCOUNT_ROLES",
    "DEAL_STATUSES",
    "PERSONAL_TYPES",
    "BUSINESS_TYPES",
    "TABLES",
    "Organisation",
    "Person",
    "Friendship",
    "Interaction",
    "Account",
    "Deal",
    "Dataset",
    "EVIDENCE_HALF_LIFE_DAYS",
    "PERSONAL_TYPE_WEIGHTS",
    "BUSINESS_TYPE_WEIGHTS",
    "DEFAULT_TYPE_WEIGHT",
    "default_nature",
]

#: The half-life (days) of the interaction evidence stores keep ready at every load: the
#: default of :class:`graph.analysis.config.Config`. Another half-life is computed live.
EVIDENCE_HALF_LIFE_DAYS = 180.0

#: The weight of one interaction of each type: the defaults of
#: :class:`graph.analysis.config.Config` (``personal_types``, ``business_types``), which
#: are also the weights a load keeps the team's ties with when it is given none.
PERSONAL_TYPE_WEIGHTS = {"tennis": 1.0, "go": 1.0, "golf": 1.0, "sport": 0.9, "dinner": 1.0, "festival": 0.8,
                         "party": 0.7, "game": 0.7, "lunch": 0.6, "gift": 0.5, "personal_call": 0.5}
BUSINESS_TYPE_WEIGHTS = {"contract": 0.8, "negotiation": 0.7, "meeting": 0.6, "visit": 0.6, "demo": 0.5,
                         "proposal": 0.5, "training": 0.4, "call": 0.3, "support": 0.3, "conference": 0.2,
                         "email": 0.15}
#: The weight of an interaction type listed in neither table, by nature.
DEFAULT_TYPE_WEIGHT = {"personal": 0.6, "business": 0.3}

ORG_KINDS = ("own", "customer", "prospect", "partner", "other")
ROLES = ("rep", "manager", "decision_maker", "influencer", "user", "other")
FRIEND_KINDS = ("friend", "family", "alumni", "club", "former_colleague", "other")
NATURES = ("personal", "business")
ACCOUNT_ROLES = ("owner", "support")
DEAL_STATUSES = ("won", "lost", "open")

PERSONAL_TYPES = frozenset(
    {"dinner", "lunch", "sport", "tennis", "golf", "go", "game", "festival", "party", "gift", "personal_call"}
)
BUSINESS_TYPES = frozenset(
    {"meeting", "call", "email", "demo", "visit", "proposal", "negotiation", "contract",
     "support", "training", "conference"}
)

#: The six kinds of record, in the order they are validated and written.
TABLES = ("organisations", "people", "friendships", "interactions", "accounts", "deals")


def pair(x: str, y: str) -> tuple[str, str]:
    """Two people as an undirected pair, the smaller id first (how ties and friendships are
    keyed).

    >>> pair("P-2", "P-1")
    ('P-1', 'P-2')
    """
    return (x, y) if x < y else (y, x)


def default_nature(interaction_type: str) -> str | None:
    """The nature (``personal`` or ``business``) a known interaction type implies."""
    if interaction_type in PERSONAL_TYPES:
        return "personal"
    if interaction_type in BUSINESS_TYPES:
        return "business"
    return None


class Organisation(NamedTuple):
    id: str
    name: str
    kind: str
    industry: str | None = None
    annual_revenue: float | None = None


class Person(NamedTuple):
    id: str
    name: str
    org_id: str
    title: str | None = None
    role: str = "other"
    email: str | None = None


class Friendship(NamedTuple):
    """An undirected tie, always stored with ``person_a < person_b``."""

    person_a: str
    person_b: str
    kind: str = "friend"
    since: date | None = None


class Interaction(NamedTuple):
    """An interaction; ``nature`` is the effective one (the row's, else the type's)."""

    id: str
    date: date
    type: str
    nature: str
    participants: tuple[str, ...]
    org_id: str | None = None
    notes: str | None = None


class Account(NamedTuple):
    org_id: str
    rep_id: str
    role: str = "owner"
    since: date | None = None


class Deal(NamedTuple):
    id: str
    org_id: str
    amount: float
    status: str
    rep_id: str | None = None
    closed_on: date | None = None
    product: str | None = None


T_co = TypeVar("T_co", covariant=True)


class Rows(Protocol[T_co]):
    """A table's rows: a list, or rows kept on disk and read in turn."""

    def __iter__(self) -> Iterator[T_co]: ...

    def __len__(self) -> int: ...


@dataclass
class Dataset:
    """Everything one ingest writes: validated, referentially whole rows.

    >>> d = Dataset(organisations=[Organisation("O1", "Acme", "customer")])
    >>> d.counts()["organisations"], d.counts()["people"]
    (1, 0)
    """

    organisations: Rows[Organisation] = field(default_factory=list)
    people: Rows[Person] = field(default_factory=list)
    friendships: Rows[Friendship] = field(default_factory=list)
    interactions: Rows[Interaction] = field(default_factory=list)
    accounts: Rows[Account] = field(default_factory=list)
    deals: Rows[Deal] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Row count of each table, in :data:`TABLES` order."""
        return {t: len(getattr(self, t)) for t in TABLES}

    def sorted(self) -> "Dataset":
        """A copy with every table sorted by its key (for comparisons)."""
        return Dataset(
            organisations=sorted(self.organisations),
            people=sorted(self.people),
            friendships=sorted(self.friendships, key=lambda f: (f.person_a, f.person_b)),
            interactions=sorted(self.interactions, key=lambda i: i.id),
            accounts=sorted(self.accounts, key=lambda a: (a.org_id, a.rep_id)),
            deals=sorted(self.deals, key=lambda d: d.id),
        )
