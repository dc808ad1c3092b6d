"""The shape the architecture promises (docs/architecture.md): a small store interface and
modules of one idea. These hold the design to its word as the code grows."""

from __future__ import annotations

from pathlib import Path

from graph.store.base import Reader, Store

ROOT = Path(__file__).resolve().parent.parent


def _public(cls: type) -> set[str]:
    return {name for name, value in vars(cls).items() if callable(value) and not name.startswith("_")}


def test_the_store_interface_has_at_most_sixteen_public_methods() -> None:
    store, reader = _public(Store), _public(Reader)
    assert {"load", "rebuild", "reader", "cypher", "close"} <= store
    assert {"people", "neighbours", "ties"} <= reader
    assert len(store) + len(reader) <= 16, sorted(store) + sorted(reader)


def test_no_product_module_is_over_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for package in ("graph", "ingest", "dashboard", "relmap")
            for p in (ROOT / package).rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert not long, f"split these into modules of one idea: {long}"
