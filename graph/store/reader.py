"""The reads both stores share: when the derived data answers, and what is computed from it.

:class:`BaseReader` implements :class:`graph.store.base.Reader` once. It asks the derived
data's stamp (:func:`graph.derived.usable`, once per read) whether the kept rows answer; if
they do it reads them (the ``_kept_*`` methods), else it reads the input rows (the
``_live_*`` methods); and it turns either into the same :class:`~graph.store.base.TieRow`\\ s,
weighting evidence with :data:`graph.formula.WEIGHT`. Each store implements the ``_kept_*``,
``_live_*`` and plain reads in its own query language (``graph/store/sqlite/``,
``graph/store/neo4j/``) and nothing else.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from operator import itemgetter
from typing import NamedTuple

from graph.derived import Stamp, routes_answer, usable
from graph.formula import TieFormula, type_weight, weights_key
from graph.model import Account, Deal, Friendship, Organisation, Person, pair
from graph.store.base import Activity, Evidence, Neighbours, TeamSums, TieRow

__all__ = ["BaseReader", "PairRow", "EvidenceRow", "TeamRow", "shared_counts"]


class PairRow(NamedTuple):
    """A kept tie's friendship and shared friends (``a < b``)."""

    a: str
    b: str
    kind: str | None
    since: date | None
    shared: int


class EvidenceRow(NamedTuple):
    """The interactions of one type and nature between ``x`` and ``y`` (either order)."""

    x: str
    y: str
    type: str
    nature: str
    times: int
    last: date
    mass: float


class TeamRow(NamedTuple):
    """A kept team tie: ``member`` on the team, ``other`` anyone; ``p`` and ``q`` as kept (unfaded)."""

    member: str
    other: str
    p: float
    q: float
    kind: str | None
    shared: int


def _team_tie_rows(team_rows: Iterable[TeamRow], factor: float) -> list[TieRow]:
    """One :class:`TieRow` per pair of kept team ties (masses faded by ``factor``), sorted by
    ``(a, b)``: built in one pass, the rows unpacked by position (a store may hand plain tuples
    in :class:`TeamRow`'s order; a team-wide read holds 165k of them at 100k people)."""
    rows = [TieRow(m, o, kind, shared, p * factor, q * factor) if m < o
            else TieRow(o, m, kind, shared, p * factor, q * factor) for m, o, p, q, kind, shared in team_rows]
    rows.sort(key=_BY_PAIR)
    return [row for i, row in enumerate(rows) if i == 0 or _BY_PAIR(rows[i - 1]) != _BY_PAIR(row)]


_BY_PAIR = itemgetter(0, 1)


def shared_counts(pairs: Iterable[tuple[str, str]], friendships: Iterable[Friendship]
                  ) -> dict[tuple[str, str], tuple[Friendship | None, int]]:
    """For each pair, the friendship declared between the two (or ``None``) and how many friends
    they have in common, from every friendship of the pairs' ends.

    >>> f = [Friendship("a", "b", "club"), Friendship("a", "c"), Friendship("b", "c")]
    >>> out = shared_counts([("a", "b"), ("c", "d")], f)
    >>> out[("a", "b")][0].kind, out[("a", "b")][1], out[("c", "d")]
    ('club', 1, (None, 0))
    """
    friends: dict[str, set[str]] = defaultdict(set)
    declared: dict[tuple[str, str], Friendship] = {}
    for f in friendships:
        friends[f.person_a].add(f.person_b)
        friends[f.person_b].add(f.person_a)
        declared[(f.person_a, f.person_b)] = f
    none: set[str] = set()
    return {(a, b): (declared.get((a, b)), len(friends.get(a, none) & friends.get(b, none))) for a, b in pairs}


#: Our team of the last few loads read in this process, by (revision, role): a revision names
#: one load's input rows, whatever reader reads them.
_TEAM: dict[tuple[str, str | None], tuple[Person, ...]] = {}


class BaseReader(ABC):
    """:class:`graph.store.base.Reader` over a store's kept and live reads (see the module).

    ``stamp`` is the derived data's stamp read when the reader was opened (``None``: nothing
    kept, for example an empty store).
    """

    def __init__(self, stamp: Stamp | None) -> None:
        self.stamp = stamp
        self._team: frozenset[str] | None = None

    # -- the reads of graph.store.base.Reader -----------------------------------------------
    def people(self, ids: Collection[str] | None = None, *, orgs: Collection[str] | None = None,
               kinds: Collection[str] | None = None, role: str | None = None, name: str | None = None,
               limit: int | None = None) -> list[Person]:
        given = [x is not None for x in (ids, orgs, kinds, name)]
        if sum(given) != 1 or (role is not None and kinds is None):
            raise TypeError("people() takes exactly one of ids, orgs, kinds (with an optional role) or name")
        if ids is not None:
            return self._people_by_ids(sorted(set(ids))) if ids else []
        if orgs is not None:
            return self._people_at_orgs(sorted(set(orgs))) if orgs else []
        if kinds is not None:
            chosen = sorted(set(kinds))
            return self._team_people(role) if chosen == ["own"] else \
                self._people_at_kinds(chosen, role) if chosen else []
        return self._people_named(str(name), limit if limit is not None else 20)

    def _team_people(self, role: str | None) -> list[Person]:
        """Our team (with ``role``), read once per load in a process: every search from the
        team starts from it (at a million people, 10,000 reps read and copied by each search
        were 15 of its 23 ms)."""
        revision = self.stamp.revision if self.stamp is not None else None
        if not revision:
            return self._people_at_kinds(["own"], role)
        key = (revision, role)
        if key not in _TEAM:
            while len(_TEAM) >= 8:
                _TEAM.pop(next(iter(_TEAM)))
            _TEAM[key] = tuple(self._people_at_kinds(["own"], role))
        return list(_TEAM[key])

    def organisations(self, ids: Collection[str] | None = None, *, kinds: Collection[str] | None = None,
                      name: str | None = None, limit: int | None = None) -> list[Organisation]:
        if sum(x is not None for x in (ids, kinds, name)) > 1:
            raise TypeError("organisations() takes at most one of ids, kinds or name")
        if ids is not None:
            return self._orgs_by_ids(sorted(set(ids))) if ids else []
        if name is not None:
            return self._orgs_named(name, limit if limit is not None else 20)
        from graph.model import ORG_KINDS

        chosen = sorted(set(kinds)) if kinds is not None else sorted(ORG_KINDS)
        return self._orgs_by_kinds(chosen) if chosen else []

    def neighbours(self, people: Collection[str], as_of: date, *, among: Collection[str] | None = None,
                   counts: bool = False, routes: TieFormula | None = None) -> Neighbours:
        ids = sorted(set(people))
        kept_routes = self._routes(ids, as_of, routes) if routes is not None else None
        kept_among = sorted(set(among)) if among is not None else None
        if not ids or (kept_among == [] and not counts):
            return Neighbours([], {}, kept_routes)
        if usable(self.stamp, as_of, None).ties:
            return self._kept_neighbours(ids, kept_among, counts)._replace(routes=kept_routes)
        found = counts and self.stamp is not None and bool(self.stamp.revision) and self.stamp.built == self.stamp.revision
        ties = self._kept_neighbours(ids, [], True).ties if found else {}
        pairs = self._live_neighbours(ids, as_of, kept_among) if kept_among is None or kept_among else []
        return Neighbours(pairs, ties, kept_routes)

    def ties(self, *, people: Collection[str] | None = None, pairs: Collection[tuple[str, str]] | None = None,
             as_of: date, formula: TieFormula, detail: bool = False,
             other_kinds: Collection[str] | None = None) -> list[TieRow]:
        if (people is None) == (pairs is None):
            raise TypeError("ties() takes exactly one of people or pairs")
        use = usable(self.stamp, as_of, formula.half_life_days)
        kinds = sorted(set(other_kinds)) if other_kinds is not None else None
        if pairs is not None:
            wanted = sorted(set(pairs))
            if not wanted:
                return []
            if use.factor is not None:
                kept, evidence = self._kept_ties(None, wanted, None)
                return self._rows(kept, evidence, use.factor, formula, True)
            return self._live_rows(None, wanted, as_of, formula, None, True)
        ids = sorted(set(people or ()))
        if not ids:
            return []
        if not detail and use.factor is not None and use.weights == weights_key(formula.weights):
            team_rows = self._team_ties(ids, kinds)
            if team_rows is not None:
                return _team_tie_rows(team_rows, use.factor)
        if use.factor is not None:
            kept, evidence = self._kept_ties(ids, None, kinds)
            return self._rows(kept, evidence, use.factor, formula, detail)
        return self._live_rows(ids, None, as_of, formula, kinds, detail)

    def org_activity(self, as_of: date, half_life_days: float) -> list[Activity]:
        factor = usable(self.stamp, as_of, half_life_days).factor
        if factor is None:
            return sorted(self._live_activity(as_of, half_life_days))
        return sorted(Activity(a.org_id, a.nature, a.times, a.last, round(a.mass * factor, 12))
                      for a in self._kept_activity())

    def team_sums(self, as_of: date, formula: TieFormula, role_weights: Mapping[str, float], strong_tie: float,
                  kinds: Collection[str]) -> TeamSums:
        use = usable(self.stamp, as_of, formula.half_life_days)
        wanted = sorted(set(kinds))
        if use.factor is not None and use.weights == weights_key(formula.weights):
            return self._kept_team_sums(formula, use.factor, role_weights, strong_tie, wanted)
        reps = {p.id for p in self.people(kinds=["own"], role="rep")}
        rows = self.ties(people=reps, as_of=as_of, formula=formula, other_kinds=wanted) if reps else []
        contacts = {p.id: p for p in self.people(ids={r.other(r.a if r.a in reps else r.b) for r in rows})}
        at_kinds = {o.id for o in self.organisations(kinds=wanted)}
        strength = formula.compiled()
        weighted: dict[tuple[str, str], float] = defaultdict(float)
        strong: dict[tuple[str, str], int] = defaultdict(int)
        tied: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            rep = r.a if r.a in reps else r.b
            contact = contacts.get(r.other(rep))
            if contact is None or contact.org_id not in at_kinds or contact.id in reps:
                continue
            s = strength(r.p, r.q, r.kind, r.shared)[0]
            key = (contact.org_id, rep)
            weighted[key] += role_weights.get(contact.role, 1.0) * s
            strong[key] += s >= strong_tie
            tied[contact.org_id].add(contact.id)
        return TeamSums([(o, rep, w, strong[(o, rep)]) for (o, rep), w in sorted(weighted.items())],
                        {o: len(c) for o, c in tied.items()})

    def _routes(self, ids: list[str], as_of: date, formula: TieFormula) -> dict[str, list[tuple[str, float]]] | None:
        """The kept team routes of ``ids`` for :meth:`neighbours` (``None``: they do not answer)."""
        if not routes_answer(self.stamp, as_of, formula):
            return None
        out: dict[str, list[tuple[str, float]]] = {}
        for person, via, v in self._kept_routes(ids) if ids else ():
            out.setdefault(person, []).append((via, v))
        return out

    # -- shared arithmetic ------------------------------------------------------------------------
    def _rows(self, kept: Iterable[PairRow], evidence: Iterable[EvidenceRow], factor: float, formula: TieFormula,
              detail: bool) -> list[TieRow]:
        """Tie rows from kept pairs and their evidence (masses as kept: ``factor`` fades them)."""
        return self._assemble({(k.a, k.b): k for k in kept}, evidence, formula, detail, factor)

    def _live_rows(self, people: Sequence[str] | None, pairs: Sequence[tuple[str, str]] | None, as_of: date,
                   formula: TieFormula, kinds: Sequence[str] | None, detail: bool) -> list[TieRow]:
        """Tie rows computed from the input rows as of ``as_of`` (the derived data does not answer)."""
        evidence = self._live_evidence(people, pairs, as_of, formula.half_life_days, kinds)
        if pairs is not None:
            wanted = set(pairs)
            keys = wanted
            friendships = self._live_friendships(sorted({x for p in pairs for x in p}), as_of)
        else:
            mine = set(people or ())
            friendships = self._live_friendships(sorted(mine), as_of)
            if kinds is not None:
                friendships = self._other_end_at(friendships, mine, set(kinds))
            keys = {pair(e.x, e.y) for e in evidence} | {(f.person_a, f.person_b) for f in friendships}
            ends = sorted({x for k in keys for x in k})
            friendships = self._live_friendships(ends, as_of) if ends else []
            wanted = keys
        counted = shared_counts(sorted(keys), friendships)
        evidence = [e for e in evidence if pair(e.x, e.y) in wanted]
        has_evidence = {pair(e.x, e.y) for e in evidence}
        kept = {k: PairRow(k[0], k[1], f.kind if f else None, f.since if f else None, n)
                for k, (f, n) in counted.items() if f is not None or k in has_evidence}
        return self._assemble(kept, evidence, formula, detail)

    def _other_end_at(self, friendships: list[Friendship], mine: set[str], kinds: set[str]) -> list[Friendship]:
        """The friendships of one of ``mine`` whose other end works at an organisation of ``kinds``."""
        ends = {x for f in friendships for x in (f.person_a, f.person_b)}
        persons = self.people(ids=ends) if ends else []
        org_kind = {o.id: o.kind for o in self.organisations(ids={p.org_id for p in persons})} if persons else {}
        at = {p.id for p in persons if org_kind.get(p.org_id) in kinds}
        return [f for f in friendships
                if (f.person_a in mine and f.person_b in at) or (f.person_b in mine and f.person_a in at)]

    @staticmethod
    def _assemble(kept: Mapping[tuple[str, str], PairRow], evidence: Iterable[EvidenceRow], formula: TieFormula,
                  detail: bool, factor: float | None = None) -> list[TieRow]:
        """One :class:`TieRow` per tie: each (pair, type, nature) counted once, ``p`` and ``q``
        summed in (type, nature) order (masses faded by ``factor`` and rounded, when given)."""
        by_pair: dict[tuple[str, str], dict[tuple[str, str], Evidence]] = {}
        for e in evidence:
            per = by_pair.setdefault((e.x, e.y) if e.x < e.y else (e.y, e.x), {})
            mass = e.mass if factor is None else round(e.mass * factor, 12)
            per[(e.type, e.nature)] = Evidence(e.type, e.nature, e.times, e.last, mass)
        weights = formula.weights
        none: dict[tuple[str, str], Evidence] = {}
        out = []
        for key in sorted(kept.keys() | by_pair.keys()):
            per = by_pair.get(key, none)
            ev = tuple([per[k] for k in sorted(per)])
            p: float = 0  # as sum(): 0 when there is no evidence of that nature
            q: float = 0
            for x in ev:
                w = type_weight(weights, x.type, x.nature)
                if x.nature == "personal":
                    p += w * x.mass
                elif x.nature == "business":
                    q += w * x.mass
            k = kept.get(key)
            out.append(TieRow(key[0], key[1], k.kind if k else None, k.shared if k else 0, p, q,
                              (k.since if k else None) if detail else None, ev if detail else ()))
        return out

    def _team_ties(self, ids: list[str], kinds: list[str] | None) -> list[TeamRow] | None:
        """The kept team ties of ``ids``: all on the team (to organisations of ``kinds``), or
        anyone's ties to the team (``kinds`` is ``["own"]``); ``None`` otherwise."""
        if kinds == ["own"]:
            return self._kept_team(None, ids, None)
        if self._team is None:
            self._team = frozenset(p.id for p in self.people(kinds=["own"]))
        if set(ids) <= self._team:
            return self._kept_team(ids, None, kinds)
        return None

    # -- what each store implements ------------------------------------------------------------
    @abstractmethod
    def _people_by_ids(self, ids: list[str]) -> list[Person]: ...

    @abstractmethod
    def _people_at_orgs(self, orgs: list[str]) -> list[Person]: ...

    @abstractmethod
    def _people_at_kinds(self, kinds: list[str], role: str | None) -> list[Person]: ...

    @abstractmethod
    def _people_named(self, text: str, limit: int) -> list[Person]: ...

    @abstractmethod
    def _orgs_by_ids(self, ids: list[str]) -> list[Organisation]: ...

    @abstractmethod
    def _orgs_by_kinds(self, kinds: list[str]) -> list[Organisation]: ...

    @abstractmethod
    def _orgs_named(self, text: str, limit: int) -> list[Organisation]: ...

    @abstractmethod
    def accounts(self) -> list[Account]: ...

    @abstractmethod
    def deals(self) -> list[Deal]: ...

    @abstractmethod
    def _kept_neighbours(self, people: list[str], among: list[str] | None, counts: bool) -> Neighbours:
        """:meth:`neighbours` from the kept ties (``among=[]``: only the counts of ``people``)."""

    @abstractmethod
    def _kept_ties(self, people: list[str] | None, pairs: list[tuple[str, str]] | None,
                   kinds: list[str] | None) -> tuple[list[PairRow], list[EvidenceRow]]:
        """The kept ties of ``people`` (the other end at organisations of ``kinds`` when given) or
        of exactly ``pairs``, with their evidence (masses as kept, as of the stamp's ``ref``)."""

    @abstractmethod
    def _kept_team(self, members: list[str] | None, others: list[str] | None,
                   kinds: list[str] | None) -> list[TeamRow]:
        """The kept team ties of team ``members`` (the other end at organisations of ``kinds``
        when given), or of anyone in ``others`` to the team."""

    @abstractmethod
    def _kept_team_sums(self, formula: TieFormula, factor: float, role_weights: Mapping[str, float],
                        strong_tie: float, kinds: list[str]) -> TeamSums:
        """:meth:`team_sums` from the kept team ties, the strength rendered from
        :data:`graph.formula.TIE_STRENGTH` (their masses faded by ``factor``)."""

    @abstractmethod
    def _kept_routes(self, people: list[str]) -> Iterable[tuple[str, str, float]]:
        """``(person, via, v)`` of the kept team routes of ``people``, by person and rank."""

    @abstractmethod
    def _kept_activity(self) -> list[Activity]:
        """The kept organisation activity (masses as kept)."""

    @abstractmethod
    def _live_neighbours(self, people: list[str], as_of: date, among: list[str] | None) -> list[tuple[str, str]]:
        """:meth:`neighbours` from the input rows."""

    @abstractmethod
    def _live_evidence(self, people: Sequence[str] | None, pairs: Sequence[tuple[str, str]] | None, as_of: date,
                       half_life_days: float, kinds: Sequence[str] | None) -> list[EvidenceRow]:
        """The interactions on or before ``as_of`` each of ``people`` attended with anyone (the
        other at organisations of ``kinds`` when given; ``x`` is the one of ``people``), or those
        of exactly ``pairs``, per (other, type, nature), masses as of ``as_of``."""

    @abstractmethod
    def _live_friendships(self, people: list[str], as_of: date) -> list[Friendship]:
        """The friendships touching any of ``people``, declared on or before ``as_of`` (or undated)."""

    @abstractmethod
    def _live_activity(self, as_of: date, half_life_days: float) -> list[Activity]:
        """:meth:`org_activity` from the input rows."""
