"""How the two big files, ``interactions.csv`` and ``friendships.csv``, are checked and kept:
their plain rows a chunk at a time (:mod:`ingest.columns`), every other row one at a time, with
the checks and words of :mod:`ingest.validate` (whose checker, ``ingest.validate._Checker``,
holds the ids rows may name)."""

from __future__ import annotations

from pathlib import Path
from sys import intern
from typing import Any

from graph.model import Friendship, Interaction, default_nature, pair as model_pair
from graph.store.sqlite.spill import Spill
from ingest.columns import Known, read_plain
from ingest.csvfile import Span

__all__ = ["read_big"]


def _interactions(c: Any, rows: Any, spill: Spill) -> None:
    """The rows of interactions.csv ``rows`` gives (:meth:`_Checker.rows`), checked and kept."""
    add = spill.tables
    for line, row, cells, r in rows:
        if row is None:  # an id used twice is found once the file is read, from the rows kept and these
            if cells.get("id"):
                spill.see("interactions.csv", cells["id"], line)
            continue
        people = [intern(p.strip()) for p in row.participants.split(";") if p.strip()]  # one object a person
        if len(set(people)) != len(people):
            twice = sorted({p for p in people if people.count(p) > 1})
            r.add(f"participants lists '{twice[0]}' more than once", "participants")
        elif len(people) < 2:
            r.add("participants needs at least two person ids separated by ';'", "participants")
        person = c.person
        for pid in people:
            if pid not in person:
                r.check(c.person_ref("participants", pid), "participants")
        if row.org_id is not None and row.org_id not in c.org_kind:
            r.check(c.org_ref("org_id", row.org_id), "org_id")
        nature = row.nature or default_nature(row.type)
        if nature is None:
            r.add(f"type '{row.type}' is not a known interaction type; give the row a nature "
                  "('personal' or 'business')", "type")
        if nature is not None and r.ok:
            add["interactions"].append(
                Interaction(row.id, row.date, row.type, nature, tuple(people), row.org_id, row.notes), line)
        else:
            spill.see("interactions.csv", row.id, line)


def _friendships(c: Any, rows: Any, spill: Spill) -> None:
    """The rows of friendships.csv ``rows`` gives (:meth:`_Checker.rows`), checked and kept."""
    add = spill.tables
    for line, row, _, r in rows:
        if row is None:
            continue
        if row.person_a == row.person_b:
            r.add(f"person_a and person_b are the same person '{row.person_a}'; a friendship needs two people",
                  "person_b")
            continue
        pair = model_pair(intern(row.person_a), intern(row.person_b))  # one string object a person
        if row.person_a not in c.person:
            r.check(c.person_ref("person_a", row.person_a), "person_a")
        if row.person_b not in c.person:
            r.check(c.person_ref("person_b", row.person_b), "person_b")
        if r.ok:
            add["friendships"].append(Friendship(pair[0], pair[1], row.kind, row.since), line)
        else:  # a pair given twice is found once the file is read, from the rows kept and these
            spill.see("friendships.csv", pair, line)


def read_big(c: Any, folder: Path, name: str, span: Span | None, spill: Spill) -> None:
    """``name`` (``interactions.csv`` or ``friendships.csv``; its part ``span``) checked and kept:
    its plain lines a chunk at a time (:mod:`ingest.columns`), the others row by row
    (:func:`_interactions`, :func:`_friendships`)."""
    csv_file = c.open(folder, name, span)
    if csv_file is None:
        return
    first = span is None or span.start is None
    part = Span(csv_file.data_start, csv_file.data_line, span and span.end) if first else span
    assert part is not None
    slow_rows = 0

    def counted(rows: Any) -> Any:
        nonlocal slow_rows
        for row in rows:
            slow_rows += 1
            yield row

    size = (folder / name).stat().st_size

    def progress(done: int) -> None:
        if c.progress:
            c.progress(name, int(done / max(1, size) * 1000), 1000)

    table = name.removesuffix(".csv")
    by_row = _interactions if table == "interactions" else _friendships
    kept = read_plain(folder / name, csv_file.header, part, Known(c.person, c.org_kind),
                      lambda s: by_row(c, counted(c.rows(folder, name, s)), spill), spill.tables[table].extend,
                      progress, table)
    if first:
        if kept + slow_rows == 0:
            c.no_rows(name)
        progress(size)
