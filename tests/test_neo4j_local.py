"""scripts/neo4j_local.py: the throw-away Neo4j the tests, the benchmarks and users start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import neo4j
import pytest

from tests.conftest import ROOT, _launcher


@pytest.mark.neo4j
def test_a_random_password_starting_with_a_dash_still_starts_a_server(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """One random password in 64 starts with "-", which Neo4j's admin tool took for an option
    (the server then never started): it is passed after "--"."""
    nl = _launcher()
    monkeypatch.setattr(nl.secrets, "token_urlsafe", lambda n: "-bUBAH98rdC7gWfKb85cCrck")
    with nl.start(home=tmp_path / "neo4j", heap="512m", pagecache="64m") as srv:
        assert srv.password == "-bUBAH98rdC7gWfKb85cCrck"
        with neo4j.GraphDatabase.driver(srv.uri, auth=(srv.user, srv.password)) as driver:
            assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1


_STARTER = r"""
import signal, subprocess, sys, time
from pathlib import Path
# Ctrl-C interrupts, as in a terminal, even when the suite runs as a background job (which
# starts with SIGINT ignored, and children inherit that)
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path.insert(0, sys.argv[1])
import neo4j_local
home = Path(sys.argv[2]).resolve()
(home / "logs").mkdir(parents=True, exist_ok=True)
# a stand-in for the server JVM: a process whose command line names the server's main class and home
server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", neo4j_local.MAIN_CLASS,
                           f"--home-dir={home}"], start_new_session=True)
neo4j_local.watchdog(server.pid, home)
print(server.pid, flush=True)
time.sleep(600)
"""


def _running(pid: int, home: Path) -> bool:
    nl = _launcher()
    return bool(nl._pid_is_server(pid, home.resolve()))


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["kill-9", "timeout", "ctrl-c"])
def test_a_watched_server_stops_when_its_starter_dies_however_it_dies(tmp_path: Path, how: signal.Signals) -> None:
    """The server a test session starts must not outlive the session: killed (-9), stopped by a
    timeout (SIGTERM) or interrupted (Ctrl-C), the starter leaves a watchdog that stops it."""
    starter = subprocess.Popen([sys.executable, "-c", _STARTER, str(ROOT / "scripts"), str(tmp_path / "home")],
                               stdout=subprocess.PIPE, text=True)
    assert starter.stdout is not None
    pid = int(starter.stdout.readline())
    try:
        time.sleep(0.5)
        assert _running(pid, tmp_path / "home"), "the stand-in server did not start"
        starter.send_signal(how)
        starter.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _running(pid, tmp_path / "home") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _running(pid, tmp_path / "home"), "the server outlived the process that started it"
        assert "is gone: stopping it" in (tmp_path / "home" / "logs" / "watchdog.log").read_text()
    finally:
        if _running(pid, tmp_path / "home"):
            os.kill(pid, signal.SIGKILL)
        starter.kill()


def test_a_watchdog_lets_go_of_a_server_stopped_on_purpose(tmp_path: Path) -> None:
    """Closing the leash (what ``Server.stop`` does after the server is down) ends the watchdog
    without touching anything."""
    nl = _launcher()
    home = tmp_path / "home"
    (home / "logs").mkdir(parents=True)
    leash = nl.watchdog(999_999_999, home)  # no such process
    os.close(leash)
    deadline = time.monotonic() + 20
    while _watchdogs_of(home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _watchdogs_of(home), "the watchdog kept waiting after it was let go"
    assert (home / "logs" / "watchdog.log").read_text() == ""


def _watchdogs_of(home: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"watchdog" in cmd and str(home).encode() in cmd:
                found.append(int(entry.name))
    return found
