"""The commands that serve or query a store for people: ``query`` (read-only Cypher) and ``dashboard``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from graph.errors import RelmapError, UsageError
from graph.store import open_store
from relmap.cli.common import handle_errors, store_options
from relmap.output import emit_json, stderr

__all__ = ["COMMANDS", "serve_dashboard", "DASHBOARD_APP"]

DASHBOARD_APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


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


@click.command()
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
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Text, not str: rich would read "[bold]" or "[link=...]" in the data as markup (and "[/]" crashes it)
    table = Table(show_lines=False)
    for column in result.columns:
        table.add_column(Text(column))
    for row in result.rows:
        table.add_row(*(Text(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for v in row))
    Console(highlight=False).print(table)
    click.echo(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")


def serve_dashboard(store: str, port: int, address: str) -> None:
    """Run the Streamlit dashboard on ``address:port`` for ``store`` until interrupted."""
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


@click.command()
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


COMMANDS = [query, dashboard]
