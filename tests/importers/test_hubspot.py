"""HubSpot CRM exports: label headers in changing casing, owners by name, associations by id."""

from __future__ import annotations

from pathlib import Path

from tests.importers.helpers import FIXTURES, org, person, rows, run_import

HS = FIXTURES / "hubspot"


def test_companies_contacts_and_deals(tmp_path: Path) -> None:
    result, doc = run_import("hubspot", HS, into=tmp_path / "in", args=("--our-domain", "northwind.example"))
    assert result.exit_code == 0, result.output
    delta = org(tmp_path / "in", name="Delta Logistics")
    assert (delta["kind"], delta["annual_revenue"], delta["industry"]) == ("prospect", "12500000", "Logistics")
    epsilon = org(tmp_path / "in", name="Epsilon Foods GmbH")
    assert epsilon["kind"] == "customer"  # from the Lifecycle Stage
    assert "domain:epsilon-foods.example" in epsilon["source_ids"]
    # associated company by id; a contact without one goes by its Company Name; free mail never makes one
    assert person(tmp_path / "in", name="Dana Diaz")["org_id"] == delta["id"]
    assert person(tmp_path / "in", name="Erik Engel")["org_id"] == epsilon["id"]
    assert person(tmp_path / "in", name="Erik Engel")["email"] == "erik@epsilon-foods.example"
    assert person(tmp_path / "in", name="Gus Gray")["org_id"] == delta["id"]  # the first of two ids
    fiona = person(tmp_path / "in", name="Fiona Fox")
    assert org(tmp_path / "in", id=fiona["org_id"])["name"] == "Zeta Retail"
    assert person(tmp_path / "in", name="Dana Diaz")["source_ids"] == "hubspot:501"
    deals = {d["product"]: d for d in rows(tmp_path / "in", "deals.csv")}
    assert (deals["Delta - Fleet analytics"]["status"], deals["Delta - Fleet analytics"]["amount"]) == ("won", "85000")
    assert deals["Delta - Fleet analytics"]["closed_on"] == "2024-09-30"
    assert deals["Delta - Expansion"]["status"] == "lost" and deals["Epsilon - Pilot"]["status"] == "open"
    assert doc is not None
    assert {s["reason"] for s in doc["skipped"]} == {
        "no Record ID, or neither a name nor a domain", "neither a name nor an e-mail address",
        "no account or company: a deal needs an organisation"}


def test_owners_named_by_name_or_address_are_one_rep(tmp_path: Path) -> None:
    run_import("hubspot", HS, into=tmp_path / "in", args=("--our-domain", "northwind.example"))
    own = org(tmp_path / "in", kind="own")
    reps = [p for p in rows(tmp_path / "in", "people.csv") if p["org_id"] == own["id"]]
    assert sorted(p["name"] for p in reps) == ["Rita Rep", "Sam Seller"]
    assert all(p["role"] == "rep" for p in reps)
    rita = person(tmp_path / "in", name="Rita Rep")
    assert rita["email"] == "rita@northwind.example"
    accounts = {(a["org_id"], a["rep_id"]) for a in rows(tmp_path / "in", "accounts.csv")}
    assert (org(tmp_path / "in", name="Epsilon Foods GmbH")["id"], rita["id"]) in accounts
    deal = next(d for d in rows(tmp_path / "in", "deals.csv") if d["product"] == "Epsilon - Pilot")
    assert deal["rep_id"] == rita["id"]


def test_header_casing_of_older_exports(tmp_path: Path) -> None:
    src = tmp_path / "old"
    src.mkdir()
    (src / "companies.csv").write_text("COMPANY ID,Name,Company domain name,TYPE\n77,Iota Inc,iota.example,PARTNER\n")
    (src / "contacts.csv").write_text("VID,FIRST NAME,LAST NAME,EMAIL,ASSOCIATED COMPANY ID\n8,Ida,Ines,ida@iota.example,77\n")
    result, _ = run_import("hubspot", src, into=tmp_path / "in")
    assert result.exit_code == 0, result.output
    iota = org(tmp_path / "in", name="Iota Inc")
    assert iota["kind"] == "partner" and person(tmp_path / "in", name="Ida Ines")["org_id"] == iota["id"]
