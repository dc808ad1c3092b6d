"""Every dashboard page runs and shows its key elements, on both stores (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from relmap.cli import cli

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def demo(store_spec: str, monkeypatch: pytest.MonkeyPatch) -> str:
    result = CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", store_spec])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("RELMAP_STORE", store_spec)
    monkeypatch.delenv("RELMAP_DASHBOARD_PASSWORD", raising=False)
    return store_spec


def app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["as_of"] = __import__("datetime").date(2026, 11, 26)
    at.run()
    if page:
        at.switch_page(f"views/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_network_page_draws_the_team_map(demo: str) -> None:
    at = app()
    assert at.title[0].value == "Network"
    frames = at.get("iframe")
    assert len(frames) == 1
    assert "relmapNodeCount" in frames[0].proto.srcdoc
    assert "people" in at.caption[-1].value or any("people" in c.value for c in at.caption)


def test_network_page_around_an_account(demo: str) -> None:
    at = app()
    at.radio(key="net_scope").set_value("A person or an account").run()
    at.text_input(key="net_text").set_value("Telco").run()
    assert not at.exception
    assert any("Telco" in str(o) for o in at.selectbox(key="net_choice").options)
    assert any("the people of O\\-TELCO" in c.value for c in at.caption)
    assert len(at.get("iframe")) == 1


def test_network_stage_filter_keeps_only_those_accounts(demo: str) -> None:
    at = app()
    everyone = at.caption[0].value
    at.multiselect(key="net_stages").set_value(["outsider"]).run()
    assert not at.exception
    assert at.caption[0].value != everyone
    assert "Viktor Lindqvist" not in at.get("iframe")[0].proto.srcdoc  # Telco is no outsider


def test_introductions_page_finds_the_planted_path(demo: str) -> None:
    at = app("introductions")
    at.text_input(key="intro_text").set_value("Viktor").run()
    at.selectbox(key="intro_from").set_value("P-003").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = [m.value for m in at.markdown]
    assert any("Aisha Khan → Jonas Becker → Viktor Lindqvist" in t for t in texts)
    assert any("34 tennis" in t for t in texts)
    assert len(at.get("iframe")) == 1
    assert at.subheader[0].value == "Mutual contacts"


def test_risk_page_puts_telco_first_and_plans_the_handover(demo: str) -> None:
    at = app("risk")
    table = at.dataframe[0].value
    assert table.iloc[0]["account"] == "Telco Meridian" and table.iloc[0]["level"] == "high"
    at.selectbox(key="risk_rep").set_value("P-002").run()
    assert not at.exception
    assert any("Daniel Reyes" in w.value for w in at.warning)
    orphans = at.dataframe[-1].value
    assert "Viktor Lindqvist" in set(orphans["contact"])
    assert len(at.get("download_button")) == 1


def test_stages_page_places_every_stage(demo: str) -> None:
    at = app("stages")
    assert [m.label for m in at.metric] == ["Outsider", "Friend", "Supplier", "Partner"]
    assert all(int(m.value) >= 1 for m in at.metric)
    at.selectbox(key="stage_pick").set_value("O-KESTREL").run()
    assert any("supplier" in m.value for m in at.markdown)
    assert at.info[-1].value.startswith("Next step:")


def test_data_page_shows_counts(demo: str) -> None:
    at = app("data")
    assert {m.label: m.value for m in at.metric}["People"] == "50"


def test_cypher_page(demo: str, backend: str) -> None:
    at = app("cypher")
    if backend == "sqlite":
        assert "Cypher needs a Neo4j store" in at.info[0].value
        return
    at.button(key="recipe_1").click().run()
    at.button(key="cypher_run").click().run()
    assert not at.exception
    assert at.success[0].value.endswith("row(s)")
    assert len(at.dataframe[0].value) > 0
    at.text_area(key="cypher_query").set_value("MATCH p = (:Person {id: 'P-003'})-[:KNOWS]-(:Person) RETURN p").run()
    at.button(key="cypher_run").click().run()
    frame = at.get("iframe")[0].proto.srcdoc
    assert "Aisha Khan" in frame or "Aisha Khan".encode("ascii", "backslashreplace").decode() in frame
    at.text_area(key="cypher_query").set_value("CREATE (n:Person {id: 'X'}) RETURN n").run()
    at.button(key="cypher_run").click().run()
    assert at.error[0].value.startswith("Refused:")


def test_password_protects_every_page(demo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELMAP_DASHBOARD_PASSWORD", "s3cret")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert [t.value for t in at.title] == ["relmap"]
    assert not at.get("iframe") and not at.dataframe
    at.text_input[0].set_value("wrong")
    at.button[0].click().run()
    assert at.error[0].value == "Wrong password."
    at.text_input[0].set_value("s3cret")
    at.button[0].click().run()
    assert at.title[0].value == "Network"
