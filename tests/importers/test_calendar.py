"""Calendars: time zones, recurrences and overrides, cancelled and declined, rooms, the type from the summary."""

from __future__ import annotations

from pathlib import Path

from tests.importers.helpers import FIXTURES, org, person, rows, run_import

CAL = FIXTURES / "calendar"


def _by_date(folder: Path) -> dict[str, dict[str, str]]:
    return {i["date"]: i for i in rows(folder, "interactions.csv")}


def test_occurrences_dated_in_their_own_time_zone(tmp_path: Path) -> None:
    result, doc = run_import("calendar", CAL / "work.ics", CAL / "google-export.ics", into=tmp_path / "in",
                             args=("--our-domain", "northwind.example"))
    assert result.exit_code == 0, result.output
    found = _by_date(tmp_path / "in")
    # 23:30 in Los Angeles on 4 May is 5 May in UTC: the event's own date counts
    assert found["2024-05-04"]["type"] == "tennis"
    # a UTC time in a Google calendar whose X-WR-TIMEZONE is Asia/Tokyo: 10 May 20:00Z is 11 May there
    assert found["2024-05-11"]["type"] == "lunch"
    assert "2024-05-10" not in found
    # a monthly series at 01:00Z: the 1st in Tokyo
    assert [d for d in found if found[d]["type"] == "meeting" and d.startswith("2024-") and d[8:] == "01"] == \
        ["2024-09-01", "2024-10-01", "2024-11-01"]
    assert doc is not None and doc["read"] == 11


def test_recurrences_exdate_rdate_overrides_and_cancellations(tmp_path: Path) -> None:
    run_import("calendar", CAL / "work.ics", into=tmp_path / "in")
    go = sorted(i["date"] for i in rows(tmp_path / "in", "interactions.csv") if i["type"] == "go")
    # weekly on Thursdays, six times from 4 Jan: 18 Jan excluded, 20 Jan added, 25 Jan moved to the 26th,
    # 1 Feb cancelled
    assert go == ["2024-01-04", "2024-01-11", "2024-01-20", "2024-01-26", "2024-02-08"]
    moved = _by_date(tmp_path / "in")["2024-01-26"]
    assert person(tmp_path / "in", name="Mia Müller")["id"] in moved["participants"].split(";")


def test_rooms_groups_and_decliners_are_left_out(tmp_path: Path) -> None:
    _, doc = run_import("calendar", CAL / "work.ics", into=tmp_path / "in")
    qbr = _by_date(tmp_path / "in")["2024-06-10"]
    names = {p["id"]: p["name"] for p in rows(tmp_path / "in", "people.csv")}
    # the organizer, Carl ("Chen, Carl" in CN), and Ivy (an EMAIL parameter, not mailto:)
    assert sorted(names[p] for p in qbr["participants"].split(";")) == ["Carl Chen", "Ivy Ito", "Rita Rep"]
    emails = {p["email"] for p in rows(tmp_path / "in", "people.csv")}
    assert not emails & {"bob@betabank.example", "boardroom@northwind.example", "acme-project@acme-telecom.example",
                         "court3@northwind.example", "quiet@northwind.example"}
    assert person(tmp_path / "in", name="Jonas Becker")["email"] == "jonas.becker@kestrel.example"  # MAILTO:, any case
    assert doc is not None
    reasons = {s["source"].split("#", 1)[1]: s["reason"] for s in doc["skipped"]}
    assert reasons["cancelled-dinner@northwind.example"] == "cancelled"
    assert reasons["go-club@northwind.example@2024-02-01"] == "cancelled"
    assert reasons["focus-time@northwind.example"].startswith("fewer than two people")
    assert reasons["future-golf@northwind.example"] == "dated 2027-05-15, after the as-of date 2026-11-26"


def test_business_domains_make_organisations_free_mail_never(tmp_path: Path) -> None:
    run_import("calendar", CAL / "work.ics", into=tmp_path / "in", args=("--our-domain", "northwind.example"))
    kestrel = org(tmp_path / "in", id=person(tmp_path / "in", name="Jonas Becker")["org_id"])
    assert (kestrel["name"], kestrel["kind"], kestrel["source_ids"]) == ("Kestrel", "other", "domain:kestrel.example")
    pat, fiona = person(tmp_path / "in", name="Pat Private"), person(tmp_path / "in", name="Fiona Fox")
    assert pat["org_id"] == fiona["org_id"] == org(tmp_path / "in", name="No organisation known")["id"]
    festival = _by_date(tmp_path / "in")["2024-07-20"]
    assert festival["type"] == "festival" and festival["org_id"] == ""  # two Gmail users are not an account
    own = org(tmp_path / "in", kind="own")
    assert person(tmp_path / "in", email="sam@northwind.example")["org_id"] == own["id"]
    assert person(tmp_path / "in", email="rita@northwind.example")["role"] == "other"  # owns nothing here


def test_privacy_no_descriptions_summaries_only_when_asked(tmp_path: Path) -> None:
    run_import("calendar", CAL, into=tmp_path / "plain")
    run_import("calendar", CAL, into=tmp_path / "subjects", args=("--keep-subjects",))
    plain = "".join(p.read_text() for p in (tmp_path / "plain").iterdir())
    assert "SECRET" not in plain and "Tennis with Jonas" not in plain and "Harbour" not in plain
    notes = {i["notes"] for i in rows(tmp_path / "subjects", "interactions.csv")}
    assert "Tennis with Jonas" in notes and "Go club (moved to Friday)" in notes
    assert "SECRET" not in "".join(p.read_text() for p in (tmp_path / "subjects").iterdir())


def test_type_table_can_be_extended(tmp_path: Path) -> None:
    types = tmp_path / "types.toml"
    types.write_text('[types]\n"qbr" = "review"\n"go club" = "weiqi"\n[natures]\nreview = "business"\n'
                     'weiqi = "personal"\n')
    result, _ = run_import("calendar", CAL / "work.ics", into=tmp_path / "in", args=("--types", str(types)))
    assert result.exit_code == 0, result.output
    found = _by_date(tmp_path / "in")
    assert (found["2024-06-10"]["type"], found["2024-06-10"]["nature"]) == ("review", "business")
    assert (found["2024-01-04"]["type"], found["2024-01-04"]["nature"]) == ("weiqi", "personal")
    assert found["2024-05-04"]["nature"] == ""  # a type relmap knows needs no nature


def test_a_bad_type_table_is_refused(tmp_path: Path) -> None:
    types = tmp_path / "types.toml"
    types.write_text('[types]\nkaraoke = "karaoke"\n')
    result, doc = run_import("calendar", CAL / "work.ics", into=tmp_path / "in", args=("--types", str(types)))
    assert result.exit_code == 2 and doc is not None
    assert "type 'karaoke' is not one relmap knows; give it a nature" in doc["error"]["message"]
