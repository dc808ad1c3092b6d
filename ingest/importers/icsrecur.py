"""Occurrences of plain recurring series with ``dateutil.rrule``, exactly as recurring-ical-events finds them.

:mod:`ingest.importers.ics` hands recurring-ical-events (3.x) the skeleton of a
series: its ``UID``, ``DTSTART`` and recurrence properties, parsed by
``icalendar``, and asks for every occurrence from 1900 up to the as-of date.
Parsing and copying components is most of the time a calendar takes. This module
reads the series most calendars hold directly and computes the same occurrences,
in the same order, with the same steps recurring-ical-events takes
(``recurring_ical_events.series.Series.between`` and its ``RecurrenceRules``):
one ``RRULE`` given to ``dateutil.rrule.rrulestr`` as icalendar writes it back,
``RDATE``s and the ``DTSTART`` in an ``rruleset``, ``EXDATE``s, moved or
cancelled occurrences (``RECURRENCE-ID``), ``X-WR-TIMEZONE`` as the
``x-wr-timezone`` package applies it.

What it reads (else :func:`expand` returns ``None`` and the library is asked):

- every event of the series has one ``UID`` (the same, without blanks around it
  or escapes), one ``DTSTART``; exactly one has no ``RECURRENCE-ID`` (the
  series), the others one each (overrides, without ``RANGE``) and no recurrence
  properties of their own;
- dates and times as ``20240104``, ``VALUE=DATE:20240104``,
  ``20240104T190000`` (floating), ``20240104T180000Z`` or
  ``TZID=Europe/Berlin:20240104T190000`` with a time zone the system knows by
  that name (the name icalendar resolves the same way);
- at most one ``RRULE``, ``FREQ`` daily, weekly, monthly or yearly, with
  ``UNTIL``, ``COUNT``, ``INTERVAL``, ``BYDAY``, ``BYMONTHDAY``, ``BYMONTH``,
  ``BYSETPOS``, ``WKST`` written plainly; no ``EXRULE``;
- two overrides never name the same occurrence, and at most one override falls
  outside the rule (recurring-ical-events returns those in the order of a set).

``tests/importers/test_recurrence.py`` holds it to the library on every recurring
fixture and on generated series.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import rrule, rruleset, rrulestr

from ingest.importers.icsparse import Prop

__all__ = ["expand", "rule_text"]

E = TypeVar("E")
Time = date  # a date or a datetime (a datetime is a date)

_UTC = ZoneInfo("UTC")  # what icalendar gives a time written with Z
_DATE = re.compile(r"\d{8}")
_DATETIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")
#: The parts of an RRULE read here, in the order icalendar writes them back (RFC 5545 section 3.3.10).
_ORDER = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST")
_DAY = r"(?:MO|TU|WE|TH|FR|SA|SU)"
_PARTS = {
    "FREQ": re.compile(r"DAILY|WEEKLY|MONTHLY|YEARLY"),
    "UNTIL": re.compile(r"\d{8}(?:T\d{6}Z?)?"),
    "COUNT": re.compile(r"[1-9]\d{0,3}"),
    "INTERVAL": re.compile(r"[1-9]\d{0,2}"),
    "BYDAY": re.compile(rf"(?:-?[1-9]\d?)?{_DAY}(?:,(?:-?[1-9]\d?)?{_DAY})*"),
    "BYMONTHDAY": re.compile(r"-?[1-9]\d?(?:,-?[1-9]\d?)*"),
    "BYMONTH": re.compile(r"(?:1[0-2]|[1-9])(?:,(?:1[0-2]|[1-9]))*"),
    "BYSETPOS": re.compile(r"-?[1-9]\d{0,2}(?:,-?[1-9]\d{0,2})*"),
    "WKST": re.compile(_DAY),
}


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(name: str) -> tzinfo | None:
    """The time zone icalendar gives a ``TZID`` (the system's, when it knows the name), else ``None``."""
    return ZoneInfo(name) if name in _zones() else None


class _Unread(Exception):
    """A value or a rule this module does not read: the library is asked."""


def _values(prop: Prop, many: bool) -> list[Time]:
    """The dates or times of a DTSTART, RECURRENCE-ID (one) or EXDATE, RDATE (a list) as icalendar reads them."""
    params = prop.params
    zone = None
    if params:
        if params == {"TZID": params.get("TZID")}:
            zone = _zone(params["TZID"])
            if zone is None:
                raise _Unread
        elif params != {"VALUE": "DATE"}:
            raise _Unread
    texts = prop.value.split(",") if many else [prop.value]
    out: list[Time] = []
    for text in texts:
        if _DATE.fullmatch(text):
            if zone is not None:  # icalendar makes a date with a TZID midnight there: left to it
                raise _Unread
            out.append(date(int(text[:4]), int(text[4:6]), int(text[6:8])))
            continue
        m = _DATETIME.fullmatch(text)
        if m is None or "VALUE" in params or (zone is not None and m[7]):
            raise _Unread
        when = datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]))  # ValueError: unread
        out.append(when.replace(tzinfo=zone) if zone is not None else when.replace(tzinfo=_UTC) if m[7] else when)
    return out


def rule_text(value: str) -> str | None:
    """An RRULE's value as icalendar writes it back (its parts in RFC order), or ``None`` if not read here.

    >>> rule_text("COUNT=6;BYDAY=TH;FREQ=WEEKLY"), rule_text("FREQ=HOURLY")
    ('FREQ=WEEKLY;COUNT=6;BYDAY=TH', None)
    """
    parts: dict[str, str] = {}
    for part in value.split(";"):
        key, sep, text = part.partition("=")
        pattern = _PARTS.get(key)
        if not sep or pattern is None or key in parts or not pattern.fullmatch(text):
            return None
        parts[key] = text
    if "FREQ" not in parts:
        return None
    return ";".join(f"{k}={parts[k]}" for k in _ORDER if k in parts)


def _to_standard(when: Time, zone: tzinfo | None) -> Time:
    """x-wr-timezone's change of a value: UTC and floating times into the calendar's time zone."""
    if zone is None or not isinstance(when, datetime):
        return when
    name = when.tzname()
    if name is None:
        return when.replace(tzinfo=zone)
    if name.upper() == "UTC":
        return when.astimezone(zone)
    return when


# -- recurring_ical_events.util, for zoneinfo time zones ---------------------------------------------------
def _is_date(when: Time) -> bool:
    return not isinstance(when, datetime)


def _to_date(when: Time) -> date:
    return date(when.year, when.month, when.day)


def _to_datetime(when: Time, zone: tzinfo | None) -> datetime:
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day)
    if when.tzinfo is None:
        return when.replace(tzinfo=zone) if zone is not None else when
    return when.replace(tzinfo=None) if zone is None else when


def _comparable(values: Sequence[Time]) -> Sequence[Time]:
    zone = None
    all_dates = True
    for when in values:
        if isinstance(when, datetime):
            all_dates = False
            if when.tzinfo is not None:
                zone = when.tzinfo
                break
    if all_dates:
        return values
    return [_to_datetime(when, zone) for when in values]


def _greater(a: Time, b: Time) -> bool:
    a, b = _comparable((a, b))
    return a > b


def _ids(when: Time) -> tuple[datetime, ...]:
    """``to_recurrence_ids``: how an occurrence is named (in UTC, and as its local time)."""
    if not isinstance(when, datetime):
        return (_to_datetime(when, None),)
    if when.tzinfo is None:
        return (when,)
    return (when.astimezone(_UTC).replace(tzinfo=None), when.replace(tzinfo=None))


def _in_span(span_start: Time, span_stop: Time, start: Time, stop: Time) -> bool:
    """``time_span_contains_event``."""
    span_start, span_stop, start, stop = _comparable((span_start, span_stop, start, stop))
    if start > stop or span_start > span_stop:
        raise _Unread  # the library raises PeriodEndBeforeStart
    if start == stop:
        if span_start == span_stop:
            return start == span_start
        return span_start <= start < span_stop
    if span_start == span_stop:
        return start <= span_start < stop
    return start < span_stop and span_start < stop


class _Part(Generic[E]):
    """One event of a series (``ComponentAdapter`` of a skeleton: no DTEND, DURATION or SEQUENCE)."""

    __slots__ = ("event", "start", "end", "ids")

    def __init__(self, event: E, start: Time, ids: tuple[datetime, ...]) -> None:
        self.event = event
        self.start = start
        self.end = start + timedelta(days=1) if _is_date(start) else start  # no DTEND: a day, or a moment
        self.ids = ids


def _rule(text: str, start: datetime, all_dates: bool, zone: tzinfo | None) -> tuple[rrule, Time | None]:
    """``RecurrenceRules.create_rule_with_start``: the rule from ``start``, and its UNTIL."""
    try:
        made = rrulestr(text, dtstart=start, cache=True)
    except ValueError:
        # "RRULE UNTIL values must be specified in UTC when DTSTART is timezone-aware": written again so
        head, sep, rest = text.partition(";UNTIL=")
        if not sep or ";UNTIL=" in rest:
            raise _Unread from None
        stop = rest.find(";")
        stop = len(rest) if stop == -1 else stop
        until = rest[:stop]
        if all_dates:
            until = until[:8]
        elif zone is None:
            until = until[:-1]
        else:
            if len(until) == 8:
                until += "T000000"
            if len(until) != 15:
                raise _Unread from None
            until += "Z"
        text = head + rest[stop:] + ";UNTIL=" + until
        made = rrulestr(text, dtstart=start, cache=True)
    head, sep, rest = text.partition(";UNTIL=")
    if not sep:
        return made, None
    stop = rest.find(";")
    until = rest[:stop] if stop != -1 else rest
    if _DATE.fullmatch(until):
        return made, date(int(until[:4]), int(until[4:6]), int(until[6:8]))
    m = _DATETIME.fullmatch(until)
    if m is None:
        raise _Unread
    found = datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]))
    return made, found.replace(tzinfo=_UTC) if m[7] else found


def expand(events: Sequence[tuple[E, Sequence[Prop]]], uid: str, xwr_zone: tzinfo | None,
           as_of: date) -> list[tuple[Time, E]] | None:
    """Every occurrence of a series from 1900 to the as-of date, as recurring-ical-events yields them.

    Parameters
    ----------
    events : sequence of (event, properties)
        The events of one UID in file order, each with its properties (UID, DTSTART, RRULE, RDATE,
        EXDATE, RECURRENCE-ID, EXRULE; others are not looked at).
    uid : str
        Their UID, as the calendar reader grouped them.
    xwr_zone : tzinfo or None
        The calendar's ``X-WR-TIMEZONE``.
    as_of : date
        The last day asked for.

    Returns
    -------
    list of (start, event) or None
        Each occurrence's start (a date, or a datetime in its time zone) and the event it comes from
        (the series or an override), in the library's order; ``None`` when the series is not one
        this module reads (then the library is asked).

    Examples
    --------
    >>> props = [Prop("UID", "UID:go"), Prop("DTSTART", "DTSTART;TZID=Europe/Berlin:20240104T190000"),
    ...          Prop("RRULE", "RRULE:FREQ=WEEKLY;COUNT=3")]
    >>> [(str(w), e) for w, e in expand([("series", props)], "go", None, date(2024, 1, 15))]
    [('2024-01-04 19:00:00+01:00', 'series'), ('2024-01-11 19:00:00+01:00', 'series')]
    >>> expand([("series", props + [Prop("EXRULE", "EXRULE:FREQ=DAILY")])], "go", None, date(2024, 1, 15)) is None
    True
    """
    try:
        return _expand(events, uid, xwr_zone, as_of)
    except Exception:  # noqa: BLE001 - anything unexpected: the library is asked, and says what is wrong
        return None


def _expand(events: Sequence[tuple[E, Sequence[Prop]]], uid: str, xwr_zone: tzinfo | None,
            as_of: date) -> list[tuple[Time, E]] | None:
    core: _Part[E] | None = None
    rules: list[str] = []
    exdates: list[Time] = []
    rdates: list[Time] = []
    overrides: list[_Part[E]] = []
    for event, props in events:
        uids = [p for p in props if p.name == "UID"]
        starts = [p for p in props if p.name == "DTSTART"]
        moved = [p for p in props if p.name == "RECURRENCE-ID"]
        if len(uids) != 1 or uids[0].value != uid or "\\" in uid or len(starts) != 1 or len(moved) > 1 or \
                any(p.name == "EXRULE" for p in props):
            return None
        start = _to_standard(_values(starts[0], False)[0], xwr_zone)
        if moved:
            if any(p.name in ("RRULE", "RDATE", "EXDATE") for p in props):
                return None
            rid = _to_standard(_values(moved[0], False)[0], xwr_zone)
            overrides.append(_Part(event, start, _ids(rid)))
            continue
        if core is not None:
            return None
        core = _Part(event, start, ())
        for p in props:
            if p.name == "RRULE":
                text = rule_text(p.value) if not p.params else None
                if text is None:
                    return None
                rules.append(text)
            elif p.name == "EXDATE":
                exdates += [_to_standard(v, xwr_zone) for v in _values(p, True)]
            elif p.name == "RDATE":
                rdates += [_to_standard(v, xwr_zone) for v in _values(p, True)]
    if core is None or len(rules) > 1:
        return None
    # Series.__init__: overrides by the ids of the occurrence they replace (two on one: the library's choice)
    by_id: dict[datetime, _Part[E]] = {}
    for part in overrides:
        if any(i in by_id for i in part.ids):
            return None
        for i in part.ids:
            by_id[i] = part
    # RecurrenceRules.__init__
    check_ids: set[Time] = set()
    check_dates: set[date] = set()
    for ex in exdates:
        check_ids.update(_ids(ex))
        if _is_date(ex):
            check_dates.add(ex)
    every = [core.start, core.end, *exdates, *rdates]
    all_dates = not any(isinstance(v, datetime) for v in every)
    # make_all_dates_comparable: the time zone of the first aware value (DTSTART's, when it has one)
    zone = core.start.tzinfo if isinstance(core.start, datetime) else None
    if zone is None and any(isinstance(v, datetime) and v.tzinfo is not None for v in every):
        return None  # the first of a set of EXDATEs and RDATEs: not read here
    start = _to_datetime(core.start, zone)
    duration = core.end - core.start
    rule_set = rruleset(cache=True)
    made: list[tuple[rrule | rruleset, Time | None]] = [(rule_set, None)]
    last_until: Time | None = None
    for text in rules:
        rule, until = _rule(text, start, all_dates, zone)
        made.append((rule, until))
        if until and (not last_until or _greater(until, last_until)):
            last_until = until
    check_ids.update(_to_datetime(ex, zone) for ex in exdates)
    for rdate in {_to_datetime(r, zone) for r in rdates}:
        rule_set.rdate(rdate)
    if not last_until or not _greater(start, last_until):
        rule_set.rdate(start)
    # Series.between(date(1900, 1, 1), as_of + 1 day)
    span_start, span_stop = date(1900, 1, 1), as_of + timedelta(days=1)
    after = _to_datetime(span_start - duration, zone)  # the span grown by the series' length
    before = _to_datetime(span_stop, zone)
    original_dates = _is_date(core.start) and _is_date(core.end)
    out: list[tuple[Time, E]] = []
    returned: set[Time] = set()
    returned_overrides: set[int] = set()
    for rule, until in made:
        for when in rule.between(after, before, inc=True):
            if until is not None and _greater(when, until):
                continue
            ids = _ids(when)
            if when in returned or _to_date(when) in check_dates or check_ids.intersection(ids):
                continue
            part = core
            for i in ids:  # get_any: the last id found wins
                part = by_id.get(i, part)
            if part is core:
                returned.add(when)
                first, last = when, when + duration
                if original_dates:
                    first, last = _to_date(first), _to_date(last)
            else:
                if id(part) in returned_overrides:
                    continue
                returned_overrides.add(id(part))
                first, last = part.start, part.end
            if _in_span(span_start, span_stop, first, last):
                out.append((first, part.event))
    left = [p for p in overrides if id(p) not in returned_overrides and not check_ids.intersection(p.ids) and
            by_id.get(p.ids[0]) is p and _in_span(span_start, span_stop, p.start, p.end)]
    if len(left) > 1:
        return None  # the library returns them in the order of a set of objects
    out += [(p.start, p.event) for p in left]
    return out
