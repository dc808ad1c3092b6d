"""Mail: ``.mbox`` files, ``.eml`` files, Maildir folders, and folders of them.

One ``email`` interaction per message among the people of ``From``, ``To`` and
``Cc`` (never ``Bcc``), dated by ``Date`` as the sender's clock read it; the same
message in two mailboxes (one ``Message-ID``) is one interaction. Left out:
mailing-list addresses (``List-Post``, and the address a ``List-Id`` names),
messages from no-reply addresses, bulk and automatic mail (``Precedence: bulk``,
``Auto-Submitted``). Names in any character set and RFC 2047 encoding are
decoded. Only headers are read: bodies and attachments never are, and the
subject is kept only with ``--keep-subjects``.

An mbox is split at its ``From `` lines directly (``mailbox.mbox`` reads every
body line to index a file, 4 s per 100,000 messages); Maildir folders are read
with ``mailbox.Maildir``.
"""

from __future__ import annotations

import mailbox
import mmap
import re
from collections.abc import Iterator
from pathlib import Path

from ingest.importers.errors import SourceFileError
from ingest.importers.mailheaders import Headers, header_end
from ingest.importers.merge import Run
from ingest.importers.values import normal_email, person_name, stable_id

__all__ = ["import_mail", "is_no_reply"]

_NO_REPLY = re.compile(r"^(?:.*[-_.+])?(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer[-_.]?daemon|"
                       r"postmaster|bounces?|notifications?|noreply\d*)(?:[-_.+].*)?$")
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
#: An mbox separator: ``From`` , the envelope sender, and a date with a time (a body line that merely
#: starts with "From " and was not escaped as ">From " is no separator).
_POSTMARK = re.compile(rb"From \S*[ \t]+[^\n]*\d{1,2}:\d{2}")


def is_no_reply(email: str) -> bool:
    """True for addresses nobody reads (``no-reply@``, ``noreply+x@``, ``mailer-daemon@``, ...).

    >>> is_no_reply("no-reply@acme.example"), is_no_reply("notifications@github.example"), is_no_reply("nora@x.example")
    (True, True, False)
    """
    return bool(_NO_REPLY.match(email.split("@", 1)[0]))


def _list_addresses(h: Headers) -> set[str]:
    found: set[str] = set()
    for value in h.fields.get("list-post", ()):
        for m in re.finditer(r"<\s*mailto:([^>?\s]+)", value, flags=re.I):
            email = normal_email(m.group(1))
            if email:
                found.add(email)
    for value in h.fields.get("list-id", ()):
        named = re.search(r"<([^>]+)>", value) or re.search(r"(\S+\.\S+)$", value)
        if named and "." in named.group(1):
            local, _, domain = named.group(1).strip().partition(".")
            email = normal_email(f"{local}@{domain}")
            if email:
                found.add(email)
    return found


class _Mail:
    def __init__(self, run: Run) -> None:
        self.run = run
        self.cache: dict[str, str | None] = {}

    def person(self, email: str, name: str) -> str | None:
        pid = self.cache.get(email)
        if pid is None:
            pid = self.run.who.person(email=email, name=person_name(name) if name and normal_email(name) != email else None)
            self.cache[email] = pid
        return pid

    def message(self, source: str, block: bytes) -> None:
        self.run.read += 1
        h = Headers.parse(block)
        try:
            senders = h.addresses("from")
            people = senders + h.addresses("to") + h.addresses("cc")
        except ValueError as exc:
            self.run.skip(source, f"an address header cannot be read ({exc})")
            return
        except Exception as exc:  # noqa: BLE001 - the standard library's parser on a hostile header
            self.run.skip(source, f"an address header cannot be read ({exc.__class__.__name__})")
            return
        if not senders:
            self.run.skip(source, "no From header")
            return
        sender = normal_email(senders[0][1])
        if sender and is_no_reply(sender):
            self.run.skip(source, f"sent from a no-reply address ({sender})")
            return
        precedence = (h.get("precedence") or "").strip().lower()
        if precedence in ("bulk", "junk"):
            self.run.skip(source, f"bulk mail (Precedence: {precedence})")
            return
        auto = (h.get("auto-submitted") or "no").strip().lower()
        if not auto.startswith("no"):
            self.run.skip(source, f"an automatic message (Auto-Submitted: {auto[:30]})")
            return
        when = h.date()
        if when is None:
            self.run.skip(source, "no Date header, or one that cannot be read")
            return
        lists = _list_addresses(h) if "list-id" in h.fields or "list-post" in h.fields else set()
        found: dict[str, str] = {}
        for name, address in people:
            email = normal_email(address)
            if email is not None and email not in lists and not is_no_reply(email):
                found.setdefault(email, name)
        if len(found) < 2:
            self.run.skip(source, "fewer than two people (after leaving out mailing lists and no-reply addresses)")
            return
        if when > self.run.options.as_of:
            self.run.skip(source, f"dated {when}, after the as-of date {self.run.options.as_of}")
            return
        ids: list[str | None] = [self.person(email, name) for email, name in found.items()]
        message_id = (h.get("message-id") or "").strip().strip("<>").strip()
        key = f"mail:{message_id}" if message_id else "mail:" + stable_id(
            "", "|".join(h.get(n) or "" for n in ("date", "from", "to", "cc", "subject")), 24)
        subject = h.text("subject") if self.run.options.keep_subjects else None
        self.run.interaction(source, key, when, "email", ids, None, subject)

    # -- containers -----------------------------------------------------------------------------------
    def mbox(self, path: Path) -> None:
        size = path.stat().st_size
        if size == 0:
            raise SourceFileError(f"{path}: not an mbox file: it is empty")
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if not data[:5] == b"From ":
                raise SourceFileError(f"{path}: not an mbox file: it should start with a 'From ' line, not "
                                      f"{bytes(data[:40])!r}")
            if data.find(b"\x00", 0, min(size, 1 << 20)) >= 0:
                raise SourceFileError(f"{path}: not an mbox file: it holds binary data (a NUL byte)")
            pos, line, count = 0, 1, 0
            while pos < size:
                nxt = data.find(b"\nFrom ", pos)
                while nxt >= 0 and not _POSTMARK.match(data, nxt + 1, min(size, nxt + 1000)):
                    nxt = data.find(b"\nFrom ", nxt + 1)
                stop = nxt + 1 if nxt >= 0 else size
                first = data.find(b"\n", pos, stop)
                body = first + 1 if first >= 0 else stop
                block = data[body:header_end(data, body, stop)]
                self.message(f"{path}:{line}", block)
                count += 1
                if count % 5000 == 0:
                    self.run.tick(path.name, stop, size)
                line += data[pos:stop].count(b"\n")
                pos = stop
            self.run.tick(path.name, size, size)

    def eml(self, path: Path) -> None:
        with open(path, "rb") as fh:
            data = fh.read(1 << 20)
        if data.startswith(b"From "):
            self.mbox(path)
            return
        if not _HEADER_LINE.match(data.lstrip(b"\r\n")) or b"\x00" in data[:header_end(data)]:
            raise SourceFileError(f"{path}: not an e-mail message: it should start with header lines such as "
                                  f"'From: ...', not {data[:40]!r}")
        self.message(str(path), data[:header_end(data)])

    def maildir(self, path: Path) -> None:
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in sorted(box.iterkeys()):
            try:
                data = box.get_bytes(key)
            except (OSError, KeyError) as exc:
                self.run.skip(f"{path}/{key}", f"cannot be read ({exc})")
                continue
            self.message(f"{path}/{key}", data[:header_end(data)])


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _walk(sources: list[Path]) -> Iterator[tuple[str, Path]]:
    for source in sources:
        if not source.is_dir():
            yield ("mbox" if source.suffix.lower() in (".mbox", ".mbx") else "eml"), source
            continue
        if _is_maildir(source):
            yield "maildir", source
            continue
        for path in sorted(source.rglob("*")):
            if path.is_dir() and _is_maildir(path):
                yield "maildir", path
            elif path.is_file():
                suffix = path.suffix.lower()
                if suffix in (".mbox", ".mbx"):
                    yield "mbox", path
                elif suffix == ".eml":
                    yield "eml", path


def import_mail(run: Run, sources: list[Path]) -> None:
    """Read mailboxes and messages into ``run``."""
    found = list(_walk(sources))
    if not found:
        raise SourceFileError("no .mbox or .eml files or Maildir folders found in " + ", ".join(map(str, sources)))
    for kind, path in found:  # every file is checked before any is read: a bad one stops the import early
        if kind == "eml":
            with open(path, "rb") as fh:
                head = fh.read(4096)
            if not head.startswith(b"From ") and not _HEADER_LINE.match(head.lstrip(b"\r\n")):
                raise SourceFileError(f"{path}: not an e-mail message: it should start with header lines such as "
                                      f"'From: ...', not {head[:40]!r}")
    mail = _Mail(run)
    for kind, path in found:
        getattr(mail, kind)(path)
