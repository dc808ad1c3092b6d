"""Connectors: who outside our team carries our access to an account.

Our **reps** are the people at an ``own`` organisation with role ``rep`` (as in
:mod:`graph.analysis.risk`); our **team** is everyone at an ``own`` organisation. A
**connector** is anyone not on our team. An account (:mod:`graph.analysis.accounts`) has its
people as **contacts**, each weighing ``cfg.role_weights[role]`` (decision makers and
influencers weigh more).

A **route** into a contact ``c`` is a rep tied to ``c`` (one hop), or a rep tied to someone
``x`` who is not a rep and is tied to ``c`` (two hops). Its strength is the product of its
ties' strengths as of the date (the one tie strength of :data:`graph.formula.TIE_STRENGTH`,
through ``Config.strength``). ``best(c)`` is the strongest route into ``c`` (0 without one);
``via(x, c)`` the strongest route into ``c`` through ``x``; ``without(x, c)`` the strongest
that avoids ``x``.

- **One account** (``relmap connectors --org ORG``): ``x`` carries the access to ``c`` when it
  lies on a best route into ``c``: ``via(x, c) >= without(x, c)`` (so two equally good
  connectors side by side both count). ``x``'s **score** is the sum of ``role weight(c) *
  via(x, c)`` over those contacts.
- **The whole book** (no ``--org``, every account ``relmap risk`` lists): ``x``'s score is the
  access we would lose without ``x``: the sum of ``role weight(c) * (best(c) - without(x, c))``
  over every account's contacts; a connector only some of whose routes are the best, or who
  has an equal stand-in, loses us nothing. For each account whose risk is ``high`` (it hangs on
  one rep) the **successors** are the connectors who give a *second* way in: tied to one of
  its contacts and to a rep other than its top rep, the best few by that route's strength.

A connector's ``reaches`` are the contacts counted, each with ``via(x, c)``; its ``team`` the
reps who start those routes (the reps with the strongest tie to ``x``). Connectors with score
0 are left out; the rest come highest score first, then by id. Two strengths equal to nine
significant digits count as equal (the stores' sums differ in the last digits).

>>> into = Into(0.25, (("X", 0.72), ("Y", 0.72), ("Z", 0.1)))
>>> into.best, into.without("X"), into.without("Z")
(0.72, 0.72, 0.72)
>>> [x for x, _ in into.on_best_routes()], into.losses()
(['X', 'Y'], [])
>>> Into(0.25, (("X", 0.72), ("Z", 0.1))).losses()
[('X', 0.72, 0.47)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from graph.analysis.accounts import accounts_of
from graph.analysis.config import Config
from graph.analysis.risk import account_risk
from graph.analysis.search import unknown_ids
from graph.derived import ROUTE_LIMIT
from graph.errors import UsageError
from graph.model import Person, pair
from graph.store.base import Reader

__all__ = ["Into", "Routes", "Reach", "Connector", "SecondRoute", "Successors", "ConnectorReport",
           "find_connectors", "SUCCESSORS_PER_ACCOUNT", "PAIR_READ_LIMIT"]

Pair = tuple[str, str]

#: How many connectors each high-risk account's successors list names.
SUCCESSORS_PER_ACCOUNT = 3

#: Up to this many people around the contacts, the reps' ties to them are read as pairs (found
#: with :meth:`Reader.neighbours` from their side); above it, every rep's ties are read at once
#: (numbers only, as the risk sums do). Both give the same ties.
PAIR_READ_LIMIT = 5_000

#: Relative tolerance under which two route strengths are equal.
TOLERANCE = 1e-9

#: A route decides a contact's scores from the kept team routes only when it is stronger than
#: their bound on the routes not read by this margin (well above :data:`TOLERANCE`).
BOUND_MARGIN = 1e-6


def _at_least(a: float, b: float) -> bool:
    """``a >= b``, or equal within :data:`TOLERANCE`.

    >>> _at_least(0.3, 0.3 + 1e-13), _at_least(0.3, 0.31)
    (True, False)
    """
    return a >= b - TOLERANCE * max(abs(a), abs(b))


class Into(NamedTuple):
    """The routes into one contact: ``direct``, the strongest one-hop route (0 without one), and
    ``vias``, ``(x, via(x, c))`` for every two-hop route's middle, strongest first, then by id."""

    direct: float
    vias: tuple[tuple[str, float], ...]

    @property
    def best(self) -> float:
        """The strongest route (0 without one)."""
        return max(self.direct, self.vias[0][1]) if self.vias else self.direct

    def without(self, x: str) -> float:
        """The strongest route that avoids ``x``."""
        others = (v for y, v in self.vias if y != x)
        return max(self.direct, next(others, 0.0))

    def on_best_routes(self) -> list[tuple[str, float]]:
        """``(x, via)`` for every middle on a best route (``via >= without(x)``)."""
        return [(x, v) for x, v in self.vias if _at_least(v, self.without(x))]

    def losses(self) -> list[tuple[str, float, float]]:
        """``(x, via, best - without(x))`` for the middle without whom the best route would be
        weaker (at most one: the strongest, when nobody equals it)."""
        if not self.vias:
            return []
        x, v = self.vias[0]
        lost = v - self.without(x)
        return [] if _at_least(self.without(x), v) else [(x, v, lost)]


class Routes:
    """Every one- and two-hop route from a rep into some contacts, from the ties among them.

    ``ties``: the strength of every tie between a rep and a contact, a contact and anyone who
    is not a rep, and a rep and those people, by pair (``a < b``).

    >>> r = Routes({("C", "R"): 0.3, ("R", "X"): 0.9, ("C", "X"): 0.8, ("S", "X"): 0.9}, reps={"R", "S"})
    >>> r.into("C"), r.starts("X")
    (Into(direct=0.3, vias=(('X', 0.7200000000000001),)), ('R', 'S'))
    """

    def __init__(self, ties: Mapping[Pair, float], reps: Collection[str]) -> None:
        self.reps = frozenset(reps)
        self.tied: dict[str, dict[str, float]] = defaultdict(dict)
        for (a, b), s in ties.items():
            self.tied[a][b] = s
            self.tied[b][a] = s
        #: each non-rep tied to a rep: its strongest tie to one, and the reps holding it
        self.rep_side: dict[str, tuple[float, tuple[str, ...]]] = {}
        for x, others in self.tied.items():
            if x in self.reps:
                continue
            held = [(s, rep) for rep, s in others.items() if rep in self.reps]
            if held:
                top = max(s for s, _ in held)
                self.rep_side[x] = (top, tuple(sorted(rep for s, rep in held if s == top)))

    def into(self, c: str) -> Into:
        """The routes into contact ``c``."""
        direct = 0.0
        vias: list[tuple[str, float]] = []
        for x, s in self.tied.get(c, {}).items():
            if x in self.reps:
                direct = max(direct, s)
            elif x in self.rep_side:
                vias.append((x, self.rep_side[x][0] * s))
        vias.sort(key=lambda v: (-v[1], v[0]))
        return Into(direct, tuple(vias))

    def starts(self, x: str) -> tuple[str, ...]:
        """The reps who start the strongest routes through ``x`` (sorted ids)."""
        return self.rep_side.get(x, (0.0, ()))[1]

    def second_routes(self, contacts: Iterable[str], top_rep: str | None, outside: Collection[str]
                      ) -> list[tuple[float, str, str, str]]:
        """``(strength, x, rep, contact)``: for each ``x`` not in ``outside`` tied to one of
        ``contacts`` and to a rep other than ``top_rep``, its strongest such route; strongest
        first, then by ids."""
        best: dict[str, tuple[float, str, str, str]] = {}
        for c in sorted(contacts):
            for x, s in self.tied.get(c, {}).items():
                if x in outside or x in self.reps:
                    continue
                for rep, t in self.tied[x].items():
                    if rep in self.reps and rep != top_rep:
                        route = (t * s, x, rep, c)
                        if x not in best or (-route[0], route[2:]) < (-best[x][0], best[x][2:]):
                            best[x] = route
        return sorted(best.values(), key=lambda r: (-round(r[0], 12), r[1], r[2], r[3]))


@dataclass(frozen=True)
class Reach:
    """A contact a connector carries our access to, and the route's strength through them."""

    contact_id: str
    name: str
    org_id: str
    strength: float


@dataclass(frozen=True)
class Connector:
    """Someone outside our team on our best routes into an account (see the module docstring)."""

    id: str
    name: str
    org_id: str
    score: float
    team: tuple[str, ...]
    reaches: tuple[Reach, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "org_id": self.org_id, "score": round(self.score, 6),
                "team": list(self.team),
                "reaches": [{"contact_id": c.contact_id, "name": c.name, "strength": round(c.strength, 6)}
                            for c in self.reaches]}


@dataclass(frozen=True)
class SecondRoute:
    """A way into a high-risk account that does not start at its top rep: rep - connector - contact."""

    id: str
    name: str
    org_id: str
    rep_id: str
    rep_name: str
    contact_id: str
    contact_name: str
    strength: float

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "org_id": self.org_id, "rep_id": self.rep_id,
                "rep_name": self.rep_name, "contact_id": self.contact_id, "contact_name": self.contact_name,
                "strength": round(self.strength, 6)}


@dataclass(frozen=True)
class Successors:
    """A high-risk account, its top rep, and the connectors who give a second route in."""

    org_id: str
    name: str
    top_rep_id: str | None
    top_rep_name: str | None
    routes: tuple[SecondRoute, ...]

    def to_json(self) -> dict[str, Any]:
        return {"org_id": self.org_id, "name": self.name, "top_rep_id": self.top_rep_id,
                "top_rep_name": self.top_rep_name, "routes": [r.to_json() for r in self.routes]}


@dataclass(frozen=True)
class ConnectorReport:
    """What :func:`find_connectors` found: the connectors, highest score first, the names of
    their organisations (for display), and, for the whole book, the successors of each
    high-risk account (``None`` for one account)."""

    as_of: date
    org_id: str | None
    connectors: list[Connector]
    org_names: dict[str, str]
    successors: list[Successors] | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"as_of": self.as_of.isoformat(), "org_id": self.org_id,
                               "connectors": [c.to_json() for c in self.connectors]}
        if self.successors is not None:
            doc["successors"] = [s.to_json() for s in self.successors]
        return doc


def find_connectors(r: Reader, as_of: date, cfg: Config, org_id: str | None = None,
                    limit: int | None = None) -> ConnectorReport:
    """The connectors of one account (``org_id``) or of the whole book, highest score first (at
    most ``limit``); see the module docstring. An ``org_id`` not in the store, or not an
    account, is a :class:`~graph.errors.UsageError`."""
    if org_id is not None:
        found = r.organisations(ids=[org_id])
        if not found:
            raise unknown_ids(r, [org_id], "organisation")
        if org_id not in accounts_of(r) or found[0].kind == "own":
            raise UsageError(f"'{org_id}' ({found[0].name}) is not an account: an account is a customer, prospect "
                             "or partner, or an organisation a rep is assigned to; `relmap risk` lists them")
        risks = None
        scope = [org_id]
    else:
        risks = account_risk(r, as_of, cfg)
        scope = [a.org_id for a in risks]
    team = {p.id: p for p in r.people(kinds=["own"])}
    reps = {pid for pid, p in team.items() if p.role == "rep"}
    contacts = {p.id: p for p in r.people(orgs=scope) if p.id not in team} if scope else {}
    # the successors need every tie of the high-risk accounts' contacts; the rest, only the best routes
    risky = {a.org_id for a in risks if a.level == "high"} if risks is not None else set()
    whole = {c for c, p in contacts.items() if p.org_id in risky}
    routes = Routes(_route_ties_kept(r, reps, contacts, whole, as_of, cfg, one_account=org_id is not None), reps)
    weight = {c: cfg.role_weights.get(p.role, 1.0) for c, p in contacts.items()}
    score: dict[str, float] = defaultdict(float)
    reached: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for c in sorted(contacts):
        into = routes.into(c)
        if org_id is not None:
            counted = [(x, v, v) for x, v in into.on_best_routes()]
        else:
            counted = into.losses()
        for x, via, gain in counted:
            if x not in team:
                score[x] += weight[c] * gain
                reached[x].append((c, via))
    ranked = sorted((x for x, s in score.items() if s > 0), key=lambda x: (-round(score[x], 6), x))[:limit]
    successors: list[tuple[Any, list[tuple[float, str, str, str]]]] = []
    if risks is not None:
        at: dict[str, list[str]] = defaultdict(list)
        for c, p in contacts.items():
            at[p.org_id].append(c)
        successors = [(a, routes.second_routes(at.get(a.org_id, ()), a.top_rep_id, team)[:SUCCESSORS_PER_ACCOUNT])
                      for a in risks if a.level == "high"]
    named = set(ranked) | {x for _, found in successors for _, x, _, _ in found}
    people = {p.id: p for p in r.people(ids=named)} if named else {}
    orgs = {o.id: o.name for o in r.organisations(ids={p.org_id for p in people.values()})} if people else {}
    people |= contacts | team

    def name(pid: str | None) -> str:
        return people[pid].name if pid in people else str(pid)

    def person(pid: str) -> Person:
        return people.get(pid) or Person(pid, pid, "")

    connectors = []
    for x in ranked:
        reaches = sorted(reached[x], key=lambda cv: (-round(cv[1], 12), cv[0]))
        connectors.append(Connector(x, name(x), person(x).org_id, score[x], routes.starts(x),
                                    tuple(Reach(c, name(c), contacts[c].org_id, v) for c, v in reaches)))
    report = ConnectorReport(as_of, org_id, connectors, orgs)
    if risks is None:
        return report
    return ConnectorReport(as_of, None, connectors, orgs, [
        Successors(a.org_id, a.name, a.top_rep_id, name(a.top_rep_id) if a.top_rep_id else None,
                   tuple(SecondRoute(x, name(x), person(x).org_id, rep, name(rep), c, name(c), s)
                         for s, x, rep, c in found))
        for a, found in successors])


def _route_ties_kept(r: Reader, reps: Collection[str], contacts: Collection[str], whole: Collection[str],
                     as_of: date, cfg: Config, one_account: bool) -> dict[Pair, float]:
    """:func:`_route_ties` where it matters, from the kept team routes where they answer.

    For each contact ``c`` the kept routes name the people ``m`` of its strongest two-hop
    routes, each with a bound ``v`` (:mod:`graph.derived`); a full list's last ``v`` bounds every
    route through anyone unlisted. The ties of ``c``'s direct reps, of each listed ``m`` to
    ``c`` and of each ``m`` to every rep are read; ``c``'s scores are exact from those when the
    routes they decide are stronger than that bound (for one account: the best; for the book:
    also the best without its middle). The other contacts, and those in ``whole`` (every tie
    wanted), get every tie (:func:`_route_ties`).
    """
    kept = r.neighbours(contacts, as_of, among=(), routes=cfg.formula()).routes if reps and contacts else None
    if kept is None:
        return _route_ties(r, reps, contacts, as_of, cfg)
    strength, formula = cfg.strength, cfg.formula()
    listed = {c: [m for m, _ in kept.get(c, [])] for c in contacts if c not in whole}
    mids = {m for ms in listed.values() for m in ms}
    rows = r.ties(people=sorted(set(listed) | mids), as_of=as_of, formula=formula, other_kinds=["own"])
    ties = {(row.a, row.b): strength(row.p, row.q, row.kind, row.shared)[0] for row in rows
            if row.a in reps or row.b in reps}
    pairs = {pair(m, c) for c, ms in listed.items() for m in ms}
    ties |= {(row.a, row.b): strength(row.p, row.q, row.kind, row.shared)[0]
             for row in (r.ties(pairs=pairs, as_of=as_of, formula=formula) if pairs else [])}
    routes = Routes(ties, reps)
    rest = set(whole)
    for c in listed:
        found = kept.get(c, [])
        if len(found) < ROUTE_LIMIT:
            continue  # every route through anyone is among those read
        bound = found[-1][1] * (1 + BOUND_MARGIN)
        into = routes.into(c)
        top = into.vias[0][1] if into.vias else 0.0
        decided = top if one_account else min(top, into.without(into.vias[0][0]) if into.vias else 0.0)
        if decided <= bound:
            rest.add(c)
    if rest:
        ties |= _route_ties(r, reps, rest, as_of, cfg)
    return ties


def _route_ties(r: Reader, reps: Collection[str], contacts: Collection[str], as_of: date, cfg: Config
                ) -> dict[Pair, float]:
    """The strength of every tie a one- or two-hop route from a rep into ``contacts`` can take:
    the contacts' ties (read by their pairs, found with :meth:`Reader.neighbours`) and the reps'
    ties to the contacts and to everyone tied to them."""
    if not reps or not contacts:
        return {}
    strength, formula = cfg.strength, cfg.formula()
    around = r.neighbours(contacts, as_of).pairs
    middles = {x for _, x in around if x not in reps}
    others = set(contacts) | middles
    if len(others) <= PAIR_READ_LIMIT:
        to_reps = {pair(x, rep) for x, rep in r.neighbours(others, as_of, among=reps).pairs}
        rep_rows = r.ties(pairs=to_reps, as_of=as_of, formula=formula) if to_reps else []
    else:
        rep_rows = [row for row in r.ties(people=reps, as_of=as_of, formula=formula)
                    if (row.a in reps and row.b in others) or (row.b in reps and row.a in others)]
    pairs = {pair(c, x) for c, x in around if x not in reps}
    rows = rep_rows + (r.ties(pairs=pairs, as_of=as_of, formula=formula) if pairs else [])
    return {(row.a, row.b): strength(row.p, row.q, row.kind, row.shared)[0] for row in rows}
