"""Small helpers the tests share: writing input folders, a tiny valid dataset, a generated one."""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from graph.model import TABLES, Dataset

#: A small valid input folder, every file present. Line numbers matter to the tests.
BASE: dict[str, str] = {
    "organisations.csv": (
        "id,name,kind,industry,annual_revenue\n"
        "O-OWN,Northwind,own,Software,\n"         # line 2
        "O-A,Acme Telecom,customer,Telecom,5000000\n"  # line 3
        "O-B,Beta Bank,prospect,,\n"              # line 4
    ),
    "people.csv": (
        "id,name,org_id,title,role,email\n"
        "P1,Rita Rep,O-OWN,Account Executive,rep,rita@northwind.example\n"  # 2
        "P2,Sam Rep,O-OWN,Account Executive,rep,\n"                         # 3
        "P3,Mia Manager,O-OWN,Head of Sales,manager,\n"                     # 4
        "P4,Carl Chen,O-A,CTO,decision_maker,\n"                            # 5
        "P5,Ivy User,O-A,Engineer,user,\n"                                  # 6
        "P6,Bob Buyer,O-B,Head of Procurement,influencer,\n"                # 7
    ),
    "friendships.csv": (
        "person_a,person_b,kind,since\n"
        "P1,P4,club,2020-05-01\n"   # 2
        "P2,P5,friend,\n"           # 3
    ),
    "interactions.csv": (
        "id,date,type,participants,org_id,nature,notes\n"
        "I1,2026-10-01,tennis,P1;P4,O-A,,Saturday doubles\n"    # 2
        "I2,2026-09-15,meeting,P1;P4;P5,O-A,,\n"                # 3
        "I3,2026-08-01,hackathon,P2;P6,O-B,business,\n"         # 4
    ),
    "accounts.csv": (
        "org_id,rep_id,role,since\n"
        "O-A,P1,owner,2025-01-01\n"   # 2
        "O-B,P2,owner,\n"             # 3
    ),
    "deals.csv": (
        "id,org_id,amount,status,rep_id,closed_on,product\n"
        "D1,O-A,120000,won,P1,2026-06-30,Core\n"   # 2
        "D2,O-B,5000.50,open,P2,,\n"               # 3
    ),
}

BASE_COUNTS = {"organisations": 3, "people": 6, "friendships": 2, "interactions": 3, "accounts": 2, "deals": 2}


def loaded_reader(store: Any, folder: Path, files: dict[str, str | bytes | None]) -> Iterator[Any]:
    """``files`` written into ``folder``, checked and loaded into ``store``; then one reader on
    it (a planted world's fixture: ``yield from loaded_reader(...)``)."""
    from ingest import check_folder

    data, _ = check_folder(write_folder(folder, files))
    store.load(data)
    with store.reader() as r:
        yield r


def write_folder(folder: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write input files; a ``None`` value leaves that file out."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is None:
            continue
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def base_with(**changes: str | bytes | None) -> dict[str, str | bytes | None]:
    """The base folder with some files replaced (keys are file names without '.csv')."""
    files: dict[str, str | bytes | None] = dict(BASE)
    for key, value in changes.items():
        files[f"{key}.csv"] = value
    return files


def generated_dataset(folder: Path, people: int, seed: int, as_of: date = date(2026, 11, 26)) -> Dataset:
    """``relmap generate`` of ``people`` people into ``folder``, validated as an ingest would."""
    from ingest.generate import generate
    from ingest.validate import validate_folder

    generate(folder, people, seed=seed, as_of=as_of)
    v = validate_folder(folder)
    assert v.ok
    return v.dataset


def write_dataset(folder: Path, data: Dataset) -> Path:
    """Write a dataset as an input folder (:func:`ingest.write.write_dataset`)."""
    from ingest.write import write_dataset as write

    return write(folder, data)


def write_delta(folder: Path, before: Dataset, after: Dataset) -> Path:
    """An update folder taking a store from ``before`` to ``after`` (:func:`ingest.write.write_delta`)."""
    from ingest.write import write_delta as write

    write(folder, before, after)
    return folder


@contextlib.contextmanager
def spilled(data: Dataset) -> Iterator[Dataset]:
    """``data`` kept in a :class:`~graph.store.sqlite.spill.Spill`, as ``relmap ingest`` hands a
    validated folder to a store (the file is deleted after the block)."""
    from graph.store.sqlite.spill import Spill

    with Spill() as spill:
        out = spill.dataset()
        for table in TABLES:
            for row in getattr(data, table):
                getattr(out, table).append(row)
        yield out
