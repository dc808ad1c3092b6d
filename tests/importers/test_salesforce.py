"""Salesforce Data Export / Data Loader CSVs: every quirk the issue lists, as a user sees the result."""

from __future__ import annotations

from pathlib import Path

from tests.importers.helpers import FIXTURES, org, person, rows, run_import

SF = FIXTURES / "salesforce"


def test_accounts_contacts_users_become_organisations_people_and_our_team(tmp_path: Path) -> None:
    result, doc = run_import("salesforce", SF, into=tmp_path / "in")
    assert result.exit_code == 0, result.output
    acme = org(tmp_path / "in", name="Acme Telecom, Inc.")
    assert acme["kind"] == "customer" and acme["industry"] == "Telecommunications"
    assert acme["annual_revenue"] == "5000000"
    assert "salesforce:0015g00000AcmeTAAR" in acme["source_ids"] and "domain:acme-telecom.example" in acme["source_ids"]
    assert org(tmp_path / "in", name="Gamma Partners")["kind"] == "partner"
    # no Type: a prospect (no won deal there)
    assert org(tmp_path / "in", name="Beta Bank")["kind"] == "prospect"
    own = org(tmp_path / "in", kind="own")
    assert own["name"] == "Northwind"  # named after the users' mail domain
    rita = person(tmp_path / "in", email="rita@northwind.example")
    assert rita["org_id"] == own["id"] and rita["role"] == "rep"
    assert person(tmp_path / "in", email="sam@northwind.example")["role"] == "rep"
    carl = person(tmp_path / "in", name="Carl Chen")
    # an upper-case address, a 15-character AccountId: matched to the 18-character Account id
    assert carl["email"] == "carl.chen@acme-telecom.example" and carl["org_id"] == acme["id"]
    assert carl["role"] == "decision_maker"  # OpportunityContactRole
    assert person(tmp_path / "in", name="Ivy Ito")["role"] == "user"
    # an empty reference (000000000000000AAA) and a Gmail address: no organisation is made for Gmail
    pat = person(tmp_path / "in", name="Pat Private")
    assert org(tmp_path / "in", id=pat["org_id"])["name"] == "No organisation known"
    assert not [o for o in rows(tmp_path / "in", "organisations.csv") if "gmail" in o["name"].lower()]
    assert doc is not None and doc["added"]["people"] == 6


def test_skips_say_why(tmp_path: Path) -> None:
    _, doc = run_import("salesforce", SF, into=tmp_path / "in")
    assert doc is not None
    skipped = {s["source"].split("salesforce/")[1]: s["reason"] for s in doc["skipped"]}
    assert skipped["User.csv:4"].startswith("a user of type AutomatedProcess")
    assert skipped["Account.csv:5"] == "deleted in Salesforce (IsDeleted)"
    assert skipped["Contact.csv:6"] == "neither a name nor an e-mail address"
    assert skipped["Opportunity.csv:3"].startswith("no amount")  # never dropped silently
    assert skipped["Task.csv:3"] == "an open task, not something that happened"


def test_deals_status_amount_date_and_rep(tmp_path: Path) -> None:
    run_import("salesforce", SF, into=tmp_path / "in")
    deals = {d["product"]: d for d in rows(tmp_path / "in", "deals.csv")}
    rita = person(tmp_path / "in", email="rita@northwind.example")["id"]
    sam = person(tmp_path / "in", email="sam@northwind.example")["id"]
    assert deals["Acme - Core platform"] | {"id": ""} == {
        "id": "", "org_id": org(tmp_path / "in", name="Acme Telecom, Inc.")["id"], "amount": "120000", "status": "won",
        "rep_id": rita, "closed_on": "2024-06-30", "product": "Acme - Core platform"}
    # booleans 1/0 and a US date 02/03/24
    assert (deals["Beta - Analytics"]["status"], deals["Beta - Analytics"]["closed_on"]) == ("lost", "2024-02-03")
    assert deals["Beta - Analytics"]["rep_id"] == sam
    assert "Beta - Pilot" not in deals  # no amount: skipped, with its reason


def test_account_owner_and_team_members_are_reps(tmp_path: Path) -> None:
    run_import("salesforce", SF, into=tmp_path / "in")
    rita = person(tmp_path / "in", email="rita@northwind.example")["id"]
    sam = person(tmp_path / "in", email="sam@northwind.example")["id"]
    acme = org(tmp_path / "in", name="Acme Telecom, Inc.")["id"]
    pairs = {(a["org_id"], a["rep_id"]): a["role"] for a in rows(tmp_path / "in", "accounts.csv")}
    assert pairs[(acme, rita)] == "owner" and pairs[(acme, sam)] == "support"
    assert len(pairs) == 4


def test_events_with_invitees_and_tasks_are_interactions(tmp_path: Path) -> None:
    run_import("salesforce", SF, into=tmp_path / "in")
    ids = {p["name"]: p["id"] for p in rows(tmp_path / "in", "people.csv")}
    found = {(i["date"], i["type"]): set(i["participants"].split(";")) for i in rows(tmp_path / "in", "interactions.csv")}
    assert found[("2024-09-15", "tennis")] == {ids["Rita Rep"], ids["Carl Chen"]}
    # the review: owner, WhoId, the invitees who did not decline (Bob declined); the child copy is not counted twice
    assert found[("2024-10-01", "meeting")] == {ids["Rita Rep"], ids["Carl Chen"], ids["Ivy Ito"], ids["Sam Seller"]}
    assert found[("2024-11-05", "call")] == {ids["Sam Seller"], ids["Bob Buyer"]}
    assert len(found) == 3
    # privacy: descriptions never, subjects only when asked
    text = (tmp_path / "in" / "interactions.csv").read_text()
    assert "SECRET" not in text and "Tennis with Carl" not in text


def test_subjects_kept_only_when_asked(tmp_path: Path) -> None:
    run_import("salesforce", SF, into=tmp_path / "in", args=("--keep-subjects",))
    notes = {i["notes"] for i in rows(tmp_path / "in", "interactions.csv")}
    assert notes == {"Tennis with Carl", "Quarterly review", "Call: pricing questions"}
    assert "SECRET" not in "".join(p.read_text() for p in (tmp_path / "in").iterdir())


def test_a_15_and_an_18_character_id_are_one_record(tmp_path: Path) -> None:
    src = tmp_path / "export"
    src.mkdir()
    (src / "Account.csv").write_text('"Id","Name","Type"\n"0015g00000AcmeTAAR","Acme","Customer"\n')
    (src / "Contact.csv").write_text('"Id","AccountId","LastName","Email"\n"0035g00000CarlC","0015g00000AcmeT","Chen",""\n')
    result, _ = run_import("salesforce", src, into=tmp_path / "in")
    assert result.exit_code == 0
    (src / "Contact.csv").write_text('"Id","AccountId","LastName","Email"\n"0035g00000CarlCAAR","0015g00000AcmeTAAR",'
                                     '"Chen","c@acme.example"\n')
    result, doc = run_import("salesforce", src, into=tmp_path / "in")
    assert doc is not None and doc["added"]["people"] == 0 and doc["updated"]["people"] == 1
    assert person(tmp_path / "in", name="Chen")["email"] == "c@acme.example"


def test_a_file_with_another_name_is_known_by_its_columns(tmp_path: Path) -> None:
    src = tmp_path / "loader"
    src.mkdir()
    (src / "extract.csv").write_bytes((SF / "Opportunity.csv").read_bytes())
    (src / "accounts-export.csv").write_bytes((SF / "Account.csv").read_bytes())
    result, doc = run_import("salesforce", src / "extract.csv", src / "accounts-export.csv", into=tmp_path / "in")
    assert result.exit_code == 0, result.output
    assert doc is not None and doc["added"]["deals"] == 2 and doc["added"]["organisations"] == 3
