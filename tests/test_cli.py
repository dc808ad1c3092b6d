"""The relmap command line as users and scripts see it: exact output, exit codes, JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.store import open_store
from relmap.cli import cli
from tests.helpers import BASE, BASE_COUNTS, base_with, write_folder

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "demo"


def run(*args: str) -> "CliRunner.invoke":  # type: ignore[valid-type]
    return CliRunner().invoke(cli, list(args))


def test_ingest_prints_summary(store_spec: str, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", dict(BASE))
    result = run("ingest", str(folder), "--store", store_spec)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Ingested into {store_spec}: 3 organisations, 6 people, 2 friendships, "
                             "3 interactions, 2 account assignments, 2 deals.\n"
                             "Changed: organisations: 3 added; people: 6 added; friendships: 2 added; interactions: "
                             "3 added; accounts: 2 added; deals: 2 added (every row written again).\n")
    again = run("ingest", str(folder), "--store", store_spec)
    assert again.stdout.splitlines()[1] == "Changed: nothing, the store already held these rows."


def test_ingest_json_is_one_document(store_spec: str, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", base_with(people=BASE["people.csv"].replace("email\n", "email,shoe_size\n", 1)
                                                     .replace("\n", ",\n").replace("email,shoe_size,\n", "email,shoe_size\n")))
    result = run("ingest", str(folder), "--store", store_spec, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ingested"] == BASE_COUNTS
    assert doc["rejected"] == 0
    assert doc["warnings"] == ["people.csv:1: unknown column 'shoe_size' ignored"]
    assert "warning: people.csv:1: unknown column 'shoe_size' ignored" in result.stderr


def test_stats_text_and_json(store_spec: str, tmp_path: Path) -> None:
    run("ingest", str(write_folder(tmp_path / "in", dict(BASE))), "--store", store_spec)
    text = run("stats", "--store", store_spec)
    assert text.exit_code == 0
    assert text.stdout.splitlines() == [
        "organisations                   3", "people                          6",
        "friendships                     2", "interactions                    3",
        "account assignments             2", "deals                           2",
    ]
    doc = run("stats", "--store", store_spec, "--json")
    assert json.loads(doc.stdout) == BASE_COUNTS


def test_stats_uses_relmap_store_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = str(tmp_path / "s")
    run("ingest", str(write_folder(tmp_path / "in", dict(BASE))), "--store", spec)
    monkeypatch.setenv("RELMAP_STORE", spec)
    assert json.loads(run("stats", "--json").stdout) == BASE_COUNTS


def test_stats_on_missing_embedded_store_exits_3_with_fix(tmp_path: Path) -> None:
    result = run("stats", "--store", str(tmp_path / "nope"), "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["error"]["exit_code"] == 3
    assert "relmap ingest DIR --store" in result.stderr


def test_unreachable_neo4j_exits_3_naming_store_and_fix() -> None:
    result = run("stats", "--store", "bolt://127.0.0.1:1")
    assert result.exit_code == 3
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in result.stderr
    assert "scripts/neo4j_local.py start" in result.stderr


def test_bad_input_json_lists_every_problem(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", base_with(people=BASE["people.csv"] + "P7,Ann,ACME,,user,\nP8,,O-A,,user,\n"))
    result = run("ingest", str(folder), "--store", str(tmp_path / "s"), "--json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert [(p["file"], p["line"], p["column"]) for p in doc["error"]["problems"]] == [
        ("people.csv", 8, "org_id"), ("people.csv", 9, "name")]
    assert not (tmp_path / "s").exists()


def test_skip_invalid_loads_valid_rows_and_writes_rejects(store_spec: str, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", base_with(
        people=BASE["people.csv"] + "P7,Ann,ACME,,user,\n",
        interactions=BASE["interactions.csv"] + "I4,2026-01-01,call,P1;P7,,,=cmd|' /C calc'!A0\n",
    ))
    rejects = tmp_path / "rejects.csv"
    result = run("ingest", str(folder), "--store", store_spec, "--skip-invalid", str(rejects), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ingested"] == BASE_COUNTS
    assert doc["rejected"] == 2
    with rejects.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["file"], r["line"], r["column"], r["problem"]) for r in rows] == [
        ("people.csv", "8", "org_id", "org_id 'ACME' is not in organisations.csv"),
        ("interactions.csv", "5", "participants", "participants 'P7' refers to a rejected row (people.csv:8)"),
    ]
    # the formula in the notes cell is neutralised for spreadsheets, the JSON cell keeps it
    assert json.loads(rows[1]["row"])["notes"] == "=cmd|' /C calc'!A0"
    with open_store(store_spec) as s:
        assert s.counts() == BASE_COUNTS


def test_reingest_updated_folder_converges(store_spec: str, tmp_path: Path) -> None:
    run("ingest", str(write_folder(tmp_path / "a", dict(BASE))), "--store", store_spec)
    smaller = base_with(friendships="person_a,person_b\nP2,P5\n", deals=None, accounts=None)
    result = run("ingest", str(write_folder(tmp_path / "b", smaller)), "--store", store_spec, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(run("stats", "--store", store_spec, "--json").stdout) == {
        "organisations": 3, "people": 6, "friendships": 1, "interactions": 3, "accounts": 0, "deals": 0}


def test_missing_input_folder_is_usage_error(tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path / "missing"), "--store", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert f"input folder '{tmp_path / 'missing'}' does not exist" in result.stderr


def test_demo_loads_example_story(store_spec: str) -> None:
    result = run("demo", "--store", store_spec, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["counts"] == doc["ingested"]
    assert doc["counts"]["people"] >= 40


def test_generate_is_deterministic_and_ingestible(tmp_path: Path) -> None:
    a = run("generate", str(tmp_path / "a"), "--people", "300", "--seed", "7", "--as-of", "2026-11-26", "--json")
    b = run("generate", str(tmp_path / "b"), "--people", "300", "--seed", "7", "--as-of", "2026-11-26")
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    for name in ("organisations.csv", "people.csv", "friendships.csv", "interactions.csv", "accounts.csv", "deals.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    rows = json.loads(a.stdout)["rows"]
    assert rows["people"] == 300
    ingest = run("ingest", str(tmp_path / "a"), "--store", str(tmp_path / "s"), "--json")
    assert ingest.exit_code == 0, ingest.output
    assert json.loads(ingest.stdout)["ingested"] == rows


def test_query_on_embedded_store_explains_how_to_get_neo4j(tmp_path: Path) -> None:
    run("ingest", str(write_folder(tmp_path / "in", dict(BASE))), "--store", str(tmp_path / "s"))
    result = run("query", "MATCH (n) RETURN n", "--store", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert "Cypher needs a Neo4j store" in result.stderr
    assert "scripts/neo4j_local.py start" in result.stderr


def test_bad_param_is_usage_error(tmp_path: Path) -> None:
    result = run("query", "RETURN $x", "--param", "novalue", "--store", str(tmp_path))
    assert result.exit_code == 2
    assert "--param 'novalue' must look like NAME=VALUE" in result.stderr


def test_every_command_has_help() -> None:
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert command.help and command.help.strip(), name


def test_rebuild_keeps_the_team_ties_with_other_weights(store_spec: str, tmp_path: Path) -> None:
    """`relmap rebuild --config` keeps the team's ties with that configuration's type weights:
    every answer stays what it was with either weights (the others are computed live), and
    so does the revision."""
    assert run("ingest", str(EXAMPLES), "--store", store_spec).exit_code == 0
    weights = tmp_path / "weights.toml"
    weights.write_text("[personal_types]\ntennis = 0.2\ndinner = 0.3\n[business_types]\nmeeting = 1.0\n")
    common = ("--store", store_spec, "--as-of", "2026-11-26", "--json")

    def answers(*config: str) -> list[dict[str, object]]:
        return [json.loads(run(*command, *common, *config).stdout)
                for command in (("risk",), ("stages",), ("paths", "--to", "P-010"))]

    want, want_other = answers(), answers("--config", str(weights))
    assert want != want_other, "the other weights change nothing: the test would prove nothing"
    with open_store(store_spec, create=False) as s:
        revision = s.state().revision
    result = run("rebuild", "--store", store_spec, "--config", str(weights), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rebuilt"] is True
    with open_store(store_spec, create=False) as s:
        assert s.state().revision == revision
    assert answers("--config", str(weights)) == want_other
    assert answers() == want
    text = run("rebuild", "--store", store_spec)
    assert text.exit_code == 0 and text.stdout.startswith(f"Rebuilt the derived data of {store_spec} in ")
    assert answers() == want and answers("--config", str(weights)) == want_other


def test_rebuild_of_an_empty_store_has_nothing_to_do(tmp_path: Path) -> None:
    missing = run("rebuild", "--store", str(tmp_path / "missing"))
    assert missing.exit_code == 3 and "relmap ingest DIR --store" in missing.stderr
    spec = str(tmp_path / "empty")
    with open_store(spec):
        pass  # created, never loaded
    text = run("rebuild", "--store", spec)
    assert text.exit_code == 0, text.output
    assert text.stdout == f"Nothing to rebuild: {spec} holds no load.\n"
    assert json.loads(run("rebuild", "--store", spec, "--json").stdout)["rebuilt"] is False


def test_stages_for_some_accounts_equal_their_rows_in_the_whole_table(store_spec: str) -> None:
    """`relmap stages --org` gives exactly those accounts' rows of the whole table (their warm
    introductions included), and names an id that is not an account."""
    assert run("ingest", str(EXAMPLES), "--store", store_spec).exit_code == 0
    common = ("--store", store_spec, "--as-of", "2026-11-26", "--json")
    whole = {a["org_id"]: a for a in json.loads(run("stages", *common).stdout)["accounts"]}
    asked = ["O-QUARRY", "O-KESTREL"]  # an outsider and a supplier: each has a warm introduction
    some = run("stages", *common, "--org", asked[0], "--org", asked[1])
    assert some.exit_code == 0, some.output
    got = json.loads(some.stdout)["accounts"]
    assert [a["org_id"] for a in got] == sorted(asked)
    assert got == [whole[o] for o in sorted(asked)]
    assert all(a["next_step"] for a in got)
    bad = run("stages", "--store", store_spec, "--org", "O-NOPE")
    assert bad.exit_code == 2
    assert "no account with id 'O-NOPE'" in bad.stderr and "`relmap risk` lists them" in bad.stderr
