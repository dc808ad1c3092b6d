"""Address books: ``.vcf`` files (vCard 3 and 4, and 2.1 where ``vobject`` reads it).

Each card gives a person: the name (``FN``, else ``N``), every e-mail address
(the first, or the one marked ``pref`` or ``work``, in ``email``; the others kept
for matching), the organisation (``ORG``'s first part) and the title. With
``--owner EMAIL`` each contact is also tied (kind ``other``) to the owner of the
address book. Cards of organisations, groups and places (``KIND``) are skipped.
Photos, phone numbers, addresses and notes are never kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import vobject

from ingest.importers.errors import SourceFileError
from ingest.importers.identity import OrgHint
from ingest.importers.linkedin import owner_of
from ingest.importers.merge import Run
from ingest.importers.sourcecsv import decode_text
from ingest.importers.values import normal_email, person_name

__all__ = ["import_vcard", "cards"]


def cards(path: Path, text: str) -> list[tuple[int, str]]:
    """Each ``BEGIN:VCARD`` ... ``END:VCARD`` block with its first line; a file that is no address book
    or is cut short is refused."""
    lines = text.splitlines()
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip().upper() != "BEGIN:VCARD":
        shown = lines[first][:60] if first is not None else ""
        raise SourceFileError(f"{path}: not a vCard file: it should start with BEGIN:VCARD, not {shown!r}"
                              if shown else f"{path}: not a vCard file: it is empty")
    found: list[tuple[int, str]] = []
    start: int | None = None
    for n, line in enumerate(lines):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if start is not None:
                raise SourceFileError(f"{path}:{n + 1}: BEGIN:VCARD inside the card of line {start + 1}: the file "
                                      "is damaged")
            start = n
        elif upper == "END:VCARD":
            if start is None:
                raise SourceFileError(f"{path}:{n + 1}: END:VCARD without BEGIN:VCARD: the file is damaged")
            found.append((start + 1, "\r\n".join(lines[start:n + 1]) + "\r\n"))
            start = None
        elif start is None and upper:
            raise SourceFileError(f"{path}:{n + 1}: text outside a card ({line[:40]!r}): the file is damaged")
    if start is not None:
        raise SourceFileError(f"{path}: cut short: the card of line {start + 1} is never closed (END:VCARD missing)")
    return found


def _values(card: Any, name: str) -> list[Any]:
    return list(card.contents.get(name, []))


def _text(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if v), "")
    text = str(value).strip() if value is not None else ""
    return text or None


def _name(card: Any) -> str | None:
    fn = _values(card, "fn")
    if fn and _text(fn[0].value):
        return person_name(_text(fn[0].value))
    n = _values(card, "n")
    if n:
        value = n[0].value
        parts = [getattr(value, "prefix", ""), getattr(value, "given", ""), getattr(value, "additional", ""),
                 getattr(value, "family", "")]
        joined = " ".join(" ".join(p) if isinstance(p, list) else str(p) for p in parts if p).split()
        return " ".join(joined) or None
    return None


def _emails(card: Any) -> list[str]:
    ranked: list[tuple[int, int, str]] = []
    for n, line in enumerate(_values(card, "email")):
        email = normal_email(_text(line.value))
        if email is None:
            continue
        types = {t.lower() for v in line.params.get("TYPE", []) for t in str(v).split(",")}
        pref = "pref" in types or bool(line.params.get("PREF"))
        ranked.append((0 if pref else 1 if "work" in types else 2, n, email))
    return [e for _, _, e in sorted(ranked)]


def import_vcard(run: Run, sources: list[Path]) -> None:
    """Read ``.vcf`` files (or folders of them) into ``run``."""
    files: list[Path] = []
    for source in sources:
        files += sorted(p for p in source.rglob("*") if p.suffix.lower() in (".vcf", ".vcard")) \
            if source.is_dir() else [source]
    if not files:
        raise SourceFileError("no .vcf files found in " + ", ".join(str(s) for s in sources))
    books = [(path, cards(path, decode_text(path, path.read_bytes(), "a vCard file"))) for path in files]
    owner = owner_of(run, "vcard") if run.options.owner else None
    for path, found in books:
        for n, (line, block) in enumerate(found, start=1):
            run.read += 1
            where = f"{path}:{line}"
            if n % 2000 == 0:
                run.tick(path.name, n, len(found))
            try:
                card = vobject.readOne(block, ignoreUnreadable=True)
            except Exception as exc:  # noqa: BLE001 - vobject's errors about one card become its skip
                run.skip(where, f"the card cannot be read ({exc.__class__.__name__}: {str(exc)[:120]})")
                continue
            kind = _text(_values(card, "kind")[0].value) if _values(card, "kind") else None
            if kind and kind.lower() not in ("individual",):
                run.skip(where, f"a card of kind {kind.lower()}, not a person")
                continue
            emails = _emails(card)
            org = _text(_values(card, "org")[0].value) if _values(card, "org") else None
            title = _text(_values(card, "title")[0].value) if _values(card, "title") else None
            pid = run.who.person(name=_name(card), email=emails[0] if emails else None, emails=tuple(emails[1:]),
                                 org=OrgHint(name=org) if org else None, title=title,
                                 source_ids=(), fallback_key=f"vcard:{(_name(card) or '').lower()}|{(org or '').lower()}")
            if pid is None:
                run.skip(where, "neither a name nor an e-mail address")
                continue
            if owner:
                run.friendship(where, owner, pid, "other")
