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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.importers.errors import SourceFileError

__all__ = ["Prop", "Component", "Calendar", "scan", "unescape"]

_NAME = re.compile(r"[A-Za-z0-9-]+")
_PARAM_VALUE = re.compile(r'[^";:,]*')
_SIMPLE = re.compile(r"([A-Za-z0-9-]+):")


@dataclass(slots=True)
class Prop:
    """One content line: ``NAME;PARAM=VALUE:value`` (names upper-cased)."""

    name: str
    params: dict[str, str]
    value: str


@dataclass(slots=True)
class Component:
    """A component (``VEVENT``, ``VTIMEZONE``, ...) with its properties and its lines in the file."""

    name: str
    line: int
    start: int  # index of its BEGIN line among the unfolded lines
    end: int = 0  # index of its END line
    props: list[Prop] = field(default_factory=list)
    bad: list[int] = field(default_factory=list)  # lines that could not be read

    def first(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]


@dataclass
class Calendar:
    """Every ``VCALENDAR`` of a file, flattened: its properties, time zones and events."""

    lines: list[str]
    props: dict[str, str] = field(default_factory=dict)
    timezones: list[Component] = field(default_factory=list)
    events: list[Component] = field(default_factory=list)

    def text(self, component: Component) -> str:
        """A component's unfolded lines, to hand to ``icalendar``."""
        return "\r\n".join(self.lines[component.start:component.end + 1]) + "\r\n"


def parse_line(line: str) -> Prop | None:
    """A content line's parts; ``None`` when it is not one."""
    m = _SIMPLE.match(line)
    if m:
        return Prop(m.group(1).upper(), {}, line[m.end():])
    m = _NAME.match(line)
    if not m:
        return None
    name, pos, size = m.group().upper(), m.end(), len(line)
    params: dict[str, str] = {}
    while pos < size and line[pos] == ";":
        m = _NAME.match(line, pos + 1)
        if not m or m.end() >= size or line[m.end()] != "=":
            return None
        key, pos = m.group().upper(), m.end() + 1
        values = []
        while True:
            if pos < size and line[pos] == '"':
                close = line.find('"', pos + 1)
                if close < 0:
                    return None
                values.append(line[pos + 1:close])
                pos = close + 1
            else:
                v = _PARAM_VALUE.match(line, pos)
                assert v is not None
                values.append(v.group())
                pos = v.end()
            if pos < size and line[pos] == ",":
                pos += 1
                continue
            break
        params[key] = ",".join(values)
    if pos >= size or line[pos] != ":":
        return None
    return Prop(name, params, line[pos + 1:])


def unescape(text: str) -> str:
    r"""A TEXT value with its escapes undone (``\,`` ``\;`` ``\n`` ``\\``)."""
    if "\\" not in text:
        return text
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _unfold(text: str) -> tuple[list[str], list[int]]:
    lines: list[str] = []
    numbers: list[int] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.endswith("\r"):
            raw = raw[:-1]
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
            numbers.append(number)
    return lines, numbers


def scan(path: str, text: str) -> Calendar:
    """Read a calendar file's structure; refuse it when it is no calendar, is cut short or damaged."""
    lines, numbers = _unfold(text)
    if not lines or lines[0].strip().upper() != "BEGIN:VCALENDAR":
        first = lines[0][:60] if lines else ""
        raise SourceFileError(f"{path}: not an iCalendar file: it should start with BEGIN:VCALENDAR, not "
                              f"{first!r}" if first else f"{path}: not an iCalendar file: it is empty")
    cal = Calendar(lines)
    stack: list[Component] = []
    for index, line in enumerate(lines):
        upper = line[:6].upper()
        if upper == "BEGIN:" or upper.startswith("END:"):
            keyword, _, what = line.partition(":")
            keyword, what = keyword.strip().upper(), what.strip().upper()
            if keyword == "BEGIN":
                if not stack and what != "VCALENDAR":
                    raise SourceFileError(f"{path}:{numbers[index]}: BEGIN:{what} outside a VCALENDAR "
                                          "(text after END:VCALENDAR?)")
                component = Component(what, numbers[index], index)
                if len(stack) == 1 and what == "VEVENT":
                    cal.events.append(component)
                elif len(stack) == 1 and what == "VTIMEZONE":
                    cal.timezones.append(component)
                stack.append(component)
                continue
            if keyword == "END":
                if not stack or stack[-1].name != what:
                    opened = f"BEGIN:{stack[-1].name} of line {stack[-1].line}" if stack else "nothing"
                    raise SourceFileError(f"{path}:{numbers[index]}: END:{what} closes {opened}: the file is "
                                          "damaged")
                stack.pop().end = index
                continue
        if not stack:
            raise SourceFileError(f"{path}:{numbers[index]}: text after END:VCALENDAR ({line[:40]!r}): the file is "
                                  "damaged")
        top = stack[-1]
        if len(stack) > 2 and stack[1].name == "VEVENT" and top.name != "VEVENT":
            continue  # a VALARM inside an event: nothing relmap reads
        prop = parse_line(line)
        if prop is None:
            top.bad.append(numbers[index])
            continue
        if top.name == "VCALENDAR":
            cal.props.setdefault(prop.name, prop.value)
        elif top.name == "VEVENT" or top.name == "VTIMEZONE" and len(stack) == 2:
            top.props.append(prop)
    if stack:
        raise SourceFileError(f"{path}: cut short: BEGIN:{stack[-1].name} of line {stack[-1].line} is never closed "
                              f"(END:{stack[-1].name} is missing)")
    return cal
