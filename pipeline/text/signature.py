"""The signature block that closes a document's body: authority, position, signer's name.

Read once by the normaliser into :attr:`NormalisedText.signature
<pipeline.core.models.NormalisedText>`, upwards from the end of the body: the signer's
name is the lowest person-name line; the position the nearest position line above it; the
authority the nearest ``TM.``/``KT.``/``TL.``/``TUQ.``/``Q.`` line above that (``TM. Ủy ban
nhân dân / KT. Chủ tịch`` keeps ``KT. Chủ tịch``). ``Nơi nhận`` items in between are skipped
and a signature column glued to them (``- Như trên; PHÓ CHỦ TỊCH``) is read from the line's
end; a block flattened onto one line (``KT. BỘ TRƯỞNG THỨ TRƯỞNG Nguyễn Văn An``) is split;
a running paragraph ends the block. When the end of the body holds no signature (an annex
follows it), the last block above the annex is read. The parts are kept as printed; the
header extractor writes them in official case. Vocabulary: ``gazetteer/header_terms.yml``
(positions, authority and acting prefixes, signature noise).
"""
from __future__ import annotations

import functools
import re

from gazetteer import load_yaml
from pipeline.core.models import Signature
from pipeline.core.vntext import fold_chars
from pipeline.core.vntext import is_all_caps
from pipeline.text.limits import LINE_MAX

SIGNATURE_LINES = 40  # the block is read in the last lines of the body (or above an annex)

# "TL.BỘ TRƯỞNG": OCR and text tools drop the space after the dot
AUTHORITY = re.compile(r"^(T/M|K/T|T/L|TM|KT|TL|TUQ|Q)(?:[.:]\s*|\s+)(\S.*)$")


@functools.cache
def _terms() -> dict:
    return load_yaml("header_terms.yml")


def _fkey(text: str) -> str:
    return " ".join(fold_chars(text).split())


# --- positions and person names -----------------------------------------------------------


@functools.cache
def positions() -> list[tuple[str, str]]:
    """(folded, printed) positions, longest first."""
    return sorted(((_fkey(p), p) for p in _terms()["positions"]), key=lambda x: -len(x[0]))


@functools.cache
def _position_res() -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    """The positions as printed and folded, longest first, each followed by a space or the
    end (one scan instead of one comparison per position); folded → the first printed."""
    def alternation(words):
        return re.compile("(" + "|".join(map(re.escape, words)) + r")(?= |\Z)")

    printed_of: dict[str, str] = {}
    for folded, printed in positions():
        printed_of.setdefault(folded, printed)
    return (alternation(p for _, p in positions()), alternation(f for f, _ in positions()), printed_of)


def position_at(caps: str) -> tuple[str, str] | None:
    """(printed position, remainder) when ``caps`` opens with a position; exact spelling
    first (THỨ TRƯỞNG and THỦ TRƯỞNG fold alike), then without diacritics (OCR)."""
    upper = " ".join(caps.upper().split())
    printed_re, folded_re, printed_of = _position_res()
    if m := printed_re.match(upper):
        return m.group(1), upper[m.end(1):].strip()
    if m := folded_re.match(fold_chars(caps)):
        return printed_of[m.group(1)], caps[m.end(1):].strip()
    return None


def is_name_word(word: str, first: bool) -> bool:
    """``Bình``; first word only: the one-letter ``Y`` / ``H`` of Ê Đê names; ``H'Hen``."""
    if first and len(word) == 1:
        return word.isupper() and word.isalpha()
    parts = word.split("'")
    return all(p.isalpha() and p[0].isupper() and (p[1:].islower() or not p[1:]) for p in parts) \
        and len(parts) <= 2 and len(word) > 1


def is_person_name(text: str) -> bool:
    """2–6 capitalised words of letters only: ``Nguyễn Thanh Bình``, ``Y Dhăm Ênuôl``."""
    words = text.replace("’", "'").split()
    return 2 <= len(words) <= 6 and all(is_name_word(w, i == 0) for i, w in enumerate(words))


def _name_piece(text: str) -> bool:
    """A line of 1–6 capitalised name words (a whole name, or part of one wrapped)."""
    words = text.replace("’", "'").split()
    return 1 <= len(words) <= 6 and all(is_name_word(w, i == 0) for i, w in enumerate(words))


# --- one line of the block ----------------------------------------------------------------


def _trailing_caps(line: str) -> str | None:
    """The capital words that end a line: ``- Như trên; PHÓ CHỦ TỊCH`` → ``PHÓ CHỦ TỊCH``
    (text tools that drop the gap glue the signature column to ``Nơi nhận``)."""
    words = line.split()
    i = len(words)
    while i > 0 and (words[i - 1].isupper() or words[i - 1] in ("T/M", "K/T", "T/L")):
        i -= 1
    tail = words[i:]
    # start at the first word that opens an authority or a position
    for j in range(len(tail)):
        run = " ".join(tail[j:])
        if AUTHORITY.match(run) or position_at(run):
            return run
    return None


def signature_line(line: str) -> tuple[str, str] | None:
    """(``authority`` | ``position``, the run as printed) for a signature-block line; an
    acting prefix before a position (``Q. CHỦ TỊCH``) makes it the signer's position."""
    run = line if is_all_caps(line) else _trailing_caps(line)
    if not run:
        return None
    m = AUTHORITY.match(run)
    if m and m.group(1).upper() in _terms()["acting_prefixes"] and position_at(m.group(2)):
        return "position", run
    if m:
        return "authority", run
    if position_at(run):
        return "position", run
    return None


def _unflatten(pos: int, line: str) -> list[tuple[int, str]]:
    """A signature block flattened onto one line (``KT. BỘ TRƯỞNG THỨ TRƯỞNG Nguyễn Văn
    An``) → its authority, position and name lines, with their offsets."""
    words = line.split()
    k = len(words)
    while k > 0 and not is_all_caps(words[k - 1]) and is_name_word(words[k - 1], False):
        k -= 1
    caps = " ".join(words[:k])
    if k == 0 or k == len(words) or not is_all_caps(caps) or not is_person_name(" ".join(words[k:])):
        return [(pos, line)]
    name_at = line.rfind(" ".join(words[k:]))
    out = [(pos, caps)]
    for j in range(1, k):  # the position that closes the capitals ("… THỨ TRƯỞNG")
        suffix = " ".join(words[j:k])
        found = position_at(suffix)
        if found and not found[1]:
            out = [(pos, " ".join(words[:j])), (pos + line.find(suffix), suffix)]
            break
    return out + [(pos + name_at, line[name_at:])]


# --- the block ----------------------------------------------------------------------------


def _lines(body: str) -> list[tuple[int, str]]:
    """(offset, line) of every line of ``body``, a long one cut to its last ``LINE_MAX``."""
    out, pos = [], 0
    for line in body.split("\n"):
        if len(line) <= LINE_MAX:
            out.append((pos, line))
        else:
            out.append((pos + len(line) - LINE_MAX, line[-LINE_MAX:]))
        pos += len(line) + 1
    return out


def _scan(lines: list[tuple[int, str]]) -> Signature | None:
    """The block read upwards from the end of ``lines``; None without a name or a position."""
    noise = {n.lower() for n in _terms()["signature_noise"]}
    lines = [piece for pos, raw in lines for piece in _unflatten(pos, raw)]
    name = name_pos = position = authority = None
    read: list[tuple[int, int]] = []  # the authority and position lines the block was read from
    tail: list[tuple[int, str]] = []  # a name wrapped over lines ("Lê Tấn" / "Cận"), read upwards
    for pos, raw in reversed(lines):
        text = raw.strip()
        if not text or text.lower() in noise:
            continue
        if position is None and authority is None and _name_piece(text) and (
                name is None or len(f"{text} {name}".split()) <= 4 and len(text.split()) == 1):
            tail.insert(0, (pos, text))
            joined = " ".join(t for _, t in tail)
            if is_person_name(joined):
                name, name_pos = joined, tail[0][0]
            continue
        found = signature_line(text)
        if found is None and not text.startswith(("-", "+", "•", "Nơi nhận")) and not is_all_caps(text) \
                and (len(text) > 60 or text.endswith((".", ";", ":"))):
            break  # the body
        if found is None:
            continue
        kind, run = found
        if kind == "position" and position is None and authority is None:
            position = run
            read.append((pos, pos + len(raw)))
        elif kind == "authority" and authority is None:
            authority = run
            read.append((pos, pos + len(raw)))
    if name and len(tail) > 1 and position is None and authority is None:
        return None  # words stacked at the end ("Stt" / "Stt"), not a signature
    if name and len(set(name.split())) < len(name.split()):
        name = name_pos = None
    if name is None and position is None:
        return None
    if name is not None:
        read.append((name_pos, name_pos + len(name)))
    return Signature(min(s for s, _ in read), max(e for _, e in read), name, name_pos, position, authority)


def _block_before_annex(lines: list[tuple[int, str]]) -> list[tuple[int, str]] | None:
    """When an annex follows the signature (a Quy chế or Kế hoạch ban hành kèm theo), the
    lines up to the signer's name under the last authority or position line."""
    for i in range(len(lines) - 1, -1, -1):
        text = lines[i][1].strip()
        if not (is_all_caps(text) and (AUTHORITY.match(text) or position_at(text))):
            continue
        for j in range(i + 1, min(i + 8, len(lines))):
            if is_person_name(lines[j][1].strip()):
                return lines[:j + 1]
    return None


def find_signature(body: str) -> Signature | None:
    """The signature block of a document's body (see the module docstring), or None."""
    lines = _lines(body)
    found = _scan(lines[-SIGNATURE_LINES:])
    if found is None or found.name is None:
        block = _block_before_annex(lines)
        if block is not None:
            found = _scan(block[-SIGNATURE_LINES:])
    return found
