"""Cell values as real exports write them: dates, booleans, amounts, e-mail addresses, names, ids.

Every function returns ``None`` for a value it cannot read (the caller decides
whether that skips the record), never raises.

>>> parse_date("2024-09-15T10:04:25.000+0000"), parse_date("02/03/24"), parse_date("30 May 2024")
(datetime.date(2024, 9, 15), datetime.date(2024, 2, 3), datetime.date(2024, 5, 30))
>>> parse_bool("TRUE"), parse_bool("0"), parse_bool("maybe")
(True, False, None)
>>> parse_amount("$12,500.00"), parse_amount("1 200,50 EUR"), parse_amount("-3")
(12500.0, 1200.5, None)
>>> normal_email("  MAILTO:Ann.Smith@Acme.EXAMPLE "), normal_email("not an address")
('ann.smith@acme.example', None)
>>> salesforce_id("0015g00000AbCdE"), salesforce_id("0015g00000AbCdEAAV"), salesforce_id("000000000000000AAA")
('0015g00000AbCdEAAV', '0015g00000AbCdEAAV', None)
>>> header_key("Account ID"), header_key('"ACCOUNTID"'), header_key("Email Address")
('accountid', 'accountid', 'emailaddress')
>>> name_from_email("jane.doe-smith@acme.example")
'Jane Doe-Smith'
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

__all__ = ["parse_date", "parse_bool", "parse_amount", "number_text", "normal_email", "email_domain", "salesforce_id",
           "header_key", "name_from_email", "person_name", "clean_text", "match_name", "linkedin_url", "stable_id"]

_MONTHS = {m: n for n, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*"
                  r"(Z|[+-]\d{2}:?\d{2})?)?$")
_SLASH = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -,]+(\d{2}|\d{4})$")
_MONTH_DAY = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$")
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]\\\x00-\x1f\x7f]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
                    r"[A-Za-z0-9])?)+$")
_SF_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-5]{3})?$")
_SF_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def _year(text: str) -> int:
    y = int(text)
    return y + (2000 if y < 70 else 1900) if len(text) == 2 else y


def _date(y: int, m: int, d: int) -> date | None:
    try:
        found = date(y, m, d)
    except ValueError:
        return None
    return found if 1900 <= found.year <= 2200 else None


def parse_date(text: str | None) -> date | None:
    """The date in a cell: ISO dates and times (the date as written, in its own offset),
    ``MM/DD/YY`` (US order, as Salesforce and HubSpot write it; ``DD/MM`` when the first
    number cannot be a month), ``30 May 2024``, ``May 30, 2024``, epoch milliseconds."""
    if not text:
        return None
    text = text.strip()
    m = _ISO.match(text)
    if m:
        return _date(int(m[1]), int(m[2]), int(m[3]))
    m = _SLASH.match(text)
    if m:
        a, b, y = int(m[1]), int(m[2]), _year(m[3])
        return _date(y, a, b) if a <= 12 else _date(y, b, a)
    m = _DAY_MONTH.match(text)
    if m and m[2][:3].lower() in _MONTHS:
        return _date(_year(m[3]), _MONTHS[m[2][:3].lower()], int(m[1]))
    m = _MONTH_DAY.match(text)
    if m and m[1][:3].lower() in _MONTHS:
        return _date(int(m[3]), _MONTHS[m[1][:3].lower()], int(m[2]))
    if text.isdigit() and 11 <= len(text) <= 13:  # epoch milliseconds (HubSpot's API-style exports)
        try:
            return (datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=int(text))).date()
        except OverflowError:
            return None
    return None


def parse_bool(text: str | None) -> bool | None:
    """``TRUE``/``FALSE``, ``true``/``false``, ``1``/``0``, ``yes``/``no``; else ``None``."""
    if text is None:
        return None
    value = text.strip().lower()
    if value in ("true", "1", "yes", "y", "t"):
        return True
    if value in ("false", "0", "no", "n", "f"):
        return False
    return None


def parse_amount(text: str | None) -> float | None:
    """A non-negative amount, with currency signs, codes and thousands separators removed."""
    if not text:
        return None
    value = re.sub(r"[A-Za-z$€£¥\s\u00a0\u202f']", "", text.strip())
    if not value or value.startswith("-"):
        return None
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", value) or re.fullmatch(r"\d+\.\d+", value):
        value = value.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", value) or re.fullmatch(r"\d+,\d{1,2}", value):
        value = value.replace(".", "").replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"),) else None


def number_text(number: float) -> str:
    """A number as the input files write it: plain digits, no exponent, no trailing zeros.

    >>> number_text(5000000.0), number_text(1200.5), number_text(0.125)
    ('5000000', '1200.5', '0.125')
    """
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return text or "0"


@functools.lru_cache(maxsize=1 << 17)
def normal_email(text: str | None) -> str | None:
    """The address lower-cased, without ``mailto:`` (any case) and angle brackets; ``None`` if not one."""
    if not text:
        return None
    value = text.strip().strip("<>").strip()
    if value[:7].lower() == "mailto:":
        value = value[7:].split("?", 1)[0].strip()
    value = value.lower()
    if len(value) > 254 or not _EMAIL.match(value):
        return None
    return value


def email_domain(email: str) -> str:
    """The domain of a normalised address (``ann@mail.acme.example`` -> ``mail.acme.example``)."""
    return email.rsplit("@", 1)[1]


def salesforce_id(text: str | None) -> str | None:
    """The 18-character form of a Salesforce id (15 or 18 characters); ``None`` for empty references.

    The first 15 characters are case-sensitive; the last three encode their case, so a
    15-character and an 18-character id of the same record give the same result.
    """
    if not text:
        return None
    value = text.strip()
    if not _SF_ID.match(value) or value.startswith("000000000000000"):
        return None
    base = value[:15]
    suffix = ""
    for chunk in (base[0:5], base[5:10], base[10:15]):
        suffix += _SF_SUFFIX[sum(1 << i for i, c in enumerate(chunk) if "A" <= c <= "Z")]
    return base + suffix


def header_key(text: str) -> str:
    """A column name folded for matching: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", text.strip().strip('"').lower())


def clean_text(text: str | None, limit: int = 2000) -> str | None:
    """One line of printable text, whitespace collapsed, cut at ``limit`` characters; ``None`` if empty."""
    if text is None:
        return None
    if not text.isprintable():
        text = "".join(c if c.isprintable() else " " for c in text)
    value = " ".join(text.split()) if "  " in text or text[:1].isspace() or text[-1:].isspace() else text
    return value[:limit] or None


def match_name(text: str) -> str:
    """A name folded for comparing: accents removed, case folded, punctuation to spaces.

    >>> match_name("Jürgen  O'Brien-Müller")
    'jurgen o brien muller'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def person_name(text: str | None) -> str | None:
    """A display name as people write theirs: ``Chen, Carl`` (as Outlook shows it) becomes ``Carl Chen``.

    >>> person_name("Chen, Carl"), person_name("  Ann   Lee "), person_name("Acme, Inc. Sales, EMEA")
    ('Carl Chen', 'Ann Lee', 'Acme, Inc. Sales, EMEA')
    """
    value = clean_text(text)
    if value is None:
        return None
    m = re.fullmatch(r"([^\W\d][\w'’-]*(?: [^\W\d][\w'’-]*)?), ([^\W\d][\w'’.-]*(?: [^\W\d][\w'’.-]*)?)", value)
    return f"{m.group(2)} {m.group(1)}" if m else value


def name_from_email(email: str) -> str:
    """A readable name made from an address's local part, for people known only by address."""
    local = email.split("@", 1)[0].split("+", 1)[0]
    words = [w for w in re.split(r"[._\s]+", local) if w]
    return " ".join("-".join(p[:1].upper() + p[1:] for p in w.split("-")) for w in words) or email


def linkedin_url(text: str | None) -> str | None:
    """A LinkedIn profile URL in one form: https, www, no query, no trailing slash, lower case.

    >>> linkedin_url("http://linkedin.com/in/Jane-Doe-12ab/?trk=x")
    'https://www.linkedin.com/in/jane-doe-12ab'
    """
    if not text:
        return None
    m = re.match(r"^\s*(?:https?://)?(?:[a-z]{2,3}\.|www\.)?linkedin\.com(/[^?#\s]*)", text.strip(), flags=re.I)
    if not m:
        return None
    path = m[1].rstrip("/").lower()
    return f"https://www.linkedin.com{path}" if len(path) > 1 else None


def stable_id(prefix: str, key: str, length: int = 12) -> str:
    """An id that a later import of the same record gives again: ``prefix`` and a short hash of ``key``.

    >>> stable_id("P-", "email:ann@acme.example")
    'P-5065dd4c2cec'
    """
    import hashlib

    return prefix + hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()[:length]
