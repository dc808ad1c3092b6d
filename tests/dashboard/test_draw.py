"""The network page: offline, escaped, trimmed by relevance, laid out, encoded."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import random
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from typing import Any

import networkx as nx
import pytest

from dashboard.draw import (
    BUSINESS_EDGE_COLOR,
    ORG_PALETTE,
    OTHER_COLOR,
    OTHER_EDGE_COLOR,
    OWN_COLOR,
    PATH_COLOR,
    PATH_COLORS,
    PERSONAL_EDGE_COLOR,
    STAGE_COLORS,
    DrawResult,
    network_html,
    node_style,
    org_color,
    org_colors,
    select_nodes,
)
from graph.analysis.ties import Tie, TypeEvidence
from graph.model import Organisation, Person

XSS = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"


def tie(a: str, b: str, strength: float, personal: float = 0.0, business: float = 0.0,
        friendship: str | None = None, evidence: tuple[TypeEvidence, ...] = ()) -> Tie:
    a, b = min(a, b), max(a, b)
    return Tie(a, b, strength, personal, business, friendship, None, 0, evidence)


def add_tie(G: nx.Graph, t: Tie) -> None:
    G.add_edge(t.a, t.b, strength=t.strength, tie=t)


def random_network(n: int, m: int, seed: int = 0) -> tuple[nx.Graph, dict[str, Person], dict[str, Organisation]]:
    rng = random.Random(seed)
    orgs = {f"O{i}": Organisation(f"O{i}", f"Org {i}", "own" if i == 0 else "customer") for i in range(max(2, n // 10))}
    people = {f"P{i:04d}": Person(f"P{i:04d}", f"Person {i}", f"O{rng.randrange(len(orgs))}", title="Head of IT",
                                  role=rng.choice(["rep", "decision_maker", "user", "other"])) for i in range(n)}
    G = nx.Graph()
    G.add_nodes_from(people)
    ids = list(people)
    while G.number_of_edges() < m:
        a, b = rng.sample(ids, 2)
        s = rng.uniform(0.01, 1.0)
        p = rng.random()
        add_tie(G, tie(a, b, s, personal=s * p, business=s * (1 - p),
                       evidence=(TypeEvidence("email", "business", 3, date(2026, 1, 5), 0.4),)))
    return G, people, orgs


def page_data(page: str) -> dict[str, Any]:
    """The node/edge/options JSON of a page (must parse as strict JSON)."""
    m = re.search(r'<script type="application/json" id="relmap-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script, self._buf = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._buf)))
            self._in_script = None


def parse(page: str) -> Tags:
    t = Tags()
    t.feed(page)
    t.close()
    return t


@pytest.fixture(scope="module")
def small() -> tuple[nx.Graph, dict[str, Person], dict[str, Organisation]]:
    people = {
        "rep": Person("rep", "Rita Rep", "us", title="Account Executive", role="rep"),
        "dm": Person("dm", "Dana Decider", "acme", title="CTO", role="decision_maker"),
        "u1": Person("u1", "Uma User", "acme", role="user"),
        "u2": Person("u2", "Ulf User", "beta", role="user"),
        "x": Person("x", "Xavier", "beta"),
    }
    orgs = {"us": Organisation("us", "Our Co", "own"), "acme": Organisation("acme", "Acme", "customer"),
            "beta": Organisation("beta", "Beta", "prospect")}
    G = nx.Graph()
    add_tie(G, tie("rep", "u1", 0.9, personal=0.85, business=0.1, friendship="club"))
    add_tie(G, tie("u1", "dm", 0.6, personal=0.1, business=0.55))
    add_tie(G, tie("rep", "u2", 0.2, personal=0.05, business=0.2))
    add_tie(G, tie("u2", "x", 0.4, personal=0.4, business=0.0))
    return G, people, orgs


# --- offline -------------------------------------------------------------------------------------

def test_page_is_offline_with_vis_inlined(small: Any) -> None:
    r = network_html(*small)
    lowered = r.html.lower()
    for ref in ('src="http', "src='http", 'href="http', "href='http", "//cdn", "cdnjs", "jsdelivr", "unpkg",
                "bootstrap", "tom-select"):
        assert ref not in lowered, ref
    doc = parse(r.html)
    assert not [t for t, a in doc.tags if t == "link"], "no external stylesheets"
    assert all("src" not in attrs for attrs, _ in doc.scripts), "no external scripts"
    code = [body for attrs, body in doc.scripts if "type" not in attrs]
    assert len(code) == 2 and "@version 9.1.2" in code[0] and "vis-network" in code[0]
    assert "new vis.Network(" in code[1] and "window.relmapDrawn = true" in code[1]
    assert "relmapNodeCount" in code[1] and "data-relmap-nodes" in code[1]
    assert ".vis-tooltip" in r.html  # the vis stylesheet, inline
    # ... without the button icons the drawing never shows (207 KB of base64 images)
    assert "url(" not in r.html and "base64" not in r.html and len(r.html) < 600_000


def test_content_security_policy_allows_exactly_the_page_scripts(small: Any) -> None:
    doc = parse(network_html(*small).html)
    csp = next(a["content"] for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp and "connect-src" not in csp
    for attrs, body in doc.scripts:
        if "type" not in attrs:
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp


# --- escaping ------------------------------------------------------------------------------------

def test_user_strings_stay_inert_and_are_not_double_escaped() -> None:
    people = {"a": Person("a", "Eve " + XSS, "evil", title="Chief " + XSS, role="decision_maker"),
              "b": Person("b", "Bob", "us", role="rep")}
    orgs = {"evil": Organisation("evil", "Evil " + XSS, "customer"), "us": Organisation("us", "Us", "own")}
    G = nx.Graph()
    add_tie(G, tie("a", "b", 0.7, personal=0.6, business=0.2, friendship="friend",
                   evidence=(TypeEvidence("lunch " + XSS, "personal", 2, date(2026, 3, 1), 1.0),)))
    r = network_html(G, people, orgs, focus=["a"], highlight_paths=[["a", "b"]])
    lowered = r.html.lower()
    assert "<img" not in lowered and "onerror=alert(1)>" not in lowered
    doc = parse(r.html)
    assert len(doc.scripts) == 3  # vis, data, page: the payload's </script><script> opened nothing
    assert "alert(2)" not in "".join(body for attrs, body in doc.scripts if "type" not in attrs)
    assert not [t for t, _ in doc.tags if t == "img"]
    # The JSON carries the exact text (vis shows titles with innerText and labels on a canvas).
    data = page_data(r.html)
    node = next(n for n in data["nodes"] if n["id"] == "a")
    assert node["label"] == "Eve " + XSS
    assert node["title"].splitlines()[:3] == ["Eve " + XSS, "Chief " + XSS, "Evil " + XSS]
    assert "&lt;" not in node["title"]
    assert f"2 lunch {XSS}, last 2026-03-01" in data["edges"][0]["title"].splitlines()
    # The legend is HTML: there the organisation name is escaped.
    assert html.escape("Evil " + XSS) in r.html


def test_height_must_be_a_css_length(small: Any) -> None:
    assert "height: 80vh;" in network_html(*small, height="80vh").html
    for bad in ("640px; } body { display:none", "</style><script>", "640"):
        with pytest.raises(ValueError):
            network_html(*small, height=bad)


# --- trimming ------------------------------------------------------------------------------------

def test_a_thousand_people_show_three_hundred_with_focus_and_paths_kept() -> None:
    G, people, orgs = random_network(1000, 3000, seed=1)
    G.add_node("lonely")  # no ties at all: only focus can bring it in
    people["lonely"] = Person("lonely", "Lonely", "O1")
    G.remove_node("P0999")
    wdeg = dict(G.degree(weight="strength"))
    weakest = sorted((n for n in G if wdeg[n] > 0), key=lambda n: wdeg[n])[:3]
    path = [weakest[0], next(iter(G[weakest[0]]))]
    r = network_html(G, people, orgs, max_nodes=300, focus=["lonely", weakest[1]], highlight_paths=[path])
    assert (r.shown, r.total) == (300, 1000)
    assert r.note == "showing 300 of 1000 people, chosen by relevance"
    assert {"lonely", weakest[1], *path} <= set(r.node_ids)
    assert r.node_ids[:2] == ("lonely", weakest[1])
    data = page_data(r.html)
    assert len(data["nodes"]) == 300
    assert "showing 300 of 1000 people" in r.html  # the note is on the page too


def test_untrimmed_has_no_note(small: Any) -> None:
    r = network_html(*small)
    assert (r.shown, r.total, r.note) == (5, 5, "")


def test_relevance_is_strength_to_the_focus_then_weighted_degree() -> None:
    G = nx.Graph()
    for t in (tie("f", "a", 0.9), tie("a", "a2", 0.9), tie("f", "b", 0.3)):
        add_tie(G, t)
    for i in range(10):  # a hub with a large weighted degree, far from the focus
        add_tie(G, tie("hub", f"h{i}", 0.8))
    add_tie(G, tie("b", "hub", 0.1))
    assert select_nodes(G, focus=["f"], max_nodes=4) == ["f", "a", "a2", "b"]
    assert select_nodes(G, focus=["f"], max_nodes=5)[-1] == "hub"  # reached through b
    assert select_nodes(G, max_nodes=2)[0] == "hub"
    assert select_nodes(G, focus=["nobody"], max_nodes=1) == ["hub"]
    assert len(select_nodes(G, max_nodes=1000)) == len(G)
    assert select_nodes(G, focus=["f"], highlight_paths=[["h1", "hub"]], max_nodes=3) == ["f", "h1", "hub"]


# --- layout and physics --------------------------------------------------------------------------

def test_physics_off_above_the_limit_with_positions() -> None:
    G, people, orgs = random_network(200, 600)
    r = network_html(G, people, orgs, physics_limit=150)
    data = page_data(r.html)
    assert r.physics is False and data["options"]["physics"] == {"enabled": False}
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])
    xs = [n["x"] for n in data["nodes"]]
    assert 600 <= max(xs) - min(xs) <= 1100  # about 1000 px across
    assert data["options"]["layout"]["improvedLayout"] is False


def test_physics_on_below_the_limit_starts_from_positions(small: Any) -> None:
    r = network_html(*small, physics_limit=150)
    data = page_data(r.html)
    physics = data["options"]["physics"]
    assert r.physics is True and physics["enabled"] is True
    assert 0 < physics["stabilization"]["iterations"] <= 200
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert network_html(*small).html == network_html(*small).html  # deterministic (seeded layout)


# --- visual encoding -----------------------------------------------------------------------------

def test_edge_width_grows_with_strength_and_personal_is_solid() -> None:
    G, people, orgs = random_network(60, 200, seed=3)
    edges = page_data(network_html(G, people, orgs).html)["edges"]
    by_strength = sorted(edges, key=lambda e: e["strength"])
    widths = [e["width"] for e in by_strength]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    for e in edges:
        assert e["width"] == pytest.approx(1 + 7 * e["strength"], abs=0.01)
        t: Tie = G[e["from"]][e["to"]]["tie"]
        if t.personal >= t.business:
            assert e["kind"] == "personal" and e["dashes"] is False
            assert e["color"].startswith("rgba(224,122,95,")  # PERSONAL_EDGE_COLOR
        else:
            assert e["kind"] == "business" and e["dashes"] is True
            assert e["color"].startswith("rgba(108,142,191,")  # BUSINESS_EDGE_COLOR
    assert PERSONAL_EDGE_COLOR == "#e07a5f" and BUSINESS_EDGE_COLOR == "#6c8ebf"


def test_friendship_makes_a_tie_personal(small: Any) -> None:
    G, people, orgs = small
    H = G.copy()
    add_tie(H, tie("dm", "x", 0.5, personal=0.1, business=0.4, friendship="alumni"))
    edge = next(e for e in page_data(network_html(H, people, orgs).html)["edges"] if {e["from"], e["to"]} == {"dm", "x"})
    assert edge["kind"] == "personal" and edge["dashes"] is False


def test_highlighted_paths_are_marked_thick_and_on_top(small: Any) -> None:
    G, people, orgs = small
    r = network_html(G, people, orgs, highlight_paths=[["rep", "u1", "dm"], ["x", "dm"]])
    data = page_data(r.html)
    edges = data["edges"]
    on_path = [e for e in edges if e["onPath"]]
    assert {frozenset((e["from"], e["to"])) for e in on_path} == {
        frozenset(("rep", "u1")), frozenset(("u1", "dm")), frozenset(("x", "dm"))}
    assert edges[-len(on_path):] == on_path  # drawn last
    # each path in its own colour: the first magenta, the second the next colour
    assert {frozenset((e["from"], e["to"])): e["color"] for e in on_path} == {
        frozenset(("rep", "u1")): PATH_COLORS[0], frozenset(("u1", "dm")): PATH_COLORS[0],
        frozenset(("x", "dm")): PATH_COLORS[1]}
    assert PATH_COLORS[0] == PATH_COLOR and len(set(PATH_COLORS)) == len(PATH_COLORS) == 10
    plain = {frozenset((e["from"], e["to"])): e for e in edges if not e["onPath"]}
    rep_u1 = next(e for e in on_path if {e["from"], e["to"]} == {"rep", "u1"})
    assert rep_u1["width"] == pytest.approx(1 + 7 * 0.9 + 2)
    assert all(e["width"] > 1 + 7 * e["strength"] for e in on_path if e["kind"] != "path")
    assert all(e["color"] not in PATH_COLORS for e in plain.values())
    no_tie = next(e for e in on_path if {e["from"], e["to"]} == {"x", "dm"})
    assert no_tie["kind"] == "path"  # a step with no tie in G is still drawn
    nodes = {n["id"]: n for n in data["nodes"]}
    assert {n for n in nodes if nodes[n]["onPath"]} == {"rep", "u1", "dm", "x"}
    # a person's ring is the colour of the first path through them
    assert {n: nodes[n]["color"]["border"] for n in ("rep", "u1", "dm", "x")} == {
        "rep": PATH_COLORS[0], "u1": PATH_COLORS[0], "dm": PATH_COLORS[0], "x": PATH_COLORS[1]}
    # and the legend names each path in its colour
    legend = legend_items(r.html)
    assert [t for t, _ in legend if t.startswith("path")] == ["path 1", "path 2"]
    assert dict(legend)["path 2"] == PATH_COLORS[1]


def test_a_step_several_paths_share_is_drawn_once_for_each(small: Any) -> None:
    """Paths 1 to 3 all end with u1-dm: three edges side by side (one straight, two curved
    to either side), each in its path's colour, so that every path can be followed."""
    G, people, orgs = small
    paths = [["rep", "u1", "dm"], ["x", "u2", "rep", "u1", "dm"], ["u2", "rep", "u1", "dm"]]
    edges = page_data(network_html(G, people, orgs, highlight_paths=paths).html)["edges"]
    shared = [e for e in edges if {e["from"], e["to"]} == {"u1", "dm"}]
    assert [e["path"] for e in shared] == [0, 1, 2]
    assert [e["color"] for e in shared] == list(PATH_COLORS[:3])
    assert "smooth" not in shared[0]
    assert {shared[1]["smooth"]["type"], shared[2]["smooth"]["type"]} == {"curvedCW", "curvedCCW"}
    assert all(e["title"].startswith(f"path {e['path'] + 1}\n") for e in shared)
    assert len([e for e in edges if {e["from"], e["to"]} == {"rep", "u2"}]) == 2  # paths 2 and 3


def legend_items(page: str) -> list[tuple[str, str | None]]:
    """The legend's entries: their text and the colour of their swatch (dot or line), if any."""
    legend = page[page.index('<div class="relmap-legend">'):page.index('<script type="application/json"')]
    out = []
    for item in re.findall(r'<span class="relmap-item[^"]*">(.*?)</span>(?=<span class="relmap-item|</div>)', legend):
        color = re.search(r'(?:background:|solid |dashed )(#[0-9a-f]{6})', item)
        text = html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        out.append((text.lstrip("\u25c6\u2605\u25cf"), color.group(1) if color else None))
    return out


def test_every_organisation_drawn_has_its_own_colour_or_is_other() -> None:
    """Twenty organisations: the twelve with the most people drawn each take a colour of their
    own, in the legend too; the other eight share "other"; our own stays purple."""
    people = {"rep": Person("rep", "Rita", "us", role="rep")}
    orgs = {"us": Organisation("us", "Our Co", "own")}
    G = nx.Graph()
    for i in range(20):
        orgs[f"o{i}"] = Organisation(f"o{i}", f"Org {i}", "customer")
        for j in range(20 - i):  # Org 0 has the most people
            pid = f"p{i}-{j}"
            people[pid] = Person(pid, f"Person {i}-{j}", f"o{i}")
            add_tie(G, tie("rep", pid, 0.5))
    r = network_html(G, people, orgs, max_nodes=1000)
    nodes = page_data(r.html)["nodes"]
    color_of: dict[str, set[str]] = {}
    for n in nodes:
        color_of.setdefault(n["org"], set()).add(n["color"]["background"])
    assert all(len(c) == 1 for c in color_of.values()), color_of
    colors = {org: next(iter(c)) for org, c in color_of.items()}
    own = colors.pop("us")
    assert own == OWN_COLOR
    mine = {org: c for org, c in colors.items() if c != OTHER_COLOR}
    assert set(mine) == {f"o{i}" for i in range(12)}
    assert len(set(mine.values())) == 12 and set(mine.values()) <= set(ORG_PALETTE)
    assert {org for org, c in colors.items() if c == OTHER_COLOR} == {f"o{i}" for i in range(12, 20)}
    legend = legend_items(r.html)
    swatches = {t: c for t, c in legend if c is not None}
    assert swatches["Our Co"] == OWN_COLOR
    assert all(swatches[f"Org {i}"] == mine[f"o{i}"] for i in range(12))
    assert swatches["8 other organisations"] == OTHER_COLOR
    assert not any(f"Org {i}" in t for t, _ in legend for i in range(12, 20))


def test_org_colors_prefer_each_organisations_own_colour() -> None:
    """An organisation keeps its colour from drawing to drawing, unless one drawn with more people
    has it already: then it takes the next free one."""
    apart = next(f"y{i}" for i in range(1000) if org_color(f"y{i}") != org_color("a"))
    clash = next(f"x{i}" for i in range(1000) if org_color(f"x{i}") == org_color("a"))
    assert org_colors({"a": 5, apart: 1}) == {"a": org_color("a"), apart: org_color(apart)}
    both = org_colors({"a": 5, clash: 1})
    assert both["a"] == org_color("a") and both[clash] != both["a"]
    assert org_colors({}) == {}


def test_the_key_to_shapes_and_lines_is_always_in_the_legend(small: Any) -> None:
    G, people, orgs = small
    for kwargs in ({}, {"color_by": "stage", "stage_of": {"acme": "partner"}}, {"focus": ["dm"]},
                   {"highlight_paths": [["rep", "u1"]]}):
        texts = [t for t, _ in legend_items(network_html(G, people, orgs, **kwargs).html)]
        assert texts[:3] == ["rep", "decision maker", "everyone else"], texts
        assert {"personal tie", "business tie"} <= set(texts), texts
        assert ("in focus" in texts) == ("focus" in kwargs)
        assert ("path" in texts) == ("highlight_paths" in kwargs)
    # the page: the drawing takes the height the legend leaves, and the legend wraps
    page = network_html(G, people, orgs).html
    assert "body { height: 100vh; display: flex; flex-direction: column;" in page
    assert "#relmap-network { flex: 1 1 auto;" in page and "flex-wrap: wrap" in page


def test_an_edge_without_a_tie_may_say_what_it_is() -> None:
    """The Cypher page's drawing: KNOWS is a personal tie, other relationships are "other"."""
    G = nx.Graph()
    G.add_edge("a", "b", strength=0.4, tie=None, kind="personal", title="KNOWS (kind: club)")
    G.add_edge("a", "c", strength=0.2, tie=None, kind="other", title="WORKS_AT")
    G.add_edge("b", "c", strength=0.2, tie=None)
    edges = {frozenset((e["from"], e["to"])): e for e in page_data(network_html(G, {}, {}).html)["edges"]}
    knows, works, plain = edges[frozenset("ab")], edges[frozenset("ac")], edges[frozenset("bc")]
    assert knows["kind"] == "personal" and knows["dashes"] is False and knows["color"].startswith("rgba(224,122,95,")
    assert knows["title"].splitlines() == ["a \u2013 b", "KNOWS (kind: club)"]
    assert works["kind"] == "other" and works["dashes"] is False and works["color"] == OTHER_EDGE_COLOR
    assert plain["kind"] == "business" and plain["dashes"] is True
    texts = [t for t, _ in legend_items(network_html(G, {}, {}).html)]
    assert "other relationship" in texts


def test_node_styles_by_role_focus_and_colouring(small: Any) -> None:
    G, people, orgs = small
    stages = {"acme": "partner", "beta": "friend"}
    nodes = {n["id"]: n for n in page_data(network_html(G, people, orgs, color_by="stage", stage_of=stages,
                                                       focus=["dm"]).html)["nodes"]}
    assert nodes["rep"]["shape"] == "diamond" and nodes["rep"]["size"] > nodes["u1"]["size"]
    assert nodes["dm"]["shape"] == "star" and nodes["dm"]["focus"] is True and nodes["dm"]["borderWidth"] == 4
    assert nodes["u1"]["shape"] == "dot"
    assert nodes["rep"]["color"]["background"] == OWN_COLOR
    assert nodes["dm"]["color"]["background"] == STAGE_COLORS["partner"]
    assert nodes["u2"]["color"]["background"] == STAGE_COLORS["friend"]
    assert "stage: partner" in nodes["dm"]["title"]
    assert nodes["dm"]["title"].splitlines() == ["Dana Decider", "CTO", "Acme", "role: decision maker", "stage: partner"]
    by_org = {n["id"]: n for n in page_data(network_html(G, people, orgs).html)["nodes"]}
    assert by_org["dm"]["color"]["background"] == by_org["u1"]["color"]["background"] == org_color("acme")
    assert by_org["rep"]["color"]["background"] == OWN_COLOR
    assert node_style(None, None, color_by="stage").color == STAGE_COLORS["outsider"]
    with pytest.raises(ValueError):
        network_html(G, people, orgs, color_by="industry")


def test_edge_tooltip_has_strength_and_evidence() -> None:
    G = nx.Graph()
    add_tie(G, Tie("a", "b", 0.8, 0.7, 0.1, "club", date(2022, 3, 1), 2,
                   (TypeEvidence("tennis", "personal", 34, date(2026, 11, 14), 20.0),)))
    people = {"a": Person("a", "Ann", "o"), "b": Person("b", "Ben", "o")}
    edge = page_data(network_html(G, people, {}).html)["edges"][0]
    assert edge["title"].splitlines() == ["Ann \u2013 Ben", "strength 0.80 (personal 0.70, business 0.10)",
                                          "club friends since 2022-03-01", "34 tennis, last 2026-11-14",
                                          "2 shared friends"]


# --- the JSON ------------------------------------------------------------------------------------

def test_node_and_edge_json_matches_the_shown_people() -> None:
    G, people, orgs = random_network(400, 2500, seed=7)
    r = network_html(G, people, orgs, max_nodes=120, focus=["P0003"])
    data = page_data(r.html)
    ids = [n["id"] for n in data["nodes"]]
    assert tuple(ids) == r.node_ids and len(ids) == len(set(ids)) == r.shown == 120
    H = G.subgraph(ids)
    assert {frozenset((e["from"], e["to"])) for e in data["edges"]} == {frozenset(e) for e in H.edges}
    assert len(data["edges"]) == H.number_of_edges()
    assert sorted(e["id"] for e in data["edges"]) == list(range(len(data["edges"])))
    for n in data["nodes"]:
        assert n["label"] == people[n["id"]].name


def test_empty_graph_and_unknown_people() -> None:
    r = network_html(nx.Graph(), {}, {})
    assert isinstance(r, DrawResult) and (r.shown, r.total, r.note) == (0, 0, "")
    assert page_data(r.html)["nodes"] == []
    G = nx.Graph([("ghost", "spook")])
    nodes = page_data(network_html(G, {}, {}).html)["nodes"]
    assert {n["label"] for n in nodes} == {"ghost", "spook"}


# --- in a real browser (when one is installed) ---------------------------------------------------

def _chromium() -> str | None:
    return os.environ.get("RELMAP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium to drive")
def test_in_a_browser_it_draws_counts_and_runs_no_payload() -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    G, people, orgs = random_network(400, 1200, seed=2)
    people["P0001"] = people["P0001"]._replace(name="Eve " + XSS, title=XSS)
    r = network_html(G, people, orgs, focus=["P0001"], max_nodes=250)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            problems: list[str] = []

            def on_dialog(dialog: Any) -> None:
                problems.append("dialog " + dialog.message)
                dialog.dismiss()

            def on_console(message: Any) -> None:
                if message.type == "error":
                    problems.append(message.text)

            def on_request(request: Any) -> None:
                if not request.url.startswith(("data:", "about:")):
                    problems.append(request.url)

            page.on("dialog", on_dialog)
            page.on("pageerror", lambda e: problems.append(f"error {e}"))
            page.on("console", on_console)
            page.on("request", on_request)
            page.set_content(r.html)
            page.wait_for_function("window.relmapDrawn === true", timeout=20000)
            assert page.evaluate("window.relmapNodeCount") == 250
            assert page.get_attribute("#relmap-network", "data-relmap-nodes") == "250"
            assert page.evaluate("window.relmapNetwork.body.data.nodes.get('P0001').label") == "Eve " + XSS
            assert page.evaluate("document.querySelectorAll('img, #relmap-network script').length") == 0
            page.wait_for_timeout(300)
            assert problems == []
        finally:
            browser.close()
