"""Dashboard benchmark: server-side render time of every page, and the network drawing in Chromium.

On the example story (``relmap demo``) and on a generated store of ``--people``
people (``relmap generate`` + ``relmap ingest``; an already loaded store under
``bench/out/analysis/`` is copied instead, and the generated files under
``bench/out/data-<people>-s<seed>-<as_of>`` are reused; a store of another schema
is loaded again), it measures:

1. **server side**, with ``streamlit.testing.v1.AppTest`` on ``dashboard/app.py``
   (``RELMAP_STORE`` set, "As of" = ``--as-of``): for each page (and a few
   page states) a *cold* run and a *warm* rerun. Every case runs in a fresh
   worker process, so the first run of a page has empty ``st.cache_data`` /
   ``st.cache_resource`` caches (only the modules are imported beforehand and
   the app has run once on the Network page's empty "person or account"
   state, which opens the store). The worker is killed after
   ``--page-timeout`` seconds. While a case runs, a sampler records the stack
   of the script thread every 10 ms (inclusive share per function), so even a
   run that is killed says where its time went; a second worker then runs the
   cold page under cProfile (``--no-cprofile`` skips that), when it finished in
   time, and the ``.pstats`` file is kept;
2. **in the browser**: ``relmap dashboard`` on the store and headless system
   Chromium (never a downloaded one): from ``page.goto`` of the Network page
   (the team's map) until ``window.relmapDrawn`` is true in its iframe; the
   first visit after the server started (cold caches) and then two more
   visits, each in a new browser context (warm caches).

Targets: every page <= 2 s server side at 100k people, network drawn <= 3 s.
A report goes to stdout, progress to stderr, every number to
``bench/out/dashboard/results.json``.

    python -m bench.dashboard                         # example + 100k people
    python -m bench.dashboard --datasets example      # only the example story
    python -m bench.dashboard --skip-browser --page-timeout 120
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import platform
import pstats
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from bench import benchdata

ROOT = benchdata.ROOT
APP = ROOT / "dashboard" / "app.py"
SERVER_TARGET_S = 2.0
DRAWN_TARGET_S = 3.0
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]

#: The cases measured server side: (name, page file, what is set before the timed run).
CASES = [
    ("network: team map", "network", "team map (the default)"),
    ("network: one rep, depth 2", "network", "'A person or an account' = the rep, depth 2"),
    ("introductions: empty form", "introductions", "nothing searched yet (the default)"),
    ("introductions: paths to a contact", "introductions", "target searched by id, from any rep"),
    ("introductions: from one rep", "introductions", "then 'Starting from' = the rep"),
    ("risk", "risk", "default (what-if of the first rep)"),
    ("stages", "stages", "default"),
    ("cypher", "cypher", "default (embedded store: the explanation)"),
    ("data", "data", "default"),
]
#: The cases that stand for "the page's first render" against the 2 s target.
TARGET_CASES = {"network: team map", "introductions: empty form", "introductions: paths to a contact",
                "risk", "stages", "cypher", "data"}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def relmap(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, "-m", "relmap", *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   env=env)


# -- stores ---------------------------------------------------------------------------------------------------
def example_store(work: Path) -> Path:
    store = work / "example-store"
    shutil.rmtree(store, ignore_errors=True)
    relmap("demo", "--no-dashboard", "--store", str(store))
    return store


def _people_in(store: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"file:{store / 'relmap.sqlite3'}?mode=ro", uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM people").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def ensure_data(out: Path, people: int, seed: int, as_of: str) -> Path:
    """Generated input files, shared with the other benchmarks (``bench.benchdata``)."""
    return benchdata.ensure_data(out, people, seed, as_of, log=log)


def _ready(store: Path) -> bool:
    """Whether an embedded store can be timed as it is: of this schema, its derived data built."""
    from graph.errors import StoreUnavailable
    from graph.store import SQLiteStore

    try:
        with SQLiteStore(store, create=False) as s:
            return benchdata.built_revision(s) is not None
    except StoreUnavailable:
        return False


def generated_store(out: Path, work: Path, people: int, seed: int, as_of: str) -> tuple[Path, str]:
    """This benchmark's own store of the generated data: reused, copied from another benchmark's, or ingested."""
    store = work / f"sqlite-{people}-s{seed}-{as_of}"
    marker = store / ".bench-dashboard"
    if marker.exists() and _people_in(store) == people and _ready(store):
        log(f"reusing the store {store}")
        return store, json.loads(marker.read_text())["source"]
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir(parents=True)
    source = ""
    for candidate in (out / "analysis" / f"sqlite-{people}-s{seed}-{as_of}",):
        if (candidate / ".bench-loaded").exists() and _people_in(candidate) == people and _ready(candidate):
            log(f"copying the loaded store {candidate} (sqlite backup) ...")
            src = sqlite3.connect(f"file:{candidate / 'relmap.sqlite3'}?mode=ro", uri=True)
            dst = sqlite3.connect(store / "relmap.sqlite3")
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
            source = f"copy of {candidate.relative_to(ROOT)}"
            break
    if not source:
        folder = ensure_data(out, people, seed, as_of)
        log(f"ingesting {folder} into {store} (relmap ingest) ...")
        relmap("ingest", str(folder), "--store", str(store))
        source = f"relmap ingest {folder.relative_to(ROOT)}"
    if _people_in(store) != people:
        raise SystemExit(f"{store} does not hold {people} people")
    marker.write_text(json.dumps({"source": source}) + "\n")
    return store, source


def subjects(store: Path, example: bool) -> dict[str, str]:
    """The rep and the contact the introductions and one-rep network cases use."""
    if example:
        return {"rep": "P-003", "target": "P-010"}  # Aisha Khan -> Viktor Lindqvist, the planted path
    from graph.store import SQLiteStore

    with SQLiteStore(store, create=False) as s, s.reader() as r:
        reps = sorted(p.id for p in r.people(kinds=["own"], role="rep"))
        rep = reps[0]
        accounts = r.accounts()
        covered = {a.org_id for a in accounts if a.rep_id == rep}
        for org in sorted({a.org_id for a in accounts} - covered):
            makers = sorted(p.id for p in r.people(orgs=[org]) if p.role == "decision_maker")
            if makers:
                return {"rep": rep, "target": makers[0]}
    raise SystemExit("no decision maker at an account the first rep does not cover")


# -- the worker: one case, in its own process -----------------------------------------------------------------
class Sampler(threading.Thread):
    """Every ``interval`` s, the stack of Streamlit's script thread: inclusive and self counts per function."""

    def __init__(self, interval: float = 0.01) -> None:
        super().__init__(daemon=True, name="bench-sampler")
        self.interval = interval
        self.phase: str | None = None
        self.samples: dict[str, int] = Counter()
        self.inclusive: dict[str, Counter[str]] = {}
        self.own: dict[str, Counter[str]] = {}
        self.lock = threading.Lock()

    @staticmethod
    def key(code: Any) -> str:
        path = code.co_filename
        for prefix, short in ((str(ROOT) + os.sep, ""), (os.path.dirname(os.__file__) + os.sep, "")):
            if path.startswith(prefix):
                path = short + path[len(prefix):]
                break
        if "site-packages" + os.sep in path:
            path = path.split("site-packages" + os.sep, 1)[1]
        return f"{path}:{code.co_firstlineno}({code.co_name})"

    def run(self) -> None:
        while True:
            time.sleep(self.interval)
            phase = self.phase
            if phase is None:
                continue
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if not names.get(ident, "").startswith("ScriptRunner"):
                    continue
                seen: set[str] = set()
                top = self.key(frame.f_code)
                f: Any = frame
                while f is not None:
                    seen.add(self.key(f.f_code))
                    f = f.f_back
                with self.lock:
                    self.samples[phase] += 1
                    self.inclusive.setdefault(phase, Counter()).update(seen)
                    self.own.setdefault(phase, Counter())[top] += 1

    def summary(self, phase: str, n: int = 25) -> dict[str, Any]:
        with self.lock:
            total = self.samples.get(phase, 0)
            inc = self.inclusive.get(phase, Counter())
            own = self.own.get(phase, Counter())
            return {"samples": total, "interval_s": self.interval,
                    "inclusive": [[k, round(v / total, 3)] for k, v in inc.most_common(200)
                                  if _interesting(k)][:n] if total else [],
                    "self": [[k, round(v / total, 3)] for k, v in own.most_common(n)] if total else []}


def _interesting(key: str) -> bool:
    """Frames worth naming: not the Streamlit/runpy/threading plumbing every run goes through."""
    boring = ("threading.py", "streamlit/runtime/scriptrunner", "streamlit/testing", "streamlit/navigation",
              "streamlit/runtime/caching", "streamlit/runtime/metrics_util", "streamlit/elements/lib/utils",
              "dashboard/app.py", "streamlit/commands/execution_control", "contextlib.py", "<frozen ",
              "builtins.exec>", "builtins.__import__>", "bench/dashboard.py")
    return not any(b in key for b in boring) and "(render)" not in key and "(<module>)" not in key


def worker(args: argparse.Namespace) -> None:
    """Run one case; write what is known so far to ``args.result`` after every step."""
    os.environ["RELMAP_STORE"] = args.store
    os.environ.pop("RELMAP_DASHBOARD_PASSWORD", None)
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    t = time.perf_counter()
    # What a running server has imported by the time a visitor opens a page.
    import altair  # noqa: F401
    import networkx  # noqa: F401
    import pandas  # noqa: F401 - st.dataframe imports it on its first call
    import pyarrow  # noqa: F401
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1 import local_script_runner as lsr

    import dashboard.common  # noqa: F401
    import dashboard.draw  # noqa: F401
    import graph.analysis  # noqa: F401 - every page's analyses (dashboard/app.py imports them all)
    import ingest  # noqa: F401

    result: dict[str, Any] = {"case": args.worker, "import_s": round(time.perf_counter() - t, 3), "runs": {}}
    sampler = Sampler()
    sampler.start()
    profiler: list[cProfile.Profile | None] = [None]
    original = lsr.LocalScriptRunner._run_script_thread

    def profiled(self: Any) -> None:  # the script runs in its own thread: profile it there
        prof = profiler[0]
        if prof is None:
            return original(self)
        prof.enable()
        try:
            return original(self)
        finally:
            prof.disable()

    lsr.LocalScriptRunner._run_script_thread = profiled  # type: ignore[method-assign]

    save_lock = threading.Lock()

    def save() -> None:
        with save_lock:
            tmp = Path(args.result).with_suffix(".tmp")
            tmp.write_text(json.dumps(result, indent=1))
            tmp.replace(args.result)

    def flush() -> None:  # what the sampler saw so far, for a run that gets killed
        while True:
            time.sleep(5)
            label = sampler.phase
            if label is not None and label in result["runs"]:
                result["runs"][label]["sampled"] = sampler.summary(label)
                result["runs"][label]["elapsed_s"] = round(time.perf_counter() - started[0], 1)
                save()

    started = [time.perf_counter()]
    threading.Thread(target=flush, daemon=True, name="bench-flush").start()

    def timed(label: str, step: Any, profile: bool = False) -> Any:
        sampler.phase = label
        if profile:
            profiler[0] = cProfile.Profile()
        result["runs"][label] = {"status": "running", "loadavg_before": loadavg()}
        save()
        t0 = started[0] = time.perf_counter()
        try:
            at = step()
        finally:
            seconds = time.perf_counter() - t0
            sampler.phase = None
            prof, profiler[0] = profiler[0], None
        run = result["runs"][label]
        run.update(status="done", seconds=round(seconds, 3), loadavg_after=loadavg(),
                   exceptions=[str(e.value)[:500] for e in at.exception],
                   errors=[str(e.value)[:300] for e in at.error], sampled=sampler.summary(label),
                   captions=[str(c.value)[:200] for c in at.caption][:3])
        if prof is not None:
            path = Path(args.result).with_suffix(f".{label}.pstats")
            prof.dump_stats(str(path))
            run["pstats"] = str(path)
            run["cprofile"] = cprofile_summary(path)
        save()
        return at

    at = AppTest.from_file(str(APP), default_timeout=args.timeout)
    at.session_state["as_of"] = date.fromisoformat(args.as_of)
    at.session_state["net_scope"] = "A person or an account"  # the cheap state: nothing drawn yet
    case, page = args.worker, dict((c[0], c[1]) for c in CASES)[args.worker]
    timed("warm-up (app.py, store opened)", at.run)
    prof = args.cprofile

    if case == "network: team map":
        at.radio(key="net_scope").set_value("The team's map")
        # the slider keeps the depth of the warm-up's scope (2): the team map's default is 1
        at.slider(key="net_depth").set_value(1)
        timed("cold", at.run, prof)
        timed("warm", at.run, prof)
    elif case == "network: one rep, depth 2":
        at.text_input(key="net_text").set_value(args.rep)
        at.slider(key="net_depth").set_value(2)
        timed("cold", at.run, prof)
        timed("warm", at.run, prof)
    elif case.startswith("introductions"):
        at.switch_page("views/introductions.py")
        if case == "introductions: empty form":
            timed("cold", at.run, prof)
            timed("warm", at.run, prof)
        else:
            at.run()
            at.text_input(key="intro_text").set_value(args.target)
            if case == "introductions: paths to a contact":
                timed("cold", at.run, prof)
                timed("warm", at.run, prof)
            else:
                at.run()  # paths from any rep (its own case)
                at.selectbox(key="intro_from").set_value(args.rep)
                timed("cold", at.run, prof)
                timed("warm", at.run, prof)
    else:
        at.switch_page(f"views/{page}.py")
        timed("cold", at.run, prof)
        timed("warm", at.run, prof)
    result["finished"] = True
    save()
    os._exit(0)  # do not wait for Streamlit's threads


def cprofile_summary(path: Path, n: int = 40) -> dict[str, Any]:
    stats = pstats.Stats(str(path))
    rows = []
    for (file, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((ct, tt, nc, Sampler.key(type("C", (), {"co_filename": file, "co_firstlineno": line,
                                                                "co_name": func})())))
    total = max((r[0] for r in rows), default=0.0)
    cum = [[k, round(ct, 3), nc] for ct, tt, nc, k in sorted(rows, reverse=True) if _interesting(k)][:n]
    own = [[k, round(tt, 3), nc] for ct, tt, nc, k in sorted(rows, key=lambda r: -r[1])][:n]
    return {"total_s": round(total, 3), "cumulative": cum, "tottime": own}


def run_case(case: str, store: Path, subj: dict[str, str], args: argparse.Namespace, work: Path, label: str,
             cprofile_run: bool) -> dict[str, Any]:
    """One case in a fresh worker process, killed after ``--page-timeout`` seconds."""
    slug = "".join(c if c.isalnum() else "-" for c in f"{label}-{case}").strip("-")
    out = work / "runs" / (slug + ("-cprofile" if cprofile_run else "") + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "bench.dashboard", "--worker", case, "--store", str(store), "--result", str(out),
           "--as-of", args.as_of, "--rep", subj["rep"], "--target", subj["target"],
           "--timeout", str(args.page_timeout + 60)]
    if cprofile_run:
        cmd.append("--cprofile")
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    timed_out = False
    try:
        _, err = proc.communicate(timeout=args.page_timeout + 90)  # + imports and the warm-up run
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    data = json.loads(out.read_text()) if out.exists() else {"runs": {}}
    data["wall_s"] = round(time.perf_counter() - t, 1)
    data["timed_out"] = timed_out or not data.get("finished")
    if data["timed_out"]:
        data["stderr_tail"] = (err or "")[-2000:]
    return data


# -- the browser ----------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def dashboard_server(store: Path) -> Any:
    import urllib.request

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("RELMAP_DASHBOARD_PASSWORD", "RELMAP_STORE")}
    logf = tempfile.NamedTemporaryFile(prefix="bench-dashboard-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "-m", "relmap", "dashboard", "--store", str(store), "--port", str(port),
                             "--address", "127.0.0.1"], cwd=ROOT, env=env, stdout=logf, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the dashboard did not start:\n{Path(logf.name).read_text()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            time.sleep(0.25)
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        logf.close()
        Path(logf.name).unlink(missing_ok=True)


#: The browser visits: (label, server caches, a new browser context or a reload of the last one).
VISITS = [
    ("first visit after the server started", "cold", True),
    ("new visitor", "warm", True),
    ("reload (browser cache warm)", "warm", False),
    ("reload (browser cache warm)", "warm", False),
]


def browser_network(store: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Seconds from page.goto of the Network page to window.relmapDrawn in its iframe, per visit."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        return {"skipped": "chromium is not installed"}
    from playwright.sync_api import sync_playwright

    timeout_ms = args.page_timeout * 1000
    out: dict[str, Any] = {"chromium": subprocess.run([exe, "--version"], capture_output=True, text=True)
                           .stdout.strip(), "visits": []}
    with dashboard_server(store) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        context = None
        try:
            for n, (label, caches, new_context) in enumerate(VISITS, start=1):
                if new_context or context is None:
                    if context is not None:
                        context.close()
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                visit: dict[str, Any] = {"visit": n, "what": label, "server_caches": caches,
                                         "browser_cache": "empty" if new_context else "warm",
                                         "loadavg_before": loadavg()}
                t0 = time.perf_counter()
                try:
                    page.goto(url + "/", wait_until="commit", timeout=timeout_ms)
                    page.locator("h1", has_text="Network").first.wait_for(timeout=timeout_ms)
                    visit["title_s"] = round(time.perf_counter() - t0, 3)
                    handle = page.locator('iframe[title="st.iframe"]').first.element_handle(timeout=timeout_ms)
                    visit["iframe_s"] = round(time.perf_counter() - t0, 3)
                    frame = handle.content_frame()
                    assert frame is not None, "the st.iframe has no frame"
                    frame.wait_for_function("() => window.relmapDrawn === true", timeout=timeout_ms, polling=50)
                    visit["drawn_s"] = round(time.perf_counter() - t0, 3)
                    visit["nodes"] = frame.evaluate("() => window.relmapNodeCount")
                    visit["edges"] = frame.evaluate("() => window.relmapEdgeCount")
                    visit["srcdoc_bytes"] = len(handle.get_attribute("srcdoc") or "")
                except Exception as exc:  # noqa: BLE001 - a timeout is a result here
                    visit["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                    visit["waited_s"] = round(time.perf_counter() - t0, 1)
                visit["loadavg_after"] = loadavg()
                out["visits"].append(visit)
                log(f"  browser visit {n}: {visit}")
                if "error" in visit:
                    break  # the server is still busy with the cold run; later visits would measure that
        finally:
            if context is not None:
                context.close()
            browser.close()
    return out


# -- the report -----------------------------------------------------------------------------------------------
def fmt(run: dict[str, Any] | None, timeout: int) -> str:
    if not run:
        return "–"
    if run.get("status") != "done":
        return f"> {timeout} s (killed)"
    return f"{run['seconds']:.2f}"


def verdict(seconds: float | None, target: float) -> str:
    if seconds is None:
        return "**not met**"
    return "met" if seconds <= target else "**not met**"


def dominant(case: dict[str, Any]) -> str:
    """The deepest project call that takes most of the cold run, from cProfile or the sampler."""
    prof = case.get("cprofile_runs", {}).get("cold", {}).get("cprofile")
    rows = prof["cumulative"] if prof else None
    sampled = case["runs"].get("cold", {}).get("sampled") or {}
    if rows:
        total = prof["total_s"] or 1.0
        mine = [(k, ct / total) for k, ct, _ in rows if k.startswith(("graph/", "dashboard/", "ingest/"))]
    else:
        mine = [(k, share) for k, share in sampled.get("inclusive", []) if k.startswith(("graph/", "dashboard/"))]
    if not mine:
        return ""
    # the most specific function that still holds at least half of the biggest share
    top = mine[0][1]
    pick = [k for k, s in mine if s >= 0.5 * top][-1]
    return f"{pick} ({100 * dict(mine)[pick]:.0f} %)"


def report(results: dict[str, Any]) -> None:
    timeout = results["page_timeout_s"]
    print(f"\nDashboard benchmark · {results['date']} · {results['machine']}")
    for label, ds in results["datasets"].items():
        print(f"\n## {label}: {ds['counts']}")
        print(f"{'case':38} {'cold s':>18} {'warm s':>8}  dominant call (cold)")
        for name, case in ds["cases"].items():
            print(f"{name:38} {fmt(case['runs'].get('cold'), timeout):>18} {fmt(case['runs'].get('warm'), timeout):>8}"
                  f"  {dominant(case)}")
        b = ds.get("browser", {})
        for v in b.get("visits", []):
            shown = f"{v['drawn_s']:.2f} s" if "drawn_s" in v else f"not drawn after {v.get('waited_s')} s ({v['error']})"
            print(f"browser visit {v['visit']} ({v['what']}): network drawn {shown}")


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default="example,generated", help="example, generated, or both (comma-separated)")
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", default="2026-11-26")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--page-timeout", type=int, default=300, help="kill a page run after this many seconds")
    ap.add_argument("--skip-browser", action="store_true")
    ap.add_argument("--no-cprofile", action="store_true", help="only the sampler, no cProfile run")
    ap.add_argument("--cases", default="", help="only these cases (comma-separated substrings)")
    ap.add_argument("--report", action="store_true", help="only print the report of the last results.json")
    # the worker's own arguments
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--store", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--rep", help=argparse.SUPPRESS)
    ap.add_argument("--target", help=argparse.SUPPRESS)
    ap.add_argument("--timeout", type=float, default=600, help=argparse.SUPPRESS)
    ap.add_argument("--cprofile", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return

    work = args.out / "dashboard"
    work.mkdir(parents=True, exist_ok=True)
    if args.report:
        report(json.loads((work / "results.json").read_text()))
        return
    import streamlit

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, IndexError, ValueError):
        mem = f"{int(Path('/proc/meminfo').read_text().split()[1]) / 1024 / 1024:.0f} GB RAM"
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{cpu}, {os.cpu_count()} CPUs, {mem}, {platform.system()} {platform.release()}, "
                   f"Python {platform.python_version()}, Streamlit {streamlit.__version__}",
        "page_timeout_s": args.page_timeout, "as_of": args.as_of, "targets": {"server_s": SERVER_TARGET_S,
                                                                               "drawn_s": DRAWN_TARGET_S},
        "datasets": {},
    }
    previous = work / "results.json"
    if args.cases and previous.exists():  # a partial rerun updates the earlier results
        earlier = json.loads(previous.read_text())
        results["datasets"] = earlier.get("datasets", {})
        results["earlier_runs"] = earlier.get("earlier_runs", []) + [earlier.get("date")]
    wanted = [c for c in CASES if not args.cases or any(s in c[0] for s in args.cases.split(","))]
    for which in args.datasets.split(","):
        if which == "example":
            store, label, source = example_store(work), "example", "relmap demo --no-dashboard"
        elif which == "generated":
            store, source = generated_store(args.out, work, args.people, args.seed, args.as_of)
            label = f"{args.people // 1000}k" if args.people % 1000 == 0 else str(args.people)
        else:
            raise SystemExit(f"unknown dataset {which!r}")
        from graph.store import SQLiteStore

        with SQLiteStore(store, create=False) as s:
            counts = s.counts()
        subj = subjects(store, which == "example")
        ds: dict[str, Any] = {"store": str(store.relative_to(ROOT)) if store.is_relative_to(ROOT) else str(store),
                              "source": source, "counts": counts, "subjects": subj,
                              "cases": results["datasets"].get(label, {}).get("cases", {})}
        if "browser" in results["datasets"].get(label, {}):
            ds["browser"] = results["datasets"][label]["browser"]
        results["datasets"][label] = ds
        for name, _, setup in wanted:
            log(f"{label}: {name} ...")
            case = run_case(name, store, subj, args, work, label, cprofile_run=False)
            case["setup"] = setup
            case["measured"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            cold = case["runs"].get("cold", {})
            if not args.no_cprofile and cold.get("status") == "done":
                log(f"{label}: {name} under cProfile ...")
                case["cprofile_runs"] = run_case(name, store, subj, args, work, label, cprofile_run=True)["runs"]
            ds["cases"][name] = case
            log(f"  cold {fmt(cold, args.page_timeout)} s, warm {fmt(case['runs'].get('warm'), args.page_timeout)} s;"
                f" dominant: {dominant(case)}")
            (work / "results.json").write_text(json.dumps(results, indent=1))
        if not args.skip_browser:
            log(f"{label}: network page in headless Chromium ...")
            ds["browser"] = browser_network(store, args)
        (work / "results.json").write_text(json.dumps(results, indent=1))
    report(results)
    log(f"results: {work / 'results.json'}")


if __name__ == "__main__":
    main()
