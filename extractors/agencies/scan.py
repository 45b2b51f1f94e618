"""What one scan of a text works on, and what it finds.

A :class:`Scan` holds the text (soft wraps joined), its folding (same length, so offsets
agree), the resolver of the document's place and the compiled gazetteer; every reader of a
body's name takes it instead of passing the four around. A :class:`_Mention` is one
candidate body found in it, before overlaps are settled and groups named.
"""
from __future__ import annotations

from dataclasses import dataclass

from .placing import _Place, _Resolver
from .reading import _soft_join
from .vocabulary import fold, _Gaz, gazetteer


@dataclass(frozen=True)
class Scan:
    t: str           # the text, soft wraps made blanks
    f: str           # its folding, offset for offset
    res: _Resolver   # the document's place: which unit a division word means
    g: _Gaz          # the gazetteer, compiled once

    @classmethod
    def of(cls, text: str, place: _Place) -> "Scan":
        t = _soft_join(text)
        return cls(t, fold(t), _Resolver(place), gazetteer())


@dataclass
class _Mention:
    start: int
    end: int
    prio: int
    name: str | None = None           # canonical name, when known from the mention alone
    locality: str | None = None
    group: tuple | None = None        # identity of a group whose name depends on all mentions
    form: str | None = None           # the group's wording here, for naming it
    condition: str = "always"
    assigned: bool = False
    generic: bool = False             # level-generic (dropped inside a cited title)
    shorthand: bool = False           # a group's head words alone (kept if named in full too)
    anaphor: bool = False             # "Ban Chỉ đạo" alone: the one committee the text names
    member: bool = False              # one of the bodies a shared head names in each unit listed
    plural_name: str | None = None    # the name with "các" where the text printed none, taken
                                      # when the document also prints it so
