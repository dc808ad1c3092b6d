"""``relmap import``: real exports (CRM, calendar, mail, LinkedIn, vCard) into an input folder.

A thin layer over :func:`ingest.importers.import_sources`.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import click

from relmap.cli.common import handle_errors
from relmap.output import emit_json, progress_bar

__all__ = ["import_cmd", "COMMANDS"]


_KINDS = ["salesforce", "hubspot", "linkedin", "calendar", "mail", "vcard"]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {k}" for k, n in counts.items())


def _reason_group(reason: str) -> str:
    return re.sub(r"\d[\d,.:-]*", "N", reason.split(" (")[0])


@click.command("import")
@click.argument("kind", type=click.Choice(_KINDS), metavar="KIND")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="SOURCE...")
@click.option("--into", required=True, type=click.Path(path_type=Path), metavar="DIR",
              help="The input folder to write or merge into (created when missing).")
@click.option("--our-domain", "our_domains", multiple=True, metavar="DOMAIN",
              help="A mail domain of our own team (repeatable): its people belong to the own organisation.")
@click.option("--owner", metavar="EMAIL", help="Whose connections (linkedin) or address book (vcard) these are.")
@click.option("--keep-subjects", is_flag=True,
              help="Keep subject lines and event summaries (as notes); by default only who, when and how.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="DATE",
              help="Calendar recurrences are expanded up to this date; later events and mail are left out "
                   "(default today).")
@click.option("--types", "types_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="FILE", help="A TOML file of summary phrases and their interaction types (see docs/importing.md).")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on standard output (messages go to standard error).")
@handle_errors
def import_cmd(kind: str, sources: tuple[Path, ...], into: Path, our_domains: tuple[str, ...], owner: str | None,
               keep_subjects: bool, as_of: Any, types_path: Path | None, as_json: bool) -> None:
    """Read exports of KIND and merge them into the input folder DIR.

    KIND is salesforce (a Data Export folder), hubspot (CRM export CSVs), linkedin
    (Connections.csv, with --owner), calendar (.ics), mail (.mbox, .eml, Maildir) or
    vcard (.vcf). People are matched by e-mail address, then by each source's ids;
    possible duplicates by name go to DIR/review.csv for you to decide. Only who met
    whom, when and how is kept: never bodies or descriptions, and subjects only with
    --keep-subjects. A file that is not of its kind stops the import (exit 2) and DIR
    is left as it was. Then load the folder with `relmap ingest DIR`. Example:

        relmap import calendar ~/Downloads/work.ics --into input --our-domain northwind.example
    """
    from ingest.importers import Options, TypeTable, import_sources

    options = Options(our_domains=our_domains, owner=owner, keep_subjects=keep_subjects,
                      as_of=as_of.date() if as_of else date.today(), types=TypeTable.load(types_path))
    with progress_bar() as progress:
        report = import_sources(kind, list(sources), into, options, progress=progress)
    if as_json:
        emit_json(report.to_json())
        return
    click.echo(f"Imported {kind} into {into}: read {report.read:,} record{'s' if report.read != 1 else ''}.")
    click.echo(f"  added:   {_counts(report.added)}")
    click.echo(f"  updated: {_counts(report.updated)}")
    if report.merged:
        click.echo(f"  merged {report.merged} pair{'s' if report.merged != 1 else ''} marked 'merge' in the review file")
    if report.skipped:
        groups = Counter(_reason_group(s.reason) for s in report.skipped)
        click.echo(f"  skipped {len(report.skipped):,} record{'s' if len(report.skipped) != 1 else ''}:")
        for reason, n in groups.most_common(6):
            example = next(s for s in report.skipped if _reason_group(s.reason) == reason)
            click.echo(f"    {n:>7,}  {example.reason}  (e.g. {example.source})")
        if len(groups) > 6:
            click.echo(f"    ... and {len(groups) - 6} other reasons (--json lists every record)")
    if report.review:
        click.echo(f"  review: {report.review} possible duplicate{'s' if report.review != 1 else ''} in "
                   f"{report.review_file}: write merge or keep in the decision column, then import again.")
    if not report.written:
        click.echo("  Nothing changed in the folder.")
    click.echo(f"Next: relmap ingest {into}")


COMMANDS = [import_cmd]
