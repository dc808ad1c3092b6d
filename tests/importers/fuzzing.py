"""Mutated source files for fuzzing ``relmap import``; used by test_fuzz.py and scripts/fuzz_import.py.

A seed is a fixture file and the kind it is imported as. :func:`mutate` applies
one to three random operations (truncation, flipped, inserted or deleted bytes,
a huge line, another encoding, other line endings, NUL bytes, a duplicated or
dropped chunk, the content of a file of another kind, an empty file).
:func:`check` imports the result into a folder that already holds data and
returns what went wrong, if anything: exit 0 with a folder ``relmap ingest``
accepts, or exit 2 with one JSON error naming the file and the folder unchanged
byte for byte; anything else (exit 1, a traceback, an invalid folder) is a crash.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from click.testing import CliRunner

from graph.errors import InputError
from ingest import check_folder
from relmap.cli import cli
from tests.helpers import BASE, write_folder

FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: (kind, fixture, extra arguments): every fixture file, as the kind it is imported as.
SEEDS: list[tuple[str, Path, tuple[str, ...]]] = (
    [("salesforce", p, ()) for p in sorted((FIXTURES / "salesforce").glob("*.csv"))]
    + [("hubspot", p, ()) for p in sorted((FIXTURES / "hubspot").glob("*.csv"))]
    + [("linkedin", p, ("--owner", "rita@northwind.example")) for p in sorted((FIXTURES / "linkedin").glob("*.csv"))]
    + [("calendar", p, ("--our-domain", "northwind.example")) for p in sorted((FIXTURES / "calendar").glob("*.ics"))]
    + [("mail", p, ()) for p in sorted((FIXTURES / "mail").rglob("*")) if p.suffix in (".mbox", ".eml")]
    + [("vcard", p, ("--owner", "rita@northwind.example")) for p in sorted((FIXTURES / "vcard").glob("*.vcf"))]
)

OPS = ["truncate", "flip", "insert", "delete", "huge_line", "encoding", "line_endings", "nul", "duplicate", "drop",
       "other_kind", "empty", "splice_lines"]
ENCODINGS = ["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "koi8-r", "shift_jis", "utf-8-sig"]


def mutate(data: bytes, rng: random.Random, ops: list[str]) -> bytes:
    """``data`` changed by each of ``ops`` in turn."""
    for op in ops:
        n = len(data)
        at = rng.randrange(n + 1) if n else 0
        if op == "truncate":
            data = data[:at]
        elif op == "flip" and n:
            out = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                out[rng.randrange(n)] = rng.randrange(256)
            data = bytes(out)
        elif op == "insert":
            junk = rng.choice([bytes(rng.randrange(256) for _ in range(rng.randint(1, 40))), b"\r", b"\n", b'"', b",",
                               b";", b":", b"\n ", b"BEGIN:VEVENT\n", b"END:VCALENDAR\n", b"\nFrom x 1 1 00:00\n",
                               b"=?utf-8?q?=FF=FE?=", b"=?bogus?b?////?=", b"\xff\xfe", "\u202e".encode()])
            data = data[:at] + junk + data[at:]
        elif op == "delete" and n:
            data = data[:at] + data[at + rng.randint(1, 200):]
        elif op == "huge_line":
            size = rng.choice([5_000, 100_000, 1_100_000])
            data = data[:at] + rng.choice([b"x", b"A,", b" ", b'"']) * size + data[at:]
        elif op == "encoding":
            try:
                data = data.decode("utf-8", "replace").encode(rng.choice(ENCODINGS), "replace")
            except (LookupError, UnicodeError):
                pass
        elif op == "line_endings":
            data = data.replace(b"\r\n", b"\n").replace(b"\n", rng.choice([b"\r", b"\r\n", b"\n\n", b"\r\r\n"]))
        elif op == "nul":
            data = data[:at] + b"\x00" * rng.randint(1, 4) + data[at:]
        elif op == "duplicate" and n:
            end = min(n, at + rng.randint(1, 2000))
            data = data[:end] + data[at:end] + data[end:]
        elif op == "drop":
            lines = data.split(b"\n")
            if len(lines) > 1:
                del lines[rng.randrange(len(lines))]
            data = b"\n".join(lines)
        elif op == "other_kind":
            data = rng.choice(SEEDS)[1].read_bytes()
        elif op == "empty":
            data = b""
        elif op == "splice_lines":
            lines = data.split(b"\n")
            rng.shuffle(lines)
            data = b"\n".join(lines[: max(1, len(lines) // 2)])
    return data


def random_case(rng: random.Random) -> tuple[str, Path, tuple[str, ...], list[str], bytes]:
    """A seed, the ops drawn for it, and the mutated content."""
    kind, path, args = rng.choice(SEEDS)
    ops = [rng.choice(OPS) for _ in range(rng.randint(1, 3))]
    return kind, path, args, ops, mutate(path.read_bytes(), rng, ops)


def check(work: Path, kind: str, name: str, data: bytes, args: tuple[str, ...]) -> tuple[int, str | None]:
    """Import one mutated file into a folder holding data; ``(exit code, what went wrong or None)``."""
    shutil.rmtree(work, ignore_errors=True)
    folder = write_folder(work / "in", dict(BASE))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    source = work / "src" / name
    source.parent.mkdir(parents=True)
    source.write_bytes(data)
    result = CliRunner().invoke(cli, ["import", kind, str(source), "--into", str(folder), "--as-of", "2026-11-26",
                                      "--json", *args])
    code = result.exit_code
    if code not in (0, 2):
        return code, f"exit {code}: {result.output[-2000:]}"
    if "Traceback" in result.output:
        return code, "a traceback in the output"
    try:
        doc = json.loads(result.stdout)
    except json.JSONDecodeError:
        return code, f"standard output is not one JSON document: {result.stdout[:300]!r}"
    if code == 2:
        message = doc.get("error", {}).get("message", "")
        if str(source) not in message or "\n" in message:
            return code, f"the error does not name the file on one line: {message[:300]!r}"
        after = {p.name: p.read_bytes() for p in folder.iterdir()}
        if after != before:
            return code, "exit 2 but the folder changed"
        return code, None
    try:
        check_folder(folder)
    except InputError as exc:
        return code, "the import wrote a folder relmap ingest refuses: " + "; ".join(map(str, exc.problems[:3]))
    return code, None
