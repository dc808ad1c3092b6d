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
from collections.abc import Iterator
from pathlib import Path

from graph.errors import Problem

__all__ = ["CsvFile", "MAX_FIELD"]

#: The longest cell accepted, in characters (a longer one is reported, not read).
MAX_FIELD = 1_000_000

csv.field_size_limit(MAX_FIELD)


class _Lines:
    """The file's lines as text; lines that are not UTF-8 are noted, not fatal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bad: dict[int, str] = {}
        self.bytes_read = 0
        self.size = path.stat().st_size

    def __iter__(self) -> Iterator[str]:
        with self.path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                self.bytes_read += len(raw)
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    self.bad[number] = (
                        f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                        "save the file as UTF-8"
                    )
                    text = raw.decode("utf-8", errors="replace")
                yield text


class CsvFile:
    """One input file: its header, its rows and the problems met reading them.

    Parameters
    ----------
    path : Path
        The CSV file.

    Attributes
    ----------
    header : list[str]
        Column names, stripped; empty when the file is empty.
    problems : list[Problem]
        Problems found so far (header problems at once, row problems as
        :meth:`rows` is consumed).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.problems: list[Problem] = []
        self._lines = _Lines(path)
        self._reader = csv.reader(iter(self._lines), strict=True)
        self.header: list[str] = []
        try:
            first = next(self._reader, None)
        except csv.Error as exc:
            self.problems.append(Problem(self.name, 1, f"header row cannot be read: {exc}"))
            first = None
        if 1 in self._lines.bad:
            self.problems.append(Problem(self.name, 1, self._lines.bad[1]))
            return
        if first is None or not any(c.strip() for c in first):
            if not self.problems:
                self.problems.append(Problem(self.name, 1, "file is empty: a header row is required"))
            return
        self.header = [c.strip() for c in first]
        seen: set[str] = set()
        for col in self.header:
            if col in seen:
                self.problems.append(Problem(self.name, 1, f"column '{col}' appears twice in the header", col))
            if not col:
                self.problems.append(Problem(self.name, 1, "a header cell is empty"))
            seen.add(col)

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
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, {}, f"row cannot be read as CSV: {exc}"
                continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # a blank line
            # empty cells are left out: "not given"
            row: dict[str, str] = {col: v for col, raw in zip(header, cells) if (v := raw.strip())}
            bad = [n for n in range(start, reader.line_num + 1) if n in self._lines.bad]
            if bad:
                yield bad[0], row, self._lines.bad[bad[0]]
            elif len(cells) != width:
                yield start, row, (f"row has {len(cells)} cells but the header has {width} "
                                   "(check the delimiter is a comma and quotes are balanced)")
            else:
                yield start, row, None
