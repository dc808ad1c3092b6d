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
  (``weight="strength"``, ``seed=0``), or from the caller (``positions``, for
  example columns: :func:`column_positions`). Above ``physics_limit`` people, or
  with given positions, the physics is off, so the drawing appears at once at
  those positions; below it a short stabilisation starts from them.
- **Encoding.** Colour by organisation (each organisation drawn in its own
  colour, :func:`~dashboard.style.org_colors`, the rest grouped as "other"; our
  own organisation purple) or by stage (:data:`STAGE_COLORS`); reps are
  diamonds, decision makers stars, focus people larger with a dark ring; edge
  width ``1 + 7 * strength``; personal ties (or any declared friendship) solid
  terracotta, business ties dashed steel blue, other relationships (an edge
  with ``kind="other"``) thin grey; each highlighted path in its own colour
  (:data:`~dashboard.style.PATH_COLORS`), thicker and drawn last (on top); a
  step that several paths share is drawn once per path, side by side.
- **Fits its frame.** The page is the drawing above its legend: the legend
  wraps to as many lines as it needs and the drawing takes the rest of the
  page's ``height`` (by default the whole frame it is shown in), so every
  legend entry is visible; the view is fitted to the people once the layout
  has settled, and again when the frame changes size (until the user pans or
  zooms). The legend always has the key to shapes and line styles.

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

import math
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from dashboard.page import VIS_VERSION, legend_html, page_html
from dashboard.relevance import edge_strength, select_nodes
from dashboard.style import (BUSINESS_EDGE_COLOR, FOCUS_BORDER, ORG_PALETTE, OTHER_COLOR, OTHER_EDGE_COLOR,
                             OWN_COLOR, PATH_COLOR, PATH_COLORS, PERSONAL_EDGE_COLOR, STAGE_COLORS, NodeStyle,
                             edge_width, node_style, org_color, org_colors, path_color)
from graph.analysis.ties import Tie
from graph.model import Organisation, Person

__all__ = [
    "NodeStyle",
    "DrawResult",
    "network_html",
    "column_positions",
    "select_nodes",
    "node_style",
    "org_color",
    "org_colors",
    "path_color",
    "edge_width",
    "ORG_PALETTE",
    "OWN_COLOR",
    "OTHER_COLOR",
    "STAGE_COLORS",
    "PERSONAL_EDGE_COLOR",
    "BUSINESS_EDGE_COLOR",
    "OTHER_EDGE_COLOR",
    "PATH_COLOR",
    "PATH_COLORS",
    "EDGE_KINDS",
    "VIS_VERSION",
]

_HEIGHT = re.compile(r"^\d{1,5}(\.\d{1,3})?(px|%|vh|em|rem)$")
_ROLE_NAMES = {"decision_maker": "decision maker"}
#: What an edge without a :class:`Tie` may say it is (its ``kind``): drawn as a personal tie,
#: a business tie, or another relationship.
EDGE_KINDS = ("personal", "business", "other")


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


def _rgba(hex_color: str, alpha: float) -> str:
    """``#rrggbb`` with an opacity, as CSS ``rgba()``.

    >>> _rgba("#6c8ebf", 0.5)
    'rgba(108,142,191,0.5)'
    """
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{round(alpha, 2)})"


def _jid(node: Any) -> str | int:
    return node if isinstance(node, (str, int)) and not isinstance(node, bool) else str(node)


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


def _edge_title(a: str, b: str, strength: float, tie: Tie | None, text: object = None) -> str:
    """The tooltip of an edge: who, how strong and why; ``text`` (an edge's ``title``) replaces the
    strength line of an edge without a tie."""
    lines = [f"{a} \u2013 {b}", f"strength {strength:.2f}"]
    if tie is not None:
        lines[1] += f" (personal {tie.personal:.2f}, business {tie.business:.2f})"
        lines.extend(tie.explain())
    elif isinstance(text, str) and text:
        lines[1:] = text.splitlines()
    return "\n".join(lines)


def _edge_kind(data: Mapping[str, Any], tie: Tie | None) -> str:
    """``personal``, ``business`` or ``other``: a tie's dominant side (any declared friendship is
    personal), else the edge's own ``kind``, else business."""
    if tie is not None:
        return "personal" if tie.friendship_kind or tie.personal >= tie.business else "business"
    kind = data.get("kind")
    return kind if kind in EDGE_KINDS else "business"


def column_positions(columns: Sequence[Sequence[Any]], gap_x: float = 360.0, gap_y: float = 70.0
                     ) -> dict[Any, tuple[float, float]]:
    """Positions (px) that draw each of ``columns`` (people, in order) as a column, left to right,
    each centred on the same middle line: for a drawing that reads from one side to the other.

    >>> column_positions([["r1"], ["x1", "x2"], ["c1"]])
    {'r1': (0.0, 0.0), 'x1': (360.0, -35.0), 'x2': (360.0, 35.0), 'c1': (720.0, 0.0)}
    """
    out: dict[Any, tuple[float, float]] = {}
    for i, column in enumerate(columns):
        top = -gap_y * (len(column) - 1) / 2
        for j, n in enumerate(column):
            out.setdefault(n, (gap_x * i, top + gap_y * j))
    return out


def network_html(G: nx.Graph, people: Mapping[str, Person], orgs: Mapping[str, Organisation], *,
                 color_by: str = "organisation", stage_of: Mapping[str, str] | None = None,
                 highlight_paths: Sequence[Sequence[str]] = (), focus: Collection[str] = (),
                 max_nodes: int = 300, physics_limit: int = 150, height: str = "100vh",
                 positions: Mapping[Any, tuple[float, float]] | None = None) -> DrawResult:
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
        Paths (sequences of person ids) to draw emphasised, each in its own colour with a
        legend entry ("path 1", ...); their people are always kept.
    focus
        People to keep first when trimming, and to mark.
    max_nodes
        At most this many people are drawn (see :func:`select_nodes`).
    physics_limit
        Above this many people physics is off and nodes sit at the computed positions.
    height
        CSS height of the whole page, the drawing and its legend, e.g. ``"640px"``; by default
        ``"100vh"``, the frame the page is shown in. The legend takes the lines it needs and
        the drawing the rest.
    positions
        Where to draw people (px, ``y`` downwards), for example in columns
        (:func:`column_positions`); the physics is then off. People without a position are
        laid out by the spring layout.

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
    path_edges: dict[frozenset[Any], list[int]] = {}  # a step -> the paths taking it, in order
    path_nodes: dict[Any, int] = {}  # a person -> the first path through them
    for i, path in enumerate(highlight_paths):
        for n in path:
            if n in shown_set:
                path_nodes.setdefault(n, i)
        for u, v in zip(path, path[1:]):
            if u in shown_set and v in shown_set and u != v:
                taking = path_edges.setdefault(frozenset((u, v)), [])
                if i not in taking:
                    taking.append(i)

    H = G.subgraph(shown)
    physics = len(shown) <= physics_limit and positions is None
    span = min(1000.0, max(300.0, 90.0 * math.sqrt(max(1, len(shown)))))
    given = {n: (round(positions[n][0]), round(positions[n][1])) for n in shown if n in positions} if positions else {}
    rest = [n for n in shown if n not in given]
    pos = given | (_layout(H.subgraph(rest), span) if rest else {})
    spring = span / math.sqrt(max(1, len(shown))) * 1.2

    def name(n: Any) -> str:
        p = people.get(n)
        return p.name if p is not None else str(n)

    orgs_shown: Counter[str] = Counter(people[n].org_id for n in shown if n in people)
    colors = org_colors({o: k for o, k in orgs_shown.items() if not (o in orgs and orgs[o].kind == "own")})
    nodes: list[dict[str, Any]] = []
    for n in shown:
        person = people.get(n)
        org = orgs.get(person.org_id) if person is not None else None
        stage = stages.get(person.org_id) if person is not None else None
        ring = path_color(path_nodes[n]) if n in path_nodes else False
        style = node_style(person, org, color_by=color_by, stage=stage, focus=n in focus_set, on_path=ring,
                           colors=colors)
        x, y = pos[n]
        nodes.append({"id": _jid(n), "label": name(n), "title": _node_title(person, n, org, stage, color_by),
                      "x": x, "y": y, **style.to_vis(),
                      "org": person.org_id if person is not None else None,
                      "focus": n in focus_set, "onPath": n in path_nodes})

    edges: list[dict[str, Any]] = []
    kinds: set[str] = set()

    def on_paths(u: Any, v: Any, base: dict[str, Any], title: str, width: float, dashes: Any) -> None:
        """The step u-v once for each path taking it, in that path's colour; side by side when shared."""
        u, v = sorted((u, v), key=str)  # one direction, so that clockwise and counter-clockwise are sides
        taking = path_edges[frozenset((u, v))]
        for j, i in enumerate(taking):
            edge = dict(base, **{"from": _jid(u), "to": _jid(v), "onPath": True, "path": i, "width": width,
                                 "dashes": dashes, "color": path_color(i),
                                 "title": f"path {i + 1}\n{title}" if len(highlight_paths) > 1 else title})
            if len(taking) > 1 and j > 0:
                edge["smooth"] = {"enabled": True, "type": "curvedCW" if j % 2 else "curvedCCW",
                                  "roundness": round(0.2 * ((j + 1) // 2), 2)}
            edges.append(edge)

    drawn: set[frozenset[Any]] = set()
    for u, v, data in sorted(H.edges(data=True), key=lambda e: (edge_strength(e[2]), str(e[0]), str(e[1]))):
        key = frozenset((u, v))
        drawn.add(key)
        s = edge_strength(data)
        tie = data.get("tie") if isinstance(data.get("tie"), Tie) else None
        kind = _edge_kind(data, tie)
        kinds.add(kind)
        base: dict[str, Any] = {"strength": round(s, 4), "kind": kind}
        title = _edge_title(name(u), name(v), s, tie, data.get("title"))
        if physics:
            base["length"] = round(spring * (1.6 - s), 1)
        if key in path_edges:
            on_paths(u, v, base, title, edge_width(s) + 2, False)
            continue
        edge: dict[str, Any] = dict(base, **{"from": _jid(u), "to": _jid(v), "title": title, "onPath": False})
        if kind == "other":
            edge.update(width=2, dashes=False, color=OTHER_EDGE_COLOR)
        else:  # a colour string sets vis's color, highlight and hover at once
            personal = kind == "personal"
            edge.update(width=edge_width(s), dashes=not personal,
                        color=_rgba(PERSONAL_EDGE_COLOR if personal else BUSINESS_EDGE_COLOR, 0.35 + 0.6 * s))
        edges.append(edge)
    # Path steps without a tie in G still show the path; path edges go last, on top.
    for key in sorted(set(path_edges) - drawn, key=lambda k: sorted(map(str, k))):
        u, v = sorted(key, key=str)
        on_paths(u, v, {"strength": 0.0, "kind": "path"}, f"{name(u)} \u2013 {name(v)}\n(path step, no tie)", 4,
                 [4, 4])
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

    legend = legend_html(orgs_shown, orgs, colors, color_by, list(STAGE_COLORS), note,
                         len(highlight_paths), kinds, bool(focus_set))
    page = page_html({"nodes": nodes, "edges": edges, "options": options}, legend, height=height,
                     shown=len(shown), total=total)
    return DrawResult(html=page, shown=len(shown), total=total, note=note,
                      node_ids=tuple(str(n) for n in shown), physics=physics)
