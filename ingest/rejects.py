"""Write rejected rows, with their reasons, to a CSV file people can open safely.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) are written with a leading apostrophe.

>>> safe_cell("=HYPERLINK(1)"), safe_cell("Acme")
("'=HYPERLINK(1)", 'Acme')
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ingest.validate import Rejected

__all__ = ["write_rejects", "safe_cell", "REJECT_COLUMNS"]

REJECT_COLUMNS = ("file", "line", "column", "problem", "row")


def safe_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would evaluate."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_rejects(path: Path, rejected: list[Rejected]) -> int:
    """Write one line per problem of every rejected row; return the number of rows rejected.

    ``row`` holds the rejected row's original cells as a JSON object.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(REJECT_COLUMNS)
        for r in rejected:
            cells = json.dumps(r.cells, ensure_ascii=False)
            for p in r.problems:
                out.writerow([safe_cell(str(x)) for x in (r.file, r.line, p.column or "", p.message, cells)])
    return len(rejected)
