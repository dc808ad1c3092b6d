"""Helpers for the dashboard's browser tests: a dashboard server, headless Chromium, Streamlit waits.

The browser is Debian's ``chromium`` (never a downloaded one), driven by the
sync Playwright API. When it is missing the browser tests skip, unless
``RELMAP_REQUIRE_BROWSER=1`` (CI sets it): then they fail.

A dashboard is ``python -m relmap dashboard --store S --port P --address
127.0.0.1`` in its own process group (``relmap dashboard`` runs Streamlit as a
child process, so the whole group is stopped at the end), ready when
``/_stcore/health`` answers ``ok``.

Streamlit marks its root element with the script's state
(``[data-testid="stApp"][data-test-script-state]``: ``running``,
``rerunRequested`` or ``notRunning``); :func:`wait_for_app` waits until a run
has finished and nothing is stale. Every wait is bounded (:data:`TIMEOUT_MS`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"

#: Every wait in a browser test: generous, but bounded.
TIMEOUT_MS = 30_000
#: How long a dashboard may take to answer its health check.
STARTUP_S = 60.0
#: The date the example story is written for (the sidebar's "As of" is set to it).
AS_OF = "2026-11-26"
VIEWPORT = {"width": 1400, "height": 1000}

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]

#: Where Streamlit serves each page (st.Page infers it from the file name; the default page is "/").
PAGES = {
    "network": ("", "Network"),
    "introductions": ("introductions", "Introductions"),
    "risk": ("risk", "Handover risk"),
    "stages": ("stages", "Relationship stages"),
    "cypher": ("cypher", "Cypher"),
    "data": ("data", "Data"),
}

REQUIRE_ENV = "RELMAP_REQUIRE_BROWSER"


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_ENV}=1", pytrace=False)
    pytest.skip(reason)


def chromium_executable() -> str:
    """The system Chromium (``chromium``, else ``chromium-browser``); skip or fail without it."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    return str(exe)


def launch_browser(playwright: Any, executable: str) -> Any:
    """Headless system Chromium with the flags the browser tests use."""
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def relmap(*args: str, env: Mapping[str, str] | None = None, timeout: float = 300) -> str:
    """Run ``python -m relmap ARGS`` and return its output; fail the test with it if it fails."""
    proc = subprocess.run([sys.executable, "-m", "relmap", *args], cwd=ROOT, env=_env(env), capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        pytest.fail(f"relmap {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    return proc.stdout


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("RELMAP_DASHBOARD_PASSWORD", "RELMAP_STORE", "RELMAP_CONFIG"):
        env.pop(name, None)  # only what the test asks for
    env.update(extra or {})
    return env


class Dashboard:
    """``relmap dashboard`` on a store, in its own process group, until :meth:`stop`."""

    def __init__(self, store: str, env: Mapping[str, str] | None = None) -> None:
        self.store = store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.NamedTemporaryFile(prefix="relmap-dashboard-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "relmap", "dashboard", "--store", store, "--port", str(self.port),
             "--address", "127.0.0.1"],
            cwd=ROOT, env=_env(env), stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        self._log.flush()
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = STARTUP_S) -> None:
        """Until ``/_stcore/health`` answers ``ok``; else stop and fail with the server's output."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                pytest.fail(f"the dashboard exited with {self.proc.returncode}:\n{self.output()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    body = r.read().decode("utf-8", "replace").strip()
                    if r.status == 200 and body == "ok":
                        return
                    last = f"{r.status} {body!r}"
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.25)
        self.stop()
        pytest.fail(f"the dashboard on {self.url} was not healthy within {timeout:.0f} s ({last}):\n{self.output()}",
                    pytrace=False)

    def stop(self) -> None:
        """Terminate the process group (relmap and its Streamlit child), then kill what is left."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the Streamlit child, if it outlived its parent
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(timeout=10)
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)


def start_dashboard(store: str, env: Mapping[str, str] | None = None) -> Dashboard:
    server = Dashboard(store, env)
    server.wait_ready()
    return server


# -- Streamlit in the browser ---------------------------------------------------------------------------
APP = '[data-testid="stApp"]'


#: Streamlit has finished the script run and nothing on the page is stale (a JS predicate;
#: bench/dashboard_load.py waits on it too).
APP_READY = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null
        && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('[data-stale="true"]') === null
        && document.querySelector('[data-testid="stStatusWidget"] button') === null;
}"""


def wait_for_app(page: Any, settle_ms: int = 150) -> None:
    """Until the script run has finished: connected, ``notRunning``, nothing stale.

    ``settle_ms`` first lets an interaction's rerun request reach the app.
    """
    page.wait_for_timeout(settle_ms)
    page.wait_for_function(APP_READY, timeout=TIMEOUT_MS)


def open_page(page: Any, base_url: str, path: str) -> None:
    """Load ``base_url/path`` (a new Streamlit session) and wait for its first run."""
    page.goto(f"{base_url}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector(APP, state="attached", timeout=TIMEOUT_MS)
    wait_for_app(page)


def expect_title(page: Any, title: str) -> None:
    page.locator("h1", has_text=title).first.wait_for(timeout=TIMEOUT_MS)


def nav_titles(page: Any) -> list[str]:
    """The page titles in the sidebar's navigation, in order (icons left out)."""
    return [t.strip().splitlines()[-1].strip() if t.strip() else ""
            for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def exceptions(page: Any) -> list[str]:
    """Streamlit exception boxes and tracebacks shown on the page (empty when there are none)."""
    found = page.locator('[data-testid="stException"]').all_inner_texts()
    body = page.locator(APP).inner_text()
    if "Traceback (most recent call last)" in body:
        found.append(body)
    return found


def set_as_of(page: Any, when: str = AS_OF) -> None:
    """Type ``when`` (YYYY-MM-DD) into the sidebar's "As of" date and wait for the rerun."""
    segments = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] [role="spinbutton"]')
    try:
        segments.nth(2).wait_for(timeout=10_000)
    except Exception as exc:  # noqa: BLE001 - reported with what the sidebar shows
        raise AssertionError(f"the sidebar has no 'As of' date (nav: {nav_titles(page)}): "
                             "did the page run through dashboard/app.py?") from exc
    year, month, day = (int(x) for x in when.split("-"))
    current = [segments.nth(i).get_attribute("aria-valuenow") for i in range(3)]
    if current == [str(year), str(month), str(day)]:
        return
    segments.first.click()
    page.keyboard.type(f"{year:04d}{month:02d}{day:02d}")
    page.locator("h1").first.click()  # the date is committed on blur
    wait_for_app(page)
    current = [segments.nth(i).get_attribute("aria-valuenow") for i in range(3)]
    assert current == [str(year), str(month), str(day)], f"As of shows {current}, not {when}"


def selectbox(page: Any, label: str) -> Any:
    """The Streamlit select box with this label."""
    return page.locator('[data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label)).first


def selected(page: Any, label: str) -> str:
    """The text of the option chosen in the select box ``label``."""
    return str(selectbox(page, label).locator('input[role="combobox"]').input_value())


def choose(page: Any, label: str, option: str) -> None:
    """Pick the option containing ``option`` in the select box ``label`` and wait for the rerun."""
    box = selectbox(page, label)
    options = page.locator('[role="option"]', has_text=option)
    for _ in range(3):  # a rerun that lands just after the click closes the list again: open it anew
        box.locator('button[aria-label="Open"]').click()
        try:
            options.first.wait_for(timeout=TIMEOUT_MS // 3)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; the last try raises below
            wait_for_app(page)
    options.first.click()
    wait_for_app(page)
    assert option in selected(page, label), f"{label}: {selected(page, label)!r}, not {option!r}"


def iframe_frame(page: Any, index: int = 0) -> Any:
    """The Frame of the ``index``-th ``st.iframe`` on the page."""
    handle = page.locator('iframe[title="st.iframe"]').nth(index).element_handle(timeout=TIMEOUT_MS)
    frame = handle.content_frame()
    assert frame is not None, "the st.iframe has no frame"
    return frame


def wait_drawn(page: Any, index: int = 0) -> tuple[Any, int]:
    """Wait until the vis-network drawing in the ``index``-th iframe has drawn; its frame and node count."""
    frame = iframe_frame(page, index)
    frame.wait_for_function("() => window.relmapDrawn === true", timeout=TIMEOUT_MS)
    count = frame.evaluate("() => window.relmapNodeCount")
    attr = frame.locator("#relmap-network").get_attribute("data-relmap-nodes")
    assert attr == str(count), f"data-relmap-nodes={attr!r} but window.relmapNodeCount={count!r}"
    return frame, int(count)


#: Where the drawing's people and legend entries are, in the frame's own pixels, once the view has
#: settled: the frame's size, the drawing's box, each person's box (shape and name) and each
#: legend entry's box with its text and swatch colour.
_GEOMETRY = """() => {
    const net = window.relmapNetwork;
    const area = document.getElementById('relmap-network').getBoundingClientRect();
    const box = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
    const nodes = net.body.data.nodes.getIds().map(id => {
        const b = net.getBoundingBox(id);
        const a = net.canvasToDOM({x: b.left, y: b.top}), z = net.canvasToDOM({x: b.right, y: b.bottom});
        return {id: String(id), left: area.left + a.x, top: area.top + a.y, right: area.left + z.x,
                bottom: area.top + z.y};
    });
    const items = Array.from(document.querySelectorAll('.relmap-legend .relmap-item'), e => {
        const swatch = e.querySelector('i, b');
        const colour = swatch === null ? null : (swatch.tagName === 'I' ? getComputedStyle(swatch).backgroundColor
                                                                          : getComputedStyle(swatch).borderTopColor);
        return Object.assign(box(e.getBoundingClientRect()), {text: e.textContent, colour: colour});
    });
    return {width: window.innerWidth, height: window.innerHeight, area: box(area), nodes: nodes, items: items};
}"""


def drawing_geometry(frame: Any) -> dict[str, Any]:
    """The drawing in ``frame`` once its view has settled (see :data:`_GEOMETRY`)."""
    frame.wait_for_function("() => window.relmapSettled === true", timeout=TIMEOUT_MS)
    frame.wait_for_timeout(300)  # the fit after the last resize
    geometry: dict[str, Any] = frame.evaluate(_GEOMETRY)
    return geometry


def inside(box: dict[str, float], width: float, height: float, slack: float = 1.0) -> bool:
    """Whether ``box`` lies within ``(0, 0, width, height)`` (give or take ``slack`` px)."""
    return (box["left"] >= -slack and box["top"] >= -slack and box["right"] <= width + slack
            and box["bottom"] <= height + slack)


def grid_rows(page: Any, index: int = 0, until: Callable[[list[list[str]]], bool] | None = None
              ) -> list[list[str]]:
    """The body rows of the ``index``-th ``st.dataframe`` (its accessible grid), as text.

    The grid is drawn on a canvas and its accessible copy can lag a rerun by a
    frame or two: with ``until`` it is read again until ``until(rows)`` holds
    (or :data:`TIMEOUT_MS` has passed; then the last rows are returned).
    """
    grid = page.locator('[data-testid="stDataFrame"]').nth(index)
    grid.locator('[role="gridcell"]').first.wait_for(state="attached", timeout=TIMEOUT_MS)
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        rows = [cells for cells in grid.locator('[role="row"]').evaluate_all(
            "rows => rows.map(r => Array.from(r.querySelectorAll('[role=gridcell]'), c => c.textContent))")
            if cells]
        if until is None or until(rows) or time.monotonic() > deadline:
            return rows
        page.wait_for_timeout(200)


_CONTENT_HEIGHT = """() => {
    const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
    const side = document.querySelector('[data-testid="stSidebarContent"]');
    return Math.max(main.scrollHeight, side ? side.scrollHeight : 0);
}"""


def screenshot(page: Any, name: str) -> Path:
    """Save the whole page (Streamlit scrolls inside its main area) as ``tests/screenshots/NAME.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size or VIEWPORT
    tall = size["height"]
    for _ in range(5):  # grow the window until the whole page fits (content may appear as it grows)
        needed = min(max(int(page.evaluate(_CONTENT_HEIGHT)) + 40, size["height"]), 8000)
        if needed <= tall:
            break
        tall = needed
        page.set_viewport_size({"width": size["width"], "height": tall})
        page.wait_for_timeout(500)  # let the layout (and any canvas) settle at the new size
    page.screenshot(path=str(path), full_page=True)
    if tall != size["height"]:
        page.set_viewport_size(size)
    return path
