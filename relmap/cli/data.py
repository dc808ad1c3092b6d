"""The data commands: ``ingest``, ``rebuild``, ``stats``, ``search``, ``generate`` and ``demo``."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from graph.errors import StoreUnavailable, UsageError
from graph.store import open_store
from relmap.cli.common import (config_option, counted, counts_line, echo_rejected, echo_warnings, handle_errors,
                               load_weights, store_options)
from relmap.output import emit_json, progress_bar, table

__all__ = ["COMMANDS", "EXAMPLES", "STORY_DATE"]

#: The hand-made example story the demo loads: package data, so it ships with every install
#: (``examples/demo`` in a clone points here).
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "demo"
#: The date the example story is told as of (its README's figures, the tests').
STORY_DATE = date(2026, 11, 26)


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--update", is_flag=True,
              help="FOLDER holds only new or changed rows (any of the six files, none required; rows may "
                   "name ids the store holds) and, in removals.csv (file,id), rows to remove; the rest of "
                   "the store stays as it is.")
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@click.option("--skip-invalid", "rejects", type=click.Path(path_type=Path, dir_okay=False), metavar="REJECTS.csv",
              help="Load the valid rows; write the rejected ones, with their reasons, to REJECTS.csv.")
@click.option("--batch-size", type=click.IntRange(1, 1_000_000), default=None,
              help="Rows per write batch (default: 50000 embedded, 10000 Neo4j).")
@config_option
@store_options
@handle_errors
def ingest(folder: Path, update: bool, dry_run: bool, rejects: Path | None, batch_size: int | None,
           config_path: Path | None, store: str, as_json: bool) -> None:
    """Validate the CSV files in FOLDER and load them into the store.

    Every problem is reported as file:line: message, in one pass; with any
    problem nothing is written (exit 2), unless --skip-invalid is given. The
    store ends up holding exactly the folder's rows, so re-running converges;
    a store already holding most of them gets only the rows added, changed or
    removed, and its derived data is rebuilt only around them. With --update,
    FOLDER adds to the store instead of replacing it (see --update).
    The store keeps its team's ties ready with the type weights of --config; analyses
    run with other weights compute them live (the same answers, slower).
    """
    from ingest import check_folder
    from graph.store.sqlite.spill import Spill
    from ingest.load import check_update

    weights = load_weights(config_path)
    started = time.perf_counter()
    options: dict[str, Any] = {"batch_size": batch_size} if batch_size else {}
    with progress_bar() as progress:
        if update:
            with open_store(store, create=False, **options) as target:
                data, removed, report = check_update(folder, target, rejects=rejects, dry_run=dry_run,
                                                     progress=progress)
                if not dry_run:
                    report.record(target.load(data, progress=progress, weights=weights, removed=removed))
        else:
            with Spill() as spill:  # the validated rows wait on disk, not in memory
                data, report = check_folder(folder, rejects=rejects, dry_run=dry_run, progress=progress,
                                            spill=spill, halves=True)
                if not dry_run:
                    with open_store(store, **options) as target:
                        report.record(target.load(data, progress=progress, weights=weights))
    echo_warnings(report)
    seconds = time.perf_counter() - started
    if as_json:
        emit_json(report.to_json() | {"store": None if dry_run else store, "seconds": round(seconds, 3)})
        return
    verb = "Valid (dry run, nothing written)" if dry_run else f"Updated {store} with" if update else \
        f"Ingested into {store}"
    click.echo(f"{verb}: {counts_line(report.ingested)}.")
    if not dry_run:
        click.echo(f"Changed: {report.changes_line()}.")
    if rejects is not None:
        echo_rejected(report, rejects)


@click.command()
@config_option
@store_options
@handle_errors
def rebuild(config_path: Path | None, store: str, as_json: bool) -> None:
    """Build the store's derived data again (pair evidence, the team's kept ties).

    To keep the team's ties with the type weights of --config: analyses run with other
    weights compute them live (the same answers, slower) until then. The data and its
    revision do not change; readers keep answering meanwhile.
    """
    weights = load_weights(config_path)
    started = time.perf_counter()
    with open_store(store, create=False) as s:
        state = s.state()
        if state.loading is not None:
            raise StoreUnavailable(f"an ingest into {store} started at {state.since} has not finished: run "
                                   "`relmap rebuild` once it has (an ingest that stopped part-way: run it again, "
                                   "which builds the derived data too)")
        with progress_bar() as progress:
            s.rebuild(progress=progress, weights=weights)
    seconds = round(time.perf_counter() - started, 3)
    if as_json:
        emit_json({"store": store, "rebuilt": state.revision is not None, "seconds": seconds})
        return
    click.echo(f"Rebuilt the derived data of {store} in {seconds:.1f} s." if state.revision is not None
               else f"Nothing to rebuild: {store} holds no load.")


@click.command()
@store_options
@handle_errors
def stats(store: str, as_json: bool) -> None:
    """Count what the store holds."""
    with open_store(store, create=False) as s:
        counts = s.counts()
    if as_json:
        emit_json(counts)
        return
    labels = {k: counted(k) for k in counts}
    width = max(len(label) for label in labels.values())
    for k, n in counts.items():
        click.echo(f"{labels[k]:<{width}}  {n:>12,}")


@click.command()
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="At most this many matches.")
@store_options
@handle_errors
def search(text: str, limit: int, store: str, as_json: bool) -> None:
    """People and organisations whose name contains TEXT (in any case), or whose id is TEXT.

    The ids it shows are what the other commands take (ids are case-sensitive). Example:

        relmap search viktor
    """
    from graph.analysis.search import search_json
    from graph.analysis.words import plural

    text = text.strip()
    if not text:
        raise UsageError("give some text to search for: part of a name, or an id")
    with open_store(store, create=False) as s, s.reader() as r:
        found = search_json(r, text, limit + 1)
    more, found = len(found) > limit, found[:limit]
    if as_json:
        emit_json({"text": text, "matches": found, "truncated": more})
        return
    if not found:
        click.echo(f"Nothing matches '{text}': no person or organisation has it in their name, or as their id.")
        return
    click.echo(f"{plural(len(found), 'match')} for '{text}':")
    rows = []
    for m in found:
        if m["type"] == "person":
            at = f"at {m['organisation'] or m['org_id']}"
            rows.append(["person", m["id"], m["name"], f"{m['title']} {at}" if m["title"] else at])
        else:
            rows.append(["organisation", m["id"], m["name"], ", ".join(x for x in (m["kind"], m["industry"]) if x)])
    for line in table(["", "", "", ""], rows)[1:]:
        click.echo(f"  {line}")
    if more:
        click.echo(f"Only the first {plural(limit, 'match')} are shown: pass --limit N for more, or a longer TEXT.")


@click.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--people", type=click.IntRange(10, 100_000_000), default=1000, show_default=True,
              help="How many people to generate.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Interactions end at this date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on standard output.")
@handle_errors
def generate(out: Path, people: int, seed: int, as_of: datetime | None, as_json: bool) -> None:
    """Write realistic synthetic input files for N people into OUT."""
    from datetime import date

    from ingest.generate import generate as make

    when = as_of.date() if as_of else date.today()
    with progress_bar() as progress:
        counts = make(out, people, seed, as_of=when, progress=progress)
    if as_json:
        emit_json({"out": str(out), "seed": seed, "rows": counts})
        return
    click.echo(f"Wrote {out}: {counts_line(counts)}.")


@click.command()
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=EXAMPLES, show_default=False,
              help="The folder to load (default: the example story that ships with relmap).")
@click.option("--no-dashboard", is_flag=True, help="Only load and summarise; do not start the dashboard.")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="The dashboard's port.")
@click.option("--address", default="127.0.0.1", show_default=True, help="The dashboard's address.")
@config_option
@store_options
@handle_errors
def demo(data: Path, no_dashboard: bool, port: int, address: str, config_path: Path | None, store: str,
         as_json: bool) -> None:
    """Load the example story into the store, print what it holds, then serve the dashboard.

    The example story is dated for 2026-11-26: pass --as-of 2026-11-26 to the analysis
    commands (and pick that date in the dashboard's sidebar) to see it as the README tells it.
    With --json or --no-dashboard it stops after the summary.
    """
    from ingest import ingest_folder
    from relmap.cli.serve import check_port, serve_dashboard

    if not data.is_dir():
        raise UsageError(f"no input folder at '{data}'" + (": this relmap was installed without its example story; "
                                                          "reinstall it (pip install relmap), or pass --data DIR"
                                                          if data == EXAMPLES else ": pass --data DIR"))
    serving = not (as_json or no_dashboard)
    if serving:
        check_port(address, port)  # before the load: a taken port is known at once
    with open_store(store) as s:
        with progress_bar() as progress:
            report = ingest_folder(data, s, progress=progress, weights=load_weights(config_path))
        counts = s.counts()
    if as_json:
        emit_json(report.to_json() | {"store": store, "counts": counts})
        return
    story = data.resolve() == EXAMPLES.resolve()
    click.echo(f"Loaded {'the example story' if story else 'the folder'} from {data} into {store}:")
    click.echo(f"  {counts_line(counts)}.")
    if story:
        when = f"--as-of {STORY_DATE.isoformat()}"
        click.echo(f"The story is dated {STORY_DATE.isoformat()}: add {when} to see it as the README tells it "
                   "(in the dashboard, pick that date in the sidebar).")
        click.echo(f"Try: relmap risk {when}   ·   relmap paths --to P-010 {when}   ·   relmap stages {when}")
    if serving:
        serve_dashboard(store, port, address)


COMMANDS = [ingest, rebuild, stats, search, generate, demo]
