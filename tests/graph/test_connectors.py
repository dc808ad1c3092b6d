"""Connectors: planted structures, a brute-force check, and the command's JSON on every store."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from graph.analysis import connectors as module
from graph.analysis.accounts import ACCOUNT_KINDS
from graph.analysis.config import Config
from graph.analysis.connectors import TOLERANCE, find_connectors
from graph.analysis.tie_reads import tie_strengths
from graph.model import Dataset
from graph.derived import ROUTE_LIMIT
from graph.store import Store
from graph.store.neo4j import build as neo4j_build
from graph.store.sqlite import build as sqlite_build
from graph.store.base import Reader
from relmap.cli import cli
from tests.graph import brute_force
from tests.helpers import generated_dataset, loaded_reader

AS_OF = date(2026, 11, 26)
CFG = Config()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "demo"

# -- a planted world -----------------------------------------------------------------------------------
# ACME: Rita has only a cold e-mail with the CTO Ann; Xena (a club member) is Sam's tennis partner and
# Ann's sister: the only strong way in. Pat and Pia are each friends of Tom and of Al: two equal routes.
# Mia (our manager, no rep) is the only way to Ada. BETA hangs on Rita (tennis with Ben); Zed knows Ben
# and Sam: a second route; Zoe knows only Rita and Bo.
PLANTED = {
    "organisations.csv": "id,name,kind\nUS,Us,own\nACME,Acme,customer\nBETA,Beta,prospect\nCLUB,Club,other\n",
    "people.csv": ("id,name,org_id,title,role\n"
                   "R1,Rita,US,AE,rep\nR2,Sam,US,AE,rep\nR3,Tom,US,AE,rep\nM1,Mia,US,Head of Sales,manager\n"
                   "A1,Ann,ACME,CTO,decision_maker\nA2,Al,ACME,Engineer,user\nA3,Ada,ACME,Buyer,influencer\n"
                   "B1,Ben,BETA,CEO,decision_maker\nB2,Bo,BETA,Analyst,user\n"
                   "X1,Xena,CLUB,,other\nP1,Pat,CLUB,,other\nP2,Pia,CLUB,,other\n"
                   "Z1,Zed,CLUB,,other\nZ2,Zoe,CLUB,,other\n"),
    "friendships.csv": ("person_a,person_b,kind,since\n"
                        "R2,X1,club,2020-01-01\nA1,X1,family,\n"
                        "P1,R3,friend,\nA2,P1,friend,\nP2,R3,friend,\nA2,P2,friend,\n"
                        "M1,R1,friend,\nA3,M1,friend,\nR1,R3,club,\n"
                        "B1,R1,friend,2019-01-01\nB1,Z1,friend,\nR2,Z1,friend,\nR1,Z2,friend,\nB2,Z2,friend,\n"),
    "interactions.csv": ("id,date,type,participants,org_id\n"
                         "I1,2026-11-01,tennis,R2;X1,\nI2,2026-10-18,tennis,R2;X1,\nI3,2026-09-20,dinner,R2;X1,\n"
                         "I4,2026-03-02,email,R1;A1,ACME\n"
                         "I5,2026-11-08,tennis,R1;B1,BETA\nI6,2026-10-11,tennis,R1;B1,BETA\n"),
    "accounts.csv": "org_id,rep_id,role\nACME,R1,owner\nBETA,R1,owner\n",
}
TEAM = {"R1", "R2", "R3", "M1"}


@pytest.fixture
def planted(store: Store, tmp_path: Path) -> Iterator[Reader]:
    yield from loaded_reader(store, tmp_path / "planted", dict(PLANTED))


def _strength(r: Reader, a: str, b: str) -> float:
    found = tie_strengths(r, [a], AS_OF, CFG)
    return found[(a, b) if a < b else (b, a)].strength


def test_the_only_strong_way_in_comes_first(planted: Reader) -> None:
    found = find_connectors(planted, AS_OF, CFG, org_id="ACME")
    first = found.connectors[0]
    assert (first.id, first.team, first.org_id) == ("X1", ("R2",), "CLUB")
    via = _strength(planted, "R2", "X1") * _strength(planted, "A1", "X1")
    assert via > 0.5 > _strength(planted, "A1", "R1")  # strong through Xena; Rita's e-mail is cold
    assert [(c.contact_id, c.name) for c in first.reaches] == [("A1", "Ann")]
    assert first.reaches[0].strength == pytest.approx(via)
    assert first.score == pytest.approx(3 * via)  # a decision maker weighs 3
    assert found.successors is None and found.to_json()["org_id"] == "ACME"


def test_equal_parallel_connectors_both_count(planted: Reader) -> None:
    found = {c.id: c for c in find_connectors(planted, AS_OF, CFG, org_id="ACME").connectors}
    assert {"P1", "P2"} <= set(found)
    assert found["P1"].score == found["P2"].score == pytest.approx(0.55 * 0.55)
    assert found["P1"].team == found["P2"].team == ("R3",)
    order = [c for c in found if c in ("P1", "P2")]
    assert order == ["P1", "P2"]  # equal scores: by id


def test_nobody_on_our_team_is_a_connector(planted: Reader) -> None:
    for org in ("ACME", "BETA", None):
        found = find_connectors(planted, AS_OF, CFG, org_id=org)
        assert not {c.id for c in found.connectors} & TEAM, org
    # Mia (our manager) is the only way to Ada: she carries it, but she is on our team
    acme = find_connectors(planted, AS_OF, CFG, org_id="ACME")
    assert "A3" not in {x.contact_id for c in acme.connectors for x in c.reaches}


def test_whole_book_ranks_by_the_access_we_would_lose(planted: Reader) -> None:
    found = find_connectors(planted, AS_OF, CFG)
    ids = [c.id for c in found.connectors]
    # Xena: Ann falls back to the route through Mia; Zoe: nobody else reaches Bo;
    # Pat and Pia stand in for each other; Zed's route to Ben is weaker than Rita's own tie
    assert ids == ["X1", "Z2"]
    s = {(a, b): _strength(planted, a, b) for a, b in (("R2", "X1"), ("A1", "X1"), ("R1", "M1"), ("A3", "M1"),
                                                      ("R1", "Z2"), ("B2", "Z2"))}
    xena = s[("R2", "X1")] * s[("A1", "X1")]
    without = max(_strength(planted, "A1", "R1"), 0.0)  # no other two-hop route reaches Ann
    assert found.connectors[0].score == pytest.approx(3 * (xena - without))
    assert found.connectors[1].score == pytest.approx(1 * s[("R1", "Z2")] * s[("B2", "Z2")])
    assert [x.contact_id for x in found.connectors[1].reaches] == ["B2"]


def test_successors_of_a_high_risk_account_name_another_rep(planted: Reader) -> None:
    found = find_connectors(planted, AS_OF, CFG)
    assert found.successors is not None
    beta = {s.org_id: s for s in found.successors}["BETA"]
    assert beta.top_rep_id == "R1"
    assert [(r.id, r.rep_id, r.contact_id) for r in beta.routes] == [("Z1", "R2", "B1")]  # Zoe knows only Rita
    assert beta.routes[0].strength == pytest.approx(_strength(planted, "R2", "Z1") * _strength(planted, "B1", "Z1"))
    assert "ACME" not in {s.org_id for s in found.successors}  # nobody holds a strong tie there: low risk
    doc = found.to_json()
    assert doc["successors"][0]["routes"][0] == {
        "id": "Z1", "name": "Zed", "org_id": "CLUB", "rep_id": "R2", "rep_name": "Sam", "contact_id": "B1",
        "contact_name": "Ben", "strength": round(beta.routes[0].strength, 6)}


# -- the command line ------------------------------------------------------------------------------------
def test_unknown_org_exits_2_with_the_hint(tmp_path: Path) -> None:
    spec = str(tmp_path / "s")
    assert CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", spec]).exit_code == 0
    result = CliRunner().invoke(cli, ["connectors", "--org", "O-NOPE", "--store", spec])
    assert result.exit_code == 2
    assert "no organisation with id 'O-NOPE'" in result.stderr and "relmap search TEXT" in result.stderr
    cased = CliRunner().invoke(cli, ["connectors", "--org", "o-telco", "--store", spec, "--json"])
    assert cased.exit_code == 2 and "did you mean 'O-TELCO' (Telco Meridian)" in cased.stderr
    assert json.loads(cased.stdout)["error"]["exit_code"] == 2
    club = CliRunner().invoke(cli, ["connectors", "--org", "O-TENNIS", "--store", spec])
    assert club.exit_code == 2 and "is not an account" in club.stderr and "relmap risk" in club.stderr


def _cli_json(spec: str, *args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["connectors", *args, "--store", spec, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _check_shape(doc: dict, org: str | None) -> None:  # type: ignore[type-arg]
    assert set(doc) == ({"as_of", "org_id", "connectors"} | ({"successors"} if org is None else set()))
    assert doc["org_id"] == org
    assert doc["connectors"], doc
    for c in doc["connectors"]:
        assert set(c) == {"id", "name", "org_id", "score", "team", "reaches"}
        assert c["team"] == sorted(c["team"]) and c["reaches"]
        assert all(set(x) == {"contact_id", "name", "strength"} for x in c["reaches"])
        assert c["score"] == round(c["score"], 6) > 0
    scores = [(-c["score"], c["id"]) for c in doc["connectors"]]
    assert scores == sorted(scores)


def test_cli_json_shape(store_spec: str) -> None:
    assert CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", store_spec]).exit_code == 0
    book = _cli_json(store_spec, "--as-of", "2026-11-26")
    _check_shape(book, None)
    assert book["as_of"] == "2026-11-26"
    assert book["connectors"][0]["id"] == "P-081"  # Rafael Costa: Liam's only way to Kestrel's new CTO
    telco = {s["org_id"]: s for s in book["successors"]}["O-TELCO"]
    assert telco["top_rep_id"] == "P-002"
    assert (telco["routes"][0]["id"], telco["routes"][0]["rep_id"]) == ("P-080", "P-003")  # Jonas, for Aisha
    one = _cli_json(store_spec, "--as-of", "2026-11-26", "--org", "O-KESTREL", "--limit", "2")
    _check_shape(one, "O-KESTREL")
    assert len(one["connectors"]) == 2 and one["connectors"][0]["reaches"][0]["contact_id"] == "P-040"


@pytest.mark.neo4j
def test_both_stores_give_the_same_json(neo4j_server: Any, neo4j_store_session: Store, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELMAP_STORE", raising=False)
    for k, v in neo4j_server.env().items():
        monkeypatch.setenv(k, v)
    specs = (neo4j_server.uri, str(tmp_path / "lite"))
    for spec in specs:
        assert CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", spec]).exit_code == 0
    for when in ("2026-11-26", "2026-06-01"):  # the kept data answers the first, the input rows the second
        for args in ((), ("--org", "O-TELCO"), ("--org", "O-HELIX")):
            docs = [_cli_json(spec, "--as-of", when, *args) for spec in specs]
            assert docs[0] == docs[1], (when, args)
    neo4j_store_session.load(Dataset())


# -- a brute-force check ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return generated_dataset(tmp_path_factory.mktemp("gen"), 600, seed=11)


Ties = dict[str, dict[str, float]]


@pytest.fixture(scope="module")
def tie_tables(generated: Dataset) -> dict[date, Ties]:
    """Every tie's strength, each way, from the input rows, as of each date compared."""
    tables: dict[date, Ties] = {}
    for when in DATES:
        tie: Ties = tables.setdefault(when, defaultdict(dict))
        for (a, b), row in brute_force.ties(generated, when, CFG.formula()).items():
            tie[a][b] = tie[b][a] = CFG.strength(row.p, row.q, row.kind, row.shared)[0]
    return tables


#: The kept date (the team routes answer), a later one (they bound), an earlier one (they do not answer).
DATES = (AS_OF, date(2027, 3, 1), date(2026, 5, 1))


def _enumerate(data: Dataset, tie: Ties, org: str | None) -> dict[str, float]:
    """Every connector's score, by enumerating every one- and two-hop route from a rep into every
    contact of the account (or of every account), from the input rows' ties (``tie``)."""
    team = {p.id for p in brute_force.team(data)}
    reps = {p.id for p in brute_force.team(data, "rep")}
    kinds = {o.id: o.kind for o in data.organisations}
    accounts = ({o for o, k in kinds.items() if k in ACCOUNT_KINDS} | {a.org_id for a in data.accounts})
    accounts = {o for o in accounts if kinds[o] != "own"} if org is None else {org}
    scores: dict[str, float] = defaultdict(float)
    for c in data.people:
        if c.org_id not in accounts or c.id in team:
            continue
        routes = [((rep,), tie[rep][c.id]) for rep in reps if rep in tie[c.id]]
        routes += [((rep, x), tie[rep][x] * tie[x][c.id]) for x in tie[c.id] if x not in reps
                   for rep in reps if rep in tie[x]]
        best = max((s for _, s in routes), default=0.0)
        for x in {x for hops, _ in routes for x in hops[1:]} - team:
            via = max(s for hops, s in routes if x in hops)
            without = max((s for hops, s in routes if x not in hops), default=0.0)
            w = CFG.role_weights.get(c.role, 1.0)
            if org is not None and via >= without - TOLERANCE * max(via, without):
                scores[x] += w * via
            elif org is None and best - without > TOLERANCE * best:
                scores[x] += w * (best - without)
    return {x: s for x, s in scores.items() if s > 0}


@pytest.mark.parametrize("pair_limit, route_limit", [(module.PAIR_READ_LIMIT, ROUTE_LIMIT), (0, 1)])
def test_scores_equal_a_brute_force_enumeration(store: Store, generated: Dataset, tie_tables: dict[date, Ties],
                                                pair_limit: int, route_limit: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "PAIR_READ_LIMIT", pair_limit)  # both ways of reading the reps' ties
    # one kept route per person: most contacts' scores need every tie read
    for kept_by in (module, sqlite_build, neo4j_build):
        monkeypatch.setattr(kept_by, "ROUTE_LIMIT", route_limit)
    store.load(generated)
    kinds = {o.id: o.kind for o in generated.organisations}
    accounts = sorted({o for o, k in kinds.items() if k in ACCOUNT_KINDS} | {a.org_id for a in generated.accounts})
    orgs = accounts[::3]  # 26 of the 78
    compared: dict[str | None, int] = defaultdict(int)
    with store.reader() as r:
        for org in [None, *orgs]:
            for when in DATES:
                got = {c.id: c.score for c in find_connectors(r, when, CFG, org_id=org).connectors}
                want = _enumerate(generated, tie_tables[when], org)
                assert set(got) == set(want), (org, when, set(got) ^ set(want))
                assert all(got[x] == pytest.approx(want[x], rel=1e-9) for x in want), (org, when)
                compared[org] += len(want)
    assert compared[None] >= 5 and sum(1 for org in orgs if compared[org]) >= 5, compared  # else it proves little
    store.load(Dataset())
