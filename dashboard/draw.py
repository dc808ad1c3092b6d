r"""Draw a tie graph as one self-contained HTML page with a vis-network drawing.

:func:`network_html` turns the graph of :func:`graph.analysis.ties.tie_graph`
(person ids as nodes, ``strength`` and ``tie`` on every edge) into a page that
works offline and draws at once, even for real networks:

- **Offline.** The vis-network 9.1.2 JavaScript and CSS bundled with pyvis are
  inlined; the page has no other script or stylesheet (none of the CDN tags of
  pyvis's template: the page is written here, not from that template), and a
  Content-Security-Policy allows only its own two scripts and no network access.
- **Never a hairball.** At most ``max_nodes`` people are drawn, chosen by
  relevance (:func:`select_nodes`): the ``focus`` people and those on the
  highlighted paths, then a best-first expansion from them by tie strength, then
  the people with the greatest weighted degree.
- **Laid out in Python.** Positions come from NetworkX's spring layout
  (``weight="strength"``, ``seed=0``). Above ``physics_limit`` people the
  physics is off, so the drawing appears at once at those positions; below it a
  short stabilisation starts from them.
- **Encoding.** Colour by organisation (a stable palette keyed by org id; our
  own organisation purple) or by stage (:data:`STAGE_COLORS`); reps are
  diamonds, decision makers stars, focus people larger with a dark ring; edge
  width ``1 + 7 * strength``; personal ties (or any declared friendship) solid
  terracotta, business ties dashed steel blue; path edges magenta, thicker and
  drawn last (on top).

Escaping
--------
Names, titles, organisation names and tie evidence reach the page in two places:

- the node and edge data, a JSON document in a ``<script type="application/json">``
  block that the page's script reads with ``JSON.parse``. There every ``<``,
  ``>`` and ``&`` is written ``\u003c``, ``\u003e``, ``\u0026`` (and all
  non-ASCII as ``\uXXXX``), so the text cannot close the block or start markup.
  The strings themselves are *not* HTML-escaped: vis-network 9 draws labels on
  a canvas and sets a string ``title`` with ``innerText`` (``Popup.setText``),
  so both show text as text, and ``html.escape`` would make ``O'Brien & Co``
  show as ``O&#x27;Brien &amp; Co``. Do not switch on vis's ``font.multi``
  (which reads tags in labels) or hand titles to ``innerHTML``.
- the legend under the drawing (organisation names), which is HTML: there every
  string goes through :func:`html.escape`.

>>> from graph.analysis.config import Config
>>> from graph.analysis.ties import make_tie, tie_graph
>>> G = tie_graph([make_tie("p1", "p2", "friend", None, [], 0, Config())])
>>> people = {"p1": Person("p1", "Ann <CEO>", "o1", role="rep"), "p2": Person("p2", "Bo", "o2")}
>>> orgs = {"o1": Organisation("o1", "Us", "own"), "o2": Organisation("o2", "Acme", "customer")}
>>> r = network_html(G, people, orgs, focus=["p1"])
>>> r.shown, r.total, r.note, r.physics
(2, 2, '', True)
>>> "Ann <CEO>" in r.html, "Ann \\u003cCEO\\u003e" in r.html
(False, True)
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import math
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from dashboard.relevance import edge_strength, select_nodes
from dashboard.style import (BUSINESS_EDGE_COLOR, FOCUS_BORDER, ORG_PALETTE, OWN_COLOR, PATH_COLOR,
                             PERSONAL_EDGE_COLOR, STAGE_COLORS, NodeStyle, edge_width, node_style, org_color)
from graph.analysis.ties import Tie
from graph.model import Organisation, Person

__all__ = [
    "NodeStyle",
    "DrawResult",
    "network_html",
    "select_nodes",
    "node_style",
    "org_color",
    "edge_width",
    "ORG_PALETTE",
    "OWN_COLOR",
    "STAGE_COLORS",
    "PERSONAL_EDGE_COLOR",
    "BUSINESS_EDGE_COLOR",
    "PATH_COLOR",
    "VIS_VERSION",
]

#: The vis-network version inlined (the one pyvis 0.3.2 bundles).
VIS_VERSION = "9.1.2"
_HEIGHT = re.compile(r"^\d{1,5}(\.\d{1,3})?(px|%|vh|em|rem)$")
_ROLE_NAMES = {"decision_maker": "decision maker"}


@dataclass(frozen=True)
class DrawResult:
    """A drawn page: its HTML, how many people it shows of how many, and why.

    ``note`` is ``"showing N of M people, chosen by relevance"`` when the graph
    was trimmed, else ``""``. ``node_ids`` are the people shown, most relevant
    first; ``physics`` tells whether the page runs vis's physics.
    """

    html: str
    shown: int
    total: int
    note: str
    node_ids: tuple[str, ...] = ()
    physics: bool = False


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """The vis-network JS and CSS that pyvis bundles, checked safe to inline (the CSS without
    the button icons the drawing never shows)."""
    spec = importlib.util.find_spec("pyvis")  # locate only: importing pyvis costs ~1 s
    if spec is None or spec.origin is None:
        raise RuntimeError("pyvis is not installed: it bundles the vis-network files")
    root = Path(spec.origin).resolve().parent
    for folder in (root / "templates" / "lib" / f"vis-{VIS_VERSION}", root / "lib" / f"vis-{VIS_VERSION}"):
        js_file, css_file = folder / "vis-network.min.js", folder / "vis-network.css"
        if js_file.is_file() and css_file.is_file():
            js, css = js_file.read_text(encoding="utf-8"), css_file.read_text(encoding="utf-8")
            lowered_js, lowered_css = js.lower(), css.lower()
            if "</script" in lowered_js or "<!--" in js or "</style" in lowered_css:
                raise RuntimeError(f"{folder} cannot be inlined safely")
            return js, _ICON_RULES.sub("", css)
    raise RuntimeError(f"pyvis does not bundle vis-network {VIS_VERSION} under {root}")


#: The vis-network stylesheet's rules that draw the navigation and manipulation buttons'
#: icons (base64 images: 207 of its 220 KB). The drawing enables neither, so every page
#: leaves them out.
_ICON_RULES = re.compile(r"""[^{}]*\{[^{}]*url\(["']?data:[^{}]*\}""")


def _script_json(value: Any) -> str:
    r"""JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` at all.

    >>> print(_script_json({"name": "</script><b>&"}))
    {"name":"\u003c/script\u003e\u003cb\u003e\u0026"}
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _rgba(hex_color: str, alpha: float) -> str:
    """``#rrggbb`` with an opacity, as CSS ``rgba()``.

    >>> _rgba("#6c8ebf", 0.5)
    'rgba(108,142,191,0.5)'
    """
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{round(alpha, 2)})"


def _jid(node: Any) -> str | int:
    return node if isinstance(node, (str, int)) and not isinstance(node, bool) else str(node)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _layout(H: nx.Graph, span: float) -> dict[Any, tuple[int, int]]:
    """Spring-layout positions (px) spanning about ``span``, deterministic (seed 0)."""
    if len(H) == 0:
        return {}
    if len(H) == 1:
        return {next(iter(H)): (0, 0)}
    try:
        pos = nx.spring_layout(H, weight="strength", seed=0, scale=span / 2)
    except ImportError:
        # NetworkX needs SciPy for 500 or more nodes; the dense NumPy version needs none.
        try:
            import numpy as np

            from networkx.drawing import layout as nx_layout

            A = nx.to_numpy_array(H, weight="strength")
            raw = nx_layout._fruchterman_reingold(A, None, None, None, 50, 1e-4, 2, np.random.RandomState(0))
            raw = nx.rescale_layout(raw, scale=span / 2)
            pos = dict(zip(H, raw))
        except Exception:  # noqa: BLE001 - a private NetworkX function: fall back to a plain layout
            pos = nx.circular_layout(H, scale=span / 2)
    return {n: (round(float(x)), round(float(y))) for n, (x, y) in pos.items()}


def _role_text(role: str) -> str:
    return _ROLE_NAMES.get(role, role.replace("_", " "))


def _node_title(person: Person | None, node: Any, org: Organisation | None, stage: str | None,
                color_by: str) -> str:
    if person is None:
        return f"{node}\n(not in the people list)"
    lines = [person.name]
    if person.title:
        lines.append(person.title)
    if org is not None:
        lines.append(f"{org.name} (our team)" if org.kind == "own" else org.name)
    else:
        lines.append(f"organisation {person.org_id}")
    lines.append(f"role: {_role_text(person.role)}")
    if color_by == "stage" and (org is None or org.kind != "own"):
        lines.append(f"stage: {stage or 'outsider'}")
    return "\n".join(lines)


def _edge_title(a: str, b: str, strength: float, tie: Tie | None) -> str:
    lines = [f"{a} \u2013 {b}", f"strength {strength:.2f}"]
    if tie is not None:
        lines[1] += f" (personal {tie.personal:.2f}, business {tie.business:.2f})"
        lines.extend(tie.explain())
    return "\n".join(lines)


def _legend(orgs_shown: Counter[str], orgs: Mapping[str, Organisation], color_by: str,
            stage_names: Sequence[str], note: str) -> str:
    """The legend under the drawing: HTML, so every string is escaped."""
    esc = html.escape
    items: list[str] = []
    if note:
        items.append(f'<span class="relmap-note">{esc(note)}</span>')
    swatch = '<span class="relmap-item"><i style="background:{}"></i>{}</span>'
    if color_by == "stage":
        items.append(swatch.format(OWN_COLOR, "our team"))
        items.extend(swatch.format(STAGE_COLORS[s], esc(s)) for s in stage_names)
    else:
        top = orgs_shown.most_common(10)
        for org_id, _ in top:
            org = orgs.get(org_id)
            color = OWN_COLOR if org is not None and org.kind == "own" else org_color(org_id)
            items.append(swatch.format(color, esc(org.name if org is not None else org_id)))
        if len(orgs_shown) > len(top):
            items.append(f'<span class="relmap-item">+{len(orgs_shown) - len(top)} more organisations</span>')
    items.append('<span class="relmap-item">&#9670; rep &#9733; decision maker</span>')
    items.append(f'<span class="relmap-item"><b style="border-top:3px solid {PERSONAL_EDGE_COLOR}"></b>personal</span>')
    items.append(f'<span class="relmap-item"><b style="border-top:3px dashed {BUSINESS_EDGE_COLOR}"></b>business</span>')
    items.append(f'<span class="relmap-item"><b style="border-top:5px solid {PATH_COLOR}"></b>path</span>')
    return '<div class="relmap-legend">' + "".join(items) + "</div>"


_PAGE_CSS = """
html, body { margin: 0; padding: 0; background: #ffffff; font-family: system-ui, sans-serif; }
#relmap-network { width: 100%; height: %(height)s; border: 1px solid #e0e0e0; box-sizing: border-box; }
.relmap-legend { font-size: 12px; color: #424242; padding: 4px 2px; line-height: 20px; }
.relmap-legend .relmap-item { margin-right: 12px; white-space: nowrap; }
.relmap-legend .relmap-note { margin-right: 16px; font-style: italic; }
.relmap-legend i { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 4px; }
.relmap-legend b { display: inline-block; width: 18px; height: 0; margin: 0 4px 3px 0; vertical-align: middle; }
"""

# Reads the data block, draws, and tells browser tests when and how much it drew.
_PAGE_JS = """(function () {
  "use strict";
  var container = document.getElementById("relmap-network");
  var data = JSON.parse(document.getElementById("relmap-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  window.relmapNetwork = network;
  network.once("afterDrawing", function () {
    window.relmapNodeCount = network.body.data.nodes.length;
    window.relmapEdgeCount = network.body.data.edges.length;
    container.setAttribute("data-relmap-nodes", String(window.relmapNodeCount));
    container.setAttribute("data-relmap-edges", String(window.relmapEdgeCount));
    window.relmapDrawn = true;
  });
})();"""


def network_html(G: nx.Graph, people: Mapping[str, Person], orgs: Mapping[str, Organisation], *,
                 color_by: str = "organisation", stage_of: Mapping[str, str] | None = None,
                 highlight_paths: Sequence[Sequence[str]] = (), focus: Collection[str] = (),
                 max_nodes: int = 300, physics_limit: int = 150, height: str = "640px") -> DrawResult:
    """A self-contained HTML page drawing ``G`` (people and their ties) with vis-network.

    Parameters
    ----------
    G
        Person ids as nodes; edges with ``strength`` in (0, 1] and ``tie`` (a :class:`Tie`).
    people, orgs
        Person and organisation records by id (for names, titles, roles, colours).
    color_by
        ``"organisation"`` (a stable colour per org) or ``"stage"`` (by ``stage_of``).
    stage_of
        Org id -> relationship stage (``outsider``, ``friend``, ``supplier``, ``partner``).
    highlight_paths
        Paths (sequences of person ids) to draw emphasised; their people are always kept.
    focus
        People to keep first when trimming, and to mark.
    max_nodes
        At most this many people are drawn (see :func:`select_nodes`).
    physics_limit
        Above this many people physics is off and nodes sit at the computed positions.
    height
        CSS height of the drawing, e.g. ``"640px"`` or ``"80vh"``; the legend adds ~30 px.

    Returns
    -------
    DrawResult
        The page and how many of the people it shows.

    >>> r = network_html(nx.path_graph(["a", "b", "c"]), {}, {}, max_nodes=2, focus=["c"])
    >>> r.shown, r.total, r.note, r.node_ids
    (2, 3, 'showing 2 of 3 people, chosen by relevance', ('c', 'b'))
    """
    if color_by not in ("organisation", "stage"):
        raise ValueError(f"color_by must be 'organisation' or 'stage', not {color_by!r}")
    if not _HEIGHT.match(height):
        raise ValueError(f"height must be a CSS length like '640px' or '80vh', not {height!r}")
    stages = stage_of or {}
    shown = select_nodes(G, focus=focus, highlight_paths=highlight_paths, max_nodes=max_nodes)
    total = G.number_of_nodes()
    note = f"showing {len(shown)} of {total} people, chosen by relevance" if len(shown) < total else ""
    shown_set = set(shown)
    focus_set = {n for n in focus if n in shown_set}
    path_edges: set[frozenset[Any]] = set()
    path_nodes: set[Any] = set()
    for path in highlight_paths:
        for n in path:
            if n in shown_set:
                path_nodes.add(n)
        for u, v in zip(path, path[1:]):
            if u in shown_set and v in shown_set and u != v:
                path_edges.add(frozenset((u, v)))

    H = G.subgraph(shown)
    physics = len(shown) <= physics_limit
    span = min(1000.0, max(300.0, 90.0 * math.sqrt(max(1, len(shown)))))
    pos = _layout(H, span)
    spring = span / math.sqrt(max(1, len(shown))) * 1.2

    def name(n: Any) -> str:
        p = people.get(n)
        return p.name if p is not None else str(n)

    nodes: list[dict[str, Any]] = []
    orgs_shown: Counter[str] = Counter()
    for n in shown:
        person = people.get(n)
        org = orgs.get(person.org_id) if person is not None else None
        stage = stages.get(person.org_id) if person is not None else None
        if person is not None:
            orgs_shown[person.org_id] += 1
        style = node_style(person, org, color_by=color_by, stage=stage, focus=n in focus_set,
                           on_path=n in path_nodes)
        x, y = pos[n]
        nodes.append({"id": _jid(n), "label": name(n), "title": _node_title(person, n, org, stage, color_by),
                      "x": x, "y": y, **style.to_vis(),
                      "focus": n in focus_set, "onPath": n in path_nodes})

    edges: list[dict[str, Any]] = []
    drawn: set[frozenset[Any]] = set()
    for u, v, data in sorted(H.edges(data=True), key=lambda e: (edge_strength(e[2]), str(e[0]), str(e[1]))):
        key = frozenset((u, v))
        drawn.add(key)
        s = edge_strength(data)
        tie = data.get("tie") if isinstance(data.get("tie"), Tie) else None
        on_path = key in path_edges
        personal = tie is not None and (bool(tie.friendship_kind) or tie.personal >= tie.business)
        edge: dict[str, Any] = {"from": _jid(u), "to": _jid(v), "title": _edge_title(name(u), name(v), s, tie),
                                "strength": round(s, 4), "kind": "personal" if personal else "business",
                                "onPath": on_path}
        if on_path:
            edge.update(width=edge_width(s) + 4, dashes=False, color=PATH_COLOR)
        else:  # a colour string sets vis's color, highlight and hover at once
            edge.update(width=edge_width(s), dashes=not personal,
                        color=_rgba(PERSONAL_EDGE_COLOR if personal else BUSINESS_EDGE_COLOR, 0.35 + 0.6 * s))
        if physics:
            edge["length"] = round(spring * (1.6 - s), 1)
        edges.append(edge)
    # Path steps without a tie in G still show the path; path edges go last, on top.
    for key in sorted(path_edges - drawn, key=lambda k: sorted(map(str, k))):
        u, v = sorted(key, key=str)
        edges.append({"from": _jid(u), "to": _jid(v), "title": f"{name(u)} \u2013 {name(v)}\n(path step, no tie)",
                      "strength": 0.0, "kind": "path", "onPath": True, "width": 4, "dashes": [4, 4],
                      "color": PATH_COLOR})
    edges.sort(key=lambda e: bool(e["onPath"]))  # stable: path edges last
    for i, edge in enumerate(edges):
        edge["id"] = i

    options: dict[str, Any] = {
        "autoResize": True,
        "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 6}}},
        "edges": {"smooth": False, "selectionWidth": 2, "hoverWidth": 1},
        "interaction": {"hover": True, "tooltipDelay": 150, "multiselect": True,
                        "hideEdgesOnDrag": len(edges) > 1500, "hideEdgesOnZoom": len(edges) > 3000},
        "layout": {"improvedLayout": False, "randomSeed": 0},
    }
    if physics:
        options["physics"] = {
            "enabled": True, "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -3000, "springLength": round(spring, 1),
                          "springConstant": 0.03, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": 120, "updateInterval": 30, "fit": True},
        }
    else:
        options["physics"] = {"enabled": False}

    vis_js, vis_css = _vis_assets()
    csp = ("default-src 'none'; " f"script-src {_sha256(vis_js)} {_sha256(_PAGE_JS)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'")
    legend = _legend(orgs_shown, orgs, color_by, [s for s in STAGE_COLORS], note)
    page = "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n',
        "<title>relmap network</title>\n",
        f"<style>{vis_css}</style>\n",
        "<style>", _PAGE_CSS.replace("%(height)s", height), "</style>\n",
        f"<script>{vis_js}</script>\n",
        "</head>\n<body>\n",
        f'<div id="relmap-network" data-relmap-shown="{len(shown)}" data-relmap-total="{total}"></div>\n',
        legend, "\n",
        '<script type="application/json" id="relmap-data">',
        _script_json({"nodes": nodes, "edges": edges, "options": options}),
        "</script>\n",
        f"<script>{_PAGE_JS}</script>\n",
        "</body>\n</html>\n",
    ])
    return DrawResult(html=page, shown=len(shown), total=total, note=note,
                      node_ids=tuple(str(n) for n in shown), physics=physics)
