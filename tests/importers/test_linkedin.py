"""LinkedIn Connections.csv: preamble, blank rows, the old layout, ties with the owner."""

from __future__ import annotations

from pathlib import Path

from tests.importers.helpers import FIXTURES, org, person, rows, run_import

LI = FIXTURES / "linkedin"


def test_connections_become_people_at_their_company_tied_to_the_owner(tmp_path: Path) -> None:
    result, doc = run_import("linkedin", LI / "Connections.csv", into=tmp_path / "in",
                             args=("--owner", "Rita@Northwind.example", "--our-domain", "northwind.example"))
    assert result.exit_code == 0, result.output
    rita = person(tmp_path / "in", email="rita@northwind.example")
    jonas = person(tmp_path / "in", name="Jonas Becker")
    assert jonas["source_ids"] == "linkedin:https://www.linkedin.com/in/jonasbecker"
    assert jonas["title"] == "Head of IT"
    kestrel = org(tmp_path / "in", id=jonas["org_id"])
    # "Kestrel Logistics" and "Kestrel Logistics GmbH" are one organisation
    assert kestrel["name"] == "Kestrel Logistics"
    assert person(tmp_path / "in", name="Mia Müller")["org_id"] == kestrel["id"]
    assert person(tmp_path / "in", name="Mia Müller")["source_ids"] == "linkedin:https://www.linkedin.com/in/mia-mueller"
    viktor = person(tmp_path / "in", name="Viktor Lindqvist")
    assert viktor["email"] == "viktor@telco-meridian.example"
    ties = {frozenset((f["person_a"], f["person_b"])): f for f in rows(tmp_path / "in", "friendships.csv")}
    tie = ties[frozenset((rita["id"], jonas["id"]))]
    assert (tie["kind"], tie["since"]) == ("other", "2024-05-30")
    assert len(ties) == 5
    # a colleague who lists our company is on our team
    assert person(tmp_path / "in", name="Sam Seller")["org_id"] == org(tmp_path / "in", kind="own")["id"]
    assert doc is not None
    assert doc["skipped"] == [{"source": f"{LI / 'Connections.csv'}:7",
                               "reason": "a blank row (the connection does not share their name)"}]


def test_older_layout_without_url(tmp_path: Path) -> None:
    result, doc = run_import("linkedin", LI / "Connections-2019.csv", into=tmp_path / "in",
                             args=("--owner", "rita@northwind.example"))
    assert result.exit_code == 0, result.output
    assert person(tmp_path / "in", name="Olga Orlova")["title"] == "CFO"
    assert doc is not None and doc["added"]["friendships"] == 2
    again, doc2 = run_import("linkedin", LI / "Connections-2019.csv", into=tmp_path / "in",
                             args=("--owner", "rita@northwind.example"))
    assert doc2 is not None and doc2["added"]["people"] == 0  # found again without URL or address


def test_owner_is_required(tmp_path: Path) -> None:
    result, doc = run_import("linkedin", LI / "Connections.csv", into=tmp_path / "in")
    assert result.exit_code == 2
    assert doc == {"error": {"message": "relmap import linkedin needs --owner EMAIL: whose connections these are",
                             "exit_code": 2}}
    assert not (tmp_path / "in").exists()
