"""When a store's materialised pair evidence can answer, and how much it has faded.

At every load a store keeps, per pair of people, type and nature, how often they met,
when last, and the recency-weighted mass *as of the newest interaction* (the reference
date), with the default half-life (:data:`graph.model.EVIDENCE_HALF_LIFE_DAYS`). As of
any later date every interaction has faded by the same factor, so one multiplication
makes the stored mass exact; an earlier date or another half-life is answered live.

>>> fade_factor(date(2026, 11, 20), 180.0, date(2026, 11, 20), 180.0)
1.0
>>> round(fade_factor(date(2026, 11, 20), 180.0, date(2027, 5, 19), 180.0), 6)
0.5
>>> fade_factor(date(2026, 11, 20), 180.0, date(2026, 1, 1), 180.0) is None  # before the newest interaction
True
>>> fade_factor(date(2026, 11, 20), 180.0, date(2027, 1, 1), 90.0) is None  # another half-life
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

__all__ = ["fade_factor", "Weights", "weigh"]


def fade_factor(ref: date | None, stored_half_life: float, as_of: date, half_life: float | None) -> float | None:
    """The factor turning stored masses (as of ``ref``) into masses as of ``as_of``, or ``None``
    when the stored evidence cannot answer. ``ref`` is ``None`` when there are no
    interactions (nothing to fade). ``half_life=None`` asks only whether the stored
    *pairs* are valid on that date (every interaction on or before it)."""
    if half_life is not None and float(half_life) != float(stored_half_life):
        return None
    if ref is None:
        return 1.0
    age = (as_of - ref).days
    if age < 0:
        return None
    return float(2.0 ** (-age / float(stored_half_life)))


#: Type weights for :meth:`Store.weighted_evidence`: ``{(type, nature): weight}``, plus the
#: default weight of each nature under the keys ``("*", "personal")`` and ``("*", "business")``.
Weights = Mapping[tuple[str, str], float]


def weigh(events: Iterable[Any], weights: Weights) -> list[tuple[str, str, float, float]]:
    """``(person, other, personal, business)``: the type-weighted masses of event aggregates
    (:class:`graph.model.EventAggregate`), summed per (person, other).

    >>> from graph.model import EventAggregate
    >>> w = {("tennis", "personal"): 1.0, ("*", "personal"): 0.5, ("*", "business"): 0.3}
    >>> weigh([EventAggregate("a", "b", "tennis", "personal", 3, date(2026, 1, 1), 2.0),
    ...        EventAggregate("a", "b", "call", "business", 1, date(2026, 1, 1), 1.0)], w)
    [('a', 'b', 2.0, 0.3)]
    """
    out: dict[tuple[str, str], list[float]] = {}
    for e in events:
        w = weights.get((e.type, e.nature), weights[("*", e.nature)])
        row = out.setdefault((e.person, e.other), [0.0, 0.0])
        row[0 if e.nature == "personal" else 1] += w * e.mass
    return [(a, b, p, q) for (a, b), (p, q) in out.items()]
