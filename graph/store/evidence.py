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

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from graph.model import BUSINESS_TYPE_WEIGHTS, DEFAULT_TYPE_WEIGHT, EVIDENCE_HALF_LIFE_DAYS, PERSONAL_TYPE_WEIGHTS

__all__ = ["fade_factor", "Weights", "weigh", "weights_of", "weights_key", "DEFAULT_WEIGHTS", "TieFormula",
           "team_factor", "pair_friendships_from"]


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


def weights_of(personal_types: Mapping[str, float], business_types: Mapping[str, float],
               default_personal: float, default_business: float) -> dict[tuple[str, str], float]:
    """The :data:`Weights` of two type tables and the two natures' defaults.

    >>> weights_of({"tennis": 1.0}, {}, 0.6, 0.3)
    {('tennis', 'personal'): 1.0, ('*', 'personal'): 0.6, ('*', 'business'): 0.3}
    """
    out = {(t, "personal"): float(w) for t, w in personal_types.items()}
    out.update({(t, "business"): float(w) for t, w in business_types.items()})
    out[("*", "personal")], out[("*", "business")] = float(default_personal), float(default_business)
    return out


#: The weights a load keeps the team's ties with when it is given none (the configuration's defaults).
DEFAULT_WEIGHTS: Weights = weights_of(PERSONAL_TYPE_WEIGHTS, BUSINESS_TYPE_WEIGHTS, DEFAULT_TYPE_WEIGHT["personal"],
                                      DEFAULT_TYPE_WEIGHT["business"])


def weights_key(weights: Weights) -> str:
    """A canonical text of ``weights``: equal weights give equal keys (stored with the team ties).

    >>> weights_key({("b", "business"): 0.5, ("a", "personal"): 1})
    '[["a", "personal", 1.0], ["b", "business", 0.5]]'
    """
    return json.dumps(sorted([t, n, float(w)] for (t, n), w in weights.items()))


class TieFormula(NamedTuple):
    """The parameters of the tie-strength formula (:mod:`graph.analysis.ties`), for a store that
    computes strengths itself. :meth:`graph.analysis.config.Config.formula` makes one."""

    half_life_days: float
    weights: Weights
    friendship: Mapping[str, float]
    friendship_other: float
    personal_saturation: float
    business_saturation: float
    business_share: float
    shared_friend_bonus: float
    shared_friend_saturation: float

    def query_params(self) -> dict[str, float]:
        """The formula's numbers under the parameter names both stores' kept-ties queries use
        (``fother``, ``ps``, ``bs``, ``bshare``, ``bonus``, ``ss``); each store adds the
        friendship table in its own form."""
        return {"fother": self.friendship_other, "ps": self.personal_saturation, "bs": self.business_saturation,
                "bshare": self.business_share, "bonus": self.shared_friend_bonus, "ss": self.shared_friend_saturation}


def team_factor(meta: Mapping[str, str], as_of: date, formula: TieFormula | None) -> float | None:
    """The fade factor for a store's kept team ties (see :meth:`graph.store.base.Store.team_ties`),
    or ``None`` when they cannot answer exactly: kept by another load (or none), with other
    type weights, another half-life, or ``as_of`` before the newest interaction or the
    newest dated friendship. With ``formula=None`` only whether the kept *pairs* are every
    tie on that date (for reads of ids only).

    ``meta`` holds the store's ``revision``, ``team_revision``, ``team_weights`` (see
    :func:`weights_key`), ``evidence_ref``, ``evidence_half_life`` and ``friend_ref``
    (ISO dates, or empty).

    >>> meta = {"revision": "r1", "team_revision": "r1", "team_weights": weights_key(DEFAULT_WEIGHTS),
    ...         "evidence_ref": "2026-11-20", "evidence_half_life": "180.0", "friend_ref": "2026-01-01"}
    >>> f = TieFormula(180.0, DEFAULT_WEIGHTS, {}, 0.25, 3.0, 4.0, 0.8, 0.3, 2.0)
    >>> team_factor(meta, date(2026, 11, 20), f)
    1.0
    >>> team_factor(meta | {"team_revision": "r0"}, date(2026, 11, 20), f) is None  # kept by an older load
    True
    >>> team_factor(meta, date(2026, 11, 20), f._replace(weights={("*", "personal"): 1.0})) is None
    True
    >>> team_factor(meta, date(2026, 11, 20), None)  # the pairs, whatever the weights
    1.0
    """
    if not meta.get("revision") or meta.get("team_revision") != meta["revision"]:
        return None
    if formula is not None and meta.get("team_weights") != weights_key(formula.weights):
        return None
    friend_ref = meta.get("friend_ref")
    if friend_ref and as_of < date.fromisoformat(friend_ref):
        return None
    ref = meta.get("evidence_ref")
    return fade_factor(date.fromisoformat(ref) if ref else None,
                       float(meta.get("evidence_half_life") or EVIDENCE_HALF_LIFE_DAYS), as_of,
                       formula.half_life_days if formula is not None else None)


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


def pair_friendships_from(pairs: Collection[tuple[str, str]], friendships_of: Callable[[set[str]], Iterable[Any]]
                          ) -> list[tuple[str, str, str | None, date | None, int]]:
    """``(a, b, kind, since, shared)`` for each of ``pairs`` (see
    :meth:`graph.store.base.Store.pair_friendships`), from every friendship of the pairs'
    ends, read with ``friendships_of(ends)`` (:class:`graph.model.Friendship`,
    ``person_a < person_b``): a read of those, counted here, costs less than a count per
    pair in the store (0.6 of the time at 1M people on Neo4j: 469 against 766 ms over 20
    path queries).

    >>> from graph.model import Friendship
    >>> known = [Friendship("a", "b", "club", date(2020, 1, 1)), Friendship("a", "c", None, None),
    ...          Friendship("b", "c", None, None)]
    >>> pair_friendships_from([("a", "b"), ("c", "d")], lambda ends: known)
    [('a', 'b', 'club', datetime.date(2020, 1, 1), 1), ('c', 'd', None, None, 0)]
    >>> pair_friendships_from([], lambda ends: known)
    []
    """
    wanted = sorted(set(pairs))
    if not wanted:
        return []
    friends: dict[str, set[str]] = {}
    declared: dict[tuple[str, str], Any] = {}
    for f in friendships_of({x for pair in wanted for x in pair}):
        friends.setdefault(f.person_a, set()).add(f.person_b)
        friends.setdefault(f.person_b, set()).add(f.person_a)
        declared[(f.person_a, f.person_b)] = f
    none: set[str] = set()
    out: list[tuple[str, str, str | None, date | None, int]] = []
    for a, b in wanted:
        found = declared.get((a, b))
        out.append((a, b, found.kind if found else None, found.since if found else None,
                    len(friends.get(a, none) & friends.get(b, none))))
    return out
