"""A fast, strict reader of iCalendar's structure: content lines, components, where each starts.

``icalendar`` reads about 3,000 events a second, too slow for a mailbox-sized
calendar. This module only unfolds lines, splits each into name, parameters
and value (RFC 5545 section 3.1, quoted parameter values included) and nests
``BEGIN``/``END``; :mod:`ingest.importers.ics` reads single events from that
directly and hands every recurring series, with the calendar's time zones, to
``icalendar`` and ``recurring-ical-events``. Tests check that both ways read
the same events alike.

A file that is not a calendar, is cut short or nests components wrongly is
refused (:class:`~ingest.importers.errors.SourceFileError`).

>>> cal = scan("x.ics", "BEGIN:VCALENDAR\\r\\nBEGIN:VEVENT\\r\\nUID:1\\r\\nATTENDEE;CN=\\"Doe, Jane\\";\\r\\n PARTSTAT=ACCEPTED:mailto:j@x.example\\r\\nEND:VEVENT\\r\\nEND:VCALENDAR\\r\\n")
>>> event = cal.events[0]
>>> event.line, event.first("UID").value, event.all("ATTENDEE")[0].params
(2, '1', {'CN': 'Doe, Jane', 'PARTSTAT': 'ACCEPTED'})
>>> Where("a\\r\\nb\\r\\n c\\r\\nd\\n", "a\\r\\nbc\\r\\nd\\n").line(8)  # offsets count the "\\n" put first
4
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ingest.importers.errors import SourceFileError

__all__ = ["Prop", "Component", "Calendar", "Fields", "scan", "scan_prefixed", "fast_fields", "line_value", "unescape"]

_VALUE = r'(?:"[^"]*"|[^";:,]*)'
_LINE = re.compile(rf'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+={_VALUE}(?:,{_VALUE})*)*):(.*)', re.S)
_PARAM = re.compile(rf';([A-Za-z0-9-]+)=({_VALUE}(?:,{_VALUE})*)')
_CARET = re.compile(r"\^[\^nN']")
#: The properties of an event relmap reads; the others are only checked to be content lines.
WANTED = frozenset({"UID", "DTSTART", "STATUS", "SUMMARY", "ORGANIZER", "ATTENDEE", "RRULE", "RDATE", "EXDATE",
                    "RECURRENCE-ID", "EXRULE"})
_FOLD = re.compile(r"\r?\n[ \t]")
# Each starts at the new line before a line (the text is scanned with a "\n" before its first line): a
# pattern that starts with a literal is searched for much faster than one that starts with "^".
_BOUNDARY = re.compile(r"\n(BEGIN|END)[ \t]*:([^\r\n]*)", re.I)
_WANTED_LINE = re.compile(r"\n(((?:" + "|".join(sorted(WANTED)) + r"))([;:])([^\n]*))", re.I)
#: A line that is not blank and does not start like a content line (``NAME;`` or ``NAME:``).
_BAD = re.compile(r"\n(?![A-Za-z0-9-]+[;:])[^\r\n]*\S")
_NOT_BLANK = re.compile(r"[^\r\n \t]")
_CAL_PROPS = re.compile(r"^(X-WR-TIMEZONE|METHOD)[ \t]*(?:;[^:\r\n]*)?:([^\n]*)", re.M | re.I)


class Prop:
    """One content line: ``NAME;PARAM=VALUE:value`` (names upper-cased); parameters split when first asked for.

    ``raw`` is the unfolded line itself: two equal lines are the same property.
    """

    __slots__ = ("name", "raw", "_params", "_value", "offset", "_bad")

    def __init__(self, name: str, raw: str, params: dict[str, str] | None = None, value: str | None = None,
                 offset: int = 0) -> None:
        self.name, self.raw, self.offset = name, raw, offset
        self._params, self._value = params, value
        self._bad = False

    @property
    def ok(self) -> bool:
        """False for a line that is not a content line (then its value is empty, its parameters none)."""
        if self._params is None:
            self._split()
        return not self._bad

    def _split(self) -> None:
        m = _LINE.fullmatch(self.raw)
        if m is None:
            self._bad, self._params, self._value = True, {}, ""
            return
        self._value = m.group(3)
        params: dict[str, str] = {}
        if m.group(2):
            for p in _PARAM.finditer(m.group(2)):
                v = p.group(2)
                if '"' in v:
                    v = v.replace('"', "")  # a quoted value cannot hold a quote: the quotes are only delimiters
                if "^" in v:  # RFC 6868: ^' is a double quote, ^n a new line, ^^ a caret
                    v = _CARET.sub(lambda c: {"^^": "^", "^n": "\n", "^N": "\n", "^'": '"'}[c.group()], v)
                params[p.group(1).upper()] = v
        self._params = params

    @property
    def params(self) -> dict[str, str]:
        if self._params is None:
            self._split()
        assert self._params is not None
        return self._params

    @property
    def value(self) -> str:
        if self._value is None:
            self._split()
        assert self._value is not None
        return self._value


class Where:
    """Physical line numbers of offsets in the unfolded text, worked out only when a message needs one.

    ``text`` is the file's text; ``prefixed`` says it already starts with the ``"\\n"`` the scanner puts
    first (then it is the unfolded text itself: the file has no folded lines).
    """

    def __init__(self, text: str, unfolded: str, prefixed: bool = False) -> None:
        self.text, self.unfolded, self.prefixed = text, unfolded, prefixed
        self._folds: tuple[list[int], list[int]] | None = None
        self._newlines: list[int] | None = None

    def line(self, offset: int) -> int:
        """The line of the file (1 = the first) that the unfolded ``offset`` is on."""
        if self.prefixed:  # the text is the scanned text: its newlines count one too many (the first)
            if self._newlines is None:
                self._newlines = [m.start() for m in re.finditer("\n", self.text)]
            return bisect.bisect_left(self._newlines, offset)
        offset -= 1  # the scanned text has a new line before its first line
        if self.text is self.unfolded:
            original = offset
        else:
            if self._folds is None:
                at, removed, total = [], [], 0
                for m in _FOLD.finditer(self.text):
                    at.append(m.start() - total)
                    total += len(m.group())
                    removed.append(total)
                self._folds = (at, removed)
            at, removed = self._folds
            n = bisect.bisect_right(at, offset)
            original = offset + (removed[n - 1] if n else 0)
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self._newlines, original) + 1


class Component:
    """A component (``VEVENT``, ``VTIMEZONE``, ...): where it is in the unfolded text, its properties.

    An event's properties (:attr:`props`, :attr:`firsts`, :attr:`people`) and the lines that cannot
    be read (:attr:`bad`) are read from the text when first asked for; :func:`fast_fields` reads
    what a single event needs without them.
    """

    __slots__ = ("name", "where", "text", "start", "body", "end", "body_end", "holes", "_props", "_bad", "_firsts",
                 "_people", "fast")

    def __init__(self, name: str, where: Where, start: int, body: int, text: str = "") -> None:
        self.name, self.where, self.text = name, where, text  # text: the unfolded text scanned
        self.start = start  # offset of its BEGIN line
        self.body = body  # offset just after its BEGIN line
        self.end = 0  # offset just after its END line
        self.body_end = 0  # offset of its END line
        self.holes: list[tuple[int, int]] = []  # components inside it (an event's VALARMs)
        self._props: list[Prop] | None = None
        self._bad: list[int] = []  # offsets of lines that could not be read
        self._firsts: dict[str, Prop] = {}  # the first property of each name
        self._people: list[Prop] = []  # ORGANIZER and ATTENDEE properties, in order
        #: What :func:`fast_fields` read (``None``: not read, or the event needs :attr:`props`).
        self.fast: Fields | None = None

    @property
    def props(self) -> list[Prop]:
        if self._props is None:
            self._load()
        assert self._props is not None
        return self._props

    @property
    def bad(self) -> list[int]:
        if self._props is None:
            self._load()
        return self._bad

    @property
    def firsts(self) -> dict[str, Prop]:
        if self._props is None:
            self._load()
        return self._firsts

    @property
    def people(self) -> list[Prop]:
        if self._props is None:
            self._load()
        return self._people

    @property
    def line(self) -> int:
        """The line of the file its BEGIN is on."""
        return self.where.line(self.start)

    def bad_line(self) -> int:
        """The line of the file of the first line that could not be read."""
        return self.where.line(self.bad[0])

    def first(self, name: str) -> Prop | None:
        return self.firsts.get(name)

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]

    def spans(self) -> list[tuple[int, int]]:
        """The parts of its body outside the components inside it."""
        if not self.holes:
            return [(self.body, self.body_end)]
        return list(zip([self.body] + [h[1] for h in self.holes], [h[0] for h in self.holes] + [self.body_end]))

    def _load(self) -> None:
        """Read the properties relmap reads, and the lines that cannot be read, from the text."""
        unfolded = self.text
        props: list[Prop] = []
        people, firsts, bad = self._people, self._firsts, self._bad
        bad_search, wanted, line_match = _BAD.search, _WANTED_LINE.finditer, _LINE.fullmatch
        for begin, stop in self.spans():
            found = bad_search(unfolded, begin, stop)
            if found is not None:
                bad.append(found.start() + 1)
            for w in wanted(unfolded, begin, stop):
                content, name, sep, rest = w.groups()
                if content[-1:] == "\r":
                    content, rest = content[:-1], rest[:-1]
                name = name.upper()
                if sep == ":":  # no parameters: nothing that can be wrong
                    read = Prop(name, content, {}, rest, w.start() + 1)
                elif name == "ATTENDEE" or name == "ORGANIZER":  # checked when first read (once per line)
                    read = Prop(name, content, None, None, w.start() + 1)
                elif line_match(content) is None:
                    bad.append(w.start() + 1)
                    continue
                else:
                    read = Prop(name, content, None, None, w.start() + 1)
                props.append(read)
                if name == "ATTENDEE" or name == "ORGANIZER":
                    people.append(read)
                elif name not in firsts:
                    firsts[name] = read
        if len(bad) > 1:
            bad.sort()
        self._props = props


#: What a single event is read for, by :func:`fast_fields`: its UID, the first ``DTSTART``,
#: ``STATUS`` and ``SUMMARY`` lines (``None`` when it has none), its ``ORGANIZER`` and ``ATTENDEE``
#: lines in order, and whether it has a recurrence property (``RRULE``, ``RDATE``, ...).
Fields = tuple[str, str | None, str | None, str | None, list[str], bool]

#: A line that is neither blank nor starts like a content line with an upper-case name (a superset
#: of the lines :data:`_BAD` finds: a name in lower case is left to :meth:`Component._load`).
_ODD = re.compile(r"\n(?![A-Z0-9-]+[;:])[^\r\n]*\S")
#: The lines relmap reads, in upper case; on a text without a lone ``\r`` and without the lines
#: :data:`_ODD` finds, exactly the lines :data:`_WANTED_LINE` finds, without their ``\r``.
_FAST_LINE = re.compile(r"\n((?:ATTENDEE|ORGANIZER|DTSTART|UID|SUMMARY|STATUS|RRULE|RDATE|RECURRENCE-ID|EXDATE|"
                        r"EXRULE)[;:][^\r\n]*)")
#: The length of each name relmap reads (but ORGANIZER and ATTENDEE), by its first letters.
_NAME_LENGTH = {"D": 7, "U": 3, "SU": 7, "ST": 6}


def fast_fields(event: Component, valid: dict[str, bool]) -> Fields | None:
    """What :class:`~ingest.importers.ics` reads of a single event, without :class:`Prop` objects.

    ``None`` when the event needs :meth:`Component._load`: a line that cannot be read, or might not
    be read alike (a name in lower case, a ``DTSTART``, ``UID``, ``STATUS`` or ``SUMMARY`` line whose
    parameters do not parse), or no UID. ``valid`` caches which lines with parameters parse.

    >>> cal = scan("a.ics", "BEGIN:VCALENDAR\\nBEGIN:VEVENT\\nUID:1\\nDTSTART:20240503\\nSUMMARY:Golf\\n"
    ...                     "ATTENDEE;CN=Ann:mailto:ann@acme.example\\nEND:VEVENT\\nEND:VCALENDAR\\n")
    >>> fast_fields(cal.events[0], {})
    ('1', 'DTSTART:20240503', None, 'SUMMARY:Golf', ['ATTENDEE;CN=Ann:mailto:ann@acme.example'], False)
    """
    unfolded = event.text
    if event.holes:
        lines: list[str] = []
        for begin, stop in event.spans():
            if _ODD.search(unfolded, begin, stop) is not None:
                return None
            lines += _FAST_LINE.findall(unfolded, begin, stop)
    else:
        if _ODD.search(unfolded, event.body, event.body_end) is not None:
            return None
        lines = _FAST_LINE.findall(unfolded, event.body, event.body_end)
    uid = start = status = summary = None
    people: list[str] = []
    recurs = False
    for line in lines:
        c = line[0]
        if c == "A" or c == "O":
            people.append(line)
            continue
        if c == "R" or c == "E":
            recurs = True  # a series: read with Component._load, which checks these lines
            continue
        n = _NAME_LENGTH[c] if c != "S" else _NAME_LENGTH[line[:2]]
        if line[n] == ";":
            ok = valid.get(line)
            if ok is None:
                if len(valid) > 200_000:
                    valid.clear()
                ok = valid[line] = _LINE.fullmatch(line) is not None
            if not ok:
                return None
        if c == "D":
            if start is None:
                start = line
        elif c == "U":
            if uid is None:
                uid = line
        elif n == 7:
            if summary is None:
                summary = line
        elif status is None:
            status = line
    if uid is None:
        return None
    value = (uid[4:] if uid[3] == ":" else Prop("UID", uid).value).strip()
    if not value:
        return None
    return value, start, status, summary, people, recurs


def line_value(line: str, name_length: int) -> str:
    """The value of a content line known to parse (``NAME:value`` or ``NAME;PARAM=...:value``).

    >>> line_value("STATUS:CANCELLED", 6), line_value('SUMMARY;LANGUAGE=de:Golf: 18 Löcher', 7)
    ('CANCELLED', 'Golf: 18 Löcher')
    """
    if line[name_length] == ":":
        return line[name_length + 1:]
    return Prop(line[:name_length], line).value


@dataclass
class Calendar:
    """Every ``VCALENDAR`` of a file, flattened: its properties, time zones and events.

    ``fast``: the text has no lone ``\r``, so :func:`fast_fields` may read its events.
    """

    unfolded: str
    props: dict[str, str] = field(default_factory=dict)
    timezones: list[Component] = field(default_factory=list)
    events: list[Component] = field(default_factory=list)
    fast: bool = True

    def text(self, component: Component) -> str:
        """A component's unfolded lines, to hand to ``icalendar``."""
        return self.unfolded[component.start:component.end] + "\r\n"


def parse_line(line: str) -> Prop | None:
    """A content line's parts; ``None`` when it is not one."""
    m = _LINE.fullmatch(line)
    if m is None:
        return None
    prop = Prop(m.group(1).upper(), line)
    if not m.group(2):
        prop._params, prop._value = {}, m.group(3)
    return prop


def unescape(text: str) -> str:
    r"""A TEXT value with its escapes undone (``\,`` ``\;`` ``\n`` ``\\``)."""
    if "\\" not in text:
        return text
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _unfold(text: str) -> str:
    """The text with its folded lines joined (RFC 5545 section 3.1)."""
    if re.search(r"\n\r?\n[ \t]", text) or text[:1] in (" ", "\t"):  # a continuation after a blank line
        lines: list[str] = []
        for raw in text.split("\n"):
            raw = raw[:-1] if raw.endswith("\r") else raw
            if raw[:1] in (" ", "\t") and lines:
                lines[-1] += raw[1:]
            elif raw:
                lines.append(raw)
        return "\n".join(lines) + "\n"
    return _FOLD.sub("", text) if "\n " in text or "\n\t" in text else text


def scan(path: str, text: str) -> Calendar:
    """Read a calendar file's structure; refuse it when it is no calendar, is cut short or damaged."""
    return scan_prefixed(path, "\n" + text)


def scan_prefixed(path: str, prefixed: str) -> Calendar:
    """:func:`scan` of a file's text with a ``"\\n"`` put first (read so, the text is not copied again)."""
    if "\n " in prefixed or "\n\t" in prefixed:  # folded lines (or a first line starting with a blank)
        text = prefixed[1:]
        plain = _unfold(text)
        where = Where(text, plain)
        unfolded = "\n" + plain
    else:
        unfolded = prefixed
        where = Where(prefixed, prefixed, prefixed=True)
    found = _NOT_BLANK.search(unfolded)
    if found is None:
        first = ""
    else:
        stop = unfolded.find("\n", found.start())
        first = unfolded[found.start():stop if stop >= 0 else len(unfolded)].rstrip("\r")
    if first.strip().upper() != "BEGIN:VCALENDAR":
        raise SourceFileError(f"{path}: not an iCalendar file: it should start with BEGIN:VCALENDAR, not "
                              f"{first[:60]!r}" if first.strip() else f"{path}: not an iCalendar file: it is empty")
    cal = Calendar(unfolded)
    stack: list[Component] = []
    last_end = 0
    header_end: int | None = None  # where the current VCALENDAR's own properties end (its first component)
    for m in _BOUNDARY.finditer(unfolded):
        keyword, what = m.group(1).upper(), m.group(2).strip().upper()
        if keyword == "BEGIN":
            if not stack:
                outside = unfolded[last_end:m.start()].strip()
                if outside:
                    line = where.line(last_end + unfolded[last_end:m.start()].index(outside[0]))
                    raise SourceFileError(f"{path}:{line}: text after END:VCALENDAR ({outside[:40]!r}): the file is "
                                          "damaged")
                if what != "VCALENDAR":
                    raise SourceFileError(f"{path}:{where.line(m.start() + 1)}: BEGIN:{what} outside a VCALENDAR")
                header_end = None
            elif len(stack) == 1 and header_end is None:
                header_end = m.start()
            stack.append(Component(what, where, m.start() + 1, m.end(), unfolded))
            continue
        if not stack or stack[-1].name != what:
            opened = f"BEGIN:{stack[-1].name} of line {stack[-1].line}" if stack else "nothing"
            raise SourceFileError(f"{path}:{where.line(m.start() + 1)}: END:{what} closes {opened}: the file is damaged")
        component = stack.pop()
        component.end, component.body_end = m.end(), m.start()
        if len(stack) == 1:
            if what == "VEVENT":
                cal.events.append(component)
            elif what == "VTIMEZONE":
                cal.timezones.append(component)
        elif len(stack) == 2 and stack[1].name == "VEVENT":
            stack[1].holes.append((component.start, component.end))
        elif not stack:
            for prop in _CAL_PROPS.finditer(unfolded, component.body, header_end or component.body_end):
                cal.props.setdefault(prop.group(1).upper(), prop.group(2).rstrip("\r").strip())
            last_end = m.end()
    if stack:
        raise SourceFileError(f"{path}: cut short: BEGIN:{stack[-1].name} of line {stack[-1].line} is never closed "
                              f"(END:{stack[-1].name} is missing)")
    outside = unfolded[last_end:].strip()
    if outside:
        line = where.line(last_end + unfolded[last_end:].index(outside[0]))
        raise SourceFileError(f"{path}:{line}: text after END:VCALENDAR ({outside[:40]!r}): the file is damaged")
    # a lone "\r" (not before "\n") is inside a line: the events are read line by line with Component._load
    cal.fast = unfolded.count("\r") == unfolded.count("\r\n")
    return cal
