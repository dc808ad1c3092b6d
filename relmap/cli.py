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

from graph.errors import InputError, RelmapError, StoreUnavailable, UsageError
from graph.store import DEFAULT_STORE, open_store
from graph.store.consistency import consistent
from relmap import __version__
from relmap.output import emit_json, progress_bar, stderr

F = TypeVar("F", bound=Callable[..., Any])

#: The hand-made example data the demo loads.
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "demo"


def config_option(func: F) -> F:
    """``--config FILE`` (env ``RELMAP_CONFIG``): the TOML file overriding weights and thresholds."""
    return click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                        envvar="RELMAP_CONFIG", default=None, metavar="FILE",
                        help="A TOML file overriding weights and thresholds. Env: RELMAP_CONFIG.")(func)


def _load_weights(config_path: Path | None) -> Any:
    """The type weights a load keeps the team's ties with: the configuration's."""
    from graph.analysis.config import load_config

    return load_config(config_path).weights()


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
        except BrokenPipeError:  # the reader (head, less) went away: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("RELMAP_DEBUG"):
                raise
            message = f"unexpected error: {exc.__class__.__name__}: {exc} (rerun with RELMAP_DEBUG=1 for details)"
            if as_json:
                emit_json({"error": {"message": message, "exit_code": 1}})
            stderr.print(message, markup=False, emoji=False)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _report(exc: RelmapError, as_json: bool) -> None:
    if isinstance(exc, InputError):
        for p in exc.problems:
            stderr.print(str(p), markup=False, emoji=False)
        n = len(exc.problems)
        summary = (f"{n} problem{'s' if n != 1 else ''} found; nothing was written. Fix the rows above, or pass "
                   "--skip-invalid REJECTS.csv to load the valid rows and set the others aside.")
        stderr.print(summary, markup=False, emoji=False)
        if as_json:
            emit_json({"error": {"message": summary, "exit_code": exc.exit_code,
                                 "problems": [{"file": p.file, "line": p.line, "column": p.column,
                                               "message": p.message} for p in exc.problems]}})
        return
    stderr.print(f"Error: {exc}", markup=False, emoji=False)
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
@config_option
@store_options
@handle_errors
def ingest(folder: Path, dry_run: bool, rejects: Path | None, batch_size: int | None, config_path: Path | None,
           store: str, as_json: bool) -> None:
    """Validate the CSV files in FOLDER and load them into the store.

    Every problem is reported as file:line: message, in one pass; with any
    problem nothing is written (exit 2), unless --skip-invalid is given. The
    store ends up holding exactly the folder's rows, so re-running converges.
    The store keeps its team's ties ready with the type weights of --config; analyses
    run with other weights compute them live (the same answers, slower).
    """
    from ingest import check_folder

    weights = _load_weights(config_path)
    started = time.perf_counter()
    options: dict[str, Any] = {"batch_size": batch_size} if batch_size else {}
    with progress_bar() as progress:
        data, report = check_folder(folder, rejects=rejects, dry_run=dry_run, progress=progress)
        if not dry_run:
            with open_store(store, **options) as target:
                target.load(data, progress=progress, weights=weights)
    for w in report.warnings:
        stderr.print(f"warning: {w}", markup=False, emoji=False)
    seconds = time.perf_counter() - started
    if as_json:
        emit_json(report.to_json() | {"store": None if dry_run else store, "seconds": round(seconds, 3)})
        return
    verb = "Valid (dry run, nothing written)" if dry_run else f"Ingested into {store}"
    click.echo(f"{verb}: {_counts_line(report.ingested)}.")
    if rejects is not None:
        click.echo(f"Rejected {report.rejected} row{'s' if report.rejected != 1 else ''}; reasons in {rejects}.")


@cli.command()
@config_option
@store_options
@handle_errors
def rebuild(config_path: Path | None, store: str, as_json: bool) -> None:
    """Build the store's derived data again (pair evidence, the team's kept ties).

    For a store loaded by an older relmap, which answers live (the same answers, slower)
    until its next ingest, or to keep the team's ties with the type weights of --config.
    On Neo4j it also builds the TIE relationships the path queries walk, where missing.
    The data and its revision do not change; readers keep answering meanwhile.
    """
    weights = _load_weights(config_path)
    started = time.perf_counter()
    with open_store(store, create=False) as s:
        state = s.state()
        if state.loading is not None:
            raise StoreUnavailable(f"an ingest into {store} started at {state.since} has not finished: run "
                                   "`relmap rebuild` once it has (an ingest that stopped part-way: run it again, "
                                   "which builds the derived data too)")
        with progress_bar() as progress:
            s.rebuild_derived(progress=progress, weights=weights)
    seconds = round(time.perf_counter() - started, 3)
    if as_json:
        emit_json({"store": store, "rebuilt": state.revision is not None, "seconds": seconds})
        return
    click.echo(f"Rebuilt the derived data of {store} in {seconds:.1f} s." if state.revision is not None
               else f"Nothing to rebuild: {store} holds no load.")


@cli.command()
@store_options
@handle_errors
def stats(store: str, as_json: bool) -> None:
    """Count what the store holds."""
    with open_store(store, create=False) as s:
        counts = consistent(s, s.counts)
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
        result = consistent(s, lambda: s.cypher(cypher, values))
    if as_json:
        emit_json({"columns": result.columns, "rows": result.rows})
        return
    from rich.table import Table
    from rich.text import Text

    from rich.console import Console

    # Text, not str: rich would read "[bold]" or "[link=...]" in the data as markup (and "[/]" crashes it)
    table = Table(show_lines=False)
    for column in result.columns:
        table.add_column(Text(column))
    for row in result.rows:
        table.add_row(*(Text(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for v in row))
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
@click.option("--no-dashboard", is_flag=True, help="Only load and summarise; do not start the dashboard.")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="The dashboard's port.")
@click.option("--address", default="127.0.0.1", show_default=True, help="The dashboard's address.")
@config_option
@store_options
@handle_errors
def demo(data: Path, no_dashboard: bool, port: int, address: str, config_path: Path | None, store: str,
         as_json: bool) -> None:
    """Load the example story into the store, print what it holds, then serve the dashboard.

    With --json or --no-dashboard it stops after the summary.
    """
    from ingest import ingest_folder

    if not data.is_dir():
        raise UsageError(f"example data not found at '{data}': run relmap from a clone of the repository "
                         "(pip install -e .), or pass --data DIR")
    with open_store(store) as s:
        with progress_bar() as progress:
            report = ingest_folder(data, s, progress=progress, weights=_load_weights(config_path))
        counts = s.counts()
    if as_json:
        emit_json(report.to_json() | {"store": store, "counts": counts})
        return
    click.echo(f"Loaded the example story from {data} into {store}:")
    click.echo(f"  {_counts_line(counts)}.")
    if no_dashboard:
        click.echo("Try: relmap risk   ·   relmap paths --to P-010   ·   relmap stages   ·   relmap dashboard")
        return
    host = "127.0.0.1" if address in ("0.0.0.0", "") else address
    click.echo(f"Dashboard: http://{host}:{port} (Ctrl-C stops it)")
    serve_dashboard(store, port, address)


DASHBOARD_APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def serve_dashboard(store: str, port: int, address: str) -> None:
    """Run the Streamlit dashboard on ``address:port`` for ``store`` until interrupted."""
    import subprocess

    if not DASHBOARD_APP.is_file():
        raise UsageError(f"the dashboard is not at '{DASHBOARD_APP}': run relmap from a clone of the repository "
                         "(pip install -e .)")
    env = dict(os.environ, RELMAP_STORE=store)
    command = [sys.executable, "-m", "streamlit", "run", str(DASHBOARD_APP), "--server.port", str(port),
               "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--global.developmentMode", "false"]
    host = "127.0.0.1" if address in ("0.0.0.0", "") else address
    stderr.print(f"relmap dashboard for {store} on http://{host}:{port} (Ctrl-C stops it)", markup=False,
                 emoji=False)
    try:
        code = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        code = 0
    if code not in (0, -2, 130):
        raise RelmapError(f"the dashboard stopped with exit code {code}")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="The port to serve on.")
@click.option("--address", default="127.0.0.1", show_default=True,
              help="The address to listen on (0.0.0.0 for every interface, as in Docker).")
@store_options
@handle_errors
def dashboard(port: int, address: str, store: str, as_json: bool) -> None:
    """Serve the dashboard on the store until interrupted.

    Pages: Network, Introductions, Handover risk, Relationship stages, Cypher
    and Data. Set RELMAP_DASHBOARD_PASSWORD to put a shared password in front.
    """
    with open_store(store, create=False):
        pass  # fail now, with the usual message and exit 3, if the store cannot be opened
    serve_dashboard(store, port, address)


def analysis_options(func: F) -> F:
    """The options every analysis command shares: ``--as-of`` and ``--config``, plus the store ones."""
    func = config_option(func)
    func = click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        metavar="DATE", help="Analyse as of this date (YYYY-MM-DD; default today): evidence "
                                             "after it is ignored, recency is measured from it.")(func)
    return store_options(func)


def _analysis(store: str, as_of: Any, config_path: Path | None) -> tuple[Any, Any, Any]:
    from datetime import date

    from graph.analysis.config import load_config

    cfg = load_config(config_path)
    when = as_of.date() if as_of else date.today()
    return open_store(store, create=False), when, cfg


def _names(s: Any, ids: set[str]) -> dict[str, str]:
    return {p.id: p.name for p in s.people(ids)} if ids else {}


@cli.command()
@click.option("--to", "target", metavar="PERSON", help="The person to reach (an id).")
@click.option("--to-org", "target_org", metavar="ORG", help="Reach an organisation: its decision makers.")
@click.option("--from", "sources", multiple=True, metavar="PERSON",
              help="Who starts the chain (repeatable); default: every rep on the team.")
@click.option("--k", "k", type=click.IntRange(1, 50), default=None, help="How many paths (default 3).")
@click.option("--max-hops", type=click.IntRange(1, 8), default=None, help="At most this many hops (default 4).")
@click.option("--avoid", multiple=True, metavar="PERSON", help="Nobody's chain may pass through this person.")
@analysis_options
@handle_errors
def paths(target: str | None, target_org: str | None, sources: tuple[str, ...], k: int | None,
          max_hops: int | None, avoid: tuple[str, ...], store: str, as_json: bool, as_of: Any,
          config_path: Path | None) -> None:
    """Warm introductions: the strongest chains of ties to a person, strongest first.

    Path strength is the product of its ties' strengths; the best path within
    --max-hops is exact. Each hop is explained by its evidence (friendship,
    tennis, dinners, meetings). Example:

        relmap paths --to P-010 --from P-003
    """
    from graph.analysis.rapport import decision_makers, rapport_paths

    if bool(target) == bool(target_org):
        raise UsageError("give exactly one of --to PERSON or --to-org ORG")
    s, when, cfg = _analysis(store, as_of, config_path)
    def read() -> tuple[list[Any], list[str], dict[str, str]]:
        targets = [target] if target else [p.id for p in decision_makers(s, str(target_org))]
        found = []
        for t in targets:
            found += rapport_paths(s, t, when, cfg, sources=sources or None, k=k, max_hops=max_hops, avoid=avoid)
        found.sort(key=lambda p: (-p.strength, len(p.people), p.people))
        found = found[: k or cfg.default_k]
        return found, targets, _names(s, {pid for p in found for pid in p.people} | set(targets))

    with s:
        found, targets, names = consistent(s, read)
    if as_json:
        doc: dict[str, Any] = {"target": target or target_org, "as_of": when.isoformat(),
                               "paths": [p.to_json(names) for p in found]}
        if target_org:
            doc["targets"] = targets
        emit_json(doc)
        return
    who = names.get(target, target) if target else f"the decision makers of {target_org}"
    if not found:
        click.echo(f"No introduction path to {who} within {max_hops or cfg.default_max_hops} hops as of {when}.")
        return
    click.echo(f"Warm introductions to {who}, as of {when}:")
    for n, p in enumerate(found, start=1):
        click.echo(f"{n}. {p.strength:.3f}  " + " -> ".join(names.get(x, x) for x in p.people))
        for (a, b), tie in zip(zip(p.people, p.people[1:]), p.ties):
            click.echo(f"     {names.get(a, a)} - {names.get(b, b)} ({tie.strength:.2f}): " + "; ".join(tie.explain()))


@cli.command()
@click.argument("a")
@click.argument("b")
@analysis_options
@handle_errors
def mutual(a: str, b: str, store: str, as_json: bool, as_of: Any, config_path: Path | None) -> None:
    """People tied to both A and B (person ids), strongest first."""
    from graph.analysis.rapport import mutual_contacts

    s, when, cfg = _analysis(store, as_of, config_path)
    with s:
        found, names = consistent(s, lambda: (mutual_contacts(s, a, b, when, cfg), _names(s, {a, b})))
    if as_json:
        emit_json({"a": a, "b": b, "as_of": when.isoformat(), "mutual": found})
        return
    if not found:
        click.echo(f"{names.get(a, a)} and {names.get(b, b)} have no mutual contacts as of {when}.")
        return
    click.echo(f"Mutual contacts of {names.get(a, a)} and {names.get(b, b)}, as of {when}:")
    for m in found:
        click.echo(f"  {m['name']} ({m['id']}): {m['strength_a']:.2f} with {names.get(a, a)}, "
                   f"{m['strength_b']:.2f} with {names.get(b, b)}")


@cli.command("who-knows")
@click.argument("subject", metavar="PERSON|ORG")
@analysis_options
@handle_errors
def who_knows_cmd(subject: str, store: str, as_json: bool, as_of: Any, config_path: Path | None) -> None:
    """Everyone on our team with a tie to a person or to anyone at an organisation."""
    from graph.analysis.rapport import who_knows

    s, when, cfg = _analysis(store, as_of, config_path)
    with s:
        doc = consistent(s, lambda: who_knows(s, subject, when, cfg))
    if as_json:
        emit_json(doc | {"as_of": when.isoformat()})
        return
    if not doc["known_by"]:
        click.echo(f"Nobody on the team has a tie to {doc['name']} as of {when}.")
        return
    click.echo(f"Who on the team knows {doc['name']} ({doc['kind']}), as of {when}:")
    for m in doc["known_by"]:
        contacts = ", ".join(f"{c['name']} {c['strength']:.2f}" for c in m["contacts"])
        click.echo(f"  {m['name']} ({m['id']}) {m['strength']:.2f}" + (f": {contacts}" if doc["kind"] == "organisation" else ""))


@cli.command()
@click.option("--limit", type=click.IntRange(1), default=None, help="Show only the riskiest N accounts.")
@analysis_options
@handle_errors
def risk(limit: int | None, store: str, as_json: bool, as_of: Any, config_path: Path | None) -> None:
    """Single-rep dependency risk of every account, highest risk first."""
    from graph.analysis.risk import account_risk

    s, when, cfg = _analysis(store, as_of, config_path)
    with s:
        found = consistent(s, lambda: account_risk(s, when, cfg))[:limit]
    if as_json:
        emit_json({"as_of": when.isoformat(), "accounts": [a.to_json() for a in found]})
        return
    click.echo(f"{'level':<7} {'account':<28} {'value':>12} {'top rep':<22} {'share':>6} {'bus':>4}")
    for a in found:
        top = a.reps[0].name if a.reps else "-"
        click.echo(f"{a.level:<7} {a.name[:28]:<28} {a.value:>12,.0f} {top[:22]:<22} {a.top_share:>6.0%} {a.bus_factor:>4}")


@cli.command()
@click.option("--rep", "rep_id", required=True, metavar="REP", help="The rep who would leave (an id).")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="PLAN.csv", help="Also write the handover plan as CSV (spreadsheet-safe).")
@click.option("--max-hops", type=click.IntRange(1, 8), default=None, help="Successor paths of at most this many hops.")
@analysis_options
@handle_errors
def whatif(rep_id: str, csv_path: Path | None, max_hops: int | None, store: str, as_json: bool, as_of: Any,
           config_path: Path | None) -> None:
    """What a rep's departure would orphan, and who should take each contact over."""
    from graph.analysis.risk import departure_whatif, write_handover_plan

    s, when, cfg = _analysis(store, as_of, config_path)
    with s:
        dep = consistent(s, lambda: departure_whatif(s, rep_id, when, cfg, max_hops=max_hops))
    if csv_path is not None:
        rows = write_handover_plan(dep, csv_path)
        stderr.print(f"wrote the handover plan ({rows} rows) to {csv_path}", markup=False, emoji=False)
    if as_json:
        emit_json(dep.to_json() | {"as_of": when.isoformat()})
        return
    if not dep.accounts:
        click.echo(f"If {dep.rep_name} left, no account contact would be orphaned (as of {when}).")
        return
    click.echo(f"If {dep.rep_name} left (as of {when}), these contacts would have no strong tie left:")
    for oid, name, orphans in dep.accounts:
        click.echo(f"  {name} ({oid}):")
        for o in orphans:
            click.echo(f"    {o.contact_name}{', ' + o.title if o.title else ''}: {o.suggestion}")


@cli.command()
@click.option("--org", "orgs", multiple=True, metavar="ORG", help="Only this account (repeatable).")
@analysis_options
@handle_errors
def stages(orgs: tuple[str, ...], store: str, as_json: bool, as_of: Any, config_path: Path | None) -> None:
    """The relationship stage of every account: outsider, friend, supplier or partner, and the next step.

    Every supplier and outsider account's next step is a warm-introduction search; on a
    large store, --org limits the table (and the searches) to the accounts you ask about.
    """
    from graph.analysis.stages import account_stages

    s, when, cfg = _analysis(store, as_of, config_path)
    with s, progress_bar() as bar:
        found = consistent(s, lambda: account_stages(s, when, cfg, progress=bar, only=set(orgs) if orgs else None))
    if as_json:
        emit_json({"as_of": when.isoformat(), "accounts": [a.to_json() for a in found]})
        return
    for a in found:
        doc = a.to_json()
        click.echo(f"{doc['stage']:<9} {doc['name'][:28]:<28} personal {doc['personal']:.2f}  "
                   f"institutional {doc['institutional']:.2f}")
        click.echo(f"          next: {doc['next_step']}")


@cli.command()
@click.option("--days", type=click.IntRange(1), default=90, show_default=True,
              help="A tie is cooling when its last interaction is older than this.")
@analysis_options
@handle_errors
def cooling(days: int, store: str, as_json: bool, as_of: Any, config_path: Path | None) -> None:
    """Strong ties with valuable accounts that have gone quiet, most valuable first."""
    from graph.analysis.cooling import cooling_ties

    s, when, cfg = _analysis(store, as_of, config_path)
    with s:
        found = consistent(s, lambda: cooling_ties(s, when, cfg, days=days))
    if as_json:
        emit_json({"as_of": when.isoformat(), "days": days, "ties": [t.to_json() for t in found]})
        return
    if not found:
        click.echo(f"No strong tie with an account has been quiet for more than {days} days (as of {when}).")
        return
    for t in found:
        doc = t.to_json()
        click.echo(f"  {doc['rep_name']} - {doc['contact_name']} ({doc['account']}): "
                   f"{doc['days_since'] if doc['days_since'] is not None else 'no'} days; {doc['suggestion']}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="relmap")

from relmap.cli_import import import_cmd  # noqa: E402 - registered last (the lead moves it into the CLI package)
cli.add_command(import_cmd)
