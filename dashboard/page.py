"""The page around a drawing: vis-network inlined, the legend, the script that draws and fits.

:func:`page_html` writes one self-contained HTML document (no network access: a
Content-Security-Policy allows only its own two scripts) from the drawing's JSON
data and the legend :func:`legend_html` writes. :mod:`dashboard.draw` decides what
is drawn and how; this module only lays it on the page.

The data goes in a ``<script type="application/json">`` block, written by
:func:`_script_json` so that no text in it can close the block; the legend is HTML,
so every string in it goes through :func:`html.escape`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from dashboard.style import (BUSINESS_EDGE_COLOR, OTHER_COLOR, OTHER_EDGE_COLOR, OWN_COLOR, PERSONAL_EDGE_COLOR,
                             STAGE_COLORS, path_color)
from graph.analysis.words import plural
from graph.model import Organisation

__all__ = ["VIS_VERSION", "legend_html", "page_html"]

#: The vis-network version inlined (the one pyvis 0.3.2 bundles).
VIS_VERSION = "9.1.2"

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


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def legend_html(orgs_shown: Counter[str], orgs: Mapping[str, Organisation], colors: Mapping[str, str],
            color_by: str, stage_names: Sequence[str], note: str, paths: int, kinds: Collection[str],
            focus: bool) -> str:
    """The legend under the drawing: HTML, so every string is escaped.

    Two rows that wrap: the key (shapes, the ring of the focus, line styles and the
    paths' colours), then the colours (each organisation drawn, our own first, then
    "other organisations" for those without a colour of their own; or the stages).
    """
    esc = html.escape
    dot = '<span class="relmap-item"><i style="background:{}"></i>{}</span>'
    line = '<span class="relmap-item"><b style="border-top:{}px {} {}"></b>{}</span>'
    shape = '<span class="relmap-item"><span class="relmap-shape" style="color:{}">{}</span>{}</span>'
    key = [shape.format("#616161", "&#9670;", "rep"), shape.format("#616161", "&#9733;", "decision maker"),
           shape.format("#616161", "&#9679;", "everyone else")]
    if focus:
        key.append('<span class="relmap-item"><i class="relmap-ring"></i>in focus</span>')
    key.append(line.format(3, "solid", PERSONAL_EDGE_COLOR, "personal tie"))
    key.append(line.format(3, "dashed", BUSINESS_EDGE_COLOR, "business tie"))
    if "other" in kinds:
        key.append(line.format(2, "solid", OTHER_EDGE_COLOR, "other relationship"))
    for i in range(paths):
        key.append(line.format(5, "solid", path_color(i), "path" if paths == 1 else f"path {i + 1}"))
    swatches: list[str] = []
    if color_by == "stage":
        swatches.append(dot.format(OWN_COLOR, "our team"))
        swatches.extend(dot.format(STAGE_COLORS[s], esc(s)) for s in stage_names)
    else:
        own = sorted((o for o in orgs_shown if o in orgs and orgs[o].kind == "own"), key=lambda o: (orgs[o].name, o))
        for org_id in own:
            swatches.append(dot.format(OWN_COLOR, esc(orgs[org_id].name)))
        for org_id in colors:
            org = orgs.get(org_id)
            swatches.append(dot.format(colors[org_id], esc(org.name if org is not None else org_id)))
        rest = len(orgs_shown) - len(own) - len(colors)
        if rest > 0:
            swatches.append(dot.format(OTHER_COLOR, plural(rest, "other organisation")))
    rows = [f'<div class="relmap-row"><span class="relmap-item relmap-note">{esc(note)}</span></div>'] if note else []
    rows.append('<div class="relmap-row">' + "".join(key) + "</div>")
    if swatches:
        rows.append('<div class="relmap-row">' + "".join(swatches) + "</div>")
    return '<div class="relmap-legend">' + "".join(rows) + "</div>"


#: The page: the drawing takes what the legend (as many lines as it needs) leaves of the height.
_PAGE_CSS = """
html, body { margin: 0; padding: 0; background: #ffffff; font-family: system-ui, sans-serif; }
body { height: %(height)s; display: flex; flex-direction: column; overflow: auto; }
#relmap-network { flex: 1 1 auto; min-height: 120px; width: 100%; border: 1px solid #e0e0e0;
                  box-sizing: border-box; }
.relmap-legend { flex: none; font-size: 12px; color: #424242; padding: 4px 2px 2px; line-height: 18px; }
.relmap-row { display: flex; flex-wrap: wrap; column-gap: 14px; }
.relmap-item { display: inline-flex; align-items: center; min-width: 0; overflow-wrap: anywhere; }
.relmap-note { font-style: italic; }
.relmap-legend i { flex: none; width: 10px; height: 10px; border-radius: 5px; margin-right: 4px; }
.relmap-legend i.relmap-ring { width: 8px; height: 8px; border: 2px solid #111111; background: #ffffff; }
.relmap-legend b { flex: none; width: 18px; height: 0; margin-right: 4px; }
.relmap-shape { flex: none; width: 14px; text-align: center; margin-right: 2px; font-size: 14px; }
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
  // fit the view to the people once the layout has settled, and when the frame changes size,
  // until the user pans, drags or zooms
  var moved = false;
  function fit() {
    if (!moved) { network.fit({animation: false, maxZoomLevel: 1.5}); }
  }
  function settle() {
    fit();
    window.relmapSettled = true;
    container.setAttribute("data-relmap-settled", "true");
  }
  network.on("dragStart", function () { moved = true; });
  network.on("zoom", function () { moved = true; });
  network.on("resize", function () { window.requestAnimationFrame(fit); });
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", fit);
    network.once("stabilized", settle);
    window.setTimeout(settle, 4000);  // physics that never comes to rest still gets a view
  } else {  // after the first drawing: the labels' sizes are known then, and the view fits them too
    network.once("afterDrawing", function () { window.requestAnimationFrame(settle); });
  }
  network.once("afterDrawing", function () {
    window.relmapNodeCount = network.body.data.nodes.length;
    window.relmapEdgeCount = network.body.data.edges.length;
    container.setAttribute("data-relmap-nodes", String(window.relmapNodeCount));
    container.setAttribute("data-relmap-edges", String(window.relmapEdgeCount));
    window.relmapDrawn = true;
  });
})();"""


def page_html(data: Mapping[str, Any], legend: str, *, height: str, shown: int, total: int) -> str:
    """The whole page: the drawing (``data``: vis-network's nodes, edges and options) above
    ``legend``, ``height`` tall (a CSS length the caller has checked).

    >>> page = page_html({"nodes": [], "edges": [], "options": {"physics": {"enabled": False}}}, "<p>key</p>",
    ...                  height="300px", shown=0, total=0)
    >>> page.startswith("<!DOCTYPE html>"), "height: 300px" in page, "Content-Security-Policy" in page
    (True, True, True)
    """
    vis_js, vis_css = _vis_assets()
    csp = ("default-src 'none'; " f"script-src {_sha256(vis_js)} {_sha256(_PAGE_JS)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'")
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n',
        "<title>relmap network</title>\n",
        f"<style>{vis_css}</style>\n",
        "<style>", _PAGE_CSS.replace("%(height)s", height), "</style>\n",
        f"<script>{vis_js}</script>\n",
        "</head>\n<body>\n",
        f'<div id="relmap-network" data-relmap-shown="{shown}" data-relmap-total="{total}"></div>\n',
        legend, "\n",
        '<script type="application/json" id="relmap-data">', _script_json(data), "</script>\n",
        f"<script>{_PAGE_JS}</script>\n",
        "</body>\n</html>\n",
    ])
