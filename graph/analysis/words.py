"""Counting in English: ``plural(4, "meeting")`` is ``"4 meetings"``, everywhere relmap writes a
count in words (the CLI, the evidence of a tie, the next steps, CSV files, the dashboard).

>>> plural(1, "meeting"), plural(4, "meeting"), plural(2, "proposal"), plural(0, "problem")
('1 meeting', '4 meetings', '2 proposals', '0 problems')
>>> plural(2, "party"), plural(3, "lunch"), plural(12_500, "person"), plural(2, "tennis")
('2 parties', '3 lunches', '12,500 people', '2 tennis')
>>> plural(2, "analysis", "analyses"), noun(1, "person"), noun(2, "person")
('2 analyses', 'person', 'people')
"""

from __future__ import annotations

__all__ = ["plural", "noun"]

#: Nouns whose plural no rule gives.
IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women", "analysis": "analyses"}

#: Words counted as they are: a sport or an activity ("34 tennis", "5 go": matches, games), and
#: nouns with no plural of their own.
UNCHANGED = frozenset({"tennis", "golf", "go", "sport", "sailing", "skiing", "hiking", "cycling", "running",
                       "climbing", "swimming", "support", "training", "coaching", "mentoring", "networking",
                       "onboarding", "people", "data", "evidence", "feedback", "information", "news", "series"})


def noun(n: int, word: str, plural_form: str | None = None) -> str:
    """``word`` as it goes with the count ``n``: singular for 1, else its plural (``plural_form``
    when given; else an irregular one, or the English rules: ``-s``, ``-es`` after s, x, z, ch
    and sh, ``-ies`` after a consonant and y). Sports and activities (:data:`UNCHANGED`) are
    counted as they are. Only the last word of a phrase changes."""
    if n == 1:
        return word
    if plural_form is not None:
        return plural_form
    head, sep, last = word.rpartition(" ")
    lower = last.lower()
    if lower in IRREGULAR:
        form = IRREGULAR[lower]
        last = form if last.islower() else form.capitalize()
    elif lower in UNCHANGED or not last[-1:].isalpha():
        pass
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    elif lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return head + sep + last


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    """The count and the noun: ``"1 meeting"``, ``"4 meetings"``, ``"12,500 people"`` (thousands
    separated by commas). See :func:`noun` for the plural forms."""
    return f"{n:,} {noun(n, word, plural_form)}"
