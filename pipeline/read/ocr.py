"""OCR of scanned PDFs with Tesseract's Vietnamese model, page by page, cached.

Pages are rendered with pdfium at 300 dpi (grayscale PNG) and handed to the
``tesseract`` command, one single-threaded process per page and up to ``workers``
at once: OpenMP threads inside tesseract are 4-5x slower than separate processes
on a small machine. Each page's result is cached under the SHA-256 of its PNG
bytes, so a re-run — or the same page in another file — costs no OCR; a per-file
index (PDF SHA-256 → page hashes) lets a re-run of the same file skip rendering too.

    texts, confidences = ocr_pdf("scan.pdf")

``confidences`` holds, per page, tesseract's mean word confidence scaled to 0..1
(0.0 for a page with no words).

Deciding when a PDF needs OCR: :func:`needs_ocr` (no text layer, or one that is
mostly garbage: :func:`has_text_layer`, :func:`looks_garbled`).
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.core.vntext import strip_marks

DPI = 300
LANG = "vie"
PSM = 3  # automatic page segmentation: columns of a header come out as separate blocks
DEFAULT_CACHE = Path("data") / "out" / ".cache" / "ocr"
CACHE_ENV = "VANBAN_OCR_CACHE"  # overrides the default cache dir; "off" disables caching
WORKERS_ENV = "VANBAN_OCR_WORKERS"
CACHE_VERSION = 2  # bump when the stored result's shape or the OCR settings change

# A page with fewer visible characters than this in its text layer counts as empty.
MIN_PAGE_CHARS = 40


class OcrUnavailable(RuntimeError):
    """tesseract, or its Vietnamese model, is not installed."""


# --- availability -------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def tesseract_available(lang: str = LANG) -> bool:
    """True when the ``tesseract`` command runs and has the ``lang`` model."""
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return lang in (out.stdout + out.stderr).split()


@functools.lru_cache(maxsize=None)
def tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].strip() if first else "tesseract"


# --- does a PDF need OCR? -------------------------------------------------------------

def _text_layer(path: str | os.PathLike) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for page in doc:
            tp = page.get_textpage()
            pages.append(tp.get_text_range())
            tp.close()
            page.close()
        return pages
    finally:
        doc.close()


def has_text_layer(path: str | os.PathLike, min_page_chars: int = MIN_PAGE_CHARS) -> bool:
    """True when at least half the pages carry ``min_page_chars`` visible characters.

    A scan with a stray text object (a stamp's date, a page number) still counts
    as having no text layer.
    """
    pages = _text_layer(path)
    if not pages:
        return False
    filled = sum(1 for t in pages if len("".join(t.split())) >= min_page_chars)
    return filled * 2 >= len(pages)


_VOWELS = "aeiouy"
# A Vietnamese syllable with its marks stripped: onset, 1-3 vowels, coda.
_SYLLABLE = re.compile(r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
                       r"[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?")
_CID = re.compile(r"\(cid:\d+\)")


def _bad_char(c: str) -> bool:
    """A character no Vietnamese administrative text is made of: the debris of a
    font without a usable ToUnicode map (control and private-use codes, U+FFFD,
    Latin-1 symbols that legacy TCVN3/VNI fonts decode to)."""
    cat = unicodedata.category(c)
    if cat in ("Cc", "Co", "Cn", "Cs") and c not in "\n\r\t\f":
        return True
    if c == "\ufffd":
        return True
    if "\u00a1" <= c <= "\u00bf" and c not in "\u00a7\u00b0\u00b7\u00ab\u00bb":
        return True  # ¡¢£¤¥¦¨©ª¬®¯±²³´µ¶¸¹º¼½¾¿ — TCVN3 / VNI residue
    if cat.startswith("L") and c.isalpha() and not _latin(c):
        return True  # letters of other scripts where Latin ones should stand
    return False


def _latin(c: str) -> bool:
    try:
        return unicodedata.name(c).startswith("LATIN")
    except ValueError:
        return False


def looks_garbled(text: str, max_bad: float = 0.05, min_syllables: float = 0.55) -> bool:
    """True when ``text`` is mostly garbage rather than Vietnamese.

    Two signals: the share of characters no Vietnamese text contains (``max_bad``),
    and the share of purely alphabetic words that read as Vietnamese syllables
    (``min_syllables``; acronyms such as UBND, TCVN are let through). Too little
    text to judge is not called garbled.
    """
    text = _CID.sub("\ufffd", text)
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return False
    if sum(map(_bad_char, chars)) / len(chars) > max_bad:
        return True
    words = [w for w in re.findall(r"[^\W\d_]+", text) if not (w.isupper() and len(w) <= 8)]
    if len(words) < 20:
        return False
    ok = sum(1 for w in words if _SYLLABLE.fullmatch(strip_marks(w).lower()))
    return ok / len(words) < min_syllables


def needs_ocr(path: str | os.PathLike) -> bool:
    """True when the PDF has no text layer, or one that is mostly garbage."""
    if not has_text_layer(path):
        return True
    return looks_garbled("\n".join(_text_layer(path)))


# --- OCR ------------------------------------------------------------------------------

def _cache_dir(cache_dir: str | os.PathLike | None | bool) -> Path | None:
    if cache_dir is False:
        return None
    if cache_dir is None or cache_dir is True:
        env = os.environ.get(CACHE_ENV)
        if env and env.lower() in ("off", "0", "no", "false"):
            return None
        return Path(env) if env else DEFAULT_CACHE
    return Path(cache_dir)


def _cache_path(root: Path, digest: str, lang: str) -> Path:
    return root / digest[:2] / f"{digest}.{lang}.psm{PSM}.v{CACHE_VERSION}.json"


CHROMA_CUTOFF = 48  # max(R,G,B) - min(R,G,B) above which a pixel is coloured ink
INK_CUTOFF = 110  # lightest channel below which a pixel is black type, coloured or not
PAPER_CUTOFF = 190  # lighter than this, on a page with coloured ink, is paper


def drop_colour(img):
    """Grayscale without coloured ink: pale coloured pixels become white, the rest keep
    the lightest of R, G, B.

    A red seal over the signature block, a red "received" stamp, coloured highlights:
    in plain luminance they are mid-gray blobs over the text, and tesseract drops the
    whole region as a picture. Black type (also under the seal's ink) has no chroma
    and stays black.
    """
    from PIL import Image, ImageChops

    if img.mode == "L":
        return img
    r, g, b = img.convert("RGB").split()
    light = ImageChops.lighter(ImageChops.lighter(r, g), b)
    dark = ImageChops.darker(ImageChops.darker(r, g), b)
    coloured = ImageChops.subtract(light, dark).point(lambda v: 255 if v > CHROMA_CUTOFF else 0)
    # Type under the ink keeps a dark lightest channel; JPEG colour bleed gives its
    # edges some chroma, so only pale coloured pixels are wiped.
    pale = light.point(lambda v: 255 if v > INK_CUTOFF else 0)
    wiped = Image.composite(Image.new("L", img.size, 255), light, ImageChops.multiply(coloured, pale))
    # Paper to white, so the wiped seal leaves no outline against gray paper.
    return wiped.point(lambda v: 255 if v >= PAPER_CUTOFF else v)


def render_pages(path: str | os.PathLike, dpi: int = DPI) -> list[bytes]:
    """Every page as grayscale PNG bytes at ``dpi`` (coloured marks paled, see
    :func:`drop_colour`; the resolution recorded in the PNG)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        pngs = []
        for page in doc:
            img = drop_colour(page.render(scale=dpi / 72).to_pil())
            buf = io.BytesIO()
            img.save(buf, "PNG", dpi=(dpi, dpi), compress_level=1)
            pngs.append(buf.getvalue())
            page.close()
        return pngs
    finally:
        doc.close()


def _run_tesseract(png: bytes, lang: str = LANG) -> tuple[str, float]:
    """OCR one page image: (text, mean word confidence 0..1)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory(prefix="vanban-ocr-") as tmp:
        image = Path(tmp) / "page.png"
        image.write_bytes(png)
        base = Path(tmp) / "out"
        proc = subprocess.run(
            ["tesseract", str(image), str(base), "-l", lang, "--psm", str(PSM),
             # wide gaps stay wide: the header's two columns, read row by row, remain
             # apart as in `pdftotext -layout` output, which the normaliser splits
             "-c", "preserve_interword_spaces=1", "txt", "tsv"],
            capture_output=True, text=True, env=env,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"tesseract failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
        text = base.with_suffix(".txt").read_text(encoding="utf-8")
        tsv = base.with_suffix(".tsv").read_text(encoding="utf-8")
    return text, _mean_confidence(tsv)


def _mean_confidence(tsv: str) -> float:
    """Mean confidence of the recognised words in tesseract's TSV, 0..1."""
    confs = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            conf = float(row.get("conf") or -1)
        except ValueError:
            continue
        if conf >= 0 and (row.get("text") or "").strip():
            confs.append(conf)
    return round(sum(confs) / len(confs) / 100, 4) if confs else 0.0


def _ocr_page(png: bytes, lang: str, cache: Path | None) -> tuple[str, float]:
    digest = hashlib.sha256(png).hexdigest()
    target = _cache_path(cache, digest, lang) if cache else None
    if target and target.exists():
        try:
            hit = json.loads(target.read_text(encoding="utf-8"))
            return hit["text"], float(hit["confidence"])
        except (ValueError, KeyError, OSError):
            pass  # a torn cache file: OCR again and overwrite it
    text, conf = _run_tesseract(png, lang)
    if target:
        _write_atomically(target, json.dumps({"text": text, "confidence": conf, "lang": lang,
                                              "engine": tesseract_version()}, ensure_ascii=False))
    return text, conf


def default_workers() -> int:
    env = os.environ.get(WORKERS_ENV)
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def ocr_pdf(path: str | os.PathLike, workers: int | None = None, *, lang: str = LANG,
            dpi: int = DPI, cache_dir: str | os.PathLike | None | bool = None,
            ) -> tuple[list[str], list[float]]:
    """OCR every page of the PDF at ``path``: (page texts, mean confidence 0..1 per page).

    ``workers`` tesseract processes run at once (default: the usable CPU cores, or
    $VANBAN_OCR_WORKERS). ``cache_dir``: where results are kept by page-image hash
    (default $VANBAN_OCR_CACHE or data/out/.cache/ocr; ``False`` disables caching).
    Raises :class:`OcrUnavailable` when tesseract or the model is missing.
    """
    if not tesseract_available(lang):
        raise OcrUnavailable(f"tesseract with the '{lang}' model is not installed "
                             f"(Debian: apt-get install tesseract-ocr tesseract-ocr-{lang})")
    cache = _cache_dir(cache_dir)
    index = _index_path(cache, path, lang, dpi) if cache else None
    known = _from_index(index, cache, lang)
    if known is not None:  # every page of this very file is cached: skip even rendering
        return known
    pngs = render_pages(path, dpi)
    n = max(1, min(workers or default_workers(), len(pngs)))
    # Threads suffice here: each one waits on its own tesseract process.
    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(lambda png: _ocr_page(png, lang, cache), pngs))
    if index:
        _write_atomically(index, json.dumps([hashlib.sha256(p).hexdigest() for p in pngs]))
    return [t for t, _ in results], [c for _, c in results]


def _index_path(cache: Path, path: str | os.PathLike, lang: str, dpi: int) -> Path:
    """Where the page-image hashes of one PDF (by its bytes) are listed."""
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return cache / "files" / f"{digest}.{lang}.{dpi}dpi.v{CACHE_VERSION}.json"


def _from_index(index: Path | None, cache: Path | None, lang: str):
    """(texts, confidences) of a PDF seen before, when all its pages are still cached."""
    if not index or not index.exists():
        return None
    try:
        pages = [json.loads(_cache_path(cache, h, lang).read_text(encoding="utf-8"))
                 for h in json.loads(index.read_text(encoding="utf-8"))]
        return [p["text"] for p in pages], [float(p["confidence"]) for p in pages]
    except (ValueError, KeyError, OSError, TypeError):
        return None  # a page evicted or torn: render and look the pages up one by one


def _write_atomically(target: Path, content: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, target)  # parallel runs never read half a file
