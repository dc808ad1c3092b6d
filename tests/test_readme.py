"""Keep the README honest: its Cypher runs, its commands exist, its examples match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from relmap.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CYPHER = re.findall(r"```cypher\n(.*?)```", README, flags=re.S)


def test_cookbook_has_at_least_eight_queries() -> None:
    assert len(CYPHER) >= 8


def test_readme_cookbook_is_the_dashboard_cookbook() -> None:
    from graph.cookbook import COOKBOOK

    assert [c.split("\n", 1)[1] for c in CYPHER] == [r.query for r in COOKBOOK]
    assert [json.loads(re.search(r"^// params: (.*)$", c, flags=re.M).group(1)) for c in CYPHER] == [  # type: ignore[union-attr]
        r.params for r in COOKBOOK]


@pytest.fixture(scope="module")
def demo_store(neo4j_server) -> str:  # type: ignore[no-untyped-def]
    mp = pytest.MonkeyPatch()
    for k, v in neo4j_server.env().items():
        mp.setenv(k, v)
    result = CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", neo4j_server.uri])
    assert result.exit_code == 0, result.output
    yield neo4j_server.uri
    mp.undo()


def _run(store: str, block: str) -> dict:  # type: ignore[type-arg]
    params = json.loads(re.search(r"^// params: (.*)$", block, flags=re.M).group(1))  # type: ignore[union-attr]
    args = ["query", block, "--store", store, "--json"]
    for k, v in params.items():
        args += ["--param", f"{k}={json.dumps(v)}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.neo4j
@pytest.mark.parametrize("number", range(len(CYPHER)), ids=[f"q{n + 1}" for n in range(len(CYPHER))])
def test_cookbook_query_runs_and_answers(demo_store: str, number: int) -> None:
    doc = _run(demo_store, CYPHER[number])
    assert doc["rows"], f"cookbook query {number + 1} returned no rows on the example story"


@pytest.mark.neo4j
def test_cookbook_answers_match_the_story(demo_store: str) -> None:
    # 1: only one of our people has met or befriended Telco's people
    assert [row[0] for row in _run(demo_store, CYPHER[0])["rows"]] == ["Daniel Reyes"]
    # 6: Telco is among the accounts only one rep has met
    assert ["Telco Meridian", "Daniel Reyes"] in _run(demo_store, CYPHER[5])["rows"]
    # 7: the warm introduction to Telco's CTO runs through the tennis club
    chain = _run(demo_store, CYPHER[6])["rows"][0]
    assert chain[1] == 2


def test_every_command_is_documented() -> None:
    for name in cli.commands:
        assert f"relmap {name}" in README, f"`relmap {name}` is missing from the README"


def test_test_command_in_readme_is_what_ci_runs() -> None:
    assert "scripts/test.sh" in README
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_demo_output_in_readme_matches(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", str(tmp_path / "s")])
    assert result.exit_code == 0
    summary = result.stdout.splitlines()[1].strip()
    assert summary in README


def test_connectors_output_in_readme_matches(tmp_path: Path) -> None:
    """The README quotes `relmap connectors` on the example story: the quote is what it prints."""
    blocks = re.findall(r"```\n\$ (relmap connectors [^\n]*)\n(.*?)```", README, flags=re.S)
    assert blocks, "the README quotes no `relmap connectors` output"
    store = str(tmp_path / "s")
    assert CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", store]).exit_code == 0
    for command, quoted in blocks:
        result = CliRunner().invoke(cli, [*command.split()[1:], "--store", store])
        assert result.exit_code == 0, result.output
        assert result.stdout == quoted, f"$ {command}\n{result.stdout}"
