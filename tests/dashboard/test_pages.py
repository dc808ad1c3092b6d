"""Every dashboard page runs and shows its key elements, on both stores (Streamlit AppTest)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from relmap.cli import cli
from tests.test_query import LOAD_CSV_TRICKS, REFUSED, _Canary, canary_url, fingerprint  # noqa: F401 - a fixture

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
    mutual = at.dataframe[0].value
    assert list(mutual.columns) == ["contact", "id", "tie with Aisha Khan", "tie with Viktor Lindqvist",
                                    "bridge strength"]
    assert mutual.iloc[0]["contact"] == "Jonas Becker"


def test_introductions_draw_each_path_in_its_own_colour(demo: str) -> None:
    at = app("introductions")
    at.text_input(key="intro_text").set_value("Viktor").run()
    at.selectbox(key="intro_from").set_value("P-003").run()
    at.slider(key="intro_k").set_value(3).run()
    page = at.get("iframe")[0].proto.srcdoc
    data = json.loads(re.search(r'id="relmap-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    colours = {e["path"]: e["color"] for e in data["edges"] if e["onPath"]}
    assert sorted(colours) == [0, 1, 2] and len(set(colours.values())) == 3
    for n in (1, 2, 3):
        assert f"path {n}</span>" in page


def test_risk_page_puts_telco_first_and_plans_the_handover(demo: str) -> None:
    at = app("risk")
    table = at.dataframe[0].value
    assert table.iloc[0]["account"] == "Telco Meridian" and table.iloc[0]["level"] == "high"
    # our value and its parts, and the customer's size, each in its own column, in whole units
    assert {"value", "won last year", "pipeline", "value at risk", "annual revenue"} <= set(table.columns)
    telco = table.iloc[0]
    assert telco["value"] == telco["won last year"] + telco["pipeline"] > 0
    assert telco["annual revenue"] != telco["value"]
    low = table[table["level"] == "low"]
    assert len(low) and (low["value at risk"] == 0).all()
    quarry = table[table["account"] == "Quarry Point Mining"].iloc[0]
    assert quarry["value"] == 0 and quarry["annual revenue"] == 2_100_000_000  # a prospect: its size, not our value
    money = table[["value", "won last year", "pipeline", "value at risk"]].to_numpy().ravel()
    assert all(float(v).is_integer() for v in money)
    high = table[table["level"] == "high"]["value at risk"].sum()
    assert at.metric[2].value == f"{high:,.0f}"  # no cents, thousands separated
    at.selectbox(key="risk_rep").set_value("P-002").run()
    assert not at.exception
    assert any(re.search(r"If Daniel Reyes left, \d+ contacts would have no strong tie left", w.value)
               for w in at.warning)
    orphans = at.dataframe[-1].value
    assert "Viktor Lindqvist" in set(orphans["contact"])
    assert len(at.get("download_button")) == 1


def elements(at: AppTest) -> list[Any]:
    """The page's elements (not blocks) in the order they are shown."""
    def walk(node: Any) -> Any:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                yield from walk(child)
        else:
            yield node

    return list(walk(at.main))


def test_stages_page_places_every_stage(demo: str) -> None:
    at = app("stages")
    assert [m.label for m in at.metric] == ["Outsider", "Friend", "Supplier", "Partner"]
    assert all(int(m.value) >= 1 for m in at.metric)
    at.selectbox(key="stage_pick").set_value("O-KESTREL").run()
    assert any("supplier" in m.value for m in at.markdown)
    assert at.info[-1].value.startswith("Next step:")


def test_stages_page_names_the_pairs_and_says_where_the_picker_is(demo: str) -> None:
    at = app("stages")
    overview = at.dataframe[0].value
    waiting = overview[overview["next step"].str.startswith("(pick")]
    assert len(waiting) and set(waiting["next step"]) == {"(pick the account below to work out a warm introduction)"}
    assert "None" not in set(overview["weak hand"]) and "none" in set(overview["weak hand"])
    shown = elements(at)
    table = next(i for i, e in enumerate(shown) if getattr(e, "type", "") == "dataframe")
    picker = next(i for i, e in enumerate(shown) if getattr(e, "key", None) == "stage_pick")
    assert table < picker, "the overview says the picker is below it"
    at.selectbox(key="stage_pick").set_value("O-ASTRA").run()
    pairs = at.dataframe[-1].value
    assert list(pairs.columns)[:2] == ["rep", "contact"]
    assert {"Liam O'Brien", "Zoë Müller"} == set(pairs["rep"])
    assert "Isabella Rossi" in set(pairs["contact"])
    assert {"P-004", "P-005"} == set(pairs["rep id"])
    assert pairs["weak hand"].notna().all() and "none" in set(pairs["weak hand"])
    assert "weak hand: **none**" in " ".join(m.value for m in at.markdown)


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
    assert re.fullmatch(r"\d+ rows?", at.success[0].value)
    assert len(at.dataframe[0].value) > 0
    at.text_area(key="cypher_query").set_value("MATCH p = (:Person {id: 'P-003'})-[:KNOWS]-(:Person) RETURN p").run()
    at.button(key="cypher_run").click().run()
    frame = at.get("iframe")[0].proto.srcdoc
    assert "Aisha Khan" in frame or "Aisha Khan".encode("ascii", "backslashreplace").decode() in frame
    edges = json.loads(re.search(r'id="relmap-data">(.*?)</script>', frame, re.S).group(1))["edges"]  # type: ignore[union-attr]
    assert edges and all(e["kind"] == "personal" and e["dashes"] is False for e in edges)  # KNOWS: personal ties
    at.text_area(key="cypher_query").set_value("CREATE (n:Person {id: 'X'}) RETURN n").run()
    at.button(key="cypher_run").click().run()
    assert at.error[0].value.startswith("Refused:")
    # `relmap ingest` shows as code, not as text between stray backticks
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parseInline(at.error[0].value)[0].children or []
    assert [t.content for t in tokens if t.type == "code_inline"] == ["relmap ingest"]
    assert not any("`" in t.content for t in tokens if t.type == "text")


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


# -- the password, in front of every page -------------------------------------------------------
def navigation() -> list[tuple[str, str]]:
    """Every page of the st.navigation in dashboard/app.py: (file stem, title)."""
    text = Path(APP).read_text(encoding="utf-8")
    found = re.findall(r'st\.Page\(\s*PAGES\s*/\s*"(\w+)\.py"\s*,\s*title="([^"]+)"', text)
    assert len(found) == text.count("st.Page("), "a page of app.py is written in a way this test does not read"
    return found


PAGES = navigation()
#: What the example story would show on any page: none of it may appear before the password.
SECRETS = ("Telco", "Viktor", "Daniel Reyes", "Aisha", "Northwind", "O-TELCO", "P-002", "Kestrel", "relmap demo",
           "Store", "revision", "bolt://", "cli-store", "Refused", "Cypher needs")
#: What the login screen is made of, and nothing else.
LOGIN_ELEMENTS = {"title", "text_input", "button", "error"}


def assert_locked(at: AppTest) -> None:
    """Only the login form: no table, chart, drawing, metric, picker or text of the page, no sidebar."""
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["relmap"]
    assert len(at.text_input) == 1 and at.text_input[0].label == "Password"
    assert not at.sidebar.children, "the sidebar shows before the password"

    def walk(node: Any) -> Any:
        yield node
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else ()):
            yield from walk(child)

    elements = [n for n in walk(at.main) if not isinstance(getattr(n, "children", None), dict)]  # not blocks
    kinds = {getattr(n, "type", type(n).__name__) for n in elements}
    assert kinds <= LOGIN_ELEMENTS, kinds
    text = " ".join(str(getattr(n, "proto", "")) for n in elements)
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, leaked


@pytest.mark.parametrize("backend", [pytest.param("sqlite")])
@pytest.mark.parametrize("page, title", PAGES, ids=[p for p, _ in PAGES])
def test_password_protects_each_page(demo: str, monkeypatch: pytest.MonkeyPatch, page: str, title: str) -> None:
    monkeypatch.setenv("RELMAP_DASHBOARD_PASSWORD", "s3cret-Pw")
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["as_of"] = __import__("datetime").date(2026, 11, 26)
    at.run()
    at.switch_page(f"views/{page}.py").run()  # straight to the page, as a bookmark would
    assert_locked(at)
    for wrong in ("", "wrong", "s3cret-pw", "S3CRET-PW", "s3cret-P", "s3cret-Pw ", " s3cret-Pw", "s3cret-Pw\u200b"):
        at.text_input[0].set_value(wrong)
        at.button[0].click().run()
        assert [e.value for e in at.error] == ["Wrong password."], wrong
        assert_locked(at)
        assert "authenticated" not in at.session_state
    at.text_input[0].set_value("s3cret-Pw")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    assert "Password" not in [t.label for t in at.text_input]
    assert at.sidebar.children  # the store and the as-of date
    shown = {"network": lambda: at.get("iframe"), "introductions": lambda: at.text_input(key="intro_text"),
             "risk": lambda: at.dataframe, "stages": lambda: at.metric, "cypher": lambda: at.info,
             "data": lambda: at.metric}
    assert shown[page](), f"{title} shows nothing after the right password"
    # the session stays signed in on the other pages
    for other, other_title in PAGES:
        at.switch_page(f"views/{other}.py").run()
        assert not at.exception and at.title[0].value == other_title


def test_every_page_of_the_navigation_is_covered() -> None:
    assert [p for p, _ in PAGES] == ["network", "introductions", "risk", "stages", "cypher", "data"]
    views = sorted(p.stem for p in (Path(APP).parent / "views").glob("*.py") if p.stem != "__init__")
    assert sorted(p for p, _ in PAGES) == views, "a page file is not in the navigation (or the other way round)"


# -- the Cypher console cannot change data -------------------------------------------------------------
@pytest.mark.parametrize("backend", [pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_cypher_console_refuses_every_write(demo: str, neo4j_server: Any, canary_url: str) -> None:
    at = app("cypher")
    at.text_input(key="cypher_params").set_value(json.dumps({"url": canary_url})).run()
    cases = [(name, cypher.replace("{password}", neo4j_server.password), reason) for name, cypher, reason in REFUSED]
    cases += [(f"load-csv-{n}", cypher, "LOAD CSV is not allowed") for n, cypher in enumerate(LOAD_CSV_TRICKS)]
    before = fingerprint(neo4j_server)
    for name, cypher, reason in cases:
        at.text_area(key="cypher_query").set_value(cypher).run()
        at.button(key="cypher_run").click().run()
        assert not at.exception, (name, [e.value for e in at.exception])
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and errors[0].startswith("Refused: "), (name, errors)
        message = re.sub(r"\\(.)", r"\1", errors[0]).replace("\u200b", "")  # undo common.md
        assert re.search(reason, message), (name, message)
        assert not at.success and not at.dataframe and not at.get("iframe"), name
        assert fingerprint(neo4j_server) == before, name
    assert _Canary.hits == []
    # and the console still answers reads
    at.text_area(key="cypher_query").set_value("MATCH (p:Person {id: 'P-002'}) RETURN p.name AS name").run()
    at.button(key="cypher_run").click().run()
    assert at.dataframe[0].value["name"].tolist() == ["Daniel Reyes"]


def _connectors_of(text: str) -> Any:
    """The Network page showing the connectors of the organisation found by ``text``."""
    at = app()
    at.radio(key="net_scope").set_value("A person or an account").run()
    at.text_input(key="net_text").set_value(text).run()
    at.radio(key="net_show").set_value("Its connectors").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_network_page_shows_an_accounts_connectors(demo: str) -> None:
    at = _connectors_of("Kestrel")
    assert any("carries our access into Kestrel Bank" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert list(table.columns) == ["connector", "id", "organisation", "score", "reps", "reaches"]
    assert table.iloc[0]["connector"] == "Rafael Costa" and table.iloc[0]["reps"] == "Liam O'Brien"
    drawing = at.get("iframe")[0].proto.srcdoc
    assert "Rafael Costa" in drawing and "Nadia Haddad" in drawing


def test_network_page_explains_an_organisation_that_is_no_account(demo: str) -> None:
    at = _connectors_of("Riverside")
    assert any("is not an account" in i.value for i in at.info)
