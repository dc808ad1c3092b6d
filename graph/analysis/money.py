"""Money as people read it: whole units, thousands separated, the configured currency.

Every amount relmap shows in words (the CLI's tables, the next-step sentences, the
dashboard) goes through :func:`money`; CSV files take :func:`money_cell` (a plain whole
number a spreadsheet reads as a number in any locale); JSON keeps the numbers themselves.
The currency comes from the configuration (``currency`` in :class:`~graph.analysis.config.Config`,
empty by default): a symbol is written before the amount, a code (letters only) before it with a
space.

>>> money(1_950_000), money(186_158_892.69), money(0.4), money(2_500.5, "€"), money(3_950_000, "EUR")
('1,950,000', '186,158,893', '0', '€2,501', 'EUR 3,950,000')
>>> money_cell(186_158_892.69), money_cell(0)
('186158893', '0')
"""

from __future__ import annotations

import math

__all__ = ["money", "money_cell"]


def _whole(amount: float) -> int:
    """The amount rounded to a whole unit, halves away from zero (2.5 is 3, as on an invoice)."""
    return int(math.floor(abs(amount) + 0.5)) * (-1 if amount < 0 else 1)


def money(amount: float, currency: str = "") -> str:
    """``amount`` without cents, with thousands separators, after the ``currency`` symbol or code."""
    whole = _whole(amount)
    text = f"{abs(whole):,}"
    if currency:
        text = f"{currency} {text}" if currency.isalpha() else f"{currency}{text}"
    return f"-{text}" if whole < 0 else text


def money_cell(amount: float) -> str:
    """``amount`` for a CSV cell: a whole number without separators or currency."""
    return str(_whole(amount))
