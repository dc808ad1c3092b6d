"""Where a chart's point labels go so that none overlaps another label or another point.

Vega-Lite draws a text mark where it is told and does not move it out of the way, so
two accounts at nearly the same place (Telco Meridian and Astra Logistics, both at the
top right of the stages chart) would print their names on top of each other. The stages
page asks :func:`place_labels` instead: each label goes beside its point, on the side
where it fits inside the plot (to the left near the right edge), and moves up or down a
line, or to the other side, until it is clear of the labels already placed and of every
other point. A name that finds no clear place (in a crowd of points) is left out: the
point's tooltip still names it.

The plot is measured in pixels: the page gives its height (fixed) and an estimate of its
width (the chart stretches with the page; a narrower estimate is the cautious one) and of
the text's width per character.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["Label", "place_labels"]


class Label(NamedTuple):
    """A point's label: ``y`` in data units (where its middle goes), the ``side`` of the point
    it stands on (``"left"`` or ``"right"``) and whether it found a place clear of the others."""

    y: float
    side: str
    clear: bool


def place_labels(points: Sequence[tuple[float, float, str]], *, width: float, height: float,
                 char_px: float = 6.5, line_px: float = 13.0, gap_px: float = 9.0, radius_px: float = 8.0,
                 max_lines: int = 8) -> list[Label]:
    """A label for each of ``points`` (``(x, y, text)``, both in ``[0, 1]``), in their order.

    Labels are placed top to bottom. Each tries its own height first, on the side where
    it fits inside the plot and then on the other, then one line lower, one line higher,
    and so on up to ``max_lines`` lines away; the first place clear of every label
    placed and of every other point (a circle of ``radius_px``) wins. Where none is
    clear (a crowd of points), ``clear`` is False and the label is left at its point's
    height: the chart leaves such a name out rather than write it over another.

    >>> a, b = place_labels([(0.999, 0.94, "Telco Meridian"), (0.994, 0.93, "Astra Logistics")],
    ...                     width=700, height=460)
    >>> a.side, b.side, a.clear and b.clear
    ('left', 'left', True)
    >>> round((a.y - b.y) * 460) >= 13  # a line apart
    True
    >>> place_labels([(0.1, 0.5, "Acme")], width=700, height=460)
    [Label(y=0.5, side='right', clear=True)]
    """
    px = [(x * width, (1.0 - y) * height) for x, y, _ in points]
    placed: list[tuple[float, float, float, float]] = []  # boxes: left, top, right, bottom
    out: list[Label | None] = [None] * len(points)

    def box(i: int, side: str, cy: float) -> tuple[float, float, float, float]:
        x, _ = px[i]
        w = char_px * len(points[i][2])
        left = x + gap_px if side == "right" else x - gap_px - w
        return left, cy - line_px / 2, left + w, cy + line_px / 2

    def clear(i: int, b: tuple[float, float, float, float]) -> bool:
        left, top, right, bottom = b
        if left < 0 or right > width or top < -line_px / 2 or bottom > height + line_px / 2:  # centre inside
            return False
        if any(left < r and l < right and top < bt and t < bottom for l, t, r, bt in placed):
            return False
        for j, (x, y) in enumerate(px):
            if j != i and left - radius_px < x < right + radius_px and top - radius_px < y < bottom + radius_px:
                return False
        return True

    for i in sorted(range(len(points)), key=lambda i: (px[i][1], px[i][0])):
        x, y = px[i]
        w = char_px * len(points[i][2])
        first = "right" if x + gap_px + w <= width else "left"
        sides = (first, "left" if first == "right" else "right")
        offsets = [0.0] + [s * k * line_px for k in range(1, max_lines + 1) for s in (1, -1)]
        found = next(((side, y + dy) for dy in offsets for side in sides if clear(i, box(i, side, y + dy))), None)
        side, cy = found if found is not None else (first, y)
        if found is not None:
            placed.append(box(i, side, cy))
        out[i] = Label(round(1.0 - cy / height, 6), side, found is not None)
    return [label for label in out if label is not None]
