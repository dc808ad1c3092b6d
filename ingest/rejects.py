"""Write rejected rows, with their reasons, to a CSV file people can open safely.

Cells that a spreadsheet would run as a formula are written with a leading
apostrophe (see :func:`graph.export.safe_cell`).
"""

from __future__ import annotations

import json
from pathlib import Path

from graph.export import write_csv
from ingest.validate import Rejected

__all__ = ["write_rejects", "REJECT_COLUMNS"]

REJECT_COLUMNS = ("file", "line", "column", "problem", "row")


def write_rejects(path: Path, rejected: list[Rejected]) -> int:
    """Write one line per problem of every rejected row; return the number of rows rejected.

    ``row`` holds the rejected row's original cells as a JSON object.
    """
    write_csv(path, REJECT_COLUMNS, (
        (r.file, r.line, p.column or "", p.message, json.dumps(r.cells, ensure_ascii=False))
        for r in rejected for p in r.problems))
    return len(rejected)
