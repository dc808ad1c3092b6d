"""What the importer tests share: the fixtures, running the command, reading the folder it wrote."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from relmap.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AS_OF = "2026-11-26"


def run_import(kind: str, *sources: Path | str, into: Path, args: tuple[str, ...] = (),
               as_json: bool = True) -> tuple[Result, dict[str, Any] | None]:
    """``relmap import KIND SOURCES --into INTO --as-of AS_OF ARGS [--json]``; the JSON document when there is one."""
    argv = ["import", kind, *map(str, sources), "--into", str(into), "--as-of", AS_OF, *args]
    if as_json:
        argv.append("--json")
    result = CliRunner().invoke(cli, argv)
    doc = json.loads(result.stdout) if as_json and result.stdout.strip() else None
    return result, doc


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    """The rows of one file of the folder (empty when the file is not there)."""
    path = folder / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def person(folder: Path, **match: str) -> dict[str, str]:
    """The one person of people.csv whose cells equal ``match``."""
    found = [r for r in rows(folder, "people.csv") if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def org(folder: Path, **match: str) -> dict[str, str]:
    found = [r for r in rows(folder, "organisations.csv") if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, byte for byte (to check that nothing changed)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output and "Traceback" not in (result.stderr or ""), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
