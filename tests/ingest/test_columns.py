"""The column-wise fast path for interactions.csv (``ingest.columns``) gives exactly what reading
every row one at a time gives: the same rows kept in the same order with the same fingerprints,
participants and lines, the same problems, warnings and rejected rows. Files are quirky on
purpose (quoted cells with commas, doubled quotes and line breaks, apostrophes, backslashes,
non-ASCII text, spaces Python strips, blank lines, CRLF, broken quoting, bad dates, unknown
people, repeated ids), and chunks are made tiny so that rows cross their edges."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest.columns as columns
import ingest.bigfiles as bigfiles
import ingest.validate as validate
from graph.store.sqlite.spill import Spill
from tests.helpers import BASE, write_folder
from tests.ingest.test_bad_input import CORPUS

HEADER = "id,date,type,participants,org_id,nature,notes"
PEOPLE = ["P1", "P2", "P3", "P4", "P5", "P6"]


def _outcome(folder: Path, halves: bool = False) -> dict[str, Any]:
    """Everything validation tells and keeps, in the order it keeps it."""
    with Spill() as spill:
        v = validate.validate_folder(folder, spill=spill, halves=halves)
        kept = {t: spill.conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
                for t in ("interactions", "friendships", "people")}
        seen = spill.conn.execute("SELECT * FROM seen ORDER BY rowid").fetchall()
    return {"problems": [str(p) for p in v.problems], "fatal": [str(p) for p in v.fatal],
            "warnings": [str(w) for w in v.warnings], "kept": kept, "seen": sorted(seen),
            "rejected": [(r.file, r.line, [str(p) for p in r.problems], r.cells, r.invalid, r.refers_to)
                         for r in v.rejected]}


def _row_by_row(path: Path, header: list[str], span: Any, known: Any, slow: Any, keep: Any,
                progress: Any = None, table: str = "interactions") -> int:
    """The reference: every row through the row-at-a-time path."""
    slow(span)
    return 0


def _both(folder: Path, monkeypatch: pytest.MonkeyPatch, chunk: int = 64) -> tuple[dict[str, Any], dict[str, Any]]:
    with monkeypatch.context() as m:
        m.setattr(columns, "CHUNK", chunk)
        fast = _outcome(folder)
    with monkeypatch.context() as m:
        m.setattr(bigfiles, "read_plain", _row_by_row)
        slow = _outcome(folder)
    return fast, slow


ROWS = [
    "I{n},2026-10-06,golf,P1;P2,,,",
    "I{n},2026-10-06,Call,P1; P2 ;P3,O-A,,",
    "I{n},2026-10-07,meeting,P1;P2,O-A,business,\"Budget, \"\"phase 2\"\"\"",
    "I{n},2026-10-07,dinner,P1;P2,,,\"two\nlines\"",
    "I{n},2026-10-07,dinner,P1;P2,,,\"three\n\"\"quoted\"\"\nlines\"",
    "I{n},2026-10-07,lunch,P3;P4,,,Sam's birthday",
    "I{n},2026-10-07,lunch,P3;P4,,,back\\slash",
    "I{n},2026-10-07,lunch,P3;P4,,,caf\u00e9 \u00e0 Paris",
    "I{n},2026-10-07,lunch,P3;P4,,,\u00a0nbsp around\u00a0",
    "I{n},2026-10-07,lunch,P3;P4,,,\x1cfile separator",
    " I{n} ,\t2026-10-07\t,lunch, P3;P4 ,,,",
    "I{n},2026-02-30,call,P1;P2,,,",
    "I{n},0000-01-01,call,P1;P2,,,",
    "I{n},2026-1-7,call,P1;P2,,,",
    "I{n},2026-10-07,call,P1;P1,,,",
    "I{n},2026-10-07,call,P1,,,",
    "I{n},2026-10-07,call,P1;NOBODY,,,",
    "I{n},2026-10-07,call,P1;P2,NO-ORG,,",
    "I{n},2026-10-07,hike,P1;P2,,,",
    "I{n},2026-10-07,hike,P1;P2,,personal,",
    "I{n},2026-10-07,call,P1;P2,,weird,",
    "I{n},2026-10-07,K\u212aelvin,P1;P2,,business,",
    "I{n},2026-10-07,call,P1;P2,,",
    "I{n},2026-10-07,call,P1;P2,,,,extra",
    "I{n},2026-10-07,call,P1;P2,,,a\"b",
    "I{n},2026-10-07,call,P1;P2,,,\"closed\"x",
    "I1,2026-10-07,call,P1;P2,,,",
    ",2026-10-07,call,P1;P2,,,",
    "",
    "   ",
    ",,,,,,",
    "I{n},2026-10-07,call,\"P1;P2\",,,\"a,b\"",
    "I{n},2026-10-07,call,P5;P6,O-B,,",
]


def _file(rows: list[str], crlf: bool, tail: str = "\n") -> str:
    eol = "\r\n" if crlf else "\n"
    return HEADER + eol + eol.join(r.format(n=k) for k, r in enumerate(rows)) + tail


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.sampled_from(ROWS), min_size=1, max_size=40), crlf=st.booleans(),
       chunk=st.sampled_from([16, 64, 300, 4 * 2**20]), gaps=st.sampled_from([1, 3, 64]))
def test_the_fast_path_tells_and_keeps_what_the_row_path_does(rows: list[str], crlf: bool, chunk: int, gaps: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = write_folder(Path(d), {**BASE, "interactions.csv": _file(rows, crlf)})
        monkeypatch.setattr(columns, "MOST_GAPS", gaps)
        fast, slow = _both(folder, monkeypatch, chunk)
    assert fast == slow


def test_clean_rows_are_kept_by_the_fast_path_with_their_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [ROWS[0], ROWS[2], ROWS[3], ROWS[5], ROWS[32]]
    folder = write_folder(tmp_path, {**BASE, "interactions.csv": _file(rows, crlf=True)})
    handed: list[Any] = []
    read = columns.read_plain

    def watched(*args: Any, **kw: Any) -> int:
        slow = args[4]
        kept = read(*args[:4], lambda span: (handed.append(span), slow(span)), *args[5:], **kw)
        return kept

    monkeypatch.setattr(bigfiles, "read_plain", watched)
    out = _outcome(folder)
    assert [(r[0], r[-1]) for r in out["kept"]["interactions"]] == [("I0", 2), ("I1", 3), ("I2", 4), ("I3", 6),
                                                                  ("I4", 7)]
    assert [span.line for span in handed] == [4]  # only the row over two lines went row by row
    assert out["problems"] == []


def test_a_multi_line_row_past_a_chunk_and_an_unclosed_quote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long_note = "\"" + "\n".join(f"line {k}, with a comma" for k in range(50)) + "\""
    rows = [ROWS[0], "I{n},2026-10-07,dinner,P1;P2,,," + long_note, ROWS[1], "I{n},2026-10-07,call,P1;P2,,,\"never closed"]
    folder = write_folder(tmp_path, {**BASE, "interactions.csv": _file(rows, crlf=False)})
    fast, slow = _both(folder, monkeypatch, chunk=32)
    assert fast == slow
    assert fast["kept"]["interactions"][1][5].count("\n") == 49
    assert fast["problems"] == ["interactions.csv:54: row cannot be read as CSV: unexpected end of data (a quoted "
                                "cell is never closed: check the quotes are balanced)"]


@pytest.mark.parametrize("name, files, _expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_the_bad_input_corpus_is_told_the_same(name: str, files: dict[str, Any], _expected: list[str],
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_folder(tmp_path, files)
    fast, slow = _both(folder, monkeypatch)
    assert fast == slow


FRIENDS = [
    "P1,P2,friend,2019-05-01",
    "P2,P1,,",
    "P3,P4,alumni,",
    " P5 ,\tP6,club, 2020-01-31 ",
    "P4,P3,family,2021-02-29",
    "P1,P1,friend,",
    "P1,NOBODY,friend,",
    "P1,P3,enemy,",
    "P1,P3,FRIEND,",
    "P2,P3,friend,0000-01-01",
    "P2,P3,friend,2020-1-1",
    "P2,P4,\"former_colleague\",\"2018-03-04\"",
    "P2,P5,\"friend\nover two lines\",",
    "P2,P6,friend",
    "P2,P6,friend,,extra",
    "P3,P5,\u00a0friend,",
    "\"P3\",\"P6\",other,",
    "P4,P5,o\"ther,",
    "",
    "  ",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.sampled_from(FRIENDS), min_size=1, max_size=30), crlf=st.booleans(),
       chunk=st.sampled_from([16, 64, 4 * 2**20]))
def test_friendships_are_told_and_kept_as_the_row_path_does(rows: list[str], crlf: bool, chunk: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    eol = "\r\n" if crlf else "\n"
    with tempfile.TemporaryDirectory() as d:
        folder = write_folder(Path(d), {**BASE, "friendships.csv": "person_a,person_b,kind,since" + eol
                                        + eol.join(rows) + eol})
        fast, slow = _both(folder, monkeypatch, chunk)
    assert fast == slow


def test_lines_ending_in_lone_carriage_returns_are_read_row_by_row(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    text = HEADER + "\n" + "\r".join(ROWS[0].format(n=k) for k in range(200)) + "\r"
    folder = write_folder(tmp_path, {**BASE, "interactions.csv": text})
    monkeypatch.setattr(columns, "LONGEST", 2)
    fast, slow = _both(folder, monkeypatch, chunk=64)
    assert fast == slow
    assert fast["problems"][0].startswith("interactions.csv:2: row cannot be read as CSV: a carriage return")
    assert not fast["kept"]["interactions"]


def test_a_line_that_is_not_utf8_before_a_row_over_many_lines(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [ROWS[0].format(n=0), "I1,2026-10-07,lunch,P3;P4,,,caf\u00e9"]
    note = "\"" + "\n".join(f"I{9 + k},2026-10-07,call,P1;P2,,," for k in range(40)) + "\""  # rows, in a cell
    rows += [f"I2,2026-10-07,dinner,P1;P2,,,{note}", ROWS[1].format(n=3)]
    data = _file(rows, crlf=False).encode().replace("caf\u00e9".encode(), "caf\u00e9".encode("latin-1"))
    folder = write_folder(tmp_path, {**BASE, "interactions.csv": data})
    fast, slow = _both(folder, monkeypatch, chunk=128)
    assert fast == slow
    assert fast["problems"] == ["interactions.csv:3: not UTF-8 text (byte 0xe9 at column 32); save the file as UTF-8"]
