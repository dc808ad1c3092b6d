"""The column-wise fast path for the big files: a chunk's clean rows checked at once.

Validation reads most files a row at a time in Python (:mod:`ingest.rows`,
:mod:`ingest.validate`), about 8 µs a row. ``interactions.csv`` and ``friendships.csv`` are
most of an input folder (1.3 million rows at 100,000 people), so their rows are checked a
chunk at a time by `Polars <https://pola.rs>`_ instead, column by column, and only the rows
those checks cannot vouch for go through the row-at-a-time path (:mod:`ingest.bigfiles`),
which words their problems. Both give the same rows, lines, fingerprints and problems
(``tests/ingest/test_columns.py`` holds them equal on generated quirky files).

A chunk's lines are read from a row's start. A line with no quote is a row of cells split at
commas, and so is a line whose every quote is a quoted cell's (``"a, ""b"" c"``; the csv module
splits it); for any other line the csv module says how many lines its row takes (a quoted
cell may hold line breaks), and those lines go row by row. A row is *clean* when its line holds
no character Python's ``str.strip`` removes but a space or a tab (nor a control character),
and every check passes: the cells :func:`ingest.rows.read_row` checks (an id, an ISO date, a
lower-case type, ...); for an interaction, at least two different participants, every one a
person of ``people.csv`` (or the store), the organisation known, a nature given or implied by
the type; for a friendship, two different known people. Every other line goes, in file
order, through ``slow`` as a :class:`~ingest.csvfile.Span` of the file: a stretch of lines
that starts and ends at a row's edge, as the csv module reads it.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "interactions.csv"
>>> _ = p.write_text('id,date,type,participants,notes\\nI1,2026-10-06,Golf,P1; P2,\\n'
...                  'I2,2026-10-07,"call",P1;P2,"a, b"\\nI3,2026-10-08,call,P1;P2,"two\\nlines"\\n')
>>> kept, slow = [], []
>>> n = read_plain(p, ["id", "date", "type", "participants", "notes"], Span(32, 2, None),
...                Known({"P1", "P2"}, set()), slow.append, kept.extend)
>>> [(row[0], row[2], row[3], row[5], row[7], row[8]) for row in kept]
[('I1', 'golf', 'personal', None, '["P1","P2"]', 2), ('I2', 'call', 'business', 'a, b', '["P1","P2"]', 3)]
>>> slow
[Span(start=93, line=4, end=None)]
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Container
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from graph.model import BUSINESS_TYPES, PERSONAL_TYPES, Interaction
from graph.store.changes import fingerprint, fingerprint_text
from ingest.csvfile import Span
from ingest.rows import _DATE, _FRIENDSHIP_KINDS, _ID_MAX, _LONG_MAX, _NATURES, _TYPE_MAX

__all__ = ["Known", "read_plain", "CHUNK", "LONGEST", "MOST_GAPS"]

#: Bytes read and checked at once (about 30,000 rows of generated data; twice as much took 3% less
#: time and 90 MB more memory at 100,000 people).
CHUNK = 2 * 2**20
#: A row may take this many chunks; after a longer stretch without a row's end the rest of the
#: file is read row by row (a file whose lines end in lone carriage returns is one long line).
LONGEST = 32
#: A chunk with more stretches of other lines than this is read wholly row by row (each
#: stretch opens the file again).
MOST_GAPS = 64

#: Characters that make a line not plain: controls (but the tab) and every other character
#: Python's ``str.strip`` removes (so stripping spaces and tabs strips as it does).
_ODD = (r"[\x00-\x08\x0a-\x1f\x7f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}"
        r"\x{205f}\x{3000}]")
#: A value ``repr`` writes as ``'value'`` and JSON as ``"value"``: printable ASCII, no quote, no
#: backslash.
_SIMPLE = r"^[ !#-&(-\[\]-~]*$"
_TYPE = r"^[A-Za-z][A-Za-z0-9_]*$"
#: A line whose every quote is a quoted cell's (``"a, ""b"""``): the csv module reads it as one row.
_QUOTED = r'^(?:[^",]*|"(?:[^"]|"")*")(?:,(?:[^",]*|"(?:[^"]|"")*"))*$'
#: Notes ``repr`` writes as ``'notes'``: printable ASCII, no apostrophe, no backslash.
_REPR_SIMPLE = r"^[ -&(-\[\]-~]*$"

_BLANK = " \t"


class Known:
    """The ids a row may name: people and organisations (of the folder, or held), as the
    checker keeps them (looked up from Python a chunk's distinct ids at a time: a million people
    hashed again for every chunk would cost more than the chunk)."""

    def __init__(self, people: Container[str], orgs: Container[str]) -> None:
        self.people, self.orgs = people, orgs

    @staticmethod
    def unknown(values: pl.Series, ids: Container[str]) -> pl.Series:
        """The distinct ``values`` not in ``ids`` (held ids read from the store at once: an
        :class:`~ingest.update.StoreIds`' ``prefetch``)."""
        distinct = values.drop_nulls().unique().to_list()
        prefetch = getattr(ids, "prefetch", None)
        if prefetch is not None:
            prefetch(distinct)
        return pl.Series([v for v in distinct if v not in ids], dtype=pl.String)


def read_plain(path: Path, header: list[str], span: Span, known: Known, slow: Callable[[Span], Any],
               keep: Callable[[list[tuple[Any, ...]]], Any],
               progress: Callable[[int], Any] | None = None, table: str = "interactions") -> int:
    """Read the rows of ``path`` in ``span`` (whose ``start`` is a row's first byte, after the
    header), a file of ``table`` (``interactions`` or ``friendships``): ``keep`` each chunk's
    clean rows, as the spill keeps them (the store's columns, ``fp``, an interaction's
    participants as a JSON array, the line), and hand every other stretch of lines to ``slow``,
    in file order. ``progress(bytes_done)`` after each chunk. Returns the number of rows kept
    here."""
    assert span.start is not None
    end = span.end if span.end is not None else path.stat().st_size
    columns = {name: i for i, name in reversed(list(enumerate(header)))}
    offset, line, kept, size = span.start, span.line, 0, CHUNK
    pending: list[int] | None = None  # [start, line] of a stretch of other lines not yet handed on
    with path.open("rb") as fh:
        while offset < end:
            fh.seek(offset)
            block = fh.read(min(size, end - offset))
            if not block:
                break
            last = offset + len(block) >= end
            if not last:  # whole lines only
                block = block[:block.rfind(b"\n") + 1]
            segments, used = _chunk(block, offset, line, last, header, columns, known, table)
            if used is None or (not used and size >= LONGEST * CHUNK):
                # not UTF-8 text (where its rows end is the row path's to find), or no row's end in
                # sight (lone carriage returns?): the rest row by row
                pending = pending or [offset, line]
                break
            if not used:  # a row longer than the chunk
                size *= 2
                continue
            size = CHUNK
            for first, second in segments:
                if isinstance(first, list):  # clean rows, and the first one's start
                    if pending is not None:
                        slow(Span(pending[0], pending[1], second))
                        pending = None
                    keep(first)
                    kept += len(first)
                elif pending is None:  # the start and line of other lines
                    pending = [first, second]
            line += block.count(b"\n", 0, used)
            offset += used
            if progress:
                progress(offset)
    if pending is not None:
        slow(Span(pending[0], pending[1], span.end))
    return kept


def _chunk(block: bytes, offset: int, line: int, last: bool, header: list[str], columns: dict[str, int],
           known: Known, table: str) -> tuple[list[Any], int | None]:
    """``block``'s rows (it starts at byte ``offset``, line ``line``, at a row's start; ``last``:
    it ends the part read) as segments in order: ``(clean rows, the first one's start byte)``,
    and ``(start byte, line)`` where other lines begin; and how many bytes of it those rows fill
    (a row that goes on past the block is left for the next one; ``None`` when the block is not
    UTF-8 text)."""
    raw = block.split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    starts, at = [], offset
    for r in raw:
        starts.append(at)
        at += len(r) + 1
    starts.append(offset + len(block))
    try:
        lines = block.decode("utf-8").split("\n")[:len(raw)]
    except UnicodeDecodeError:
        return [], None
    frame = pl.DataFrame({"text": lines}, schema={"text": pl.String}).with_row_index("i").with_columns(
        text=pl.col("text").str.strip_suffix("\r"))
    frame = frame.with_columns(q=pl.col("text").str.count_matches('"', literal=True),
                               odd=pl.col("text").str.contains(_ODD),
                               blank=pl.col("text").str.strip_chars(_BLANK) == "")
    frame = frame.with_columns(sure=(pl.col("q") == 0) | pl.col("text").str.contains(_QUOTED))
    covered, end = _unsure(lines, frame.filter(~pl.col("sure"))["i"].to_list(), last)
    if end == 0:
        return [], 0
    rows_at = frame.filter(pl.col("sure") & ~pl.col("odd") & ~pl.col("blank") & (pl.col("i") < end))
    if covered:
        rows_at = rows_at.filter(~pl.col("i").is_in(sorted(covered)))
    clean, formed = _CHECKS[table]
    rows = formed(clean(_cells(rows_at, header), columns, known), line)
    segments: list[Any] = []  # (rows, first byte) and (start byte, line) in turn
    done, gaps = 0, 0  # lines before index ``done`` are in segments
    first = 0  # the first row of the run going on
    for k, row in enumerate(rows):
        i = row[-1] - line
        if i != done:  # other lines from ``done`` to ``i``
            if k > first:
                segments.append((rows[first:k], starts[rows[first][-1] - line]))
            segments.append((starts[done], line + done))
            first, gaps = k, gaps + 1
            if gaps > MOST_GAPS:
                return [(offset, line)], starts[end] - offset
        done = i + 1
    if len(rows) > first:
        segments.append((rows[first:], starts[rows[first][-1] - line]))
    if done < end:
        segments.append((starts[done], line + done))
    return segments, starts[end] - offset


def _unsure(lines: list[str], unsure: list[int], last: bool) -> tuple[set[int], int]:
    """The lines the rows starting at the ``unsure`` lines (quoted other than cell by cell) take,
    as the csv module reads them, and how many lines the block's whole rows fill (a row going
    on past a block that is not ``last`` is left out, with every line after it)."""
    covered: set[int] = set()
    n = len(lines)
    for i in unsure:
        if i in covered:
            continue
        reader = csv.reader((lines[j] + "\n" for j in range(i, n)), strict=True)
        try:
            next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if not last and i + reader.line_num >= n and str(exc) == "unexpected end of data":
                return covered, i
        covered.update(range(i, i + max(1, reader.line_num)))
    return covered, n


def _cells(rows: pl.DataFrame, header: list[str]) -> pl.DataFrame:
    """Each row's cells (``c0``, ``c1``, ...; the line's index ``i``) of lines with as many cells
    as ``header``: plain lines split at commas, quoted ones read by the csv module."""
    width = len(header)
    names = [f"c{k}" for k in range(width)]
    plain = rows.filter(pl.col("q") == 0).select(
        "i", pl.col("text").str.split(",").alias("cells")).filter(pl.col("cells").list.len() == width)
    parts = [plain.select("i", *(pl.col("cells").list.get(k).alias(n) for k, n in enumerate(names)))]
    quoted = rows.filter(pl.col("q") > 0)
    if quoted.height:
        read = [(i, cells) for i, cells in zip(quoted["i"].to_list(), csv.reader(quoted["text"].to_list()))
                if len(cells) == width]
        parts.append(pl.DataFrame([(i, *cells) for i, cells in read], schema=[("i", pl.UInt32)] + [
            (n, pl.String) for n in names], orient="row"))
    return pl.concat(parts).sort("i")


def _cell(i: int | None) -> pl.Expr:
    """The stripped cell of column ``i`` (``None`` when the file has no such column or it is empty)."""
    if i is None:
        return pl.lit(None, dtype=pl.String)
    cell = pl.col(f"c{i}").str.strip_chars(_BLANK)
    return pl.when(cell == "").then(None).otherwise(cell)


def _clean_interactions(split: pl.DataFrame, columns: dict[str, int], known: Known) -> pl.DataFrame:
    """The interactions (of :func:`_cells`) whose every check passes, with their values."""
    cells = split.select(
        "i", *(_cell(columns.get(c)).alias(c) for c in ("id", "date", "type", "participants", "org_id", "nature",
                                                          "notes")))
    day = pl.col("date").str.to_date("%Y-%m-%d", strict=False)
    natures = pl.col("type").str.to_lowercase().replace_strict(
        {**{t: "personal" for t in PERSONAL_TYPES}, **{t: "business" for t in BUSINESS_TYPES}}, default=None,
        return_dtype=pl.String)
    people = pl.col("participants").str.split(";").list.eval(
        pl.element().str.strip_chars(_BLANK).filter(pl.element().str.strip_chars(_BLANK) != ""))
    unknown_orgs = Known.unknown(cells["org_id"], known.orgs)
    checked = cells.filter(
        pl.col("id").is_not_null() & (pl.col("id").str.len_chars() <= _ID_MAX) & pl.col("id").str.contains(_SIMPLE)
        & pl.col("date").str.contains(_DATE.pattern) & (day.dt.year() >= 1)
        & pl.col("type").str.contains(_TYPE) & (pl.col("type").str.len_chars() <= _TYPE_MAX)
        & pl.col("participants").is_not_null() & (pl.col("participants").str.len_chars() <= _LONG_MAX)
        & (pl.col("org_id").is_null() | ((pl.col("org_id").str.len_chars() <= _ID_MAX)
                                         & pl.col("org_id").str.contains(_SIMPLE)
                                         & ~pl.col("org_id").is_in(unknown_orgs.implode())))
        & (pl.col("nature").is_null() | pl.col("nature").is_in(sorted(_NATURES)))
        & (pl.col("notes").is_null() | (pl.col("notes").str.len_chars() <= _LONG_MAX))
    ).with_columns(type=pl.col("type").str.to_lowercase(), nature=pl.coalesce("nature", natures), people=people,
                   day=day).filter(pl.col("nature").is_not_null() & (pl.col("people").list.len() >= 2)
                                   & (pl.col("people").list.n_unique() == pl.col("people").list.len()))
    named = checked.select("i", "people").explode("people")
    unknown = Known.unknown(named["people"], known.people)
    named = named.with_columns(ok=~pl.col("people").is_in(unknown.implode()) & pl.col("people").str.contains(
        _SIMPLE)).group_by("i").agg(pl.col("ok").all())
    return checked.join(named.filter("ok").select("i"), on="i", how="semi").sort("i")


def _formed_interactions(clean: pl.DataFrame, line: int) -> list[tuple[Any, ...]]:
    """The spill rows of ``clean`` (``id, date, type, nature, org_id, notes, fp, participants,
    line``): the fingerprint as :func:`graph.store.changes.fingerprint` hashes it."""
    quoted = pl.lit("'") + pl.element() + pl.lit("'")
    simple_notes = pl.col("notes").is_null() | pl.col("notes").str.contains(_REPR_SIMPLE)
    framed = clean.with_columns(
        shown=pl.concat_str(
            pl.lit("('"), "id", pl.lit("', "), _day_shown("day"), pl.lit(", '"), "type", pl.lit("', '"), "nature",
            pl.lit("', ("),
            pl.col("people").list.eval(quoted).list.join(", "), pl.lit("), "),
            pl.when(pl.col("org_id").is_null()).then(pl.lit("None")).otherwise(pl.lit("'") + pl.col("org_id")
                                                                                + pl.lit("'")),
            pl.lit(", "),
            pl.when(pl.col("notes").is_null()).then(pl.lit("None")).otherwise(pl.lit("'") + pl.col("notes")
                                                                               + pl.lit("'")),
            pl.lit(")")),
        simple=simple_notes,
        json=pl.lit('["') + pl.col("people").list.join('","') + pl.lit('"]'),
        line=pl.col("i") + line,
    )
    shown = framed.select(pl.when(pl.col("simple")).then(pl.col("shown")))["shown"].to_list()
    fps = [fingerprint_text(text) if text is not None else None for text in shown]
    for k in (k for k, fp in enumerate(fps) if fp is None):  # notes repr writes otherwise: as it does
        r = framed.row(k, named=True)
        fps[k] = fingerprint("interactions", Interaction(r["id"], date.fromisoformat(r["date"]), r["type"],
                                                         r["nature"], tuple(r["people"]), r["org_id"], r["notes"]))
    return [(*values, fp, json, at) for values, fp, json, at in zip(
        framed.select("id", "date", "type", "nature", "org_id", "notes").rows(), fps, framed["json"].to_list(),
        framed["line"].to_list())]


def _day_shown(column: str) -> pl.Expr:
    """The date in ``column`` as ``repr`` writes it: ``datetime.date(2026, 10, 6)``."""
    day = pl.col(column)
    return pl.concat_str(pl.lit("datetime.date("), day.dt.year().cast(pl.String), pl.lit(", "),
                         day.dt.month().cast(pl.String), pl.lit(", "), day.dt.day().cast(pl.String), pl.lit(")"))


def _clean_friendships(split: pl.DataFrame, columns: dict[str, int], known: Known) -> pl.DataFrame:
    """The friendships (of :func:`_cells`) whose every check passes: two different people, both
    known, a kind, a date or none; the pair's smaller id first, as :func:`graph.model.pair` keys it."""
    cells = split.select("i", *(_cell(columns.get(c)).alias(c) for c in ("person_a", "person_b", "kind", "since")))
    a, b, since = pl.col("person_a"), pl.col("person_b"), pl.col("since")
    day = since.str.to_date("%Y-%m-%d", strict=False)
    unknown = Known.unknown(pl.concat([cells["person_a"], cells["person_b"]]), known.people).implode()
    return cells.filter(
        a.is_not_null() & b.is_not_null() & (a.str.len_chars() <= _ID_MAX) & (b.str.len_chars() <= _ID_MAX)
        & a.str.contains(_SIMPLE) & b.str.contains(_SIMPLE) & (a != b) & ~a.is_in(unknown) & ~b.is_in(unknown)
        & (pl.col("kind").is_null() | pl.col("kind").is_in(sorted(_FRIENDSHIP_KINDS)))
        & (since.is_null() | (since.str.contains(_DATE.pattern) & (day.dt.year() >= 1)))
    ).select("i", pl.when(a < b).then(a).otherwise(b).alias("person_a"),
             pl.when(a < b).then(b).otherwise(a).alias("person_b"),
             pl.col("kind").fill_null("friend"), "since", day.alias("day"))


def _formed_friendships(clean: pl.DataFrame, line: int) -> list[tuple[Any, ...]]:
    """The spill rows of ``clean`` (``person_a, person_b, kind, since, fp, line``)."""
    shown = clean.select(pl.concat_str(
        pl.lit("('"), "person_a", pl.lit("', '"), "person_b", pl.lit("', '"), "kind", pl.lit("', "),
        pl.when(pl.col("day").is_null()).then(pl.lit("None")).otherwise(_day_shown("day")), pl.lit(")")))
    fps = [fingerprint_text(text) for text in shown.to_series().to_list()]
    return [(*values, fp, at + line) for values, fp, at in zip(
        clean.select("person_a", "person_b", "kind", "since").rows(), fps, clean["i"].to_list())]


#: Each table's checks and spill rows.
_CHECKS: dict[str, tuple[Callable[[pl.DataFrame, dict[str, int], Known], pl.DataFrame],
                         Callable[[pl.DataFrame, int], list[tuple[Any, ...]]]]] = {
    "interactions": (_clean_interactions, _formed_interactions),
    "friendships": (_clean_friendships, _formed_friendships),
}
