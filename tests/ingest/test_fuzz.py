"""Fuzzing the input readers: mutated input folders never crash relmap.

A valid folder (the small test folder or the example story) is mutated by a
short list of :class:`Op` (bytes inserted, deleted or replaced, truncation,
random unicode cells, tricky values, delimiter swaps, quotes, duplicated,
dropped or swapped lines, shuffled columns, other encodings, line endings, NUL
bytes, huge cells, empty or missing files). Whatever comes out, validation
either accepts the folder or raises :class:`~graph.errors.InputError` whose
every problem reads ``file:line: message`` on one line; ``relmap ingest`` exits
0 or 2, and with 2 the store is untouched.

The same generator drives ``scripts/fuzz_ingest.py`` (thousands of folders,
from :func:`random_ops`); here hypothesis draws the ops (:func:`ops`), so a
failure shrinks to a few small mutations.
"""

from __future__ import annotations

import csv
import io
import random
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import InputError, Problem
from graph.store import SQLiteStore
from ingest import check_folder
from ingest.rows import ROW_MODELS
from relmap.cli import cli
from tests.helpers import BASE

ROOT = Path(__file__).resolve().parents[2]
FILES = list(ROW_MODELS)

#: The valid folders mutated: the small test folder and the example story.
BASES: dict[str, dict[str, bytes]] = {
    "small": {name: text.encode() for name, text in BASE.items()},
    "demo": {name: (ROOT / "examples" / "demo" / name).read_bytes() for name in FILES},
}

#: Cell values that break one rule or another (or none), and formula-looking text.
TRICKY = ["", " ", "NaN", "nan", "inf", "-inf", "1e309", "-1", "-0", "0", "1,5", "1 000", "\u20ac5", "\uff15",
          "2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "2026-1-1", "\uff12\uff10\uff12\uff16-01-01",
          "=HYPERLINK(\"http://x\",\"y\")", "+cmd", "-1+2", "@SUM(A1)", "\t=1", "P1", "P2", "P4", "O-A", "O-OWN",
          "P-002", "O-NW", "own", "rep", "customer", "won", "personal", "karaoke", "P1;P1", "P1;P4", "a@b",
          "\ufeffP1", "x" * 201, "\u202eevil", "\x00", "\r", "\"", "\"\"", ";", "\U0001f600", "O-\nA", "P\r1",
          "\x1b[2J", "x\u2028y", "\x85", ":100:", "[bold]x[/]"]
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "mac_roman", "utf-8-sig"]
DELIMITERS = [";", "\t", "|", ", ", ",,"]
SIZES = [0, 1, 200, 2_001, 100_001, 1_000_001]

KINDS = ["insert", "delete", "replace", "truncate", "cell", "value", "delimiter", "quote", "dup_line", "drop_line",
         "swap_lines", "shuffle_columns", "encode", "line_endings", "bom", "nul", "big_cell", "empty_file",
         "header_only", "drop_file"]
#: Ops drawn with these weights: cell edits reach the row and cross-file checks more often.
WEIGHTED_KINDS = KINDS + ["cell", "value"] * 3


class Op(NamedTuple):
    """One mutation of one file; ``at`` and ``n`` are taken modulo what they index."""

    kind: str
    file: str
    at: int = 0
    n: int = 0
    text: str = ""
    raw: bytes = b""


# -- applying ops ------------------------------------------------------------------------------------------------

def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _set_cell(data: bytes, at: int, n: int, value: str, quote: bool) -> bytes:
    lines = _lines(data)
    row = at % len(lines)
    cells = _text(lines[row]).split(",")
    cells[n % len(cells)] = _quote(value) if quote else value
    lines[row] = _bytes(",".join(cells))
    return b"\n".join(lines)


def _apply_one(data: bytes, op: Op) -> bytes | None:
    size = len(data)
    k = op.kind
    if k == "insert":
        i = op.at % (size + 1)
        return data[:i] + op.raw + data[i:]
    if k == "delete":
        i = op.at % (size + 1)
        return data[:i] + data[i + 1 + op.n % 64:]
    if k == "replace":
        i = op.at % (size + 1)
        return data[:i] + op.raw + data[i + len(op.raw):]
    if k == "truncate":
        return data[:op.at % (size + 1)]
    if k == "cell":  # random unicode text in one cell, CSV-quoted or not
        return _set_cell(data, op.at, op.n, op.text, quote=(op.at >> 3) % 2 == 0)
    if k == "value":
        return _set_cell(data, op.at, op.n, TRICKY[op.n % len(TRICKY)], quote=op.at % 3 == 0)
    if k == "big_cell":
        return _set_cell(data, op.at, op.n, "y" * SIZES[op.n % len(SIZES)], quote=op.at % 2 == 0)
    if k == "delimiter":
        new = _bytes(DELIMITERS[op.n % len(DELIMITERS)])
        if op.at % 2 == 0:
            return data.replace(b",", new)
        lines = _lines(data)
        row = op.at % len(lines)
        lines[row] = lines[row].replace(b",", new)
        return b"\n".join(lines)
    if k == "quote":
        i = op.at % (size + 1)
        return data[:i] + b'"' + data[i:]
    if k == "nul":
        i = op.at % (size + 1)
        return data[:i] + b"\x00" + data[i:]
    if k in ("dup_line", "drop_line", "swap_lines"):
        lines = _lines(data)
        i, j = op.at % len(lines), op.n % len(lines)
        if k == "dup_line":
            lines.insert(j, lines[i])
        elif k == "drop_line":
            del lines[i]
        else:
            lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)
    if k == "shuffle_columns":  # the same order on every line (valid), or the header alone
        try:
            rows = list(csv.reader(io.StringIO(_text(data), newline="")))
        except csv.Error:  # already mutated past reading (a cell over the size limit)
            return data
        if not rows:
            return data
        order = list(range(len(rows[0])))
        random.Random(op.at).shuffle(order)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for number, cells in enumerate(rows):
            if (number == 0 or op.n % 2 == 0) and len(cells) == len(order):
                cells = [cells[c] for c in order]
            writer.writerow(cells)
        return _bytes(out.getvalue())
    if k == "encode":
        text = data.decode("utf-8", errors="replace")
        return text.encode(ENCODINGS[op.n % len(ENCODINGS)], errors="replace")
    if k == "line_endings":
        return data.replace(b"\n", b"\r\n" if op.n % 2 == 0 else b"\r")
    if k == "bom":
        return b"\xef\xbb\xbf" + data
    if k == "empty_file":
        return b""
    if k == "header_only":
        return _lines(data)[0] + b"\n"
    if k == "drop_file":
        return None
    raise ValueError(f"unknown op {k}")


def apply_ops(base: dict[str, bytes], ops: Sequence[Op]) -> dict[str, bytes | None]:
    """The base folder's files after every op (an op on a dropped file does nothing)."""
    files: dict[str, bytes | None] = dict(base)
    for op in ops:
        data = files[op.file]
        if data is not None:
            files[op.file] = _apply_one(data, op)
    return files


def write_files(folder: Path, files: dict[str, bytes | None]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        if data is not None:
            (folder / name).write_bytes(data)
    return folder


# -- drawing ops: hypothesis here, random.Random in scripts/fuzz_ingest.py ---------------------------------------

#: Characters that matter to CSV, encodings, terminals and spreadsheets, mixed into random text.
ALPHABET = ["a", "Z", "0", ",", ";", '"', "'", "\n", "\r", "\t", " ", "\x00", "\x1b", "\x85", "\u2028", "\u00e9",
            "\ufeff", "\u202e", "\U0001f600", "\u4e2d", "=", "+", "-", "@", "\\", ":", "[", "]"]
TEXT = st.text(st.sampled_from(ALPHABET) | st.characters(codec="utf-8"), max_size=30)


@st.composite
def ops(draw: st.DrawFn) -> tuple[str, list[Op]]:
    """A base folder name and one to four ops."""
    base = draw(st.sampled_from(sorted(BASES)))
    op = st.builds(Op, st.sampled_from(WEIGHTED_KINDS), st.sampled_from(FILES), st.integers(0, 1 << 16),
                   st.integers(0, 255), TEXT, st.binary(min_size=1, max_size=8))
    drawn = draw(st.lists(op, min_size=1, max_size=4))
    return base, drawn


def random_ops(rng: random.Random) -> tuple[str, list[Op]]:
    """The same shape as :func:`ops`, from a seeded generator (for long runs)."""
    base = rng.choice(sorted(BASES))
    drawn = []
    for _ in range(rng.randint(1, 4)):
        text = "".join(rng.choice(ALPHABET) if rng.random() < 0.5 else chr(rng.randint(32, 0x2FFF))
                       for _ in range(rng.randint(0, 30)))
        raw = bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 8)))
        drawn.append(Op(rng.choice(WEIGHTED_KINDS), rng.choice(FILES), rng.randint(0, 1 << 16), rng.randint(0, 255),
                        text, raw))
    return base, drawn


# -- the properties ----------------------------------------------------------------------------------------------

PREFIX = re.compile(r"^(?P<file>[a-z]+\.csv):(?P<line>[1-9][0-9]*): \S")
MISSING = "file is missing; it is required in the input folder"


def bad_message(p: Problem) -> str | None:
    """Why this problem breaks the ``file:line: message`` form, or ``None`` when it keeps it."""
    text = str(p)
    if not text.isprintable():  # a newline, a terminal escape sequence, a line separator...
        return f"is not one printable line: {text!r}"
    if p.file not in ROW_MODELS:
        return f"names no input file: {text!r}"
    if p.line == 0 and p.message == MISSING:
        return None  # the one problem about a whole file: it has no line
    if not PREFIX.match(text):
        return f"has no file:line prefix: {text!r}"
    return None


def validate(folder: Path, rejects: Path) -> tuple[bool, list[str], Any]:
    """Run the CLI's validation step, strict then with ``--skip-invalid``.

    Returns ``(accepted, messages breaking the form, dataset or None)``; any
    exception other than :class:`InputError` propagates (a crash).
    """
    bad: list[str] = []
    try:
        data, report = check_folder(folder)
        accepted = True
    except InputError as exc:
        assert exc.problems, "an InputError without problems"
        bad += [m for p in exc.problems if (m := bad_message(p))]
        data, accepted = None, False
    try:
        check_folder(folder, rejects=rejects)
    except InputError as exc:  # a whole file unusable: even --skip-invalid refuses
        bad += [m for p in exc.problems if (m := bad_message(p))]
    return accepted, bad, data


def ingest_cli(folder: Path, store: Path) -> tuple[int, list[str]]:
    """``relmap ingest`` on the SQLite store; check exit 0 or 2 and that 2 wrote nothing.

    Returns the exit code and the stderr lines breaking the form.
    """
    with SQLiteStore(store) as s:
        before, revision = s.dump(), s.state().revision
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--store", str(store)])
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {result.output}"
    lines = result.stderr.splitlines()
    bad = []
    if result.exit_code == 2:
        assert lines and "nothing was written" in lines[-1], result.stderr
        bad = [line for line in lines[:-1] if not line.isprintable() or not (
            line.startswith("warning: ") or PREFIX.match(line) or line.endswith(MISSING))]
        with SQLiteStore(store) as s:
            assert s.state().revision == revision, "a refused ingest changed the store"
            assert s.dump() == before, "a refused ingest changed the store"
    else:
        expected, _ = check_folder(folder)
        with SQLiteStore(store) as s:
            assert s.dump() == expected.sorted(), "the store does not hold exactly the folder"
    return result.exit_code, bad


FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(case=ops())
def test_validation_never_crashes_and_every_message_names_file_and_line(case: tuple[str, list[Op]]) -> None:
    base, drawn = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_files(Path(tmp) / "in", apply_ops(BASES[base], drawn))
        _, bad, _ = validate(folder, Path(tmp) / "rejects.csv")
    assert bad == []


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite store for every example, holding the example story to start with."""
    store = tmp_path_factory.mktemp("fuzz") / "store"
    result = CliRunner().invoke(cli, ["ingest", str(ROOT / "examples" / "demo"), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


@settings(FUZZ, max_examples=300)
@given(case=ops())
def test_cli_ingest_exits_0_or_2_and_2_writes_nothing(sqlite_store: Path, case: tuple[str, list[Op]]) -> None:
    base, drawn = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_files(Path(tmp) / "in", apply_ops(BASES[base], drawn))
        _, bad = ingest_cli(folder, sqlite_store)
    assert bad == []


def test_the_generators_agree_on_shape() -> None:
    rng = random.Random(1)
    for _ in range(200):
        base, drawn = random_ops(rng)
        files = apply_ops(BASES[base], drawn)
        assert set(files) == set(FILES)
        assert all(op.kind in KINDS for op in drawn)
