"""Strict row models, one per input file, and their translation into plain messages.

Each model declares the file's columns: required ones without a default,
optional ones defaulting to ``None`` (or the contract's default). Values arrive
as stripped strings or ``None`` (an empty cell) from :mod:`ingest.csvfile`.

>>> row, problems = parse_row(DealRow, {"id": "D1", "org_id": "O1", "amount": "-5", "status": "won"})
>>> row is None, problems
(True, [('amount', "amount '-5' must not be negative")])
>>> row, _ = parse_row(OrganisationRow, {"id": "O1", "name": "Acme", "kind": "customer"})
>>> row.kind, row.annual_revenue
('customer', None)
>>> parse_row(PersonRow, {"id": "P1", "name": "Ann", "org_id": "O1", "source_ids": "hubspot:42;x"})[1]
[('source_ids', "source_ids 'hubspot:42;x' must be source ids like 'salesforce:0035g00000Abc12AAB' separated by ';' (not 'x')")]

The files with many rows (interactions, friendships, people) also have a plain fast path
(:func:`read_row`): a clean row is checked by hand, a few times faster than its model, and any
row it is not sure of goes through the model, which words the problems. Both give the same
values (a property test holds them equal).

>>> read_row(InteractionRow, {"id": "I1", "date": "2026-10-06", "type": "Golf", "participants": "P1;P2"})
(InteractionRowPlain(id='I1', date=datetime.date(2026, 10, 6), type='golf', participants='P1;P2', org_id=None, nature=None, notes=None), [])
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Mapping
from datetime import date
from sys import intern
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

__all__ = [
    "OrganisationRow",
    "PersonRow",
    "FriendshipRow",
    "InteractionRow",
    "AccountRow",
    "DealRow",
    "ROW_MODELS",
    "required_columns",
    "known_columns",
    "parse_row",
    "read_row",
]

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # ASCII digits only, as ISO 8601 writes them
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SOURCE_ID = re.compile(r"^[a-z][a-z0-9_-]*:\S+$")


class _BadValue(ValueError):
    """A cell that does not parse; the message is shown to the user as is."""


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        if not _DATE.match(value):
            raise _BadValue("is not a date (write it as YYYY-MM-DD)")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _BadValue("is not a real calendar date") from None
    return value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _number(value: Any) -> Any:
    if isinstance(value, str):
        if not _NUMBER.match(value):
            raise _BadValue("is not a number (use digits with an optional '.', no thousands separators)")
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise _BadValue("is not a finite number")
        return number
    return value


def _source_ids(value: Any) -> Any:
    """``source_ids``: ``kind:id`` entries separated by ``;`` (``salesforce:003...;linkedin:https://...``)."""
    if isinstance(value, str):
        for item in value.split(";"):
            if not _SOURCE_ID.match(item.strip()):
                raise _BadValue("must be source ids like 'salesforce:0035g00000Abc12AAB' separated by ';' "
                                f"(not {item.strip()!r})")
    return value


#: The longest cells, and the shapes of a type and an e-mail address (the models and the fast path).
_ID_MAX, _TEXT_MAX, _LONG_MAX, _TYPE_MAX, _EMAIL_MAX = 200, 2_000, 100_000, 100, 320
_TYPE_SHAPE, _EMAIL_SHAPE = r"[a-z][a-z0-9_]*", r"[^@\s]+@[^@\s]+"

Id = Annotated[str, Field(min_length=1, max_length=_ID_MAX)]
Text = Annotated[str, Field(max_length=_TEXT_MAX)]
LongText = Annotated[str, Field(max_length=_LONG_MAX)]
SourceIds = Annotated[str, BeforeValidator(_source_ids), Field(max_length=20_000)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Amount = Annotated[float, BeforeValidator(_number), Field(ge=0)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class OrganisationRow(_Row):
    id: Id
    name: Text
    kind: Literal["own", "customer", "prospect", "partner", "other"]
    industry: Text | None = None
    annual_revenue: Amount | None = None
    #: Where the row came from (written by ``relmap import``, which matches on it); not stored.
    source_ids: SourceIds | None = None


class PersonRow(_Row):
    id: Id
    name: Text
    org_id: Id
    title: Text | None = None
    role: Literal["rep", "manager", "decision_maker", "influencer", "user", "other"] = "other"
    email: Annotated[str, Field(max_length=_EMAIL_MAX, pattern=f"^{_EMAIL_SHAPE}$")] | None = None
    #: The person's ids in other systems (written by ``relmap import``, which matches on it); not stored.
    source_ids: SourceIds | None = None


class FriendshipRow(_Row):
    person_a: Id
    person_b: Id
    kind: Literal["friend", "family", "alumni", "club", "former_colleague", "other"] = "friend"
    since: IsoDate | None = None


class InteractionRow(_Row):
    id: Id
    date: IsoDate
    type: Annotated[str, BeforeValidator(_lower), Field(min_length=1, max_length=_TYPE_MAX, pattern=f"^{_TYPE_SHAPE}$")]
    participants: Annotated[str, Field(max_length=_LONG_MAX)]
    org_id: Id | None = None
    nature: Literal["personal", "business"] | None = None
    notes: LongText | None = None


class AccountRow(_Row):
    org_id: Id
    rep_id: Id
    role: Literal["owner", "support"] = "owner"
    since: IsoDate | None = None


class DealRow(_Row):
    id: Id
    org_id: Id
    amount: Amount
    status: Literal["won", "lost", "open"]
    rep_id: Id | None = None
    closed_on: IsoDate | None = None
    product: Text | None = None


#: The model of each input file, by file name.
ROW_MODELS: dict[str, type[_Row]] = {
    "organisations.csv": OrganisationRow,
    "people.csv": PersonRow,
    "friendships.csv": FriendshipRow,
    "interactions.csv": InteractionRow,
    "accounts.csv": AccountRow,
    "deals.csv": DealRow,
}


def required_columns(model: type[BaseModel]) -> list[str]:
    """Columns a file of this model must have, in declaration order."""
    return [n for n, f in model.model_fields.items() if f.is_required()]


def known_columns(model: type[BaseModel]) -> list[str]:
    """Every column the model reads."""
    return list(model.model_fields)


M = TypeVar("M", bound=BaseModel)


def _message(err: Any, values: Mapping[str, str | None]) -> tuple[str, str]:
    column = str(err["loc"][0]) if err["loc"] else ""
    value = values.get(column)
    shown = repr(value) if value is not None else ""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        text = f"{column} is required but the cell is empty"
    elif kind == "value_error" and isinstance(ctx.get("error"), _BadValue):
        text = f"{column} {shown} {ctx['error']}"
    elif kind == "literal_error":
        text = f"{column} {shown} is not one of: {ctx.get('expected', '').replace(' or ', ', ')}"
    elif kind == "greater_than_equal":
        text = f"{column} {shown} must not be negative"
    elif kind == "string_too_long":
        text = f"{column} is too long ({len(value or '')} characters; at most {ctx.get('max_length')})"
    elif kind == "string_pattern_mismatch" and column == "email":
        text = f"email {shown} is not an e-mail address"
    elif kind == "string_pattern_mismatch" and column == "type":
        text = f"type {shown} must be a lower-case word (letters, digits, '_')"
    else:
        text = f"{column} {shown} {err['msg'][0].lower()}{err['msg'][1:]}"
    return column, " ".join(text.split())


def parse_row(model: type[M], values: Mapping[str, str | None]) -> tuple[M | None, list[tuple[str, str]]]:
    """Validate one row's cells; return ``(row, [])`` or ``(None, [(column, message), ...])``.

    Empty cells are treated as absent, so an empty optional cell takes its
    default and an empty required cell is reported as such.
    """
    data = values if None not in values.values() else {k: v for k, v in values.items() if v is not None}
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_message(e, values) for e in exc.errors(include_url=False)]


# -- the plain fast path ----------------------------------------------------------------------------
_TYPE = re.compile(_TYPE_SHAPE)
_EMAIL = re.compile(_EMAIL_SHAPE)
_PLAIN: dict[type[BaseModel], Any] = {model: namedtuple(model.__name__ + "Plain", list(model.model_fields))
                                      for model in (InteractionRow, FriendshipRow, PersonRow)}


#: Each date the fast path has read, by its text: a million rows fall on a few thousand days,
#: held once each (the calendar bounds it).
_DAYS: dict[str, date] = {}


def _day(value: str) -> date | None:
    """An ISO date, or ``None`` when not sure."""
    day = _DAYS.get(value)
    if day is None and len(value) == 10 and _DATE.match(value):
        try:
            day = _DAYS.setdefault(value, date.fromisoformat(value))
        except ValueError:
            return None
    return day


def _shared(value: str | None) -> str | None:
    """One string object for every row with this value (a million rows name a few thousand
    organisations and types: as the models give them, so the dataset holds each once)."""
    return None if value is None else intern(value)


def _short(value: str | None, most: int) -> bool:
    return value is None or len(value) <= most


def _interaction(c: Mapping[str, str]) -> Any:
    i, day, kind, parts = c.get("id"), c.get("date"), c.get("type"), c.get("participants")
    if i is None or day is None or kind is None or parts is None or len(i) > _ID_MAX or len(kind) > _TYPE_MAX:
        return None
    when, kind = _day(day), kind.lower()
    nature, org, notes = c.get("nature"), c.get("org_id"), c.get("notes")
    if (when is None or not _TYPE.fullmatch(kind) or len(parts) > _LONG_MAX or not _short(org, _ID_MAX)
            or (nature is not None and nature not in _NATURES) or not _short(notes, _LONG_MAX)):
        return None
    return _PLAIN[InteractionRow](i, when, intern(kind), parts, _shared(org), _shared(nature), notes)


def _friendship(c: Mapping[str, str]) -> Any:
    a, b, kind, since = c.get("person_a"), c.get("person_b"), c.get("kind", "friend"), c.get("since")
    if a is None or b is None or len(a) > _ID_MAX or len(b) > _ID_MAX or kind not in _FRIENDSHIP_KINDS:
        return None
    day = None if since is None else _day(since)
    if since is not None and day is None:
        return None
    return _PLAIN[FriendshipRow](a, b, intern(kind), day)


def _person(c: Mapping[str, str]) -> Any:
    i, name, org, role = c.get("id"), c.get("name"), c.get("org_id"), c.get("role", "other")
    title, email = c.get("title"), c.get("email")
    if (i is None or name is None or org is None or "source_ids" in c or len(i) > _ID_MAX or len(name) > _TEXT_MAX
            or len(org) > _ID_MAX or not _short(title, _TEXT_MAX) or role not in _ROLES
            or (email is not None and (len(email) > _EMAIL_MAX or not _EMAIL.fullmatch(email)))):
        return None
    return _PLAIN[PersonRow](i, name, intern(org), title, intern(role), email, None)


def _choices(model: type[BaseModel], column: str) -> frozenset[str]:
    """The values a ``Literal`` column of ``model`` allows (inside ``| None`` too)."""
    annotation = model.model_fields[column].annotation
    options = get_args(annotation)
    if get_origin(annotation) is not Literal:
        options = next(get_args(a) for a in options if get_origin(a) is Literal)
    return frozenset(options)


_FRIENDSHIP_KINDS = _choices(FriendshipRow, "kind")
_ROLES = _choices(PersonRow, "role")
_NATURES = _choices(InteractionRow, "nature")
_FAST: dict[type[BaseModel], Callable[[Mapping[str, str]], Any]] = {
    InteractionRow: _interaction, FriendshipRow: _friendship, PersonRow: _person}
_KNOWN = {model: frozenset(model.model_fields) for model in _FAST}


def read_row(model: type[BaseModel], values: Mapping[str, str]) -> tuple[Any, list[tuple[str, str]]]:
    """As :func:`parse_row`, through the plain fast path first where a file has one: the row
    (a named tuple of the model's fields, or the model) and its problems."""
    fast = _FAST.get(model)
    if fast is not None and values.keys() <= _KNOWN[model]:
        row = fast(values)
        if row is not None:
            return row, []
    return parse_row(model, values)
