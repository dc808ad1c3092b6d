"""An import of uploaded files (the dashboard's Data page): bytes in, the input folder's files out.

The uploads are written under their own names to a temporary folder and
imported with :func:`~ingest.importers.import_sources` into a folder holding
``base`` (CSV files uploaded alongside, or none); messages and skipped records
name the uploaded files, not the temporary folder.

>>> ics = (b"BEGIN:VCALENDAR\\nBEGIN:VEVENT\\nUID:1\\nDTSTART;VALUE=DATE:20240503\\nSUMMARY:Golf\\n"
...        b"ORGANIZER:mailto:ann@acme.example\\nATTENDEE:mailto:bob@beta.example\\nEND:VEVENT\\nEND:VCALENDAR\\n")
>>> report, files = import_uploads("calendar", {"work.ics": ics}, {}, Options(as_of=date(2024, 12, 31)))
>>> report.added["interactions"], sorted(files)
(1, ['interactions.csv', 'organisations.csv', 'people.csv'])
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date  # noqa: F401 - the doctest's as-of date
from pathlib import Path

from ingest.importers.errors import SourceFileError
from ingest.importers.merge import Options, Skip
from ingest.importers.run import ImportReport, import_sources

__all__ = ["import_uploads", "zip_folder", "Options"]


def import_uploads(kind: str, uploads: dict[str, bytes], base: dict[str, bytes], options: Options) -> \
        tuple[ImportReport, dict[str, bytes]]:
    """Import uploaded files of ``kind`` into a folder holding ``base``; return the report and the folder's files.

    Raises
    ------
    SourceFileError
        An upload that is not of its kind (the message names the upload).
    """
    with tempfile.TemporaryDirectory(prefix="relmap-import-") as tmp:
        root = Path(tmp)
        source, folder = root / "uploads", root / "input"
        source.mkdir()
        folder.mkdir()
        for name, data in base.items():
            (folder / Path(name).name).write_bytes(data)
        for name, data in uploads.items():
            (source / Path(name).name).write_bytes(data)
        prefixes = [f"{source}/", f"{folder}/", str(folder)]
        try:
            report = import_sources(kind, [source], folder, options)
        except SourceFileError as exc:
            message = str(exc)
            for prefix in prefixes:
                message = message.replace(prefix, "" if prefix.endswith("/") else "the input folder")
            raise SourceFileError(message) from None
        report.skipped = [Skip(s.source.replace(prefixes[0], ""), s.reason) for s in report.skipped]
        report.into = "the input folder"
        report.review_file = "review.csv" if report.review_file else None
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    return report, files


def zip_folder(files: dict[str, bytes]) -> bytes:
    """The folder's files as a zip archive (to download and keep)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    return out.getvalue()
