"""The fast readers agree with the libraries they stand in for: icalendar, and email's policy.default."""

from __future__ import annotations

import email
from email import policy
from email.header import Header
from pathlib import Path

import icalendar
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ingest.importers.ics import _simple_date, _who
from ingest.importers.icsparse import parse_line, scan, unescape
from ingest.importers.mailheaders import Headers, policy_addresses
from tests.importers.helpers import FIXTURES

CALENDARS = sorted((FIXTURES / "calendar").glob("*.ics"))
MESSAGES: list[tuple[str, bytes]] = []
for _path in sorted((FIXTURES / "mail").rglob("*")):
    if _path.suffix == ".eml":
        MESSAGES.append((_path.name, _path.read_bytes()))
    elif _path.suffix == ".mbox":
        for _n, _part in enumerate(_path.read_bytes().split(b"\nFrom ")):
            MESSAGES.append((f"{_path.name}#{_n}", _part.split(b"\n", 1)[1]))


def test_single_events_read_as_icalendar_reads_them() -> None:
    compared = 0
    for path in CALENDARS:
        text = path.read_text(encoding="utf-8")
        fast = {e.first("UID").value: e for e in scan(str(path), text).events if e.first("UID")}  # type: ignore[union-attr]
        for event in icalendar.Calendar.from_ical(text).walk("VEVENT"):
            uid = str(event["UID"])
            mine = fast[uid]
            if mine.first("RRULE") or mine.first("RECURRENCE-ID") or len(mine.all("UID")) != 1:
                continue
            theirs = []
            for key in ("ORGANIZER", "ATTENDEE"):
                values = event.get(key)
                for v in values if isinstance(values, list) else [values] if values is not None else []:
                    theirs.append(_who(str(v), v.params))
            ours = [_who(p.value, {k: unescape(v) for k, v in p.params.items()})
                    for p in mine.all("ORGANIZER") + mine.all("ATTENDEE")]
            assert ours == theirs, uid
            start = event["DTSTART"].dt
            assert _simple_date(mine.first("DTSTART"), None)[0] == getattr(start, "date", lambda: start)(), uid  # type: ignore[arg-type,index]
            assert unescape(mine.first("SUMMARY").value) == str(event["SUMMARY"])  # type: ignore[union-attr]
            compared += 1
    assert compared >= 6


def test_every_fixture_header_reads_as_policy_default_reads_it() -> None:
    for name, data in MESSAGES:
        mine = Headers.parse(data)
        theirs = email.message_from_bytes(data, policy=policy.default)
        for header in ("from", "to", "cc"):
            expected = [(a.display_name, a.addr_spec) for h in theirs.get_all(header) or [] for a in h.addresses]
            if any("\udc80" <= c <= "\udcff" for n, _ in expected for c in n):
                # raw 8-bit text in a charset other than UTF-8: policy.default cannot decode it, this module
                # does (test_mail checks the names); the addresses agree
                assert [a for _, a in mine.addresses(header)] == [a for _, a in expected], (name, header)
                continue
            assert mine.addresses(header) == expected, (name, header)
        if theirs["date"] is not None and theirs["date"].datetime is not None:
            assert mine.date() == theirs["date"].datetime.date(), name
        if theirs["subject"] is not None and not theirs["subject"].defects and \
                not any(c == "\ufffd" or "\udc80" <= c <= "\udcff" for c in str(theirs["subject"])):
            assert mine.text("subject") == str(theirs["subject"]), name


_WORD = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x24f, blacklist_characters="\\\"\r\n"),
                min_size=1, max_size=12).map(str.strip).filter(bool)
_LOCAL = st.from_regex(r"[a-z0-9]([a-z0-9._+-]{0,10}[a-z0-9])?", fullmatch=True).filter(lambda s: ".." not in s)
_DOMAIN = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,5})?\.(example|co\.uk|de)", fullmatch=True)


@st.composite
def _address(draw: st.DrawFn) -> tuple[str, str]:
    addr = f"{draw(_LOCAL)}@{draw(_DOMAIN)}"
    form = draw(st.sampled_from(["bare", "angle", "plain", "quoted", "encoded", "latin1", "mixed", "odd"]))
    words = draw(st.lists(_WORD, min_size=1, max_size=3))
    name = " ".join(words)
    if form == "bare":
        return addr, addr
    if form == "angle":
        return f"<{addr}>", addr
    if form == "plain":  # UTF-8 names as RFC 6532 allows; what policy.default reads as a phrase
        clean = " ".join(w for w in (draw(_WORD) for _ in words) if not set(w) & set('()<>[]:;@\\,"=?'))
        return (f"{clean} <{addr}>" if clean else f"<{addr}>"), addr
    if form == "quoted":  # Outlook's "Chen, Carl"
        return '"' + name.replace('"', "").replace("\\", "") + f', {words[0]}" <{addr}>', addr
    if form == "mixed":  # a plain word and an encoded one
        return f"Dr {Header(name, 'utf-8').encode(maxlinelen=10_000)} <{addr}>".replace("\n ", " "), addr
    if form == "odd":  # a comment: always the library's job
        return f"{addr} (work)", addr
    charset = "iso-8859-1" if form == "latin1" and all(ord(c) < 256 for c in name) else "utf-8"
    return f"{Header(name, charset).encode(maxlinelen=10_000)} <{addr}>".replace("\n ", " "), addr


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(_address(), min_size=1, max_size=5))
def test_generated_address_lists_agree_with_policy_default(parts: list[tuple[str, str]]) -> None:
    value = ", ".join(p for p, _ in parts)
    try:
        expected = policy_addresses("to", value)
    except Exception:  # noqa: BLE001 - the standard library fails on some phrases (". <a@b>"): nothing to compare
        assume(False)
    mine = Headers.parse(f"To: {value}\r\n\r\n".encode()).addresses("to")
    assert mine == expected
    assert [a for _, a in mine] == [a for _, a in parts]


_PARAM = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x17f, blacklist_characters='"',
                                        blacklist_categories=("Cc",)), max_size=10)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.sampled_from(["ATTENDEE", "ORGANIZER", "X-Y"]),
       st.dictionaries(st.sampled_from(["CN", "PARTSTAT", "CUTYPE", "EMAIL", "X-NUM-GUESTS"]), _PARAM, max_size=4),
       st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x17f, blacklist_categories=("Cc",)),
               max_size=30))
def test_content_lines_split_as_icalendar_splits_them(name: str, params: dict[str, str], value: str) -> None:
    line = name + "".join(f';{k}="{v}"' for k, v in params.items()) + ":" + value
    mine = parse_line(line)
    parsed = icalendar.parser.Contentline(line).parts()
    assert mine is not None
    # icalendar unescapes every value here; relmap unescapes TEXT values (summaries) when it reads them
    assert (mine.name, mine.params, unescape(mine.value)) == (parsed[0], dict(parsed[1]), parsed[2])


def test_scan_refuses_what_is_no_calendar(tmp_path: Path) -> None:
    import pytest

    from ingest.importers.errors import SourceFileError

    with pytest.raises(SourceFileError, match="text after END:VCALENDAR"):
        scan("x.ics", "BEGIN:VCALENDAR\nEND:VCALENDAR\nid,name\n")
