"""The spill: validated rows kept in a scratch file read back as they went in, and gone after."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.model import TABLES, Account, Dataset, Deal, Friendship, Interaction, Organisation, Person
from graph.store import SQLiteStore
from graph.store.sqlite import spill as spill_module
from graph.store.sqlite.spill import Spill, spilled
from ingest import ingest_folder
from tests.helpers import write_dataset

ROWS = Dataset(
    organisations=[Organisation("O1", "Acme ☃", "own", None, 1.5), Organisation("O2", "Bolt", "customer", "x", None)],
    people=[Person(f"P{n}", f"Name {n}", "O1" if n % 2 else "O2", None if n % 3 else "CTO", "rep" if n == 1 else
                   "user", None if n % 2 else f"p{n}@example.com") for n in range(1, 8)]
    + [Person('P"8', "Quote", "O2", None, "user", None), Person("P9\u202e, x", "Mark", "O2", None, "user", None)],
    friendships=[Friendship("P1", "P2", "former_colleague", None), Friendship("P2", "P3", "friend", date(2020, 2, 29))],
    interactions=[Interaction(f"I{n}", date(2024, 1, 1 + n), "tennis", "personal",
                              tuple(f"P{1 + (n + k) % 7}" for k in range(2 + n % 3)), "O2" if n % 2 else None,
                              None if n % 2 else f"note {n}") for n in range(9)]
    + [Interaction("I-quote", date(2024, 2, 1), "dinner", "personal", ('P"8', "P1"), None, None),
       Interaction("I-mark", date(2024, 2, 2), "dinner", "personal", ("P9\u202e, x", "P1"), None, None)],
    accounts=[Account("O2", "P1", "owner", date(2023, 5, 1))],
    deals=[Deal("D1", "O2", 1250.5, "open", "P1", None, "Widgets"), Deal("D2", "O2", 0.0, "lost")],
)


def _fill(spill: Spill, data: Dataset) -> Dataset:
    out = spill.dataset()
    for table in TABLES:
        for row in getattr(data, table):
            getattr(out, table).append(row)
    return out


def test_rows_read_back_in_order_across_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spill_module, "BATCH", 2)  # several writes a table, the last part-full
    with Spill() as spill:
        data = _fill(spill, ROWS)
        assert data.counts() == ROWS.counts()
        assert {t: list(getattr(data, t)) for t in TABLES} == {t: getattr(ROWS, t) for t in TABLES}
        # read again, and two tables at once (each read is its own cursor)
        assert list(zip(data.people, data.interactions)) == list(zip(ROWS.people, ROWS.interactions))


def test_the_file_is_deleted_on_close() -> None:
    with Spill() as spill:
        _fill(spill, ROWS)
        path = spill.path
        assert path.stat().st_size > 0
    assert not path.exists()


def test_spilled_finds_the_spill_only_behind_a_whole_spilled_dataset() -> None:
    with Spill() as one, Spill() as other:
        data = _fill(one, ROWS)
        assert spilled(data) is one
        assert spilled(ROWS) is None
        mixed = Dataset(**{t: getattr(data, t) for t in TABLES[:3]},
                        **{t: getattr(other.dataset(), t) for t in TABLES[3:]})
        assert spilled(mixed) is None


def test_an_ingest_leaves_no_scratch_file_whether_it_loads_or_fails(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folder = write_dataset(tmp_path / "in", ROWS)
    with SQLiteStore(tmp_path / "store") as store:
        assert ingest_folder(folder, store).ingested == ROWS.counts()
        assert store.dump() == ROWS.sorted()
        (folder / "people.csv").write_text("id,name,org_id\nP1,Ann,NOPE\n", encoding="utf-8")
        with pytest.raises(InputError):
            ingest_folder(folder, store)
        assert store.dump() == ROWS.sorted()
    assert list(scratch.iterdir()) == []


def test_the_next_spill_deletes_those_of_killed_processes(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    left = tmp_path / f"relmap-rows-{dead}-abc.sqlite"  # as a killed ingest leaves it
    left.write_bytes(b"x")
    mine = tmp_path / f"relmap-rows-{os.getpid()}-abc.sqlite"  # a live process's, even this one's
    mine.write_bytes(b"x")
    other = tmp_path / "relmap-rows-notes.sqlite"
    other.write_bytes(b"x")
    with Spill(tmp_path) as spill:
        assert spill.path.parent == tmp_path
        assert not left.exists() and mine.exists() and other.exists()
