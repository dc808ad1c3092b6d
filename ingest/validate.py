"""Validate a folder of input files against the contract, across files too.

:func:`validate_folder` streams each file through its row model
(:mod:`ingest.rows`), then checks what no single row can: unique ids,
references to rows in other files, the rep rules, friendships as undirected
ties. It writes to no store: the clean rows, and the keys of the two big files,
go to a scratch :class:`~graph.store.sqlite.spill.Spill`, so memory holds the
ids of organisations and people and a batch. It returns a :class:`Validation`
with the clean :class:`~graph.model.Dataset`, every problem and every warning.

A row that refers to a row rejected for its own reasons is rejected too, but in
a strict run only the root problem is reported, so the list stays readable.

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "organisations.csv").write_text("id,name,kind\\nO1,Acme,customer\\n")
>>> _ = (d / "people.csv").write_text("id,name,org_id\\nP1,Ann,O1\\nP2,Bob,ACME\\n")
>>> v = validate_folder(d)
>>> [str(p) for p in v.problems]
["people.csv:3: org_id 'ACME' is not in organisations.csv"]
>>> v.dataset.counts()["people"]
1
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from collections.abc import Callable, Hashable
from typing import Any

from graph.errors import Problem, UsageError
from graph.store.base import Progress
from graph.store.changes import KEYS, merge
from graph.store.sqlite.spill import Spill
from graph.model import (
    TABLES,
    Account,
    Dataset,
    Deal,
    Organisation,
    Person,
)
from ingest.csvfile import CsvFile, Span
from ingest.halves import in_halves
from ingest.bigfiles import read_big
from ingest.rows import ROW_MODELS, known_columns, read_row, required_columns
from ingest.rejects import Rejected, RowReport, original_cells
from ingest.update import REMOVALS_FILE, Held, Removals, check_held, demotes, read_removals

__all__ = ["Validation", "Rejected", "validate_folder", "original_cells", "REQUIRED_FILES", "REVIEW_FILE",
           "Progress"]

#: Files an input folder must have; the other four are optional.
REQUIRED_FILES = ("organisations.csv", "people.csv")

#: The possible duplicates ``relmap import`` lists for a person to decide on; not input, not warned about.
REVIEW_FILE = "review.csv"


@dataclass
class Validation:
    """What validating a folder found.

    Attributes
    ----------
    dataset : Dataset
        The rows that passed every check.
    problems : list[Problem]
        Every root problem, in file order. Empty means the folder is valid.
    fatal : list[Problem]
        Problems about whole files (missing file, missing column, unreadable
        header): with these, even ``--skip-invalid`` cannot load the folder.
    warnings : list[Problem]
        Things ignored on purpose (unknown columns or files).
    rejected : list[Rejected]
        Every row left out, including rows that depend on rejected rows.
    merged : Dataset or None
        For an update folder (``held`` given): what the store will hold, the clean rows merged
        into ``held`` and the removals gone (:mod:`ingest.update`); ``None`` when ``held`` was
        a :class:`~ingest.update.Held` (then ``dataset`` and ``removed`` are the update).
    removed : dict or None
        For an update folder: the keys ``removals.csv`` names, per table, with their lines.
    needs_whole : bool
        For an update folder checked against a :class:`~ingest.update.Held`: whether it
        removes or demotes what held rows may name, so that every held row must be checked.
    conflicts : list[Problem]
        For an update folder: problems the update makes in rows the store holds (they cannot
        be set aside, so even ``--skip-invalid`` stops).
    """

    dataset: Dataset = field(default_factory=Dataset)
    problems: list[Problem] = field(default_factory=list)
    fatal: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    merged: Dataset | None = None
    conflicts: list[Problem] = field(default_factory=list)
    removed: dict[str, dict[Hashable, int]] | None = None
    needs_whole: bool = False

    @property
    def ok(self) -> bool:
        """True when the folder is valid as a whole."""
        return not self.problems


class _Checker:
    """State shared by the per-file checks: ids seen, ids valid, lines."""

    def __init__(self, v: Validation, progress: Progress | None, update: bool = False) -> None:
        self.v = v
        self.progress = progress
        self.required = () if update else REQUIRED_FILES
        self.nowhere = " or in the store" if update else ""
        self.removed: dict[str, dict[Any, int]] = {}
        self.org_line: dict[str, int] = {}
        self.org_kind: dict[str, str] = {}
        self.person_line: dict[str, int] = {}
        self.person: dict[str, tuple[str, str]] = {}  # id -> (org_id, role)
        self.unusable: set[str] = set()  # files that could not be read at all

    # -- reference checks: (message, the file of the rejected row it depends on, or None) or None --
    def org_ref(self, column: str, org_id: str) -> tuple[str, str | None] | None:
        if org_id in self.org_kind:
            return None
        if "organisations.csv" in self.unusable:
            return f"{column} '{org_id}' cannot be checked: organisations.csv is unusable", "organisations.csv"
        if org_id in self.org_line:
            return (f"{column} '{org_id}' refers to a rejected row "
                    f"(organisations.csv:{self.org_line[org_id]})", "organisations.csv")
        if org_id in self.removed.get("organisations", {}):
            return (f"{column} '{org_id}' is removed by removals.csv:{self.removed['organisations'][org_id]}",
                    None)
        return f"{column} '{org_id}' is not in organisations.csv{self.nowhere}", None

    def person_ref(self, column: str, person_id: str) -> tuple[str, str | None] | None:
        if person_id in self.person:
            return None
        if "people.csv" in self.unusable:
            return f"{column} '{person_id}' cannot be checked: people.csv is unusable", "people.csv"
        if person_id in self.person_line:
            return (f"{column} '{person_id}' refers to a rejected row "
                    f"(people.csv:{self.person_line[person_id]})", "people.csv")
        if person_id in self.removed.get("people", {}):
            return f"{column} '{person_id}' is removed by removals.csv:{self.removed['people'][person_id]}", None
        return f"{column} '{person_id}' is not in people.csv{self.nowhere}", None

    def rep_ref(self, column: str, rep_id: str) -> tuple[str, str | None] | None:
        missing = self.person_ref(column, rep_id)
        if missing:
            return missing
        org_id, role = self.person[rep_id]
        if role != "rep":
            return f"{column} '{rep_id}' has role '{role}' in people.csv; only a 'rep' can be assigned", None
        kind = self.org_kind[org_id]
        if kind != "own":
            return (f"{column} '{rep_id}' works at '{org_id}' (kind '{kind}'); a rep must work at an "
                    "organisation of kind 'own'"), None
        return None

    # -- keys given twice, found once a file is read -------------------------------
    def repeats(self, folder: Path, spill: Spill, name: str, column: str,
                message: Callable[[Any, int], str]) -> None:
        """Reject every row of ``name`` whose key an earlier row has (``spill.see`` kept them):
        the problem is added to a rejected row's, and a row taken is taken back."""
        found = spill.repeats(name)
        if not found:
            return
        rejected = {r.line: r for r in self.v.rejected if r.file == name}
        taken = [line for line, _, _ in found if line not in rejected]
        spill.tables[name.removesuffix(".csv")].drop_lines(taken)
        cells = _cells_at(folder / name, set(taken))
        for line, key, first in found:
            problem = Problem(name, line, message(key, first), column)
            self.v.problems.append(problem)
            if line in rejected:
                rejected[line].problems.append(problem)
                rejected[line].invalid = True
            else:
                self.v.rejected.append(Rejected(name, line, [problem], cells.get(line, {})))

    # -- driving one file --------------------------------------------------------
    def open(self, folder: Path, name: str, span: Span | None = None) -> CsvFile | None:
        """One file (its part ``span``) opened, its header checked: ``None`` when it cannot be
        read (a later part's header problems are the first part's, not told again)."""
        later = span is not None and span.start is not None
        told, unusable = (Validation(dataset=Dataset()), set()) if later else (self.v, self.unusable)
        path = folder / name
        model = ROW_MODELS[name]
        if not path.is_file():
            if name in self.required:
                told.fatal.append(Problem(name, 0, "file is missing; it is required in the input folder"))
                unusable.add(name)
            return None
        csv_file = CsvFile(path, span)
        header_problems = [p for p in csv_file.problems if p.line == 1]
        told.fatal.extend(header_problems)
        if not csv_file.header or header_problems:
            unusable.add(name)
            return None
        missing = [c for c in required_columns(model) if c not in csv_file.header]
        delimiter = next((d for d in ";\t|" if d in csv_file.header[0]), None) if len(csv_file.header) == 1 else None
        if missing and delimiter:
            what = {";": "semicolons", "\t": "tabs", "|": "'|'"}[delimiter]
            told.fatal.append(Problem(name, 1, f"the header is one column separated by {what}: relmap reads "
                                                 "comma-separated files; save the file with commas"))
            unusable.add(name)
            return None
        if missing:
            need = ", ".join(required_columns(model))
            for col in missing:
                told.fatal.append(Problem(name, 1, f"required column '{col}' is missing (the file needs: {need})", col))
            unusable.add(name)
            return None
        known = set(known_columns(model))
        for col in csv_file.header:
            if col not in known:
                told.warnings.append(Problem(name, 1, f"unknown column '{col}' ignored", col))
        return csv_file

    def rows(self, folder: Path, name: str, span: Span | None = None) -> Any:
        """Yield ``(line, parsed_row, cells, report)`` for each readable row of one file (of its
        part ``span``: see :meth:`open`)."""
        csv_file = self.open(folder, name, span)
        if csv_file is None:
            return
        model = ROW_MODELS[name]
        known = set(known_columns(model))
        every_column_known = all(c in known for c in csv_file.header)
        count = 0
        report = RowReport(self.v, name)
        for line, cells, unreadable in csv_file.rows():
            count += 1
            if self.progress and count % 20_000 == 0:
                self.progress(name, int(csv_file.fraction_read * 1000), 1000)
            report.start(line, cells, csv_file)
            if unreadable:
                report.add(unreadable)
                row = None
            else:
                row, errors = read_row(model, cells if every_column_known else
                                        {c: v for c, v in cells.items() if c in known})
                for column, message in errors:
                    report.add(message, column)
            yield line, row, cells, report
            report.close()
        if span is None or span.start is None:
            if count == 0:
                self.no_rows(name)
            if self.progress:
                self.progress(name, 1000, 1000)

    def no_rows(self, name: str) -> None:
        """Tell that ``name`` has a header but no rows (fatal for a required file)."""
        message = "file has a header row but no data rows"
        if name in self.required:
            self.v.fatal.append(Problem(name, 1, message))
            self.unusable.add(name)
        else:
            self.v.warnings.append(Problem(name, 1, message))


def read_half(folder: Path, name: str, span: Span, target: Path, read: Callable[..., None],
              state: dict[str, Any]) -> tuple[list[Problem], list[Rejected]]:
    """The part ``span`` of ``name`` checked and kept by ``read`` (:func:`ingest.bigfiles.read_big`)
    into the spill file ``target`` in another process (:func:`ingest.halves.in_halves`), with the
    checker's ``state``: its problems and rejected rows."""
    spill = Spill(path=target)
    v = Validation(dataset=spill.dataset())
    c = _Checker(v, None)
    vars(c).update(state)
    read(c, folder, name, span, spill)
    spill.keep()
    return v.problems, v.rejected


def _cells_at(path: Path, lines: set[int]) -> dict[int, dict[str, str]]:
    """The original cells (:func:`original_cells`) of ``lines`` of ``path``, read again."""
    out: dict[int, dict[str, str]] = {}
    if lines:
        source = CsvFile(path)
        for line, _, _ in source.rows():
            if line in lines:
                out[line] = original_cells(source.header, source.raw)
    return out


_FILE_ORDER = {**{name: n for n, name in enumerate(ROW_MODELS)}, REMOVALS_FILE: len(ROW_MODELS)}


def _finish_update(v: Validation, c: _Checker, held: Dataset | Held, removals: Removals) -> None:
    """An update folder's last checks: no row both given and removed, nothing held left naming
    what is removed or no longer a rep; and what the store will hold (``v.merged``). With
    ``held`` a :class:`~ingest.update.Held` (the store read as rows name ids), the last check is
    made only when the update removes or demotes nothing (:func:`~ingest.update.demotes`; else
    ``v.needs_whole``)."""
    for table in TABLES:
        gone = removals.keys[table]
        if not gone:
            continue
        for row in getattr(v.dataset, table):
            line = gone.get(KEYS[table](row))
            if line is not None:
                v.problems.append(Problem(REMOVALS_FILE, line, f"{table}.csv gives the row this line removes; "
                                                                "give it or remove it, not both", "id"))
    v.removed = removals.keys
    if isinstance(held, Held):
        v.needs_whole = demotes(held.around(removals), v.dataset, removals)
        return
    v.merged = merge(held, v.dataset, removals.keys)
    check_held(v.merged, v.dataset, removals, v.conflicts, person_line=c.person_line, org_line=c.org_line)
    v.problems.extend(v.conflicts)


def _one_line(p: Problem) -> Problem:
    r"""The problem with what a terminal would not show on one line escaped, as ``repr`` does.

    Cells can hold newlines and control characters (quoted), and messages quote cells.

    >>> str(_one_line(Problem("people.csv", 3, "org_id 'A\nB\x1b' is not in organisations.csv")))
    "people.csv:3: org_id 'A\\nB\\x1b' is not in organisations.csv"
    """
    if p.message.isprintable():
        return p
    return replace(p, message="".join(c if c.isprintable() else repr(c)[1:-1] for c in p.message))


def validate_folder(folder: Path, progress: Progress | None = None, *, held: Dataset | Held | None = None,
                    spill: Spill | None = None, halves: bool = False) -> Validation:
    """Validate every input file in ``folder``; never raises for bad rows.

    Parameters
    ----------
    folder : Path
        A folder holding ``organisations.csv``, ``people.csv`` and optionally
        ``friendships.csv``, ``interactions.csv``, ``accounts.csv``, ``deals.csv``.
    progress : callable, optional
        ``progress(file_name, done, total)``, called as each file is read.
    held : Dataset or Held, optional
        What the store holds, for an update folder (:mod:`ingest.update`): no file is
        required, rows may name ids ``held`` has, ``removals.csv`` is read, and ``merged``
        is what the store will hold: a ``Dataset`` is every row the store holds; a
        :class:`~ingest.update.Held` is read as rows name ids, and ``merged`` is then not
        made (see :attr:`Validation.needs_whole`).
    spill : Spill, optional
        An empty :class:`~graph.store.sqlite.spill.Spill`: the clean rows are kept there, on disk,
        and :attr:`Validation.dataset` reads them back. Default: a spill of its own, the rows
        returned in lists (the keys of the busiest files are kept in a spill either way).
    halves : bool
        Read a big ``interactions.csv`` in two halves, the second in another process
        (:mod:`ingest.halves`), on a machine with more than one core. The result is the same.

    Returns
    -------
    Validation
        The clean dataset, the problems and the warnings.

    Raises
    ------
    UsageError
        When ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"input folder '{folder}' does not exist or is not a folder")
    if spill is not None:
        return _validate(folder, progress, held, spill, halves)
    with Spill() as own:
        v = _validate(folder, progress, held, own, halves)
        v.dataset = Dataset(**{t: list(getattr(v.dataset, t)) for t in TABLES})
        return v


def _validate(folder: Path, progress: Progress | None, held: Dataset | Held | None, spill: Spill,
              halves: bool = False) -> Validation:
    """:func:`validate_folder` with the clean rows kept in ``spill``."""
    v = Validation(dataset=spill.dataset())
    c = _Checker(v, progress, update=held is not None)
    add = spill.tables
    removals = None
    if held is not None:
        removals = read_removals(folder, v.problems)
        c.removed = removals.keys
        if isinstance(held, Held):
            c.org_kind = held.org_kinds([str(k) for k in removals.keys["organisations"]])
            c.person = held.people([str(k) for k in removals.keys["people"]])
        else:
            c.org_kind.update((o.id, o.kind) for o in held.organisations
                              if o.id not in removals.keys["organisations"])
            c.person.update((p.id, (p.org_id, p.role)) for p in held.people if p.id not in removals.keys["people"])
    for extra in sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".csv"):
        if extra not in ROW_MODELS and extra != REVIEW_FILE and not (held is not None and extra == REMOVALS_FILE):
            v.warnings.append(Problem(extra, 0, "file not read: relmap reads " + ", ".join(ROW_MODELS)))

    for line, row, cells, r in c.rows(folder, "organisations.csv"):
        if row is None:
            c.org_line.setdefault(cells.get("id") or "", line)
            continue
        if row.id in c.org_line:
            r.add(f"id '{row.id}' is already used at line {c.org_line[row.id]}", "id")
            continue
        c.org_line[row.id] = line
        if r.ok:
            c.org_kind[row.id] = row.kind
            add["organisations"].append(Organisation(row.id, row.name, row.kind, row.industry, row.annual_revenue))

    for line, row, cells, r in c.rows(folder, "people.csv"):
        if row is None:
            c.person_line.setdefault(cells.get("id") or "", line)
            continue
        if row.id in c.person_line:
            r.add(f"id '{row.id}' is already used at line {c.person_line[row.id]}", "id")
            continue
        c.person_line[row.id] = line
        r.check(c.org_ref("org_id", row.org_id), "org_id")
        if r.ok:
            c.person[row.id] = (row.org_id, row.role)
            add["people"].append(Person(row.id, row.name, row.org_id, row.title, row.role, row.email))

    read_big(c, folder, "friendships.csv", None, spill)
    c.repeats(folder, spill, "friendships.csv", "person_b", lambda k, first: (
        f"friendship {k[0]}-{k[1]} is already given at line {first} (a friendship is undirected)"))

    if not (halves and in_halves(folder, "interactions.csv", c, spill, read_big)):
        read_big(c, folder, "interactions.csv", None, spill)
    c.repeats(folder, spill, "interactions.csv", "id", lambda k, first: f"id '{k}' is already used at line {first}")

    account_line: dict[tuple[str, str], int] = {}
    for line, row, _, r in c.rows(folder, "accounts.csv"):
        if row is None:
            continue
        key = (row.org_id, row.rep_id)
        if key in account_line:
            r.add(f"rep '{row.rep_id}' is already assigned to '{row.org_id}' at line {account_line[key]}",
                  "rep_id")
            continue
        account_line[key] = line
        r.check(c.org_ref("org_id", row.org_id), "org_id")
        r.check(c.rep_ref("rep_id", row.rep_id), "rep_id")
        if r.ok:
            add["accounts"].append(Account(row.org_id, row.rep_id, row.role, row.since))

    seen_ids: dict[str, int] = {}
    for line, row, _, r in c.rows(folder, "deals.csv"):
        if row is None:
            continue
        if row.id in seen_ids:
            r.add(f"id '{row.id}' is already used at line {seen_ids[row.id]}", "id")
            continue
        seen_ids[row.id] = line
        r.check(c.org_ref("org_id", row.org_id), "org_id")
        if row.rep_id is not None:
            r.check(c.rep_ref("rep_id", row.rep_id), "rep_id")
        if r.ok:
            add["deals"].append(Deal(row.id, row.org_id, row.amount, row.status, row.rep_id, row.closed_on,
                                row.product))

    if held is not None and removals is not None:
        _finish_update(v, c, held, removals)
    v.problems = sorted((_one_line(p) for p in v.fatal + v.problems),
                        key=lambda p: (_FILE_ORDER.get(p.file, 99), p.line))
    v.warnings = [_one_line(w) for w in v.warnings]
    v.rejected.sort(key=lambda r: (list(ROW_MODELS).index(r.file), r.line))
    return v
