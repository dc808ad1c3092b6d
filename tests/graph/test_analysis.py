"""Analyses on planted structures and on the example story, on every store."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.analysis.config import Config
from graph.analysis.contacts import mutual_contacts, who_knows
from graph.analysis.departure import departure_whatif, write_handover_plan
from graph.analysis.introductions import rapport_paths
from graph.analysis.risk import account_risk
from graph.analysis.search import Match, find_by_name
from graph.analysis.tie_reads import ties_of
from graph.model import Dataset
from graph.store import SQLiteStore, Store
from graph.store.base import Reader
from ingest import check_folder
from relmap.cli import cli
from tests.helpers import loaded_reader, write_folder

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "demo"
AS_OF = date(2026, 11, 26)
CFG = Config()


@pytest.fixture
def story(store: Store) -> Iterator[Reader]:
    data, _ = check_folder(EXAMPLES)
    store.load(data)
    with store.reader() as r:
        yield r


# -- a planted world: one account only Rita touches, one three reps cover evenly ---------
PLANTED = {
    "organisations.csv": "id,name,kind,annual_revenue\nUS,Us,own,\nSOLO,Solo Corp,customer,1000\n"
                         "EVEN,Even Inc,customer,500\nCLUB,Tennis Club,other,\n",
    "people.csv": ("id,name,org_id,title,role\n"
                   "R1,Rita,US,AE,rep\nR2,Sam,US,AE,rep\nR3,Tom,US,AE,rep\n"
                   "S1,Sol,SOLO,CTO,decision_maker\nS2,Sue,SOLO,Engineer,user\n"
                   "E1,Eve,EVEN,CEO,decision_maker\nE2,Ed,EVEN,CFO,decision_maker\nE3,Em,EVEN,CTO,decision_maker\n"
                   "C1,Carl,CLUB,,other\n"),
    "friendships.csv": "person_a,person_b,kind,since\nR1,S1,friend,2020-01-01\nR1,S2,club,2021-01-01\n"
                       "R1,E1,friend,2020-01-01\nR2,E2,friend,2020-01-01\nR3,E3,friend,2020-01-01\n"
                       "R2,C1,club,2019-01-01\nC1,S1,family,\n",
    "interactions.csv": ("id,date,type,participants,org_id\n"
                         "I1,2026-11-01,tennis,R1;S1,SOLO\nI2,2026-10-01,dinner,R1;S1,SOLO\n"
                         "I3,2026-11-10,tennis,R1;E1,EVEN\nI4,2026-11-10,tennis,R2;E2,EVEN\n"
                         "I5,2026-11-10,tennis,R3;E3,EVEN\nI6,2026-11-20,tennis,R2;C1,\n"
                         "I7,2027-01-01,dinner,R3;S1,SOLO\n"),
    "accounts.csv": "org_id,rep_id,role\nSOLO,R1,owner\nEVEN,R1,owner\nEVEN,R2,support\nEVEN,R3,support\n",
    "deals.csv": "id,org_id,amount,status,rep_id,closed_on\nD1,SOLO,90000,won,R1,2026-06-01\n",
}


@pytest.fixture
def planted(store: Store, tmp_path: Path) -> Iterator[Reader]:
    yield from loaded_reader(store, tmp_path / "planted", dict(PLANTED))


def test_account_one_rep_touches_is_high_risk(planted: Reader) -> None:
    risk = {a.org_id: a for a in account_risk(planted, AS_OF, CFG)}
    solo = risk["SOLO"]
    assert (solo.top_rep_id, solo.top_share, solo.bus_factor, solo.level) == ("R1", 1.0, 1, "high")
    assert (solo.value, solo.won_last_year, solo.pipeline) == (90000, 90000, 0)  # won in the last year
    assert solo.annual_revenue == 1000 and solo.to_json()["annual_revenue"] == 1000  # its size, apart
    assert solo.value_at_risk == 90000  # high: all of it hangs on Rita


def test_account_three_reps_cover_evenly_is_low_risk(planted: Reader) -> None:
    even = {a.org_id: a for a in account_risk(planted, AS_OF, CFG)}["EVEN"]
    assert even.bus_factor == 3 and even.level == "low"
    assert sorted(r.rep_id for r in even.reps) == ["R1", "R2", "R3"]
    assert all(abs(r.share - 1 / 3) < 1e-9 for r in even.reps)
    assert even.value == 0 and even.annual_revenue == 500  # no deal: worth nothing to us yet, whatever its size
    assert even.value_at_risk == 0


def test_risk_is_ordered_highest_first(planted: Reader) -> None:
    assert [a.org_id for a in account_risk(planted, AS_OF, CFG)] == ["SOLO", "EVEN"]


def test_future_evidence_is_ignored(planted: Reader) -> None:
    # I7 (R3 dining with Sol) is dated after as-of: Tom has no tie to Sol yet
    assert "R3" not in {m["id"] for m in who_knows(planted, "S1", AS_OF, CFG)["known_by"]}
    assert "R3" in {m["id"] for m in who_knows(planted, "S1", date(2027, 1, 2), CFG)["known_by"]}


def test_whatif_orphans_and_successor_through_shared_friend(planted: Reader) -> None:
    dep = departure_whatif(planted, "R1", AS_OF, CFG)
    orphans = {o.contact_id: o for _, _, os in dep.accounts for o in os}
    assert set(orphans) >= {"S1", "E1"}
    # Sam plays tennis with Carl, whose family Sol is: Sam is Sol's successor
    assert orphans["S1"].successor_id == "R2"
    assert orphans["S1"].path is not None and orphans["S1"].path.people == ["R2", "C1", "S1"]
    # Ed and Em stay covered by Sam and Tom: only Eve is orphaned at Even
    assert [o.contact_id for oid, _, os in dep.accounts if oid == "EVEN" for o in os] == ["E1"]


def test_handover_plan_csv_neutralises_formulas(store: Store, tmp_path: Path) -> None:
    files = dict(PLANTED)
    files["people.csv"] = files["people.csv"].replace("S1,Sol,SOLO,CTO", 'S1,"=HYPERLINK(""http://x"")",SOLO,@CTO')
    data, _ = check_folder(write_folder(tmp_path / "f", files))
    store.load(data)
    plan = tmp_path / "plan.csv"
    with store.reader() as r:
        write_handover_plan(departure_whatif(r, "R1", AS_OF, CFG), plan)
    with plan.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    sol = next(r for r in rows if r["contact_id"] == "S1")
    assert sol["contact"] == "'=HYPERLINK(\"http://x\")" and sol["title"] == "'@CTO"


def test_strong_path_beats_weak_decoy(story: Reader) -> None:
    found = rapport_paths(story, "P-010", AS_OF, CFG, sources=["P-003"], k=10)
    assert found[0].people == ["P-003", "P-080", "P-010"]
    decoy = [p for p in found if p.people == ["P-003", "P-070", "P-010"]]
    assert decoy and decoy[0].strength < found[0].strength / 10
    assert [p.strength for p in found] == sorted((p.strength for p in found), reverse=True)
    assert "34 tennis, last 2026-11-14" in found[0].ties[0].explain()


def test_paths_respect_max_hops_and_avoid(story: Reader) -> None:
    assert rapport_paths(story, "P-010", AS_OF, CFG, sources=["P-003"], max_hops=1) == []
    avoided = rapport_paths(story, "P-010", AS_OF, CFG, sources=["P-003"], k=5, avoid=["P-080"])
    assert all("P-080" not in p.people for p in avoided)


def test_paths_without_from_start_at_every_rep(story: Reader) -> None:
    found = rapport_paths(story, "P-040", AS_OF, CFG, k=3)
    assert found[0].people == ["P-004", "P-081", "P-040"]


def test_mutual_contacts_strongest_first(story: Reader) -> None:
    found = mutual_contacts(story, "P-003", "P-010", AS_OF, CFG)
    assert found[0]["id"] == "P-080"
    assert found == sorted(found, key=lambda m: -m["strength"])


@pytest.mark.parametrize("text, limit", [("telco", 20), ("TELCO", 20), ("an", 20), ("e", 7), ("P-010", 20),
                                         ("O-KESTREL", 20), ("kestrel b", 20), ("nobody", 20)])
def test_search_by_name_or_id_exact_id_first(story: Reader, text: str, limit: int) -> None:
    """People and organisations whose name contains the text (any case) or whose id is it, at
    most ``limit``: the exact id first, then by name, then by id."""
    data, _ = check_folder(EXAMPLES)
    org_name = {o.id: o.name for o in data.organisations}
    want = [Match("person", p.id, p.name, f"{p.title or ''} · {org_name[p.org_id]}")
            for p in data.people if text.lower() in p.name.lower() or p.id == text]
    want += [Match("organisation", o.id, o.name, o.kind)
             for o in data.organisations if text.lower() in o.name.lower() or o.id == text]
    want.sort(key=lambda m: (m.id != text, m.name, m.id))
    assert find_by_name(story, text, limit) == want[:limit]
    assert text == "nobody" or want, "the text matches nothing: the comparison proves little"


def test_telco_hangs_on_daniel(story: Reader) -> None:
    risk = account_risk(story, AS_OF, CFG)
    assert risk[0].org_id == "O-TELCO" and risk[0].top_rep_id == "P-002" and risk[0].level == "high"
    helix = next(a for a in risk if a.org_id == "O-HELIX")
    assert helix.bus_factor == 3 and helix.level == "low"


def _cli_json(spec: str, *args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, [*args, "--store", spec, "--json", "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_cli_shapes_follow_the_contract(store_spec: str) -> None:
    assert CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", store_spec]).exit_code == 0
    paths = _cli_json(store_spec, "paths", "--to", "P-010", "--from", "P-003")
    assert paths["target"] == "P-010"
    first = paths["paths"][0]
    assert first["people"][-1] == "P-010" and 0 < first["strength"] <= 1
    assert {"from", "to", "strength", "evidence"} <= set(first["hops"][0])
    mutual = _cli_json(store_spec, "mutual", "P-003", "P-010")
    assert (mutual["a"], mutual["b"]) == ("P-003", "P-010") and {"id", "name"} <= set(mutual["mutual"][0])
    risk = _cli_json(store_spec, "risk")
    assert {"org_id", "name", "value", "reps", "top_rep_id", "top_share", "bus_factor", "level"} <= set(
        risk["accounts"][0])
    whatif = _cli_json(store_spec, "whatif", "--rep", "P-002")
    assert whatif["rep_id"] == "P-002"
    orphan = whatif["accounts"][0]["orphaned"][0]
    assert {"contact_id", "successor_id", "path"} <= set(orphan)
    org = _cli_json(store_spec, "paths", "--to-org", "O-KESTREL")
    assert org["paths"][0]["people"][-1] in org["targets"]


def test_unknown_person_is_usage_error(tmp_path: Path) -> None:
    spec = str(tmp_path / "s")
    CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", spec])
    result = CliRunner().invoke(cli, ["paths", "--to", "P-999", "--store", spec])
    assert result.exit_code == 2
    assert "no person with id 'P-999'" in result.stderr
    assert CliRunner().invoke(cli, ["whatif", "--rep", "P-010", "--store", spec]).exit_code == 2


def test_config_file_changes_the_weights(tmp_path: Path) -> None:
    spec = str(tmp_path / "s")
    CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", spec])
    base = _cli_json(spec, "paths", "--to", "P-010", "--from", "P-003")["paths"][0]["strength"]
    cfg = tmp_path / "relmap.toml"
    cfg.write_text("half_life_days = 30\n[friendship]\nclub = 0.1\nfriend = 0.1\n")
    changed = _cli_json(spec, "paths", "--to", "P-010", "--from", "P-003", "--config", str(cfg))
    assert changed["paths"][0]["strength"] < base
    cfg.write_text("half_lif = 30\n")
    bad = CliRunner().invoke(cli, ["risk", "--store", spec, "--config", str(cfg)])
    assert bad.exit_code == 2 and "unknown setting 'half_lif'" in bad.stderr


@pytest.mark.neo4j
def test_both_stores_give_identical_answers(neo4j_store_session: Store, tmp_path: Path) -> None:
    data, _ = check_folder(EXAMPLES)
    neo = neo4j_store_session
    neo.load(data)
    with SQLiteStore(tmp_path / "s") as lite:
        lite.load(data)
        # as of the kept data's date, and as of an earlier one (the input rows answer then)
        answers = [[_answers(s, when) for when in (AS_OF, date(2026, 6, 1))] for s in (lite, neo)]
    assert answers[0] == answers[1]
    neo.load(Dataset())


def _answers(store: Store, when: date) -> dict[str, object]:
    with store.reader() as r:
        return {
            "risk": [a.to_json() for a in account_risk(r, when, CFG)],
            "whatif": departure_whatif(r, "P-002", when, CFG).to_json(),
            "paths": [p.to_json() for p in rapport_paths(r, "P-010", when, CFG, k=5)],
            "mutual": mutual_contacts(r, "P-003", "P-010", when, CFG),
            "who": who_knows(r, "O-TELCO", when, CFG),
        }


def test_same_type_with_both_natures_counts_both(store: Store, tmp_path: Path) -> None:
    """A business lunch and a personal lunch between the same two people are both evidence."""
    files = dict(PLANTED)
    files["interactions.csv"] = ("id,date,type,participants,org_id,nature\n"
                                 "I1,2026-11-01,lunch,R1;S1,SOLO,business\nI2,2026-11-02,lunch,R1;S1,SOLO,personal\n")
    data, _ = check_folder(write_folder(tmp_path / "lunch", files))
    store.load(data)
    with store.reader() as r:
        ties = {t["id"]: t for t in who_knows(r, "S1", AS_OF, CFG)["known_by"]}
        tie = ties_of(r, ["R1"], AS_OF, CFG)[("R1", "S1")]
    assert sorted((e.type, e.nature, e.times) for e in tie.evidence) == [
        ("lunch", "business", 1), ("lunch", "personal", 1)]
    assert tie.business > 0 and "R1" in ties
