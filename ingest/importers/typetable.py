"""What kind of interaction an event was, from the words of its summary: a table you can extend.

The first entry whose phrase appears in the summary (as whole words, case and
accents ignored) gives the type; a summary that is just a type's name
(``Go``, ``Tennis``) has that type; anything else is a ``meeting``. Personal
types come first, so "Dinner after the demo" is a dinner.

A TOML file (``relmap import --types FILE``) adds phrases before the defaults,
and natures for types outside relmap's lists::

    [types]
    padel = "sport"
    "board meeting" = "meeting"
    karaoke = "karaoke"

    [natures]
    karaoke = "personal"

>>> table = TypeTable()
>>> table.type_of("Tennis with Jonas"), table.type_of("Go"), table.type_of("Q3 review"), table.type_of(None)
('tennis', 'go', 'meeting', 'meeting')
>>> table.type_of("Dinner after the DEMO"), table.type_of("Quick call with Acme"), table.type_of("Padel!")
('dinner', 'call', 'tennis')
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from graph.errors import UsageError
from graph.model import BUSINESS_TYPES, PERSONAL_TYPES, default_nature
from ingest.importers.values import match_name

__all__ = ["TypeTable", "DEFAULT_PHRASES"]

#: (phrase, type), in order: the first phrase found in a summary wins.
DEFAULT_PHRASES: list[tuple[str, str]] = [
    ("tennis", "tennis"), ("padel", "tennis"), ("squash", "sport"), ("golf", "golf"), ("tee time", "golf"),
    ("go club", "go"), ("go game", "go"), ("game of go", "go"), ("go match", "go"), ("go tournament", "go"),
    ("go night", "go"), ("baduk", "go"), ("weiqi", "go"), ("igo", "go"),
    ("dinner", "dinner"), ("supper", "dinner"), ("lunch", "lunch"), ("brunch", "lunch"),
    ("festival", "festival"), ("concert", "festival"), ("party", "party"), ("drinks", "party"),
    ("happy hour", "party"), ("barbecue", "party"), ("bbq", "party"), ("christmas", "party"),
    ("birthday", "party"), ("chess", "game"), ("poker", "game"), ("board game", "game"),
    ("football", "sport"), ("soccer", "sport"), ("cycling", "sport"), ("running", "sport"), ("ski", "sport"), ("skiing", "sport"), ("sailing", "sport"), ("hike", "sport"), ("gym", "sport"), ("yoga", "sport"),
    ("negotiation", "negotiation"), ("contract", "contract"), ("signing", "contract"), ("proposal", "proposal"),
    ("rfp", "proposal"), ("demo", "demo"), ("demonstration", "demo"), ("workshop", "training"),
    ("training", "training"), ("onboarding", "training"), ("conference", "conference"), ("summit", "conference"),
    ("trade show", "conference"), ("visit", "visit"), ("site visit", "visit"), ("support", "support"),
    ("call", "call"), ("phone", "call"), ("catch up call", "call"),
]


class TypeTable:
    """Phrases to interaction types, plus the natures of types relmap does not know."""

    def __init__(self, phrases: list[tuple[str, str]] | None = None, natures: dict[str, str] | None = None) -> None:
        self.natures = dict(natures or {})
        self.phrases = [(f" {match_name(p)} ", t) for p, t in (phrases or []) + DEFAULT_PHRASES if match_name(p)]
        self.names = {t for _, t in self.phrases} | PERSONAL_TYPES | BUSINESS_TYPES | set(self.natures)
        self._seen: dict[str, str] = {}

    @classmethod
    def load(cls, path: Path | None) -> TypeTable:
        """The default table, extended by the TOML file at ``path`` (see the module's docstring)."""
        if path is None:
            return cls()
        try:
            with open(path, "rb") as fh:
                doc = tomllib.load(fh)
        except FileNotFoundError:
            raise UsageError(f"--types file '{path}' does not exist") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"--types file '{path}' is not valid TOML: {exc}") from None
        types, natures = doc.get("types", {}), doc.get("natures", {})
        if not isinstance(types, dict) or not isinstance(natures, dict):
            raise UsageError(f"--types file '{path}': [types] and [natures] must be tables")
        phrases: list[tuple[str, str]] = []
        for phrase, kind in types.items():
            kind = str(kind).strip().lower()
            if not kind.replace("_", "").isalnum() or not kind[:1].isalpha():
                raise UsageError(f"--types file '{path}': type '{kind}' must be a lower-case word (letters, digits, _)")
            if default_nature(kind) is None and natures.get(kind) not in ("personal", "business"):
                raise UsageError(f"--types file '{path}': type '{kind}' is not one relmap knows; give it a nature "
                                 f"under [natures] ({kind} = \"personal\" or \"business\")")
            phrases.append((str(phrase), kind))
        for kind, nature in natures.items():
            if nature not in ("personal", "business"):
                raise UsageError(f"--types file '{path}': the nature of '{kind}' must be personal or business")
        return cls(phrases, {str(k): str(v) for k, v in natures.items()})

    def type_of(self, summary: str | None) -> str:
        """The interaction type a summary describes (``meeting`` when no phrase matches)."""
        if not summary:
            return "meeting"
        found = self._seen.get(summary)
        if found is None:
            if len(self._seen) > 100_000:
                self._seen.clear()
            found = self._seen[summary] = self._type_of(summary)
        return found

    def _type_of(self, summary: str) -> str:
        words = match_name(summary)
        if words in self.names:
            return words
        padded = f" {words} "
        for phrase, kind in self.phrases:
            if phrase in padded:
                return kind
        return "meeting"

    def nature(self, kind: str) -> str | None:
        """The nature to write for a type: only for types outside relmap's own lists."""
        return None if default_nature(kind) else self.natures.get(kind, "business")
