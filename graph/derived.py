"""Derived data: what every store keeps ready at load so that reads are fast, defined once.

Both stores keep the same content, each in its own native form (the SQLite tables and the
Neo4j relationships and properties are listed in ``docs/architecture.md``), built from the
input rows by one builder per store, :meth:`graph.store.base.Store.rebuild`:

**Per pair of people** ``(a, b)``, ``a < b``, with a *tie*: an interaction both attended, or a
declared friendship.

- *evidence*: per (type, nature) of their interactions, how many (``n``), the last date
  (``last``) and the evidence mass (:data:`graph.formula.MASS`) summed as of the reference
  date ``ref`` with the half-life ``half_life`` of the stamp below;
- the declared friendship's ``kind`` and ``since`` (none without one);
- ``shared``: how many friends (declared friendships) the two have in common.
- (the embedded store) ``p`` and ``q``, the type-weighted personal and business evidence as
  the team ties keep it (weights: the stamp's ``weights``), so a tie's strength for the team
  routes is one expression of its own row.

**Per person**: ``ties``, their number of ties (what expanding them costs a path search).

**Per organisation**:

- *activity*: per nature of the interactions about it, ``n``, ``last`` and the decayed count
  (:data:`graph.formula.DECAY`) as of ``ref``;
- *team ties*: every tie between a team member (anyone at an ``own`` organisation) and one of
  its people, with the person's ``role``, the type-weighted personal and business masses
  ``p`` and ``q`` as of ``ref`` (weights: the stamp's ``weights``), the friendship's ``kind``
  and ``shared``; and ``reach``, how many of its people any rep has a tie to.

**Per person** ``y``, the *team routes* (what a search from every rep meets): the people ``m``
through whom a rep reaches ``y`` in two hops (rep - ``m`` - ``y``, ``m`` not a rep), the
:data:`ROUTE_LIMIT` strongest, each with ``v = strength(m, y) * strength(best rep, m)`` as of
``ref`` (the best rep other than ``y``), strongest first. Tie strengths only fade after
``ref``, so ``v`` bounds every route through ``m`` at any later date, and the last ``v`` of a
full list bounds every route through anyone not listed. Each person's two best reps (the
strongest ties to reps, with their strengths) are kept beside them, so that a refresh finds
the routes a change moves. They are computed with
:func:`route_formula` (the stamp's ``routes`` key says which): a search with other settings
does not use them.

**The stamp** (:class:`Stamp`) says what the derived data was built from; :func:`usable` is
the one check of whether it answers a read as of a date, made once per reader. When it
does not (an earlier date, another half-life, derived data being rebuilt), the stores
compute the same rows from the input rows, slower.

**When it is built**: by every load, for everyone; by ``relmap rebuild`` (to keep the team's
ties with other type weights); and, for the people a change touches, by
:meth:`~graph.store.base.Store.rebuild` with ``people`` (:func:`touched` says what a set
of people touches).

>>> s = Stamp("r1", "r1", date(2026, 11, 20), date(2026, 11, 20), date(2026, 1, 1), 180.0, "w")
>>> usable(s, date(2026, 11, 20), 180.0).factor
1.0
>>> usable(s, date(2027, 5, 19), 180.0).factor
0.5
>>> usable(s, date(2026, 11, 1), 180.0).factor is None  # before the newest interaction
True
>>> usable(s, date(2026, 12, 1), 90.0).ties, usable(s, date(2026, 12, 1), 90.0).factor  # another half-life
(True, None)
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from graph.formula import DEFAULT_WEIGHTS, TieFormula, weights_key
from graph.model import EVIDENCE_HALF_LIFE_DAYS, Interaction, pair

__all__ = ["SCHEMA_VERSION", "Stamp", "Usable", "usable", "fade", "touched", "HALF_LIFE", "DEFAULT_WEIGHTS",
           "weights_key", "ROUTE_LIMIT", "route_formula", "routes_key", "routes_answer", "PART_LIMIT", "worth_a_part",
           "Scope"]

#: The shape of what a store keeps (input and derived data). A store written by another
#: schema is refused by readers (exit 3: run the same ingest again, which rewrites it).
#: 5: derived data as one concept, the same on both stores. 6: the team routes. 7: each tie's
#: type-weighted evidence (the embedded store). 8: the same on Neo4j (``TIE.p``, ``TIE.q``).
SCHEMA_VERSION = 8

#: How many two-hop routes to each person the team routes keep.
ROUTE_LIMIT = 6

#: The half-life of the kept evidence masses: the configuration's default.
HALF_LIFE = EVIDENCE_HALF_LIFE_DAYS


@dataclass(frozen=True)
class Stamp:
    """What the derived data was built from.

    ``revision`` is the load the input rows come from; ``built`` the load the derived data was
    built for (equal when it is complete; empty while it is rebuilt); ``ref`` the date masses
    are kept as of; ``newest`` the newest interaction's date and ``friend_ref`` the newest
    friendship's (``None`` when there are none: an empty store, or no dated friendship);
    ``half_life`` the masses' half-life; ``weights`` the :func:`~graph.formula.weights_key` of
    the type weights the team ties' ``p`` and ``q`` were summed with; ``routes`` the
    :func:`routes_key` of the settings the team routes were computed with (empty: none kept).
    """

    revision: str | None
    built: str | None
    ref: date | None
    newest: date | None
    friend_ref: date | None
    half_life: float = HALF_LIFE
    weights: str = ""
    routes: str = ""

    def to_text(self) -> dict[str, str]:
        """The stamp as text values (how both stores keep it)."""
        return {"revision": self.revision or "", "built": self.built or "",
                "ref": self.ref.isoformat() if self.ref else "", "newest": self.newest.isoformat() if self.newest else "",
                "friend_ref": self.friend_ref.isoformat() if self.friend_ref else "",
                "half_life": repr(float(self.half_life)), "weights": self.weights, "routes": self.routes}

    @classmethod
    def from_text(cls, values: Mapping[str, str | None]) -> "Stamp":
        """The stamp kept as :meth:`to_text` values (missing keys: nothing built).

        >>> Stamp.from_text(Stamp("r", "r", None, None, None).to_text()) == Stamp("r", "r", None, None, None)
        True
        """
        def day(key: str) -> date | None:
            v = values.get(key)
            return date.fromisoformat(v) if v else None

        return cls(values.get("revision") or None, values.get("built") or None, day("ref"), day("newest"),
                   day("friend_ref"), float(values.get("half_life") or HALF_LIFE), values.get("weights") or "",
                   values.get("routes") or "")


class Usable(NamedTuple):
    """What the derived data answers as of one date (see :func:`usable`).

    ``ties``: the kept pairs are every tie as of the date, with its friendship and shared
    friends; ``factor``: the kept masses times this are the masses as of the date (``None``:
    they cannot answer); ``weights``: the :func:`~graph.formula.weights_key` the team ties
    were summed with (their ``p`` and ``q`` answer only for that table).
    """

    ties: bool
    factor: float | None
    weights: str


#: Nothing answers.
NOTHING = Usable(False, None, "")


def fade(ref: date | None, half_life: float, as_of: date) -> float:
    """How much masses kept as of ``ref`` have faded by ``as_of`` (``as_of >= ref``).

    >>> fade(date(2026, 1, 1), 180.0, date(2026, 6, 30))
    0.5
    """
    if ref is None:
        return 1.0
    return float(2.0 ** (-(as_of - ref).days / float(half_life)))


def usable(stamp: Stamp | None, as_of: date, half_life: float | None) -> Usable:
    """Whether the derived data answers reads as of ``as_of`` with masses of ``half_life``
    (``None``: ids only). It does when it was built for the current load and every
    interaction and friendship it counts is on or before ``as_of``; its masses also need
    the same half-life.
    """
    if stamp is None or not stamp.revision or stamp.built != stamp.revision:
        return NOTHING
    if (stamp.newest is not None and as_of < stamp.newest) or (stamp.friend_ref is not None and as_of < stamp.friend_ref):
        return NOTHING
    if stamp.ref is not None and as_of < stamp.ref:
        return NOTHING
    factor = (fade(stamp.ref, stamp.half_life, as_of)
              if half_life is not None and float(half_life) == float(stamp.half_life) else None)
    return Usable(True, factor, stamp.weights)


def route_formula(weights: Mapping[str, float]) -> TieFormula:
    """The tie-strength settings the team routes are computed with: the defaults, with the
    type ``weights`` of the team ties and the kept half-life."""
    from graph.analysis.config import Config

    return Config().formula()._replace(weights=dict(weights), half_life_days=HALF_LIFE)


def routes_key(formula: TieFormula) -> str:
    """The settings of ``formula`` that tie strengths depend on, as one text (what the
    stamp's ``routes`` keeps).

    >>> routes_key(route_formula(DEFAULT_WEIGHTS)) == routes_key(route_formula(dict(DEFAULT_WEIGHTS)))
    True
    """
    params = formula.params("cypher")
    params["half_life_days"] = float(formula.half_life_days)
    return json.dumps(params, sort_keys=True)


def routes_answer(stamp: Stamp | None, as_of: date, formula: TieFormula) -> bool:
    """Whether the kept team routes bound every two-hop route as of ``as_of`` with
    ``formula``: the derived data answers as of that date (:func:`usable`) and the routes
    were computed with the same settings.

    >>> s = Stamp("r", "r", date(2026, 1, 1), date(2026, 1, 1), None, HALF_LIFE, "w",
    ...           routes_key(route_formula(DEFAULT_WEIGHTS)))
    >>> routes_answer(s, date(2026, 2, 1), route_formula(DEFAULT_WEIGHTS))
    True
    >>> routes_answer(s, date(2025, 12, 1), route_formula(DEFAULT_WEIGHTS))  # before ref
    False
    """
    return usable(stamp, as_of, None).ties and stamp is not None and bool(stamp.routes) \
        and stamp.routes == routes_key(formula)


#: A rebuild for some people builds everything instead when they touch more than this share
#: of everyone: rebuilding most of the graph person by person costs more than building it whole.
PART_LIMIT = 0.2


def worth_a_part(scope: int, everyone: int) -> bool:
    """Whether rebuilding what touches ``scope`` people of ``everyone`` beats building everything.

    >>> worth_a_part(100, 1000), worth_a_part(300, 1000)
    (True, False)
    """
    return scope <= PART_LIMIT * everyone


def touched(people: Collection[str], ties: Iterable[tuple[str, str]]) -> set[str]:
    """Everyone whose derived data changes when the input rows of ``people`` change: they and
    everyone they have (or had) a tie with, since a pair's shared friends and each end's
    number of ties depend on both ends (``ties``: the pairs around ``people``, before and
    after the change).

    >>> sorted(touched({"a"}, [("a", "b"), ("c", "d")]))
    ['a', 'b']
    """
    out = set(people)
    for a, b in ties:
        if a in people or b in people:
            out.update((a, b))
    return out


@dataclass
class Scope:
    """What a change touches, for a partial build (:meth:`graph.store.changes.Changes.scope`).

    ``pairs``: the pairs of people whose evidence, friendship or friends in common may differ
    (every two people at an interaction added, changed or removed, before and after; every
    friendship added, changed or removed; and, around a friendship added or removed, the pairs
    whose friends in common it changes). ``people``: those whose own row changed in what
    derived data reads (their organisation or role, or their organisation's kind: they join or
    leave the team, their team ties change): every pair around them is rebuilt too. ``orgs``:
    the organisations the interactions added, changed or removed are about (before and after),
    whose activity is counted again (``None``: every organisation's). ``met``: the interactions
    added, changed or removed, each with ``-1`` as it was held and ``+1`` as it is now, so that a
    builder can add and take away their share of each pair's evidence and each organisation's
    activity instead of counting them again from every interaction (``None``: not known, as for
    a rebuild around some people). A builder rebuilds each pair's evidence, tie and team ties,
    the tie counts of their ends, the reach of the organisations of the team ties before and
    after, the activity of ``orgs``, and the team routes the change can reach.

    >>> s = Scope(pairs={pair("b", "a")}, orgs=set())
    >>> s.add_interaction(("c", "a", "b"), "O-1"); sorted(s.pairs), s.orgs
    ([('a', 'b'), ('a', 'c'), ('b', 'c')], {'O-1'})
    """

    pairs: set[tuple[str, str]] = field(default_factory=set)
    people: set[str] = field(default_factory=set)
    friended: set[tuple[str, str]] = field(default_factory=set)
    orgs: set[str] | None = None
    met: list[tuple[int, Interaction]] | None = None

    def add_interaction(self, participants: Iterable[str], org: str | None = None) -> None:
        """Every two of ``participants``, and the organisation the interaction is about."""
        if org is not None and self.orgs is not None:
            self.orgs.add(org)
        ids = sorted(set(participants))
        self.pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1:])

    def add_friendships(self, changed: Iterable[tuple[str, str]]) -> None:
        """Friendships added or removed. A friendship of ``x`` and ``y`` changes the friends
        ``x`` has in common with each friend of ``y`` and the other way round: a builder adds
        those pairs with the friends it holds (``friended``); here the pairs of two people who
        both gained or lost a friendship with one person (friends before the change, not held).

        >>> s = Scope(); s.add_friendships([("a", "c"), ("b", "c")]); sorted(s.pairs)
        [('a', 'b'), ('a', 'c'), ('b', 'c')]
        """
        partners: dict[str, set[str]] = {}
        for x, y in changed:
            self.pairs.add(pair(x, y))
            self.friended.add(pair(x, y))
            partners.setdefault(x, set()).add(y)
            partners.setdefault(y, set()).add(x)
        for around in partners.values():
            self.add_interaction(around)

    def ends(self) -> set[str]:
        """Everyone in a pair, and the people."""
        return {x for p in self.pairs for x in p} | self.people
