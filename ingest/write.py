"""Datasets written as input folders: the six CSV files, and update folders.

What ``relmap ingest`` reads back exactly (dates as ISO text, floats as ``repr``, an
interaction's participants joined by ``;``, an empty cell for a missing value). The tests and
benchmarks make their folders with these.

>>> import pathlib, tempfile
>>> from graph.model import Dataset, Organisation
>>> from ingest import check_folder
>>> d = write_dataset(pathlib.Path(tempfile.mkdtemp()), Dataset([Organisation("O1", "Acme", "customer")]))
>>> (d / "organisations.csv").read_text().splitlines()
['id,name,kind,industry,annual_revenue', 'O1,Acme,customer,,']
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from graph.model import Dataset
from graph.store.changes import Changes, diff

__all__ = ["write_dataset", "write_delta"]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_dataset(folder: Path, data: Dataset) -> Path:
    """The six input files of ``data`` in ``folder`` (made if missing); returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    tables: dict[str, tuple[list[str], Iterable[Sequence[object]]]] = {
        "organisations.csv": (["id", "name", "kind", "industry", "annual_revenue"], data.organisations),
        "people.csv": (["id", "name", "org_id", "title", "role", "email"], data.people),
        "friendships.csv": (["person_a", "person_b", "kind", "since"], data.friendships),
        "interactions.csv": (["id", "date", "type", "nature", "participants", "org_id", "notes"],
                             [(i.id, i.date, i.type, i.nature, ";".join(i.participants), i.org_id, i.notes)
                              for i in data.interactions]),
        "accounts.csv": (["org_id", "rep_id", "role", "since"], data.accounts),
        "deals.csv": (["id", "org_id", "amount", "status", "rep_id", "closed_on", "product"], data.deals),
    }
    for name, (header, rows) in tables.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            out.writerows([_cell(v) for v in row] for row in rows)
    return folder


def write_delta(folder: Path, before: Dataset, after: Dataset) -> Changes:
    """An update folder (``relmap ingest DIR --update``) taking a store from ``before`` to
    ``after``: the rows added or changed in the six files, the rows removed in
    ``removals.csv``. Returns the :class:`~graph.store.changes.Changes` it holds."""
    changes = diff(before, after)
    write_dataset(folder, changes.upserts())
    with (folder / "removals.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "id"])
        for table, c in changes.tables.items():
            out.writerows([f"{table}.csv", ";".join(k) if isinstance(k, tuple) else k] for k in c.removed)
    return changes
