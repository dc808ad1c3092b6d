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

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InputError
from graph.model import Dataset
from graph.store.base import Progress, Store
from ingest.rejects import write_rejects
from ingest.rows import ROW_MODELS
from ingest.validate import Rejected, validate_folder

__all__ = ["IngestReport", "RejectCount", "count_rejects", "check_folder", "ingest_folder"]


@dataclass(frozen=True)
class RejectCount:
    """How many rows of one file were rejected for one reason: ``invalid`` (problems of their
    own) or ``refers to a rejected row`` (only because they name rows of ``refers_to`` that were
    rejected)."""

    file: str
    rows: int
    reason: str
    refers_to: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "rows": self.rows, "reason": self.reason, "refers_to": list(self.refers_to)}

    def __str__(self) -> str:
        """``people.csv: 2 rows with problems``; ``interactions.csv: 52 rows that name rejected rows
        of people.csv``."""
        from graph.analysis.words import plural

        if self.reason == INVALID:
            return f"{self.file}: {plural(self.rows, 'row')} with problems"
        return (f"{self.file}: {plural(self.rows, 'row')} that name{'s' if self.rows == 1 else ''} rejected rows "
                f"of {' and '.join(self.refers_to)}")


INVALID, DEPENDENT = "invalid", "refers to a rejected row"


def count_rejects(rejected: list[Rejected]) -> list[RejectCount]:
    """The rejected rows counted per file and reason, in file order (a row with problems of its
    own counts as invalid, whatever else it names)."""
    counts: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    for r in rejected:
        counts[(r.file, INVALID, ()) if r.invalid else (r.file, DEPENDENT, r.refers_to)] += 1
    order = {name: i for i, name in enumerate(ROW_MODELS)}
    return [RejectCount(file, n, reason, refers) for (file, reason, refers), n in
            sorted(counts.items(), key=lambda c: (order.get(c[0][0], 99), c[0][1] != INVALID, c[0][2]))]


@dataclass
class IngestReport:
    """What an ingest did; :meth:`to_json` is the contract's JSON shape (and ``rejected_by``, the
    rejected rows counted per file and reason)."""

    ingested: dict[str, int]
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    rejects_file: str | None = None
    rejected_by: list[RejectCount] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"ingested": self.ingested, "rejected": self.rejected, "warnings": self.warnings,
                "dry_run": self.dry_run, "rejects_file": self.rejects_file,
                "rejected_by": [c.to_json() for c in self.rejected_by]}


def check_folder(folder: Path, *, rejects: Path | None = None, dry_run: bool = False,
                 progress: Progress | None = None) -> tuple[Dataset, IngestReport]:
    """Validate ``folder``; return the clean dataset and the report an ingest of it gives.

    With ``rejects``, rejected rows are written there with their reasons and
    the valid rows are returned; without it, any problem raises.

    Raises
    ------
    InputError
        With every problem found, when the input is invalid (and ``rejects`` is
        not given, or a whole file is unusable).
    """
    v = validate_folder(Path(folder), progress=progress)
    warnings = [str(w) for w in v.warnings]
    if v.fatal:  # a whole file cannot be used: setting rows aside cannot help
        from graph.analysis.words import plural

        files = sorted({p.file for p in v.fatal}, key=lambda f: (list(ROW_MODELS).index(f) if f in ROW_MODELS
                                                                 else 99, f))
        raise InputError(v.problems, f"{plural(len(v.problems), 'problem')} found; nothing was written. Fix "
                                     f"{' and '.join(files)} and run the ingest again: a file that cannot be used "
                                     "as a whole stops the ingest.")
    if v.problems and rejects is None:
        raise InputError(v.problems)
    rejected = 0
    if rejects is not None:
        rejected = write_rejects(Path(rejects), v.rejected)
    report = IngestReport(v.dataset.counts(), rejected, warnings, dry_run,
                          str(rejects) if rejects is not None else None, count_rejects(v.rejected))
    return v.dataset, report


def ingest_folder(folder: Path, store: Store, *, rejects: Path | None = None,
                  progress: Progress | None = None, weights: Mapping[str, float] | None = None) -> IngestReport:
    """Validate ``folder``, then make ``store`` hold exactly its rows.

    Parameters
    ----------
    folder : Path
        The input folder (see the README for the files).
    store : Store
        Where to write.
    rejects : Path, optional
        Load the valid rows and write every rejected row here with its reasons.
        Without it, any invalid row stops the ingest before anything is written.
    progress : callable, optional
        ``progress(stage, done, total)`` while reading and writing.
    weights : mapping of str to float, optional
        The type weights the store keeps the team's ties with, as
        :func:`graph.formula.weight_table` encodes them (default: the configuration's
        defaults); see :meth:`graph.store.base.Store.load`.

    Raises
    ------
    InputError
        With every problem found; nothing has been written.
    """
    data, report = check_folder(folder, rejects=rejects, progress=progress)
    store.load(data, progress=progress, weights=weights)
    return report
