"""Tie strength: how well two people know each other, with the evidence that says so.

A tie's strength comes from its evidence as of a date (nothing after it counts): the
declared friendship, the interactions both attended (each weighted by its type, faded by
its age and shared among its participants) and the friends the two have in common. The
formulas are defined once, in :mod:`graph.formula` (:data:`~graph.formula.TIE_STRENGTH`,
:data:`~graph.formula.MASS`, :data:`~graph.formula.WEIGHT`); a reader returns each tie's
inputs as a :class:`~graph.store.base.TieRow`, and this module turns it into a :class:`Tie`
and explains it in words. The selling model behind the numbers is in ``docs/domain.md``.

Every weight lives in :class:`graph.analysis.config.Config`.

>>> from datetime import date
>>> cfg = Config()
>>> weekly_tennis = TypeEvidence("tennis", "personal", 52, date(2026, 11, 21), 30.0)
>>> tie = make_tie("A", "B", None, None, [weekly_tennis], 0, cfg)
>>> round(tie.strength, 3), round(tie.personal, 3), tie.business
(1.0, 1.0, 0.0)
>>> email = TypeEvidence("email", "business", 1, date(2025, 1, 10), 0.2)
>>> round(make_tie("A", "C", None, None, [email], 0, cfg).strength, 4)
0.006
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from graph.analysis.config import Config
from graph.analysis.words import plural
from graph.formula import MIN_STRENGTH
from graph.store.base import Evidence, TieRow

__all__ = ["TypeEvidence", "Tie", "make_tie", "tie_from_row", "tie_graph", "MIN_STRENGTH"]

#: The interactions of one type and nature between the two people of a tie.
TypeEvidence = Evidence


@dataclass(frozen=True, slots=True)
class Tie:
    """A tie between ``a`` and ``b`` (``a < b``) with its components and evidence."""

    a: str
    b: str
    strength: float
    personal: float
    business: float
    friendship_kind: str | None
    friendship_since: date | None
    shared_friends: int
    evidence: tuple[TypeEvidence, ...]

    @property
    def last_interaction(self) -> date | None:
        """The date of the latest interaction between the two, if any."""
        return max((e.last for e in self.evidence), default=None)

    def other(self, person: str) -> str:
        """The other end of the tie."""
        return self.b if person == self.a else self.a

    def explain(self) -> list[str]:
        """Human sentences for the evidence, strongest kind first.

        >>> from datetime import date
        >>> t = Tie("A", "B", 0.8, 0.7, 0.1, "club", date(2022, 3, 1), 2,
        ...         (TypeEvidence("tennis", "personal", 34, date(2026, 11, 14), 20.0),))
        >>> t.explain()
        ['club friends since 2022-03-01', '34 tennis, last 2026-11-14', '2 shared friends']
        >>> Tie("A", "B", 0.3, 0.0, 0.3, None, None, 1, (TypeEvidence("meeting", "business", 4, date(2026, 9, 1), 2.0),
        ...     TypeEvidence("personal_call", "personal", 1, date(2026, 5, 2), 0.5))).explain()
        ['4 meetings, last 2026-09-01', '1 personal call, last 2026-05-02', '1 shared friend']
        """
        lines = []
        if self.friendship_kind:
            kind = {"friend": "friends", "family": "family", "alumni": "alumni", "club": "club friends",
                    "former_colleague": "former colleagues"}.get(self.friendship_kind, "acquainted")
            lines.append(f"{kind} since {self.friendship_since}" if self.friendship_since else kind)
        for e in sorted(self.evidence, key=lambda e: (-e.mass, e.type, e.nature)):
            lines.append(f"{plural(e.times, e.type.replace('_', ' '))}, last {e.last}")
        if self.shared_friends:
            lines.append(plural(self.shared_friends, "shared friend"))
        return lines

    def to_json(self) -> dict[str, Any]:
        """The tie's numbers and evidence as JSON data."""
        return {
            "a": self.a, "b": self.b, "strength": round(self.strength, 6),
            "personal": round(self.personal, 6), "business": round(self.business, 6),
            "friendship": ({"kind": self.friendship_kind,
                            "since": self.friendship_since.isoformat() if self.friendship_since else None}
                           if self.friendship_kind else None),
            "interactions": [{"type": e.type, "nature": e.nature, "count": e.times, "last": e.last.isoformat()}
                             for e in sorted(self.evidence, key=lambda e: (-e.mass, e.type, e.nature))],
            "shared_friends": self.shared_friends,
            "explanation": self.explain(),
        }


def make_tie(a: str, b: str, friendship_kind: str | None, friendship_since: date | None,
             evidence: Iterable[TypeEvidence], shared_friends: int, cfg: Config) -> Tie:
    """One tie from its evidence (see the module docstring): the type-weighted personal and
    business masses summed in (type, nature) order, as a reader sums a :class:`TieRow`'s
    ``p`` and ``q``."""
    a, b = (a, b) if a < b else (b, a)
    ev = tuple(sorted(evidence, key=lambda e: (e.type, e.nature)))
    p = sum(cfg.type_weight(e.type, e.nature) * e.mass for e in ev if e.nature == "personal")
    q = sum(cfg.type_weight(e.type, e.nature) * e.mass for e in ev if e.nature == "business")
    strength, personal, business = cfg.strength(p, q, friendship_kind, shared_friends)
    return Tie(a, b, strength, personal, business, friendship_kind, friendship_since, shared_friends, ev)


def tie_from_row(row: TieRow, cfg: Config) -> Tie:
    """The :class:`Tie` of a reader's row (read with ``detail``: its ``since`` and evidence).

    >>> from datetime import date
    >>> row = TieRow("A", "B", "club", 0, 0.0, 0.0, date(2022, 3, 1))
    >>> t = tie_from_row(row, Config())
    >>> round(t.strength, 2), t.explain()
    (0.45, ['club friends since 2022-03-01'])
    """
    strength, personal, business = cfg.strength(row.p, row.q, row.kind, row.shared)
    return Tie(row.a, row.b, strength, personal, business, row.kind, row.since, row.shared, row.evidence)


def tie_graph(ties: Iterable[Tie]) -> nx.Graph:
    """An undirected graph of people; each edge has ``strength`` and the ``tie`` itself.

    >>> g = tie_graph([make_tie("A", "B", "friend", None, [], 0, Config())])
    >>> round(g["A"]["B"]["strength"], 2)
    0.55
    """
    G = nx.Graph()
    G.add_edges_from((t.a, t.b, {"strength": t.strength, "tie": t}) for t in ties)
    return G
