"""Faults during ingest: a killed ingest process or a killed Neo4j server, then a re-run,
leaves the store holding exactly the input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from graph.store import open_store
from ingest import check_folder
from ingest.generate import generate
from datetime import date


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    generate(out, 3000, seed=5, as_of=date(2026, 11, 26))
    return out


def _ingest(folder: Path, store: str, env: dict[str, str], batch: int = 500) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "relmap", "ingest", str(folder), "--store", store,
                             "--batch-size", str(batch)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


#: Every node and input relationship, counted without waiting for the load in progress (analysts'
#: Cypher: the store's own counts wait for it).
_WRITTEN = ("CALL () { MATCH (n) RETURN count(n) AS nodes } "
            "CALL () { MATCH ()-[r:KNOWS|COVERS]->() RETURN count(r) AS rels } RETURN nodes + rels")


def _wait_for_writes(store: str, proc: subprocess.Popen[bytes], at_least: int) -> None:
    """Wait until the Neo4j ingest ``proc`` has written ``at_least`` rows."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the ingest finished before it could be interrupted"
        try:
            with open_store(store, create=False) as s:
                if s.cypher(_WRITTEN).rows[0][0] >= at_least:
                    return
        except Exception:  # noqa: BLE001 - the store may not exist yet
            pass
        time.sleep(0.05)
    raise AssertionError("the ingest wrote nothing within two minutes")


def _never_torn(folder: Path, store: str, env: dict[str, str], before: Any, expected: Any,
                delays: tuple[float, ...]) -> None:
    """An ingest of ``folder`` into the embedded ``store`` (holding ``before``) killed after each
    of ``delays``: the store holds either the whole old graph or the whole new one, never a mix.
    The store holds ``before`` again afterwards."""
    for delay in delays:
        with open_store(store) as s:
            s.load(before)
        proc = _ingest(folder, store, env)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open_store(store) as s:
            after = s.dump()
        assert after == before or after == expected.sorted(), f"a torn store after a kill at {delay}s"
    with open_store(store) as s:
        s.load(before)


def test_killed_ingest_then_rerun_converges(store_spec: str, backend: str, generated: Path,
                                             tmp_path: Path) -> None:
    env = dict(os.environ)
    # the store first holds a different, smaller folder
    small = tmp_path / "small"
    generate(small, 50, seed=1, as_of=date(2026, 11, 26))
    assert subprocess.run([sys.executable, "-m", "relmap", "ingest", str(small), "--store", store_spec],
                          env=env, capture_output=True).returncode == 0
    with open_store(store_spec) as s:
        before = s.dump()
    expected, _ = check_folder(generated)
    if backend == "neo4j":
        proc = _ingest(generated, store_spec, env)
        _wait_for_writes(store_spec, proc, sum(before.counts().values()) + 2000)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    else:
        # kill at several moments (validating, loading, committing)
        _never_torn(generated, store_spec, env, before, expected, (0.3, 0.6, 0.9, 1.2, 1.5))
    rerun = _ingest(generated, store_spec, env, batch=5000)
    assert rerun.wait(timeout=600) == 0, rerun.stderr.read() if rerun.stderr else ""
    with open_store(store_spec) as s:
        assert s.counts() == expected.counts()
        assert s.dump() == expected.sorted()


@pytest.mark.neo4j
def test_neo4j_killed_mid_ingest_then_rerun_converges(neo4j_server: Any, generated: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if neo4j_server.handle is None:
        pytest.skip("the test Neo4j was not started by this session, so it cannot be killed")
    for k, v in neo4j_server.env().items():
        monkeypatch.setenv(k, v)
    env = dict(os.environ)
    proc = _ingest(generated, neo4j_server.uri, env)
    _wait_for_writes(neo4j_server.uri, proc, 3000)
    neo4j_server.handle.kill()  # SIGKILL the server mid-ingest
    assert proc.wait(timeout=120) == 3, "the ingest should stop with exit 3 when the server is gone"
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert neo4j_server.uri in err
    neo4j_server.handle.restart()
    rerun = _ingest(generated, neo4j_server.uri, env, batch=5000)
    assert rerun.wait(timeout=600) == 0
    expected, _ = check_folder(generated)
    with open_store(neo4j_server.uri) as s:
        assert s.counts() == expected.counts()
        assert s.dump() == expected.sorted()


def _changed_folder(generated: Path, out: Path) -> Any:
    """The generated folder with 3% of its interactions changed, 1% removed and 1% added: a
    daily refresh's worth of change."""
    from dataclasses import replace
    from datetime import timedelta

    from graph.model import Interaction
    from tests.helpers import write_dataset

    data, _ = check_folder(generated)
    n = len(data.interactions)
    kept = [i._replace(type="dinner", nature="personal") if k % 33 == 0 else i
            for k, i in enumerate(data.interactions) if k % 100 != 7]
    people = [p.id for p in data.people]
    new = [Interaction(f"NEW-{k}", i.date - timedelta(days=1), "lunch", "personal", (people[k], people[-k - 1]))
           for k, i in enumerate(data.interactions[: n // 100])]
    after = replace(data, interactions=kept + new)
    write_dataset(out, after)
    return after


def test_killed_refresh_then_rerun_converges(store_spec: str, backend: str, generated: Path, tmp_path: Path) -> None:
    """A refresh (writing only the change) killed part-way: the store holds the old rows or the
    new (embedded), or is refused until the same ingest runs again, which converges (Neo4j)."""
    env = dict(os.environ)
    expected = _changed_folder(generated, tmp_path / "changed")
    assert subprocess.run([sys.executable, "-m", "relmap", "ingest", str(generated), "--store", store_spec],
                          env=env, capture_output=True).returncode == 0
    with open_store(store_spec) as s:
        before = s.dump()
    if backend == "neo4j":
        proc = _ingest(tmp_path / "changed", store_spec, env, batch=20)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the refresh finished before it could be interrupted"
            with open_store(store_spec) as s:
                if s.state().loading:
                    break
            time.sleep(0.02)
        time.sleep(0.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open_store(store_spec) as s:
            assert s.state().loading, "the killed refresh leaves its mark: readers wait, then refuse"
    else:
        _never_torn(tmp_path / "changed", store_spec, env, before, expected, (0.5, 1.0, 1.5, 2.0))
    rerun = subprocess.run([sys.executable, "-m", "relmap", "ingest", str(tmp_path / "changed"), "--store",
                            store_spec, "--json"], env=env, capture_output=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr.decode()
    import json

    assert json.loads(rerun.stdout)["whole"] is (backend == "neo4j"), "a torn Neo4j store is written whole"
    with open_store(store_spec) as s:
        assert s.dump() == expected.sorted()
        with s.reader() as r:
            assert r.stamp is not None and r.stamp.built == r.stamp.revision, "derived data complete"
