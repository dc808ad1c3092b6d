"""Validated rows kept in a scratch file instead of memory, so that an ingest holds one batch.

A :class:`Spill` is a temporary SQLite file (in the system's temporary folder, ``TMPDIR``)
with one table per input file, in the embedded store's own columns
(:data:`graph.store.sqlite.sql.COLUMNS`) and fingerprint (its SQL: :mod:`.sql_spill`). Validation appends the rows that pass
to :meth:`Spill.dataset`'s tables; the :class:`~graph.model.Dataset` it gives reads them back a
batch at a time, so every store loads it as it would a dataset in memory. The embedded store
copies a spill's tables into its own with one ``INSERT ... SELECT`` each (:func:`spilled` finds
the spill behind a dataset). The file is deleted when the spill is closed, or, if its process
was killed, by the next spill made in the same folder.

>>> from graph.model import Organisation
>>> with Spill() as spill:
...     data = spill.dataset()
...     data.organisations.append(Organisation("O1", "Acme", "customer"))
...     len(data.organisations), list(data.organisations)
(1, [Organisation(id='O1', name='Acme', kind='customer', industry=None, annual_revenue=None)])
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from graph.model import TABLES, Dataset
from graph.store.changes import Changes, batches, fingerprint
from graph.store.sqlite import sql, sql_spill
from graph.store.sqlite.rows import model, sql_form

__all__ = ["Spill", "SpillTable", "spilled", "diff_attached", "hold_fingerprints", "diff_held_in_spill", "to_json",
           "from_json"]

#: Rows a table keeps in memory before writing them to the file.
BATCH = 20_000


def to_json(ids: tuple[str, ...]) -> str:
    r"""``ids`` as a JSON array, as SQLite's ``json_each`` reads it (ids with nothing to escape,
    nearly all, are joined directly: ``json.dumps`` takes seven times as long).

    >>> to_json(("P1", "P2")), to_json(('a"b', "c")), to_json(("a\u202eb", "c")) == '["a\u202eb","c"]'
    ('["P1","P2"]', '["a\\"b","c"]', True)
    """
    text = ";".join(ids)  # no id holds ';' (participants are split on it)
    if '"' in text or "\\" in text or not text.isprintable():
        return json.dumps(ids, ensure_ascii=False, separators=(",", ":"))  # compact, as from_json splits
    return '["' + text.replace(";", '","') + '"]'


def from_json(text: str) -> tuple[str, ...]:
    r"""The ids of :func:`to_json`'s array.

    >>> from_json('["P1","P2"]'), from_json(to_json(('a"b', "c"))), from_json(to_json(("a\u202eb", "c, d")))
    (('P1', 'P2'), ('a"b', 'c'), ('a\u202eb', 'c, d'))
    """
    if "\\" in text:
        return tuple(json.loads(text))
    return tuple(text[2:-2].split('","'))


class SpillTable:
    """One table of a :class:`Spill`: ``append`` model rows, then ``len`` and iterate them (in the
    order appended) as often as needed."""

    def __init__(self, spill: "Spill", table: str) -> None:
        self.spill, self.table = spill, table
        self._pending: list[tuple[Any, ...]] = []
        self._count = 0

    def append(self, row: Any, line: int = 0) -> None:
        """Keep ``row`` (a :mod:`graph.model` row of this table), from ``line`` of its file."""
        values, fp = sql_form(self.table, row), fingerprint(self.table, row)
        if self.table == "interactions":  # its participants' tuple, last, as a JSON array after fp
            self._pending.append((*values[:-1], fp, to_json(values[-1]), line))
        else:
            self._pending.append((*values, fp, line))
        self._count += 1
        if len(self._pending) >= BATCH:
            self.flush()

    def extend(self, rows: list[tuple[Any, ...]]) -> None:
        """Keep ``rows`` given in the file's own form, as :meth:`append` writes them (the columns,
        ``fp``, an interaction's participants as a JSON array, the line)."""
        self.flush()
        self._pending, self._count = rows, self._count + len(rows)
        self.flush()

    def flush(self) -> None:
        """Write the rows still in memory to the file."""
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        conn = self.spill.conn
        conn.execute("BEGIN")
        conn.executemany(sql_spill.INSERT[self.table], rows)
        conn.execute("COMMIT")

    def drop_lines(self, lines: list[int]) -> None:
        """Forget the rows appended from ``lines`` (rows validation rejects after the fact)."""
        self.flush()
        for part in batches(lines, BATCH):
            self._count -= self.spill.conn.execute(sql_spill.DROP[self.table], (json.dumps(part),)).rowcount

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        self.flush()
        return self._models(self.spill.conn.execute(sql_spill.READ[self.table]))

    def at(self, rowids: list[int]) -> list[Any]:
        """The rows of ``rowids`` (the order they came in is the rowid's), as model rows."""
        self.flush()
        return [r for part in batches(rowids, BATCH)
                for r in self._models(self.spill.conn.execute(sql_spill.AT[self.table], (json.dumps(part),)))]

    def _models(self, rows: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        if self.table != "interactions":
            return (model(self.table, r) for r in rows)
        return (model("interactions", (*r[:-1], from_json(r[-1]))) for r in rows)

    def __repr__(self) -> str:
        return f"<{self.table}: {self._count} rows in {self.spill.path}>"


class Spill:
    """A scratch SQLite file holding a dataset's rows (see the module docstring); a context
    manager that deletes the file on exit."""

    def __init__(self, directory: str | Path | None = None, *, path: Path | None = None) -> None:
        if path is None:
            _sweep(Path(directory or tempfile.gettempdir()))
            path = Spill.reserve(directory)
        self.path = path
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-16384"):  # scratch: no journal
            self.conn.execute(f"PRAGMA {pragma}")
        for statement in sql_spill.SCHEMA:
            self.conn.execute(statement)
        self.tables = {t: SpillTable(self, t) for t in TABLES}
        self._seen: list[tuple[str, str, str | None, int]] = []

    @staticmethod
    def reserve(directory: str | Path | None = None) -> Path:
        """A new empty file for a spill, named for this process (another process may fill it:
        ``Spill(path=...)``, then :meth:`absorb`)."""
        handle, name = tempfile.mkstemp(prefix=f"relmap-rows-{os.getpid()}-", suffix=".sqlite", dir=directory)
        os.close(handle)
        return Path(name)

    def absorb(self, path: Path) -> None:
        """Append the rows and keys of the spill file ``path`` (in the order they came), then
        delete it."""
        self.flush()
        self.conn.execute("ATTACH DATABASE ? AS half", (str(path),))
        try:
            self.conn.execute("BEGIN")
            for table in self.tables.values():
                table._count += self.conn.execute(sql_spill.ABSORB[table.table]).rowcount
            self.conn.execute(sql_spill.ABSORB["seen"])
            self.conn.execute("COMMIT")
        finally:
            self.conn.execute("DETACH DATABASE half")
        path.unlink(missing_ok=True)

    def dataset(self) -> Dataset:
        """The :class:`~graph.model.Dataset` of this spill's tables (append to them to fill it)."""
        return Dataset(**self.tables)

    def see(self, file: str, key: str | tuple[str, str], line: int) -> None:
        """Note that ``line`` of ``file``, a row not kept, has ``key`` (an id, or two), for
        :meth:`repeats` (the keys of the rows kept are in their table)."""
        self._seen.append((file, key, None, line) if isinstance(key, str) else (file, *key, line))
        if len(self._seen) >= BATCH:
            self._write_seen()

    def repeats(self, file: str) -> list[tuple[int, str | tuple[str, str], int]]:
        """``(line, key, first)`` for every line of ``file`` (``interactions.csv`` or
        ``friendships.csv``) whose key an earlier line has, of a row kept or one :meth:`see`
        noted, ``first`` the earliest, in line order.

        >>> with Spill() as spill:
        ...     for n, key in enumerate(["I1", "I2", "I1", "I1"], start=2):
        ...         spill.see("interactions.csv", key, n)
        ...     spill.repeats("interactions.csv")
        [(4, 'I1', 2), (5, 'I1', 2)]
        """
        self.flush()
        return [(line, k1 if k2 is None else (k1, k2), first)
                for line, k1, k2, first in self.conn.execute(sql_spill.REPEATS[file], (file,))]

    def _write_seen(self) -> None:
        rows, self._seen = self._seen, []
        if rows:
            self.conn.execute("BEGIN")
            self.conn.executemany(sql_spill.SEE, rows)
            self.conn.execute("COMMIT")

    def flush(self) -> None:
        """Write every table's rows and the keys seen still in memory (before another connection
        reads the file)."""
        self._write_seen()
        for t in self.tables.values():
            t.flush()

    def keep(self) -> None:
        """Write everything and close the file, keeping it (for another process to :meth:`absorb`)."""
        self.flush()
        self.conn.close()

    def close(self) -> None:
        """Close the file and delete it."""
        self.conn.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sweep(directory: Path) -> None:
    """Delete the spill files of processes that are gone (killed before they could): a spill's
    name holds its process id."""
    if os.name != "posix":  # os.kill(pid, 0) only asks on POSIX
        return
    for path in directory.glob("relmap-rows-*-*.sqlite"):
        try:
            pid = int(path.name.split("-")[2])
            os.kill(pid, 0)
        except ValueError:
            continue
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except PermissionError:  # another user's live process
            continue


def diff_attached(conn: sqlite3.Connection, spill: Spill) -> tuple[Changes, list[int]]:
    """What turns the input rows of the store ``conn`` writes into those of ``spill``, attached to
    it as ``spill``, compared in SQL by key and fingerprint (nothing held is read into memory, and
    only the rows added or changed are read from the spill); and how many rows each table held."""
    return _diff_in_sql(conn, spill, sql_spill.DIFF, sql_spill.GONE, sql.COUNT)


def hold_fingerprints(spill: Spill, held: Iterable[tuple[str, list[list[Any]]]]) -> bool:
    """Keep another store's fingerprints (batches of ``(table, [[*key, fp], ...])``) in
    ``spill``'s connection, for :func:`diff_held_in_spill`: memory holds one batch, not every
    key (a Neo4j refresh at 100k: 566 MB with them all in a dict). ``False``, nothing kept,
    when a row has none (written before rows kept them)."""
    for statement in sql_spill.HELD:
        spill.conn.execute(statement)
    for table, rows in held:
        if any(r[-1] is None for r in rows):
            _drop_held(spill)
            return False
        spill.conn.executemany(sql_spill.HOLD[table], rows)
    return True


def diff_held_in_spill(spill: Spill) -> tuple[Changes, list[int]]:
    """:func:`diff_attached` for the fingerprints :func:`hold_fingerprints` kept (then dropped)."""
    try:
        return _diff_in_sql(spill.conn, spill, sql_spill.HELD_DIFF, sql_spill.HELD_GONE, sql_spill.HELD_COUNT)
    finally:
        _drop_held(spill)


def _drop_held(spill: Spill) -> None:
    for statement in sql_spill.HELD_DROP:
        spill.conn.execute(statement)


def _diff_in_sql(conn: sqlite3.Connection, spill: Spill, diff: Mapping[str, str], gone: Mapping[str, str],
                 count: Mapping[str, str]) -> tuple[Changes, list[int]]:
    """The changes the statements find (``diff``: each spill row added or changed, ``rowid, added``;
    ``gone``: each key held the spill has not; ``count``: the rows held), per table."""
    out = Changes()
    sizes = []
    for table in TABLES:
        added: list[int] = []
        changed: list[int] = []
        for rowid, new in conn.execute(diff[table]):
            (added if new else changed).append(rowid)
        t = out[table]
        t.added, t.changed = spill.tables[table].at(added), spill.tables[table].at(changed)
        t.removed = [r[0] if len(r) == 1 else tuple(r) for r in conn.execute(gone[table])]
        sizes.append(conn.execute(count[table]).fetchone()[0])
    return out, sizes


def spilled(data: Dataset) -> Spill | None:
    """The spill every table of ``data`` is kept in (flushed), or ``None`` when ``data`` is not
    one spill's :meth:`~Spill.dataset`."""
    tables = [getattr(data, t) for t in TABLES]
    if not all(isinstance(t, SpillTable) for t in tables):
        return None
    spills = {id(t.spill): t.spill for t in tables}
    if len(spills) != 1:
        return None
    spill = next(iter(spills.values()))
    spill.flush()
    return spill
