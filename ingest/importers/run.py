"""``relmap import``: read sources of one kind and merge them into an input folder, all or nothing.

Order of work: read the folder (a file there that cannot be merged into safely
stops everything); carry out the decisions of its review file; read every source
(a file that is not of its kind stops everything, so nothing has been written);
list possible duplicates; then write the changed files atomically.

>>> import pathlib, tempfile
>>> src = pathlib.Path(tempfile.mkdtemp()) / "a.ics"
>>> _ = src.write_text("BEGIN:VCALENDAR\\nBEGIN:VEVENT\\nUID:1\\nDTSTART;VALUE=DATE:20240503\\nSUMMARY:Golf\\n"
...                    "ORGANIZER;CN=Ann:mailto:ann@acme.example\\nATTENDEE:MAILTO:Bob@Beta.example\\nEND:VEVENT\\n"
...                    "END:VCALENDAR\\n")
>>> report = import_sources("calendar", [src], src.parent / "input", Options(as_of=date(2024, 12, 31)))
>>> report.added["interactions"], report.added["people"], report.added["organisations"]
(1, 2, 2)
>>> import_sources("calendar", [src], src.parent / "input", Options(as_of=date(2024, 12, 31))).added["people"]
0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date  # noqa: F401 - the doctest's as-of date
from pathlib import Path
from typing import Any

from graph.errors import UsageError
from graph.store.base import Progress
from ingest.importers.folder import InputFolder
from ingest.importers.merge import Options, Run, Skip
from ingest.importers.review import apply_decisions, find_duplicates, open_questions
from ingest.validate import REVIEW_FILE

__all__ = ["KINDS", "ImportReport", "import_sources", "Options"]


def _salesforce(run: Run, sources: list[Path]) -> None:
    from ingest.importers.salesforce import import_salesforce

    import_salesforce(run, sources)


def _hubspot(run: Run, sources: list[Path]) -> None:
    from ingest.importers.hubspot import import_hubspot

    import_hubspot(run, sources)


def _linkedin(run: Run, sources: list[Path]) -> None:
    from ingest.importers.linkedin import import_linkedin

    import_linkedin(run, sources)


def _calendar(run: Run, sources: list[Path]) -> None:
    from ingest.importers.ics import import_calendar

    import_calendar(run, sources)


def _mail(run: Run, sources: list[Path]) -> None:
    from ingest.importers.mail import import_mail

    import_mail(run, sources)


def _vcard(run: Run, sources: list[Path]) -> None:
    from ingest.importers.vcard import import_vcard

    import_vcard(run, sources)


#: Every kind of source, and the function that reads it.
KINDS: dict[str, Callable[[Run, list[Path]], None]] = {
    "salesforce": _salesforce, "hubspot": _hubspot, "linkedin": _linkedin, "calendar": _calendar, "mail": _mail,
    "vcard": _vcard,
}


@dataclass
class ImportReport:
    """What an import did; :meth:`to_json` is the contract's JSON shape."""

    kind: str
    into: str
    read: int
    added: dict[str, int]
    updated: dict[str, int]
    skipped: list[Skip] = field(default_factory=list)
    review: int = 0
    review_file: str | None = None
    merged: int = 0
    written: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "into": self.into, "read": self.read, "added": self.added,
                "updated": self.updated, "skipped": [s.to_json() for s in self.skipped], "review": self.review,
                "review_file": self.review_file, "merged": self.merged, "written": self.written}


def import_sources(kind: str, sources: list[Path], into: Path, options: Options | None = None,
                   progress: Progress | None = None) -> ImportReport:
    """Read ``sources`` of ``kind`` and merge them into the input folder ``into``.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    sources : list of Path
        Files or folders of that kind.
    into : Path
        The input folder (created when missing); its files are merged with, never replaced.
    options : Options, optional
        Our domains, the owner, subjects, the as-of date, the type table.
    progress : callable, optional
        ``progress(stage, done, total)`` while reading.

    Raises
    ------
    UsageError
        An unknown kind, a missing source, or a missing ``--owner``.
    SourceFileError
        A source that is not of its kind, or a folder file that cannot be merged
        into; nothing was written.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown kind '{kind}': use one of " + ", ".join(KINDS))
    if not sources:
        raise UsageError("give at least one SOURCE file or folder")
    for source in sources:
        if not Path(source).exists():
            raise UsageError(f"source '{source}' does not exist")
    folder = InputFolder.read(Path(into))
    run = Run(folder, options or Options(), progress)
    merged = apply_decisions(folder)
    if merged:
        run.who = type(run.who)(folder, run.options.our_domains)
    KINDS[kind](run, [Path(s) for s in sources])
    find_duplicates(folder, run.who)
    added, updated = folder.changes()
    written = folder.write()
    review_path = Path(into) / REVIEW_FILE
    return ImportReport(kind, str(into), run.read, added, updated, run.skipped, open_questions(folder),
                        str(review_path) if review_path.is_file() else None, merged, written)
