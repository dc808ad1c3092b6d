"""Where a big input file can be cut in two, so that two processes validate one half each.

Validation reads a file row by row in Python; on a machine with two cores a big file
(``interactions.csv`` at 100,000 people is 60 MB, a million rows) is read twice as fast in
two halves. :func:`cut` finds the cut: the first row after the middle line, as the csv module
itself reads the file (a quoted cell may hold line breaks, so not every line starts a row).
A file it is not sure of is not cut: a small one, one with quoted cells and a line ending in
a lone carriage return before the cut, or one the csv module cannot read to the middle (its
problems are then reported by the one pass that reads it all).

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "f.csv").write_text('id,notes\\n1,"two\\nlines"\\n2,x\\n3,y\\n4,z\\n')
>>> cut(d / "f.csv", smallest=0)
Span(start=23, line=4, end=None)
>>> (d / "f.csv").read_bytes()[23:]
b'2,x\\n3,y\\n4,z\\n'
>>> _ = (d / "g.csv").write_text('id,notes\\n1,a\\n2,b\\n3,c\\n4,d\\n')
>>> cut(d / "g.csv", smallest=0), (d / "g.csv").read_bytes()[13:]
(Span(start=13, line=3, end=None), b'2,b\\n3,c\\n4,d\\n')
"""

from __future__ import annotations

import csv
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import IO, Any

from graph.store.sqlite.spill import Spill
from ingest.csvfile import Span

__all__ = ["SPLIT_BYTES", "cut", "worth_cutting", "in_halves", "main"]

#: Files smaller than this are read in one pass (a second process costs about a second to start).
SPLIT_BYTES = 16 * 2**20

_CHUNK = 2**20


def worth_cutting(path: Path, smallest: int | None = None) -> bool:
    """Whether ``path`` is big enough to cut, on a machine with more than one core."""
    least = SPLIT_BYTES if smallest is None else smallest
    return (os.cpu_count() or 1) > 1 and path.is_file() and path.stat().st_size >= least


def cut(path: Path, smallest: int | None = None) -> Span | None:
    """The second half of ``path`` (its rows from the first one that starts after the middle),
    or ``None`` when the file is not worth cutting or not plain enough to cut."""
    if not worth_cutting(path, smallest):
        return None
    size = path.stat().st_size
    quotes, feeds, offset = 0, 0, 0
    with path.open("rb") as fh:
        while offset < size // 2 and (chunk := fh.read(min(_CHUNK, size // 2 - offset))):
            quotes, feeds, offset = quotes + chunk.count(b'"'), feeds + chunk.count(b"\n"), offset + len(chunk)
        while chunk := fh.read(_CHUNK):  # on to the end of the middle line
            at = chunk.find(b"\n")
            quotes += chunk.count(b'"', 0, at if at >= 0 else len(chunk))
            if at >= 0:
                offset, feeds = offset + at + 1, feeds + 1
                break
            offset += len(chunk)
    if offset >= size or feeds < 2:
        return None
    if not quotes:  # no quoted cell: every line is a row
        return Span(offset, feeds + 1, None)
    return _cut_quoted(path, feeds, size)


def _cut_quoted(path: Path, middle: int, size: int) -> Span | None:
    """:func:`cut` for a file with quoted cells: after the row the csv module reads ending at
    or past line ``middle``."""
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            for _ in reader:
                if reader.line_num >= middle:
                    break
            else:
                return None
        except csv.Error:
            return None
        read = reader.line_num  # the rows so far end with this line
    offset = _offset_after(path, read)
    return None if offset is None or offset >= size else Span(offset, read + 1, None)


def _offset_after(path: Path, lines: int) -> int | None:
    """The byte offset just after the ``lines``-th line feed of ``path``; ``None`` if a carriage
    return ends a line alone before it (the csv module counts it as a line: its count and this
    one would differ)."""
    seen, offset, tail = 0, 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            here = chunk.count(b"\n")
            if seen + here >= lines:
                at = -1
                for _ in range(lines - seen):
                    at = chunk.index(b"\n", at + 1)
                chunk = chunk[:at + 1]
            part = tail + chunk
            if part[:-1].count(b"\r") != part.count(b"\r\n"):  # the last byte: its line feed may come next
                return None
            tail = chunk[-1:]
            if seen + here >= lines:
                return offset + len(chunk)
            seen += here
            offset += len(chunk)
    return None


def in_halves(folder: Path, name: str, checker: Any, spill: Spill, read: Callable[..., None]) -> bool:
    """Read ``name`` in ``folder`` in two halves when it is worth it (else ``False``, nothing
    read): the first here, the second at once in another Python process (:func:`main`,
    :func:`ingest.validate.read_half`) into a spill file of its own, taken into
    ``spill`` after the first half's rows, its problems and rejected rows into ``checker``'s (a
    ``ingest.validate._Checker``; ``read(checker, folder, name, span, spill)`` checks and keeps
    a part's rows). Should that process fail, the second half is read here."""
    span = cut(folder / name)
    if span is None:
        return False
    target = Spill.reserve(spill.path.parent)
    state = {k: v for k, v in vars(checker).items() if k not in ("v", "progress")}  # the ids, lines, ...
    with subprocess.Popen([sys.executable, "-c", "from ingest.halves import main; main()"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE) as other:
        assert other.stdin is not None and other.stdout is not None
        try:
            _send(other.stdin, (folder, name, span, target, read, state))
            other.stdin.close()
        except OSError:  # it died at once: its result below says so
            pass
        read(checker, folder, name, Span(None, 2, span.start), spill)
        answer = other.stdout.read()
    if other.returncode != 0 or not answer:
        target.unlink(missing_ok=True)
        read(checker, folder, name, span, spill)
        return True
    problems, rejected = pickle.loads(answer)
    spill.absorb(target)
    checker.v.problems.extend(problems)
    checker.v.rejected.extend(rejected)
    return True


#: How many items of a big mapping one pickle holds (a pickle of a million ids at once keeps a
#: memo of every object: about 190 MB more at its peak).
_ITEMS = 50_000


def _send(stream: IO[bytes], args: tuple[Any, ...]) -> None:
    """``args`` pickled onto ``stream``, the last (the checker's state) each mapping a chunk at a time."""
    *head, state = args
    pickle.dump((*head, {k: v for k, v in state.items() if not isinstance(v, dict)}), stream)
    for key, value in state.items():
        if isinstance(value, dict):
            items = iter(value.items())
            while chunk := list(islice(items, _ITEMS)):
                pickle.dump((key, chunk), stream)
            pickle.dump((key, None), stream)


def _receive(stream: IO[bytes]) -> tuple[Any, ...]:
    """The arguments :func:`_send` wrote."""
    *head, state = pickle.load(stream)
    while True:  # then the mappings, a chunk at a time, each ended by (key, None), to the end
        try:
            key, chunk = pickle.load(stream)
        except EOFError:
            return (*head, state)
        state.setdefault(key, {})
        if chunk is not None:
            state[key].update(chunk)


def main() -> None:
    """The other process of :func:`in_halves`: its arguments on stdin, the result on stdout."""
    from ingest.validate import read_half

    result = read_half(*_receive(sys.stdin.buffer))
    sys.stdout.buffer.write(pickle.dumps(result))

