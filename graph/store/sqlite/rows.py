"""The input rows as the embedded store keeps them: their SQL form, their fingerprints, and
the reads of held rows a load compares a folder with.

A row's **SQL form** (:func:`sql_form`) is the tuple of its columns
(:data:`graph.store.sqlite.sql.COLUMNS`), an interaction's with its participants' tuple at
the end; :func:`model` turns it back into a model row. Each row keeps its fingerprint
(:func:`graph.store.changes.fingerprint`) in its ``fp`` column: a load reads every held key and
fingerprint (:func:`held_fingerprints`), a few bytes a row, finds the rows added, changed and
removed by comparing them with the folder's, and reads back whole only the held rows the change
needs (:func:`held_by_key`).

>>> from graph.model import Organisation
>>> sql_form("organisations", Organisation("O1", "Acme", "customer"))
('O1', 'Acme', 'customer', None, None)
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any

from graph.model import TABLES, Account, Dataset, Deal, Friendship, Interaction, Organisation, Person
from graph.store.changes import Changes, batches, fingerprint, kind_changed
from graph.store.sqlite import sql

__all__ = ["sql_form", "model", "streams", "SQL_KEY", "with_participants", "read_all",
           "held_fingerprints", "held_by_key", "was"]

Held = dict[str, dict[Any, tuple[Any, ...]]]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def sql_form(table: str, row: Any) -> tuple[Any, ...]:
    """A row of ``table`` as the store keeps it (:data:`graph.store.sqlite.sql.COLUMNS`), an
    interaction's with its participants' tuple at the end: how :func:`read_all` reads it back."""
    if table == "friendships":
        return (row.person_a, row.person_b, row.kind, _iso(row.since))
    if table == "interactions":
        return (row.id, row.date.isoformat(), row.type, row.nature, row.org_id, row.notes, row.participants)
    if table == "accounts":
        return (row.org_id, row.rep_id, row.role, _iso(row.since))
    if table == "deals":
        return (row.id, row.org_id, row.amount, row.status, row.rep_id, _iso(row.closed_on), row.product)
    return tuple(row)


def model(table: str, row: tuple[Any, ...]) -> Any:
    """The model row of a row :func:`sql_form` gives."""
    if table == "organisations":
        return Organisation(*row)
    if table == "people":
        return Person(*row)
    if table == "friendships":
        return Friendship(row[0], row[1], row[2], _date(row[3]))
    if table == "interactions":
        i, d, t, n, o, notes, parts = row
        return Interaction(i, date.fromisoformat(d), t, n, parts, o, notes)
    if table == "accounts":
        return Account(row[0], row[1], row[2], _date(row[3]))
    i, o, a, st, r, cl, p = row
    return Deal(i, o, a, st, r, _date(cl), p)


def streams(data: Dataset) -> dict[str, tuple[int, Iterable[tuple[Any, ...]]]]:
    """Each table's rows of ``data`` as the SQL rows of :data:`graph.store.sqlite.sql.INSERT` (with
    their fingerprints), with their number; an interaction's participants as rows of their own."""
    out: dict[str, tuple[int, Iterable[tuple[Any, ...]]]] = {}
    for table in TABLES:
        rows = getattr(data, table)
        out[table] = (len(rows), _sql_rows(table, rows))
        if table == "interactions":
            out["participants"] = (sum(len(i.participants) for i in rows),
                                   ((i.id, p, n) for i in rows for n, p in enumerate(i.participants)))
    return out


def _sql_rows(table: str, rows: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """``rows`` of ``table`` as :data:`graph.store.sqlite.sql.INSERT` writes them: the SQL form
    (an interaction's without its participants), then the fingerprint."""
    cut = -1 if table == "interactions" else None
    for r in rows:
        yield (*sql_form(table, r)[:cut], fingerprint(table, r))


#: The key of a row :func:`sql_form` gives, per table.
SQL_KEY = {t: itemgetter(0, 1) if t in ("friendships", "accounts") else itemgetter(0) for t in TABLES}


def with_participants(interactions: Iterable[tuple[Any, ...]], participants: Iterable[tuple[str, str]]
                      ) -> Iterator[tuple[Any, ...]]:
    """Interaction rows with their participants' tuple at the end, as :func:`sql_form` gives
    them (``participants``: ``(interaction_id, person_id)`` rows in interaction and position order)."""
    by_id = {iid: tuple(p for _, p in rows) for iid, rows in groupby(participants, key=itemgetter(0))}
    return ((*r, by_id.get(r[0], ())) for r in interactions)


def read_all(c: sqlite3.Connection) -> Dataset:
    """Every input row the connection's transaction sees."""
    out: dict[str, list[Any]] = {}
    for table in TABLES:
        rows: Iterable[tuple[Any, ...]] = c.execute(sql.SELECT_ALL[table])
        if table == "interactions":
            rows = with_participants(rows, c.execute(sql.SELECT_ALL["participants"]))
        out[table] = [model(table, r) for r in rows]
    return Dataset(**out)


def held_fingerprints(c: sqlite3.Connection) -> dict[str, dict[Any, int]]:
    """Every held row's fingerprint, per table, by key (what :func:`fingerprint` compares with)."""
    return {table: {SQL_KEY[table](r): r[-1] for r in c.execute(sql.FINGERPRINTS[table])} for table in TABLES}


def held_by_key(c: sqlite3.Connection, keys: Mapping[str, Collection[Any]], data: Dataset, batch: int) -> Held:
    """The held rows of ``keys`` (per table), by key, in their SQL form; and the held people of
    the organisations whose kind ``data`` changes (:func:`was` needs them)."""
    def read(query: str, wanted: list[Any]) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for part in batches(wanted, batch):
            out.extend(c.execute(query, (json.dumps(part),)).fetchall())
        return out

    held: Held = {}
    for table in TABLES:
        wanted = sorted(keys.get(table, ()), key=str)
        rows = read(sql.SELECT_BY_KEY[table], wanted) if wanted else []
        if table == "interactions" and rows:
            rows = list(with_participants(rows, read(sql.SELECT_BY_KEY["participants"], [r[0] for r in rows])))
        held[table] = {SQL_KEY[table](r): r for r in rows}
    moved = kind_changed(((r[0], r[2]) for r in held["organisations"].values()), data)
    if moved:
        held["people"] |= {r[0]: r for r in read(sql.SELECT_BY_KEY["people_at"], moved)}
    return held


def was(held: Held, changes: Changes) -> Dataset:
    """The held rows :meth:`Changes.scope` looks at (``held``: at least those of the rows changed
    or removed, and the people of organisations whose kind changed): the interactions changed
    or removed, the people changed, the organisations, the people of organisations whose kind
    changed."""
    rows = held["interactions"]
    keys = [*changes["interactions"].removed, *(i.id for i in changes["interactions"].changed)]
    orgs = [model("organisations", r) for r in held["organisations"].values()]
    kind = {o.id: o.kind for o in orgs}
    moved = {o.id for o in changes["organisations"].changed if kind.get(o.id) != o.kind}
    people = held["people"]
    changed = [people[p.id] for p in changes["people"].changed if p.id in people]
    return Dataset(
        organisations=orgs,
        people=[model("people", r) for r in (changed + [r for r in people.values() if r[2] in moved] if moved
                                             else changed)],
        interactions=[model("interactions", rows[k]) for k in keys if k in rows])
