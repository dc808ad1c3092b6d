"""A big interactions file read in two halves, the second in another process
(``ingest.halves``), gives exactly what one pass gives: the same rows in the same order, the
same problems at the same lines, the same rejected rows. Files here are small, so the size a
file must have to be cut is lowered to nothing."""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import ingest.halves as halves
from graph.model import TABLES
from graph.store.sqlite.spill import Spill
from ingest.csvfile import CsvFile
from ingest.validate import validate_folder
from tests.helpers import BASE, write_folder
from tests.ingest.test_bad_input import CORPUS


@dataclass
class Outcome:
    problems: list[Any]
    warnings: list[Any]
    rejected: list[Any]
    rows: dict[str, list[Any]]
    lines: list[int]


def _validate(folder: Path, in_halves: bool) -> Outcome:
    with Spill() as spill:
        v = validate_folder(folder, spill=spill, halves=in_halves)
        rows = {t: list(getattr(v.dataset, t)) for t in TABLES}
        lines = [line for (line,) in spill.conn.execute("SELECT line FROM interactions ORDER BY rowid")]
    return Outcome(v.problems, v.warnings, v.rejected, rows, lines)


@pytest.fixture
def cut_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(halves, "SPLIT_BYTES", 0)


def _interactions(n: int, extra: dict[int, str] | None = None) -> str:
    """``n`` interactions between the base folder's people, some rows replaced by ``extra``."""
    people = [row[0] for row in csv.reader(io.StringIO(BASE["people.csv"]))][1:]
    out = ["id,date,type,participants,org_id,nature,notes"]
    for k in range(n):
        a, b = people[k % len(people)], people[(k + 1) % len(people)]
        out.append((extra or {}).get(k, f"I{k},2026-0{1 + k % 9}-1{k % 10},call,{a};{b},,,"))
    return "\n".join(out) + "\n"


def test_a_cut_starts_a_row_as_the_csv_module_reads_the_file(tmp_path: Path) -> None:
    notes = {k: f'I{k},2026-01-0{1 + k % 9},call,P1;P2,,,"a note\nover two lines, ""quoted"""' for k in range(8, 40)}
    path = tmp_path / "interactions.csv"
    path.write_text(_interactions(60, notes))
    span = halves.cut(path, smallest=0)
    assert span is not None
    whole = list(csv.reader(io.StringIO(path.read_text())))
    tail = list(csv.reader(io.StringIO(path.read_bytes()[span.start:].decode())))
    assert tail == whole[-len(tail):] and 20 < len(tail) < 40, "the second half is whole rows, about half"
    with path.open() as fh:
        assert fh.read().count("\n", 0, len(path.read_bytes()[:span.start].decode())) == span.line - 1


def test_a_file_with_a_lone_carriage_return_and_quotes_is_not_cut(tmp_path: Path) -> None:
    path = tmp_path / "interactions.csv"
    path.write_bytes(_interactions(40).replace("I3,", 'I3,"x"\r').encode())
    assert halves.cut(path, smallest=0) is None
    assert halves.cut(tmp_path / "interactions.csv", smallest=10**9) is None, "too small"


def test_the_halves_of_a_span_read_as_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "interactions.csv"
    path.write_text(_interactions(30, {20: 'I20,2026-01-01,call,P1;P2,,,"two\nlines"'}))
    span = halves.cut(path, smallest=0)
    assert span is not None
    whole = [(line, cells) for line, cells, _ in CsvFile(path).rows()]
    first = [(line, cells) for line, cells, _ in CsvFile(path, halves.Span(None, 2, span.start)).rows()]
    second = [(line, cells) for line, cells, _ in CsvFile(path, span).rows()]
    assert first + second == whole and first and second


@pytest.mark.usefixtures("cut_anything")
@pytest.mark.parametrize("case, files", [(c[0], c[1]) for c in CORPUS if "interactions.csv" in c[1]],
                         ids=[c[0] for c in CORPUS if "interactions.csv" in c[1]])
def test_bad_input_read_in_halves_gives_what_one_pass_gives(tmp_path: Path, case: str,
                                                             files: dict[str, str | bytes | None]) -> None:
    folder = write_folder(tmp_path / case, files)
    assert _validate(folder, True) == _validate(folder, False)


@pytest.mark.usefixtures("cut_anything")
def test_problems_in_both_halves_and_across_them(tmp_path: Path) -> None:
    """Repeated ids across the cut, bad rows, a quoted note with a line break, bytes that are not
    UTF-8 and a row naming nobody, on both sides: the same problems, lines and rows kept."""
    bad = {3: "I2,2026-01-01,call,P1;P2,,,", 5: "I5,2026-13-01,call,P1;P2,,,", 30: "I31,2026-01-01,call,P1;P404,,,",
           33: "I3,2026-01-01,call,P1;P2,,,", 35: 'I35,2026-01-01,call,P1;P2,,,"a\nb"', 37: "I37,x,call,P1,,,"}
    text = _interactions(40, bad).encode().replace(b"I39,", b"I39\xff,")
    folder = write_folder(tmp_path / "in", {**BASE, "interactions.csv": text})
    one, two = _validate(folder, False), _validate(folder, True)
    assert two == one
    # a repeated id (5), a bad date (7), nobody P404 (32), I31 again (33: after the rejected 32),
    # too few participants (40: line 38 holds two), not UTF-8 (42)
    assert {p.line for p in one.problems} == {5, 7, 32, 33, 40, 42}, one.problems
    with_rejects = write_folder(tmp_path / "ok", {**BASE, "interactions.csv": _interactions(40)})
    assert _validate(with_rejects, True) == _validate(with_rejects, False)
    assert len(_validate(with_rejects, True).rows["interactions"]) == 40


@pytest.mark.usefixtures("cut_anything")
def test_when_the_other_process_fails_the_half_is_read_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_folder(tmp_path / "in", {**BASE, "interactions.csv": _interactions(40, {33: "I3,x,call,P1;P2,,,"})})
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(halves.sys, "executable", "/bin/false")
    assert _validate(folder, True) == _validate(folder, False)
    assert list(scratch.iterdir()) == [], "the other half's spill file is deleted too"
