"""The ``relmap`` command line: a thin layer over the ``graph`` and ``ingest`` libraries.

Every command takes ``--store`` and ``--json``. Exit codes: 0 success, 1 an
unexpected failure, 2 bad input or usage (nothing written), 3 the store is
unreachable or refused us.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from graph.errors import InputError, RelmapError, UsageError
from graph.store import DEFAULT_STORE, open_store
from relmap import __version__
from relmap.output import emit_json, progress_bar, stderr

F = TypeVar("F", bound=Callable[..., Any])

#: The hand-made example data the demo loads.
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "demo"


def store_options(func: F) -> F:
    """The options every command shares: ``--store`` and ``--json``."""
    func = click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document on standard output (messages go to standard error).")(func)
    func = click.option("--store", "store", envvar="RELMAP_STORE", default=DEFAULT_STORE, show_default=True,
                        metavar="S", help="A folder for the embedded store, or a neo4j:// / bolt:// URI "
                                          "(credentials from NEO4J_USER / NEO4J_PASSWORD). Env: RELMAP_STORE.")(func)
    return func


def handle_errors(func: F) -> F:
    """Turn relmap errors into their exit codes and clear messages (JSON too with --json)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = kwargs.get("as_json", False)
        try:
            return func(*args, **kwargs)
        except RelmapError as exc:
            _report(exc, as_json)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            stderr.print("interrupted")
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("RELMAP_DEBUG"):
                raise
            message = f"unexpected error: {exc.__class__.__name__}: {exc} (rerun with RELMAP_DEBUG=1 for details)"
            if as_json:
                emit_json({"error": {"message": message, "exit_code": 1}})
            stderr.print(message, markup=False)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _report(exc: RelmapError, as_json: bool) -> None:
    if isinstance(exc, InputError):
        for p in exc.problems:
            stderr.print(str(p), markup=False)
        n = len(exc.problems)
        summary = (f"{n} problem{'s' if n != 1 else ''} found; nothing was written. Fix the rows above, or pass "
                   "--skip-invalid REJECTS.csv to load the valid rows and set the others aside.")
        stderr.print(summary, markup=False)
        if as_json:
            emit_json({"error": {"message": summary, "exit_code": exc.exit_code,
                                 "problems": [{"file": p.file, "line": p.line, "column": p.column,
                                               "message": p.message} for p in exc.problems]}})
        return
    stderr.print(f"Error: {exc}", markup=False)
    if as_json:
        emit_json({"error": {"message": str(exc), "exit_code": exc.exit_code}})


def _counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {k}" for k, n in counts.items())


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="relmap")
def cli() -> None:
    """relmap: who knows whom, which accounts hang on one rep, and how to get introduced.

    Load a folder of CSV files with `relmap ingest DIR`, then ask questions. Every
    command takes --store (the embedded store ./relmap-data by default, or a Neo4j
    URI) and --json.
    """


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@click.option("--skip-invalid", "rejects", type=click.Path(path_type=Path, dir_okay=False), metavar="REJECTS.csv",
              help="Load the valid rows; write the rejected ones, with their reasons, to REJECTS.csv.")
@click.option("--batch-size", type=click.IntRange(1, 1_000_000), default=None,
              help="Rows per write batch (default: 50000 embedded, 10000 Neo4j).")
@store_options
@handle_errors
def ingest(folder: Path, dry_run: bool, rejects: Path | None, batch_size: int | None, store: str,
           as_json: bool) -> None:
    """Validate the CSV files in FOLDER and load them into the store.

    Every problem is reported as file:line: message, in one pass; with any
    problem nothing is written (exit 2), unless --skip-invalid is given. The
    store ends up holding exactly the folder's rows, so re-running converges.
    """
    from ingest import check_folder

    started = time.perf_counter()
    options: dict[str, Any] = {"batch_size": batch_size} if batch_size else {}
    with progress_bar() as progress:
        data, report = check_folder(folder, rejects=rejects, dry_run=dry_run, progress=progress)
        if not dry_run:
            with open_store(store, **options) as target:
                target.load(data, progress=progress)
    for w in report.warnings:
        stderr.print(f"warning: {w}", markup=False)
    seconds = time.perf_counter() - started
    if as_json:
        emit_json(report.to_json() | {"store": None if dry_run else store, "seconds": round(seconds, 3)})
        return
    verb = "Valid (dry run, nothing written)" if dry_run else f"Ingested into {store}"
    click.echo(f"{verb}: {_counts_line(report.ingested)}.")
    if rejects is not None:
        click.echo(f"Rejected {report.rejected} row{'s' if report.rejected != 1 else ''}; reasons in {rejects}.")


@cli.command()
@store_options
@handle_errors
def stats(store: str, as_json: bool) -> None:
    """Count what the store holds."""
    with open_store(store, create=False) as s:
        counts = s.counts()
    if as_json:
        emit_json(counts)
        return
    width = max(len(k) for k in counts)
    for k, n in counts.items():
        click.echo(f"{k:<{width}}  {n:>12,}")


def _param(values: tuple[str, ...]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param '{item}' must look like NAME=VALUE (VALUE is read as JSON when it can be)")
        try:
            params[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            params[key.strip()] = raw
    return params


@cli.command()
@click.argument("cypher")
@click.option("--param", "params", multiple=True, metavar="K=V",
              help="A query parameter ($K in the query); V is JSON if it parses (42, true, \"x\", [1,2]), else text.")
@store_options
@handle_errors
def query(cypher: str, params: tuple[str, ...], store: str, as_json: bool) -> None:
    """Run a read-only CYPHER query on a Neo4j store.

    Writes (CREATE, MERGE, SET, DELETE, ...) are refused with exit 2. Example:

        relmap query 'MATCH (p:Person {role: $role}) RETURN p.name' --param role=rep
    """
    values = _param(params)
    with open_store(store, create=False) as s:
        result = s.cypher(cypher, values)
    if as_json:
        emit_json({"columns": result.columns, "rows": result.rows})
        return
    from rich.table import Table

    from rich.console import Console

    table = Table(*result.columns, show_lines=False)
    for row in result.rows:
        table.add_row(*(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in row))
    Console(highlight=False).print(table)
    click.echo(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")


@cli.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--people", type=click.IntRange(10, 100_000_000), default=1000, show_default=True,
              help="How many people to generate.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Interactions end at this date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on standard output.")
@handle_errors
def generate(out: Path, people: int, seed: int, as_of: Any, as_json: bool) -> None:
    """Write realistic synthetic input files for N people into OUT."""
    from datetime import date

    from ingest.generate import generate as make

    when = as_of.date() if as_of else date.today()
    with progress_bar() as progress:
        counts = make(out, people, seed, as_of=when, progress=progress)
    if as_json:
        emit_json({"out": str(out), "seed": seed, "rows": counts})
        return
    click.echo(f"Wrote {out}: {_counts_line(counts)}.")


@cli.command()
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=EXAMPLES, show_default=False,
              help="The folder to load (default: the example data shipped in examples/demo).")
@store_options
@handle_errors
def demo(data: Path, store: str, as_json: bool) -> None:
    """Load the example story into the store and print what it holds."""
    from ingest import ingest_folder

    if not data.is_dir():
        raise UsageError(f"example data not found at '{data}': run relmap from a clone of the repository "
                         "(pip install -e .), or pass --data DIR")
    with open_store(store) as s:
        with progress_bar() as progress:
            report = ingest_folder(data, s, progress=progress)
        counts = s.counts()
    if as_json:
        emit_json(report.to_json() | {"store": store, "counts": counts})
        return
    click.echo(f"Loaded the example story from {data} into {store}:")
    click.echo(f"  {_counts_line(counts)}.")
    click.echo("Try: relmap stats   ·   relmap query 'MATCH (p:Person) RETURN p.name LIMIT 5' --store bolt://...")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="relmap")
