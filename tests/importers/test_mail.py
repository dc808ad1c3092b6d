"""Mail: mbox, eml and Maildir; any charset; lists, no-reply and bulk left out; never Bcc, never bodies."""

from __future__ import annotations

import mailbox
import shutil
from pathlib import Path

from tests.importers.helpers import FIXTURES, person, rows, run_import

MAIL = FIXTURES / "mail"


def _names(folder: Path) -> dict[str, str]:
    return {p["id"]: p["name"] for p in rows(folder, "people.csv")}


def test_names_in_every_charset(tmp_path: Path) -> None:
    result, _ = run_import("mail", MAIL, into=tmp_path / "in", args=("--our-domain", "northwind.example"))
    assert result.exit_code == 0, result.output
    names = set(_names(tmp_path / "in").values())
    # RFC 2047 in ISO-8859-1, UTF-8 base64 and KOI8-R; raw 8-bit Latin-1 and Windows-1252; raw UTF-8 (RFC 6532)
    assert {"Jürgen Müller", "Renée Götz", "Виктор Линдквист", "René Dupont", "Zoë O’Neill", "山田 太郎"} <= names
    # "Chen, Carl" as Outlook writes it
    assert person(tmp_path / "in", email="carl.chen@acme-telecom.example")["name"] == "Carl Chen"


def test_one_interaction_per_message_from_to_cc_never_bcc(tmp_path: Path) -> None:
    _, doc = run_import("mail", MAIL, into=tmp_path / "in", args=("--our-domain", "northwind.example"))
    names = _names(tmp_path / "in")
    found = {i["date"]: sorted(names[p] for p in i["participants"].split(";"))
             for i in rows(tmp_path / "in", "interactions.csv")}
    assert all(i["type"] == "email" for i in rows(tmp_path / "in", "interactions.csv"))
    # the same message in the mbox and as an .eml (one Message-ID) is one interaction
    assert found["2024-05-14"] == ["Carl Chen", "Ivy Ito", "Rita Rep", "Sam Seller"]
    assert "secret.bcc@hidden.example" not in {p["email"] for p in rows(tmp_path / "in", "people.csv")}
    # dated as the sender's clock read it (23:30 at -0700 is the 16th in UTC)
    assert found["2024-05-15"] == ["Jürgen Müller", "Renée Götz", "Rita Rep"]
    # a list address is left out; Carl and Rita (in Cc) remain
    assert found["2024-05-18"] == ["Carl Chen", "Rita Rep"]
    assert len(found) == 8
    assert doc is not None
    reasons = sorted(s["reason"] for s in doc["skipped"])
    assert reasons == [
        "an automatic message (Auto-Submitted: auto-replied)", "bulk mail (Precedence: bulk)",
        "fewer than two people (after leaving out mailing lists and no-reply addresses)",
        "no Date header, or one that cannot be read", "sent from a no-reply address (no-reply@accounts.example)"]
    # skipped records name the line their message starts on
    assert {s["source"] for s in doc["skipped"]} >= {f"{MAIL / 'inbox.mbox'}:95"}
    lines = (MAIL / "inbox.mbox").read_bytes().split(b"\n")
    assert lines[94].startswith(b"From no-reply@accounts.example")


def test_people_of_a_list_or_no_reply_message_are_not_created(tmp_path: Path) -> None:
    run_import("mail", MAIL / "inbox.mbox", into=tmp_path / "in")
    emails = {p["email"] for p in rows(tmp_path / "in", "people.csv")}
    assert not emails & {"no-reply@accounts.example", "news@vendor.example", "sales@lists.acme-telecom.example",
                         "bob@betabank.example"}


def test_never_bodies_subjects_only_when_asked(tmp_path: Path) -> None:
    run_import("mail", MAIL, into=tmp_path / "plain")
    assert "SECRET" not in "".join(p.read_text() for p in (tmp_path / "plain").iterdir())
    assert "Proposal" not in (tmp_path / "plain" / "interactions.csv").read_text()
    run_import("mail", MAIL, into=tmp_path / "kept", args=("--keep-subjects",))
    notes = {i["notes"] for i in rows(tmp_path / "kept", "interactions.csv")}
    assert {"Grüße aus Hamburg", "Привет", "Contract – final draft", "会議"} <= notes
    assert "SECRET" not in "".join(p.read_text() for p in (tmp_path / "kept").iterdir())


def test_maildir(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    for eml in sorted((MAIL / "eml").iterdir()):
        box.add(eml.read_bytes())
    box.close()
    result, doc = run_import("mail", tmp_path / "Maildir", into=tmp_path / "in")
    assert result.exit_code == 0, result.output
    assert doc is not None and doc["read"] == 3 and doc["added"]["interactions"] == 3


def test_a_folder_of_mailboxes(tmp_path: Path) -> None:
    shutil.copytree(MAIL, tmp_path / "mail")
    (tmp_path / "mail" / "notes.txt").write_text("not mail; ignored in a folder")
    result, doc = run_import("mail", tmp_path / "mail", into=tmp_path / "in")
    assert result.exit_code == 0, result.output
    assert doc is not None and doc["read"] == 14
