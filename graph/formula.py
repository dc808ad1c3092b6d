"""relmap's formulas, each defined once: recency decay, evidence mass, type weight, tie strength.

A formula is written here as a small expression tree (:class:`Expr`). Python code runs it
through :func:`compile_steps` (plain Python source, compiled once: as fast as written by
hand); a store that must compute it in its own query language renders the same tree with
:func:`render` as SQL (SQLite) or Cypher (Neo4j). Nowhere else is a formula written out,
so the three can never drift apart (``tests/graph/test_formula.py`` compares the numbers
each store computes with Python's).

The formulas (the selling model behind them is in ``docs/domain.md``):

- **decay** ``2 ** (-age_days / half_life_days)``: an interaction's weight halves every
  half-life before the as-of date (:data:`DECAY`);
- **evidence mass** of one interaction, ``decay / sqrt(participants - 1)``: a dinner for two
  says more than a conference for forty (:data:`MASS`);
- **type weight** ``weights["nature|type"]``, else ``weights["nature|*"]`` (:data:`WEIGHT`,
  :func:`weight_table`);
- **tie strength** from the type-weighted personal and business evidence ``p`` and ``q``,
  the declared friendship's kind and the number ``n`` of shared friends (:data:`TIE_STRENGTH`):

  * ``personal = 1 - (1 - base[kind]) * exp(-p / personal_saturation)``,
  * ``business = 1 - exp(-q / business_saturation)``,
  * ``shared = shared_friend_bonus * (1 - exp(-n / shared_friend_saturation))``,
  * ``strength = 1 - (1 - personal) * (1 - business_share * business) * (1 - shared)``,
    kept within ``[MIN_STRENGTH, 1]``.

>>> f = compile_steps(DECAY_STEPS, ("age", "half_life"), ())
>>> f(180.0, 180.0)
(0.5,)
>>> print(render(DECAY, "sql", {"age": "d", "half_life": ":h"}))
power(2.0, ((-d) / :h))
>>> print(render(DECAY, "cypher", {"age": "d", "half_life": "$h"}))
(2.0 ^ ((-d) / $h))
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Union

from graph.model import BUSINESS_TYPE_WEIGHTS, DEFAULT_TYPE_WEIGHT, FRIEND_KINDS, PERSONAL_TYPE_WEIGHTS

__all__ = ["Expr", "Num", "Var", "Param", "Lookup", "Weight", "exp", "sqrt", "pow2", "clamp", "render",
           "compile_steps", "DECAY", "DECAY_STEPS", "MASS", "WEIGHT", "TIE_STRENGTH", "MIN_STRENGTH",
           "FRIENDSHIP_BASE", "TieFormula", "weight_table", "weights_key", "DEFAULT_WEIGHTS", "type_weight",
           "Dialect"]

Dialect = Literal["python", "sql", "cypher"]
Operand = Union["Expr", float, int]


def _expr(x: Operand) -> "Expr":
    return x if isinstance(x, Expr) else Num(float(x))


class Expr:
    """A node of a formula. ``+ - * /`` and unary ``-`` build bigger ones."""

    def __add__(self, other: Operand) -> "Expr":
        return Bin("+", self, _expr(other))

    def __radd__(self, other: Operand) -> "Expr":
        return Bin("+", _expr(other), self)

    def __sub__(self, other: Operand) -> "Expr":
        return Bin("-", self, _expr(other))

    def __rsub__(self, other: Operand) -> "Expr":
        return Bin("-", _expr(other), self)

    def __mul__(self, other: Operand) -> "Expr":
        return Bin("*", self, _expr(other))

    def __rmul__(self, other: Operand) -> "Expr":
        return Bin("*", _expr(other), self)

    def __truediv__(self, other: Operand) -> "Expr":
        return Bin("/", self, _expr(other))

    def __rtruediv__(self, other: Operand) -> "Expr":
        return Bin("/", _expr(other), self)

    def __neg__(self) -> "Expr":
        return Neg(self)


@dataclass(frozen=True, eq=False)
class Num(Expr):
    """A constant."""

    value: float


@dataclass(frozen=True, eq=False)
class Var(Expr):
    """An input the caller binds: a column or an expression of a query, a Python argument."""

    name: str


@dataclass(frozen=True, eq=False)
class Param(Expr):
    """A setting (a field of :class:`TieFormula`): a query parameter (``:name`` in SQL,
    ``$name`` in Cypher), a value bound once in Python."""

    name: str


@dataclass(frozen=True, eq=False)
class Bin(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, eq=False)
class Neg(Expr):
    x: Expr


@dataclass(frozen=True, eq=False)
class Call(Expr):
    fn: str  # exp, sqrt, pow2, clamp
    args: tuple[Expr, ...]


@dataclass(frozen=True, eq=False)
class Lookup(Expr):
    """``table[key]`` for a mapping setting ``table`` (a :class:`TieFormula` field), ``default``
    for a key not in it, ``none`` when the key is null (no friendship)."""

    table: str
    key: Expr
    default: Expr
    none: float
    known: tuple[str, ...] = ()  # keys SQL looks up through a parameter each (cheaper than JSON)


@dataclass(frozen=True, eq=False)
class Weight(Expr):
    """The weight of one interaction of ``type`` and ``nature`` (see :func:`weight_table`)."""

    type: Expr
    nature: Expr


def exp(x: Operand) -> Expr:
    return Call("exp", (_expr(x),))


def sqrt(x: Operand) -> Expr:
    return Call("sqrt", (_expr(x),))


def pow2(x: Operand) -> Expr:
    """``2 ** x``."""
    return Call("pow2", (_expr(x),))


def clamp(x: Operand, lo: float, hi: float) -> Expr:
    """``x`` kept within ``[lo, hi]``."""
    return Call("clamp", (_expr(x), Num(lo), Num(hi)))


# -- the formulas ------------------------------------------------------------------------------

#: A tie's strength never falls below this: evidence decayed to nothing still is a (very weak) tie.
MIN_STRENGTH = 1e-9

#: Recency: ``age`` days before the as-of date, with a half-life of ``half_life`` days.
DECAY = pow2(-Var("age") / Var("half_life"))

#: One interaction's evidence mass: its decay shared among its ``size`` participants.
MASS = DECAY / sqrt(Var("size") - 1)

#: The weight of one interaction of a type and nature.
WEIGHT = Weight(Var("type"), Var("nature"))

#: The base personal strength of a declared friendship of ``kind`` (0 without one).
FRIENDSHIP_BASE = Lookup("friendship", Var("kind"), Param("friendship_other"), 0.0, FRIEND_KINDS)

#: Tie strength, in steps: each names a value the later ones (and the caller) may use. Inputs:
#: ``p`` and ``q``, the type-weighted personal and business evidence; ``kind``, the friendship's
#: kind (null: none); ``n``, the number of shared friends.
TIE_STRENGTH: tuple[tuple[str, Expr], ...] = (
    ("personal", 1.0 - (1.0 - FRIENDSHIP_BASE) * exp(-Var("p") / Param("personal_saturation"))),
    ("business", 1.0 - exp(-Var("q") / Param("business_saturation"))),
    ("shared", Param("shared_friend_bonus") * (1.0 - exp(-Var("n") / Param("shared_friend_saturation")))),
    ("raw", 1.0 - (1.0 - Var("personal")) * (1.0 - Param("business_share") * Var("business"))
            * (1.0 - Var("shared"))),
    ("strength", clamp(Var("raw"), MIN_STRENGTH, 1.0)),
)

#: :data:`DECAY` as one step (for :func:`compile_steps`).
DECAY_STEPS: tuple[tuple[str, Expr], ...] = (("decay", DECAY),)


# -- rendering -----------------------------------------------------------------------------------

_FUNCS: dict[str, dict[str, str]] = {
    "python": {"exp": "_exp({0})", "sqrt": "_sqrt({0})", "pow2": "(2.0 ** {0})",
               "clamp": "_max({1}, _min({2}, {0}))"},
    "sql": {"exp": "exp({0})", "sqrt": "sqrt({0})", "pow2": "power(2.0, {0})",
            "clamp": "max({1}, min({2}, {0}))"},
    "cypher": {"exp": "exp({0})", "sqrt": "sqrt({0})", "pow2": "(2.0 ^ {0})",
               "clamp": "CASE WHEN {0} > {2} THEN {2} WHEN {0} < {1} THEN {1} ELSE {0} END"},
}


def _num(value: float) -> str:
    return repr(float(value))


def render(expr: Expr, dialect: Dialect, bind: Mapping[str, str] | None = None) -> str:
    """The text of ``expr`` in ``dialect``, every operation in parentheses (so every dialect
    evaluates in the same order, to the same floats).

    ``bind`` gives the text of each :class:`Var` (a column, an expression, a Python name);
    a :class:`Param` is ``:name`` (SQL), ``$name`` (Cypher) or ``P_name`` (Python). A
    :class:`Weight` reads the weight table parameter ``weights`` (:func:`weight_table`); a
    :class:`Lookup` its table parameter (SQL: one ``:<table>_<key>`` parameter per known key,
    see :meth:`TieFormula.params`).

    >>> print(render(exp(-Var("p") / Param("ps")), "sql", {"p": "t.p"}))
    exp(((-t.p) / :ps))
    >>> print(render(clamp(Var("s"), 0.0, 1.0), "cypher", {"s": "s"}))
    CASE WHEN s > 1.0 THEN 1.0 WHEN s < 0.0 THEN 0.0 ELSE s END
    """
    bind = bind or {}

    def go(e: Expr) -> str:
        if isinstance(e, Num):
            return _num(e.value)
        if isinstance(e, Var):
            return bind.get(e.name, e.name)
        if isinstance(e, Param):
            return {"python": f"P_{e.name}", "sql": f":{e.name}", "cypher": f"${e.name}"}[dialect]
        if isinstance(e, Bin):
            return f"({go(e.left)} {e.op} {go(e.right)})"
        if isinstance(e, Neg):
            return f"(-{go(e.x)})"
        if isinstance(e, Call):
            return _FUNCS[dialect][e.fn].format(*(go(a) for a in e.args))
        if isinstance(e, Lookup):
            key, default = go(e.key), go(e.default)
            if dialect == "python":
                return f"({_num(e.none)} if {key} is None else P_{e.table}.get({key}, {default}))"
            if dialect == "cypher":
                return (f"CASE WHEN {key} IS NULL THEN {_num(e.none)} "
                        f"ELSE coalesce(${e.table}[{key}], {default}) END")
            whens = " ".join(f"WHEN '{k}' THEN :{e.table}_{k}" for k in e.known)
            return (f"CASE WHEN {key} IS NULL THEN {_num(e.none)} ELSE CASE {key} {whens} ELSE "
                    f"coalesce((SELECT j.value FROM json_each(:{e.table}) AS j WHERE j.key = {key}), "
                    f"{default}) END END")
        if isinstance(e, Weight):
            t, n = go(e.type), go(e.nature)
            if dialect == "python":
                return f"P_weights.get({n} + '|' + {t}, P_weights[{n} + '|*'])"
            if dialect == "cypher":
                return f"coalesce($weights[{n} + '|' + {t}], $weights[{n} + '|*'])"
            return (f"coalesce(json_extract(:weights, '$.\"' || {n} || '|' || {t} || '\"'), "
                    f"json_extract(:weights, '$.\"' || {n} || '|*\"'))")
        raise TypeError(f"not a formula node: {e!r}")

    return go(expr)


_PY_GLOBALS: dict[str, Any] = {"_exp": math.exp, "_sqrt": math.sqrt, "_max": max, "_min": min}


def compile_steps(steps: Sequence[tuple[str, Expr]], inputs: Sequence[str], params: Sequence[str],
                  returns: Sequence[str] | None = None) -> Callable[..., Any]:
    """A Python function of ``inputs`` returning the values of the ``returns`` steps (default:
    every step, in order) as a tuple, compiled once from :func:`render`'s Python text.

    Without ``params`` that function is returned; with them, a factory that takes the settings'
    values in the order of ``params`` and returns the function.

    >>> f = compile_steps((("twice", Var("x") * Param("k")),), ("x",), ("k",))(2.0)
    >>> f(3.0)
    (6.0,)
    """
    names = [n for n, _ in steps]
    out = list(returns or names)
    body = [f"        {name} = {render(expr, 'python')}" for name, expr in steps]
    result = ", ".join(out) + ("," if len(out) == 1 else "")
    source = "\n".join([
        f"def _factory({', '.join(f'P_{p}' for p in params)}):",
        f"    def _formula({', '.join(inputs)}):",
        *body,
        f"        return ({result})",
        "    return _formula",
    ])
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<relmap formula {'/'.join(names)}>", "exec"), dict(_PY_GLOBALS), namespace)
    factory = namespace["_factory"]
    return factory() if not params else factory


# -- type weights ------------------------------------------------------------------------------------

def weight_table(personal_types: Mapping[str, float], business_types: Mapping[str, float],
                 default_personal: float, default_business: float) -> dict[str, float]:
    """The one encoding of type weights: ``{"nature|type": weight}``, and each nature's default
    under ``"nature|*"``. Stores receive it as a parameter as it is.

    >>> weight_table({"tennis": 1.0}, {}, 0.6, 0.3)
    {'personal|tennis': 1.0, 'personal|*': 0.6, 'business|*': 0.3}
    """
    out = {f"personal|{t}": float(w) for t, w in personal_types.items()}
    out.update({f"business|{t}": float(w) for t, w in business_types.items()})
    out["personal|*"], out["business|*"] = float(default_personal), float(default_business)
    return out


def type_weight(weights: Mapping[str, float], interaction_type: str, nature: str) -> float:
    """:data:`WEIGHT` in Python.

    >>> type_weight(DEFAULT_WEIGHTS, "tennis", "personal"), type_weight(DEFAULT_WEIGHTS, "karaoke", "personal")
    (1.0, 0.6)
    """
    return weights.get(f"{nature}|{interaction_type}", weights[f"{nature}|*"])


def weights_key(weights: Mapping[str, float]) -> str:
    """A canonical text of a weight table: equal tables, equal keys (kept in a validity stamp).

    >>> weights_key({"business|b": 0.5, "personal|a": 1})
    '[["business|b", 0.5], ["personal|a", 1.0]]'
    """
    return json.dumps(sorted([k, float(w)] for k, w in weights.items()))


#: The weights of the configuration's defaults (what a load keeps the team's ties with when
#: given none).
DEFAULT_WEIGHTS: Mapping[str, float] = weight_table(PERSONAL_TYPE_WEIGHTS, BUSINESS_TYPE_WEIGHTS,
                                                     DEFAULT_TYPE_WEIGHT["personal"], DEFAULT_TYPE_WEIGHT["business"])


# -- the settings of a tie's strength ----------------------------------------------------------

_TIE_PARAMS = ("friendship", "friendship_other", "personal_saturation", "business_saturation",
               "shared_friend_bonus", "shared_friend_saturation", "business_share")
_tie_factory = compile_steps(TIE_STRENGTH, ("p", "q", "kind", "n"), _TIE_PARAMS,
                             returns=("strength", "personal", "business"))


class TieFormula(NamedTuple):
    """The settings of :data:`TIE_STRENGTH` and the evidence behind it, as
    :meth:`graph.analysis.config.Config.formula` makes them.

    >>> f = TieFormula(180.0, DEFAULT_WEIGHTS, {"friend": 0.55}, 0.25, 3.0, 4.0, 0.8, 0.3, 2.0)
    >>> [round(x, 3) for x in f.strength(0.0, 0.0, "friend", 0)]
    [0.55, 0.55, 0.0]
    """

    half_life_days: float
    weights: Mapping[str, float]
    friendship: Mapping[str, float]
    friendship_other: float
    personal_saturation: float
    business_saturation: float
    business_share: float
    shared_friend_bonus: float
    shared_friend_saturation: float

    def strength(self, p: float, q: float, kind: str | None, n: int) -> tuple[float, float, float]:
        """``(strength, personal, business)`` of a tie (:data:`TIE_STRENGTH`)."""
        return self.compiled()(p, q, kind, n)

    def compiled(self) -> Callable[[float, float, str | None, int], tuple[float, float, float]]:
        """:meth:`strength` as a plain function (for loops over many ties)."""
        return _tie_factory(*(getattr(self, p) for p in _TIE_PARAMS))

    def params(self, dialect: Dialect) -> dict[str, Any]:
        """The query parameters of a rendered :data:`TIE_STRENGTH` and :data:`WEIGHT`: every
        setting by name; in SQL the two tables as JSON text, and the friendship table also as
        one parameter per known kind.

        >>> sorted(TieFormula(180.0, {"personal|*": 0.6}, {}, 0.25, 3.0, 4.0, 0.8, 0.3, 2.0).params("cypher"))[:3]
        ['business_saturation', 'business_share', 'friendship']
        """
        out: dict[str, Any] = {p: getattr(self, p) for p in _TIE_PARAMS}
        out["weights"] = dict(self.weights)
        out["friendship"] = dict(self.friendship)
        if dialect == "sql":
            out["weights"], out["friendship"] = json.dumps(out["weights"]), json.dumps(out["friendship"])
            out.update({f"friendship_{k}": float(self.friendship.get(k, self.friendship_other)) for k in FRIEND_KINDS})
        return out
