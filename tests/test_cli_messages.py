"""What users see must be true and clear (issue 15): the account value and its parts, a rep as a
target, nonsense as usage errors, `relmap search`, the unknown-id hint, a busy port, plurals,
`--skip-invalid`'s counts and its rejects file. Exact output, through the real CLI, on every
store where the store matters."""

from __future__ import annotations

import csv
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from relmap.cli import cli
from graph.store import open_store
from tests.helpers import BASE, base_with, write_folder

EXAMPLES = Path(__file__).resolve().parent.parent / "relmap" / "examples" / "demo"
WHEN = ("--as-of", "2026-11-26")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def story(store_spec: str) -> str:
    """A store holding the example story."""
    result = run("ingest", str(EXAMPLES), "--store", store_spec)
    assert result.exit_code == 0, result.output
    return store_spec


# -- 1. an account's value is our business there ---------------------------------------------

RISK_TABLE = [
    "level  account                  value  won last year   pipeline  value at risk  top rep         share  bus factor",
    "high   Telco Meridian       3,950,000      1,950,000  2,000,000      3,950,000  Daniel Reyes     100%           1",
    "high   Bluefin Foods          250,000              0    250,000        250,000  Kenji Watanabe   100%           1",
    "low    Kestrel Bank         3,150,000      2,800,000    350,000              0  Liam O'Brien      71%           0",
    "low    Astra Logistics      2,050,000      1,550,000    500,000              0  Zoë Müller        65%           2",
    "low    Helix Health         1,000,000        600,000    400,000              0  Aisha Khan        36%           3",
    "low    Quarry Point Mining          0              0          0              0  Aisha Khan       100%           0",
    "low    Summit Integrators           0              0          0              0  Zoë Müller        62%           0",
    "Value: won in the last 365 days up to 2026-11-26, plus the open pipeline.",
    "Value at risk: value x the top rep's share where the risk is high or medium; 0 where it is low.",
]


def test_risk_shows_our_value_its_parts_and_nothing_at_risk_where_low(story: str, tmp_path: Path) -> None:
    """Quarry Point, a prospect with 2.1 billion of revenue and nothing won or open, is worth 0
    to us (it used to show 2,100,000,000 at risk on a low row); value is won in the last 365
    days plus the open pipeline; money has no cents and thousands separators."""
    text = run("risk", "--store", story, *WHEN)
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines() == RISK_TABLE
    doc = {a["org_id"]: a for a in json.loads(run("risk", "--store", story, *WHEN, "--json").stdout)["accounts"]}
    telco, quarry, helix = doc["O-TELCO"], doc["O-QUARRY"], doc["O-HELIX"]
    assert (telco["value"], telco["won_last_year"], telco["pipeline"], telco["value_at_risk"]) == (
        3950000.0, 1950000.0, 2000000.0, 3950000.0)
    assert telco["annual_revenue"] == 6400000000.0  # the customer's size, its own field
    assert (quarry["value"], quarry["value_at_risk"], quarry["annual_revenue"]) == (0.0, 0.0, 2100000000.0)
    assert (helix["level"], helix["value"], helix["value_at_risk"]) == ("low", 1000000.0, 0.0)
    assert doc["O-SUMMIT"]["annual_revenue"] == 300000000.0
    plan = tmp_path / "risk.csv"
    with_csv = run("risk", "--store", story, *WHEN, "--csv", str(plan))
    assert with_csv.exit_code == 0 and with_csv.stdout.splitlines() == RISK_TABLE
    assert with_csv.stderr == f"wrote the risk table (7 rows) to {plan}\n"
    with plan.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["org_id"] for r in rows] == ["O-TELCO", "O-BLUEFIN", "O-KESTREL", "O-ASTRA", "O-HELIX", "O-QUARRY",
                                           "O-SUMMIT"]
    assert {k: rows[0][k] for k in ("level", "value", "won_last_year", "pipeline", "value_at_risk", "annual_revenue",
                                    "top_rep", "top_share", "bus_factor", "assigned")} == {
        "level": "high", "value": "3950000", "won_last_year": "1950000", "pipeline": "2000000",
        "value_at_risk": "3950000", "annual_revenue": "6400000000", "top_rep": "Daniel Reyes", "top_share": "1.000",
        "bus_factor": "1", "assigned": "P-002"}
    assert rows[5]["value"] == "0" and rows[5]["annual_revenue"] == "2100000000"


def test_cooling_stages_and_whatif_use_the_same_value(story: str, tmp_path: Path) -> None:
    risk = {a["org_id"]: a for a in json.loads(run("risk", "--store", story, *WHEN, "--json").stdout)["accounts"]}
    stages = json.loads(run("stages", "--store", story, *WHEN, "--json").stdout)["accounts"]
    assert {a["org_id"]: (a["value"], a["won_last_year"], a["pipeline"]) for a in stages} == {
        oid: (a["value"], a["won_last_year"], a["pipeline"]) for oid, a in risk.items()}
    cooling = json.loads(run("cooling", "--store", story, *WHEN, "--json").stdout)["ties"]
    assert [(t["org_id"], t["value"]) for t in cooling] == [("O-TELCO", 3950000.0), ("O-BLUEFIN", 250000.0)]
    whatif = json.loads(run("whatif", "--rep", "P-002", "--store", story, *WHEN, "--json").stdout)
    assert [(a["org_id"], a["value"]) for a in whatif["accounts"]] == [("O-TELCO", 3950000.0)]
    text = run("cooling", "--store", story, *WHEN)
    assert text.stdout.splitlines() == [
        "  Daniel Reyes - Tomás Herrera (Telco Meridian, value 3,950,000): 205 days; Book a round of golf with "
        "Tomás Herrera: 6 months since the last one.",
        "  Kenji Watanabe - Diego Morales (Bluefin Foods, value 250,000): 166 days; Invite Diego Morales to dinner: "
        "5 months since the last one."]
    plan = tmp_path / "plan.csv"
    whatif_text = run("whatif", "--rep", "P-002", "--store", story, *WHEN, "--csv", str(plan))
    assert whatif_text.stdout.splitlines()[1] == "  Telco Meridian (O-TELCO, value 3,950,000):"
    assert whatif_text.stderr == f"wrote the handover plan (4 rows) to {plan}\n"
    with plan.open(encoding="utf-8") as fh:
        assert {r["account_value"] for r in csv.DictReader(fh)} == {"3950000"}


def test_amounts_take_the_configured_currency(tmp_path: Path) -> None:
    """No currency by default; `currency` in the configuration puts a symbol (or a code) before
    every amount shown in words; JSON keeps plain numbers."""
    store = str(tmp_path / "s")
    assert run("ingest", str(EXAMPLES), "--store", store).exit_code == 0
    euros = tmp_path / "euros.toml"
    euros.write_text('currency = "€"\n', encoding="utf-8")
    text = run("risk", "--store", store, *WHEN, "--limit", "2", "--config", str(euros))
    assert text.stdout.splitlines()[:3] == [
        "level  account              value  won last year    pipeline  value at risk  top rep         share  bus factor",
        "high   Telco Meridian  €3,950,000     €1,950,000  €2,000,000     €3,950,000  Daniel Reyes     100%           1",
        "high   Bluefin Foods     €250,000             €0    €250,000       €250,000  Kenji Watanabe   100%           1"]
    stages = run("stages", "--store", store, *WHEN, "--org", "O-BLUEFIN", "--config", str(euros))
    assert stages.stdout.splitlines() == [
        "friend    Bluefin Foods                personal 0.99  institutional 0.04  value €250,000",
        "          next: Turn the rapport with Hiroshi Tanaka, CEO, into value: bring a proposal (no won deal in the "
        "last 365 days; 1 open deal worth €250,000)."]
    doc = json.loads(run("risk", "--store", store, *WHEN, "--json", "--config", str(euros)).stdout)
    assert doc["accounts"][0]["value"] == 3950000.0
    code = tmp_path / "code.toml"
    code.write_text('currency = "EUR"\n', encoding="utf-8")
    assert "EUR 3,950,000" in run("risk", "--store", store, *WHEN, "--config", str(code)).stdout
    bad = tmp_path / "bad.toml"
    bad.write_text("currency = 3\n", encoding="utf-8")
    refused = run("risk", "--store", store, "--config", str(bad))
    assert refused.exit_code == 2
    assert refused.stderr == (f"Error: {bad}: 'currency' must be a currency symbol or code, such as \"€\" or \"EUR\" "
                              "(text of at most 8 characters, no digits or spaces around it)\n")


# -- 2. a rep can be a target --------------------------------------------------------------------

def test_paths_to_a_rep_start_from_every_other_rep(story: str) -> None:
    """Daniel (P-002) is a rep: without --from, the chains start from every other rep (they used
    to start from every rep, Daniel included, and found nothing)."""
    everyone = run("paths", "--to", "P-002", "--store", story, *WHEN, "--json")
    assert everyone.exit_code == 0, everyone.output
    found = json.loads(everyone.stdout)["paths"]
    others = ("--from", "P-003", "--from", "P-004", "--from", "P-005", "--from", "P-006")
    assert found == json.loads(run("paths", "--to", "P-002", *others, "--store", story, *WHEN, "--json").stdout)["paths"]
    assert [p["people"] for p in found] == [["P-003", "P-080", "P-010", "P-002"],
                                            ["P-003", "P-080", "P-010", "P-014", "P-002"],
                                            ["P-004", "P-081", "P-080", "P-010", "P-002"]]
    text = run("paths", "--to", "P-002", "--store", story, *WHEN, "--k", "1")
    assert text.stdout.splitlines()[:2] == [
        "Warm introductions to Daniel Reyes, as of 2026-11-26:",
        "1. 0.596  Aisha Khan -> Jonas Becker -> Viktor Lindqvist -> Daniel Reyes"]


# -- 3. nonsense is a usage error; ids are found by name ------------------------------------------

def test_mutual_contacts_of_a_person_with_themself_is_a_usage_error(story: str) -> None:
    result = run("mutual", "P-003", "P-003", "--store", story, "--json")
    assert result.exit_code == 2
    message = "A and B are the same person ('P-003'): mutual contacts need two different people"
    assert json.loads(result.stdout) == {"error": {"message": message, "exit_code": 2}}
    assert result.stderr == f"Error: {message}\n"


HINT = "find ids by name with `relmap search TEXT`"


@pytest.mark.parametrize("args, message", [
    (("paths", "--to", "p-010"), "no person with id 'p-010' in the store; ids are case-sensitive: did you mean "
                                 f"'P-010' (Viktor Lindqvist)? Else {HINT}"),
    (("paths", "--to", "Viktor"), f"no person with id 'Viktor' in the store (ids are case-sensitive); {HINT}"),
    (("paths", "--to", "P-010", "--from", "p-003", "--from", "X"),
     f"no person with id 'X', 'p-003' in the store; ids are case-sensitive: did you mean 'P-003' (Aisha Khan)? "
     f"Else {HINT}"),
    (("paths", "--to-org", "o-telco"), "no organisation with id 'o-telco' in the store; ids are case-sensitive: did "
                                       f"you mean 'O-TELCO' (Telco Meridian)? Else {HINT}"),
    (("mutual", "P-003", "p-080"), "no person with id 'p-080' in the store; ids are case-sensitive: did you mean "
                                   f"'P-080' (Jonas Becker)? Else {HINT}"),
    (("who-knows", "o-telco"), "no person or organisation with id 'o-telco' in the store; ids are case-sensitive: "
                               f"did you mean 'O-TELCO' (Telco Meridian)? Else {HINT}"),
    (("whatif", "--rep", "p-002"), "no rep with id 'p-002' in the store; ids are case-sensitive: did you mean "
                                   f"'P-002' (Daniel Reyes)? Else {HINT}"),
    (("whatif", "--rep", "P-001"), "Margaret Okafor ('P-001') has role 'manager', not 'rep': the what-if is about one "
                                   "of our reps (a person with role 'rep' at our organisation)"),
])
def test_an_unknown_id_says_ids_are_case_sensitive_and_where_to_find_them(story: str, args: tuple[str, ...],
                                                                          message: str) -> None:
    result = run(*args, "--store", story, *WHEN)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"


def test_search_finds_people_and_organisations_by_name(story: str) -> None:
    telco = run("search", "telco", "--store", story)
    assert telco.exit_code == 0, telco.output
    assert telco.stdout.splitlines() == [
        "1 match for 'telco':",
        "  organisation  O-TELCO  Telco Meridian  customer, Telecommunications"]
    some = run("search", "an", "--store", story, "--limit", "3")
    assert some.stdout.splitlines() == [
        "3 matches for 'an':",
        "  person  P-003  Aisha Khan    Account Executive at Northwind Systems",
        "  person  P-051  Ana Petrović  Procurement Officer at Quarry Point Mining",
        "  person  P-002  Daniel Reyes  Senior Account Executive at Northwind Systems",
        "Only the first 3 matches are shown: pass --limit N for more, or a longer TEXT."]
    assert run("search", "nobody-here", "--store", story).stdout == (
        "Nothing matches 'nobody-here': no person or organisation has it in their name, or as their id.\n")
    doc = json.loads(run("search", "p-010", "--store", story, "--json").stdout)
    assert doc == {"text": "p-010", "truncated": False, "matches": [
        {"type": "person", "id": "P-010", "name": "Viktor Lindqvist", "title": "CTO", "role": "decision_maker",
         "org_id": "O-TELCO", "organisation": "Telco Meridian"}]}
    doc = json.loads(run("search", "O-TELCO", "--store", story, "--json").stdout)
    assert doc["matches"] == [{"type": "organisation", "id": "O-TELCO", "name": "Telco Meridian", "kind": "customer",
                               "industry": "Telecommunications"}]
    doc = json.loads(run("search", "müller", "--store", story, "--json").stdout)
    assert [m["id"] for m in doc["matches"]] == ["P-005"]
    empty = run("search", "  ", "--store", story)
    assert empty.exit_code == 2
    assert empty.stderr == "Error: give some text to search for: part of a name, or an id\n"


# -- 9. a busy port ------------------------------------------------------------------------------

@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something is listening on (and the next one too, so the suggestion is checked)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_busy_port_is_a_usage_error_naming_it_before_anything_is_done(busy_port: int, tmp_path: Path) -> None:
    store = tmp_path / "s"
    for command in (("dashboard",), ("demo",)):
        result = run(*command, "--port", str(busy_port), "--store", str(store))
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert result.stderr.startswith(
            f"Error: port {busy_port} on 127.0.0.1 is already in use (another dashboard, or another program): "
            "pass --port N to serve on another port, for example --port ")
        suggested = int(result.stderr.rsplit("--port ", 1)[1])
        with socket.socket() as free:
            free.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            free.bind(("127.0.0.1", suggested))  # the port it suggests is free
        assert not store.exists(), "the demo loaded the story before finding the port taken"
    other = run("dashboard", "--port", str(busy_port), "--address", "192.0.2.1", "--store", str(store))
    assert other.exit_code == 2
    assert other.stderr == ("Error: '192.0.2.1' is not an address of this machine: pass --address with one of its "
                            "addresses (127.0.0.1, or 0.0.0.0 for every interface)\n")


def _children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["kill", "kill-9"])
def test_stopping_the_dashboard_by_its_pid_stops_streamlit_too(tmp_path: Path, how: signal.Signals) -> None:
    """``kill PID`` of ``relmap dashboard`` stops the Streamlit server it started (``kill -9`` too,
    on Linux); the URL is printed once."""
    store = tmp_path / "s"
    assert run("ingest", str(EXAMPLES), "--store", str(store)).exit_code == 0
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "relmap", "dashboard", "--store", str(store), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the dashboard never answered")
        streamlit = _children(proc.pid)
        assert len(streamlit) == 1 and _alive(streamlit[0])
        proc.send_signal(how)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _alive(streamlit[0]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(streamlit[0]), "Streamlit outlived relmap dashboard"
        out = proc.stdout.read() if proc.stdout else ""
        assert out.count(f"http://127.0.0.1:{port}") == 1, out
        if how == signal.SIGTERM:
            assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- 10. plurals -----------------------------------------------------------------------------------

def test_counts_read_as_english(story: str, tmp_path: Path) -> None:
    paths = run("paths", "--to", "P-010", "--from", "P-003", "--k", "2", "--store", story, *WHEN)
    assert "     Aisha Khan - Liam O'Brien (0.06): 2 meetings, last 2026-11-16" in paths.stdout.splitlines()
    doc = json.loads(run("paths", "--to", "P-002", "--k", "1", "--store", story, *WHEN, "--json").stdout)
    assert doc["paths"][0]["hops"][2]["evidence"] == [
        "friends since 2019-05-18", "1 call, last 2026-11-17", "4 meetings, last 2026-09-08",
        "2 dinners, last 2026-08-27", "2 contracts, last 2026-06-19", "1 golf, last 2026-05-05",
        "1 visit, last 2026-03-10", "1 party, last 2025-12-11", "1 demo, last 2025-09-02", "1 shared friend"]
    one = write_folder(tmp_path / "one", base_with(deals="id,org_id,amount,status\nD1,O-A,10,won\n",
                                                    people=BASE["people.csv"] + "P7,Ann,ACME,,user,\n"))
    bad = run("ingest", str(one), "--store", str(tmp_path / "x"))
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[-1] == ("1 problem found; nothing was written. Fix the rows above, or pass "
                                           "--skip-invalid REJECTS.csv to load the valid rows and set the others "
                                           "aside.")
    good = run("ingest", str(one), "--store", str(tmp_path / "x"), "--skip-invalid", str(tmp_path / "r.csv"))
    assert good.stdout.splitlines()[0] == (f"Ingested into {tmp_path / 'x'}: 3 organisations, 6 people, "
                                           "2 friendships, 3 interactions, 2 account assignments, 1 deal.")


# -- 13. --skip-invalid: a count per reason, every original cell ---------------------------------

def test_skip_invalid_counts_each_reason_and_keeps_every_cell(store_spec: str, tmp_path: Path) -> None:
    """Two bad people rows take the rows that name them along: the summary says so, per file and
    reason, and the rejects file keeps each row's cells as written, extra cells included."""
    folder = write_folder(tmp_path / "in", base_with(
        people=BASE["people.csv"].replace("P4,Carl Chen,O-A,", "P4,Carl Chen,O-NOPE,")
        .replace("P6,Bob Buyer,O-B,Head of Procurement,influencer,\n",
                 "P6,Bob Buyer,O-B,Head of Procurement,influencer,, extra ,more\n"),
    ))
    rejects = tmp_path / "rejects.csv"
    result = run("ingest", str(folder), "--store", store_spec, "--skip-invalid", str(rejects))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Ingested into {store_spec}: 3 organisations, 4 people, 1 friendship, 0 interactions, "
        "2 account assignments, 2 deals.",
        "Changed: organisations: 3 added; people: 4 added; friendships: 1 added; accounts: 2 added; deals: 2 added "
        "(every row written again).",
        f"Rejected 6 rows; the reasons, row by row, are in {rejects}:",
        "  people.csv: 2 rows with problems",
        "  friendships.csv: 1 row that names rejected rows of people.csv",
        "  interactions.csv: 3 rows that name rejected rows of people.csv"]
    with rejects.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["file"], r["line"]) for r in rows] == [
        ("people.csv", "5"), ("people.csv", "7"), ("friendships.csv", "2"), ("interactions.csv", "2"),
        ("interactions.csv", "3"), ("interactions.csv", "4")]
    assert json.loads(rows[1]["row"]) == {
        "id": "P6", "name": "Bob Buyer", "org_id": "O-B", "title": "Head of Procurement", "role": "influencer",
        "email": "", "column 7": " extra ", "column 8": "more"}
    assert json.loads(rows[0]["row"])["email"] == ""
    doc = json.loads(run("ingest", str(folder), "--store", store_spec, "--skip-invalid", str(rejects),
                         "--json").stdout)
    assert doc["rejected"] == 6
    assert doc["rejected_by"] == [
        {"file": "people.csv", "rows": 2, "reason": "invalid", "refers_to": []},
        {"file": "friendships.csv", "rows": 1, "reason": "refers to a rejected row", "refers_to": ["people.csv"]},
        {"file": "interactions.csv", "rows": 3, "reason": "refers to a rejected row", "refers_to": ["people.csv"]}]


def test_a_missing_required_file_does_not_suggest_skip_invalid(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", base_with(people=None))
    for extra in ((), ("--skip-invalid", str(tmp_path / "r.csv"))):
        result = run("ingest", str(folder), "--store", str(tmp_path / "s"), *extra)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            "people.csv: file is missing; it is required in the input folder",
            "1 problem found; nothing was written. Fix people.csv and run the ingest again: a file that cannot be "
            "used as a whole stops the ingest."]
        assert "--skip-invalid" not in result.stderr
    assert not (tmp_path / "r.csv").exists()


def test_skip_invalid_takes_back_a_row_whose_id_came_before(store_spec: str, tmp_path: Path) -> None:
    """A repeated id is found once the whole file is read: the later row, valid on its own, is set
    aside with its cells as written and the store keeps the first."""
    folder = write_folder(tmp_path / "in", base_with(
        interactions=BASE["interactions.csv"] + "I2,2026-01-05,call,P1;P5,,,\"a, note\"\n",
        friendships=BASE["friendships.csv"] + "P5,P2,club,\n"))
    rejects = tmp_path / "rejects.csv"
    result = run("ingest", str(folder), "--store", store_spec, "--skip-invalid", str(rejects), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["rejected"] == 2 and doc["ingested"]["interactions"] == 3 and doc["ingested"]["friendships"] == 2
    with rejects.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["file"], r["line"], r["column"], r["problem"]) for r in rows] == [
        ("friendships.csv", "4", "person_b", "friendship P2-P5 is already given at line 3 (a friendship is undirected)"),
        ("interactions.csv", "5", "id", "id 'I2' is already used at line 3")]
    assert json.loads(rows[1]["row"]) == {"id": "I2", "date": "2026-01-05", "type": "call", "participants": "P1;P5",
                                          "org_id": "", "nature": "", "notes": "a, note"}
    with open_store(store_spec) as s:
        held = s.dump()
    assert [i.date.isoformat() for i in held.interactions if i.id == "I2"] == ["2026-09-15"]
    assert [f.kind for f in held.friendships if (f.person_a, f.person_b) == ("P2", "P5")] == ["friend"]
