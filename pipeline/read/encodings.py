"""Decode the bytes of a Vietnamese text file, whatever encoding it was saved in.

Old provincial documents still circulate as 8-bit text typed with the TCVN3 (ABC,
``.VnTime``) or VNI fonts, or saved as Windows-1258; newer ones as UTF-8 or UTF-16. The
8-bit sets cannot be told apart by their bytes alone, so :func:`decode_text` decodes with
each candidate and keeps the one whose words read as Vietnamese syllables
(:func:`vietnamese_score`). TCVN3/VNI text that was already re-saved as UTF-8 (the
``B¶o Th¾ng`` kind of mojibake) is caught the same way by :func:`repair_legacy`.

The letter tables are data: ``gazetteer/legacy_encodings.tsv``.
"""
from __future__ import annotations

import codecs
import functools
import re
import unicodedata

from gazetteer import load_tsv
from pipeline.core.vntext import TONE_MARKS, strip_tones


class UndecodableText(ValueError):
    """The bytes are not Vietnamese text in any encoding we know."""


# --- tables ----------------------------------------------------------------------------


@functools.cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(TCVN3 char → letter, VNI sequence → letter). Legacy bytes are held as the
    Latin-1 characters of the same value, which is what an 8-bit decode yields."""
    tcvn3: dict[str, str] = {}
    vni: dict[str, str] = {}
    for row in load_tsv("legacy_encodings.tsv", required=("codepoint", "tcvn3", "vni")):
        letter = chr(int(row["codepoint"], 16))
        if row["tcvn3"]:
            tcvn3[chr(int(row["tcvn3"], 16))] = letter
        if row["vni"]:
            seq = "".join(chr(int(b, 16)) for b in row["vni"].split())
            vni[seq] = letter
            # Marks are typed in the case of their base; accept the other case too.
            if len(seq) == 2 and seq[0].isascii():
                other = seq[1].lower() if seq[1].isupper() else seq[1].upper()
                vni.setdefault(seq[0] + other, letter)
    return tcvn3, vni


@functools.cache
def _vni_pattern() -> re.Pattern:
    _, vni = _tables()
    return re.compile("|".join(re.escape(s) for s in sorted(vni, key=len, reverse=True)))


def _encoder_tables() -> tuple[dict[str, str], dict[str, str]]:
    tcvn3, vni = _tables()
    enc_vni: dict[str, str] = {}
    for seq, letter in vni.items():
        # keep the canonical spelling (mark in the case of its base)
        if letter not in enc_vni or (seq[-1].isupper() == letter.isupper()):
            enc_vni[letter] = seq
    return {v: k for k, v in tcvn3.items()}, enc_vni


# --- legacy converters (str → str) ---------------------------------------------------------

_WORD = re.compile(r"\S+")


def tcvn3_to_unicode(text: str) -> str:
    """TCVN3 glyph characters → Unicode letters. TCVN3 encodes lowercase toned letters only
    (capitals come from the ``.VnTimeH`` font), so a word whose ASCII letters are all
    capitals is put in capitals (``QUYÕT`` → ``QUYẾT``)."""
    tcvn3, _ = _tables()
    out = unicodedata.normalize("NFC", "".join(tcvn3.get(c, c) for c in text))

    def caps(m: re.Match) -> str:
        word = m.group(0)
        ascii_letters = [i for i, c in enumerate(word) if c.isascii() and c.isalpha()]
        if not ascii_letters or word.isupper() or not all(word[i].isupper() for i in ascii_letters):
            return word
        # "QUYÕT", "ñY" are capitals; "Sè" (Số) is a capitalised word
        if len(ascii_letters) >= 2 or ascii_letters[0] > 0:
            return word.upper()
        return word

    return _WORD.sub(caps, out)


def vni_to_unicode(text: str) -> str:
    """VNI-Windows sequences (base letter + mark byte) → Unicode letters."""
    _, vni = _tables()
    return unicodedata.normalize("NFC", _vni_pattern().sub(lambda m: vni[m.group(0)], text))


def unicode_to_tcvn3(text: str) -> str:
    """Inverse of :func:`tcvn3_to_unicode` (tests, fixtures). A capital with a tone, which
    TCVN3 lacks, is written with its lowercase code, as ``.VnTimeH`` text is stored."""
    enc, _ = _encoder_tables()
    return "".join(enc.get(c) or enc.get(c.lower(), c) for c in unicodedata.normalize("NFC", text))


_CP1258_PRECOMPOSED = set("ĂăÂâÊêÔôƠơƯưĐđ")


def unicode_to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters precomposed where the code page has them, tones as
    combining marks (tests, fixtures)."""
    out = []
    for c in unicodedata.normalize("NFC", text):
        try:
            out.append(c.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        marks = "".join(p for p in unicodedata.normalize("NFD", c) if p in TONE_MARKS)
        base = strip_tones(c)
        out.append((base + marks).encode("cp1258"))
    return b"".join(out)


def unicode_to_vni(text: str) -> str:
    _, enc = _encoder_tables()
    return "".join(enc.get(c, c) for c in unicodedata.normalize("NFC", text))


# --- scoring -------------------------------------------------------------------------------

# A Vietnamese syllable, tones stripped: initial consonant, vowel nucleus (with its glide),
# final consonant. Nuclei are listed so that ``aưo`` or ``aeu`` (mis-decoded text) fail.
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui "
    "uô uơ uy ưa ưi ưu ươ yê iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu"
).split()
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"(?:" + "|".join(sorted(_NUCLEI, key=len, reverse=True)) + r")"
    r"(?:ng|nh|ch|[cmnpt])?$"
)
_LETTERS = re.compile(r"[^\W\d_]+")
# Non-ASCII characters an ordinary Vietnamese text may hold besides its letters.
# (TCVN3's glyph bytes ¸ µ ¶ · § … are deliberately not among them.)
_HARMLESS = set("–—‘’“”…•°€₫«»©®™²³\u00a0\u00ad")


def _is_syllable(word: str) -> bool:
    low = word.lower()
    if sum(c in TONE_MARKS for c in unicodedata.normalize("NFD", low)) > 1:
        return False
    return bool(_SYLLABLE.match(strip_tones(low)))


def vietnamese_score(text: str) -> int:
    """How much ``text`` reads as Vietnamese: + one per word with a non-ASCII letter that is
    a well-formed syllable, − one per such word that is not, and − one per stray symbol."""
    score = 0
    for word in _LETTERS.findall(text):
        if word.isascii():
            continue
        score += 1 if _is_syllable(word) else -1
    for c in text:
        if not c.isascii() and not c.isalpha() and not unicodedata.combining(c) and c not in _HARMLESS:
            score -= 1
    return score


def _is_latin1ish(text: str) -> bool:
    """Only ASCII, Latin-1 and cp1252 punctuation: what TCVN3/VNI bytes look like once decoded."""
    return all(ord(c) < 0x100 or c in _CP1252_EXTRA for c in text)


def repair_legacy(text: str) -> tuple[str, str | None]:
    """Convert TCVN3 or VNI text that arrived as Latin-1 characters; ``(text, None)`` when
    it already reads best as it is. Returns (text, "tcvn3"|"vni"|None)."""
    if text.isascii() or not _is_latin1ish(text):
        return text, None
    best, best_name, best_score = text, None, vietnamese_score(text)
    for name, convert in (("tcvn3", tcvn3_to_unicode), ("vni", vni_to_unicode)):
        candidate = convert(text)
        score = vietnamese_score(candidate)
        if score > best_score:
            best, best_name, best_score = candidate, name, score
    return best, best_name


# --- bytes → str ---------------------------------------------------------------------------

# cp1252 where it defines a byte, Latin-1 elsewhere: a total 8-bit decode.
_CP1252_TABLE = "".join(
    bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)
)
_CP1252_EXTRA = set(_CP1252_TABLE[0x80:0xA0])
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def _eight_bit(data: bytes) -> str:
    return data.decode("latin-1").translate({i: _CP1252_TABLE[i] for i in range(0x80, 0xA0)})


def _utf16_guess(data: bytes) -> str | None:
    """Byte order of BOM-less UTF-16, from where the zero bytes of ASCII characters fall."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:8192]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd > 0.25 * pairs and even < 0.02 * pairs:
        return "utf-16-le"
    if even > 0.25 * pairs and odd < 0.02 * pairs:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    controls = len(_BINARY_CONTROL.findall(text))
    return controls > 2 and controls > 0.005 * len(text) or "\x00" in text


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes to ``(text, encoding)``.

    Raises :class:`UndecodableText` for empty, binary or unreadable content."""
    if not data.strip():
        raise UndecodableText("empty file" if not data else "only whitespace")
    text: str | None = None
    encoding = ""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                      (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text, encoding = data.decode(name), name
            except UnicodeDecodeError as exc:
                raise UndecodableText(f"invalid {name} after its byte-order mark ({exc.reason})") from None
            break
    if text is None and (guess := _utf16_guess(data)):
        try:
            text, encoding = data.decode(guess), guess
        except UnicodeDecodeError:
            text = None
    if text is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = None
    if text is not None:
        if _looks_binary(text):
            raise UndecodableText(f"binary content, not text (decoded as {encoding})")
        repaired, legacy = repair_legacy(text)
        return (repaired, f"{encoding}+{legacy}") if legacy else (text, encoding)

    # 8-bit: Windows-1258, TCVN3 or VNI; keep what reads best as Vietnamese.
    raw = _eight_bit(data)
    if _looks_binary(raw):
        raise UndecodableText("binary content, not text")
    candidates = [
        ("windows-1258", unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))),
        ("tcvn3", tcvn3_to_unicode(raw)),
        ("vni", vni_to_unicode(raw)),
    ]
    scored = [(vietnamese_score(t) - 3 * t.count("\ufffd"), i, name, t) for i, (name, t) in enumerate(candidates)]
    score, _, name, best = max(scored, key=lambda s: (s[0], -s[1]))
    if score < 0:
        raise UndecodableText("not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI text")
    return best, name
