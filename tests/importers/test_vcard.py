"""Address books: vCard 3 (an iPhone export) and vCard 4."""

from __future__ import annotations

from pathlib import Path

from tests.importers.helpers import FIXTURES, org, person, rows, run_import

VCF = FIXTURES / "vcard"


def test_cards_give_name_address_organisation_title(tmp_path: Path) -> None:
    result, doc = run_import("vcard", VCF, into=tmp_path / "in")
    assert result.exit_code == 0, result.output
    jonas = person(tmp_path / "in", name="Jonas Becker")
    # the address marked pref/work is the one kept in email; the home one stays for matching
    assert (jonas["email"], jonas["title"]) == ("jonas.becker@kestrel.example", "Head of IT")
    assert jonas["source_ids"] == "email:jonas.b@gmail.com"
    assert org(tmp_path / "in", id=jonas["org_id"])["name"] == "Kestrel Logistics"
    assert person(tmp_path / "in", name="Olga Orlova")["org_id"] == jonas["org_id"]
    viktor = person(tmp_path / "in", name="Viktor Lindqvist")
    assert viktor["email"] == "viktor@telco-meridian.example"  # PREF=1 (vCard 4)
    carl = person(tmp_path / "in", email="carl.chen@acme-telecom.example")
    assert carl["name"] == "Carl Chen" and org(tmp_path / "in", id=carl["org_id"])["name"] == "Acme Telecom, Inc."
    assert org(tmp_path / "in", id=person(tmp_path / "in", name="María José González")["org_id"])["kind"] == "other"
    assert not (tmp_path / "in" / "friendships.csv").exists()  # no --owner: no ties
    text = "".join(p.read_text() for p in (tmp_path / "in").iterdir())
    assert "SECRET" not in text and "+49" not in text
    assert doc is not None
    assert sorted(s["reason"] for s in doc["skipped"]) == ["a card of kind org, not a person",
                                                             "neither a name nor an e-mail address"]


def test_with_owner_every_contact_is_tied_to_them(tmp_path: Path) -> None:
    result, doc = run_import("vcard", VCF, into=tmp_path / "in", args=("--owner", "rita@northwind.example"))
    assert result.exit_code == 0, result.output
    rita = person(tmp_path / "in", email="rita@northwind.example")["id"]
    ties = rows(tmp_path / "in", "friendships.csv")
    assert len(ties) == 5 and all(rita in (t["person_a"], t["person_b"]) and t["kind"] == "other" for t in ties)


def test_a_second_address_matches_the_same_person(tmp_path: Path) -> None:
    run_import("vcard", VCF, into=tmp_path / "in")
    other = tmp_path / "calendar.ics"
    other.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART;VALUE=DATE:20240101\nSUMMARY:Go\n"
                     "ORGANIZER:mailto:jonas.b@gmail.com\nATTENDEE:mailto:olga.orlova@kestrel.example\nEND:VEVENT\n"
                     "END:VCALENDAR\n")
    _, doc = run_import("calendar", other, into=tmp_path / "in")
    assert doc is not None and doc["added"]["people"] == 0 and doc["added"]["interactions"] == 1
