"""One import run: the folder, who is who, the options, and the rows an importer adds.

Importers read their files and call :class:`Run`'s methods; each returns what
it wrote, or records why a record was skipped. Rows keyed by the source (an
interaction from a calendar UID, a deal from a CRM id) take the source's
current values on every import, so a re-export with a won deal updates it;
people and organisations follow :mod:`ingest.importers.identity` (the folder
wins). Friendships and account assignments are added when missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ingest.importers.folder import InputFolder
from ingest.importers.identity import Resolver
from ingest.importers.typetable import TypeTable
from ingest.importers.values import clean_text, number_text, stable_id
from graph.store.base import Progress

__all__ = ["Options", "Run", "Skip"]


@dataclass(frozen=True)
class Options:
    """What the command line says about an import."""

    our_domains: tuple[str, ...] = ()
    owner: str | None = None
    keep_subjects: bool = False
    as_of: date = field(default_factory=date.today)
    types: TypeTable = field(default_factory=TypeTable)


@dataclass(frozen=True)
class Skip:
    """A record left out: where it is (``file:line`` or ``file#UID``) and why."""

    source: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "reason": self.reason}


def _safe(text: str | None, limit: int = 2000) -> str | None:
    """Text from a source, on one line, without the leading characters a spreadsheet runs as a formula."""
    value = clean_text(text, limit)
    if value is None:
        return None
    return value.lstrip("=+-@\t\r ") or None


class Run:
    """The state of one import: the folder being merged into, the resolver, what was read and skipped."""

    def __init__(self, folder: InputFolder, options: Options, progress: Progress | None = None) -> None:
        self.folder = folder
        self.options = options
        self.who = Resolver(folder, options.our_domains)
        self.read = 0
        self.skipped: list[Skip] = []
        self.progress = progress
        self.t = folder.tables

    def skip(self, source: str, reason: str) -> None:
        self.skipped.append(Skip(source, " ".join(reason.split())))

    def tick(self, stage: str, done: int, total: int) -> None:
        """Report progress (every few thousand records: the callback draws a bar)."""
        if self.progress is not None:
            self.progress(stage, done, total)

    def text(self, value: str | None, limit: int = 2000) -> str | None:
        return _safe(value, limit)

    # -- rows keyed by the source -------------------------------------------------------------------------
    def interaction(self, source: str, key: str, when: date | None, kind: str, people: list[str | None],
                    org_id: str | None = None, subject: str | None = None) -> str | None:
        """Add or refresh the interaction a source record describes; ``None`` (and a skip) if it cannot be one."""
        if when is None:
            self.skip(source, "no date")
            return None
        if when > self.options.as_of:
            self.skip(source, f"dated {when}, after the as-of date {self.options.as_of}")
            return None
        participants = list(dict.fromkeys(p for p in people if p))
        iid = stable_id("I-", key)
        table = self.t["interactions"]
        row = table.index.get((iid,))
        if row is not None:  # the same event or message from another export: everybody who took part
            have = [p.strip() for p in row.get("participants", "").split(";") if p.strip()]
            participants = list(dict.fromkeys(have + participants))
        if len(participants) < 2:
            self.skip(source, "fewer than two people took part" + (" (after leaving out rooms, mailing lists, "
                      "no-reply addresses and those who declined)" if people else ""))
            return None
        org = org_id or self.who.external_org(participants)
        nature = self.options.types.nature(kind)
        values = {"id": iid, "date": when.isoformat(), "type": kind, "participants": ";".join(participants),
                  "org_id": org or "", "nature": nature or "",
                  "notes": (self.text(subject, 500) or "") if self.options.keep_subjects else ""}
        if row is None:
            table.add(values, clean=True)
        else:
            keep_notes = values["notes"] or row.get("notes", "")
            table.update(row, **(values | {"notes": keep_notes, "org_id": values["org_id"] or row.get("org_id")}))
        return iid

    def deal(self, source: str, key: str, org_id: str | None, amount: float | None, status: str | None,
             rep_id: str | None, closed_on: date | None, product: str | None) -> str | None:
        """Add or refresh a deal from a CRM record."""
        if org_id is None:
            self.skip(source, "no account or company: a deal needs an organisation")
            return None
        if amount is None:
            self.skip(source, "no amount: deals.csv needs one (fill it in the CRM or the export and import again)")
            return None
        if status is None:
            self.skip(source, "the stage says neither won, lost nor open")
            return None
        if rep_id is not None:
            why = self.who.make_rep(rep_id)
            if why:
                self.skip(source, f"the deal is kept without its owner: {why}")
                rep_id = None
        did = stable_id("D-", key)
        values = {"id": did, "org_id": org_id, "amount": number_text(amount),
                  "status": status, "rep_id": rep_id or "",
                  "closed_on": closed_on.isoformat() if closed_on and status != "open" else "",
                  "product": self.text(product) or ""}
        table = self.t["deals"]
        row = table.get(did)
        if row is None:
            table.add(values)
        else:
            table.update(row, **values)
        return did

    # -- rows keyed by their pair ---------------------------------------------------------------------
    def friendship(self, source: str, a: str | None, b: str | None, kind: str = "other",
                   since: date | None = None) -> None:
        """Add a tie between two people when the folder has none (any kind) between them."""
        if not a or not b or a == b:
            if a and a == b:
                self.skip(source, "a tie of a person with themselves")
            return
        table = self.t["friendships"]
        row = table.get(a, b)
        if row is None:
            first, second = (a, b) if a < b else (b, a)
            table.add({"person_a": first, "person_b": second, "kind": kind,
                       "since": since.isoformat() if since else ""})
        elif since and not row.get("since", "").strip():
            table.update(row, since=since.isoformat())

    def account(self, source: str, org_id: str | None, rep_id: str | None, role: str = "owner",
                since: date | None = None) -> None:
        """Assign a rep of our team to an account when the folder does not have that pair."""
        if not org_id or not rep_id:
            return
        why = self.who.make_rep(rep_id)
        if why:
            self.skip(source, f"account assignment left out: {why}")
            return
        if self.who.org_kind(org_id) == "own":
            return
        table = self.t["accounts"]
        row = table.get(org_id, rep_id)
        if row is None:
            table.add({"org_id": org_id, "rep_id": rep_id, "role": role, "since": since.isoformat() if since else ""})
        elif row.get("role", "").strip() == "support" and role == "owner":
            table.update(row, role="owner")
