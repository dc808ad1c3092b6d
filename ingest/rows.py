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
"""

from __future__ import annotations

import re
from datetime import date
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

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


Id = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=2_000)]
LongText = Annotated[str, Field(max_length=100_000)]
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
    email: Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
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
    type: Annotated[str, BeforeValidator(_lower), Field(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_]*$")]
    participants: Annotated[str, Field(max_length=100_000)]
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
