"""Dashboard load test: concurrent browser sessions walking every page of ``relmap dashboard``.

Starts ``relmap dashboard`` on a store (default: the example story, loaded
afresh with ``relmap demo --no-dashboard --store bench/out/load/example-store``;
or ``--store DIR``; or ``--people N`` for ``bench.analysis``'s generated embedded
store), then opens ``--sessions`` concurrent sessions (default 10) in headless
system Chromium (Debian's ``chromium``, never a downloaded browser; the flags
that keep it off the network are ``bench.dashboard``'s), one browser context
each, spread over ``--browsers`` browsers (default 1), all driven by one asyncio
Playwright loop.

Each session opens the dashboard (its default page, the Network), then, from
page *i* mod 6 on for session *i* (so the sessions spread over the pages),
clicks through the sidebar navigation, page after page, round and round, until
``--duration`` seconds (default 60) have passed and it has shown every page at
least ``--min-rounds`` times (default 1). A page visit is timed from
the click until its ``h1`` title is shown and Streamlit's script run has
finished (``stApp`` connected and ``notRunning``, nothing stale: the predicate
tests/dashboard/browser.py waits on); then the page is checked for Streamlit
exception boxes (``[data-testid="stException"]``) and tracebacks. The server's
part is estimated from Streamlit's websocket: from the first frame the page
sends after the click (the rerun request) to the last frame it receives before
the page is ready (as this process is told of them, so roughly). On the
Network page the time until its vis-network drawing reports
``window.relmapDrawn`` is recorded too. A visit that fails (exception box,
timeout after ``--page-timeout`` s, a browser error) is an error; the session
then reloads and goes on. JavaScript errors on the page (``pageerror``) are
recorded and counted as errors too.

A report goes to stdout, progress to stderr every 10 s, every number to
``bench/out/load/dashboard-<label>-<UTC time>.json``. Exit status 1 when any
visit failed.

    python -m bench.dashboard_load                              # example story, 10 sessions, 60 s
    python -m bench.dashboard_load --sessions 3 --duration 20   # a quick try
    python -m bench.dashboard_load --people 2000 --duration 20  # a generated store
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import benchdata
from bench.benchdata import loadavg, machine_cpu, pct
from tests.dashboard.browser import APP_READY  # the browser suite's wait: the script run has finished

ROOT = benchdata.ROOT
VIEWPORT = {"width": 1400, "height": 1000}
_T0 = time.perf_counter()


def log(msg: str) -> None:
    print(f"[dashboard-load {time.perf_counter() - _T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def descendant_cpu() -> dict[str, float]:
    """CPU seconds of this process's descendants by command name (``chromium``, ``python`` = the dashboard, ...).

    Living processes count their own time, exited ones that were waited for count in
    their parent's ``cutime``/``cstime``: so every process is counted once.
    """
    tick = os.sysconf("SC_CLK_TCK")
    procs: dict[int, tuple[int, str, float]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            head, rest = d.joinpath("stat").read_text().rsplit(")", 1)
            f = rest.split()
            procs[int(d.name)] = (int(f[1]), head.split("(", 1)[1],
                                  (int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])) / tick)
        except (OSError, ValueError, IndexError):
            continue
    mine = {os.getpid()}
    grew = True
    while grew:
        more = {pid for pid, (ppid, _, _) in procs.items() if ppid in mine} - mine
        mine |= more
        grew = bool(more)
    out: dict[str, float] = {}
    for pid in mine - {os.getpid()}:
        _, comm, cpu = procs[pid]
        out[comm] = round(out.get(comm, 0.0) + cpu, 1)
    return out


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300] if text else ''}"


# -- one browser session -------------------------------------------------------------------------------------
class Session:
    """One browser context: opens a page, then clicks through the navigation until the deadline."""

    def __init__(self, index: int, browser: Any, url: str, deadline: float, timeout_ms: int, start_page: int,
                 min_rounds: int = 0) -> None:
        self.index, self.browser, self.url, self.deadline = index, browser, url, deadline
        self.timeout_ms = timeout_ms
        self.min_rounds = min_rounds
        self.frames: list[tuple[float, str]] = []  # (when, "sent" | "received") on Streamlit's websocket
        self.start_page = start_page
        self.visits: list[dict[str, Any]] = []
        self.js_errors: list[str] = []
        self.nav: list[tuple[str, str]] = []  # (title, href)

    async def wait_ready(self, page: Any, title: str) -> None:
        await page.locator("h1", has_text=title).first.wait_for(timeout=self.timeout_ms)
        await page.wait_for_function(APP_READY, timeout=self.timeout_ms, polling=50)

    async def check(self, page: Any) -> list[str]:
        found = await page.locator('[data-testid="stException"]').all_inner_texts()
        body = await page.locator('[data-testid="stApp"]').inner_text()
        if "Traceback (most recent call last)" in body and not found:
            found.append(body[:2000])
        return [f[:1000] for f in found]

    async def drawn(self, page: Any, t0: float) -> float:
        handle = await page.locator('iframe[title="st.iframe"]').first.element_handle(timeout=self.timeout_ms)
        frame = await handle.content_frame()
        assert frame is not None, "the network's st.iframe has no frame"
        await frame.wait_for_function("() => window.relmapDrawn === true", timeout=self.timeout_ms, polling=50)
        return time.perf_counter() - t0

    async def open(self, page: Any, start: int) -> None:
        """Load the dashboard on the navigation's ``start``-th page (a new Streamlit session) and read its nav."""
        path = "" if not self.nav else self.nav[start % len(self.nav)][1]
        await page.goto(f"{self.url}/{path}", wait_until="domcontentloaded", timeout=self.timeout_ms)
        await page.locator('[data-testid="stSidebarNav"] a').first.wait_for(timeout=self.timeout_ms)
        await page.wait_for_function(APP_READY, timeout=self.timeout_ms, polling=50)
        links = page.locator('[data-testid="stSidebarNav"] a')
        nav = []
        for i in range(await links.count()):
            text = (await links.nth(i).inner_text()).strip().splitlines()
            href = (await links.nth(i).get_attribute("href")) or ""
            nav.append((text[-1].strip() if text else "", href.rstrip("/").rsplit("/", 1)[-1]
                        if href.rstrip("/") != self.url else ""))
        self.nav = nav

    def watch(self, ws: Any) -> None:
        """Note when each frame of Streamlit's websocket went out or came in (as this loop hears of it)."""
        if "/_stcore/stream" in ws.url:
            ws.on("framesent", lambda _: self.frames.append((time.perf_counter(), "sent")))
            ws.on("framereceived", lambda _: self.frames.append((time.perf_counter(), "received")))

    def server_time(self, since: float, until: float) -> float | None:
        """From the first frame sent after ``since`` (the rerun request) to the last received by ``until``."""
        sent = next((t for t, d in self.frames if d == "sent" and t >= since), None)
        if sent is None:
            return None
        got = [t for t, d in self.frames if d == "received" and sent <= t <= until]
        return round(max(got) - sent, 3) if got else None

    def rounds(self) -> int:
        """How many times this session has visited every page (without an error)."""
        seen = [v["page"] for v in self.visits if not v["page"].startswith("(") and not v["error"]]
        return min((seen.count(t) for t, _ in self.nav), default=0)

    async def run(self) -> None:
        context = await self.browser.new_context(viewport=VIEWPORT)
        page = await context.new_page()
        page.on("pageerror", lambda exc: self.js_errors.append(str(exc)[:500]))
        page.on("websocket", self.watch)
        try:
            t0 = time.perf_counter()
            try:
                await self.open(page, 0)  # the default page (a new Streamlit session); learn the navigation
                self.visits.append({"page": "(first load)", "at": round(t0 - _RUN0, 2),
                                    "seconds": round(time.perf_counter() - t0, 3), "error": None})
            except Exception as exc:  # noqa: BLE001 - a result
                self.visits.append({"page": "(first load)", "at": round(t0 - _RUN0, 2),
                                    "seconds": round(time.perf_counter() - t0, 3), "error": first_line(exc)})
                return
            n = self.start_page % len(self.nav) or 1  # sessions spread over the pages from the first click on
            while time.perf_counter() < self.deadline or self.rounds() < self.min_rounds:
                title, _ = self.nav[n % len(self.nav)]
                n += 1
                visit: dict[str, Any] = {"page": title, "error": None}
                t0 = time.perf_counter()
                visit["at"] = round(t0 - _RUN0, 2)
                try:
                    await page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click(
                        timeout=self.timeout_ms)
                    await self.wait_ready(page, title)
                    t1 = time.perf_counter()
                    visit["seconds"] = round(t1 - t0, 3)
                    visit["server_s"] = self.server_time(t0, t1)
                    shown = await self.check(page)
                    if shown:
                        visit["error"] = "Streamlit exception box: " + " | ".join(shown)
                    elif title == "Network":
                        visit["drawn_s"] = round(await self.drawn(page, t0), 3)
                except Exception as exc:  # noqa: BLE001 - a result
                    visit["error"] = first_line(exc)
                    visit.setdefault("seconds", round(time.perf_counter() - t0, 3))
                self.visits.append(visit)
                if visit["error"] and not visit["error"].startswith("Streamlit exception box"):
                    try:  # start this session afresh
                        await self.open(page, n)
                    except Exception as exc:  # noqa: BLE001
                        self.visits.append({"page": "(reopen)", "at": round(time.perf_counter() - _RUN0, 2),
                                            "seconds": None, "error": first_line(exc)})
                        return
        finally:
            await context.close()


_RUN0 = 0.0


async def drive(url: str, exe: str, args: argparse.Namespace, chromium_args: list[str]) -> dict[str, Any]:
    global _RUN0
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browsers = [await pw.chromium.launch(executable_path=exe, headless=True, args=chromium_args)
                    for _ in range(args.browsers)]
        try:
            _RUN0 = time.perf_counter()
            deadline = _RUN0 + args.duration
            sessions = [Session(i, browsers[i % len(browsers)], url, deadline, int(args.page_timeout * 1000), i,
                                args.min_rounds) for i in range(args.sessions)]
            started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
            la_start = loadavg()
            cpu_start = descendant_cpu()
            busy0, _ = machine_cpu()
            log(f"{args.sessions} sessions in {args.browsers} browser(s) for {args.duration:g} s on {url}, "
                f"load average {la_start}")
            tasks = [asyncio.create_task(s.run()) for s in sessions]
            samples = []
            while not all(t.done() for t in tasks):
                await asyncio.wait(tasks, timeout=args.progress)
                visits = [v for s in sessions for v in s.visits]
                errs = sum(1 for v in visits if v["error"]) + sum(len(s.js_errors) for s in sessions)
                times = [v["seconds"] for v in visits if v.get("seconds") is not None and not v["page"].startswith("(")]
                la = loadavg()
                elapsed = time.perf_counter() - _RUN0
                samples.append({"t": round(elapsed, 1), "visits": len(visits), "errors": errs, "loadavg": la})
                log(f"{elapsed:5.0f} s: {len(visits)} visits, {errs} errors, page p50 {fmt(pct(times, 50))}, "
                    f"load average {la}")
            for t in tasks:
                if t.exception() is not None:
                    raise t.exception()  # type: ignore[misc]
            wall = time.perf_counter() - _RUN0
            cpu_end = descendant_cpu()
            busy1, _ = machine_cpu()
        finally:
            for b in browsers:
                await b.close()
    return {"started": started, "wall_s": round(wall, 1), "loadavg_start": la_start, "loadavg_end": loadavg(),
            "progress": samples, "machine_cpu_busy_s": round(busy1 - busy0, 1),
            "cpu_s": {k: round(v - cpu_start.get(k, 0.0), 1) for k, v in sorted(cpu_end.items())},
            "sessions": [{"session": s.index, "nav": s.nav, "visits": s.visits, "js_errors": s.js_errors}
                         for s in sessions]}


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def summarise(run: dict[str, Any]) -> dict[str, Any]:
    visits = [v | {"session": s["session"]} for s in run["sessions"] for v in s["visits"]]
    pages: dict[str, Any] = {}
    for v in visits:
        pages.setdefault(v["page"], []).append(v)
    per_page = {}
    for name, vs in pages.items():
        t = [v["seconds"] for v in vs if v.get("seconds") is not None and not v["error"]]
        srv = [v["server_s"] for v in vs if v.get("server_s") is not None and not v["error"]]
        per_page[name] = {"visits": len(vs), "errors": sum(1 for v in vs if v["error"]), "p50_s": pct(t, 50),
                          "p99_s": pct(t, 99), "max_s": max(t) if t else None,
                          "mean_s": statistics.fmean(t) if t else None,
                          "server_p50_s": pct(srv, 50), "server_p99_s": pct(srv, 99)}
        drawn = [v["drawn_s"] for v in vs if "drawn_s" in v]
        if drawn:
            per_page[name].update(drawn_p50_s=pct(drawn, 50), drawn_p99_s=pct(drawn, 99), drawn_max_s=max(drawn))
    nav_visits = [v for v in visits if not v["page"].startswith("(")]
    ok = [v["seconds"] for v in nav_visits if not v["error"]]
    srv = [v["server_s"] for v in nav_visits if not v["error"] and v.get("server_s") is not None]
    errors = [{"session": v["session"], "page": v["page"], "at_s": v.get("at"), "error": v["error"]}
              for v in visits if v["error"]]
    errors += [{"session": s["session"], "page": "(javascript)", "error": e} for s in run["sessions"]
               for e in s["js_errors"]]
    complete_rounds = []
    for s in run["sessions"]:
        seen = [v["page"] for v in s["visits"] if not v["page"].startswith("(") and not v["error"]]
        complete_rounds.append(min((seen.count(t) for t, _ in s["nav"]), default=0))
    return {"visits": len(nav_visits), "errors": len(errors), "page_p50_s": pct(ok, 50), "page_p99_s": pct(ok, 99),
            "page_max_s": max(ok) if ok else None, "server_p50_s": pct(srv, 50), "server_p99_s": pct(srv, 99),
            "pages": per_page, "error_list": errors[:200],
            "sessions": len(run["sessions"]), "every_page_visited_at_least": min(complete_rounds, default=0)}


def report(r: dict[str, Any]) -> str:
    s = r["summary"]
    lines = [
        f"Dashboard load test · {r['date']} · {r['machine']}",
        f"store: {r['store_label']} ({r['counts']}) · {r['sessions']} sessions in {r['browsers']} browser(s) · "
        f"{r['duration_s']:g} s (wall {r['run']['wall_s']} s)",
        f"load average (1, 5, 15 min): {r['run']['loadavg_start']} at the start, {r['run']['loadavg_end']} at the end"
        f" (before: {r['loadavg_before']})",
        "",
        f"{'page':22} {'visits':>7} {'errors':>7} {'p50':>9} {'p99':>9} {'max':>9}   {'server p50 / p99':>19}"
        "   network drawn p50 / p99",
    ]
    for name, p in s["pages"].items():
        extra = f"   {fmt(p.get('drawn_p50_s'))} / {fmt(p.get('drawn_p99_s'))}" if "drawn_p50_s" in p else ""
        server = f"{fmt(p.get('server_p50_s'))} / {fmt(p.get('server_p99_s'))}" if p.get("server_p50_s") else ""
        lines.append(f"{name:22} {p['visits']:>7} {p['errors']:>7} {fmt(p['p50_s']):>9} {fmt(p['p99_s']):>9} "
                     f"{fmt(p['max_s']):>9}   {server:>19}{extra}")
    lines.append(f"{'all page visits':22} {s['visits']:>7} {s['errors']:>7} {fmt(s['page_p50_s']):>9} "
                 f"{fmt(s['page_p99_s']):>9} {fmt(s['page_max_s']):>9}   "
                 f"{fmt(s['server_p50_s']) + ' / ' + fmt(s['server_p99_s']):>19}")
    lines.append("(page: from the click to the title shown and the run finished; server: from the rerun request "
                 "leaving the browser to the last websocket frame of the answer, as this process hears of them)")
    lines.append(f"every session visited every page at least {s['every_page_visited_at_least']} time(s)")
    cpu = r["run"].get("cpu_s", {})
    if cpu:
        lines.append(f"CPU seconds in the run: {', '.join(f'{k} {v:g}' for k, v in cpu.items() if v)} "
                     f"({sum(cpu.values()) / max(r['run']['wall_s'], 1e-9):.2f} cores busy on average; "
                     f"python = the dashboard server, node = Playwright's driver)")
        busy = r["run"].get("machine_cpu_busy_s") or 0.0
        lines.append(f"whole machine: {busy / max(r['run']['wall_s'], 1e-9):.2f} cores busy of {os.cpu_count()}, "
                     f"{max(0.0, busy - sum(cpu.values())) / max(r['run']['wall_s'], 1e-9):.2f} of them "
                     "not this benchmark's processes")
    if s["error_list"]:
        lines.append("")
        lines.append("ERRORS:")
        for e in s["error_list"][:30]:
            lines.append(f"  session {e['session']}, {e['page']}: {e['error'][:300]}")
    else:
        lines.append("no errors")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.dashboard_load", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, help="an embedded store folder (default: the example story, loaded afresh)")
    ap.add_argument("--people", type=int, help="bench.analysis's generated embedded store of this many people")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", default="2026-11-26", help="the generated data's date (with --people)")
    ap.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions (default 10)")
    ap.add_argument("--browsers", type=int, default=1, help="Chromium instances the sessions share (default 1)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    ap.add_argument("--page-timeout", type=float, default=60.0, help="seconds a page may take (default 60)")
    ap.add_argument("--min-rounds", type=int, default=1,
                    help="after the duration, a session goes on until it has shown every page this many times "
                         "(default 1; 0: stop at the duration)")
    ap.add_argument("--progress", type=float, default=10.0, help="seconds between progress lines")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--json", type=Path, help="results file (default bench/out/load/dashboard-<label>-<time>.json)")
    args = ap.parse_args(argv)
    if args.sessions < 1 or args.browsers < 1 or args.duration <= 0:
        raise SystemExit("--sessions and --browsers must be >= 1, --duration > 0")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("no system Chromium (apt-get install chromium); this benchmark never downloads a browser")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        raise SystemExit("the playwright package is not installed (pip install -e '.[test]')") from None
    import streamlit

    from bench import dashboard as dash  # its dashboard_server, example_store and Chromium flags
    out = args.out.resolve()
    work = out / "load"
    work.mkdir(parents=True, exist_ok=True)
    la_before = loadavg()
    if args.store:
        store, label, source = args.store.resolve(), args.store.name, "--store"
    elif args.people:
        from bench import analysis

        folder = analysis.ensure_data(out, args.people, args.seed, args.as_of)
        store, info = analysis.ensure_sqlite(out, folder)
        label, source = f"sqlite-{args.people}", f"bench.analysis's store {store.name}"
    else:
        log("loading the example story (relmap demo --no-dashboard) ...")
        store, label, source = dash.example_store(work), "example", "relmap demo --no-dashboard"
    from graph.store import SQLiteStore

    with SQLiteStore(store, create=False) as s:
        counts = s.counts()
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    chromium = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python "
                   f"{platform.python_version()}, Streamlit {streamlit.__version__}, {chromium}",
        "command": " ".join(["python -m bench.dashboard_load"] + (sys.argv[1:] if argv is None else argv)),
        "store": str(store), "store_label": label, "store_source": source, "counts": counts,
        "sessions": args.sessions, "browsers": args.browsers, "duration_s": args.duration,
        "page_timeout_s": args.page_timeout, "min_rounds": args.min_rounds, "loadavg_before": la_before,
    }
    log(f"starting relmap dashboard on {store} ...")
    t = time.perf_counter()
    with dash.dashboard_server(store) as url:
        results["server_start_s"] = round(time.perf_counter() - t, 1)
        results["run"] = asyncio.run(drive(url, exe, args, list(dash.CHROMIUM_ARGS)))
    results["summary"] = summarise(results["run"])
    path = args.json or work / f"dashboard-{label}-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(report(results))
    print(f"(every number: {path})", flush=True)
    return 1 if results["summary"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
