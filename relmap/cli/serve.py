"""The commands that serve or query a store for people: ``query`` (read-only Cypher) and ``dashboard``."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from graph.errors import RelmapError, UsageError
from graph.store import open_store
from relmap.cli.common import handle_errors, store_options
from relmap.output import emit_json, stderr

__all__ = ["COMMANDS", "serve_dashboard", "check_port", "dashboard_url", "DASHBOARD_APP"]

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
    for line in getattr(result, "notices", ()):  # what the server noted about the query: one line each
        stderr.print(line, markup=False, emoji=False)
    if as_json:
        emit_json({"columns": result.columns, "rows": result.rows})
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from graph.analysis.words import plural

    # Text, not str: rich would read "[bold]" or "[link=...]" in the data as markup (and "[/]" crashes it)
    table = Table(show_lines=False)
    for column in result.columns:
        table.add_column(Text(column))
    for row in result.rows:
        table.add_row(*(Text(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for v in row))
    Console(highlight=False).print(table)
    click.echo(plural(len(result.rows), "row"))


def check_port(address: str, port: int) -> None:
    """Make sure the dashboard can listen on ``address:port``, before anything else is done.

    Raises
    ------
    UsageError
        Naming the port and ``--port`` (with a free port nearby) when it is taken, or
        ``--address`` when this machine has no such address.
    """
    host = address or "0.0.0.0"
    try:
        family, kind, proto, _, where = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                            flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"cannot listen on address '{address}' ({exc}): pass --address with an address of "
                         "this machine (127.0.0.1, or 0.0.0.0 for every interface)") from None
    problem = _bind(family, kind, proto, where)
    if problem is None:
        return
    if problem == errno.EADDRINUSE:
        nearby = next((p for p in range(port + 1, min(port + 50, 65535) + 1)
                       if _bind(family, kind, proto, (where[0], p, *where[2:])) is None), None)
        raise UsageError(f"port {port} on {host} is already in use (another dashboard, or another program): "
                         f"pass --port N to serve on another port" + (f", for example --port {nearby}" if nearby else ""))
    if problem in (errno.EACCES, errno.EPERM):
        raise UsageError(f"port {port} needs privileges on this machine: pass --port N with N above 1023")
    if problem == errno.EADDRNOTAVAIL:
        raise UsageError(f"'{address}' is not an address of this machine: pass --address with one of its "
                         "addresses (127.0.0.1, or 0.0.0.0 for every interface)")
    raise UsageError(f"cannot listen on {host}:{port} ({os.strerror(problem)}): pass --port N or --address A")


def _bind(family: int, kind: int, proto: int, where: Any) -> int | None:
    """``None`` if a server could listen there now, else the error number (as the dashboard's server
    binds: with ``SO_REUSEADDR``, so connections of a stopped server in TIME_WAIT do not count)."""
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(where)
        except OSError as exc:
            return exc.errno or errno.EADDRINUSE
    return None


def dashboard_url(address: str, port: int) -> str:
    host = "127.0.0.1" if address in ("0.0.0.0", "", "::") else address
    return f"http://{host}:{port}"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    """Linux: the child gets SIGTERM when relmap dies, however it dies (even ``kill -9``)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


#: Signals that stop ``relmap dashboard`` (``kill PID``, a closed terminal): passed on to Streamlit.
FORWARDED = (signal.SIGTERM, signal.SIGHUP)


def serve_dashboard(store: str, port: int, address: str) -> None:
    """Run the Streamlit dashboard on ``address:port`` for ``store`` until interrupted.

    The port is checked first (:func:`check_port`); the URL is printed once. Streamlit runs as a
    child process that stops with relmap: Ctrl-C reaches both; ``kill PID`` (SIGTERM) or a hang-up
    sent to relmap is passed on to Streamlit, and relmap waits for it; on Linux the child is also
    told to stop if relmap dies without a word (``kill -9``).
    """
    if not DASHBOARD_APP.is_file():
        raise UsageError(f"the dashboard is not at '{DASHBOARD_APP}': reinstall relmap (pip install .)")
    check_port(address, port)
    # Streamlit's own welcome (its URLs, an external-IP lookup) would print the URL again
    env = dict(os.environ, RELMAP_STORE=store, STREAMLIT_LOGGER_HIDE_WELCOME_MESSAGE="true")
    command = [sys.executable, "-m", "streamlit", "run", str(DASHBOARD_APP), "--server.port", str(port),
               "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--global.developmentMode", "false"]
    click.echo(f"Dashboard for {store}: {dashboard_url(address, port)} (Ctrl-C stops it)")
    child = subprocess.Popen(command, env=env, preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    stopped_by: list[int] = []

    def forward(signum: int, _frame: Any) -> None:
        stopped_by.append(signum)
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        while True:
            try:
                code = child.wait()
                break
            except KeyboardInterrupt:  # Ctrl-C reaches Streamlit too (one process group): let it finish
                stopped_by.append(signal.SIGINT)
                try:
                    code = child.wait(timeout=3)
                except subprocess.TimeoutExpired:  # a SIGINT sent to relmap alone
                    child.terminate()
                    code = child.wait()
                break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child.poll() is None:  # relmap is failing: never leave Streamlit behind
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    if stopped_by or code in (0, -signal.SIGINT, 130):
        return
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
    check_port(address, port)
    with open_store(store, create=False):
        pass  # fail now, with the usual message and exit 3, if the store cannot be opened
    serve_dashboard(store, port, address)


COMMANDS = [query, dashboard]
