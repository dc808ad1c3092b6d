"""The Data page imports exports as `relmap import` does, shows the same summary, then loads them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from graph.store import open_store
from ingest.importers.uploads import Options, import_uploads
from relmap.cli import cli
from tests.helpers import BASE
from tests.importers.helpers import FIXTURES

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    spec = str(tmp_path / "store")
    assert CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", spec]).exit_code == 0
    monkeypatch.setenv("RELMAP_STORE", spec)
    monkeypatch.delenv("RELMAP_DASHBOARD_PASSWORD", raising=False)
    return spec


def _data_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["as_of"] = date(2026, 11, 26)
    at.run()
    at.switch_page("views/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_import_a_calendar_merged_with_uploaded_csvs_then_load(store: str) -> None:
    at = _data_page()
    at.file_uploader(key="data_files").set_value([(n, t.encode(), "text/csv") for n, t in BASE.items()]).run()
    at.selectbox(key="import_kind").set_value("calendar").run()
    ics = (FIXTURES / "calendar" / "work.ics").read_bytes()
    at.file_uploader(key="import_files").set_value(("work.ics", ics, "text/calendar")).run()
    at.text_input(key="import_domains").set_value("northwind.example").run()
    at.button(key="import_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    successes = [s.value for s in at.success]
    assert "Read 9 records. Added: 2 organisations, 7 people, 0 friendships, 8 interactions, 0 accounts, 0 deals" \
        in successes
    skipped, review = at.dataframe[0].value, at.dataframe[1].value
    assert set(skipped["source"]) >= {"work.ics#cancelled-dinner@northwind.example"}
    assert "review.csv" in " ".join(w.value for w in at.warning)
    assert list(review["name"]) == ["Carl Chen"] and list(review["candidate_id"]) == ["P4"]  # by name only
    assert "Valid: 5 organisations, 13 people, 2 friendships, 11 interactions, 2 accounts, 2 deals" in successes
    at.button(key="import_load").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert "Loaded. Every page now shows the new data." in [s.value for s in at.success]
    with open_store(store, create=False) as s:
        assert s.counts()["interactions"] == 11 and s.counts()["people"] == 13


def test_a_file_that_is_not_of_its_kind_is_refused_by_name(store: str) -> None:
    at = _data_page()
    at.selectbox(key="import_kind").set_value("calendar").run()
    at.file_uploader(key="import_files").set_value(("notes.ics", b"id,name\n1,2\n", "text/calendar")).run()
    at.button(key="import_run").click().run()
    assert not at.exception
    assert at.error[0].value.replace("\\", "").startswith("Nothing imported: notes.ics: not an iCalendar file")
    with open_store(store, create=False) as s:
        assert s.counts()["people"] == 50  # the demo story, untouched


def test_import_uploads_names_the_uploads(tmp_path: Path) -> None:
    report, files = import_uploads("linkedin", {"Connections.csv": (FIXTURES / "linkedin" / "Connections.csv")
                                                .read_bytes()}, {}, Options(owner="rita@northwind.example"))
    assert report.skipped[0].source == "Connections.csv:7"
    assert report.into == "the input folder" and "friendships.csv" in files
