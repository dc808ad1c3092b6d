"""CSV files people open in spreadsheets: written so that no cell runs as a formula.

>>> safe_cell("=HYPERLINK(1)"), safe_cell("-5"), safe_cell("Acme")
("'=HYPERLINK(1)", "'-5", 'Acme')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["safe_cell", "write_csv", "csv_text"]


def safe_cell(value: Any) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would evaluate it
    (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a UTF-8 CSV with neutralised cells; return the number of data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for row in rows:
            out.writerow([safe_cell(v) for v in row])
            n += 1
    return n


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The same CSV as :func:`write_csv`, as a string (for downloads).

    >>> csv_text(["a"], [["=1"]])
    "a\\r\\n'=1\\r\\n"
    """
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(header)
    out.writerows([safe_cell(v) for v in row] for row in rows)
    return buf.getvalue()
