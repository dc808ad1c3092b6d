"""Relationship stages: the example story, a planted world with one account per stage, both stores."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from graph.analysis.config import Config
from graph.analysis.cooling import cooling_ties
from graph.analysis.stages import AccountStage, account_stages
from graph.model import Dataset
from graph.store import SQLiteStore, Store
from graph.store.base import Reader
from ingest import check_folder
from tests.helpers import write_folder

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "demo"
AS_OF = date(2026, 11, 26)
CFG = Config()


def _by_org(found: list[AccountStage]) -> dict[str, AccountStage]:
    return {a.org_id: a for a in found}


# -- the example story -----------------------------------------------------------------------


def test_example_story_stages(store: Store) -> None:
    data, _ = check_folder(EXAMPLES)
    store.load(data)
    with store.reader() as r:
        found = account_stages(r, AS_OF, CFG)
    assert [a.org_id for a in found] == sorted(a.org_id for a in found)
    docs = {a.org_id: a.to_json() for a in found}
    want = {"O-ASTRA": ("partner", None), "O-BLUEFIN": ("friend", "institutional"),
            "O-KESTREL": ("supplier", "personal"), "O-QUARRY": ("outsider", "both")}
    for org, (stage, weak) in want.items():
        assert (docs[org]["stage"], docs[org]["weak_hand"]) == (stage, weak), docs[org]
    for doc in docs.values():
        assert {"org_id", "name", "stage", "personal", "institutional", "weak_hand", "next_step",
                "key_contact", "pairs"} <= set(doc)
        assert doc["next_step"].endswith(".")

    kestrel = docs["O-KESTREL"]
    assert kestrel["key_contact"]["id"] == "P-040"
    assert kestrel["introduction"]["people"] == ["P-004", "P-081", "P-040"]
    assert "Rafael Costa" in kestrel["next_step"] and "Nadia Haddad" in kestrel["next_step"]
    assert "Liam O'Brien" in kestrel["next_step"] and "tennis" in kestrel["next_step"]
    assert docs["O-BLUEFIN"]["key_contact"]["id"] == "P-030"
    assert "Hiroshi Tanaka" in docs["O-BLUEFIN"]["next_step"]
    assert docs["O-QUARRY"]["next_step"].startswith("Lead with the offer")
    assert docs["O-ASTRA"]["next_step"].startswith("Keep both hands strong")
    # everything at Telco hangs on Daniel: the partner move asks for a second rep
    assert "Only Daniel Reyes" in docs["O-TELCO"]["next_step"]

    # pairs: Zoë and the Astra CEO are partners; Liam's ties at Kestrel are business only
    astra = {(p["rep_id"], p["contact_id"]): p for p in docs["O-ASTRA"]["pairs"]}
    assert astra[("P-005", "P-020")]["stage"] == "partner"
    assert {p["stage"] for p in docs["O-KESTREL"]["pairs"]} <= {"supplier", "outsider"}
    assert {p["rep_id"] for p in docs["O-KESTREL"]["pairs"]} <= {"P-002", "P-003", "P-004", "P-005", "P-006"}


# -- a planted world -----------------------------------------------------------------------


def _d(days_ago: int) -> str:
    return (AS_OF - timedelta(days=days_ago)).isoformat()


def _planted_files() -> dict[str, str | bytes | None]:
    rows = ["id,date,type,participants,org_id"]
    n = 0

    def add(kind: str, who: str, org: str, ago: int) -> None:
        nonlocal n
        n += 1
        rows.append(f"I{n},{_d(ago)},{kind},{who},{org}")

    for ago in range(10, 190, 30):                # partner: monthly dinners and meetings
        add("dinner", "P1;P10", "O-PART", ago)
        add("meeting", "P1;P10", "O-PART", ago + 5)
    for ago in range(5, 185, 30):                 # friend: tennis, no business at all
        add("tennis", "P2;P20", "", ago)
    for ago in range(8, 250, 30):                 # supplier: meetings with procurement only
        add("meeting", "P1;P31", "O-SUPP", ago)
    for ago in range(15, 200, 21):                # Sam's tennis partner is the CTO's brother
        add("tennis", "P2;P90", "", ago)
    for ago in range(12, 120, 30):                # second supplier: business only, nobody knows the CFO
        add("meeting", "P1;P36", "O-SUP2", ago)
    add("email", "P1;P40", "O-OUT", 600)          # outsider: one cold e-mail long ago
    for ago in range(6, 150, 21):                 # Rita's club friend is the outsider COO's sister
        add("tennis", "P1;P91", "", ago)
    return {
        "organisations.csv": ("id,name,kind,industry,annual_revenue\n"
                              "O-OWN,Us,own,,\nO-PART,Partner Co,customer,,\nO-FRND,Friend Co,prospect,,\n"
                              "O-SUPP,Supplier Co,customer,,\nO-SUP2,Cold Supplier Co,customer,,\n"
                              "O-OUT,Outsider Co,prospect,,\nO-OUT2,Warm Outsider Co,prospect,,\n"
                              "O-CLUB,Tennis Club,other,,\n"),
        "people.csv": ("id,name,org_id,title,role\n"
                       "P1,Rita Rep,O-OWN,AE,rep\nP2,Sam Rep,O-OWN,AE,rep\nP3,Mia Manager,O-OWN,Head of Sales,manager\n"
                       "P10,Paula Partner,O-PART,CEO,decision_maker\n"
                       "P20,Fred Friend,O-FRND,CEO,decision_maker\n"
                       "P30,Sara Supplier,O-SUPP,CTO,decision_maker\n"
                       "P31,Bill Buyer,O-SUPP,Head of Procurement,influencer\n"
                       "P35,Nina Nopath,O-SUP2,CFO,decision_maker\nP36,Ulf User,O-SUP2,Analyst,user\n"
                       "P40,Otto Outsider,O-OUT,CIO,decision_maker\n"
                       "P45,Olga Open,O-OUT2,COO,decision_maker\n"
                       "P90,Carla Connector,O-CLUB,Member,other\nP91,Dan Door,O-CLUB,Member,other\n"),
        "friendships.csv": ("person_a,person_b,kind,since\n"
                            "P1,P10,friend,2020-01-01\nP2,P20,friend,2021-01-01\n"
                            "P2,P90,club,2022-01-01\nP90,P30,family,\n"
                            "P1,P91,club,2022-06-01\nP91,P45,family,\n"),
        "interactions.csv": "\n".join(rows) + "\n",
        "accounts.csv": ("org_id,rep_id,role,since\n"
                         "O-PART,P1,owner,\nO-FRND,P2,owner,\nO-SUPP,P1,owner,\nO-SUPP,P2,support,\n"
                         "O-SUP2,P1,owner,\nO-OUT,P1,owner,\nO-OUT2,P1,owner,\n"),
        "deals.csv": ("id,org_id,amount,status,rep_id,closed_on\n"
                      f"D1,O-PART,1000000,won,P1,{_d(60)}\n"
                      f"D2,O-SUPP,800000,won,P1,{_d(90)}\n"
                      f"D3,O-SUP2,500000,won,P1,{_d(40)}\n"
                      f"D4,O-FRND,300000,lost,P2,{_d(100)}\n"
                      f"D5,O-FRND,200000,open,P2,\n"
                      f"D6,O-OUT,50000,won,P1,{(AS_OF + timedelta(days=5)).isoformat()}\n"),
    }


@pytest.fixture
def planted(store: Store, tmp_path: Path) -> Iterator[Reader]:
    data, _ = check_folder(write_folder(tmp_path / "planted", _planted_files()))
    store.load(data)
    with store.reader() as r:
        yield r


def test_planted_world_one_account_per_stage(planted: Reader) -> None:
    found = _by_org(account_stages(planted, AS_OF, CFG))
    assert sorted(found) == ["O-FRND", "O-OUT", "O-OUT2", "O-PART", "O-SUP2", "O-SUPP"]  # not own, not other
    stages = {org: (a.stage, a.weak_hand) for org, a in found.items()}
    assert stages == {"O-PART": ("partner", None), "O-FRND": ("friend", "institutional"),
                      "O-SUPP": ("supplier", "personal"), "O-SUP2": ("supplier", "personal"),
                      "O-OUT": ("outsider", "both"), "O-OUT2": ("outsider", "both")}
    for a in found.values():
        assert 0.0 <= a.personal <= 1.0 and 0.0 <= a.institutional <= 1.0

    # friend: rapport with the CEO, nothing won (the lost bid and the open deal are mentioned)
    frnd = found["O-FRND"]
    assert frnd.institutional == 0.0 and frnd.key_contact and frnd.key_contact.id == "P20"
    assert frnd.next_step == ("Turn the rapport with Fred Friend, CEO, into value: bring a proposal "
                              "(no won deal in the last 365 days; 1 open deal worth 200,000).")

    # supplier: the owner (Rita) has no way to the CTO; Sam, the support rep, plays tennis with her brother
    supp = found["O-SUPP"]
    assert supp.personal == 0.0
    assert supp.key_contact and supp.key_contact.id == "P30"
    assert supp.introduction and supp.introduction.people == ("P2", "P90", "P30")
    assert supp.next_step.startswith("Ask Carla Connector, who plays tennis with you (club friends since 2022-01-01; ")
    assert supp.next_step.endswith("to introduce you (Sam Rep) to Sara Supplier, CTO.")

    # supplier with no path: invite the decision maker (the CFO, not the user we meet)
    sup2 = found["O-SUP2"]
    assert sup2.key_contact and sup2.key_contact.id == "P35" and sup2.introduction is None
    assert sup2.next_step == ("Invite Nina Nopath, CFO, to a personal occasion (a dinner, a match): "
                              "nobody on the team has rapport there yet.")

    # outsiders: no warm path -> lead with the offer; two strong hops -> the introduction
    out = found["O-OUT"]
    assert out.institutional == pytest.approx(0.6 * (1 - math.exp(-(2 ** (-600 / 180)) / 4)))  # D6 is after as_of
    assert out.next_step == ("Lead with the offer: a demo or proposal for Otto Outsider, CIO, that beats "
                             "the alternatives on price/performance.")
    out2 = found["O-OUT2"]
    assert out2.introduction and out2.introduction.people == ("P1", "P91", "P45")
    assert out2.introduction.strength >= CFG.strong_tie ** 2
    assert out2.next_step.startswith("Ask Dan Door, who plays tennis with you")
    assert out2.next_step.endswith("to introduce you (Rita Rep) to Olga Open, COO: build the rapport first, "
                                   "then bring a proposal.")

    # partner: only Rita holds a strong tie, and nobody else can reach the CEO
    part = found["O-PART"]
    assert part.next_step.startswith("Keep both hands strong: keep meeting Paula Partner, CEO, in person")
    assert "Only Rita Rep has a strong tie here: ask Rita Rep to introduce a second rep" in part.next_step


def test_planted_pair_stages(planted: Reader) -> None:
    found = _by_org(account_stages(planted, AS_OF, CFG))
    pairs = {(p.rep_id, p.contact_id): p for a in found.values() for p in a.pairs}
    assert pairs[("P1", "P10")].stage == "partner"
    assert pairs[("P2", "P20")].stage == "friend"
    assert pairs[("P1", "P31")].stage == "supplier"     # Rita won the deal with procurement
    assert pairs[("P1", "P36")].stage == "supplier"
    assert pairs[("P1", "P40")].stage == "outsider"
    assert ("P3", "P10") not in pairs                    # only reps have pairs
    # the pair's institutional hand uses only the deals that rep handled
    p = pairs[("P1", "P31")]
    assert p.institutional > CFG.institutional_stage and p.personal == 0.0
    assert all(pj["rep_id"] == "P1" for pj in found["O-PART"].to_json()["pairs"])


def test_thresholds_come_from_the_config(planted: Reader) -> None:
    strict = Config(institutional_stage=0.999, personal_stage=0.999)
    found = _by_org(account_stages(planted, AS_OF, strict))
    assert found["O-PART"].stage == "outsider" and found["O-PART"].weak_hand == "both"
    lenient = Config(institutional_stage=0.001)
    assert _by_org(account_stages(planted, AS_OF, lenient))["O-FRND"].stage == "friend"  # 0 stays 0


def test_no_accounts_no_stages(store: Store) -> None:
    with store.reader() as r:
        assert account_stages(r, AS_OF, CFG) == []


def test_json_is_rounded_and_serialisable(planted: Reader) -> None:
    for a in account_stages(planted, AS_OF, CFG):
        doc = json.loads(json.dumps(a.to_json()))
        for key in ("personal", "institutional"):
            assert doc[key] == round(doc[key], 6)


# -- both stores agree ---------------------------------------------------------------------


@pytest.mark.neo4j
def test_both_stores_give_identical_stages_and_cooling(neo4j_store_session: Store, tmp_path: Path) -> None:
    data, _ = check_folder(EXAMPLES)
    neo = neo4j_store_session
    neo.load(data)
    try:
        with SQLiteStore(tmp_path / "s") as lite:
            lite.load(data)
            answers = [_stages_and_cooling(s) for s in (lite, neo)]
        assert answers[0] == answers[1]
    finally:
        neo.load(Dataset())


def _stages_and_cooling(store: Store) -> str:
    with store.reader() as r:
        return json.dumps({
            "stages": [a.to_json() for a in account_stages(r, AS_OF, CFG)],
            "cooling": [t.to_json() for t in cooling_ties(r, AS_OF, CFG, days=90)],
            "cooling30": [t.to_json() for t in cooling_ties(r, AS_OF, CFG, days=30)],
        }, sort_keys=True, ensure_ascii=False)


def test_one_account_alone_equals_its_place_among_all(store: Store) -> None:
    """The dashboard's drill-down (``only=[org]``, ties read from the account's people) gives
    the same account as the overview (ties read from the team); the overview may skip pairs
    and introductions."""
    data, _ = check_folder(EXAMPLES)
    store.load(data)
    cfg = Config()
    with store.reader() as r:
        every = {a.org_id: a.to_json() for a in account_stages(r, AS_OF, cfg)}
        overview = {a.org_id: a for a in account_stages(r, AS_OF, cfg, introductions=(), pairs=False)}
        alone = {org: account_stages(r, AS_OF, cfg, introductions=[org], only=[org]) for org in every}
    assert every.keys() == overview.keys() and len(every) >= 4
    for org, full in every.items():
        (one,) = alone[org]
        alone_doc = one.to_json()
        assert alone_doc == full, org
        light = overview[org].to_json()
        assert light["pairs"] == [] and light["stage"] == full["stage"] and light["personal"] == full["personal"]
        assert light["next_step"] in ("", full["next_step"])


def test_progress_counts_the_introductions(store: Store) -> None:
    data, _ = check_folder(EXAMPLES)
    store.load(data)
    calls: list[tuple[str, int, int]] = []
    with store.reader() as r:
        found = account_stages(r, AS_OF, CFG, progress=lambda *a: calls.append(a))
    asked = [a for a in found if a.stage in ("supplier", "outsider") and a.key_contact is not None]
    assert asked and calls == [("introductions", n, len(asked)) for n in range(1, len(asked) + 1)]
