"""Reading ties from a reader: the ties around some people, or of exactly some pairs.

A :class:`~graph.store.base.Reader` returns each tie's inputs (:class:`~graph.store.base.TieRow`);
these functions turn them into what analyses use: :class:`~graph.analysis.ties.Tie` objects
with their evidence (:func:`ties_of`, :func:`ties_for_pairs`), or only the numbers
(:func:`tie_strengths`, for analyses over many ties). They never read the whole graph: only
the ties touching the people, or the pairs, they are given.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import NamedTuple

from graph.analysis.config import Config
from graph.analysis.ties import Tie, tie_from_row
from graph.store.base import Reader

__all__ = ["ties_of", "TieStrength", "tie_strengths", "TieCache", "ties_for_pairs"]

Pair = tuple[str, str]


def ties_of(r: Reader, people: Collection[str], as_of: date, cfg: Config,
            other_kinds: Collection[str] | None = None) -> dict[Pair, Tie]:
    """Every tie touching ``people`` as of ``as_of``, with its evidence and shared friends,
    keyed by ``(a, b)`` with ``a < b``.

    ``other_kinds`` limits the other end to people at organisations of those kinds
    (for example ``("customer", "prospect")`` for account contacts).
    """
    if not people:
        return {}
    rows = r.ties(people=people, as_of=as_of, formula=cfg.formula(), detail=True, other_kinds=other_kinds)
    return {(row.a, row.b): tie_from_row(row, cfg) for row in rows}


class TieStrength(NamedTuple):
    """A tie's numbers without its evidence (see :func:`tie_strengths`)."""

    a: str
    b: str
    strength: float
    personal: float
    business: float

    def other(self, person: str) -> str:
        """The other end of the tie."""
        return self.b if person == self.a else self.a


def tie_strengths(r: Reader, people: Collection[str], as_of: date, cfg: Config,
                  other_kinds: Collection[str] | None = None) -> dict[Pair, TieStrength]:
    """The strength of every tie touching ``people``, as :func:`ties_of` computes it, without
    the evidence (one row per tie, no :class:`Tie` objects): for analyses over many ties
    (every rep's ties to every account contact) that only need the numbers."""
    if not people:
        return {}
    strength = cfg.strength
    rows = r.ties(people=people, as_of=as_of, formula=cfg.formula(), detail=False, other_kinds=other_kinds)
    return {(row.a, row.b): TieStrength(row.a, row.b, *strength(row.p, row.q, row.kind, row.shared))
            for row in rows}


class TieCache:
    """Ties already built, shared by many searches in one reader with one configuration (a
    batch such as every warm introduction of ``relmap stages``): each pair is read and built
    once. The searches of a batch share most of their ties (the reps' ties above all).
    Bounded: once it holds ``limit`` pairs it starts again.

    >>> cache = TieCache(limit=2)
    >>> cache.put({("a", "b"): None, ("b", "c"): None}); len(cache)
    2
    >>> cache.put({("c", "d"): None}); len(cache)  # full: started again
    1
    """

    def __init__(self, limit: int = 150_000) -> None:
        self.limit = limit
        self.known: dict[Pair, Tie | None] = {}

    def __len__(self) -> int:
        return len(self.known)

    def missing(self, pairs: Collection[Pair]) -> set[Pair]:
        """The pairs not built yet."""
        return {p for p in pairs if p not in self.known}

    def put(self, built: dict[Pair, Tie | None]) -> None:
        """Keep these pairs' ties (``None``: no tie on that date)."""
        if len(self.known) + len(built) > self.limit:
            self.known.clear()
        self.known.update(built)


def ties_for_pairs(r: Reader, pairs: Collection[Pair], as_of: date, cfg: Config,
                   cache: TieCache | None = None) -> dict[Pair, Tie]:
    """The ties of exactly these pairs (``a < b``; pairs without a tie are left out), with
    evidence and shared friends; with a ``cache``, only the pairs it does not hold are read
    (and then kept there)."""
    if not pairs:
        return {}
    if cache is None:
        return _read_pairs(r, pairs, as_of, cfg)
    missing = cache.missing(pairs)
    built = _read_pairs(r, missing, as_of, cfg) if missing else {}
    out = {p: t for p in pairs if (t := built.get(p) if p in missing else cache.known.get(p)) is not None}
    cache.put({p: built.get(p) for p in missing})
    return out


def _read_pairs(r: Reader, pairs: Collection[Pair], as_of: date, cfg: Config) -> dict[Pair, Tie]:
    rows = r.ties(pairs=pairs, as_of=as_of, formula=cfg.formula(), detail=True)
    return {(row.a, row.b): tie_from_row(row, cfg) for row in rows}
