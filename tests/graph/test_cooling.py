"""Cooling ties and account value, on planted ties and on the example story, on every store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from graph.analysis.config import Config
from graph.analysis.accounts import AccountValue, account_values
from graph.analysis.cooling import cooling_ties
from graph.store import Store
from graph.store.base import Reader
from ingest import check_folder
from tests.helpers import write_folder

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "demo"
AS_OF = date(2026, 11, 26)
CFG = Config()


def _d(days_ago: int) -> str:
    return (AS_OF - timedelta(days=days_ago)).isoformat()


def _files() -> dict[str, str | bytes | None]:
    rows = ["id,date,type,participants,org_id"]
    n = 0

    def series(kind: str, who: str, last_ago: int, times: int, every: int) -> None:
        nonlocal n
        for i in range(times):
            n += 1
            rows.append(f"I{n},{_d(last_ago + i * every)},{kind},{who},")

    series("tennis", "P1;P10", 200, 12, 14)   # strong, last seen 200 days ago: cooling
    series("dinner", "P2;P20", 120, 10, 14)   # strong, last seen 120 days ago: cooling at 90, not at 150
    series("dinner", "P1;P21", 150, 3, 20)    # strong but weaker, 150 days ago: cooling, same account
    series("tennis", "P1;P30", 10, 12, 14)    # strong, seen 10 days ago: not cooling
    series("email", "P2;P40", 300, 1, 1)      # weak and old: not strong, not listed
    return {
        "organisations.csv": ("id,name,kind,industry,annual_revenue\n"
                              "O-OWN,Us,own,,\nO-BIG,Big Co,customer,,\nO-SMALL,Small Co,customer,,99999999\n"
                              "O-REV,Revenue Co,prospect,,50000\nO-NONE,Nothing Co,prospect,,\n"),
        "people.csv": ("id,name,org_id,title,role\n"
                       "P1,Rita Rep,O-OWN,AE,rep\nP2,Sam Rep,O-OWN,AE,rep\nP3,Mia Manager,O-OWN,Head of Sales,manager\n"
                       "P10,Sol Small,O-SMALL,CTO,decision_maker\n"
                       "P20,Bea Big,O-BIG,CEO,decision_maker\nP21,Ben Big,O-BIG,CFO,decision_maker\n"
                       "P30,Bo Busy,O-BIG,CIO,decision_maker\nP40,Sid Small,O-SMALL,Engineer,user\n"
                       "P50,Rae Rev,O-REV,CEO,decision_maker\nP51,Ron Rev,O-REV,CFO,decision_maker\n"),
        "friendships.csv": ("person_a,person_b,kind,since\n"
                            "P1,P10,club,2021-01-01\nP2,P20,friend,2020-01-01\nP1,P21,friend,2020-01-01\n"
                            "P1,P30,friend,2020-01-01\n"
                            "P3,P50,family,2019-05-01\n"          # never met in the record: listed
                            f"P1,P51,family,{_d(10)}\n"),         # declared ten days ago: not yet
        "interactions.csv": "\n".join(rows) + "\n",
        "accounts.csv": "org_id,rep_id,role\nO-BIG,P2,owner\nO-SMALL,P1,owner\n",
        "deals.csv": ("id,org_id,amount,status,rep_id,closed_on\n"
                      f"D1,O-BIG,900000,won,P2,{_d(30)}\n"
                      f"D2,O-SMALL,100000,won,P1,{_d(200)}\n"
                      f"D3,O-SMALL,700000,won,P1,{_d(400)}\n"        # outside the value window
                      f"D4,O-SMALL,500000,won,P1,{(AS_OF + timedelta(days=3)).isoformat()}\n"  # after as_of
                      "D5,O-SMALL,400000,won,P1,\n"                   # undated
                      "D6,O-BIG,800000,open,P2,\n"),
    }


@pytest.fixture
def planted(store: Store, tmp_path: Path) -> Iterator[Reader]:
    data, _ = check_folder(write_folder(tmp_path / "cooling", _files()))
    store.load(data)
    with store.reader() as r:
        yield r


def test_account_values(planted: Reader) -> None:
    """Our business at each account: won in the window plus the open pipeline; the customer's
    annual revenue is never part of it."""
    values = account_values(planted, AS_OF, CFG)
    assert values == {
        "O-BIG": AccountValue(900000.0, 800000.0),    # won in the window, and an open deal
        "O-SMALL": AccountValue(100000.0, 0.0),       # only the dated win inside the window, not after as_of
        "O-REV": AccountValue(0.0, 0.0),              # an annual revenue of 50,000 is its size, not our value
        "O-NONE": AccountValue(0.0, 0.0),
    }
    assert values["O-BIG"].value == 1700000.0


def test_only_quiet_strong_ties_cool_most_valuable_account_first(planted: Reader) -> None:
    found = cooling_ties(planted, AS_OF, CFG, days=90)
    assert [(t.rep_id, t.contact_id) for t in found] == [
        ("P1", "P21"), ("P2", "P20"),   # Big Co (900k won, 800k open): the weaker tie first
        ("P1", "P10"),                  # Small Co (100k)
        ("P3", "P50"),                  # Revenue Co (nothing won or open): a friendship never acted on
    ]
    assert all(t.strength >= CFG.strong_tie for t in found)
    assert [t.value for t in found] == [1700000.0, 1700000.0, 100000.0, 0.0]
    assert found[0].strength < found[1].strength

    small = found[2]
    assert (small.last_interaction, small.days_since) == (AS_OF - timedelta(days=200), 200)
    assert small.suggestion == "Book a tennis match with Sol Small: 6 months since the last one."
    assert found[1].suggestion == "Invite Bea Big to dinner: 4 months since the last one."
    never = found[3]
    assert never.last_interaction is None and never.days_since is None
    assert never.suggestion == "Catch up with Rae Rev: family since 2019-05-01, but no interaction on record."

    doc = json.loads(json.dumps(small.to_json()))
    assert {"rep_id", "rep_name", "contact_id", "contact_name", "org_id", "account", "strength",
            "last_interaction", "days_since", "value", "suggestion"} <= set(doc)
    assert (doc["rep_name"], doc["contact_name"], doc["account"]) == ("Rita Rep", "Sol Small", "Small Co")
    assert doc["last_interaction"] == _d(200) and doc["strength"] == round(doc["strength"], 6)


def test_days_sets_the_cut(planted: Reader) -> None:
    pairs = [(t.rep_id, t.contact_id) for t in cooling_ties(planted, AS_OF, CFG, days=180)]
    assert pairs == [("P1", "P10"), ("P3", "P50")]
    everything = [(t.rep_id, t.contact_id) for t in cooling_ties(planted, AS_OF, CFG, days=5)]
    assert ("P1", "P30") in everything and ("P1", "P51") in everything and ("P2", "P40") not in everything
    # the friendship declared ten days ago counts as quiet only once `days` is shorter than that
    assert ("P1", "P51") not in [(t.rep_id, t.contact_id) for t in cooling_ties(planted, AS_OF, CFG, days=10)]


def test_nothing_after_as_of_counts(planted: Reader) -> None:
    earlier = AS_OF - timedelta(days=100)
    for t in cooling_ties(planted, earlier, CFG, days=30):
        assert t.last_interaction is None or t.last_interaction <= earlier


def test_example_story_cooling(store: Store) -> None:
    data, _ = check_folder(EXAMPLES)
    store.load(data)
    with store.reader() as r:
        found = cooling_ties(r, AS_OF, CFG, days=90)
    assert found, "the example story has ties that went quiet"
    values = [t.value for t in found]
    assert values == sorted(values, reverse=True)
    for t in found:
        assert t.strength >= CFG.strong_tie
        assert t.days_since is None or t.days_since > 90
