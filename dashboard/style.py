"""How the network drawing encodes people and ties: colours, shapes, sizes, widths.

Colour by organisation (a stable palette keyed by org id; our own organisation purple) or by
stage (:data:`STAGE_COLORS`); reps are diamonds, decision makers stars, focus people larger
with a dark ring; edge width ``1 + 7 * strength``; personal ties (or any declared friendship)
solid terracotta, business ties dashed steel blue; path edges magenta.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.model import Organisation, Person

__all__ = ["NodeStyle", "node_style", "org_color", "edge_width", "ORG_PALETTE", "OWN_COLOR", "STAGE_COLORS",
           "PERSONAL_EDGE_COLOR", "BUSINESS_EDGE_COLOR", "PATH_COLOR", "FOCUS_BORDER"]

#: Organisation colours, picked by a hash of the org id (no purple: that is ours; no grey).
ORG_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5",
)
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
#: Highlighted paths: edges and the ring of the people on them.
PATH_COLOR = "#d1147a"

#: The ring of the people a drawing is about.
FOCUS_BORDER = "#111111"
_UNKNOWN_COLOR = "#bdbdbd"


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


def edge_width(strength: float) -> float:
    """Edge width in px for a tie strength in ``[0, 1]``: ``1 + 7 * strength``.

    >>> edge_width(0.0), edge_width(0.5), edge_width(1.0)
    (1.0, 4.5, 8.0)
    """
    return round(1.0 + 7.0 * min(1.0, max(0.0, strength)), 2)


def node_style(person: Person | None, org: Organisation | None, *, color_by: str = "organisation",
               stage: str | None = None, focus: bool = False, on_path: bool = False) -> NodeStyle:
    """The style of one person (``None`` when unknown) at ``org``.

    ``color_by="stage"`` colours by ``stage`` (the organisation's relationship
    stage); our own organisation is :data:`OWN_COLOR` either way.

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
    elif org is not None:
        color = org_color(org.id)
    elif person is not None:
        color = org_color(person.org_id)
    else:
        color = _UNKNOWN_COLOR
    role = person.role if person is not None else "other"
    shape, size = {"rep": ("diamond", 20), "decision_maker": ("star", 18)}.get(role, ("dot", 11))
    border, border_width = color, 1
    if on_path:
        border, border_width = PATH_COLOR, 3
    if focus:
        border, border_width, size = FOCUS_BORDER, 4, size + 8
    return NodeStyle(color, border, border_width, shape, size)
