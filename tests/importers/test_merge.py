"""Importing into a folder that already holds data: merged, never clobbered; re-imports change nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from relmap.cli import cli
from tests.helpers import BASE, write_folder
from tests.importers.helpers import FIXTURES, org, person, rows, run_import, snapshot

ALL = [("salesforce", (FIXTURES / "salesforce",), ()),
       ("hubspot", (FIXTURES / "hubspot",), ()),
       ("linkedin", (FIXTURES / "linkedin",), ("--owner", "rita@northwind.example")),
       ("calendar", (FIXTURES / "calendar",), ("--keep-subjects",)),
       ("mail", (FIXTURES / "mail",), ()),
       ("vcard", (FIXTURES / "vcard",), ("--owner", "sam@northwind.example"))]


def test_hand_made_rows_are_kept_and_matched(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", dict(BASE))
    before = {name: list(csv.DictReader(io.StringIO(text))) for name, text in BASE.items()}
    result, doc = run_import("salesforce", FIXTURES / "salesforce", into=folder)
    assert result.exit_code == 0, result.output
    after = {name: rows(folder, name) for name in BASE}
    for name, old in before.items():  # every hand-made row is still there, its cells unchanged or filled
        for row in old:
            key = {k: row[k] for k in ("id", "person_a", "org_id", "rep_id") if k in row and k != "rep_id" or
                   (name == "accounts.csv" and k in row)}
            match = [r for r in after[name] if all(r.get(k) == v for k, v in key.items())]
            assert match, (name, row)
            assert all(match[0][k] == v for k, v in row.items() if v), (name, row, match[0])
    # Rita is matched by address: the hand-made P1 gets her Salesforce id, no second Rita
    rita = person(folder, email="rita@northwind.example")
    assert rita["id"] == "P1" and rita["source_ids"] == "salesforce:0055g00000RitaRAAR"
    # our users join the hand-made own organisation; Acme Telecom, Inc. is the hand-made Acme Telecom
    assert person(folder, email="sam@northwind.example")["org_id"] == "O-OWN"
    acme = org(folder, id="O-A")
    assert acme["name"] == "Acme Telecom" and acme["kind"] == "customer"
    assert "salesforce:0015g00000AcmeTAAR" in acme["source_ids"]
    assert org(folder, id="O-B")["source_ids"] == "salesforce:0015g00000BetaBAAR;domain:betabank.example"
    assert doc is not None and doc["updated"]["people"] == 1 and doc["updated"]["organisations"] == 2
    assert doc["added"]["organisations"] == 2  # Gamma Partners, the placeholder for Pat's Gmail address
    # the hand-made Carl and Bob (no addresses) and Salesforce's are listed for a person to decide
    assert doc["review"] == 2 and doc["review_file"] == str(folder / "review.csv")
    review = rows(folder, "review.csv")
    assert [(r["name"], r["org_id"], r["candidate_id"], r["score"], r["decision"]) for r in review] == [
        ("Carl Chen", "O-A", "P4", "100", ""), ("Bob Buyer", "O-B", "P6", "100", "")]
    valid = CliRunner().invoke(cli, ["ingest", str(folder), "--dry-run"])
    assert valid.exit_code == 0, valid.output
    assert "warning" not in valid.output  # source_ids and review.csv are no surprise to ingest


@pytest.mark.parametrize("kind, sources, args", ALL, ids=[k for k, _, _ in ALL])
def test_reimport_changes_nothing(tmp_path: Path, kind: str, sources: tuple[Path, ...], args: tuple[str, ...]) -> None:
    folder = write_folder(tmp_path / "in", dict(BASE))
    first, _ = run_import(kind, *sources, into=folder, args=args)
    assert first.exit_code == 0, first.output
    files = snapshot(folder)
    second, doc = run_import(kind, *sources, into=folder, args=args)
    assert second.exit_code == 0
    assert snapshot(folder) == files  # byte for byte
    assert doc is not None and set(doc["added"].values()) == {0} and set(doc["updated"].values()) == {0}
    assert doc["written"] == []


def test_every_source_into_one_folder_then_again(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", dict(BASE))
    for kind, sources, args in ALL:
        result, _ = run_import(kind, *sources, into=folder, args=args)
        assert result.exit_code == 0, (kind, result.output)
    files = snapshot(folder)
    for kind, sources, args in ALL:
        run_import(kind, *sources, into=folder, args=args)
    assert snapshot(folder) == files
    valid = CliRunner().invoke(cli, ["ingest", str(folder), "--dry-run", "--json"])
    assert valid.exit_code == 0, valid.output


def test_a_won_deal_in_a_later_export_updates_the_deal(tmp_path: Path) -> None:
    src = tmp_path / "export"
    src.mkdir()
    (src / "Account.csv").write_text("Id,Name\n0015g00000AcmeTAAR,Acme\n")
    (src / "Opportunity.csv").write_text("Id,AccountId,Name,StageName,Amount,IsClosed,IsWon\n"
                                         "0065g00000WonOpAAJ,0015g00000AcmeTAAR,Deal,Proposal,100,false,false\n")
    run_import("salesforce", src, into=tmp_path / "in")
    (src / "Opportunity.csv").write_text("Id,AccountId,Name,StageName,Amount,CloseDate,IsClosed,IsWon\n"
                                         "0065g00000WonOp,0015g00000AcmeT,Deal,Closed Won,120,2024-05-01,true,true\n")
    _, doc = run_import("salesforce", src, into=tmp_path / "in")
    assert doc is not None and doc["updated"]["deals"] == 1 and doc["added"]["deals"] == 0
    deal = rows(tmp_path / "in", "deals.csv")[0]
    assert (deal["status"], deal["amount"], deal["closed_on"]) == ("won", "120", "2024-05-01")
    # an account without a Type is a customer once a deal is won
    assert org(tmp_path / "in", name="Acme")["kind"] == "customer"


def test_review_decisions_merge_or_keep(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", dict(BASE))
    run_import("salesforce", FIXTURES / "salesforce", into=folder)
    sf_carl = person(folder, email="carl.chen@acme-telecom.example")["id"]
    review = (folder / "review.csv").read_text().splitlines()
    (folder / "review.csv").write_text(review[0] + "\n" + review[1].rstrip(",") + ",merge\n" + review[2] + "\n")
    result, doc = run_import("linkedin", FIXTURES / "linkedin" / "Connections.csv", into=folder,
                             args=("--owner", "rita@northwind.example"))
    assert result.exit_code == 0, result.output
    assert doc is not None and doc["merged"] == 1
    carl = person(folder, id="P4")  # the hand-made row stays, with Salesforce's address and id
    assert carl["email"] == "carl.chen@acme-telecom.example" and "salesforce:0035g00000CarlCAAR" in carl["source_ids"]
    assert not [p for p in rows(folder, "people.csv") if p["id"] == sf_carl]
    assert all(sf_carl not in i["participants"] for i in rows(folder, "interactions.csv"))
    assert any("P4" in i["participants"].split(";") for i in rows(folder, "interactions.csv"))
    # LinkedIn's Carl (no address, at Acme) is a new possible duplicate of P4; mark it keep: never listed again
    pending = [(r["name"], r["candidate_id"]) for r in rows(folder, "review.csv") if not r["decision"]]
    # and Bob, still undecided, and LinkedIn's Sam Seller (Northwind, our company, without an address)
    assert ("Carl Chen", "P4") in pending and ("Bob Buyer", "P6") in pending and len(pending) == 3
    text = (folder / "review.csv").read_text().replace(",\n", ",keep\n")
    (folder / "review.csv").write_text(text)
    _, doc = run_import("linkedin", FIXTURES / "linkedin" / "Connections.csv", into=folder,
                        args=("--owner", "rita@northwind.example"))
    assert doc is not None and doc["review"] == 0 and doc["merged"] == 0
    assert CliRunner().invoke(cli, ["ingest", str(folder), "--dry-run"]).exit_code == 0


def test_our_domain_puts_people_in_the_own_organisation(tmp_path: Path) -> None:
    src = tmp_path / "m.ics"
    src.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART:20240101T100000Z\n"
                   "ORGANIZER;CN=Nia New:mailto:nia@eu.northwind.example\nATTENDEE:mailto:ann@acme.example\n"
                   "ATTENDEE:mailto:max@other-team.example\nEND:VEVENT\nEND:VCALENDAR\n")
    run_import("calendar", src, into=tmp_path / "a")
    assert org(tmp_path / "a", id=person(tmp_path / "a", name="Nia New")["org_id"])["kind"] == "other"
    run_import("calendar", src, into=tmp_path / "b", args=("--our-domain", "northwind.example",
                                                           "--our-domain", "other-team.example"))
    own = org(tmp_path / "b", kind="own")
    assert person(tmp_path / "b", name="Nia New")["org_id"] == own["id"]  # a subdomain counts
    assert person(tmp_path / "b", email="max@other-team.example")["org_id"] == own["id"]
    assert person(tmp_path / "b", email="ann@acme.example")["org_id"] != own["id"]
    assert rows(tmp_path / "b", "interactions.csv")[0]["org_id"] == org(tmp_path / "b", name="Acme")["id"]


def test_the_folder_own_domains_are_remembered(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", dict(BASE))  # Rita (own) has an address at northwind.example
    src = tmp_path / "m.ics"
    src.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART:20240101T100000Z\n"
                   "ORGANIZER:mailto:new.colleague@northwind.example\nATTENDEE:mailto:ann@acme.example\n"
                   "END:VEVENT\nEND:VCALENDAR\n")
    run_import("calendar", src, into=folder)
    assert person(folder, email="new.colleague@northwind.example")["org_id"] == "O-OWN"
