"""Ingest a folder into a store: validate everything first, then write once.

>>> import pathlib, tempfile
>>> from graph.store import SQLiteStore
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "organisations.csv").write_text("id,name,kind\\nO1,Acme,customer\\n")
>>> _ = (d / "people.csv").write_text("id,name,org_id\\nP1,Ann,O1\\n")
>>> with SQLiteStore(d / "store") as store:
...     ingest_folder(d, store).ingested["people"]
1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InputError
from graph.store.base import Progress, Store
from ingest.rejects import write_rejects
from ingest.validate import validate_folder

__all__ = ["IngestReport", "ingest_folder"]


@dataclass
class IngestReport:
    """What an ingest did; :meth:`to_json` is the contract's JSON shape."""

    ingested: dict[str, int]
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    rejects_file: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"ingested": self.ingested, "rejected": self.rejected, "warnings": self.warnings,
                "dry_run": self.dry_run, "rejects_file": self.rejects_file}


def ingest_folder(folder: Path, store: Store | None, *, dry_run: bool = False, rejects: Path | None = None,
                  progress: Progress | None = None) -> IngestReport:
    """Validate ``folder`` and, unless ``dry_run``, make ``store`` hold exactly its rows.

    Parameters
    ----------
    folder : Path
        The input folder (see the README for the files).
    store : Store or None
        Where to write; may be ``None`` for a dry run.
    dry_run : bool
        Validate only; write nothing.
    rejects : Path, optional
        Load the valid rows and write every rejected row here with its reasons.
        Without it, any invalid row stops the ingest before anything is written.
    progress : callable, optional
        ``progress(stage, done, total)`` while reading and writing.

    Raises
    ------
    InputError
        With every problem found, when the input is invalid (and ``rejects`` is
        not given, or a whole file is unusable). Nothing has been written.
    """
    v = validate_folder(Path(folder), progress=progress)
    warnings = [str(w) for w in v.warnings]
    if v.fatal or (v.problems and rejects is None):
        raise InputError(v.problems)
    rejected = 0
    if rejects is not None:
        rejected = write_rejects(Path(rejects), v.rejected)
    if not dry_run:
        if store is None:
            raise ValueError("a store is needed unless dry_run is true")
        store.load(v.dataset, progress=progress)
    return IngestReport(v.dataset.counts(), rejected, warnings, dry_run,
                        str(rejects) if rejects is not None else None)
