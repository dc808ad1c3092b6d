"""Terminal output for the CLI: JSON on stdout, people's text and progress on stderr.

>>> import io
>>> buf = io.StringIO()
>>> emit_json({"b": 1, "a": [1, 2]}, buf)
>>> buf.getvalue()
'{"b": 1, "a": [1, 2]}\\n'
>>> for line in table(["name", "value"], [["Telco", "3,950,000"], ["Quarry Point", "0"]], right={1}):
...     print(line)
name              value
Telco         3,950,000
Quarry Point          0
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from collections.abc import Collection, Sequence
from typing import Any, Iterator, TextIO

from rich.console import Console
from rich.progress import BarColumn, TaskProgressColumn, Progress, TextColumn, TimeElapsedColumn

from graph.store.base import Progress as ProgressFn

__all__ = ["emit_json", "stderr", "progress_bar", "table"]

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def emit_json(doc: Any, out: TextIO | None = None) -> None:
    """Print exactly one JSON document and a newline."""
    out = out or sys.stdout
    out.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
    out.flush()


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Collection[int] = ()) -> list[str]:
    """A plain text table: each column as wide as its widest cell, two spaces apart, the columns
    numbered in ``right`` aligned right (numbers), no trailing spaces."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = []
    for cells in (headers, *rows):
        lines.append("  ".join(c.rjust(w) if i in right else c.ljust(w)
                               for i, (c, w) in enumerate(zip(cells, widths))).rstrip())
    return lines


@contextmanager
def progress_bar(enabled: bool | None = None) -> Iterator[ProgressFn | None]:
    """A ``progress(stage, done, total)`` callback drawing bars on standard error.

    Yields ``None`` (no progress) when standard error is not a terminal, so
    logs and pipes stay clean.
    """
    if enabled is None:
        enabled = stderr.is_terminal
    if not enabled:
        yield None
        return
    bars = Progress(TextColumn("{task.description:<14}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                    console=stderr, transient=False)
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=max(total, 1))
        bars.update(tasks[stage], completed=done, total=max(total, 1))

    with bars:
        yield update
