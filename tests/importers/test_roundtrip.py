"""Round trips: real exports imported, the folder ingested, and the answers a user expects from the store."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from relmap.cli import cli
from tests.importers.helpers import FIXTURES, person, run_import

#: The analysis date: the fixtures' events are from 2024.
WHEN = "2024-12-31"


def _relmap(*argv: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, [*argv, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _import_all(folder: Path) -> None:
    for kind, sources, args in [
        ("salesforce", [FIXTURES / "salesforce"], []),
        ("calendar", [FIXTURES / "calendar" / "work.ics"], ["--our-domain", "northwind.example"]),
        ("mail", [FIXTURES / "mail"], ["--our-domain", "northwind.example"]),
        ("linkedin", [FIXTURES / "linkedin" / "Connections.csv"], ["--owner", "rita@northwind.example"]),
    ]:
        result, _ = run_import(kind, *sources, into=folder, args=tuple(args))
        assert result.exit_code == 0, (kind, result.output)


def test_import_ingest_then_who_knows_and_paths(tmp_path: Path, store_spec: str) -> None:
    folder = tmp_path / "in"
    _import_all(folder)
    loaded = _relmap("ingest", str(folder), "--store", store_spec)
    assert loaded["rejected"] == 0 and loaded["warnings"] == []
    assert _relmap("stats", "--store", store_spec) == loaded["ingested"]
    rita = person(folder, email="rita@northwind.example")
    sam = person(folder, email="sam@northwind.example")
    carl = person(folder, email="carl.chen@acme-telecom.example")
    jonas = person(folder, email="jonas.becker@kestrel.example")
    # who knows Carl: Rita first (tennis, the review, mail), then Sam (the review, one e-mail)
    known = _relmap("who-knows", carl["id"], "--store", store_spec, "--as-of", WHEN)
    assert [m["name"] for m in known["known_by"]] == ["Rita Rep", "Sam Seller"]
    # who knows anyone at Kestrel: Rita, through Jonas (tennis, go) and the people of Kestrel's mail
    kestrel = _relmap("who-knows", jonas["org_id"], "--store", store_spec, "--as-of", WHEN)
    assert kestrel["kind"] == "organisation" and kestrel["name"] == "Kestrel Logistics"
    assert kestrel["known_by"][0]["id"] == rita["id"]
    assert kestrel["known_by"][0]["contacts"][0]["name"] == "Jonas Becker"
    # Sam has never met Jonas: the warm introduction goes through Rita, explained by the go club and tennis
    found = _relmap("paths", "--to", jonas["id"], "--from", sam["id"], "--store", store_spec, "--as-of", WHEN)
    best = found["paths"][0]
    assert best["people"] == [sam["id"], rita["id"], jonas["id"]]
    evidence = " ".join(best["hops"][1]["evidence"])
    assert "5 go" in evidence and "1 tennis" in evidence
    # Acme is an account with a deal and its rep: the risk table has it
    risk = _relmap("risk", "--store", store_spec, "--as-of", WHEN)
    acme = next(a for a in risk["accounts"] if a["name"] == "Acme Telecom, Inc.")
    assert acme["top_rep_id"] == rita["id"] and acme["value"] == 120000


def test_after_merging_duplicates_linkedin_ties_lead_the_way(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _import_all(folder)
    # decide: every 100-point pair is one person
    text = (folder / "review.csv").read_text().replace(",100,\n", ",100,merge\n")
    (folder / "review.csv").write_text(text)
    result, doc = run_import("vcard", FIXTURES / "vcard", into=folder)  # any import carries the decisions out
    assert result.exit_code == 0 and doc is not None and doc["merged"] == 5
    store = str(tmp_path / "store")
    _relmap("ingest", str(folder), "--store", store)
    viktor = person(folder, email="viktor@telco-meridian.example")
    # Viktor is a LinkedIn connection of Rita's (and wrote her once): one person, tied to her
    known = _relmap("who-knows", viktor["id"], "--store", store, "--as-of", WHEN)
    assert [m["name"] for m in known["known_by"]] == ["Rita Rep"]
    mia = person(folder, name="Mia Müller")
    assert "linkedin:https://www.linkedin.com/in/mia-mueller" in mia["source_ids"]
    assert mia["email"] == "mia.mueller@kestrel.example"
    paths = _relmap("paths", "--to", mia["id"], "--store", store, "--as-of", WHEN)
    assert paths["paths"] and paths["paths"][0]["people"][0] == person(folder, email="rita@northwind.example")["id"]
