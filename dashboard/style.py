"""How the network drawing encodes people and ties: colours, shapes, sizes, widths.

Colour by organisation (:func:`org_colors`: every organisation drawn in its own colour of
:data:`ORG_PALETTE`, the rest grouped as "other" in :data:`OTHER_COLOR`; our own organisation
purple) or by stage (:data:`STAGE_COLORS`); reps are diamonds, decision makers stars, focus
people larger with a dark ring; edge width ``1 + 7 * strength``; personal ties (or any
declared friendship) solid terracotta, business ties dashed steel blue, other relationships
(a Cypher result's ``WORKS_AT``, ``COVERS``...) thin grey; each highlighted path in its own
colour of :data:`PATH_COLORS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.model import Organisation, Person

__all__ = ["NodeStyle", "node_style", "org_color", "org_colors", "path_color", "edge_width", "ORG_PALETTE",
           "OWN_COLOR", "OTHER_COLOR", "STAGE_COLORS", "PERSONAL_EDGE_COLOR", "BUSINESS_EDGE_COLOR",
           "OTHER_EDGE_COLOR", "PATH_COLOR", "PATH_COLORS", "FOCUS_BORDER"]

#: Organisation colours: twelve that tell apart on a white page (no purple: that is ours; no
#: grey: that is "other"). A drawing gives each organisation its own (:func:`org_colors`).
ORG_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#17becf", "#8c564b",
    "#e377c2", "#bcbd22", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896",
)
#: The organisations a drawing has no palette colour left for, together ("other").
OTHER_COLOR = "#bdbdbd"
#: Our own organisation (kind ``"own"``): our team, in either colouring.
OWN_COLOR = "#5b2a86"
#: Colours by relationship stage of the person's organisation; unknown stages are outsiders.
STAGE_COLORS: Mapping[str, str] = {
    "outsider": "#9e9e9e",
    "friend": "#1f77b4",
    "supplier": "#ff7f0e",
    "partner": "#2ca02c",
}
#: Personal-dominant ties (or any declared friendship): solid.
PERSONAL_EDGE_COLOR = "#e07a5f"
#: Business-dominant ties: dashed.
BUSINESS_EDGE_COLOR = "#6c8ebf"
#: Relationships that are neither (a Cypher result's WORKS_AT, COVERS, ATTENDED...): thin, solid.
OTHER_EDGE_COLOR = "#9e9e9e"
#: Highlighted paths, one colour each (edges and the ring of the people on them); the first
#: path is magenta. Ten, as many as the Introductions page finds at most.
PATH_COLORS = (
    "#d1147a", "#1f78b4", "#e6ab02", "#1b9e77", "#d95f02",
    "#7570b3", "#66a61e", "#a6761d", "#17becf", "#444444",
)
PATH_COLOR = PATH_COLORS[0]

#: The ring of the people a drawing is about.
FOCUS_BORDER = "#111111"
_UNKNOWN_COLOR = OTHER_COLOR


@dataclass(frozen=True)
class NodeStyle:
    """How one person is drawn: fill, ring, vis shape and size (px).

    >>> node_style(Person("p", "Ann", "o", role="rep"), Organisation("o", "Us", "own"))
    NodeStyle(color='#5b2a86', border='#5b2a86', border_width=1, shape='diamond', size=20)
    """

    color: str
    border: str
    border_width: int
    shape: str
    size: int

    def to_vis(self) -> dict[str, Any]:
        """The vis-network node fields for this style."""
        return {
            "shape": self.shape,
            "size": self.size,
            "borderWidth": self.border_width,
            "borderWidthSelected": self.border_width + 2,
            "color": {
                "background": self.color,
                "border": self.border,
                "highlight": {"background": self.color, "border": FOCUS_BORDER},
                "hover": {"background": self.color, "border": FOCUS_BORDER},
            },
        }


def org_color(org_id: str) -> str:
    """The palette colour of an organisation: the same for the same id, in every drawing.

    >>> org_color("O1") == org_color("O1"), org_color("O1") in ORG_PALETTE
    (True, True)
    """
    digest = hashlib.sha1(org_id.encode("utf-8")).digest()
    return ORG_PALETTE[int.from_bytes(digest[:4], "big") % len(ORG_PALETTE)]


def org_colors(counts: Mapping[str, int]) -> dict[str, str]:
    """A colour of its own for each organisation of a drawing, as far as the palette goes.

    ``counts`` holds how many people of each organisation (by id) the drawing shows. The
    organisations with the most people come first; each takes its own :func:`org_color`
    when no organisation before it has, else the next free palette colour (so an
    organisation keeps its colour from drawing to drawing as far as it can). Organisations
    past the palette's length are left out: the drawing shows them in :data:`OTHER_COLOR`.

    >>> colors = org_colors({f"O{i}": 1 for i in range(14)})
    >>> len(colors), len(set(colors.values())), set(colors.values()) == set(ORG_PALETTE)
    (12, 12, True)
    >>> org_colors({"O1": 3}) == {"O1": org_color("O1")}
    True
    """
    taken: set[str] = set()
    out: dict[str, str] = {}
    for org_id in sorted(counts, key=lambda o: (-counts[o], o)):
        if len(out) == len(ORG_PALETTE):
            break
        start = ORG_PALETTE.index(org_color(org_id))
        color = next(c for i in range(len(ORG_PALETTE))
                     if (c := ORG_PALETTE[(start + i) % len(ORG_PALETTE)]) not in taken)
        taken.add(color)
        out[org_id] = color
    return out


def path_color(index: int) -> str:
    """The colour of the ``index``-th highlighted path (0 is the first), cycling past ten.

    >>> path_color(0) == PATH_COLOR, len({path_color(i) for i in range(10)})
    (True, 10)
    """
    return PATH_COLORS[index % len(PATH_COLORS)]


def edge_width(strength: float) -> float:
    """Edge width in px for a tie strength in ``[0, 1]``: ``1 + 7 * strength``.

    >>> edge_width(0.0), edge_width(0.5), edge_width(1.0)
    (1.0, 4.5, 8.0)
    """
    return round(1.0 + 7.0 * min(1.0, max(0.0, strength)), 2)


def node_style(person: Person | None, org: Organisation | None, *, color_by: str = "organisation",
               stage: str | None = None, focus: bool = False, on_path: bool | str = False,
               colors: Mapping[str, str] | None = None) -> NodeStyle:
    """The style of one person (``None`` when unknown) at ``org``.

    ``color_by="stage"`` colours by ``stage`` (the organisation's relationship
    stage); our own organisation is :data:`OWN_COLOR` either way. ``colors`` (from
    :func:`org_colors`) gives each organisation of a drawing its colour; one it leaves
    out is :data:`OTHER_COLOR`. ``on_path`` may name the ring colour (the path's).

    >>> p = Person("p", "Bo", "o", role="decision_maker")
    >>> node_style(p, Organisation("o", "Acme", "customer"), color_by="stage", stage="partner", focus=True)
    NodeStyle(color='#2ca02c', border='#111111', border_width=4, shape='star', size=26)
    """
    if color_by not in ("organisation", "stage"):
        raise ValueError(f"color_by must be 'organisation' or 'stage', not {color_by!r}")
    if org is not None and org.kind == "own":
        color = OWN_COLOR
    elif color_by == "stage":
        color = STAGE_COLORS.get(stage or "outsider", STAGE_COLORS["outsider"])
    elif person is not None:
        org_id = org.id if org is not None else person.org_id
        color = (colors.get(org_id, OTHER_COLOR) if colors is not None else org_color(org_id))
    else:
        color = _UNKNOWN_COLOR
    role = person.role if person is not None else "other"
    shape, size = {"rep": ("diamond", 20), "decision_maker": ("star", 18)}.get(role, ("dot", 11))
    border, border_width = color, 1
    if on_path:
        border, border_width = (on_path if isinstance(on_path, str) else PATH_COLOR), 3
    if focus:
        border, border_width, size = FOCUS_BORDER, 4, size + 8
    return NodeStyle(color, border, border_width, shape, size)
