"""Keep docs/importing.md honest: every kind has its command, the JSON example is what the command prints."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingest.importers import KINDS
from tests.importers.helpers import FIXTURES, run_import

DOC = (Path(__file__).resolve().parents[2] / "docs" / "importing.md").read_text(encoding="utf-8")


def test_every_kind_has_its_command() -> None:
    for kind in KINDS:
        assert f"relmap import {kind} " in DOC, kind


def test_the_json_example_is_what_the_command_prints(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    example = json.loads(re.search(r"```json\n(.*?)```", DOC, flags=re.S).group(1))  # type: ignore[union-attr]
    monkeypatch.chdir(tmp_path)
    _, doc = run_import("calendar", FIXTURES / "calendar" / "work.ics", into=Path("input"))
    assert doc is not None
    assert list(doc) == list(example)
    assert {k: doc[k] for k in doc if k != "skipped"} == {k: example[k] for k in example if k != "skipped"}
    assert example["skipped"][0]["reason"] in {s["reason"] for s in doc["skipped"]}


def test_the_review_example_has_the_review_file_columns() -> None:
    from ingest.importers.folder import REVIEW_COLUMNS

    assert ",".join(REVIEW_COLUMNS) in DOC
