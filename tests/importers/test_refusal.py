"""A file that is not of its kind stops the import with exit 2, names the file, and leaves the folder as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import BASE, write_folder
from tests.importers.helpers import FIXTURES, no_traceback, run_import, snapshot

ICS = (FIXTURES / "calendar" / "work.ics").read_bytes()
MBOX = (FIXTURES / "mail" / "inbox.mbox").read_bytes()
VCF = (FIXTURES / "vcard" / "contacts-iphone.vcf").read_bytes()
CSV = (FIXTURES / "salesforce" / "Contact.csv").read_bytes()

# (case, kind, file name, content, extra args, what the message says)
BAD = [
    ("csv-as-ics", "calendar", "cal.ics", CSV, (), "not an iCalendar file: it should start with BEGIN:VCALENDAR"),
    ("truncated-ics", "calendar", "cal.ics", ICS[: len(ICS) // 2], (), "cut short: BEGIN:VEVENT of line 75 is never closed (END:VEVENT is missing)"),
    ("binary-ics", "calendar", "cal.ics", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", (), "binary data"),
    ("latin1-ics", "calendar", "cal.ics", "BEGIN:VCALENDAR\nX-NAME:Caf\u00e9\nEND:VCALENDAR\n".encode("latin-1"), (),
     "not UTF-8 text (byte 0xe9 at offset 26); calendar files are UTF-8"),
    ("empty-ics", "calendar", "cal.ics", b"", (), "not an iCalendar file: it is empty"),
    ("ics-nesting", "calendar", "cal.ics", b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VTODO\nEND:VCALENDAR\n", (),
     ":3: END:VTODO closes BEGIN:VEVENT of line 2"),
    ("vcard-as-ics", "calendar", "cal.ics", VCF, (), "not an iCalendar file"),
    ("csv-as-mbox", "mail", "box.mbox", CSV, (), "not an mbox file: it should start with a 'From ' line"),
    ("binary-mbox", "mail", "box.mbox", b"From x Tue May 14 10:04:25 2024\n\x00\x01\x02", (), "binary data"),
    ("csv-as-eml", "mail", "m.eml", CSV, (), "not an e-mail message"),
    ("ics-as-vcf", "vcard", "a.vcf", ICS, (), "not a vCard file: it should start with BEGIN:VCARD"),
    ("truncated-vcf", "vcard", "a.vcf", VCF[: VCF.index(b"END:VCARD")], (), "cut short: the card of line 1 is never closed"),
    ("ics-as-linkedin", "linkedin", "Connections.csv", ICS, ("--owner", "a@b.example"), "not a LinkedIn Connections.csv"),
    ("binary-hubspot", "hubspot", "contacts.csv", b"PK\x03\x04\x00\x00binary zip", (), "binary data"),
    ("ics-as-hubspot", "hubspot", "contacts.csv", ICS, (), "not a HubSpot export"),
    ("mbox-as-salesforce", "salesforce", "Export.csv", MBOX, (), "not a Salesforce export of a known object"),
    ("contact-without-id", "salesforce", "Contact.csv", b"Name,Email\nAnn,a@b.example\n", (),
     "not a Salesforce contact export: no 'id' column"),
]


@pytest.mark.parametrize("case, kind, name, content, args, message", BAD, ids=[b[0] for b in BAD])
def test_refused_with_exit_2_and_the_folder_untouched(tmp_path: Path, case: str, kind: str, name: str, content: bytes,
                                                      args: tuple[str, ...], message: str) -> None:
    folder = write_folder(tmp_path / "in", dict(BASE))
    before = snapshot(folder)
    good = {"calendar": FIXTURES / "calendar" / "google-export.ics", "mail": FIXTURES / "mail" / "eml",
            "vcard": FIXTURES / "vcard" / "contacts-v4.vcf"}.get(kind)
    bad = tmp_path / "src" / name
    bad.parent.mkdir()
    bad.write_bytes(content)
    sources = [good, bad] if good else [bad]  # a good file first: still nothing is written
    result, doc = run_import(kind, *sources, into=folder, args=args)
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert doc is not None and doc["error"]["exit_code"] == 2
    assert str(bad) in doc["error"]["message"] and message in doc["error"]["message"], doc["error"]["message"]
    assert snapshot(folder) == before
    text, _ = run_import(kind, *sources, into=folder, args=args, as_json=False)
    assert text.exit_code == 2 and text.stdout == ""
    assert text.stderr.startswith(f"Error: {bad}")


def test_a_new_folder_is_not_created_when_refused(tmp_path: Path) -> None:
    bad = tmp_path / "cal.ics"
    bad.write_bytes(CSV)
    result, _ = run_import("calendar", bad, into=tmp_path / "new")
    assert result.exit_code == 2 and not (tmp_path / "new").exists()


def test_a_folder_file_that_cannot_be_merged_into_is_left_alone(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", dict(BASE) | {"people.csv": BASE["people.csv"] + "P9,Ann,O-A,x,other,,,extra\n"})
    before = snapshot(folder)
    result, doc = run_import("calendar", FIXTURES / "calendar", into=folder)
    assert result.exit_code == 2 and doc is not None
    assert doc["error"]["message"].startswith(f"{folder / 'people.csv'}:8: the row has 8 cells but the header 6")
    assert snapshot(folder) == before


def test_bad_records_inside_a_good_file_are_skipped_with_a_reason(tmp_path: Path) -> None:
    cal = tmp_path / "cal.ics"
    cal.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:ok\nDTSTART:20240101T100000Z\nORGANIZER:mailto:a@x.example\n"
                   "ATTENDEE:mailto:b@x.example\nEND:VEVENT\nBEGIN:VEVENT\nUID:bad-date\nDTSTART:2024-13-45\n"
                   "ORGANIZER:mailto:a@x.example\nATTENDEE:mailto:b@x.example\nEND:VEVENT\nBEGIN:VEVENT\nUID:bad-line\n"
                   "DTSTART:20240101T100000Z\nthis is no content line\nEND:VEVENT\nBEGIN:VEVENT\nUID:bad-rule\n"
                   "DTSTART:20240101T100000Z\nRRULE:FREQ=SOMETIMES\nORGANIZER:mailto:a@x.example\n"
                   "ATTENDEE:mailto:b@x.example\nEND:VEVENT\nBEGIN:VEVENT\nUID:bad-attendee\nDTSTART:20240101T100000Z\n"
                   "ORGANIZER:mailto:a@x.example\nATTENDEE;CN=\"Unclosed:mailto:b@x.example\nEND:VEVENT\n"
                   "END:VCALENDAR\n")
    result, doc = run_import("calendar", cal, into=tmp_path / "in")
    assert result.exit_code == 0, result.output
    assert doc is not None and doc["added"]["interactions"] == 1
    reasons = {s["source"]: s["reason"] for s in doc["skipped"]}
    assert reasons[f"{cal}#bad-date"] == "DTSTART '2024-13-45' is not a date"
    assert reasons[f"{cal}#bad-line"] == "line 17 of the event cannot be read"
    assert reasons[f"{cal}#bad-rule"].startswith("the recurring event cannot be expanded (")
    assert reasons[f"{cal}#bad-attendee"] == "line 30 of the event cannot be read"


@pytest.mark.parametrize("argv, message", [
    (["import", "gmail", "x", "--into", "d"], "Invalid value for 'KIND'"),
    (["import", "calendar", "--into", "d"], "Missing argument 'SOURCE...'"),
    (["import", "calendar", "nowhere.ics", "--into", "d", "--json"], "source 'nowhere.ics' does not exist"),
    (["import", "linkedin", "x.csv", "--into", "d", "--owner", "not-an-address", "--json"], "source 'x.csv' does not exist"),
])
def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str) -> None:
    from click.testing import CliRunner

    from relmap.cli import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2 and message in result.output
    if "--json" in argv:
        assert json.loads(result.stdout)["error"]["message"] == message
    assert not (tmp_path / "d").exists()


def test_json_shape(tmp_path: Path) -> None:
    result, doc = run_import("calendar", FIXTURES / "calendar" / "work.ics", into=tmp_path / "in")
    assert result.exit_code == 0
    assert doc is not None
    assert list(doc)[:8] == ["kind", "into", "read", "added", "updated", "skipped", "review", "review_file"]
    tables = ["organisations", "people", "friendships", "interactions", "accounts", "deals"]
    assert list(doc["added"]) == tables and list(doc["updated"]) == tables
    assert (doc["kind"], doc["into"], doc["read"], doc["review"], doc["review_file"]) == (
        "calendar", str(tmp_path / "in"), 9, 0, None)
    assert all(set(s) == {"source", "reason"} for s in doc["skipped"])
    assert result.stdout.count("\n") == 1  # one document, nothing else on standard output


def test_text_summary(tmp_path: Path) -> None:
    result, _ = run_import("calendar", FIXTURES / "calendar" / "work.ics", into=tmp_path / "in", as_json=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"Imported calendar into {tmp_path / 'in'}: read 9 records."
    assert lines[1] == "  added:   4 organisations, 8 people, 0 friendships, 8 interactions, 0 accounts, 0 deals"
    assert "  skipped 4 records:" in lines
    assert lines[-1] == f"Next: relmap ingest {tmp_path / 'in'}"
