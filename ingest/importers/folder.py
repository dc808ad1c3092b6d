"""The input folder an import merges into: read its six files, change rows, write them back atomically.

:class:`InputFolder` holds each file as a :class:`Table` of rows (cells as
text, the file's own columns and row order kept, unknown columns too). An
import changes rows in memory; :meth:`InputFolder.write` then writes only the
files that changed, each to a temporary file first and renamed over the old
one once every file is written, so a failed import leaves the folder as it
was. Counting what was added and updated is a comparison with the rows read.

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp()) / "input"
>>> f = InputFolder.read(d)
>>> f.tables["organisations"].add({"id": "O1", "name": "Acme", "kind": "customer"})
>>> f.write()
['organisations.csv']
>>> (d / "organisations.csv").read_text()
'id,name,kind,industry,annual_revenue,source_ids\\nO1,Acme,customer,,,\\n'
>>> f2 = InputFolder.read(d); f2.tables["organisations"].update(f2.tables["organisations"].get("O1"), kind="prospect")
>>> f2.changes()
({'organisations': 0, 'people': 0, 'friendships': 0, 'interactions': 0, 'accounts': 0, 'deals': 0}, {'organisations': 1, 'people': 0, 'friendships': 0, 'interactions': 0, 'accounts': 0, 'deals': 0})
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from graph.model import TABLES
from ingest.importers.errors import SourceFileError
from ingest.rows import ROW_MODELS, known_columns
from ingest.validate import REVIEW_FILE

__all__ = ["InputFolder", "Table", "Row", "REVIEW_COLUMNS", "FILES"]

Row = dict[str, str]
Key = tuple[str, ...]

#: The file of each table.
FILES = dict(zip(TABLES, ROW_MODELS))

#: The columns of the review file: a possible duplicate, its candidate, and the person's decision.
REVIEW_COLUMNS = ["id", "name", "org_id", "candidate_id", "candidate_name", "score", "decision"]


def _key_of(table: str, row: Row) -> Key:
    if table == "friendships":
        a, b = row.get("person_a", "").strip(), row.get("person_b", "").strip()
        return (a, b) if a <= b else (b, a)
    if table == "accounts":
        return row.get("org_id", "").strip(), row.get("rep_id", "").strip()
    return (row.get("id", "").strip(),)


class Table:
    """One input file's rows, indexed by their key (``id``, or the pair for friendships and accounts).

    Rows are plain dicts of text; an absent or empty cell means "not given".
    """

    def __init__(self, name: str, header: list[str], rows: list[Row], existed: bool) -> None:
        self.name = name
        self.file = FILES[name]
        self.header = header
        self._columns = set(header)
        self.rows = rows
        self.existed = existed
        self.index: dict[Key, Row] = {}
        for row in rows:
            self.index.setdefault(_key_of(name, row), row)
        self._original = {id(row): dict(row) for row in rows}
        self._removed = 0

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def get(self, *key: str) -> Row | None:
        """The row with this key (for friendships, the pair in either order)."""
        if self.name == "friendships" and len(key) == 2 and key[0] > key[1]:
            key = (key[1], key[0])
        return self.index.get(tuple(key))

    def add(self, row: Row, clean: bool = False) -> None:
        """Append a new row (its key must be new); ``clean``: its values are known to hold no NUL."""
        cells = {k: v for k, v in row.items() if v} if clean else \
            {k: v.replace("\x00", "") for k, v in row.items() if v not in (None, "")}
        if not self._columns.issuperset(cells):
            for column in cells:
                if column not in self._columns:
                    self.header.append(column)
                    self._columns.add(column)
        self.rows.append(cells)
        self.index[_key_of(self.name, cells)] = cells

    def update(self, row: Row | None, **values: str | None) -> None:
        """Set cells of an existing row (``None`` or ``""`` empties a cell)."""
        assert row is not None
        for column, value in values.items():
            if value in (None, ""):
                row.pop(column, None)
                continue
            assert value is not None
            value = value.replace("\x00", "")  # the one character no input file may hold
            if column not in self._columns:
                self.header.append(column)
                self._columns.add(column)
            row[column] = value

    def remove(self, row: Row) -> None:
        """Take a row out (a duplicate a person decided to merge)."""
        self.rows.remove(row)
        key = _key_of(self.name, row)
        if self.index.get(key) is row:
            del self.index[key]
            for other in self.rows:  # a duplicate key in a hand-made file takes its place
                if _key_of(self.name, other) == key:
                    self.index[key] = other
                    break
        if id(row) in self._original:
            self._removed += 1

    def rekey(self, row: Row, **values: str) -> None:
        """Change cells that make the key (a merge rewriting a reference)."""
        old = _key_of(self.name, row)
        if self.index.get(old) is row:
            del self.index[old]
        self.update(row, **values)
        self.index.setdefault(_key_of(self.name, row), row)

    def counts(self) -> tuple[int, int]:
        """``(added, updated)`` since the table was read (a removed row counts as updated)."""
        added = updated = 0
        for row in self.rows:
            before = self._original.get(id(row))
            if before is None:
                added += 1
            elif {k: v for k, v in before.items() if v.strip()} != {k: v for k, v in row.items() if v.strip()}:
                updated += 1
        return added, updated + self._removed

    @property
    def changed(self) -> bool:
        added, updated = self.counts()
        return bool(added or updated)

    def text(self) -> str:
        """The file's new content: its header, then every row."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header)
        for row in self.rows:
            writer.writerow([row.get(c, "") for c in self.header])
        return out.getvalue()


def _read_csv(path: Path, table: str | None = None) -> tuple[list[str], list[Row]]:
    """A folder file's header and rows; a file relmap could not merge into safely is refused."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFileError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}): "
                              "save it as UTF-8 before importing into this folder") from None
    if "\x00" in text:
        raise SourceFileError(f"{path}: holds NUL bytes (is it UTF-16 or binary?): save it as UTF-8 text before "
                              "importing into this folder")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise SourceFileError(f"{path}:{reader.line_num}: cannot be read as CSV ({exc}); fix it (relmap ingest "
                              f"{path.parent} --dry-run lists every problem) before importing into this folder") from None
    if not lines or not any(c.strip() for c in lines[0]):
        return [], []
    header = [c.strip() for c in lines[0]]
    if table is not None:
        need = ("person_a", "person_b") if table == "friendships" else ("org_id", "rep_id") if table == "accounts" \
            else ("id",)
        missing = [c for c in need if c not in header]
        if missing:
            raise SourceFileError(f"{path}: has no '{missing[0]}' column; fix its header before importing into this "
                                  "folder")
    rows: list[Row] = []
    for number, cells in enumerate(lines[1:], start=2):
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) > len(header):
            raise SourceFileError(f"{path}:{number}: the row has {len(cells)} cells but the header {len(header)}; "
                                  "fix it before importing into this folder (nothing was changed)")
        rows.append({c: v for c, v in zip(header, cells) if v.strip()})
    return header, rows


class InputFolder:
    """An input folder's six tables and its review file, as read, then as changed by an import."""

    def __init__(self, path: Path, tables: dict[str, Table], review: list[Row], review_existed: bool) -> None:
        self.path = path
        self.tables = tables
        self.review = review
        self._review_before = [dict(r) for r in review]
        self.review_existed = review_existed

    @classmethod
    def read(cls, path: Path) -> InputFolder:
        """Read ``path`` (which may not exist yet: then every table is empty)."""
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise SourceFileError(f"--into '{path}' is a file; give a folder (it is created when missing)")
        tables: dict[str, Table] = {}
        for name, file in FILES.items():
            p = path / file
            if p.is_file():
                header, rows = _read_csv(p, name)
                tables[name] = Table(name, header or list(known_columns(ROW_MODELS[file])), rows, True)
            else:
                tables[name] = Table(name, list(known_columns(ROW_MODELS[file])), [], False)
        review_path = path / REVIEW_FILE
        review: list[Row] = []
        if review_path.is_file():
            _, review = _read_csv(review_path)
        return cls(path, tables, review, review_path.is_file())

    def changes(self) -> tuple[dict[str, int], dict[str, int]]:
        """Rows added and rows updated per table, since the folder was read."""
        counts = {name: t.counts() for name, t in self.tables.items()}
        return {n: c[0] for n, c in counts.items()}, {n: c[1] for n, c in counts.items()}

    def review_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(REVIEW_COLUMNS)
        for row in self.review:
            writer.writerow([row.get(c, "") for c in REVIEW_COLUMNS])
        return out.getvalue()

    def write(self) -> list[str]:
        """Write every changed file atomically; return their names (none: nothing is touched).

        Each file goes to a temporary file in the folder first; only when all are
        written and flushed are they renamed over the old ones.
        """
        pending: list[tuple[str, str]] = [(t.file, t.text()) for t in self.tables.values() if t.changed]
        if self.review != self._review_before and (self.review or self.review_existed):
            pending.append((REVIEW_FILE, self.review_text()))
        if not pending:
            return []
        self.path.mkdir(parents=True, exist_ok=True)
        written: list[tuple[str, str]] = []
        try:
            for name, text in pending:
                fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.path)
                written.append((tmp, name))
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
            for tmp, name in written:
                os.replace(tmp, self.path / name)
        except BaseException:
            for tmp, _ in written:
                Path(tmp).unlink(missing_ok=True)
            raise
        return [name for name, _ in pending]
