"""LinkedIn: ``Connections.csv`` from LinkedIn's data export, with ``--owner EMAIL`` saying whose they are.

The file opens with a ``Notes:`` preamble and a blank line before the header
``First Name,Last Name,URL,Email Address,Company,Position,Connected On`` (older
exports have no ``URL``); dates read ``30 May 2024``; most e-mail cells are
empty; connections who hide their data leave rows blank but for the date (those
are skipped). Each connection becomes a person at their company (their profile
URL kept as ``linkedin:https://www.linkedin.com/in/...`` in ``source_ids``) and a
tie of kind ``other`` with the owner, since the day they connected.
"""

from __future__ import annotations

from pathlib import Path

from graph.errors import UsageError
from ingest.importers.errors import SourceFileError
from ingest.importers.identity import OrgHint
from ingest.importers.merge import Run
from ingest.importers.sourcecsv import SourceCsv
from ingest.importers.values import header_key, linkedin_url, match_name, normal_email, parse_date

__all__ = ["import_linkedin", "owner_of"]


def _is_header(cells: list[str]) -> bool:
    keys = {header_key(c) for c in cells}
    return {"firstname", "lastname"} <= keys and bool(keys & {"connectedon", "company", "position"})


def owner_of(run: Run, what: str) -> str:
    """The person ``--owner EMAIL`` names (created when the folder does not have them)."""
    email = normal_email(run.options.owner)
    if run.options.owner is None:
        whose = "connections" if what == "linkedin" else "contacts"
        raise UsageError(f"relmap import {what} needs --owner EMAIL: whose {whose} these are")
    if email is None:
        raise UsageError(f"--owner {run.options.owner!r} is not an e-mail address")
    pid = run.who.person(email=email)
    assert pid is not None
    return pid


def import_linkedin(run: Run, sources: list[Path]) -> None:
    """Read LinkedIn ``Connections.csv`` files into ``run``."""
    owner = owner_of(run, "linkedin")
    files: list[Path] = []
    for source in sources:
        files += sorted(p for p in source.iterdir() if p.suffix.lower() == ".csv") if source.is_dir() else [source]
    if not files:
        raise SourceFileError("no CSV files found in " + ", ".join(str(s) for s in sources))
    for path in files:
        csv = SourceCsv(path, header_at=_is_header, what="a LinkedIn Connections.csv")
        if not csv.header:
            raise SourceFileError(f"{path}: not a LinkedIn Connections.csv: no header line 'First Name,Last Name,"
                                  "URL,Email Address,Company,Position,Connected On' in its first lines")
        for n, (line, row, problem) in enumerate(csv.rows(), start=1):
            run.read += 1
            where = f"{path}:{line}"
            if n % 5000 == 0:
                run.tick(path.name, n, n)
            if problem:
                run.skip(where, problem)
                continue
            name = " ".join(x for x in (row.get("firstname"), row.get("lastname")) if x)
            if not name:
                run.skip(where, "a blank row (the connection does not share their name)")
                continue
            url = linkedin_url(row.get("url") or row.get("profileurl"))
            company = row.get("company")
            pid = run.who.person(name=name, email=row.get("emailaddress") or row.get("email"),
                                 source_ids=(f"linkedin:{url}",) if url else (),
                                 org=OrgHint(name=company) if company else None, title=row.get("position"),
                                 fallback_key=f"linkedin:{match_name(name)}|{match_name(company or '')}")
            if pid is None:
                run.skip(where, "neither a name nor an e-mail address")
                continue
            run.friendship(where, owner, pid, "other", parse_date(row.get("connectedon")))
