"""The embedded store's reads: :class:`SQLiteReader`, one read transaction (a WAL snapshot).

:class:`~graph.store.reader.BaseReader` chooses between the kept derived data and the input
rows; this module answers each with one SQL statement of :mod:`graph.store.sqlite.sql`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from graph.derived import Stamp
from graph.formula import TieFormula
from graph.model import ROLES, Account, Deal, Friendship, Organisation, Person
from graph.store.base import Activity, Neighbours, TeamSums
from graph.store.reader import BaseReader, EvidenceRow, PairRow, TeamRow
from graph.store.sqlite import sql

__all__ = ["SQLiteReader"]


def _ids(values: Iterable[Any]) -> str:
    return json.dumps(list(values))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class SQLiteReader(BaseReader):
    """The reads of :class:`graph.store.base.Reader` on one connection inside a read transaction
    (the store's :meth:`~graph.store.sqlite.SQLiteStore.reader` opens and ends it)."""

    def __init__(self, conn: sqlite3.Connection, stamp: Stamp | None) -> None:
        super().__init__(stamp)
        self._conn = conn
        self._team_count: int | None = None

    # -- plain reads --------------------------------------------------------------------------
    def _people(self, query: str, params: Mapping[str, Any]) -> list[Person]:
        return [Person(*r) for r in self._conn.execute(query, params)]

    def _orgs(self, query: str, params: Mapping[str, Any]) -> list[Organisation]:
        return [Organisation(*r) for r in self._conn.execute(query, params)]

    def _people_by_ids(self, ids: list[str]) -> list[Person]:
        return self._people(sql.PEOPLE_BY_ID, {"ids": _ids(ids)})

    def _people_at_orgs(self, orgs: list[str]) -> list[Person]:
        return self._people(sql.PEOPLE_AT_ORGS, {"ids": _ids(orgs)})

    def _people_at_kinds(self, kinds: list[str], role: str | None) -> list[Person]:
        return self._people(sql.PEOPLE_AT_KINDS, {"kinds": _ids(kinds), "role": role})

    def _people_named(self, text: str, limit: int) -> list[Person]:
        return self._people(sql.PEOPLE_NAMED, {"like": _like(text), "text": text, "limit": limit})

    def _orgs_by_ids(self, ids: list[str]) -> list[Organisation]:
        return self._orgs(sql.ORGS_BY_ID, {"ids": _ids(ids)})

    def _orgs_by_kinds(self, kinds: list[str]) -> list[Organisation]:
        return self._orgs(sql.ORGS_BY_KIND, {"kinds": _ids(kinds)})

    def _orgs_named(self, text: str, limit: int) -> list[Organisation]:
        return self._orgs(sql.ORGS_NAMED, {"like": _like(text), "text": text, "limit": limit})

    def accounts(self) -> list[Account]:
        return [Account(o, r, role, _day(s)) for o, r, role, s in self._conn.execute(sql.ACCOUNTS)]

    def deals(self) -> list[Deal]:
        return [Deal(i, o, a, st, r, _day(cl), p) for i, o, a, st, r, cl, p in self._conn.execute(sql.DEALS)]

    # -- kept reads -------------------------------------------------------------------------
    def _kept_neighbours(self, people: list[str], among: list[str] | None, counts: bool) -> Neighbours:
        ids = _ids(people)
        if among is None:
            pairs = self._conn.execute(sql.KEPT_NEIGHBOURS, {"people": ids}).fetchall()
        elif among:
            pairs = self._conn.execute(sql.KEPT_NEIGHBOURS_AMONG, {"people": ids, "among": _ids(among)}).fetchall()
        else:
            pairs = []
        ties = dict(self._conn.execute(sql.PERSON_TIES, {"people": ids}).fetchall()) if counts else {}
        return Neighbours(pairs, ties)

    def _kept_ties(self, people: list[str] | None, pairs: list[tuple[str, str]] | None,
                   kinds: list[str] | None) -> tuple[list[PairRow], list[EvidenceRow]]:
        if pairs is not None:
            rows = self._conn.execute(sql.KEPT_PAIRS, {"pairs": json.dumps(pairs)})
        elif kinds is None:
            rows = self._conn.execute(sql.KEPT_TIES_OF, {"people": _ids(people or ())})
        else:
            rows = self._conn.execute(sql.KEPT_TIES_OF_KINDS, {"people": _ids(people or ()), "kinds": _ids(kinds)})
        kept: dict[tuple[str, str], PairRow] = {}
        evidence: list[EvidenceRow] = []
        for a, b, kind, since, shared, type_, nature, n, last, mass in rows:
            if (a, b) not in kept:
                kept[(a, b)] = PairRow(a, b, kind, _day(since), shared)
            if type_ is not None:
                evidence.append(EvidenceRow(a, b, type_, nature, n, date.fromisoformat(last), mass))
        return list(kept.values()), evidence

    def _kept_team(self, members: list[str] | None, others: list[str] | None,
                   kinds: list[str] | None) -> list[TeamRow]:
        if members is not None:
            many = 2 * len(members) >= self._team_size()
            rows = self._conn.execute(sql.KEPT_TEAM_OF_MANY if many else sql.KEPT_TEAM_OF_MEMBERS, {
                "people": _ids(members), "kinds": _ids(kinds) if kinds is not None else None})
        else:
            rows = self._conn.execute(sql.KEPT_TEAM_OF_OTHERS, {"people": _ids(others or ())})
        return rows.fetchall()  # plain tuples in TeamRow's order: a team-wide read holds 165k at 100k people

    def _team_size(self) -> int:
        """How many people the team has (what :class:`BaseReader` read of it, else a read)."""
        if self._team_count is None:
            self._team_count = len(self._team) if self._team is not None else len(self.people(kinds=["own"]))
        return self._team_count

    def _kept_team_sums(self, formula: TieFormula, factor: float, role_weights: Mapping[str, float],
                        strong_tie: float, kinds: list[str]) -> TeamSums:
        kinds_json = _ids(kinds)
        params = {**formula.params("sql"), "factor": factor, "strong": float(strong_tie), "kinds": kinds_json,
                  "role_weights": json.dumps(dict(role_weights)),
                  **{f"role_weights_{r}": float(role_weights.get(r, 1.0)) for r in ROLES}}
        shares: list[tuple[str, str, float, int]] = [(o, rep, w, n) for o, rep, w, n in
                                                     self._conn.execute(sql.TEAM_SHARES, params)]
        reach = dict(self._conn.execute(sql.TEAM_REACH, {"kinds": kinds_json}).fetchall())
        return TeamSums(shares, reach)

    def _kept_routes(self, people: list[str]) -> list[tuple[str, str, float]]:
        return self._conn.execute(sql.KEPT_ROUTES, {"people": _ids(people)}).fetchall()

    def _kept_activity(self) -> list[Activity]:
        return [Activity(o, n, c, date.fromisoformat(last), m) for o, n, c, last, m in
                self._conn.execute(sql.KEPT_ACTIVITY)]

    # -- live reads -----------------------------------------------------------------------------
    def _live_neighbours(self, people: list[str], as_of: date, among: list[str] | None) -> list[tuple[str, str]]:
        params = {"people": _ids(people), "as_of": as_of.isoformat()}
        if among is None:
            return self._conn.execute(sql.LIVE_NEIGHBOURS, params).fetchall()
        return self._conn.execute(sql.LIVE_NEIGHBOURS_AMONG, params | {"among": _ids(among)}).fetchall()

    def _live_evidence(self, people: Sequence[str] | None, pairs: Sequence[tuple[str, str]] | None, as_of: date,
                       half_life_days: float, kinds: Sequence[str] | None) -> list[EvidenceRow]:
        params: dict[str, Any] = {"as_of": as_of.isoformat(), "half_life": float(half_life_days)}
        if pairs is not None:
            rows = self._conn.execute(sql.LIVE_PAIR_EVIDENCE, params | {"pairs": json.dumps(list(pairs))})
        else:
            rows = self._conn.execute(sql.LIVE_EVIDENCE_OF, params | {
                "people": _ids(people or ()), "kinds": _ids(kinds) if kinds is not None else None})
        return [EvidenceRow(x, y, t, n, c, date.fromisoformat(last), round(m, 12)) for x, y, t, n, c, last, m in rows]

    def _live_friendships(self, people: list[str], as_of: date) -> list[Friendship]:
        rows = self._conn.execute(sql.FRIENDSHIPS_OF, {"people": _ids(people), "as_of": as_of.isoformat()})
        return [Friendship(a, b, k, _day(s)) for a, b, k, s in rows]

    def _live_activity(self, as_of: date, half_life_days: float) -> list[Activity]:
        rows = self._conn.execute(sql.LIVE_ACTIVITY, {"as_of": as_of.isoformat(), "half_life": float(half_life_days)})
        return [Activity(o, n, c, date.fromisoformat(last), round(m, 12)) for o, n, c, last, m in rows]
