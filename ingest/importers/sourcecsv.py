"""Reading the CSV files CRMs and LinkedIn export: any quoting, header case, encoding, a preamble.

Columns are looked up by a folded name (:func:`~ingest.importers.values.header_key`:
``Account ID``, ``ACCOUNTID`` and ``AccountId`` are one column). A file that is not
text, or whose header has none of the columns its kind needs, is refused
(:class:`~ingest.importers.errors.SourceFileError`, exit 2); a row that cannot be read
is skipped with its line.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "Contact.csv"
>>> _ = p.write_bytes(b'"ID","FIRSTNAME","Email"\\r\\n"0035g00000AbCdE","Ann","ANN@ACME.EXAMPLE"\\r\\n')
>>> f = SourceCsv(p)
>>> f.require("test export", ["id"])
>>> [(line, row) for line, row, _ in f.rows()]
[(2, {'id': '0035g00000AbCdE', 'firstname': 'Ann', 'email': 'ANN@ACME.EXAMPLE'})]
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import ingest.csvfile  # noqa: F401 - sets the csv module's field limit (one million characters)
from ingest.importers.errors import SourceFileError
from ingest.importers.values import header_key

__all__ = ["SourceCsv", "decode_text"]


def decode_text(path: Path, data: bytes, what: str) -> str:
    """A text file's content: UTF-8 (with or without a byte-order mark), UTF-16 with one, else Windows-1252.

    Binary content (NUL bytes without a UTF-16 byte-order mark) is refused.
    """
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise SourceFileError(f"{path}: not {what}: it starts like {codec.upper()} text but does not decode "
                                      f"as {codec.upper()}") from None
            if "\x00" in text:
                raise SourceFileError(f"{path}: not {what}: it holds binary data (a NUL character)")
            return text
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceFileError(f"{path}: not {what}: it holds binary data (a NUL byte at offset {nul})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class SourceCsv:
    """One exported CSV file: its header (folded names) and its rows.

    Parameters
    ----------
    path : Path
        The file.
    header_at : callable, optional
        Given a line's cells, True when it is the header; lines before it (a
        preamble, as LinkedIn writes) are passed over. Default: the first line.
    """

    def __init__(self, path: Path, header_at: Callable[[list[str]], bool] | None = None,
                 what: str = "a CSV file") -> None:
        self.path = path
        self.what = what
        text = decode_text(path, path.read_bytes(), what)
        self._text = text
        self.header: list[str] = []
        self.keys: list[str] = []
        self._reader = csv.reader(io.StringIO(text, newline=""))
        self.line = 0  # the header's line
        while True:
            start = self._reader.line_num + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise SourceFileError(f"{path}:{start}: not {what}: the header cannot be read as CSV ({exc})") \
                    from None
            if not any(c.strip() for c in cells):
                continue
            if header_at is None or header_at(cells):
                self.header = [c.strip() for c in cells]
                self.keys = [header_key(c) for c in cells]
                self.line = start
                break
            if self._reader.line_num > 50:
                break

    def has(self, *keys: str) -> bool:
        return all(k in self.keys for k in keys)

    def require(self, kind: str, keys: list[str]) -> None:
        """Refuse the file unless its header has every column of ``keys`` (folded names)."""
        missing = [k for k in keys if k not in self.keys]
        if not self.header or missing:
            shown = ", ".join(self.header[:8]) + (", ..." if len(self.header) > 8 else "")
            got = f"its header is: {shown}" if self.header else "it has no header row"
            raise SourceFileError(f"{self.path}: not {kind}: no '{missing[0] if missing else keys[0]}' column "
                                  f"({got})")

    def rows(self) -> Iterator[tuple[int, dict[str, str], str | None]]:
        """Yield ``(line, {folded column: value}, problem)``; empty cells are left out, blank lines skipped."""
        reader = self._reader
        keys = self.keys
        width = len(keys)
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, {}, f"the row cannot be read as CSV ({exc})"
                continue
            if not cells or not any(c.strip() for c in cells):
                continue
            row = {k: v for k, raw in zip(keys, cells) if (v := raw.strip())}
            if len(cells) < width and reader.line_num >= self._last_line():
                yield start, row, f"the row has {len(cells)} cells but the header {width} (is the file cut short?)"
            elif len(cells) > width and any(c.strip() for c in cells[width:]):
                yield start, row, f"the row has {len(cells)} cells but the header {width}"
            else:
                yield start, row, None

    def _last_line(self) -> int:
        if not hasattr(self, "_lines"):
            self._lines = self._text.count("\n") + (0 if self._text.endswith("\n") else 1)
        return self._lines
