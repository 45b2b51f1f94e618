"""A saved web page: the document it shows, without the site around it.

1. The page is decoded (BOM, ``<meta charset>``, UTF-8, else the legacy Vietnamese encodings
   of :mod:`pipeline.read.encodings`) and parsed with lxml.
2. The document's container is found: a portal's known content block (CSS selectors in
   ``gazetteer/formats.yml``), else the block readability-lxml scores as the main content.
   Readability's own cleaned copy drops low-text tables such as the header block, so its
   choice is mapped back to the page (every element carries a ``data-vb`` index through it)
   and the original elements are read.
3. Site furniture inside the container goes: menus, banners, footers, forms, blocks named like
   them, lists of links ("Văn bản liên quan"), and the metadata panel (Số hiệu, Loại văn bản,
   Nơi ban hành, Ngày ban hành, Người ký). The panel is kept in ``Source.metadata`` as a
   cross-check of the header, never in its place.
4. The rest becomes blocks (:mod:`.blocks`): paragraphs, list items with their bullet or
   number, tables with their column and row spans.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from pipeline.core.models import Source, SourceFormat
from pipeline.read.readers.blocks import Block, Cell, Table, render
from pipeline.read.readers.errors import ReaderError

MIN_TEXT = 40  # visible characters below which a page holds no document
MIN_CONTAINER = MIN_TEXT  # a known container with less text is a placeholder ("đang cập nhật")
LINK_DENSITY = 0.6  # a block whose text is mostly link text is a list of links
DENSE_SHARE = 0.8  # a child with this share of its parent's text is where the document is
TRUST_SHARE = 0.5  # readability's choice must hold this share of the densest block's text
_STOP = {"p", "table", "ul", "ol", "li", "tr", "td", "h1", "h2", "h3", "h4", "h5", "h6"}  # never descend into
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article",
          "center", "pre", "dd", "dt", "dl", "address", "figure", "figcaption", "main", "header",
          "hr", "body", "html"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


@functools.cache
def _config() -> dict:
    from gazetteer import load_yaml

    return load_yaml("formats.yml")


def read_html(path: Path, sha: str) -> Source:
    data = path.read_bytes()
    root = parse(decode(data))
    metadata = read_panel(root)
    blocks = html_blocks(content(root))
    pages, header = render(blocks)
    visible = sum(len("".join(p.split())) for p in pages)
    if visible < MIN_TEXT:
        raise ReaderError(f"no document in the page ({visible} characters of text)")
    return Source(str(path), sha, SourceFormat.HTML, pages, encoding="html",
                  header_lines=header, metadata=metadata or None)


def decode(data: bytes) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", _decode(data))


def _decode(data: bytes) -> str:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii").lower(), errors="strict")
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from pipeline.read.encodings import UndecodableText, decode_text

        try:
            return decode_text(data)[0]
        except UndecodableText as exc:
            raise ReaderError(str(exc)) from None


def parse(text: str):
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses an encoding declaration in str
    if not text.strip():
        raise ReaderError("empty page")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReaderError(f"not a readable HTML page ({exc})") from None


# --- the document's container ---------------------------------------------------------------


def _text_len(el) -> int:
    return len("".join("".join(el.itertext()).split()))


def content(root):
    """The elements holding the document (a list, in page order)."""
    _strip_furniture(root)
    for selector in _config()["html_content_selectors"]:
        try:
            found = root.cssselect(selector)
        except Exception:  # noqa: BLE001 — a selector this lxml cannot read
            continue
        found = [el for el in found if _text_len(el) >= MIN_CONTAINER]
        if found:
            return found[:1]
    body = root.find("body") if root.find("body") is not None else root
    dense = _densest(body)
    picked = _readability(root)
    # readability's choice stands when it holds most of the text; on pages it misreads (one
    # huge paragraph, say) it keeps only the site's blocks, and the densest block is read
    if picked and sum(map(_text_len, picked)) >= TRUST_SHARE * _text_len(dense):
        return picked
    return [dense]


def _densest(el):
    """Down from ``el`` while one child holds nearly all the text: the document's block."""
    while True:
        total = _text_len(el)
        child = max((c for c in el if isinstance(c.tag, str)), key=_text_len, default=None)
        if child is None or total == 0 or _text_len(child) < DENSE_SHARE * total or child.tag in _STOP:
            return el
        el = child


def _readability(root) -> list:
    import lxml.html

    try:
        from readability import Document
    except ImportError:
        return []
    index = {}
    for i, el in enumerate(root.iter()):
        if isinstance(el.tag, str):
            el.set("data-vb", str(i))
            index[str(i)] = el
    try:
        summary = Document(lxml.html.tostring(root, encoding="unicode")).summary(html_partial=True)
        picked = lxml.html.fragment_fromstring(summary, create_parent="div")
    except Exception:  # noqa: BLE001 — readability gives up on odd pages: read the body
        return []
    out = []
    for el in picked.iter():
        key = el.get("data-vb") if isinstance(el.tag, str) else None
        if key in index and not any(_contains(o, index[key]) for o in out):
            out.append(index[key])
    return [el for el in out if _text_len(el)]


def _contains(outer, inner) -> bool:
    return outer is inner or any(a is outer for a in inner.iterancestors())


# --- furniture -------------------------------------------------------------------------------


def _strip_furniture(root) -> None:
    cfg = _config()
    tags = set(cfg["html_furniture_tags"])
    words = re.compile("|".join(map(re.escape, cfg["html_furniture_words"])), re.I)
    headings = re.compile(r"^\s*(?:" + "|".join(map(re.escape, cfg["html_furniture_headings"])) + r")\b", re.I)
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        marks = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("role"))))
        if el.tag in tags or (marks and words.search(marks)) or _is_panel(el):
            doomed.append(el)
        elif el.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "p", "div", "span") \
                and headings.match(el.text_content() or "") and _text_len(el) < 60:
            doomed.extend(_heading_block(el))
        elif el.tag in ("ul", "ol", "div", "table", "section") and _link_dense(el):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _heading_block(el) -> list:
    """A "Văn bản liên quan" heading goes with the list of links that follows it; when its
    parent holds only the two, the parent goes."""
    parent = el.getparent()
    if parent is not None and parent.tag not in ("body", "html") and _link_dense(parent, 0.4):
        return [parent]
    following = el.getnext()
    if following is not None and _link_dense(following, 0.4):
        return [el, following]
    return [el]


def _link_dense(el, share: float = LINK_DENSITY) -> bool:
    links = el.findall(".//a")
    if len(links) < 2:
        return False
    total = _text_len(el)
    linked = sum(_text_len(a) for a in links)
    return total > 0 and linked / total >= share


@functools.cache
def _labels() -> dict[str, str]:
    return {" ".join(label.lower().split()): key
            for key, labels in _config()["html_metadata_labels"].items() for label in labels}


def _is_panel(el) -> bool:
    """A table or definition list of page metadata: two or more label | value rows."""
    if el.tag not in ("table", "dl", "ul"):
        return False
    return len(_panel_pairs(el)) >= 2


def _panel_pairs(el) -> dict[str, str]:
    labels = _labels()
    pairs = {}
    if el.tag == "table":
        rows = [[" ".join(c.text_content().split()) for c in tr.findall("./td") + tr.findall("./th")]
                for tr in el.iter("tr")]
        for cells in rows:
            for k in range(0, len(cells) - 1):
                key = labels.get(cells[k].lower().rstrip(":").strip())
                if key and cells[k + 1]:
                    pairs[key] = cells[k + 1]
    else:
        items = [" ".join(c.text_content().split()) for c in el if isinstance(c.tag, str)]
        for k, text in enumerate(items):
            label, _, value = text.partition(":")
            key = labels.get(label.lower().strip())
            if key is None and k + 1 < len(items):
                key, value = labels.get(text.lower().rstrip(":").strip()), items[k + 1]
            if key and value.strip():
                pairs[key] = value.strip()
    return pairs


def read_panel(root) -> dict[str, str]:
    """The page's metadata panel (label → value), anywhere on the page."""
    out: dict[str, str] = {}
    for el in root.iter("table", "dl"):
        pairs = _panel_pairs(el)
        if len(pairs) >= 2:
            for k, v in pairs.items():
                out.setdefault(k, v)
    return out


# --- blocks ----------------------------------------------------------------------------------


class _Blocks:
    def __init__(self):
        self.blocks: list[Block] = []
        self.line: list[str] = []

    def flush(self):
        text = "".join(self.line)
        lines = [" ".join(ln.split()) for ln in text.split("\n")]
        para = "\n".join(ln for ln in lines if ln)
        if para:
            self.blocks.append(para)
        self.line = []

    def add(self, text: str | None):
        if text:
            self.line.append(re.sub(r"[ \t\r\n\f\u00a0]+", " ", text))

    def walk(self, el, marker: str = "", tail: bool = True):
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag:  # comments, processing instructions
            self.add(el.tail)
            return
        if tag == "table":
            self.flush()
            self.blocks.append(_table(el))
        elif tag == "br":
            self.line.append("\n")
        elif tag in ("ul", "ol"):
            self.flush()
            self._list(el)
        elif tag in _BLOCK or tag == "li":
            self.flush()
            self.line.append(marker)
            self.add(el.text)
            for child in el:
                self.walk(child)
            self.flush()
        else:
            self.add(el.text)
            for child in el:
                self.walk(child)
        if tail:
            self.add(el.tail)

    def _list(self, el):
        kind = (el.get("type") or "1") if el.tag == "ol" else None
        n = _int(el.get("start"), 1) - 1
        for child in el:
            if isinstance(child.tag, str) and child.tag == "li":
                n += 1
                self.walk(child, marker=_marker(kind, n, child))
            else:
                self.walk(child)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


_LITERAL = re.compile(r"^\s*(?:[-+•–]|\d{1,2}[.)]|[a-zđ]\)|[IVX]{1,5}\.)\s")


def _marker(kind: str | None, n: int, li) -> str:
    if _LITERAL.match(li.text_content() or ""):  # the number or bullet is already in the text
        return ""
    if kind is None:
        return "- "
    from pipeline.read.readers.docx import format_number

    fmt = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}.get(kind, "decimal")
    return format_number(n, fmt) + (")" if kind == "a" else ".") + " "


def _cell_lines(cell) -> list[str]:
    inner = _Blocks()
    inner.add(cell.text)
    for child in cell:
        inner.walk(child)
    inner.flush()
    lines: list[str] = []
    for block in inner.blocks:
        if isinstance(block, Table):
            from pipeline.read.readers.blocks import grid

            lines += [" ".join(" ".join(c) for c in r).strip() for r in grid(block)]
        else:
            lines += block.split("\n")
    return [ln for ln in lines if ln.strip()]


def _table(el) -> Table:
    table = Table()
    for tr in el.iter("tr"):
        if _nearest_table(tr) is not el:
            continue
        row = [Cell(_cell_lines(td), colspan=max(1, _int(td.get("colspan"), 1)),
                    rowspan=max(1, _int(td.get("rowspan"), 1)))
               for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")]
        table.rows.append(row)
    return table


def _nearest_table(el):
    for anc in el.iterancestors():
        if anc.tag == "table":
            return anc
    return None


def html_blocks(elements) -> list[Block]:
    out = _Blocks()
    for el in elements:
        out.walk(el, tail=False)
    out.flush()
    return out.blocks


# --- the metadata panel as a cross-check -------------------------------------------------------

_PANEL_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def _same_number(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return "".join(s.split()).upper().replace("Đ", "D")

    return key(a) == key(b)


def metadata_disagreements(metadata: dict[str, str] | None, document: dict) -> list[str]:
    """Where a page's metadata panel and the document's own header disagree (the header
    stands; the disagreement is for a reader to check)."""
    out: list[str] = []
    if not metadata:
        return out
    number, panel_number = document.get("number"), metadata.get("number")
    if number and panel_number and not _same_number(number, panel_number):
        out.append(f"page panel Số hiệu {panel_number}, header {number}")
    date, m = document.get("issued_date"), _PANEL_DATE.match(metadata.get("issued_date") or "")
    if date and m:
        panel_date = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        if panel_date != date:
            out.append(f"page panel Ngày ban hành {panel_date}, header {date}")
    return out
