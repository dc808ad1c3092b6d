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
from graph.store.changes import Changes, Removed
from graph.store.sqlite.spill import Spill
from ingest.rejects import Rejected, write_rejects
from ingest.rows import ROW_MODELS
from ingest.update import Held
from ingest.validate import Validation, validate_folder

__all__ = ["IngestReport", "RejectCount", "count_rejects", "check_folder", "check_update", "ingest_folder"]


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
    #: What the load changed in the store, per file: rows added, changed and removed
    #: (``None`` for a dry run).
    changes: dict[str, dict[str, int]] | None = None
    #: Whether the store wrote every row again rather than only the changes.
    whole: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return {"ingested": self.ingested, "rejected": self.rejected, "warnings": self.warnings,
                "dry_run": self.dry_run, "rejects_file": self.rejects_file,
                "rejected_by": [c.to_json() for c in self.rejected_by], "changes": self.changes,
                "whole": self.whole}

    def record(self, changes: Changes) -> None:
        """Keep what a load changed."""
        self.changes, self.whole = changes.counts(), changes.whole

    def changes_line(self) -> str:
        """What the load changed, for people to read.

        >>> IngestReport({}, changes={"people": {"added": 1, "changed": 0, "removed": 2}}, whole=False).changes_line()
        'people: 1 added, 2 removed (only these rows written)'
        """
        parts = []
        for table, c in (self.changes or {}).items():
            said = [f"{n} {what}" for what, n in c.items() if n]
            if said:
                parts.append(f"{table}: {', '.join(said)}")
        if not parts:
            return "nothing, the store already held these rows"
        return "; ".join(parts) + (" (every row written again)" if self.whole else " (only these rows written)")


def check_folder(folder: Path, *, rejects: Path | None = None, dry_run: bool = False,
                 progress: Progress | None = None, held: Dataset | None = None,
                 spill: Spill | None = None, halves: bool = False) -> tuple[Dataset, IngestReport]:
    """Validate ``folder``; return the clean dataset and the report an ingest of it gives.

    With ``rejects``, rejected rows are written there with their reasons and
    the valid rows are returned; without it, any problem raises. With ``held`` (what the
    store holds), ``folder`` is an update (:mod:`ingest.update`) and the dataset returned is
    what the store will hold; problems the update makes in held rows always raise. With ``spill``
    (an empty :class:`~graph.store.sqlite.spill.Spill`), the clean rows are kept there, on disk,
    rather than in lists. ``halves``: a big interactions file is read in two processes
    (:mod:`ingest.halves`).

    Raises
    ------
    InputError
        With every problem found, when the input is invalid (and ``rejects`` is
        not given, or a whole file is unusable).
    """
    return _checked(validate_folder(Path(folder), progress=progress, held=held, spill=spill, halves=halves),
                    rejects, dry_run)


def check_update(folder: Path, store: Store, *, rejects: Path | None = None, dry_run: bool = False,
                 progress: Progress | None = None) -> tuple[Dataset, Removed | None, IngestReport]:
    """Validate the update folder ``folder`` (:mod:`ingest.update`) against what ``store`` holds;
    return ``(rows, removed, report)`` for :meth:`~graph.store.base.Store.load`.

    The folder's rows are checked against the store's organisations and people only (the ids
    rows name), and ``rows`` and ``removed`` are the update. An update that removes an
    organisation or person, or makes a rep no longer one, is checked against every row the
    store holds (rows may still name them); then ``rows`` is what the store will hold and
    ``removed`` is ``None``. Raises as :func:`check_folder`.
    """
    with store.reader() as r:  # the ids rows name, looked up as they are read
        v = validate_folder(Path(folder), progress=progress, held=Held(r))
    if v.needs_whole:
        v = validate_folder(Path(folder), progress=progress, held=store.dump())
    data, report = _checked(v, rejects, dry_run)
    if v.merged is not None:
        return data, None, report
    return data, {t: set(keys) for t, keys in (v.removed or {}).items()}, report


def _checked(v: Validation, rejects: Path | None, dry_run: bool) -> tuple[Dataset, IngestReport]:
    """The dataset and report of a validation (see :func:`check_folder`)."""
    warnings = [str(w) for w in v.warnings]
    if v.fatal:  # a whole file cannot be used: setting rows aside cannot help
        from graph.analysis.words import plural

        files = sorted({p.file for p in v.fatal}, key=lambda f: (list(ROW_MODELS).index(f) if f in ROW_MODELS
                                                                 else 99, f))
        raise InputError(v.problems, f"{plural(len(v.problems), 'problem')} found; nothing was written. Fix "
                                     f"{' and '.join(files)} and run the ingest again: a file that cannot be used "
                                     "as a whole stops the ingest.")
    if v.conflicts:
        from graph.analysis.words import plural

        raise InputError(v.problems, f"{plural(len(v.problems), 'problem')} found; nothing was written. The update "
                                     "would leave rows the store holds naming rows that are gone or no longer "
                                     "reps: fix the rows above (--skip-invalid cannot set held rows aside).")
    if v.problems and rejects is None:
        raise InputError(v.problems)
    rejected = 0
    if rejects is not None:
        rejected = write_rejects(Path(rejects), v.rejected)
    report = IngestReport(v.dataset.counts(), rejected, warnings, dry_run,
                          str(rejects) if rejects is not None else None, count_rejects(v.rejected))
    return (v.merged if v.merged is not None else v.dataset), report


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
    with Spill() as spill:  # the validated rows wait on disk, not in memory
        data, report = check_folder(folder, rejects=rejects, progress=progress, spill=spill)
        report.record(store.load(data, progress=progress, weights=weights))
    return report
