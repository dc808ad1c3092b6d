"""Every weight and threshold of relmap's analyses, in one place, overridable from TOML.

The defaults encode the selling model of ``docs/domain.md``: personal channels
(tennis, go, dinners, festivals, shared friends) build rapport; meetings,
demos and proposals build the business side; evidence fades with a half-life;
repetition helps with diminishing returns.

A TOML file overrides any subset, with the same names::

    half_life_days = 120
    strong_tie = 0.45

    [friendship]
    club = 0.5

    [personal_types]
    karaoke = 0.8

>>> cfg = Config()
>>> cfg.half_life_days, cfg.type_weight("tennis", "personal"), cfg.type_weight("karaoke", "personal")
(180.0, 1.0, 0.6)
>>> Config.from_mapping({"half_life_days": 90, "friendship": {"club": 0.5}}).friendship["club"]
0.5
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from graph.errors import UsageError
from graph.analysis.money import money
from graph.formula import TieFormula, type_weight, weight_table
from graph.model import BUSINESS_TYPE_WEIGHTS, DEFAULT_TYPE_WEIGHT, EVIDENCE_HALF_LIFE_DAYS, PERSONAL_TYPE_WEIGHTS

__all__ = ["Config", "load_config"]


def _d(**values: float) -> dict[str, float]:
    return dict(values)


@dataclass(frozen=True)
class Config:
    """Weights and thresholds (``docs/domain.md`` says what each one measures).

    Tie strength
    ------------
    half_life_days
        An interaction's weight halves every this many days before ``as_of``.
    friendship
        Base personal strength of a declared friendship, by kind (does not fade).
    personal_types, business_types
        Weight of one interaction of each type; ``default_personal`` and
        ``default_business`` for types not listed (custom types with a nature).
    personal_saturation, business_saturation
        Diminishing returns: a component is ``1 - exp(-evidence / saturation)``.
    business_share
        How much a purely business tie can count towards strength (rapport is personal).
    shared_friend_bonus, shared_friend_saturation
        Common friends strengthen an existing tie: ``bonus * (1 - exp(-n / saturation))``.
    strong_tie
        A tie at least this strong is "strong" (risk, bus factor, what-if).

    Accounts
    --------
    role_weights
        How much a contact's ties count towards an account, by role.
    risk_medium, risk_high
        With a bus factor of 1, a top-rep share of at least ``risk_medium`` makes the
        risk high (else medium); with a bus factor of 2 or more, a top share of at
        least ``risk_high`` makes it medium (else low). See :mod:`graph.analysis.risk`.
    value_window_days
        An account's value is its won deals closed within this many days up to ``as_of``
        plus its open deals (:func:`graph.analysis.accounts.account_values`).
    currency
        The currency amounts are shown in (a symbol such as ``"€"`` or a code such as
        ``"EUR"``; empty by default): :func:`graph.analysis.money.money`. JSON keeps numbers.
    personal_stage, institutional_stage
        Scores at or above which the personal / institutional hand counts as strong.
    deal_saturation
        Recency-weighted won value at which the deal part of the institutional score reaches 63%.
    """

    half_life_days: float = EVIDENCE_HALF_LIFE_DAYS
    friendship: Mapping[str, float] = field(default_factory=lambda: _d(
        family=0.7, friend=0.55, club=0.45, alumni=0.35, former_colleague=0.35, other=0.25))
    personal_types: Mapping[str, float] = field(default_factory=lambda: dict(PERSONAL_TYPE_WEIGHTS))
    business_types: Mapping[str, float] = field(default_factory=lambda: dict(BUSINESS_TYPE_WEIGHTS))
    default_personal: float = DEFAULT_TYPE_WEIGHT["personal"]
    default_business: float = DEFAULT_TYPE_WEIGHT["business"]
    personal_saturation: float = 3.0
    business_saturation: float = 4.0
    business_share: float = 0.8
    shared_friend_bonus: float = 0.3
    shared_friend_saturation: float = 2.0
    strong_tie: float = 0.5
    role_weights: Mapping[str, float] = field(default_factory=lambda: _d(
        decision_maker=3.0, influencer=2.0, manager=1.5, user=1.0, other=1.0, rep=0.5))
    risk_high: float = 0.8
    risk_medium: float = 0.6
    value_window_days: int = 365
    personal_stage: float = 0.5
    institutional_stage: float = 0.5
    deal_saturation: float = 250_000.0
    default_k: int = 3
    default_max_hops: int = 4
    currency: str = ""

    def type_weight(self, interaction_type: str, nature: str) -> float:
        """Weight of one interaction of a type (falls back to the nature's default)."""
        return type_weight(self._weights, interaction_type, nature)

    def money(self, amount: float) -> str:
        """``amount`` as people read it, in :attr:`currency` (:func:`graph.analysis.money.money`).

        >>> Config().money(1950000.4), Config(currency="€").money(250000)
        ('1,950,000', '€250,000')
        """
        return money(amount, self.currency)

    def weights(self) -> dict[str, float]:
        """Every type weight in the one encoding of :func:`graph.formula.weight_table`."""
        return dict(self._weights)

    @functools.cached_property
    def _weights(self) -> dict[str, float]:
        return weight_table(self.personal_types, self.business_types, self.default_personal, self.default_business)

    def formula(self) -> TieFormula:
        """The settings of tie strength (:data:`graph.formula.TIE_STRENGTH`) and of the evidence
        behind it, as the stores' reads take them."""
        return self._formula

    @functools.cached_property
    def _formula(self) -> TieFormula:
        return TieFormula(self.half_life_days, self._weights, dict(self.friendship),
                          self.friendship.get("other", 0.25), self.personal_saturation, self.business_saturation,
                          self.business_share, self.shared_friend_bonus, self.shared_friend_saturation)

    @functools.cached_property
    def strength(self) -> Callable[[float, float, str | None, int], tuple[float, float, float]]:
        """``strength(p, q, kind, shared) -> (strength, personal, business)``: tie strength
        (:data:`graph.formula.TIE_STRENGTH`) with these settings, compiled once."""
        return self._formula.compiled()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], source: str = "configuration") -> "Config":
        """Defaults overridden by ``values``; unknown names and wrong types are refused."""
        base = cls()
        known = {f.name: f for f in dataclasses.fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise UsageError(f"{source}: unknown setting '{key}' (known: {', '.join(sorted(known))})")
            current = getattr(base, key)
            if isinstance(current, str):
                if not isinstance(value, str) or len(value) > 8 or not value.strip() == value \
                        or any(c.isdigit() or not c.isprintable() for c in value):
                    raise UsageError(f"{source}: '{key}' must be a currency symbol or code, such as \"€\" or "
                                     "\"EUR\" (text of at most 8 characters, no digits or spaces around it)")
                changes[key] = value
            elif isinstance(current, Mapping):
                if not isinstance(value, Mapping):
                    raise UsageError(f"{source}: '{key}' must be a table of name = number")
                merged = dict(current)
                for name, number in value.items():
                    if not isinstance(number, (int, float)) or isinstance(number, bool) or number < 0:
                        raise UsageError(f"{source}: {key}.{name} must be a number >= 0")
                    merged[name] = float(number)
                changes[key] = merged
            else:
                if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                    raise UsageError(f"{source}: '{key}' must be a number > 0")
                changes[key] = type(current)(value)
        return dataclasses.replace(base, **changes)


def load_config(path: str | Path | None = None) -> Config:
    """The configuration: defaults, overridden by ``path`` (else ``RELMAP_CONFIG``) when given."""
    path = path or os.environ.get("RELMAP_CONFIG")
    if not path:
        return Config()
    p = Path(path)
    try:
        with p.open("rb") as fh:
            values = tomllib.load(fh)
    except FileNotFoundError:
        raise UsageError(f"configuration file '{p}' does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"configuration file '{p}' is not valid TOML: {exc}") from None
    return Config.from_mapping(values, source=str(p))
