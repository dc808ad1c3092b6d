"""Rejected rows: one row's problems as validation finds them (:class:`RowReport`), the rows
left out with their reasons and original cells (:class:`Rejected`), and the CSV file
``--skip-invalid`` writes them to, which people can open safely (cells that a spreadsheet would
run as a formula are written with a leading apostrophe, see :func:`graph.export.safe_cell`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import Problem
from graph.export import write_csv
from ingest.csvfile import CsvFile

if TYPE_CHECKING:
    from ingest.validate import Validation

__all__ = ["write_rejects", "REJECT_COLUMNS", "Rejected", "RowReport", "original_cells"]

REJECT_COLUMNS = ("file", "line", "column", "problem", "row")


def write_rejects(path: Path, rejected: list[Rejected]) -> int:
    """Write one line per problem of every rejected row; return the number of rows rejected.

    ``row`` holds the rejected row's original cells as a JSON object.
    """
    write_csv(path, REJECT_COLUMNS, (
        (r.file, r.line, p.column or "", p.message, json.dumps(r.cells, ensure_ascii=False))
        for r in rejected for p in r.problems))
    return len(rejected)


@dataclass
class Rejected:
    """One row left out, with every reason and its original cells (:func:`original_cells`).

    ``refers_to`` names the files whose rejected rows it refers to; ``invalid`` says whether it
    has problems of its own (else it is left out only because it refers to rejected rows)."""

    file: str
    line: int
    problems: list[Problem]
    cells: dict[str, str]
    refers_to: tuple[str, ...] = ()
    invalid: bool = True


def original_cells(header: list[str], raw: list[str]) -> dict[str, str]:
    """A row's cells exactly as in the file, by column: empty ones too, and any beyond the
    header's width as ``"column N"`` (N counted from 1).

    >>> original_cells(["id", "name"], ["P1", " Ann ", "", "x"])
    {'id': 'P1', 'name': ' Ann ', 'column 3': '', 'column 4': 'x'}
    """
    cells = dict(zip(header, raw))
    for n in range(len(header), len(raw)):
        key = f"column {n + 1}"
        while key in cells:
            key += "+"
        cells[key] = raw[n]
    return cells


class RowReport:
    """Collects one row's problems; on close, records the row as rejected if any.

    One instance serves every row of a file (:meth:`start` begins the next row).
    """

    def __init__(self, v: "Validation", file: str) -> None:
        self.v, self.file = v, file
        self.line = 0
        self.source: CsvFile | None = None
        self.own: list[Problem] = []
        self.dependent: list[Problem] = []
        self.refers_to: set[str] = set()

    def start(self, line: int, cells: dict[str, str], source: CsvFile) -> None:
        self.line, self.source = line, source
        if self.own or self.dependent:
            self.own, self.dependent, self.refers_to = [], [], set()

    def add(self, message: str, column: str | None = None, depends_on: str | None = None) -> None:
        """One problem of the row; ``depends_on``: the file of the rejected row it refers to."""
        problem = Problem(self.file, self.line, message, column)
        if depends_on is None:
            self.own.append(problem)
        else:
            self.dependent.append(problem)
            self.refers_to.add(depends_on)

    def check(self, result: tuple[str, str | None] | None, column: str) -> None:
        if result:
            self.add(result[0], column, result[1])

    @property
    def ok(self) -> bool:
        return not self.own and not self.dependent

    def close(self) -> None:
        if self.ok:
            return
        self.v.problems.extend(self.own)
        cells = original_cells(self.source.header, self.source.raw) if self.source is not None else {}
        self.v.rejected.append(Rejected(self.file, self.line, self.own + self.dependent, cells,
                                        tuple(sorted(self.refers_to)), bool(self.own)))
