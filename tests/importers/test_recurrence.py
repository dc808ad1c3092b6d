"""The fast recurrence (``icsrecur``) gives exactly recurring-ical-events' occurrences, or steps aside.

Every series is expanded both ways from the same scanned calendar: the fast path's
``(start, event)`` list must equal, item for item and in order, what the library yields
(start compared with its type, wall time and UTC offset: the import keys and dates an
occurrence by them). Where the fast path answers ``None`` the library is asked, which is
always right; where the library raises, the fast path must answer ``None`` so the import
reports the library's reason.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.importers.ics import _Calendar
from ingest.importers.icsparse import scan
from ingest.importers.merge import Options
from tests.importers.helpers import FIXTURES

CALENDARS = sorted((FIXTURES / "calendar").glob("*.ics"))


def _describe(when: Any) -> tuple[str, str, Any]:
    """What the import reads of a start: date or time, its wall time, its offset from UTC."""
    if isinstance(when, datetime):
        return "datetime", when.replace(tzinfo=None).isoformat(), when.utcoffset()
    return type(when).__name__, when.isoformat(), None


def _compare(text: str, as_of: date) -> tuple[int, int]:
    """Expand every series of ``text`` both ways and check they agree; (series read fast, series in all)."""
    reader = _Calendar(SimpleNamespace(options=Options(as_of=as_of)), Path("t.ics"), scan("t.ics", text))  # type: ignore[arg-type]
    groups: dict[str, list[Any]] = {}
    for event in reader.cal.events:
        groups.setdefault(reader.uid_of(event), []).append(event)
    fast = total = 0
    for uid, events in groups.items():
        if len(events) == 1 and not any(p.name in ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "EXRULE")
                                        for p in events[0].props):
            continue
        total += 1
        ours = reader.expand(events, uid)
        try:
            theirs: list[tuple[Any, Any]] | Exception = list(reader.library(events, None))
        except Exception as exc:  # noqa: BLE001 - the import turns it into a skip
            theirs = exc
        if ours is None:
            continue
        assert not isinstance(theirs, Exception), f"{uid}: the library raises {theirs!r}, the fast path answers"
        assert [(_describe(w), id(e)) for w, e in ours] == [(_describe(w), id(e)) for w, e in theirs], uid
        fast += 1
    return fast, total


def test_every_fixture_series_expands_as_the_library_expands_it() -> None:
    fast = total = 0
    for path in CALENDARS:
        for as_of in (date(2024, 1, 20), date(2024, 3, 1), date(2026, 11, 26)):
            f, t = _compare(path.read_text(encoding="utf-8"), as_of)
            fast, total = fast + f, total + t
    # the Go club (RRULE, EXDATE, RDATE, two overrides, Europe/Berlin) and Google's monthly series
    # under X-WR-TIMEZONE are both read without the library
    assert total >= 6 and fast == total


def test_the_benchmark_series_is_read_fast_and_alike() -> None:
    """Outlook's weekly series with an EXDATE and a moved occurrence, as bench/imports.py writes it."""
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x.example\r\n"
            "DTSTART;TZID=Europe/Berlin:20240310T090000\r\nRRULE:FREQ=WEEKLY;COUNT=20\r\n"
            "EXDATE;TZID=Europe/Berlin:20240310T090000\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:a@x.example\r\nRECURRENCE-ID;TZID=Europe/Berlin:20240317T090000\r\n"
            "DTSTART;TZID=Europe/Berlin:20240317T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert _compare(text, date(2025, 1, 1)) == (1, 1)


ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe", "UTC",
         "W. Europe Standard Time", "Not/AZone"]
_START = datetime(2024, 3, 28, 1, 30)  # near spring's clock change in Europe and Lord Howe


@st.composite
def _value(draw: st.DrawFn, base: datetime, form: str, zone: str, many: bool = False) -> str:
    """A DTSTART, EXDATE, RDATE or RECURRENCE-ID line's parameters and value near ``base``."""
    count = draw(st.integers(1, 3)) if many else 1
    values = []
    for _ in range(count):
        when = base + timedelta(days=draw(st.sampled_from([0, 1, 7, 14, 28, 31, 365, -1])),
                                hours=draw(st.sampled_from([0, 0, 0, 1, -3])))
        form_here = draw(st.sampled_from([form, form, "date", "utc", "floating"]))
        values.append((form_here, when))
    forms = {f for f, _ in values}
    form = values[0][0] if len(forms) == 1 else form
    texts = []
    for f, when in values:
        if f == "date":
            texts.append(when.strftime("%Y%m%d"))
        elif f == "utc":
            texts.append(when.strftime("%Y%m%dT%H%M%SZ"))
        else:
            texts.append(when.strftime("%Y%m%dT%H%M%S"))
    params = {"date": draw(st.sampled_from(["", ";VALUE=DATE"])), "tzid": f";TZID={zone}"}.get(form, "")
    return params + ":" + ",".join(texts)


@st.composite
def _series(draw: st.DrawFn) -> tuple[str, date]:
    zone = draw(st.sampled_from(ZONES))
    form = draw(st.sampled_from(["date", "utc", "floating", "tzid", "tzid"]))
    base = _START + timedelta(days=draw(st.sampled_from([0, 3, 200, -60])))
    parts = [f"FREQ={draw(st.sampled_from(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']))}"]
    if draw(st.booleans()):
        parts.append(f"COUNT={draw(st.integers(1, 30))}")
    elif draw(st.booleans()):
        until = base + timedelta(days=draw(st.sampled_from([0, 6, 21, 90, 400])))
        parts.append("UNTIL=" + until.strftime(draw(st.sampled_from(["%Y%m%d", "%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S"]))))
    for key, values in (("INTERVAL", ["1", "2", "3"]), ("BYDAY", ["TH", "MO,WE", "-1SU", "2SU", "1MO,-1FR"]),
                        ("BYMONTHDAY", ["1", "15,-1", "31"]), ("BYMONTH", ["3", "3,10", "11"]),
                        ("BYSETPOS", ["1", "-1"]), ("WKST", ["MO", "SU"])):
        if draw(st.integers(0, 3)) == 0:
            parts.append(f"{key}={draw(st.sampled_from(values))}")
    parts = draw(st.permutations(parts))
    uid = "s@x.example"
    series = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTART" + draw(_value(base, form, zone)), "RRULE:" + ";".join(parts)]
    for name in ("EXDATE", "RDATE"):
        for _ in range(draw(st.integers(0, 2))):
            series.append(name + draw(_value(base, form, zone, many=True)))
    if draw(st.integers(0, 9)) == 0:
        series.append("RRULE:FREQ=DAILY;COUNT=2")  # two rules: left to the library
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    if draw(st.booleans()):
        lines.append(f"X-WR-TIMEZONE:{draw(st.sampled_from(ZONES))}")
    lines += series + ["END:VEVENT"]
    for _ in range(draw(st.integers(0, 3))):
        moved = base + timedelta(hours=draw(st.sampled_from([1, 25, -2])))
        stamp = draw(st.sampled_from(["%Y%m%d", "%Y%m%dT%H%M%S", "%Y%m%dT%H%M%SZ"]))
        lines += ["BEGIN:VEVENT", f"UID:{uid}", "RECURRENCE-ID" + draw(_value(base, form, zone)),
                  ("DTSTART;TZID=" + zone + ":" if "Z" not in stamp and len(stamp) > 6 and form == "tzid" else
                   "DTSTART:") + moved.strftime(stamp), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    as_of = draw(st.sampled_from([date(2024, 4, 15), date(2024, 12, 31), date(2026, 1, 1)]))
    return "\r\n".join(lines) + "\r\n", as_of


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_series())
def test_generated_series_expand_as_the_library_expands_them(case: tuple[str, date]) -> None:
    text, as_of = case
    _compare(text, as_of)

