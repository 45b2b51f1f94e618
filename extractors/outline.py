"""The outline of a document body: its numbered and bulleted items as a tree.

Vietnamese administrative documents nest their items in a conventional order (Nghị định
30/2020/NĐ-CP): articles ``Điều 1.``, Roman sections ``I.``, numbers ``1.`` / ``1.1.``,
letters ``a)`` … ``đ)``, dash bullets ``-`` and plus bullets ``+``. A marker opens an item;
a line without a marker continues the item above it (a paragraph of its body). The tree
gives every item its contract ``ref`` (``IV.2.-1.+2``): dash and plus bullets count among
their own kind under one parent (``-1``, ``+2``); a ``1.1.`` under ``1.`` adds only its
last number; items of an article that holds Roman sections leave out ``Điều 1``.

The rank order decides nesting when a kind appears for the first time below another (a
``1.`` after a dash closes the dash), and a kind already open closes back to its level, so
numbering that restarts inside an article nests under that article.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from gazetteer import load_yaml
from pipeline.text.markers import read_marker  # noqa: F401  (the one list-marker grammar; re-exported)
from pipeline.text.normalize import ends_dangling

# Ranks: lower is higher in the outline. Numbers rank by their depth ("1." < "1.1.").
_RANK = {"article": 0, "roman": 1, "number": 2, "letter": 6, "dash": 7, "plus": 8}

# Where the normaliser glued list items onto one line ("… yêu cầu: l. Sở A: a/ Chủ trì …
# 2016. b/ Chỉ đạo …"): a marker after ":" / "." (letters also after ";") and before a
# capital opens an item of its own.
_GLUED = re.compile(r"(?<=[:.;])\s+(?=(?:\d{1,2}\s?[.)]|l\s?[.)]|[a-hđ]\s?[)/])\s+[A-ZĐÀ-Ỹ])")

# Markdown and layout residue before a marker: "## II.", "**1.**", "> -", "\- ".
_PREFIX_JUNK = re.compile(r"(?:\s|#{1,6}\s|>\s?|\*\*|__|\\(?=[-+.*#]))*")
_EMPHASIS = re.compile(r"(\*\*|__)|(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_SPACES = re.compile(r"\s+")
_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S*\s*$", re.I)
_TERMINAL = re.compile(r"[.;:!?]\s*[\"”»)]*\s*$")
_SENTENCE_START = re.compile(r"[.!?]\s+(?=\w)")


@dataclass
class Node:
    """One item of the outline.

    ``heading`` is the item's first line without its marker; ``body`` the paragraphs that
    follow it before the next marker; offsets are in the normalised text (``ctx.text``).
    """

    kind: str  # article | roman | number | letter | dash | plus
    marker: str  # as read: "Điều 2", "IV", "1.1", "a", "-", "+"
    heading: str = ""
    body: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    ref: str = ""
    start: int = 0  # start of the marker
    end: int = 0  # end of the item's last line, children included
    heading_span: tuple[int, int] = (0, 0)
    body_spans: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "(Phụ lục … kèm theo)" lines
    # A paragraph ending in ":" that no item holds and that introduces this top-level item
    # ("Bộ Tài chính đề nghị Ủy ban nhân dân các tỉnh thực hiện một số nội dung sau:").
    lead_in: tuple[int, int] | None = None
    # Ref prefix of a top-level item in an appendix ("PL", "PLII"); "" elsewhere.
    part: str = ""
    parent: Node | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        """Heading and body joined with single spaces (the source's line breaks joined)."""
        return " ".join(p for p in [self.heading, *self.body] if p)

    @property
    def spans(self) -> list[tuple[int, int]]:
        return [s for s in [self.heading_span, *self.body_spans] if s[1] > s[0]]

    @property
    def depth_key(self) -> tuple[str, int]:
        return (self.kind, self.marker.count(".") + 1 if self.kind == "number" else 0)

    @property
    def rank(self) -> int:
        if self.kind == "number":
            return _RANK["number"] + self.marker.count(".")
        return _RANK[self.kind]

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self):
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


# --- data ------------------------------------------------------------------------------


def _compile(patterns) -> list[re.Pattern]:
    return [re.compile(p.replace(" ", r"\s+"), re.I) for p in patterns or ()]


_HEADINGS = load_yaml("section_headings.yml")
_DUTY = _compile(_HEADINGS["duty"])
_ORGANISATION = _compile(_HEADINGS["organisation"])
_NOT_DUTY = _compile(_HEADINGS["not_duty"])
_DUTY_SUB = _compile(_HEADINGS["duty_subsection"])
_CLOSING = _compile(_HEADINGS["closing"])
_CLOSING_SENTENCES = _compile(_HEADINGS["closing_sentences"])
_STOP = _compile(_HEADINGS["stop"])
_RECIPIENTS = re.compile(_HEADINGS["recipients"], re.I)
_ATTACHMENT = _compile(_HEADINGS["attachment_titles"])
_CHAPTER = re.compile(_HEADINGS["chapter"], re.I)
_APPENDIX = _compile(_HEADINGS["appendix_titles"])
_HEADING_MAX_WORDS = int(_HEADINGS["heading_max_words"])
_HEADING_MAX_CAPS = int(_HEADINGS["heading_max_words_caps"])
_KEYWORD_WITHIN = int(_HEADINGS["keyword_within_words"])


# A title is a few words: only its first characters are read to judge one (a megabyte-long
# line is no title, and cleaning it whole for each question would cost its length each time).
_HEAD_CHARS = 2000


def _head(heading: str) -> str:
    return heading[:_HEAD_CHARS]


def looks_like_heading(heading: str) -> bool:
    """A section title rather than a sentence: "II. NHIỆM VỤ TRỌNG TÂM", "2. Nội dung thực
    hiện" — not "4. Giao Sở X theo dõi … thực hiện nội dung Công văn này." (a request whose
    words happen to hold a keyword). Titles are short, or written in capitals."""
    h = clean(_head(heading)).rstrip(" .:")
    words = h.split()
    if not words or ";" in h:
        return False
    letters = [c for c in h if c.isalpha()]
    caps = bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    return len(words) <= (_HEADING_MAX_CAPS if caps else _HEADING_MAX_WORDS)


def heading_kind(heading: str) -> str | None:
    """``"organisation"`` (TỔ CHỨC THỰC HIỆN), ``"duty"`` (NHIỆM VỤ …) or None."""
    return _heading_kind(_head(heading))


@functools.lru_cache(maxsize=4096)  # headings repeat (one per item); the answer is the string's
def _heading_kind(heading: str) -> str | None:
    if not looks_like_heading(heading):
        # a long title that opens with "Trách nhiệm của …" is still one
        h = clean(heading).lower().rstrip(" .:")
        if ";" not in h and len(h.split()) <= _HEADING_MAX_CAPS and any(
                p.pattern.startswith("^") and p.search(h) for p in _ORGANISATION):
            return "organisation"
        return None
    h = clean(heading).lower().rstrip(" .:")
    # In a title written in capitals the keyword may stand anywhere; in running case it
    # opens the title ("Thời gian, lộ trình thực hiện"), not the middle of a sentence
    # ("Sở Tài chính rà soát nhiệm vụ chi, thực hiện như sau:").
    caps = _is_caps(heading)
    near = h if caps else " ".join(h.split()[:_KEYWORD_WITHIN + 3])

    def opens(p: re.Pattern) -> bool:
        m = p.search(near)
        return bool(m) and (caps or len(h[:m.start()].split()) < _KEYWORD_WITHIN)

    if any(opens(p) for p in _ORGANISATION):
        return "organisation"
    if any(p.search(h) for p in _NOT_DUTY):
        return None
    if any(opens(p) for p in _DUTY):
        return "duty"
    return None


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def is_not_duty(heading: str) -> bool:
    """A heading that never holds duties ("Phạm vi điều chỉnh", "Đối tượng áp dụng")."""
    return _is_not_duty(_head(heading))


@functools.lru_cache(maxsize=4096)
def _is_not_duty(heading: str) -> bool:
    h = clean(heading).lower().rstrip(" .:")
    return any(p.search(h) for p in _NOT_DUTY)


def is_duty_subsection(heading: str) -> bool:
    """A numbered subsection of a non-duty section that is one ("2. Nhiệm vụ")."""
    h = clean(_head(heading)).lower()
    return any(p.search(h) for p in _DUTY_SUB)


# --- text helpers ----------------------------------------------------------------------


def clean(text: str) -> str:
    """Markdown emphasis removed and whitespace collapsed: ``(*khi có yêu cầu*)`` →
    ``(khi có yêu cầu)``."""
    if "*" in text or "__" in text:  # most text has no markup to remove
        text = _EMPHASIS.sub(lambda m: m.group(2) or "", text)
    return _SPACES.sub(" ", text).strip()


# OCR loses or swaps diacritics ("chu trì", "phôi hợp vói", "truớc ngày"): every vowel may
# stand for any of its tone and hat variants, and d for đ.
_VOWEL_VARIANTS = (
    "aàáảãạăằắẳẵặâầấẩẫậ", "eèéẻẽẹêềếểễệ", "iìíỉĩị", "oòóỏõọôồốổỗộơờớởỡợ", "uùúủũụưừứửữự",
    "yỳýỷỹỵ", "dđ",
)
_VARIANT_CLASS = {c: "[" + group + "]" for group in _VOWEL_VARIANTS for c in group}


def tolerant_letters(pattern: str) -> str:
    """A regex (without character classes) whose letters match their diacritic variants."""
    return "".join(_VARIANT_CLASS.get(c, c) for c in pattern)


def appendix_part(line: str) -> str | None:
    """``"PL"`` / ``"PLII"`` for an appendix title line ("PHỤ LỤC II", "Phụ lục 01"), else None."""
    if "phụ lục" not in line[:80].lower():  # a quick no for the lines that are not one
        return None
    low = clean(line).lower().rstrip(" .:")
    if not low.startswith("phụ lục") or not looks_like_heading(line):
        return None
    letters = [c for c in line if c.isalpha()]
    caps = sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    for p in _APPENDIX:
        if m := p.fullmatch(low):
            n = (m.groupdict().get("n") or "")
            rest = low[m.end("n") if n else len("phụ lục"):].strip()
            if not caps and rest and rest[0] not in ".:-–":  # "Phụ lục kèm theo": a note
                return None
            return "PL" + n.upper().lstrip("0")
    return None


def _attachment_title(line: str) -> bool:
    low = clean(line).lower().rstrip(" .:")
    return any(p.fullmatch(low) for p in _ATTACHMENT)


def _lines(text: str, cut=()):
    """(start, end) of each non-empty line, its leading markup skipped; parts of a line
    inside a ``cut`` range (a table read on its own) are left out."""
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        for a, b in cut:
            if a < end and start < b:
                if a > start:
                    end = a  # the table starts inside the line (rows glued onto it)
                else:
                    start = min(end, b)
        junk = _PREFIX_JUNK.match(text, start, end)
        s = junk.end() if junk else start
        e = end
        while e > s and text[e - 1] in " \t\r":
            e -= 1
        if e > s:
            yield from _split_glued(text, s, e)


def _split_glued(text: str, s: int, e: int):
    """(start, end) of the items glued onto one line, or the line itself."""
    cuts = []
    for m in _GLUED.finditer(text, s, e):
        kind = (read_marker(text[m.end():e]) or ("",))[0]
        before = text[m.start() - 1]
        if kind == "number" or (kind == "letter" and before in ":.;"):
            if kind == "number" and before == ";":
                continue
            cuts.append(m)
    for m in cuts:
        yield s, m.start()
        s = m.end()
    yield s, e


# --- parsing ---------------------------------------------------------------------------


def parse_text(text: str, cut=(), name_breaks=frozenset()) -> list[Node]:
    """The outline of ``text`` (one logical line per ``\\n``): its top-level items.

    Lines after the recipients block ("Nơi nhận") are skipped until an attached document
    starts ("KẾ HOẠCH", "PHỤ LỤC II"); ``cut`` holds offset ranges to leave out (tables)."""
    roots: list[Node] = []
    stack: list[Node] = []

    def attach(node: Node) -> None:
        key = node.depth_key
        open_at = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].depth_key == key), None)
        if open_at is not None:
            del stack[open_at:]
        else:
            while stack and stack[-1].rank > node.rank:
                stack.pop()
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)

    recipients = False  # inside "Kính gửi: - Sở A; - Sở B;"
    lead_in: tuple[int, int] | None = None
    lead_kind: str | None = None
    stopped = False
    closed: list[Node] = []  # the items open when a closing paragraph ended them
    chapter_title = True  # False right after "Chương II": its title may follow
    part = ""
    lines = list(_lines(text, cut))
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        low = clean(line).lower()
        if _URL_LINE.match(line):
            continue
        appendix = appendix_part(line)
        # an attached document's title ("QUY CHẾ" under a Quyết định's closing article)
        # starts a new outline even where no stop line ended the previous one
        if appendix is not None or (_attachment_title(line) and (stopped or _is_caps(line))):
            stopped, part = False, appendix or ""
            stack.clear()
            closed = []
            lead_in = lead_kind = None
            continue
        if stopped:
            continue
        if _CHAPTER.match(low):  # "Chương II" / "Mục 1": articles run on, numbered across
            stack.clear()
            closed = []
            lead_in = lead_kind = None
            chapter_title = not _CHAPTER.fullmatch(low.rstrip(" .:"))
            continue
        if not chapter_title and not read_marker(line) and looks_like_heading(line):
            chapter_title = True  # the chapter's title line ("TỔ CHỨC THỰC HIỆN")
            continue
        chapter_title = True
        if any(p.search(low) for p in _STOP):
            stopped = True
            stack.clear()
            closed = []
            lead_in = lead_kind = None
            continue
        if _RECIPIENTS.match(low):
            recipients = True
            continue
        marker = read_marker(line)
        # an addressee is short; a dash line closed by ";" or "." may list several ministries
        # or provinces ("- Bộ trưởng các Bộ: Quốc phòng, Công an, …;")
        if recipients and marker and (len(low.split()) <= 15 or (
                marker[0] == "dash" and low.rstrip()[-1:] in (";", ".") and len(low.split()) <= 40)):
            continue
        recipients = False
        if marker:
            kind, label, length = marker
            node = Node(kind=kind, marker=label, start=s, end=e, heading_span=(s + length, e))
            if not stack and closed and _next_of(closed, kind, label):
                # "… nếu có vướng mắc, báo cáo …" inside item 1, then "2. …": the list goes on
                stack[:] = closed
            closed = []
            attach(node)
            if node.parent is None:
                node.part = part
            if node.parent is None and lead_in:
                if lead_kind in (None, node.kind):
                    node.lead_in, lead_kind = lead_in, node.kind
                else:  # a new kind of top-level item: the paragraph introduced the others
                    lead_in = lead_kind = None
            continue
        if not stack:
            lead_in, lead_kind = ((s, e) if low.endswith(":") else None), None
            continue  # preamble, title, Căn cứ …
        top = stack[-1]
        if low.startswith("(") and low.rstrip(" .;").endswith(")"):
            top.notes.append(clean(line))
            continue
        prev = _previous_span(top)
        cut_short = bool(prev) and not _TERMINAL.search(text[prev[0]:prev[1]]) and not top.children
        if _is_closing(low) or _closing_runs_on(text, lines, i, low) or (
            low.endswith("./.") and not cut_short and (top.body_spans or top.children or _ends_item(text, top))
        ):  # (a "…./." line that finishes a paragraph cut short is that paragraph's end)
            closed = stack[:]  # the next item of the same list may still follow
            stack.clear()
            lead_in = lead_kind = None
            continue
        if prev and not _TERMINAL.search(text[prev[0]:prev[1]]) and (
                line[:1].islower() or _wrapped_heading(text, top, line, s, name_breaks)
                or ends_dangling(clean(text[prev[0]:prev[1]]))):
            _extend(top, prev, e)  # a soft line break the normaliser left
        else:
            top.body_spans.append((s, e))

    for node in _all(roots):
        _finish(node, text)
    _assign_refs(roots)
    return roots


def _next_of(open_items: list[Node], kind: str, label: str) -> bool:
    """Does an item ``label`` of ``kind`` follow one of ``open_items`` in its numbering
    ("2" after "1", "c" after "b")?"""
    for node in open_items:
        if node.kind != kind or kind not in ("number", "letter"):
            continue
        a, b = node.marker.rsplit(".", 1)[-1], label.rsplit(".", 1)[-1]
        prefix_a, prefix_b = node.marker[:len(node.marker) - len(a)], label[:len(label) - len(b)]
        if prefix_a != prefix_b:
            continue
        if a.isdigit() and b.isdigit() and int(b) == int(a) + 1:
            return True
        if len(a) == len(b) == 1 and a.isalpha() and ord(b) == ord(a) + 1:
            return True
    return False


def _wrapped_heading(text: str, node: Node, line: str, at: int, name_breaks) -> bool:
    """Is ``line`` (at offset ``at``) the rest of ``node``'s heading, cut where a web page
    wrapped it? A title in capitals goes on in capitals ("I. MỤC" / "ĐÍCH, YÊU CẦU"); a
    heading cut inside a body's name goes on with the name ("1. Giao Sở" / "Tài chính …"):
    ``name_breaks`` holds the line breaks that fall inside a name the agency reader found."""
    if node.body_spans or node.children:
        return False
    heading = clean(text[node.heading_span[0]:node.heading_span[1]])
    words = heading.split()
    if not words or not line[:1].isupper():
        return False
    if _is_caps(heading) and _is_caps(line.split(":")[0]):
        return len(words) <= _WRAPPED_CAPS_WORDS
    return at - 1 in name_breaks


# A wrapped heading's first piece is short: a few words of a title.
_WRAPPED_CAPS_WORDS = 6


def _closing_runs_on(text: str, lines: list, i: int, low: str) -> bool:
    """A line cut short ("Chủ tịch UBND tỉnh yêu cầu") whose next line closes the body
    ("Thủ trưởng các sở … thực hiện nghiêm túc Chỉ thị này. Trong quá trình …"): the two are
    one closing paragraph."""
    if i + 1 >= len(lines) or _TERMINAL.search(low) or len(low.split()) > _CUT_LINE_WORDS:
        return False
    nxt = text[lines[i + 1][0]:lines[i + 1][1]]
    return read_marker(nxt) is None and _is_closing(low + " " + clean(nxt).lower())


# A line this short without a full stop may be the first piece of a wrapped paragraph.
_CUT_LINE_WORDS = 8


def is_closing(line: str) -> bool:
    """Is ``line`` a closing paragraph (a courtesy formula, who executes the document)?"""
    return _is_closing(clean(line).lower())


def is_stop(line: str) -> bool:
    """Does ``line`` open the recipients block after the body ("Nơi nhận")?"""
    low = clean(line).lower()
    return any(p.search(low) for p in _STOP)


def _is_closing(low: str) -> bool:
    """A closing paragraph: one of its sentences opens with a closing formula ("… qua hộp
    thư điện tử. Trong quá trình thực hiện, nếu có vướng mắc, đề nghị …./.")."""
    if any(p.search(low) for p in _CLOSING):
        return True
    # one sentence's worth after each start (the rest of a long paragraph each time is quadratic)
    return any(p.search(low[m.end():m.end() + 400]) for m in _SENTENCE_START.finditer(low) for p in _CLOSING_SENTENCES)


def _ends_item(text: str, node: Node) -> bool:
    """Is ``node`` a whole sentence of its own (so an unmarked "…./." after it is no part of
    it), rather than a label ("4. Ủy ban nhân dân các huyện") whose paragraph follows?"""
    s, e = node.heading_span
    return bool(re.search(r"[.;!?]\s*$", text[s:e]))


def _previous_span(node: Node) -> tuple[int, int] | None:
    if node.children:
        return None
    if node.body_spans:
        return node.body_spans[-1]
    return node.heading_span


def _extend(node: Node, prev: tuple[int, int], end: int) -> None:
    if node.body_spans and node.body_spans[-1] == prev:
        node.body_spans[-1] = (prev[0], end)
    else:
        node.heading_span = (prev[0], end)


def _all(roots: list[Node]):
    for root in roots:
        yield from root.walk()


def _finish(node: Node, text: str) -> None:
    if node.heading_span[1] <= node.heading_span[0] and node.body_spans:
        node.heading_span = node.body_spans.pop(0)  # "1." alone, its text on the next line
    hs, he = node.heading_span
    node.heading = clean(_drop_urls(text[hs:he]))
    node.body = [b for b in (clean(_drop_urls(text[s:e])) for s, e in node.body_spans) if b]
    last = max([node.heading_span[1], *(e for _, e in node.body_spans)])
    node.end = last


def _drop_urls(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not _URL_LINE.match(line))


def _component(node: Node) -> str:
    if node.kind in ("dash", "plus"):
        siblings = node.parent.children if node.parent else None
        pool = siblings if siblings is not None else []
        count = sum(1 for n in pool[: pool.index(node) + 1] if n.kind == node.kind) if pool else 1
        return ("-" if node.kind == "dash" else "+") + str(count)
    if node.kind == "number" and node.parent is not None and node.parent.kind == "number":
        head, _, last = node.marker.rpartition(".")
        if head and head == node.parent.marker:
            return last
    return node.marker


def _assign_refs(roots: list[Node]) -> None:
    top_dashes = {"dash": 0, "plus": 0}

    def visit(node: Node, prefix: str) -> None:
        if node.parent is None and node.kind in top_dashes:
            top_dashes[node.kind] += 1
            comp = ("-" if node.kind == "dash" else "+") + str(top_dashes[node.kind])
        else:
            comp = _component(node)
        node.ref = f"{prefix}.{comp}" if prefix else comp
        child_prefix = node.ref
        if node.kind == "article" and any(c.kind == "roman" for c in node.children):
            child_prefix = ""  # "Điều 1" holding sections I, II … : refs start at the section
        for child in node.children:
            visit(child, child_prefix)

    for root in roots:
        visit(root, root.part)


def parse_outline(ctx, cut=(), name_breaks=frozenset()) -> list[Node]:
    """The outline of ``ctx.text.body`` (offsets are offsets in ``ctx.text``);
    ``name_breaks``: offsets of line breaks inside agency names."""
    return parse_text(ctx.text.body, cut, name_breaks)
