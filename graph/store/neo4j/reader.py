"""A Neo4j reader: the reads of :class:`graph.store.reader.BaseReader` in Cypher.

Every read of one reader goes through one :class:`~graph.store.neo4j.bolt.Reads` (auto-commit
sessions: one round trip a read). What makes a path search fast at a million people:

- the rings walk one ``TIE`` per tie (:data:`~.cypher_reads.NEIGHBOURS_TIE`), each row with the
  tie's element id and the other end's number of ties, both kept here (:attr:`tie_ids`,
  :attr:`tie_counts`): the pairs' evidence is then a seek each
  (:data:`~.cypher_reads.TIES_BY_ID`), and a cost a search weighs needs no read;
- the last ring looks the other end's people up first (:data:`~.cypher_reads.NEIGHBOURS_TIE_INTO`)
  unless they are more than :data:`INTO_RATIO` per person read;
- reads of many people are split over two connections
  (:meth:`~graph.store.neo4j.bolt.Reads.split`), and so are the single-rep risk sums;
- while the server works out those sums, the reads single-rep risk makes next (every account,
  every deal, the organisations of the sums' kinds) are made on a third connection and kept
  for this reader's next call of each (:meth:`_ahead`): at a million people the client reads
  them in the time the server sums, and the risk takes about a second less.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from datetime import date
from typing import Any, TypeVar

from graph.derived import Stamp
from graph.formula import TieFormula
from graph.model import Account, Deal, Friendship, Organisation, Person
from graph.store.base import Activity, Neighbours, TeamSums
from graph.store.neo4j import cypher_reads as q
from graph.store.neo4j.bolt import Reads
from graph.store.reader import BaseReader, EvidenceRow, PairRow, TeamRow

__all__ = ["Neo4jReader", "INTO_RATIO", "TIE_IDS_LIMIT"]

R = TypeVar("R")

#: A neighbours read kept to others looks them up first (``NEIGHBOURS_TIE_INTO``) unless they are
#: more than this many per person read (about the ties a person has at 1M people).
INTO_RATIO = 25
#: How many ``TIE`` element ids a reader keeps (then it starts again).
TIE_IDS_LIMIT = 100_000


def _tie_rows(rows: list[list[Any]]) -> tuple[list[PairRow], list[EvidenceRow]]:
    """Kept pairs and their evidence from ``TIE`` rows (``cypher_reads._TIE_COLUMNS``)."""
    pairs: list[PairRow] = []
    evidence: list[EvidenceRow] = []
    for a, b, kind, since, shared, types, natures, ns, lasts, masses in rows:
        pairs.append(PairRow(a, b, kind, since, shared))
        evidence.extend(EvidenceRow(a, b, t, nature, n, date.fromisoformat(last), mass)
                        for t, nature, n, last, mass in zip(types, natures, ns, lasts, masses))
    return pairs, evidence


class Neo4jReader(BaseReader):
    """:class:`~graph.store.base.Reader` over one Neo4j reader block (see the module).

    Attributes
    ----------
    tie_ids : dict
        The element id of each ``TIE`` a neighbours read has met, by pair ``(a, b)``, ``a < b``.
    tie_counts : dict
        The number of ties of each person met (kept at load: every tie, whatever the date).
    """

    def __init__(self, stamp: Stamp | None, reads: Reads) -> None:
        super().__init__(stamp)
        self.reads = reads
        self.tie_ids: dict[tuple[str, str], str] = {}
        self.tie_counts: dict[str, int] = {}
        self._prefetched: dict[tuple[tuple[str, ...], date], Future[list[Friendship]]] = {}
        self._read_ahead: dict[tuple[str, ...], Future[Any]] = {}

    def _ahead(self, key: tuple[str, ...], read: Callable[[], R]) -> R:
        """``read()``, or its result if :meth:`_read_next` started it (then forgotten)."""
        started = self._read_ahead.pop(key, None)
        return started.result() if started is not None else read()

    def _read_next(self, reads: dict[tuple[str, ...], Callable[[], Any]]) -> None:
        """Start ``reads`` one after the other on another connection, each kept by its key
        for :meth:`_ahead`."""
        ahead: dict[tuple[str, ...], Future[Any]] = {key: Future() for key in reads}
        self._read_ahead.update(ahead)

        def read_all() -> None:
            for key, read in reads.items():
                if ahead[key].set_running_or_notify_cancel():
                    try:
                        ahead[key].set_result(read())
                    except BaseException as exc:
                        ahead[key].set_exception(exc)

        self.reads.later(read_all)

    # -- the input -------------------------------------------------------------------------
    @staticmethod
    def _people(rows: list[list[Any]]) -> list[Person]:
        return sorted(Person(*r) for r in rows)

    @staticmethod
    def _orgs(rows: list[list[Any]]) -> list[Organisation]:
        return sorted(Organisation(*r) for r in rows)

    def _people_by_ids(self, ids: list[str]) -> list[Person]:
        return self._people(self.reads.rows(q.PEOPLE_BY_ID, ids=ids))

    def _people_at_orgs(self, orgs: list[str]) -> list[Person]:
        return self._people(self.reads.rows(q.PEOPLE_AT_ORGS, ids=orgs))

    def _people_at_kinds(self, kinds: list[str], role: str | None) -> list[Person]:
        return self._people(self.reads.rows(q.PEOPLE_AT_KINDS, kinds=kinds, role=role))

    def _people_named(self, text: str, limit: int) -> list[Person]:
        rows = self.reads.read(q.PEOPLE_NAMED, text=text, limit=limit)
        found = [Person(*(r[c] for c in q.PERSON_COLUMNS)) for r in rows]
        return sorted(found, key=lambda p: (p.id != text, p.name, p.id))

    def _orgs_by_ids(self, ids: list[str]) -> list[Organisation]:
        return self._orgs(self.reads.rows(q.ORGS_BY_ID, ids=ids))

    def _orgs_by_kinds(self, kinds: list[str]) -> list[Organisation]:
        return self._ahead(("orgs", *kinds), lambda: self._orgs_read(kinds))

    def _orgs_read(self, kinds: list[str]) -> list[Organisation]:
        return self._orgs(self.reads.rows(q.ORGS_BY_KIND, kinds=kinds))

    def _orgs_named(self, text: str, limit: int) -> list[Organisation]:
        rows = self.reads.read(q.ORGS_NAMED, text=text, limit=limit)
        found = [Organisation(*(r[c] for c in q.ORG_COLUMNS)) for r in rows]
        return sorted(found, key=lambda o: (o.id != text, o.name, o.id))

    def accounts(self) -> list[Account]:
        return self._ahead(("accounts",), self._accounts)

    def _accounts(self) -> list[Account]:
        return sorted((Account(*r) for r in self.reads.rows(q.ACCOUNTS)), key=lambda a: (a.org_id, a.rep_id))

    def deals(self) -> list[Deal]:
        return self._ahead(("deals",), self._deals)

    def _deals(self) -> list[Deal]:
        return sorted((Deal(*r) for r in self.reads.rows(q.DEALS)), key=lambda d: d.id)

    # -- kept ---------------------------------------------------------------------------------
    def _kept_neighbours(self, people: list[str], among: list[str] | None, counts: bool) -> Neighbours:
        ties: dict[str, int] = {}
        pairs: list[tuple[str, str]] = []
        if among is None or among:
            if among is None:
                query = q.NEIGHBOURS_TIE
            else:  # look the others up first unless they far outnumber the ties the read walks
                query = q.NEIGHBOURS_TIE_INTO if len(among) <= INTO_RATIO * len(people) else q.NEIGHBOURS_TIE_AMONG
            rows = self.reads.split(query, "ids", ids=people, among=among)  # [a, b, element id, b's ties]
            if len(self.tie_ids) + len(rows) > TIE_IDS_LIMIT:
                self.tie_ids.clear()
                self.tie_counts.clear()
            for a, b, e, n in rows:
                self.tie_ids[(a, b) if a < b else (b, a)] = e
                if n is not None:
                    ties[b] = n
            self.tie_counts.update(ties)
            pairs = [(a, b) for a, b, _, _ in rows]
            if among is None:  # every tie of each person was read: their number of ties too
                mine: dict[str, int] = {}
                for a, _ in pairs:
                    mine[a] = mine.get(a, 0) + 1
                self.tie_counts.update(mine)
        if counts:
            if missing := [p for p in people if p not in self.tie_counts]:
                self.tie_counts.update((p, n or 0) for p, n in self.reads.rows(q.TIE_COUNTS, ids=missing))
            ties.update((p, self.tie_counts[p]) for p in people if self.tie_counts.get(p))  # none: not tied
        return Neighbours(pairs, ties)

    def _kept_ties(self, people: list[str] | None, pairs: list[tuple[str, str]] | None,
                   kinds: list[str] | None) -> tuple[list[PairRow], list[EvidenceRow]]:
        if people is not None:
            return _tie_rows(self._unique(self.reads.split(q.TIES_OF, "ids", ids=people, kinds=kinds)))
        wanted = set(pairs or ())
        rels = [self.tie_ids[p] for p in sorted(wanted) if p in self.tie_ids]
        rows = self.reads.rows(q.TIES_BY_ID, rels=rels) if rels else []
        got = {(r[0], r[1]): r for r in rows if (r[0], r[1]) in wanted}  # an id is trusted only for its pair
        if unknown := [[a, b] for a, b in sorted(wanted) if (a, b) not in got]:
            got.update(((r[0], r[1]), r) for r in self.reads.rows(q.PAIR_TIES, pairs=unknown))
        return _tie_rows([got[k] for k in sorted(got)])

    @staticmethod
    def _unique(rows: list[list[Any]]) -> list[list[Any]]:
        """One row per tie (a tie between two of the people read comes twice)."""
        return list({(r[0], r[1]): r for r in rows}.values())

    def _kept_team(self, members: list[str] | None, others: list[str] | None,
                   kinds: list[str] | None) -> list[TeamRow]:
        if members is not None:
            rows = self.reads.split(q.TEAM_OF_MEMBERS, "ids", ids=members, kinds=kinds)
        else:
            rows = self.reads.split(q.TEAM_OF_OTHERS, "ids", ids=others or [])
        return [TeamRow(*r) for r in rows]

    def _kept_team_sums(self, formula: TieFormula, factor: float, role_weights: Mapping[str, float],
                        strong_tie: float, kinds: list[str]) -> TeamSums:
        reach = self.reads.later(lambda: self.reads.rows(q.TEAM_REACH, kinds=kinds))
        # what single-rep risk reads next (graph.analysis.risk), read meanwhile on a third connection
        self._read_next({("accounts",): self._accounts, ("orgs", *kinds): lambda: self._orgs_read(kinds),
                         ("deals",): self._deals})
        reps = sorted(r[0] for r in self.reads.rows(q.TEAM_REPS))
        # each rep's sums are their own: the server sums half the reps on each of two connections
        rows = self.reads.split(q.TEAM_SUMS, "reps", reps=reps, kinds=kinds, factor=factor,
                                role_weights=dict(role_weights), strong=float(strong_tie), **formula.params("cypher"))
        return TeamSums(sorted((o, rep, w, n) for o, rep, w, n in rows), {o: n for o, n in reach.result()})

    def _kept_routes(self, people: list[str]) -> list[tuple[str, str, float]]:
        return [(y, via, v) for y, vias, vs in sorted(self.reads.rows(q.ROUTES_KEPT, ids=people))
                for via, v in zip(vias, vs)]

    def _kept_activity(self) -> list[Activity]:
        out = []
        for org_id, pn, pl, pm, bn, bl, bm in self.reads.rows(q.ACTIVITY_KEPT):
            for nature, n, last, mass in (("personal", pn, pl, pm), ("business", bn, bl, bm)):
                if n:
                    out.append(Activity(org_id, nature, n, date.fromisoformat(last), mass))
        return out

    # -- live ----------------------------------------------------------------------------------
    def _live_neighbours(self, people: list[str], as_of: date, among: list[str] | None) -> list[tuple[str, str]]:
        rows = self.reads.split(q.NEIGHBOURS_LIVE[among is not None], "ids", ids=people, as_of=as_of, among=among)
        return [(a, b) for a, b in rows]

    def _live_evidence(self, people: Sequence[str] | None, pairs: Sequence[tuple[str, str]] | None, as_of: date,
                       half_life_days: float, kinds: Sequence[str] | None) -> list[EvidenceRow]:
        if pairs is not None:
            # the pairs' friendships, which the next read asks for, on a second connection meanwhile
            ends = sorted({x for p in pairs for x in p})
            self._prefetched[(tuple(ends), as_of)] = self.reads.later(lambda: self._friendships(ends, as_of))
            rows = self.reads.rows(q.PAIR_EVENTS, pairs=[list(p) for p in pairs], as_of=as_of,
                                   half_life=float(half_life_days))
        else:
            rows = self.reads.rows(q.EVENTS_OF, ids=list(people or ()), as_of=as_of, half_life=float(half_life_days),
                                   kinds=list(kinds) if kinds is not None else None)
        return [EvidenceRow(x, y, t, nature, n, last, round(mass, 12)) for x, y, t, nature, n, last, mass in rows]

    def _live_friendships(self, people: list[str], as_of: date) -> list[Friendship]:
        ahead = self._prefetched.pop((tuple(people), as_of), None)
        self._prefetched.clear()
        return ahead.result() if ahead is not None else self._friendships(people, as_of)

    def _friendships(self, people: list[str], as_of: date) -> list[Friendship]:
        return [Friendship(*r) for r in self.reads.rows(q.FRIENDSHIPS_OF, ids=people, as_of=as_of)]

    def _live_activity(self, as_of: date, half_life_days: float) -> list[Activity]:
        return [Activity(o, nature, n, last, round(mass, 12))
                for o, nature, n, last, mass in self.reads.rows(q.ACTIVITY_LIVE, as_of=as_of,
                                                                half_life=float(half_life_days))]
