"""The stages chart's account names: none overlaps another name, another point or the plot's edge."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from dashboard.labels import Label, place_labels
from dashboard.views.stages import CHART_HEIGHT, LABEL_WIDTH_GUESS, name_frame

CHAR, LINE, GAP, RADIUS = 6.5, 13.0, 9.0, 8.0

#: The example story as of 2026-11-26: (institutional, personal, name). Telco Meridian and Astra
#: Logistics sit 4 px apart at the top right, next to where the legend used to be.
STORY = [(0.9941, 0.9301, "Astra Logistics"), (0.041, 0.993, "Bluefin Foods"), (0.8517, 0.8465, "Helix Health"),
         (0.9996, 0.0, "Kestrel Bank"), (0.012, 0.0, "Quarry Point Mining"), (0.187, 0.35, "Summit Integrators"),
         (0.999, 0.9397, "Telco Meridian")]


def boxes(points: list[tuple[float, float, str]], labels: list[Label], width: float, height: float
          ) -> list[tuple[float, float, float, float]]:
    """Each label's box in pixels (left, top, right, bottom), as the chart draws it."""
    out = []
    for (x, _, text), label in zip(points, labels):
        w, px, cy = CHAR * len(text), x * width, (1 - label.y) * height
        left = px + GAP if label.side == "right" else px - GAP - w
        out.append((left, cy - LINE / 2, left + w, cy + LINE / 2))
    return out


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def check(points: list[tuple[float, float, str]], width: float, height: float) -> list[Label]:
    labels = place_labels(points, width=width, height=height)
    assert len(labels) == len(points)
    placed = boxes(points, labels, width, height)
    for i, (box, label) in enumerate(zip(placed, labels)):
        if not label.clear:
            continue
        assert 0 <= box[0] and box[2] <= width and -LINE / 2 <= box[1] and box[3] <= height + LINE / 2, (i, box)
        for j, other in enumerate(placed):
            if j != i and labels[j].clear:
                assert not overlaps(box, other), (points[i][2], points[j][2])
        for j, (x, y, _) in enumerate(points):
            if j != i:
                px, py = x * width, (1 - y) * height
                assert not overlaps(box, (px - RADIUS, py - RADIUS, px + RADIUS, py + RADIUS)), (points[i][2], j)
    return labels


def test_the_story_names_stand_apart() -> None:
    labels = dict(zip((p[2] for p in STORY), check(STORY, LABEL_WIDTH_GUESS, CHART_HEIGHT)))
    assert all(label.clear for label in labels.values())
    telco, astra = labels["Telco Meridian"], labels["Astra Logistics"]
    assert telco.side == astra.side == "left"  # at the right edge: written to the left, inside the plot
    assert abs(telco.y - astra.y) * CHART_HEIGHT >= LINE
    assert labels["Bluefin Foods"].side == "right"


def test_the_stages_page_places_the_story_names_the_same_way() -> None:
    frame = pd.DataFrame([{"account": n, "stage": "partner", "institutional": x, "personal": y} for x, y, n in STORY])
    names = name_frame(frame)
    assert list(names["account"]) == [n for _, _, n in STORY] and names["clear"].all()
    assert set(names["side"]) == {"left", "right"}


@pytest.mark.parametrize("seed", range(20))
def test_random_charts_never_overlap_a_placed_name(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(2, 40)
    points = [(round(rng.random(), 3), round(rng.random(), 3), "Account " + "x" * rng.randint(0, 14))
              for _ in range(n)]
    if seed % 4 == 0:  # a crowd at one corner
        points = [(0.98 + rng.random() / 50, 0.95 + rng.random() / 20, f"Crowded {i}") for i in range(8)]
    labels = check(points, 640, 460)
    assert sum(label.clear for label in labels) >= len(labels) * 3 // 4  # most find a place
