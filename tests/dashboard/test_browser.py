"""The dashboard in a real browser: every page, the drawings, the password, escaping.

Headless system Chromium (see ``tests/dashboard/browser.py``) against real
``relmap dashboard`` servers: one on the example story in an embedded store,
one on the example story in Neo4j (Cypher console), one behind a password and
one on a folder whose names are HTML. Screenshots of every page go to
``tests/screenshots/`` (git-ignored).

Skips without Chromium unless ``RELMAP_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.browser import (
    AS_OF,
    PAGES,
    TIMEOUT_MS,
    VIEWPORT,
    Dashboard,
    chromium_executable,
    choose,
    drawing_geometry,
    exceptions,
    expect_title,
    grid_rows,
    iframe_frame,
    inside,
    launch_browser,
    nav_titles,
    open_page,
    relmap,
    screenshot,
    selected,
    set_as_of,
    start_dashboard,
    wait_drawn,
    wait_for_app,
)
from tests.helpers import BASE, write_folder

pytestmark = pytest.mark.browser

PLANTED = "Aisha Khan → Jonas Becker → Viktor Lindqvist"
XSS_PERSON = '<img src=x onerror="window.__xss=1">'
XSS_ORG = "<script>window.__xss=2</script>"
#: Names reach st.markdown too: neither link may become one.
MD_LINK = "[Ivy](javascript:window.__xss=3) [site](https://example.invalid/phish)"


# -- fixtures ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_executable()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_browser(pw, chromium)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def context(browser: Any) -> Iterator[Any]:
    """One browser context for the module: its HTTP cache keeps Streamlit's scripts between tests."""
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A new page (so a new Streamlit session); JavaScript errors of the page and its frames are collected."""
    p = context.new_page()
    p.js_errors = []
    p.on("pageerror", lambda exc: p.js_errors.append(str(exc)))
    try:
        yield p
    finally:
        p.close()


@pytest.fixture(scope="module")
def demo_store(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    store = str(tmp_path_factory.mktemp("browser") / "demo-store")
    relmap("demo", "--no-dashboard", "--store", store)
    return store


TITLES = [title for _, title in PAGES.values()]


def warm(browser: Any, server: Dashboard) -> None:
    """Run the app's entry page once, so that st.navigation has been called in this server.

    Were the pages in ``dashboard/pages/``, Streamlit would serve them by file name until then, bypassing
    ``app.py``: :func:`test_a_deep_link_on_a_fresh_server_runs_through_the_app`
    checks that on its own server; warming keeps the other tests independent of order.
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        open_page(context.new_page(), server.url, "")
    finally:
        context.close()


@pytest.fixture(scope="module")
def demo(demo_store: str, browser: Any) -> Iterator[Dashboard]:
    """The dashboard on the example story (embedded store)."""
    server = start_dashboard(demo_store)
    try:
        warm(browser, server)
        yield server
    finally:
        server.stop()


@pytest.fixture
def fresh(demo_store: str) -> Iterator[Dashboard]:
    """A dashboard nobody has visited yet."""
    server = start_dashboard(demo_store)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def neo4j_demo(browser: Any, neo4j_server: Any) -> Iterator[tuple[Dashboard, Any]]:
    """The dashboard on the example story loaded into the test Neo4j."""
    relmap("demo", "--no-dashboard", "--store", neo4j_server.uri, env=neo4j_server.env())
    server = start_dashboard(neo4j_server.uri, neo4j_server.env())
    try:
        warm(browser, server)
        yield server, neo4j_server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def locked(demo_store: str) -> Iterator[Dashboard]:
    """The example story behind RELMAP_DASHBOARD_PASSWORD=s3cret."""
    server = start_dashboard(demo_store, {"RELMAP_DASHBOARD_PASSWORD": "s3cret"})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def hostile(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """A store where a contact's and an account's names are HTML that would run script,
    and another contact's name is Markdown links."""
    files: dict[str, str | bytes | None] = dict(BASE)
    quoted = '"' + XSS_PERSON.replace('"', '""') + '"'
    files["people.csv"] = (BASE["people.csv"].replace("P4,Carl Chen,", f"P4,{quoted},")
                           .replace("P5,Ivy User,", f"P5,{MD_LINK},"))
    files["organisations.csv"] = BASE["organisations.csv"].replace("O-A,Acme Telecom,", f"O-A,{XSS_ORG},")
    assert files["people.csv"] != BASE["people.csv"] and files["organisations.csv"] != BASE["organisations.csv"]
    root = tmp_path_factory.mktemp("hostile")
    folder = write_folder(root / "data", files)
    store = str(root / "store")
    relmap("ingest", str(folder), "--store", store)
    server = start_dashboard(store)
    try:
        warm(browser, server)
        yield server
    finally:
        server.stop()


def visit(page: Any, server: Dashboard, name: str) -> None:
    """Open a page of ``server`` at the story's as-of date and check it ran cleanly."""
    path, title = PAGES[name]
    open_page(page, server.url, path)
    expect_title(page, title)
    assert nav_titles(page) == TITLES, f"/{path} did not run through dashboard/app.py"
    set_as_of(page, AS_OF)
    assert not exceptions(page), f"{name}: {exceptions(page)}"


def search(page: Any, label: str, text: str) -> None:
    """Type ``text`` into the search box ``label`` and press Enter, as a user does."""
    box = page.get_by_label(label)
    box.fill(text)
    box.press("Enter")
    wait_for_app(page)


# -- every page --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["network", "stages", "cypher", "data", "introductions", "risk"])
def test_every_page_loads_by_url(page: Any, demo: Dashboard, name: str) -> None:
    path, title = PAGES[name]
    open_page(page, demo.url, path)
    expect_title(page, title)
    assert page.url.rstrip("/") == f"{demo.url}/{path}".rstrip("/")
    assert not exceptions(page), exceptions(page)
    assert nav_titles(page) == TITLES
    if name == "network":
        wait_drawn(page)
    if name == "stages":
        page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for()
    if name in ("cypher", "data"):  # the others are taken with their results shown, below
        screenshot(page, name)
    assert not page.js_errors, page.js_errors


def test_a_deep_link_on_a_fresh_server_runs_through_the_app(page: Any, fresh: Dashboard) -> None:
    """The first visitor of a fresh server opens /risk: the page must still run inside app.py.

    Until app.py has called st.navigation, Streamlit serves the files of a
    ``pages/`` folder next to it by name (the old multipage mode): no sidebar
    date, no navigation titles, and no password gate. The pages live in
    ``dashboard/views/`` for that reason; this keeps it so.
    """
    open_page(page, fresh.url, "risk")
    expect_title(page, "Handover risk")
    assert nav_titles(page) == TITLES, f"/risk ran outside app.py (sidebar: {nav_titles(page)})"
    assert page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]').count() == 1


def test_sidebar_links_reach_every_page(page: Any, demo: Dashboard) -> None:
    open_page(page, demo.url, "")
    assert nav_titles(page) == TITLES
    for name, (path, title) in PAGES.items():
        page.locator('[data-testid="stSidebarNav"] a', has_text=title).click()
        page.wait_for_url(f"{demo.url}/{path}")
        expect_title(page, title)
        wait_for_app(page)
        assert not exceptions(page), f"{name}: {exceptions(page)}"


# -- the chrome ---------------------------------------------------------------------------------------------
def test_no_deploy_button_or_developer_menu_and_icons_that_ship(page: Any, demo: Dashboard) -> None:
    """The header holds only the viewer's menu; the sidebar's icons are Material Symbols (the font
    Streamlit bundles), not emoji that a machine without an emoji font shows as boxes."""
    visit(page, demo, "network")
    assert page.get_by_role("button", name="Deploy").count() == 0
    assert page.get_by_text("Deploy", exact=True).count() == 0
    page.locator('[data-testid="stMainMenuButton"]').click()
    menu = page.get_by_role("menu")
    menu.wait_for()
    shown = menu.inner_text()
    assert "Print" in shown
    for developer in ("Rerun", "Clear cache", "Deploy", "Developer"):
        assert developer not in shown, shown
    page.keyboard.press("Escape")
    icons = page.locator('[data-testid="stSidebarNav"] a [data-testid="stIconMaterial"]')
    assert icons.count() == len(TITLES) == 6
    assert page.locator('[data-testid="stSidebarNav"] a').evaluate_all(
        "links => links.every(a => a.querySelector('[data-testid=stIconMaterial]') !== null)")
    font = icons.first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "Material Symbols" in font, font
    assert page.evaluate("() => document.fonts.check('24px \"Material Symbols Rounded\"', 'hub')")


# -- Network -----------------------------------------------------------------------------------------------
def _org_colours(frame: Any) -> dict[str, set[str]]:
    """Each organisation drawn (by id) and the fill colours its people have."""
    found: dict[str, set[str]] = {}
    for node in frame.evaluate("() => relmapNetwork.body.data.nodes.get()"):
        found.setdefault(node["org"], set()).add(node["color"]["background"])
    return found


def test_network_draws_the_team_map(page: Any, demo: Dashboard) -> None:
    visit(page, demo, "network")
    page.get_by_text("Ties around our reps and everyone they know").wait_for()
    frame, nodes = wait_drawn(page)
    assert nodes > 10
    assert frame.evaluate("() => relmapNetwork.body.data.nodes.length") == nodes
    assert frame.locator(".relmap-legend").inner_text().count("Northwind Systems") == 1
    # every legend entry lies inside the frame (none cut off below the drawing), and so does everyone drawn
    geometry = drawing_geometry(frame)
    width, height = geometry["width"], geometry["height"]
    texts = [item["text"] for item in geometry["items"]]
    outside = [item["text"] for item in geometry["items"] if not inside(item, width, height)]
    assert not outside, f"legend entries outside the {width}x{height} frame: {outside}"
    assert inside(geometry["area"], width, height)
    assert not [n["id"] for n in geometry["nodes"] if not inside(n, width, height, slack=2)]
    for key in ("rep", "decision maker", "everyone else", "personal tie", "business tie"):
        assert any(t.endswith(key) for t in texts), (key, texts)
    for org in ("Bluefin Foods", "Lakeside University Alumni Network", "Summit Integrators", "Astra Logistics",
                "Kestrel Bank", "Telco Meridian"):
        assert org in texts, (org, texts)
    # every organisation drawn in a colour of its own, the legend's swatch that colour
    colours = _org_colours(frame)
    assert all(len(c) == 1 for c in colours.values()), colours
    fills = [next(iter(c)) for c in colours.values()]
    assert len(fills) == len(set(fills)) >= 9, colours
    swatch = {item["text"]: item["colour"] for item in geometry["items"] if item["colour"]}
    assert len({swatch[t] for t in ("Astra Logistics", "Kestrel Bank", "Telco Meridian", "Summit Integrators")}) == 4
    screenshot(page, "network")
    assert not page.js_errors, page.js_errors


def test_network_draws_an_accounts_connectors(page: Any, demo: Dashboard) -> None:
    """An account's connectors between our reps (left) and its people (right), and their table."""
    visit(page, demo, "network")
    page.get_by_text("A person or an account").click()
    wait_for_app(page)
    search(page, "Person or account", "Kestrel")
    assert selected(page, "Matches").startswith("Kestrel Bank (O-KESTREL)")
    page.get_by_text("Its connectors").click()
    wait_for_app(page)
    page.get_by_text("Who outside our team carries our access into Kestrel Bank").wait_for()
    frame, nodes = wait_drawn(page)
    drawn = {n["id"]: n for n in frame.evaluate("() => relmapNetwork.body.data.nodes.get()")}
    reps, middle, contacts = {"P-004"}, {"P-081", "P-043", "P-044"}, {"P-040", "P-044", "P-045"}
    assert set(drawn) == reps | middle | contacts and nodes == len(drawn), sorted(drawn)
    # three columns: reps, then connectors, then the people they reach (Yuki Mori is both: drawn once)
    xs = {n: drawn[n]["x"] for n in drawn}
    assert xs["P-004"] < xs["P-081"] == xs["P-043"] < xs["P-040"] == xs["P-045"]
    assert all(drawn[n]["focus"] for n in middle)
    geometry = drawing_geometry(frame)
    width, height = geometry["width"], geometry["height"]
    assert not [n["id"] for n in geometry["nodes"] if not inside(n, width, height, slack=2)]
    assert all(inside(item, width, height) for item in geometry["items"])
    rows = grid_rows(page, 0, until=lambda rows: len(rows) == 3)
    assert [row[:3] for row in rows] == [["Rafael Costa", "P-081", "Riverside Tennis Club"],
                                        ["Ethan Brooks", "P-043", "Kestrel Bank"],
                                        ["Yuki Mori", "P-044", "Kestrel Bank"]], rows
    assert rows[0][3:] == ["1.986", "Liam O'Brien", "Nadia Haddad 0.66"], rows[0]
    assert not exceptions(page), exceptions(page)
    screenshot(page, "network-connectors")
    assert not page.js_errors, page.js_errors


# -- Introductions -----------------------------------------------------------------------------------------
def test_introductions_find_the_planted_path(page: Any, demo: Dashboard) -> None:
    visit(page, demo, "introductions")
    search(page, "Who do you want to reach?", "Viktor")
    assert selected(page, "Matches").startswith("Viktor Lindqvist (P-010)")
    # from any rep, Daniel's own friendship comes first; the planted path is among the rest
    page.get_by_text("1. Daniel Reyes → Viktor Lindqvist").wait_for()
    assert page.get_by_text(PLANTED).count() >= 1
    choose(page, "Starting from", "Aisha Khan")
    page.get_by_text(f"1. {PLANTED}").wait_for()
    assert not exceptions(page), exceptions(page)
    frame, nodes = wait_drawn(page)
    assert nodes >= 3
    # the k paths (3 by default), each in its own colour, with a key
    assert page.get_by_text(re.compile(r"^\d+\. Aisha Khan → ")).count() == 3
    colours: dict[int, set[str]] = {}
    for edge in frame.evaluate("() => relmapNetwork.body.data.edges.get().filter(e => e.onPath)"):
        colours.setdefault(edge["path"], set()).add(edge["color"])
    assert sorted(colours) == [0, 1, 2] and all(len(c) == 1 for c in colours.values()), colours
    assert len({next(iter(c)) for c in colours.values()}) == 3
    geometry = drawing_geometry(frame)
    keys = {item["text"]: item["colour"] for item in geometry["items"] if item["text"].startswith("path")}
    assert list(keys) == ["path 1", "path 2", "path 3"] and len(set(keys.values())) == 3
    # the drawing is centred in its frame, and everyone and every legend entry is inside it
    width, height = geometry["width"], geometry["height"]
    assert all(inside(n, width, height, slack=2) for n in geometry["nodes"])
    assert all(inside(item, width, height) for item in geometry["items"])
    area = geometry["area"]
    left, right = min(n["left"] for n in geometry["nodes"]), max(n["right"] for n in geometry["nodes"])
    top, bottom = min(n["top"] for n in geometry["nodes"]), max(n["bottom"] for n in geometry["nodes"])
    assert abs((left + right) / 2 - (area["left"] + area["right"]) / 2) < 0.05 * (area["right"] - area["left"])
    assert abs((top + bottom) / 2 - (area["top"] + area["bottom"]) / 2) < 0.05 * (area["bottom"] - area["top"])
    # mutual contacts are labelled with the two people's names
    page.get_by_text("Mutual contacts").wait_for()
    header = page.locator('[data-testid="stDataFrame"]').first.locator('[role="columnheader"]').all_inner_texts()
    assert "tie with Aisha Khan" in " ".join(header) and "tie with Viktor Lindqvist" in " ".join(header), header
    assert "strength_a" not in " ".join(header)
    screenshot(page, "introductions")
    assert not page.js_errors, page.js_errors


# -- Handover risk -----------------------------------------------------------------------------------------
def test_handover_risk_and_the_what_if(page: Any, demo: Dashboard) -> None:
    visit(page, demo, "risk")
    rows = grid_rows(page, 0)
    assert rows[0][:3] == ["high", "Telco Meridian", "O-TELCO"], rows[:2]
    choose(page, "Rep", "Daniel Reyes")
    warning = page.get_by_text(re.compile(r"If Daniel Reyes left, \d+ contacts? would have no strong tie left"))
    warning.wait_for()
    orphans = int(re.search(r"(\d+) contact", warning.inner_text()).group(1))  # type: ignore[union-attr]
    assert orphans >= 1
    orphan_rows = grid_rows(page, 1, until=lambda rows: len(rows) == orphans)
    assert len(orphan_rows) == orphans, orphan_rows
    assert any("Viktor Lindqvist" in cell for row in orphan_rows for cell in row)
    button = page.locator('[data-testid="stDownloadButton"]', has_text="Download the handover plan")
    button.wait_for()
    with page.expect_download() as info:
        button.locator("button").click()
    download = info.value
    assert download.suggested_filename == "handover-P-002.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "Viktor Lindqvist" in text or "P-010" in text
    assert not exceptions(page), exceptions(page)
    screenshot(page, "risk")


# -- Relationship stages -----------------------------------------------------------------------------------
def test_stages_chart_and_metrics(page: Any, demo: Dashboard) -> None:
    visit(page, demo, "stages")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("canvas, svg").first.wait_for()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200
    metrics = {}
    for m in page.locator('[data-testid="stMetric"]').all():
        label = m.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        metrics[label] = int(m.locator('[data-testid="stMetricValue"]').inner_text().strip())
    assert set(metrics) == {"Outsider", "Friend", "Supplier", "Partner"}, metrics
    assert all(n >= 1 for n in metrics.values()), metrics  # the story has one account of each stage at least


def test_stages_table_shows_names(page: Any, demo: Dashboard) -> None:
    """The rep-contact table names the rep and the contact (their ids after); the overview's
    "pick the account below" is true: the picker is below it."""
    visit(page, demo, "stages")
    overview = grid_rows(page, 0)
    assert any("(pick the account below to work out a warm introduction)" in cell for row in overview for cell in row)
    assert not any(cell == "None" for row in overview for cell in row)
    table = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Account").first.bounding_box()
    assert table is not None and picker is not None and picker["y"] > table["y"] + table["height"] - 1
    choose(page, "Account", "Astra Logistics")
    rows = grid_rows(page, 1, until=lambda rows: len(rows) == 10)
    assert len(rows) == 10, rows
    assert {row[0] for row in rows} == {"Liam O'Brien", "Zoë Müller"}
    assert "Isabella Rossi" in {row[1] for row in rows}
    assert {row[-2] for row in rows} == {"P-004", "P-005"}
    assert not any(cell in ("None", "") for row in rows for cell in row[3:7])
    assert page.get_by_text("weak hand: none").count() == 1
    screenshot(page, "stages")
    assert not exceptions(page), exceptions(page)


# -- Cypher ------------------------------------------------------------------------------------------------
def test_cypher_on_the_embedded_store_explains_neo4j(page: Any, demo: Dashboard) -> None:
    visit(page, demo, "cypher")
    info = page.locator('[data-testid="stAlert"]', has_text="Cypher needs a Neo4j store")
    info.wait_for()
    assert "neo4j_local.py start" in info.inner_text()
    assert page.get_by_role("button", name="Run").count() == 0


def _run_query(page: Any, query: str) -> None:
    area = page.get_by_label("Query")
    area.fill(query)
    area.press("Control+Enter")  # commit the text area
    wait_for_app(page)
    page.get_by_role("button", name="Run").click()
    wait_for_app(page)


@pytest.mark.neo4j
def test_cypher_on_neo4j_runs_the_cookbook_and_refuses_writes(page: Any, neo4j_demo: tuple[Dashboard, Any]) -> None:
    server, neo4j = neo4j_demo
    visit(page, server, "cypher")
    page.get_by_text("Read-only: queries that would change data are refused.").wait_for()
    # a cookbook click sets the parameters too: Streamlit must not warn about the cypher_params key
    page.get_by_role("button", name="Who at our company knows someone at this account?").click()
    wait_for_app(page)
    assert "O-TELCO" in page.get_by_label("Parameters (JSON)").input_value()
    page.get_by_role("button", name="Accounts by number of covering reps (fewest first)").click()
    wait_for_app(page)
    assert "COVERS" in page.get_by_label("Query").input_value()
    assert page.get_by_label("Parameters (JSON)").input_value() == "{}"
    page.get_by_role("button", name="Run").click()
    wait_for_app(page)
    success = page.locator('[data-testid="stAlert"]', has_text=re.compile(r"^\d+ rows?$"))
    success.wait_for()
    n = int(success.inner_text().split()[0])
    assert n >= 5
    rows = grid_rows(page, 0, until=lambda rows: len(rows) == n)
    assert len(rows) == n
    assert any("Quarry Point Mining" in cell for row in rows for cell in row)
    assert "cypher_params" not in server.output(), server.output()[-2000:]

    # friendships (KNOWS) drawn as personal ties, and nobody cut off at the bottom
    _run_query(page, "MATCH p = (:Person {id: 'P-003'})-[:KNOWS]-(:Person) RETURN p")
    frame, nodes = wait_drawn(page)
    assert nodes >= 4
    edges = frame.evaluate("() => relmapNetwork.body.data.edges.get()")
    assert edges and all(e["kind"] == "personal" and e["dashes"] is False for e in edges), edges
    geometry = drawing_geometry(frame)
    width, height = geometry["width"], geometry["height"]
    assert not [n["id"] for n in geometry["nodes"] if not inside(n, width, height, slack=2)]
    assert all(inside(item, width, height) for item in geometry["items"])
    screenshot(page, "cypher-neo4j")

    _run_query(page, "CREATE (n:Person {id: 'X'}) RETURN n")
    refused = page.locator('[data-testid="stAlert"]', has_text="Refused")
    refused.wait_for()
    assert "`" not in refused.inner_text(), refused.inner_text()  # no stray backticks: the command is code
    assert refused.locator("code").all_inner_texts() == ["relmap ingest"]
    assert not exceptions(page), exceptions(page)
    screenshot(page, "cypher-neo4j-refused")

    _run_query(page, "MATCH (p:Person {id: 'X'}) RETURN count(p) AS n")
    page.locator('[data-testid="stAlert"]', has_text="1 row").wait_for()
    assert grid_rows(page, 0, until=lambda rows: rows == [["0"]]) == [["0"]]

    from graph.store.neo4j import Neo4jStore

    with Neo4jStore.connect(neo4j.uri, user=neo4j.user, password=neo4j.password) as store, store.reader() as r:
        assert r.people(ids=["X"]) == []
        assert store.counts()["people"] == 50


# -- the shared password -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PAGES))
def test_password_guards_every_page(page: Any, locked: Dashboard, name: str) -> None:
    path, title = PAGES[name]
    open_page(page, locked.url, path)
    page.locator("h1").first.wait_for()
    shown = page.locator("h1").all_inner_texts()
    assert shown == ["relmap"], f"/{path} shows {shown} without the password"
    page.locator('input[type="password"]').wait_for(timeout=10_000)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.locator('iframe[title="st.iframe"], [data-testid="stDataFrame"], [data-testid="stMetric"]').count() == 0
    if name == "network":
        screenshot(page, "password")


def test_password_wrong_then_right(page: Any, locked: Dashboard) -> None:
    open_page(page, locked.url, "")
    field = page.locator('input[type="password"]')
    field.fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    wait_for_app(page)
    page.get_by_text("Wrong password.").wait_for()
    assert page.locator("h1").all_inner_texts() == ["relmap"]
    field = page.locator('input[type="password"]')
    field.fill("s3cret")
    page.get_by_role("button", name="Sign in").click()
    wait_for_app(page)
    expect_title(page, "Network")
    assert page.locator('input[type="password"]').count() == 0
    assert not exceptions(page), exceptions(page)
    wait_drawn(page)


# -- escaping ----------------------------------------------------------------------------------------------
def _no_script_ran(page: Any) -> None:
    for frame in page.frames:
        assert frame.evaluate("() => typeof window.__xss") == "undefined", f"script ran in {frame.url}"


def test_html_in_names_is_shown_as_text(page: Any, hostile: Dashboard) -> None:
    visit(page, hostile, "network")
    frame, nodes = wait_drawn(page)
    labels = frame.evaluate("() => relmapNetwork.body.data.nodes.get().map(n => n.label)")
    assert XSS_PERSON in labels
    assert XSS_ORG in frame.locator(".relmap-legend").inner_text()
    choose(page, "Ties of", "P4")
    assert XSS_PERSON in selected(page, "Ties of")
    page.wait_for_timeout(500)
    _no_script_ran(page)
    assert not exceptions(page), exceptions(page)

    visit(page, hostile, "introductions")
    search(page, "Who do you want to reach?", "P4")
    assert XSS_PERSON in selected(page, "Matches")
    assert XSS_ORG in selected(page, "Matches")
    _, nodes = wait_drawn(page)
    assert nodes >= 2
    page.get_by_text("Who on the team knows them").wait_for()
    assert page.get_by_text(f"1. Rita Rep → {XSS_PERSON}").count() == 1
    for link in page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert not link.strip().lower().startswith("javascript:"), link
    page.wait_for_timeout(500)
    _no_script_ran(page)
    assert not exceptions(page), exceptions(page)
    screenshot(page, "escaping")


def test_markdown_in_names_is_shown_as_typed(page: Any, hostile: Dashboard) -> None:
    """A contact named like a Markdown link shows that text, and no link to anywhere appears."""
    visit(page, hostile, "introductions")
    search(page, "Who do you want to reach?", "P4")
    page.get_by_text("Who on the team knows them").wait_for()
    links = page.locator('[data-testid="stMain"] a[href*="example.invalid"]').count()
    assert links == 0, f"a contact's name became {links} link(s) to example.invalid in the path text"
    assert page.get_by_text(MD_LINK).count() >= 1, "the name is not shown as typed"
