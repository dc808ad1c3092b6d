"""Calendars: ``.ics`` files (RFC 5545), with ``icalendar`` and ``recurring-ical-events``.

Each occurrence up to the as-of date with at least two people is an
interaction, dated in its own time zone (a ``TZID``'s local date; a UTC time
in the calendar's ``X-WR-TIMEZONE`` when it has one). Recurring series
(``RRULE``, ``RDATE``, ``EXDATE``, ``RECURRENCE-ID`` overrides) are expanded by
``recurring-ical-events``; cancelled events and occurrences are left out.
People: the ``ORGANIZER`` and the ``ATTENDEE``s (``mailto:`` in any case, or an
``EMAIL`` parameter; names from ``CN``), without rooms, resources and groups
(``CUTYPE``) and without those who declined. The type comes from the summary's
words (:mod:`ingest.importers.typetable`). Kept: who, when, the type, and the
summary only with ``--keep-subjects``; descriptions, locations and notes never.

The same event in two people's exports (one ``UID``) is one interaction.

Speed: single events are read from the scanner's lines (:func:`~ingest.importers.icsparse.fast_fields`);
plain recurring series are expanded by :mod:`ingest.importers.icsrecur` (``dateutil``, the steps
recurring-ical-events takes), every other series by icalendar and recurring-ical-events.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ingest.importers.errors import SourceFileError
from ingest.importers.icsparse import (Calendar, Component, Fields, Prop, fast_fields, line_value, scan_prefixed,
                                       unescape)
from ingest.importers.icsrecur import expand
from ingest.importers.merge import Run
from ingest.importers.values import normal_email, person_name, stable_id

__all__ = ["import_calendar", "read_text"]

_LEFT_OUT = {"ROOM", "RESOURCE", "GROUP"}
_RECURRENCE = {"RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "EXRULE"}
#: What recurring-ical-events reads of an event.
_SKELETON = _RECURRENCE | {"UID", "DTSTART"}
_STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$")
#: At most this many occurrences of one series are read (a FREQ=MINUTELY rule would never end).
MAX_OCCURRENCES = 20_000


def read_text(path: Path, what: str = "an iCalendar file") -> str:
    """A calendar's text: UTF-8, as RFC 5545 requires; anything else is refused with the fix."""
    data = path.read_bytes()
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceFileError(f"{path}: not {what}: it holds binary data (a NUL byte at offset {nul})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFileError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                              "calendar files are UTF-8 (RFC 5545): export it again or save it as UTF-8") from None


def _read_prefixed(path: Path) -> str:
    """:func:`read_text` with a ``"\\n"`` put first, decoded so without another copy of the text."""
    data = path.read_bytes()
    if b"\x00" not in data:
        try:
            return (b"\n" + (data[3:] if data.startswith(b"\xef\xbb\xbf") else data)).decode("utf-8")
        except UnicodeDecodeError:
            pass
    return "\n" + read_text(path)  # refused, with the reason


def _who(value: str, params: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """(address, name) of an organizer or attendee who took part; ``None`` for rooms, groups, decliners."""
    cutype = params.get("CUTYPE")
    if cutype is not None and str(cutype).upper() in _LEFT_OUT:
        return None
    partstat = params.get("PARTSTAT")
    if partstat is not None and str(partstat).upper() == "DECLINED":
        return None
    email = normal_email(str(value)) or normal_email(str(params.get("EMAIL", "")) or None)
    if email is None:
        return None
    cn = str(params.get("CN", ""))
    name = person_name(unescape(cn).strip().strip('"')) if cn else None
    if name and normal_email(name) == email:
        name = None
    return email, name


def _simple_date(prop: Prop, zone: ZoneInfo | None) -> tuple[date, str] | None:
    m = _STAMP.match(prop.value.strip())
    if not m:
        return None
    try:
        if m.group(4) is None:
            return date(int(m[1]), int(m[2]), int(m[3])), prop.value.strip()
        when = datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), min(int(m[6]), 59))
    except ValueError:
        return None
    if m.group(7) and zone is not None:
        when = when.replace(tzinfo=timezone.utc).astimezone(zone)
    return when.date(), prop.value.strip()


class _Calendar:
    def __init__(self, run: Run, path: Path, cal: Calendar) -> None:
        self.run, self.path, self.cal = run, path, cal
        self.zone: ZoneInfo | None = None
        name = cal.props.get("X-WR-TIMEZONE", "").strip()
        if name:
            try:
                self.zone = ZoneInfo(name)
            except (ValueError, KeyError, OSError):
                self.zone = None
        self.cancel_all = cal.props.get("METHOD", "").strip().upper() == "CANCEL"
        self.cache: dict[str, str | None] = {}
        self.who_cache: dict[str, tuple[str, str | None] | None] = {}
        self.by_index: list[Component] = []  # the events handed to icalendar, by their X-RELMAP-INDEX
        # the fast path's caches, by content line: which parse, DTSTART's date, STATUS's and SUMMARY's values
        self.valid: dict[str, bool] = {}
        self.starts: dict[str, tuple[date, str] | None] = {}
        self.texts: dict[str, str] = {}

    def person(self, email: str, name: str | None) -> str | None:
        pid = self.cache.get(email)
        if pid is None:
            pid = self.cache[email] = self.run.who.person(email=email, name=name)
        return pid

    def occurrence(self, source: str, uid: str, start_key: str, when: date | None, status: str | None,
                   summary: str | None, people: list[tuple[str, str | None] | None]) -> None:
        if self.cancel_all or (status is not None and status.strip().upper() == "CANCELLED"):
            self.run.skip(source, "cancelled")
            return
        found: dict[str, str | None] = {}
        for p in people:
            if p is not None and (p[0] not in found or found[p[0]] is None):
                found[p[0]] = p[1]
        as_of = self.run.options.as_of
        if when is not None and when <= as_of and len(found) < 2:
            self.run.skip(source, "fewer than two people (after leaving out rooms, resources, groups and those "
                                  "who declined)")
            return
        if when is not None and when > as_of:
            self.run.skip(source, f"dated {when}, after the as-of date {as_of}")
            return
        person = self.person
        ids = [person(email, name) for email, name in found.items()]
        kind = self.run.options.types.type_of(summary)
        self.run.interaction(source, f"ics:{uid}|{start_key}", when, kind, ids, None, summary)

    def simple(self, event: Component, uid: str) -> None:
        if event.fast is not None:
            self.simple_fast(event, uid, event.fast)
            return
        source = f"{self.path}#{uid}"
        if event.bad:
            self.run.skip(source, f"line {event.bad_line()} of the event cannot be read")
            return
        start = event.first("DTSTART")
        found = _simple_date(start, self.zone) if start else None
        if found is None:
            self.run.skip(source, "no DTSTART" if start is None else f"DTSTART {start.value[:40]!r} is not a date")
            return
        people = self.people(event)
        if isinstance(people, int):
            self.run.skip(source, f"line {people} of the event cannot be read")
            return
        status = event.first("STATUS")
        summary = event.first("SUMMARY")
        self.occurrence(source, uid, found[1], found[0], status.value if status else None,
                        unescape(summary.value) if summary else None, people)

    def simple_fast(self, event: Component, uid: str, fields: Fields) -> None:
        """:meth:`simple` of an event :func:`fast_fields` read (no line it cannot read)."""
        _, start, status, summary, lines, _ = fields
        source = f"{self.path}#{uid}"
        if start is None:
            self.run.skip(source, "no DTSTART")
            return
        starts = self.starts
        if start in starts:
            found = starts[start]
        else:
            if len(starts) > 200_000:
                starts.clear()
            found = starts[start] = _simple_date(Prop("DTSTART", start), self.zone)
        if found is None:
            self.run.skip(source, f"DTSTART {line_value(start, 7)[:40]!r} is not a date")
            return
        people: list[tuple[str, str | None] | None] = []
        cache = self.who_cache
        for raw in lines:
            hit = cache.get(raw, False)
            if hit is False:
                prop = Prop("ATTENDEE" if raw[0] == "A" else "ORGANIZER", raw)
                if not prop.ok:  # where that line is: read as Component._load reads it
                    event.fast = None
                    self.simple(event, uid)
                    return
                if len(cache) > 200_000:
                    cache.clear()
                hit = cache[raw] = _who(prop.value, prop.params)
            people.append(hit)  # type: ignore[arg-type]
        texts = self.texts
        if len(texts) > 200_000:
            texts.clear()
        if status is not None:
            status_value = texts.get(status)
            if status_value is None:
                status_value = texts[status] = line_value(status, 6)
        else:
            status_value = None
        if summary is not None:
            summary_text = texts.get(summary)
            if summary_text is None:
                summary_text = texts[summary] = unescape(line_value(summary, 7))
        else:
            summary_text = None
        self.occurrence(source, uid, found[1], found[0], status_value, summary_text, people)

    def people(self, event: Component) -> list[tuple[str, str | None] | None] | int:
        """Who took part in an event (one entry per ORGANIZER and ATTENDEE; ``None`` for those left out),
        or the line of one that cannot be read."""
        people: list[tuple[str, str | None] | None] = []
        cache = self.who_cache
        for prop in event.people:
            hit = cache.get(prop.raw, False)
            if hit is False:
                if not prop.ok:
                    return event.where.line(prop.offset)
                if len(cache) > 200_000:
                    cache.clear()
                hit = cache[prop.raw] = _who(prop.value, prop.params)
            people.append(hit)  # type: ignore[arg-type]
        return people

    def _skeleton(self, event: Component) -> str:
        """What recurring-ical-events needs of an event: its UID, start and recurrence, and which it is.

        The people, summary and status come from the event itself (read once, cached per attendee
        line), so icalendar never parses attendee lists: it reads a series ten times faster.
        """
        self.by_index.append(event)
        lines = [p.raw for p in event.props if p.name in _SKELETON]
        return "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + f"\r\nX-RELMAP-INDEX:{len(self.by_index) - 1}\r\nEND:VEVENT\r\n"

    def _parse(self, events: list[Component]) -> Any:
        import icalendar

        head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//relmap//import//EN\r\n"
        text = head + "".join(self.cal.text(tz) for tz in self.cal.timezones) + \
            "".join(self._skeleton(e) for e in events) + "END:VCALENDAR\r\n"
        return icalendar.Calendar.from_ical(text)

    def parse_series(self, groups: dict[str, list[Component]]) -> dict[str, Any]:
        """Every recurring series parsed by icalendar in one pass (the time zones once), by UID.

        A series icalendar cannot read in the company of the others is parsed alone later.
        """
        if not groups:
            return {}
        try:
            calendar = self._parse([e for events in groups.values() for e in events])
        except Exception:  # noqa: BLE001 - one bad series: each is parsed alone, to name it
            return {}
        found: dict[str, Any] = defaultdict(list)
        for event in calendar.walk("VEVENT"):
            found[str(event.get("UID", "")).strip()].append(event)
        return found

    def expand(self, events: list[Component], uid: str) -> list[tuple[date, Component]] | None:
        """A plain series' occurrences up to the as-of date (:func:`~ingest.importers.icsrecur.expand`);
        ``None`` when recurring-ical-events has to be asked."""
        if "X-WR-TIMEZONE" in self.cal.props and self.zone is None:
            return None  # x-wr-timezone refuses the name: the library says so
        return expand([(e, e.props) for e in events], uid, self.zone, self.run.options.as_of)

    def library(self, events: list[Component], parsed: list[Any] | None) -> Iterator[tuple[Any, Component]]:
        """A series' occurrences as recurring-ical-events yields them: (start, the event it comes from)."""
        import icalendar
        import recurring_ical_events

        calendar = icalendar.Calendar()
        if "X-WR-TIMEZONE" in self.cal.props:
            calendar.add("X-WR-TIMEZONE", self.cal.props["X-WR-TIMEZONE"])
        for event in parsed if parsed and len(parsed) == len(events) else self._parse(events).walk("VEVENT"):
            calendar.add_component(event)
        query = recurring_ical_events.of(calendar)
        fast = any(p.name == "RRULE" and re.search(r"FREQ=(SECONDLY|MINUTELY|HOURLY)", p.value, re.I)
                   for e in events for p in e.props)
        # one window up to the as-of date; a rule every second or minute is walked step by step instead
        window = query.after(date(1900, 1, 1)) if fast else query.between(date(1900, 1, 1),
                                                                           self.run.options.as_of + timedelta(days=1))
        for occ in window:
            start = occ.get("DTSTART")
            yield (start.dt if start is not None else None), self.by_index[int(str(occ.get("X-RELMAP-INDEX")))]

    def series(self, events: list[Component], uid: str, parsed: list[Any] | None,
               expanded: list[tuple[date, Component]] | None = None) -> None:
        """Expand a recurring series (and its overrides): ``expanded`` if :meth:`expand` could, else with
        recurring-ical-events."""
        source = f"{self.path}#{uid}"
        if any(e.bad for e in events):
            bad = next(e.bad_line() for e in events if e.bad)
            self.run.skip(source, f"line {bad} of the event cannot be read")
            return
        as_of = self.run.options.as_of
        try:
            found = 0
            fast = expanded is None and any(p.name == "RRULE" and re.search(r"FREQ=(SECONDLY|MINUTELY|HOURLY)",
                                                                           p.value, re.I)
                                            for e in events for p in e.props)
            for when, event in expanded if expanded is not None else self.library(events, parsed):
                day = when.date() if isinstance(when, datetime) else when
                if not isinstance(day, date):
                    break
                if day > as_of:
                    if fast:
                        break
                    continue
                found += 1
                if found > MAX_OCCURRENCES:
                    self.run.skip(source, f"more than {MAX_OCCURRENCES:,} occurrences up to {as_of}; the rest are "
                                          "left out")
                    break
                people = self.people(event)
                if isinstance(people, int):
                    self.run.skip(source, f"line {people} of the event cannot be read")
                    return
                status, summary = event.first("STATUS"), event.first("SUMMARY")
                start_key = when.strftime("%Y%m%dT%H%M%S") if isinstance(when, datetime) else day.strftime("%Y%m%d")
                self.occurrence(f"{source}@{day.isoformat()}", uid, start_key, day,
                                status.value if status else None, unescape(summary.value) if summary else None,
                                people)
        except SourceFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - a third-party error about one series becomes its skip
            self.run.skip(source, f"the recurring event cannot be expanded ({exc.__class__.__name__}: "
                                  f"{str(exc)[:200]})")

    def uid_of(self, event: Component) -> str:
        """The UID an event is grouped by: its first, else one made of what it is (so a re-import finds it)."""
        if self.cal.fast:
            event.fast = fast_fields(event, self.valid)
            if event.fast is not None:
                return event.fast[0]
        uid_prop = event.first("UID")
        uid = uid_prop.value.strip() if uid_prop and uid_prop.value.strip() else None
        if uid is None:  # no UID: named by what it is, so a re-import finds it
            key = "|".join(p.raw for p in event.props if p.name in ("DTSTART", "SUMMARY", "ORGANIZER"))
            uid = stable_id("nouid-", key or str(event.start))
        return uid

    def read(self) -> None:
        groups: dict[str, list[Component]] = defaultdict(list)
        for event in self.cal.events:
            groups[self.uid_of(event)].append(event)
        total = len(groups)
        recurring = {uid: events for uid, events in groups.items() if len(events) > 1 or (
            events[0].fast[5] if events[0].fast is not None else any(p.name in _RECURRENCE for p in events[0].props))}
        expanded: dict[str, list[tuple[date, Component]]] = {}
        for uid, events in recurring.items():
            if not any(e.bad for e in events):
                found = self.expand(events, uid)
                if found is not None:
                    expanded[uid] = found
        parsed = self.parse_series({u: e for u, e in recurring.items()
                                    if u not in expanded and not any(x.bad for x in e)})
        for n, (uid, events) in enumerate(groups.items(), start=1):
            self.run.read += len(events)
            if n % 2000 == 0:
                self.run.tick(self.path.name, n, total)
            if uid in recurring:
                self.series(events, uid, parsed.get(uid), expanded.get(uid))
            else:
                self.simple(events[0], uid)
        self.run.tick(self.path.name, total, total)


def _files(sources: list[Path]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files += sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in (".ics", ".ical",
                                                                                                    ".ifb", ".icalendar"))
        else:
            files.append(source)
    if not files:
        raise SourceFileError("no .ics files found in " + ", ".join(str(s) for s in sources))
    return files


def import_calendar(run: Run, sources: list[Path]) -> None:
    """Read ``.ics`` files (or folders of them) into ``run``."""
    calendars = [(path, scan_prefixed(str(path), _read_prefixed(path))) for path in _files(sources)]
    for path, cal in calendars:
        _Calendar(run, path, cal).read()

