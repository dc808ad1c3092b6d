"""Read one CSV input file as a stream of ``(line, cells)`` with exact line numbers.

The reader is strict about what it cannot guess and lenient about what is
harmless: a UTF-8 byte-order mark is accepted, surrounding whitespace in cells
is removed, empty cells become ``None``. Everything it cannot read becomes a
:class:`~graph.errors.Problem` naming the file and the line, and reading goes on
so that one run reports every problem.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "organisations.csv"
>>> _ = p.write_bytes(b"\\xef\\xbb\\xbfid,name,kind\\nO1, Acme ,customer\\n")
>>> f = CsvFile(p)
>>> f.header
['id', 'name', 'kind']
>>> list(f.rows())
[(2, {'id': 'O1', 'name': 'Acme', 'kind': 'customer'}, None)]
>>> f.problems
[]
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import NamedTuple
from pathlib import Path

from graph.errors import Problem

__all__ = ["CsvFile", "MAX_FIELD"]

#: The longest cell accepted, in characters (a longer one is reported, not read).
MAX_FIELD = 1_000_000

csv.field_size_limit(MAX_FIELD)


def _csv_error(exc: csv.Error) -> str:
    """The csv module's message, with the fix a person can make."""
    text = str(exc)
    if text.startswith("new-line character seen in unquoted field"):
        return ("a carriage return inside an unquoted cell (quote the cell, or save the file with LF or CRLF "
                "line endings: CR-only line endings are not read)")
    if text.startswith("field larger than field limit"):
        return f"a cell is longer than {MAX_FIELD:,} characters"
    if text == "unexpected end of data":
        return "unexpected end of data (a quoted cell is never closed: check the quotes are balanced)"
    if text.endswith("expected after '\"'"):
        return (f"{text} (a quoted cell must end at its closing quote; write a quote inside a quoted cell "
                "as two quotes \"\")")
    return text


def _lenient(line: str) -> list[str]:
    """One line's cells read without the strict rules (empty if even that fails)."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return []


class Span(NamedTuple):
    """Part of a file to read, after its header: from the byte offset ``start`` (``None``: right
    after the header), which begins line ``line``, to the byte offset ``end`` (``None``: the end),
    both at the start of a row (:mod:`ingest.halves`)."""

    start: int | None
    line: int
    end: int | None


class _Lines:
    """The file's lines as text; lines that are not UTF-8 are noted, not fatal."""

    def __init__(self, path: Path, span: Span | None = None) -> None:
        self.path = path
        self.bad: dict[int, str] = {}
        self.bytes_read = 0
        self.span = span
        self.size = span.end if span is not None and span.end is not None else path.stat().st_size
        self.last = ""  # the last line read, to name a row the csv module cannot read

    def __iter__(self) -> Iterator[str]:
        with self.path.open("rb") as fh:
            span = self.span
            if span is None or span.start is None:
                yield from self._decoded(enumerate(fh, start=1), None if span is None else span.end)
                return
            header = fh.readline()  # the header, then the span's lines
            self.bytes_read = len(header)
            yield from self._decoded([(1, header)], None)
            fh.seek(span.start)
            self.bytes_read = span.start
            yield from self._decoded(enumerate(fh, start=span.line), span.end)

    def _decoded(self, lines: Iterable[tuple[int, bytes]], end: int | None) -> Iterator[str]:
        """Each of ``lines`` as text (up to the byte offset ``end``), its problems noted."""
        for number, raw in lines:
            if end is not None and self.bytes_read >= end:
                return
            self.bytes_read += len(raw)
            if number == 1:
                raw = self._first(raw)
            nul = raw.find(b"\x00")
            if nul >= 0 and number not in self.bad:
                # UTF-16 without a byte-order mark decodes as "UTF-8" full of NULs
                self.bad[number] = (f"not UTF-8 text (a NUL byte at column {nul + 1}: is the file UTF-16 or "
                                    "binary?); save the file as UTF-8")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad.setdefault(number, (
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                    "save the file as UTF-8"
                ))
                text = raw.decode("utf-8", errors="replace")
            self.last = text
            yield text

    def _first(self, raw: bytes) -> bytes:
        """The first line without a UTF-8 byte-order mark; a UTF-16 one is noted."""
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            self.bad[1] = ("not UTF-8 text: the file is UTF-16 (it starts with a UTF-16 byte-order "
                           "mark); save it as UTF-8")
        return raw


class CsvFile:
    """One input file: its header, its rows and the problems met reading them.

    Parameters
    ----------
    path : Path
        The CSV file.
    span : Span, optional
        Only these rows of it (the header is read all the same).

    Attributes
    ----------
    header : list[str]
        Column names, stripped; empty when the file is empty.
    problems : list[Problem]
        Problems found so far (header problems at once, row problems as
        :meth:`rows` is consumed).
    raw : list[str]
        The cells of the row :meth:`rows` yielded last, exactly as in the file (not
        stripped, empty ones and any beyond the header's width included; for a row
        the csv module cannot read, a best effort): what a rejects file keeps.
    """

    def __init__(self, path: Path, span: Span | None = None) -> None:
        self.path = path
        self.name = path.name
        self.problems: list[Problem] = []
        self._lines = _Lines(path, span)
        # the span's first line comes right after the header (line 1) for the csv module
        self._skip = span.line - 2 if span is not None and span.start is not None else 0
        self._reader = csv.reader(iter(self._lines), strict=True)
        self.header: list[str] = []
        self.raw: list[str] = []
        self.data_start, self.data_line = 0, 2
        try:
            first = next(self._reader, None)
        except csv.Error as exc:
            self.problems.append(Problem(self.name, 1, f"header row cannot be read: {_csv_error(exc)}"))
            first = None
        if 1 in self._lines.bad:
            self.problems.append(Problem(self.name, 1, self._lines.bad[1]))
            return
        if first is None or not any(c.strip() for c in first):
            if not self.problems:
                self.problems.append(Problem(self.name, 1, "file is empty: a header row is required"
                                             if first is None or self._lines.bytes_read >= self._lines.size
                                             else "line 1 is blank: the header row must be the first line"))
            return
        self.header = [c.strip() for c in first]
        #: Where the rows begin: the byte offset and the line right after the header.
        self.data_start, self.data_line = self._lines.bytes_read, self._reader.line_num + 1
        seen: set[str] = set()
        for col in self.header:
            if col in seen:
                self.problems.append(Problem(self.name, 1, f"column '{col}' appears twice in the header", col))
            if not col:
                self.problems.append(Problem(self.name, 1, "a header cell is empty"))
            seen.add(col)

    def _bad(self, first: int, stop: int) -> list[int]:
        """The lines from ``first`` up to ``stop`` that are not UTF-8 text."""
        bad = self._lines.bad
        return [n for n in range(first, stop) if n in bad] if bad else []

    @property
    def fraction_read(self) -> float:
        """How much of the file has been read, from 0 to 1 (for progress bars)."""
        return self._lines.bytes_read / self._lines.size if self._lines.size else 1.0

    def rows(self) -> Iterator[tuple[int, dict[str, str], str | None]]:
        """Yield ``(line, {column: value}, problem)`` for each data row; empty cells are left out.

        ``line`` is the physical line the row starts on (the header is line 1).
        ``problem`` is ``None`` for a readable row; otherwise it says why the
        row cannot be used (not UTF-8, wrong number of cells, broken quoting),
        and the cells are a best effort, only good for naming the row.
        """
        if not self.header:
            return
        header = self.header
        width = len(header)
        reader = self._reader
        skip = self._skip
        while True:
            start = reader.line_num + 1 + skip
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                bad = self._bad(start, reader.line_num + 1 + skip)
                # a one-line row is read leniently, only to name it (so rows referring to it are not
                # reported as dangling)
                guess = _lenient(self._lines.last) if reader.line_num + skip == start else []
                self.raw = guess
                named = {col: v for col, raw in zip(header, guess) if (v := raw.strip())}
                yield (bad[0], named, self._lines.bad[bad[0]]) if bad else (
                    start, named, f"row cannot be read as CSV: {_csv_error(exc)}")
                continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # a blank line
            self.raw = cells
            # empty cells are left out: "not given"
            row: dict[str, str] = {col: v for col, raw in zip(header, cells) if (v := raw.strip())}
            bad = self._bad(start, reader.line_num + 1 + skip)
            if bad:
                yield bad[0], row, self._lines.bad[bad[0]]
            elif len(cells) != width:
                yield start, row, (f"row has {len(cells)} cells but the header has {width} "
                                   "(check the delimiter is a comma and quotes are balanced)")
            else:
                yield start, row, None
