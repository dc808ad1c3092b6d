"""The few headers of a message relmap reads, fast, with the standard library's ``email`` for anything hard.

Only the header block is read (never a body). Address lists in the forms
nearly all mail uses (``Name <a@b>``, ``"Chen, Carl" <a@b>``, ``a@b``, names in
UTF-8 or RFC 2047 encoded words) are split here; every other form (comments,
groups, routes, escapes, odd encodings) goes to ``email.policy.default``'s
header parser, which the tests hold this module to: both give the same
addresses for every header of the fixtures and for generated ones.
``policy.default`` alone reads about 1,700 messages a second.

>>> h = Headers.parse(b"From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <JM@Acme.example>\\r\\nTo: Ann <ann@x.example>,"
...                   b"\\r\\n bob@y.example\\r\\nDate: Tue, 14 May 2024 23:30:00 -0700\\r\\n\\r\\nbody")
>>> h.addresses("from"), h.addresses("to"), h.date()
([('Jürgen Müller', 'JM@Acme.example')], [('Ann', 'ann@x.example'), ('', 'bob@y.example')], datetime.date(2024, 5, 14))
"""

from __future__ import annotations

import base64
import binascii
import codecs
import mmap
import re
from datetime import date
from email import policy
from email.utils import parsedate_to_datetime

__all__ = ["Headers", "header_end", "policy_addresses"]

WANTED = frozenset({"from", "to", "cc", "date", "message-id", "list-id", "list-post", "precedence",
                    "auto-submitted", "subject", "content-type"})
_FIELD = re.compile(rb"^(" + b"|".join(n.encode() for n in sorted(WANTED)) +
                    rb")[ \t]*:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.M | re.I)
_DATE = re.compile(r"^(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+\d{1,2}:\d{2}")
_MONTHS = {m: n for n, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"], start=1)}
_CHARSET = re.compile(rb'charset\s*=\s*"?([A-Za-z0-9_.:-]+)', re.I)


def header_end(data: bytes | mmap.mmap, start: int = 0, stop: int | None = None) -> int:
    """Where a message's header block ends (the blank line), or ``stop``."""
    stop = len(data) if stop is None else stop
    ends = [i for i in (data.find(b"\n\n", start, stop), data.find(b"\n\r\n", start, stop)) if i >= 0]
    return min(ends) + 1 if ends else stop


#: The longest header handed to ``email.policy.default``, whose parser takes time quadratic in a header's
#: length on some inputs (minutes for a megabyte); a plain address list of any length is read here.
POLICY_LIMIT = 32_000


def policy_addresses(name: str, value: str) -> list[tuple[str, str]]:
    """``(display name, address)`` pairs as ``email.policy.default`` reads the header."""
    if len(value) > POLICY_LIMIT:
        raise ValueError(f"the {name} header is {len(value):,} characters long and not a plain address list")
    header = policy.default.header_factory(name, value)
    return [(a.display_name, a.addr_spec) for a in getattr(header, "addresses", ())]


def _decode(raw: bytes, charset: str | None) -> str:
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if charset:
        try:
            codecs.lookup(charset)
            return raw.decode(charset, errors="replace")
        except (LookupError, ValueError):
            pass
    return raw.decode("cp1252", errors="replace")


class Headers:
    """The headers relmap reads, decoded to text (8-bit headers in any charset too)."""

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields

    @classmethod
    def parse(cls, block: bytes) -> Headers:
        """Read a header block (a body after the blank line is not looked at)."""
        end = header_end(block)
        block = block[:end]
        charset: str | None = None
        fields: dict[str, list[str]] = {}
        for found in _FIELD.finditer(block):
            name = found.group(1).decode("ascii").lower()
            raw = found.group(2)
            if raw.isascii():
                value = raw.decode("ascii")
            else:
                if charset is None:
                    m = _CHARSET.search(block)
                    charset = m.group(1).decode("ascii", "replace") if m else ""
                value = _decode(raw, charset)
            value = re.sub(r"\r?\n[ \t]", " ", value).strip() if "\n" in value else value.strip()
            fields.setdefault(name, []).append(value)
        return cls(fields)

    def get(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None

    def addresses(self, name: str) -> list[tuple[str, str]]:
        """Every ``(display name, address)`` of an address header (all its occurrences)."""
        out: list[tuple[str, str]] = []
        for value in self.fields.get(name, ()):
            try:
                out += _fast(value)
            except _Slow:
                out += policy_addresses(name, value)
        return out

    def date(self) -> date | None:
        """The ``Date`` header's date, as the sender's clock read it; ``None`` if unreadable."""
        value = self.get("date")
        if not value:
            return None
        m = _DATE.match(value)
        if m and m.group(2).lower() in _MONTHS:  # the usual form: the date as written is the sender's date
            try:
                return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
            except ValueError:
                return None
        try:
            return parsedate_to_datetime(value).date()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None

    def text(self, name: str) -> str | None:
        """An unstructured header (``Subject``) with RFC 2047 encoded words decoded."""
        value = self.get(name)
        if value is None or "=?" not in value or len(value) > POLICY_LIMIT:
            return value
        return str(policy.default.header_factory(name, value))


# Possessive quantifiers (*+, ++) never give back what they matched: a megabyte of blanks or of a name
# without "<" fails in one pass instead of in quadratic time.
_ITEM = re.compile(
    r'[ \t]*+(?:(?:"(?P<q>[^"\\\r\n]*+)"[ \t]*+|(?P<p>[^"\\,<>()\[\]:;@\r\n]*+))'
    r'<(?P<a>[^<>\s"\\,()\[\]:;@]++@[^<>\s"\\,()\[\]:;@]++)>'
    r'|(?P<b>[^<>\s"\\,()\[\]:;@]++@[^<>\s"\\,()\[\]:;@]++))[ \t]*+(?:,|$)')
_ENCODED = re.compile(r"=\?([^?*\s]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?\s]*)\?=")
_HEX = re.compile(r"=([0-9A-Fa-f]{2})")
_WS = re.compile(r"[ \t]+")


class _Slow(Exception):
    """A form the fast path leaves to ``policy.default``."""


def _word(token: str) -> str:
    """One RFC 2047 encoded word decoded, or :class:`_Slow`."""
    m = _ENCODED.fullmatch(token)
    if m is None:
        raise _Slow
    charset, how, text = m.groups()
    try:
        if how in "Bb":
            if len(text) % 4:
                raise _Slow  # policy.default repairs bad padding with a defect; leave it to it
            raw = base64.b64decode(text, validate=True)
        else:
            raw = _HEX.sub(lambda h: chr(int(h.group(1), 16)), text.replace("_", " ")).encode("latin-1")
        return raw.decode(charset)
    except (ValueError, LookupError, UnicodeError, binascii.Error):
        raise _Slow from None


def _phrase(text: str) -> str:
    """An unquoted display name: words joined by one space, encoded words decoded."""
    words = [w for w in _WS.split(text) if w]  # only ASCII blanks separate words (not NEL or NBSP)
    if "=?" not in text:
        return " ".join(words)
    return " ".join(_word(w) if w.startswith("=?") else w for w in words if "=?" not in w or w.startswith("=?"))


def _fast(value: str) -> list[tuple[str, str]]:
    """Split a plain address list; :class:`_Slow` for any form this does not read exactly as policy.default."""
    out: list[tuple[str, str]] = []
    pos, size = 0, len(value.rstrip(" \t"))  # a comma and blanks at the end are nothing
    while pos < size:
        m = _ITEM.match(value, pos)
        if m is None or m.end() == pos:
            raise _Slow
        if m.group("b") is not None:
            out.append(("", m.group("b")))
        elif m.group("q") is not None:
            if "=?" in m.group("q"):
                raise _Slow
            out.append((m.group("q"), m.group("a")))
        else:
            phrase = m.group("p")
            if any(("=?" in w and not w.startswith("=?")) for w in _WS.split(phrase)):
                raise _Slow
            out.append((_phrase(phrase), m.group("a")))
        pos = m.end()
    return out
