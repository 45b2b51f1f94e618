"""Tasks: the duties a document assigns, who answers for them, and by when.

A task is a lowest-level item of the outline under a section of duties (NHIỆM VỤ …,
NỘI DUNG …, TIẾN ĐỘ …, LỘ TRÌNH …) or of TỔ CHỨC THỰC HIỆN; in a Quyết định or Nghị định
an article that assigns duties; in a Công văn or Chỉ thị, with no such section, each
numbered or bulleted request. Lines that only introduce sub-items, and sub-items that state
an attribute of their parent ("Thời gian thực hiện: …", "Cơ quan chủ trì: …"), are not.

Roles follow the contract (cues are data, gazetteer/task_roles.yml): the subject — named at
the start of the item or of one of its paragraphs or sentences, named by a lead-in, or
labelling its TỔ CHỨC THỰC HIỆN subsection — takes its role from the item's opening verb;
every agency named after "phối hợp (với)" is coordinate; nobody else is listed (report
recipients, targets of guidance). Agency identities come from extractors.agencies, time
expressions from extractors.deadlines, so tasks agree with those sections.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from gazetteer import load_yaml
from pipeline.core.models import Context, Section

from .outline import (Node, appendix_part, clean, heading_kind, is_closing, is_duty_subsection,
                      is_not_duty, is_stop, parse_outline, tolerant_letters)
from .agencies import canonical_agency, find_agencies as default_find_agencies
from .deadlines import TABLE_FIELD, find_deadlines as default_find_deadlines, is_past
from .tables import Row, Table, find_tables, row_ref
from .registry import component



def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern.replace(" ", r"\s+"), re.I)


# OCR loses or swaps diacritics ("chu trì", "phôi hợp vói", "Đe nghi"): a phrase of two or
# more words is matched with its letters diacritic-tolerant (outline.tolerant_letters).
# One-word cues stay exact ("giao" is not "giáo").
_LITERAL_HEAD = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+)+")


def _tolerant(pattern: str) -> str:
    """``pattern`` with the letters of its leading words made diacritic-tolerant, when it
    opens with two or more plain words and holds no character class or escape."""
    head = _LITERAL_HEAD.match(pattern)
    if not head or "[" in pattern or "\\" in pattern:
        return pattern
    return tolerant_letters(pattern)


def _alt(patterns) -> re.Pattern:
    """One pattern matching any entry at a word start, followed by a word end."""
    body = "|".join(f"(?:{_tolerant(p)})" for p in patterns)
    return re.compile(r"(?<!\w)(?:" + body.replace(" ", r"\s+") + r")(?!\w)", re.I)


_ROLES = load_yaml("task_roles.yml")
_ROLE_CUES = {role: _alt(cues) for role, cues in _ROLES["roles"].items()}
_ROLE_ORDER = ("lead", "coordinate", "direct")
_STANDING = _rx(_ROLES["standing_body"])
_STANDING_BEFORE = _rx(_ROLES["standing_body_before"])
_STANDING_CUE = re.compile(r"thường|chủ", re.I)
_COUNTERPART = _alt(_ROLES["counterpart_cues"])
_CONNECTOR = _rx(_ROLES["list_connectors"])
_GAP = _rx(_ROLES["counterpart_gap"])
_INTRODUCER = _alt(_ROLES["subject_introducers"])
_ONE_TITLE = _alt(_ROLES["subject_titles"])
_TITLE = re.compile(r"(?:" + _ONE_TITLE.pattern + r"\s*)+", re.I)  # "Đồng chí Bí thư …"
_LEADING = _alt(_ROLES["leading_clauses"])
_MODIFIER = _alt(_ROLES["pre_verb_modifiers"])
_CLAUSE_GOES_ON = _alt(_ROLES["clause_continuations"])
_OPENS_DUTY = _alt(_ROLES["responsible_openers"])
# Right before a body: a verb that makes it the recipient or the one advised, not a doer.
_OBJECT_OF = re.compile(_alt(_ROLES["object_verbs"]).pattern + r"(?:\s+(?:cho|lên|về|với|đến))?\s*(?:các\s+)?$", re.I)
_TAIL = _alt(_ROLES["subject_tails"])
# The rest of a word a body was named on, with a committee's "ủy" ("tỉnh ủy").
_WORD_REST = re.compile(r"\w*(?:[^\S\n]+ủy\b)?", re.I)
_MEMBER_ONLY = re.compile(r"(?:các\s+)?" + _alt(_ROLES["unnamed_members"]).pattern
                          + r"(?:\s+(?:cấp\s+)?(?:tỉnh|thành phố|huyện|quận|xã|phường)\b)?", re.I)
_BEFORE_NAME = re.compile(r"[\s*_]*(?:(?:các|những)\s+)?", re.I)  # emphasis marks may stand between
_KIND_COLON = re.compile(r"\s*(?:(?:các|những)\s+)?([^\W\d]+(?: [^\W\d]+)?)\s*:\s*", re.I)
# Members of a subject list that name no body, before its verb ("Các sở, ban, ngành, đơn vị,
# tổ chức chính trị - xã hội, hội, đoàn thể … phối hợp").
_MEMBERS = re.compile(r"(?:\s*(?:,|\bvà\b)\s*(?:các\s+)?" + _alt(_ROLES["unnamed_members"]).pattern + ")+", re.I)
_REQUEST_VERB = _alt(_ROLES["request_verbs"])
_ADDRESSEE = _alt(_ROLES["addressee_references"])
_TOPIC = _rx(_ROLES["topic_label"])
# The addressees of a letter: "Kính gửi: Sở A" or "Kính gửi:" then "- Sở A;" lines.
_KINH_GUI = re.compile(r"(?im)^[ \t]*kính\s+gửi\b\s*:?")
_ADDRESS_LINE = re.compile(r"[ \t]*[-–+•*]")

_HEADINGS = load_yaml("section_headings.yml")
_ATTRIBUTES = {
    kind: re.compile(r"^(?:" + "|".join(pats).replace(" ", r"\s+") + r")\s*(?::|$)", re.I)
    for kind, pats in _HEADINGS["attributes"].items()
}
# Any label, where the value of the one before ends ("… ; thời gian: …").
_ANY_LABEL = re.compile(r"(?<!\w)(?:" + "|".join(
    p for pats in _HEADINGS["attributes"].values() for p in pats).replace(" ", r"\s+") + r")\s*:", re.I)
# A field's value ends with its sentence.
_VALUE_END = re.compile(r"[.;!?](?:\s|$)")
# The same labels inside a paragraph: "Chủ trì: Sở Tư pháp; phối hợp: Sở Nội vụ".
_INLINE_LABELS = {
    kind: re.compile(r"(?<!\w)(?:" + "|".join(_HEADINGS["attributes"][kind]).replace(" ", r"\s+") + r")\s*:", re.I)
    for kind in ("lead", "coordinate", "responsible")
}
_ARTICLE_DUTY = _rx(_HEADINGS["article_duty_cues"])
_APPENDIX_POINTER = _rx(_HEADINGS["appendix_pointer"])
_ARTICLE_CLOSING = [_rx(p) for p in _HEADINGS["article_not_duty"] if not p.startswith("^")]
_ARTICLE_NOT_DUTY = [_rx(p) for p in _HEADINGS["article_not_duty"] if p.startswith("^")]
# An item that is only a remark in brackets.
_NOTE = re.compile(r"[(\[][^()\[\]]*[)\]][\s.;*]*")
_MONEY_SUBSECTION = _rx(_HEADINGS["not_duty_subsection"])
_AMENDING_ACT = _rx(_HEADINGS["amending_acts"])
_AMENDING_INSTRUCTION = _rx(_HEADINGS["amending_instruction"])
_AMENDED_OPEN = _rx(_HEADINGS["amended_text_open"])
_AMENDED_CLOSE = _rx(_HEADINGS["amended_text_close"])

# A time label that heads a roadmap item ("Năm 2027: …", "Quý III/2026: …").
_TIME_LABEL = re.compile(
    r"((?:năm|quý|tháng|giai đoạn|từ|đến|trước|trong|6 tháng|sáu tháng)\b[^:;]{0,40}?"
    r"(?:\d|\b[IVX]+\b)[^:;]{0,20}?)\s*:\s*",
    re.I,
)
# Opening words of a letter's preamble or narration, not of a request.
_PREAMBLE = _rx(r"^(thực hiện|căn cứ|theo|ngày \d+|kính gửi|v/v|về việc|trả lời|phúc đáp)\b")
# "Văn phòng Chính phủ thông báo để Bộ X và các cơ quan biết, thực hiện./.": a notice formula.
_NOTICE = _rx(r"\b(thông báo|xin thông báo|thông tin) (để|đến)\b[^.;]{0,160}\bbiết\b")
# Kinds of document whose every request is a task when they have no section of duties.
_REQUEST_KINDS = {"CV", "CT", "CĐ", "TB", "GM"}
# "các sở, ngành, đơn vị có liên quan": a group left open by "liên quan" is no agency.
_OPEN_ENDED = re.compile(
    r"\s*(?:,\s*(?:cơ quan|đơn vị|tổ chức|địa phương|cá nhân)\s*)*(?:có\s+)?liên\s+quan\b", re.I
)
_OWN_OPEN_GROUP = re.compile(r"\s*,[^;]*\bcá\s+nhân\b", re.I)
# An open-ended group in a list of subjects ("Các sở ngành liên quan, Viện X …").
_OPEN_GROUP = re.compile(r"(?:(?:các|những)\s+)?[^\W\d][^,;:.()\n]{0,50}?\b(?:có\s+)?liên\s+quan\b", re.I)
# Where a sentence may name a new subject ("… năm 2025. UBND cấp xã triển khai …").
_SENTENCE = re.compile(r"[.!?]\s+(?=[^\W\d_])")  # followed by a capital (checked in code)
_SPACE = re.compile(r"[\s,;:\-–]*")
# A clause after ";" may name bodies with their own verb ("Sở A chủ trì; Sở B, Sở C phối hợp").
_CLAUSE = re.compile(r";\s+")
_COLON = re.compile(r":\s+")
_THEN = re.compile(r"(?<!\w)thì\s+", re.I)
_WS = re.compile(r"\s*")
# Between the bodies of one subject list ("Văn phòng UBND tỉnh, các Sở, ban ngành, …").
_SUBJECT_SEP = re.compile(r"\s*(?:[,;&]|\s[-–]\s|\b(?:và|cùng)\b)\s*(?:(?:và|cùng)\s+)?", re.I)
# After a title ("Thủ trưởng"), the words of a body that is no agency, up to the comma of
# the subject list ("Thủ trưởng cơ quan ngang bộ, …").
_TITLE_ONLY = re.compile(r"[^;:.()]{1,90}")
# Between two bodies a label lists: trailing words of the first ("tỉnh", "của Thành phố") and a
# separator.
# (or an unnamed member of the list: "Các sở, ngành, đoàn thể cấp tỉnh và UBND các xã")
_LABEL_GAP = re.compile(r"\s*[;,]\s*(?:[^\W\d]+\s+){0,3}[^\W\d]+\s*(?:[;,]\s*(?:và\s+)?|\s+và\s+)"
                        r"|\s*(?:[^\W\d]+\s+){0,3}[^\W\d]{0,10}\s*[;,]\s*(?:và\s+)?|\s+và\s+", re.I)
# A heading this short that holds a period ("Giai đoạn 2026 - 2030") dates the items under it.
_PERIOD_LABEL_WORDS = 8
# A task's own time limit is read in its first characters (an item runs a few thousand at
# most; a megabyte-long one is read no further).
_DEADLINE_WINDOW = 20_000
# Headings are judged on their first characters (a title is short; a huge line is none).
_HEAD = 2000
# "6. Đề nghị: Hội A, Hội B, Liên minh C": a label however many bodies it lists.
_INTRODUCED_LIST = re.compile(_INTRODUCER.pattern + r"\s*:", re.I)
# A heading that is only a label names no verb of duty.
_LABEL_MAX_WORDS = 15


@dataclass(frozen=True)
class Hit:
    """An agency named in the text, as extractors.agencies found it."""

    start: int
    end: int
    name: str
    locality: str | None

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.name, self.locality)


def _as_hit(h) -> Hit:
    if isinstance(h, dict):
        return Hit(int(h["start"]), int(h["end"]), h.get("name"), h.get("locality"))
    return Hit(int(h.start), int(h.end), h.name, getattr(h, "locality", None))


def _get(h, key, default=None):
    return h.get(key, default) if isinstance(h, dict) else getattr(h, key, default)


def _as_deadline(h) -> dict:
    """A DeadlineHit (start/end are offsets, the dates are start_date/end_date) as the
    contract's deadline dict; a contract dict passes through."""
    if not isinstance(h, dict) or "end_date" in h or "start_date" in h:
        start, end = _get(h, "start_date"), _get(h, "end_date")
    else:
        start, end = h.get("start"), h.get("end")
    return {"text": _get(h, "text"), "start": start, "end": end, "recurrence": _get(h, "recurrence")}


@dataclass
class _Inherited:
    """What the lead-ins above an item say about it."""

    subjects: list[Hit] = field(default_factory=list)
    role: str | None = None  # a lead-in's own cue ("Phối hợp với Sở X:" → coordinate)
    directors: list[Hit] = field(default_factory=list)  # "X chỉ đạo Y:" → X
    counterparts: list[Hit] = field(default_factory=list)
    fixed: dict = field(default_factory=dict)  # "Cơ quan chủ trì: X" → {X: lead}


class _Doc:
    """The text and the agency hits of one document, with the readers over them."""

    def __init__(self, text: str, hits: list[Hit]):
        self.text = text
        self.hits = sorted(hits, key=lambda h: (h.start, -h.end))
        self._starts = [h.start for h in self.hits]  # hits from a position by bisection: linear scans
        self._cue_words = [m.start() for m in _STANDING_CUE.finditer(text)]
        self.standing = {h.key for h in self.hits if self._standing(h)}

    def _standing(self, h: Hit) -> bool:
        """Is ``h`` named the standing body (cơ quan thường trực), right after or before it?
        (Only near a "thường" or "chủ", which both patterns hold: found once for the text.)"""
        i = bisect_left(self._cue_words, max(0, h.start - 80))
        if i == len(self._cue_words) or self._cue_words[i] >= h.end + 80:
            return False
        return bool(_STANDING.match(self.text[h.end:h.end + 80])
                    or _STANDING_BEFORE.search(self.text[max(0, h.start - 80):h.start]))

    def hits_in(self, s: int, e: int) -> list[Hit]:
        return [h for h in self.hits[bisect_left(self._starts, s):bisect_left(self._starts, e)] if h.end <= e]

    def _from(self, pos: int):
        """The hits from ``pos`` on, in order (by index: ``islice`` would walk the list from
        its start on every call)."""
        hits = self.hits
        for i in range(bisect_left(self._starts, pos), len(hits)):
            yield hits[i]

    def open_ended(self, h: Hit) -> bool:
        m = _OPEN_ENDED.match(self.text, h.end, min(len(self.text), h.end + 60))
        # "Các doanh nghiệp viễn thông, tổ chức, cá nhân có liên quan": individuals make the
        # tail a group of its own, which leaves the body before it definite
        return bool(m) and not _OWN_OPEN_GROUP.match(m.group())

    def hit_at(self, pos: int, end: int) -> Hit | None:
        """The agency that starts at ``pos`` (after spaces and a "các"), if any."""
        for h in self._from(pos):
            if h.start >= end or h.end > end or h.start - pos > 24:
                return None  # a name running past the segment is not in it
            gap = self.text[pos:h.start]
            if _BEFORE_NAME.fullmatch(gap) or (
                    # "Các Bộ: Quốc phòng, Tài chính": the kind of body, then each one's name
                    (m := _KIND_COLON.fullmatch(gap)) and h.name.lower().startswith(m[1].lower())):
                return None if self.open_ended(h) else h
            return None
        return None

    def skip(self, pattern: re.Pattern, pos: int, end: int, clause: bool = False, verb: bool = False) -> int:
        """Past ``pattern`` at ``pos`` (and, for a clause, past its comma; with ``verb``, past
        the commas of nouns that go on with the clause: "Trong phạm vi, lĩnh vực quản lý của
        mình, chủ động phối hợp …")."""
        m = pattern.match(self.text, pos, end)
        if not m:
            return pos
        if not clause:
            return _SPACE.match(self.text, m.end(), end).end()
        limit = min(end, m.end() + 200)
        comma = self.text.find(",", m.end(), limit)
        if comma < 0:
            return pos
        at = _SPACE.match(self.text, comma + 1, end).end()
        for _ in range(3 if verb else 0):
            if not _CLAUSE_GOES_ON.match(self.text, at, end):
                break
            comma = self.text.find(",", at, limit)
            if comma < 0:
                break
            at = _SPACE.match(self.text, comma + 1, end).end()
        return at

    def subjects(self, pos: int, end: int) -> tuple[list[Hit], int]:
        """Agencies named at ``pos`` as the subject, and where their verb starts."""
        pos = _SPACE.match(self.text, pos, end).end()
        for _ in range(3):  # "Căn cứ Kế hoạch …, X …"; "Hằng năm X …"
            after = self.skip(_LEADING, pos, end)
            after = self.skip(_LEADING, after, end)
            if after != pos and self.hit_at(self.skip(_TITLE, after, end), end):
                pos = after
                break
            pos = self.skip(_LEADING, pos, end, clause=True)
        pos = self.skip(_INTRODUCER, pos, end)
        found: list[Hit] = []
        first_at = None
        while pos < end:
            at = self.skip(_TITLE, pos, end)
            first_at = at if first_at is None else first_at
            hit = self.hit_at(at, end)
            if hit is None and found and (nxt := self._past_members(at, end)) != at:
                pos = nxt  # "Các sở, ban, ngành, đoàn thể Thành phố, Ủy ban nhân dân …"
                continue
            if hit is None and (group := _OPEN_GROUP.match(self.text, at, end)):
                # "Các sở ngành liên quan, Viện X": an open-ended group before a named body
                m = _SUBJECT_SEP.match(self.text, group.end(), end)
                if m and m.end() > group.end() and self._continues(m.end(), end):
                    pos = m.end()
                    continue
            if hit is None:
                # "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Chủ tịch UBND các tỉnh …": a head
                # whose body is no agency, listed before one that is.
                nxt = self._next_titled(at, end) if at != pos else None
                if nxt is not None:
                    pos = nxt
                    continue
                if not found:
                    pos = first_at
                break
            found.append(hit)
            pos = hit.end
            if pos < end and self.text[pos - 1].isalnum() and self.text[pos].isalnum():
                # one body per letter of a shared word ("Bí thư tỉnh ủy, Chủ tịch UBND các tỉnh:
                # A, B" names each Tỉnh ủy on a letter of "tỉnh"): all of them, then the word
                for h in self._from(pos):
                    if h.start != pos or h.end > end:
                        break
                    found.append(h)
                    pos = h.end
                pos = _WORD_REST.match(self.text, pos, end).end()
            tail = _WS.match(self.text, pos, end)
            if m := _TAIL.match(self.text, tail.end(), end):
                pos = m.end()
            m = _SUBJECT_SEP.match(self.text, pos, end)
            if m is None or m.end() == pos or not self._continues(m.end(), end):
                break
            pos = m.end()
        return found, pos

    def _continues(self, pos: int, end: int, members: bool = True) -> bool:
        """Does a subject list go on at ``pos`` (an agency, or a titled head of one, maybe
        after members that name no body)?"""
        at = self.skip(_TITLE, pos, end)
        if self.hit_at(at, end) is not None or (at != pos and self._next_titled(at, end) is not None):
            return True
        return members and self._past_members(pos, end) != pos

    def _past_members(self, pos: int, end: int) -> int:
        """Past unnamed members of a subject list ("đoàn thể Thành phố, ") when a named body
        follows them; else ``pos``."""
        at = pos
        for _ in range(4):
            member = _MEMBER_ONLY.match(self.text, at, end)
            m = member and _SUBJECT_SEP.match(self.text, member.end(), end)
            if not m or m.end() == member.end():
                return pos
            at = m.end()
            if self._continues(at, end, members=False):
                return at
        return pos

    def _next_titled(self, at: int, end: int) -> int | None:
        """After a title whose body is no agency ("Thủ trưởng các cơ quan, đơn vị thuộc
        huyện, Chủ tịch UBND các xã …"), where the list goes on with a titled agency."""
        stop = _TITLE_ONLY.match(self.text, at, end)
        limit = stop.end() if stop else at
        for m in _SUBJECT_SEP.finditer(self.text, at, limit):
            nxt = self.skip(_TITLE, m.end(), end)
            if nxt != m.end() and self.hit_at(nxt, end) is not None:
                return m.end()
        return None

    def past_name(self, pos: int, end: int, named: list[Hit]) -> int:
        """Past a repeat of one of the ``named`` bodies' printed names at ``pos`` (line breaks
        may fall anywhere in it), or past a name's trailing words ("Thành phố" of a heading
        that wrapped into its text); else ``pos``."""
        pos = _SPACE.match(self.text, pos, end).end()
        for h in named:
            words = self.text[h.start:h.end].split()
            if words and (m := re.compile(r"\s+".join(map(re.escape, words)), re.I).match(self.text, pos, end)):
                pos = m.end()
                break
        tail = _WS.match(self.text, pos, end).end()
        m = _TAIL.match(self.text, tail, end)
        return m.end() if m else pos

    def opening_role(self, pos: int, end: int) -> str | None:
        """The role that the opening verb at ``pos`` gives (None: no cue)."""
        pos = self.skip(_MEMBERS, pos, end)  # right after a subject list: its unnamed members
        for _ in range(4):
            before = pos
            pos = _SPACE.match(self.text, pos, end).end()
            pos = self.skip(_MODIFIER, pos, end)
            pos = self.skip(_LEADING, pos, end, clause=True, verb=True)
            pos = self.skip(_MODIFIER, pos, end)
            if pos == before:
                break
        for role in _ROLE_ORDER:
            if _ROLE_CUES[role].match(self.text, pos, end):
                return role
        return None

    def objects_after_direct(self, pos: int, end: int) -> list[Hit]:
        """"X chỉ đạo Y:" → [Y]: the bodies right after a directing verb."""
        pos = _SPACE.match(self.text, pos, end).end()
        pos = self.skip(_MODIFIER, pos, end)
        return self.directed(pos, end)[0]

    def directed(self, pos: int, end: int) -> tuple[list[Hit], str | None]:
        """"X chỉ đạo Y chủ động phối hợp …:" → ([Y], the role Y's own verb gives)."""
        pos = _SPACE.match(self.text, pos, end).end()
        pos = self.skip(_MODIFIER, pos, end)
        m = _ROLE_CUES["direct"].match(self.text, pos, end)
        if not m:
            return [], None
        found, at = self.subjects(m.end(), end)
        return found, (self.opening_role(at, end) if found else None)

    def labelled(self, s: int, e: int) -> list[tuple[int, int, str]]:
        """Values of the inline field labels in ``s:e`` ("… Chủ trì: Sở Tư pháp; phối hợp: Sở
        Nội vụ") with the role their label gives: a value runs to the next label or the end of
        its sentence."""
        labels = sorted(((m.start(), m.end(), role) for role, cue in _INLINE_LABELS.items()
                         for m in cue.finditer(self.text, s, e)), key=lambda x: x[0])
        if not labels:
            return []
        stops = sorted({m.start() for m in _ANY_LABEL.finditer(self.text, s, e)} | {e})
        out = []
        for _, vs, role in labels:
            ve = next(p for p in stops if p >= vs)
            if (end := _VALUE_END.search(self.text, vs, ve)):
                ve = end.start()
            out.append((vs, ve, role))
        return out

    def counterparts(self, s: int, e: int, cue: re.Pattern | None = None) -> list[Hit]:
        """Every agency listed right after "phối hợp (với)" (or after ``cue``)."""
        out: list[Hit] = []
        for m in (cue or _COUNTERPART).finditer(self.text, s, e):
            pos, first = m.end(), True
            for h in self._from(pos):
                if h.start >= e:
                    break
                gap = self.text[pos:h.start]
                if not (_CONNECTOR.fullmatch(gap) or (first and _GAP.fullmatch(gap))):
                    break
                if self.open_ended(h):
                    break
                out.append(h)
                pos, first = h.end, False
        return out


# --- which items are tasks -----------------------------------------------------------


def _attribute(node: Node) -> str | None:
    low = node.heading.lower()
    for kind, pattern in _ATTRIBUTES.items():
        if pattern.match(low):
            return kind
    return None


def _attribute_value(node: Node, text: str) -> tuple[int, int]:
    """Offsets of an attribute's value: after its colon, else its body."""
    s, e = node.heading_span
    colon = text.find(":", s, e)
    if colon >= 0 and text[colon + 1:e].strip():
        return colon + 1, e
    if node.body_spans:
        return node.body_spans[0]
    return e, e


def _only_closing(text: str) -> bool:
    """The execution formula alone ("Chánh Văn phòng …, Giám đốc các Sở … chịu trách nhiệm
    thi hành Quyết định này./.") names who executes the document, no duty."""
    return all(any(p.search(s) for p in _ARTICLE_CLOSING) for s in re.split(r"(?<=[.;])\s+", text) if s.strip(" ./"))


def _article_assigns(node: Node) -> bool:
    text = node.text
    kept = [s for s in re.split(r"(?<=[.;])\s+", text) if not any(p.search(s) for p in _ARTICLE_CLOSING)]
    rest = " ".join(kept)
    if not rest or any(p.match(rest) for p in _ARTICLE_NOT_DUTY):
        return False
    return bool(_ARTICLE_DUTY.search(rest))


def task_scopes(roots: list[Node], doc_type: str | None) -> list[tuple[Node, str]]:
    """The sections whose items are tasks, with their kind (duty, organisation, article,
    request)."""
    scopes: list[tuple[Node, str]] = []

    def consider(nodes: list[Node]) -> None:
        for node in nodes:
            kind = heading_kind(node.heading)
            if node.kind == "article":
                if _AMENDING_ACT.match(clean(node.heading[:_HEAD]).lower()):
                    continue  # "Điều 1. Sửa đổi, bổ sung …": the rules it writes are no duties
                if any(c.kind == "roman" or heading_kind(c.heading) for c in node.children):
                    consider(node.children)
                elif kind:
                    scopes.append((node, kind))
                elif is_not_duty(node.heading):
                    # "Điều 3. Hiệu lực thi hành": a clause of it may still assign a duty
                    scopes.extend((c, "article") for c in node.children if _article_assigns(c))
                elif _article_assigns(node) or any(_article_assigns(c) for c in node.children):
                    scopes.append((node, "article"))
                continue
            if kind:
                scopes.append((node, kind))
                continue
            for child in node.children:
                if child.kind == "number" and is_duty_subsection(child.heading):
                    scopes.append((child, "duty"))

    consider(roots)
    # A letter's requests are its tasks; so are the items of any document that has no
    # sections at all (a short plan numbered 1., 2., … straight after its preamble).
    flat = not any(root.kind in ("roman", "article") for root in roots)
    requests = (doc_type or "").upper() in _REQUEST_KINDS
    if not scopes and (requests or flat):
        scopes = [(root, "request") for root in roots if not is_not_duty(root.heading)]
    elif requests:
        # A conclusion's other sections ("III. VỀ MỘT SỐ KIẾN NGHỊ CỦA TỈNH"): their items
        # that assign something are requests too.
        taken = {id(n) for n, _ in scopes}
        scopes += [(root, "request") for root in roots
                   if root.kind == "roman" and id(root) not in taken and not is_not_duty(root.heading)
                   and root.children and any(_ARTICLE_DUTY.search(c.text) for c in root.children)]
    return scopes


def amended_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the texts a normative document writes into another (or into itself):
    from the quote after "… như sau:" to the quote that closes a line or a sentence."""
    spans, pos = [], 0
    while (m := _AMENDED_OPEN.search(text, pos)):
        close = _AMENDED_CLOSE.search(text, m.end())
        end = close.end() if close else len(text)
        spans.append((m.end(), end))
        pos = end
    return spans


def _amending(node: Node) -> bool:
    """An item that instructs an amendment ("2. Khoản 3 Điều 8 được sửa đổi như sau:")."""
    return bool(_AMENDING_INSTRUCTION.match(clean(node.heading[:_HEAD]).lower()))


def _has_value(node: Node) -> bool:
    """Does an attribute line give its value after its colon ("Nội dung: Tập huấn …")?"""
    head = node.heading
    return bool(head.partition(":")[2].strip()) or bool(node.body)


def _task_nodes(scope: Node, amended=()):
    """Lowest-level items of a scope that are duties (attributes, lead-ins, amendment
    instructions and the amended text are not)."""

    def visit(node: Node):
        if node is not scope and _attribute(node):
            return
        if _amending(node) or any(a <= node.start < b for a, b in amended):
            return
        if node is not scope and node.children and _MONEY_SUBSECTION.match(clean(node.heading[:_HEAD]).lower().rstrip(" .:")):
            return
        duties = [c for c in node.children if not _attribute(c)]
        if not duties:  # "- Nội dung:" then "+ …" bullets: each bullet is a duty of the item
            duties = [g for c in node.children if _attribute(c) == "content" and not _has_value(c)
                      for g in c.children]
        if duties:
            for child in duties:
                yield from visit(child)
        elif node is not scope or node.body or node.kind == "article" or (
            node.heading and node.kind in ("dash", "plus", "letter", "number")
        ):
            yield node

    yield from visit(scope)


# --- one task --------------------------------------------------------------------------


class _Extractor:
    def __init__(self, ctx: Context, hits: list[Hit], find_deadlines):
        self.ctx = ctx
        self.text = ctx.text.text
        self.doc = _Doc(self.text, hits)
        self.find_deadlines = find_deadlines
        self.year = ctx.year
        self.issued = (ctx.document or {}).get("issued_date")
        self._shared: dict = {}

    # text --------------------------------------------------------------------------

    def label(self, node: Node, scope: Node, kind: str) -> tuple[list[Hit], int | None, bool]:
        """For a subsection of TỔ CHỨC THỰC HIỆN: the subjects its label names, where the
        item's text starts after an inline label ("Ban chỉ đạo 19 tỉnh: Chỉ đạo …"), and
        whether the whole heading is a label ("2. Sở Khoa học và Công nghệ", then items)."""
        if not ((kind == "organisation" and node.parent is scope)
                or (kind == "request" and node is scope)):
            return [], None, False
        s, e = node.heading_span
        subjects, pos = self.doc.subjects(s, e)
        rest = self.text[pos:e].lstrip()
        if subjects and rest.startswith(":") and rest[1:].strip():
            return subjects, self.text.index(":", pos, e) + 1, False
        heading = self.text[s:e]
        whole = (
            bool(node.children or node.body_spans)
            and not re.search(r"[.;]\s*$", heading)
            and self.doc.opening_role(pos, e) is None  # "4. Bộ X chỉ đạo …" / "(kể cả …)": a sentence
            and (len(heading.split()) <= _LABEL_MAX_WORDS or _INTRODUCED_LIST.match(heading))
            and (bool(subjects) or bool(_INTRODUCER.match(heading)))
            and not any(_ROLE_CUES[r].search(self.text, pos, e) for r in ("lead", "coordinate"))
        )
        if whole and subjects:  # every body the label lists ("Thủ trưởng các sở …; Chủ tịch UBND …")
            for h in self.doc.hits_in(subjects[-1].end, e):
                gap = _LABEL_GAP.match(self.text, subjects[-1].end, h.start)
                if not gap or self.doc.open_ended(h):
                    break
                at = self.doc.skip(_TITLE, gap.end(), h.start)
                if self.text[at:h.start].strip() or h.key in {x.key for x in subjects}:
                    break
                subjects = subjects + [h]
        elif whole and _INTRODUCER.match(heading):
            # "6. Đề nghị: Hội A, Hội B, Liên minh C" whose first body no reader named (the
            # list may wrap onto the lines before the first sub-item)
            stop = node.children[0].start if node.children else e
            subjects = [h for h in self.doc.hits_in(s, max(e, stop)) if not self.doc.open_ended(h)]
        return (subjects if whole else []), None, whole

    def segments(self, node: Node, scope: Node, kind: str) -> tuple[list[tuple[int, int]], str | None]:
        """Offsets of the item's own text (labels left out) and its time label, if any."""
        _, inline, whole = self.label(node, scope, kind)
        segs = list(node.spans)
        if node is scope and kind in ("duty", "organisation"):
            segs = list(node.body_spans)  # a section with paragraphs only: not its title
        elif whole and node.body_spans:
            segs = list(node.body_spans)
        elif inline is not None:
            segs[0] = (_SPACE.match(self.text, inline, segs[0][1]).end(), segs[0][1])
        for child in node.children:  # "- Nội dung: …" describes this item's duty
            if _attribute(child) == "content":
                value = _attribute_value(child, self.text)
                segs += [value, *(b for b in child.body_spans if b != value)]
        time_label = None
        if not segs:
            return [], None
        s, e = segs[0]
        m = _TIME_LABEL.match(self.text, s, e)
        if m and self.text[m.end():e].strip():
            time_label = self.text[s:m.end()].strip()  # "Năm 2027:" (a label, with its colon)
            segs[0] = (m.end(), e)
        return [(a, b) for a, b in segs if b > a], time_label

    def joined(self, segs: list[tuple[int, int]]) -> str:
        parts = []
        for s, e in segs:
            lines = [ln for ln in self.text[s:e].split("\n") if not re.match(r"\s*https?://", ln)]
            parts.append(clean(" ".join(lines)))
        return " ".join(p for p in parts if p)

    # who ---------------------------------------------------------------------------

    def inherited(self, node: Node, scope: Node, kind: str) -> _Inherited:
        """Subjects, roles and counterparts that the lead-ins above ``node`` pass down."""
        chain = [a for a in node.ancestors() if a is scope or _within(a, scope)]
        inh = _Inherited()
        for anc in reversed(chain):
            self._attributes_of(anc, inh)
            if anc is scope:
                # "Điều 5. Trách nhiệm của Sở Tài chính", "II. NHIỆM VỤ CỦA CÁC SỞ"
                label, _, whole = self.label(anc, scope, kind)
                if whole and label:
                    inh.subjects = label
                else:
                    s, e = anc.heading_span
                    inh.subjects, pos = self.doc.subjects(s, e)
                    if inh.subjects and anc.children and self.doc.opening_role(pos, e) is None:
                        inh.subjects = inh.subjects + self.clause_subjects(pos, e, inh.subjects)
                if not inh.subjects:
                    inh.subjects, inh.role = self.introduced(anc, kind)
                continue
            label, _, whole = self.label(anc, scope, kind)
            if whole:
                inh.subjects, inh.role, inh.directors = label, None, []
                continue
            s, e = anc.heading_span
            subjects, pos = self.doc.subjects(s, e)
            role = self.doc.opening_role(pos, e)
            if subjects and role is None and anc.children:
                subjects = subjects + self.clause_subjects(pos, e, subjects)
            objects, their_role = self.doc.directed(pos, e) if role == "direct" else ([], None)
            if subjects:
                if objects:  # "UBND cấp huyện chỉ đạo UBND cấp xã (chủ động phối hợp …):"
                    inh.directors, inh.subjects, inh.role = subjects, objects, their_role
                else:
                    inh.subjects, inh.role, inh.directors = subjects, role, []
            elif objects and inh.subjects and self.text[s:e].rstrip().endswith(":"):
                # "5. UBND các huyện:" then "b) Chỉ đạo UBND các xã …:" then its items
                inh.directors, inh.subjects, inh.role = inh.subjects, objects, their_role
            elif role:
                inh.role = role
            for seg in anc.spans:
                inh.counterparts += self.doc.counterparts(*seg)
        self._attributes_of(node, inh)
        if node is scope and kind == "request":
            inh.subjects, inh.role = self.introduced(node, kind)
        elif node is scope and node.body_spans:  # "Điều 26. Trách nhiệm của Bộ Tài chính" + text
            inh.subjects = self.doc.subjects(*node.heading_span)[0]
        label, _, _ = self.label(node, scope, kind)
        if label:  # "4. UBND các huyện …" + its paragraph; "1. Ban chỉ đạo 19 tỉnh: Chỉ đạo …"
            inh.subjects, inh.role, inh.directors = label, None, []
        return inh

    def clause_subjects(self, pos: int, end: int, have: list[Hit]) -> list[Hit]:
        """A lead-in naming its subjects in clauses ("1. Giao Thủ trưởng các sở, …; Chủ tịch
        UBND các xã:"): the bodies opening each later clause that has no verb of its own."""
        out: list[Hit] = []
        keys = {h.key for h in have}
        for m in _CLAUSE.finditer(self.text, pos, end):
            found, at = self.doc.subjects(m.end(), end)
            if not found or self.doc.opening_role(at, end) is not None:
                break
            out += [h for h in found if h.key not in keys]
            keys |= {h.key for h in found}
        return out

    def introduced(self, node: Node, kind: str) -> tuple[list[Hit], str | None]:
        """Bodies named after "đề nghị / giao / yêu cầu" in a paragraph that ends with ":"
        and introduces the items of ``node`` ("… đề nghị Ủy ban nhân dân các tỉnh:"), with
        the role its verb gives them ("Giao Sở Nội vụ chủ trì …:" → lead)."""
        spans = [b for b in node.body_spans if self.text[b[0]:b[1]].rstrip().endswith(":")]
        if node.lead_in and kind == "request":
            spans.append(node.lead_in)
        for s, e in reversed(spans):
            for m in reversed(list(_REQUEST_VERB.finditer(self.text, s, e))):
                found, pos = self.doc.subjects(m.end(), e)
                at = _SPACE.match(self.text, m.end(), e).end()
                if not found and (ref := _ADDRESSEE.match(self.text, at, e)):
                    found, pos = self.addressees(), ref.end()  # "đề nghị Quý cơ quan …"
                if found:
                    return found, self.doc.opening_role(pos, e)
        return [], None

    def addressees(self) -> list[Hit]:
        """The bodies a letter is addressed to ("Kính gửi: - Sở A; - UBND các xã …")."""
        m = _KINH_GUI.search(self.text)
        if not m:
            return []
        line_end = self.text.find("\n", m.end())
        line_end = len(self.text) if line_end < 0 else line_end
        ranges = [(m.end(), line_end)]
        pos = line_end + 1
        while pos < len(self.text):
            nxt = self.text.find("\n", pos)
            nxt = len(self.text) if nxt < 0 else nxt
            if not _ADDRESS_LINE.match(self.text, pos):
                break
            ranges.append((pos, nxt))
            pos = nxt + 1
        found: dict = {}
        for s, e in ranges:
            for h in self.doc.hits_in(s, e):
                if not self.doc.open_ended(h):
                    found.setdefault(h.key, h)
        return list(found.values())

    def _attributes_of(self, node: Node, inh: _Inherited) -> None:
        for child in node.children:
            kind = _attribute(child)
            if kind in ("lead", "coordinate", "responsible"):
                spans = [_attribute_value(child, self.text), *child.body_spans[1:]]
                spans += [sp for d in child.walk() if d is not child for sp in d.spans]
                for s, e in spans:
                    for h, role in self.value_roles(s, e, kind):
                        inh.fixed.setdefault(h.key, (h, role))

    def value_roles(self, s: int, e: int, kind: str) -> list[tuple[Hit, str]]:
        """The bodies a field's value names, with their roles. "Cơ quan chủ trì: …" makes them
        all lead ("phối hợp": coordinate); "Cơ quan thực hiện: Sở A chủ trì, phối hợp với Sở
        B …" is read like an item: its subject by its verb, the bodies after "phối hợp" coordinate,
        any other responsible."""
        named = self.span_agencies(s, e)
        if kind != "responsible":
            return [(h, kind) for h in named]
        roles: dict = {}
        for m in [None, *_CLAUSE.finditer(self.text, s, e)]:
            at = m.end() if m else s
            subjects, pos = self.doc.subjects(at, e)
            role = self.doc.opening_role(pos, e)
            for h in subjects:
                roles.setdefault(h.key, (h, role or "responsible"))
        for h in self.doc.counterparts(s, e):
            roles.setdefault(h.key, (h, "coordinate"))
        cues = [m.end() for m in _COUNTERPART.finditer(self.text, s, e)]
        for h in named:  # after "phối hợp (với)" in its clause, the list goes on past a gap
            after = any(c <= h.start and ";" not in self.text[c:h.start] for c in cues)
            if not after and _OBJECT_OF.search(self.text, max(s, h.start - 40), h.start):
                continue  # "Sở A chủ trì tham mưu Ủy ban nhân dân tỉnh …": the body advised
            roles.setdefault(h.key, (h, "coordinate" if after else "responsible"))
        return list(roles.values())

    def after_topic(self, s: int, e: int) -> int:
        """Where an item opens after its topic label ("Về dự án X: Bộ Y khẩn trương …")."""
        m = _TOPIC.match(self.text, s, e)
        return _SPACE.match(self.text, m.end(), e).end() if m and self.text[m.end():e].strip() else s

    def runs(self, segs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Segments that only whitespace parts joined into one: a field's value wrapped onto
        the next line ("Đơn vị chủ trì: Sở" / "Tư pháp.") is read whole."""
        out: list[tuple[int, int]] = []
        for s, e in segs:
            if out and out[-1][1] <= s and not self.text[out[-1][1]:s].strip():
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
        return out

    def shared_labels(self, node: Node) -> list[tuple[int, int, str]]:
        """Field labels ("Đơn vị thực hiện: …; Đơn vị phối hợp: …") printed once after the
        last of several bullets, none of which has its own, are the fields of every bullet."""
        parent = node.parent
        if parent is None:
            return []
        key = (id(parent), node.kind)
        if key not in self._shared:  # once per group of bullets: linear in the document
            sibs = [c for c in parent.children if c.kind == node.kind and _attribute(c) is None]
            found = [[v for s, e in self.runs(c.spans) for v in self.doc.labelled(s, e)] for c in sibs]
            shared = len(sibs) >= 2 and bool(found[-1]) and not any(found[:-1])
            self._shared[key] = (sibs[-1] if sibs else None, found[-1] if shared else [])
        last, labels = self._shared[key]
        return [] if last is node else labels

    def agencies(self, node: Node, segs: list[tuple[int, int]], inh: _Inherited) -> list[dict]:
        roles: dict[tuple, tuple[Hit, str]] = {}

        def put(hit: Hit, role: str) -> None:
            if hit.key in self.doc.standing:  # a cơ quan thường trực leads all its items
                role = "lead"
            roles.setdefault(hit.key, (hit, role))

        weak: set = set()  # inherited subjects whose role no cue of the item gave
        for key, (hit, role) in inh.fixed.items():
            roles.setdefault(key, (hit, role))
        labelled = [v for s, e in self.runs(segs) for v in self.doc.labelled(s, e)]
        if not labelled and not inh.fixed:
            labelled = self.shared_labels(node)
        for vs, ve, kind in labelled:  # every body named in the value
            for hit, role in self.value_roles(vs, ve, kind):
                roles.setdefault(hit.key, (hit, role))
        starts = []
        opening = self.after_topic(*self.runs(segs)[0]) if segs else 0
        for i, (s, e) in enumerate(segs):
            if s <= opening < e:
                starts.append((opening, e, True))  # "Về dự án X: Bộ Y …": opens after the topic
            elif i == 0 and opening == s:
                starts.append((s, e, True))
            elif i > 0 and re.search(r"[.;:!?][\s*_]*$", self.text[segs[i - 1][0]:segs[i - 1][1]]):
                starts.append((s, e, False))  # not a wrapped line that goes on with its sentence
            starts += [(m.end(), e, False) for m in _SENTENCE.finditer(self.text, s, e)
                       if self.text[m.end()].isupper()]
            starts += [(m.end(), e, None) for m in _CLAUSE.finditer(self.text, s, e)]
            # "Mở tài khoản: Ủy ban nhân dân xã phối hợp với …": a label, then its subject
            starts += [(m.end(), e, None) for m in _COLON.finditer(self.text, s, e)]
            # "Nếu … thì Giám đốc Sở Y tế có trách nhiệm chủ trì …": the consequent's subject
            starts += [(m.end(), e, False) for m in _THEN.finditer(self.text, s, e)]
        runs = self.runs(segs)
        for s, e, first in sorted(starts, key=lambda x: x[0]):  # the first role named wins
            # a subject list or its verb may go on past a line break ("… đoàn thể" / "Thành phố, …")
            if first:
                e = next((b for a, b in runs if a <= s < b), e)
            subjects, pos = self.doc.subjects(s, e)
            role = self.doc.opening_role(pos, e)
            if subjects and not role and first and not self.text[pos:e].strip(" .:*") and len(segs) > 1:
                role = self.doc.opening_role(*segs[1])  # "1.2. Giao Công an Thành phố" / "Chỉ đạo …"
            if first is None and not role:
                if not (subjects and _OPENS_DUTY.match(self.text, self.doc.skip(_MODIFIER, _WS.match(self.text, pos, e).end(), e), e)):
                    continue  # "…; Ủy ban nhân dân tỉnh xem xét": only a clause with a role cue
                role = "responsible"  # "…; Bộ X hướng dẫn các đơn vị …": a duty of its own
            if first is False and not role and re.match(r"[\s*_]*(?:[.;,]|$)", self.text[pos:e]):
                # "… gồm Sở A. Sở B, Sở C": a list closing a sentence (or going on with
                # members no reader named) names no subject
                continue
            inherited = not subjects and first and not inh.fixed
            if inherited:
                subjects = inh.subjects
                # "4. Trung tâm X" then "Trung tâm X chủ trì …" (the name wrapped where the
                # agency reader lost it); "3. Bộ Tư lệnh" wrapped into "Thành phố chủ trì …"
                role = role or self.doc.opening_role(self.doc.past_name(s, e, subjects), e) or inh.role
            for hit in subjects:
                if hit.key in weak and role:  # the item names its subject's role further on
                    roles.pop(hit.key, None)
                    weak.discard(hit.key)
                put(hit, role or "responsible")
                if inherited and not role:
                    weak.add(hit.key)
        for hit in inh.directors:
            put(hit, "direct")
        for s, e in segs:
            for hit in self.doc.counterparts(s, e):
                roles.setdefault(hit.key, (hit, "coordinate"))
        for hit in inh.counterparts:
            roles.setdefault(hit.key, (hit, "coordinate"))
        return [{"name": h.name, "locality": h.locality, "role": r} for h, r in roles.values()]

    # when ----------------------------------------------------------------------------

    def deadline_in(self, text: str) -> dict | None:
        if not text or self.find_deadlines is None:
            return None
        text = text[:_DEADLINE_WINDOW]
        hits = sorted(self.find_deadlines(text, self.year), key=lambda h: _get(h, "start", 0))
        hits = [d for d in map(_as_deadline, hits) if not _is_past(d, self.issued, self.year)]
        return hits[0] if hits else None

    def deadline(self, node: Node, scope: Node, kind: str, text: str, time_label: str | None) -> dict | None:
        if time_label and (d := self.deadline_in(time_label)):
            return d
        topic = _TOPIC.match(text)  # "Về điều chuyển vốn dư năm 2025: UBND tỉnh … trong Quý I/2026"
        if topic and (d := self.deadline_in(text[topic.end():])):
            return d
        if d := self.deadline_in(text):
            return d
        for anc in [node, *node.ancestors()]:
            for child in anc.children:
                if _attribute(child) == "deadline":  # "Thời gian thực hiện: …", label included
                    spans = [sp for d in child.walk() for sp in d.spans]  # its "+ …" lines too
                    if d := self.deadline_in(self.joined(spans)):
                        return d
            if anc is scope:
                # The scope's own lead-in ("… trước ngày 15/11 hằng năm, gồm các nội dung:")
                # dates the sub-items it introduces when they state no date of their own.
                if anc is not node and anc.children:
                    lead = self.joined(self.segments(anc, scope, kind)[0][:1])
                    if lead.rstrip().endswith(":") and (d := self.deadline_in(lead)):
                        return d
                break

            if anc is not node:
                segs, label = self.segments(anc, scope, kind)
                if label and (d := self.deadline_in(label)):
                    return d
                if len(anc.heading.split()) <= _PERIOD_LABEL_WORDS and (d := self.deadline_in(anc.heading)):
                    return d  # "1. Giai đoạn 2025 - 2030" over its items
                if anc.children and (d := self.deadline_in(self.joined(segs[:1]))):
                    return d
                for s, e in anc.body_spans:  # "Thời gian thực hiện: …" on its own line under the heading
                    if _ATTRIBUTES["deadline"].match(self.text[s:e].lower()) and (d := self.deadline_in(self.text[s:e])):
                        return d
        return None

    # table rows ------------------------------------------------------------------------

    def row_task(self, table: Table, row: Row, ref: str) -> tuple[dict, list]:
        """A row of a task table: its content is the duty, its columns who and by when."""
        content = row.cell(table.columns["content"])
        roles: dict[tuple, tuple[Hit, str]] = {}
        for role in ("lead", "responsible", "coordinate"):
            cell = row.cell(table.columns.get(role))
            if cell is None or (cell.start < 0 and not cell.layout):
                continue
            for hit in (self.layout_cell_agencies(cell) if cell.layout else self.cell_agencies(cell)):
                roles.setdefault(hit.key, (hit, role))
        when = row.cell(table.columns.get("deadline"))
        deadline = None
        if when is not None and when.text:
            # read as a field's value: a bare "Quý III/2025" needs no cue there
            deadline = self.deadline_in(TABLE_FIELD + when.text)
        item = {
            "ref": ref,
            "text": clean(content.text),
            "agencies": [{"name": h.name, "locality": h.locality, "role": r} for h, r in roles.values()],
            "deadline": deadline,
        }
        return item, [self.ctx.text.span(content.start, content.end)]

    def cell_agencies(self, cell) -> list[Hit]:
        return self.span_agencies(cell.start, cell.end)

    def span_agencies(self, start: int, end: int) -> list[Hit]:
        """Bodies named in a table cell or a field's value: the agency extractor's hits, and
        for the rest of it (a name a line break or a flattened row hid from it) the name it
        gives that text."""
        hits = [h for h in self.doc.hits_in(start, end) if not self.doc.open_ended(h)]
        pos, rest = start, []
        for h in [*hits, None]:
            s, e = (h.start, h.end) if h else (end, end)
            piece = _trim_piece(self.text[pos:s].strip(" ,;.-–\n*_:()"))
            if piece:
                rest.append((pos + self.text[pos:s].find(piece), piece))
            pos = e
        for at, piece in rest:
            named = _canonical(piece, self.ctx)
            parts = [named] if named else [_canonical(p.strip(" *_"), self.ctx) for p in piece.split(";")]
            hits += [Hit(at, at + len(piece), *n) for n in parts if n and all(h.key != n for h in hits)]
        return sorted(hits, key=lambda h: h.start)

    def layout_cell_agencies(self, cell) -> list[Hit]:
        """Bodies named in a layout table's cell, read from its text (a wrapped cell is no
        run of the normalised text): each ";"-part, else each ","-part, named whole."""
        at = max(cell.start, 0)
        hits: list[Hit] = []
        for part in re.split(r"\s*;\s*", cell.text):
            named = _canonical(part.strip(" .,-"), self.ctx)
            pieces = [named] if named else [
                _canonical(p.strip(" .,-"), self.ctx) for p in re.split(r",\s*|\s+và\s+", part)]
            for named in pieces:
                if named and all(h.key != (named[0], named[1]) for h in hits):
                    hits.append(Hit(at, at + len(cell.text), *named))
        return hits

    # all ----------------------------------------------------------------------------

    def task(self, node: Node, scope: Node, kind: str) -> tuple[dict, list] | None:
        segs, time_label = self.segments(node, scope, kind)
        text = self.joined(segs)
        if not text or _only_closing(text) or (node is scope and _APPENDIX_POINTER.search(text.lower())):
            return None
        if _NOTE.fullmatch(text):  # "(Khung kế hoạch … tại Phụ lục kèm theo)": a note
            return None
        inh = self.inherited(node, scope, kind)
        item = {
            "ref": node.ref,
            "text": text,
            "agencies": self.agencies(node, segs, inh),
            "deadline": self.deadline(node, scope, kind, text, time_label),
        }
        return item, [self.ctx.text.span(s, e) for s, e in segs]


# In a field's value, where an open-ended group starts ("…, Sở A và các cơ quan, đơn vị có
# liên quan") and an unnamed member closing a list of bodies ("Các Sở, ngành, đơn vị").
_OPEN_TAIL = re.compile(r"\s*(?:,|\bvà\b|\bcùng\b)\s*(?:các\s+)?(?:cơ quan|đơn vị|tổ chức|địa phương|cá nhân)\b"
                        r"[^;]{0,80}?\bliên\s+quan\b", re.I)
_LAST_MEMBER = re.compile(r"\s*(?:,|\bvà\b)\s*(?:các\s+)?" + _alt(_ROLES["unnamed_members"]).pattern + r"\s*$", re.I)


def _trim_piece(piece: str) -> str:
    """A field's leftover text as a name: without an open-ended tail or unnamed members."""
    if m := _OPEN_TAIL.search(piece):
        piece = piece[:m.start()]
    for _ in range(4):
        m = _LAST_MEMBER.search(piece)
        if not m or m.start() == 0:
            break
        piece = piece[:m.start()]
    return piece.strip(" ,;.-–\n*_:()")


def _within(node: Node, scope: Node) -> bool:
    return any(a is scope for a in node.ancestors())


def _canonical(raw: str, ctx: Context) -> tuple[str, str | None] | None:
    """The agency extractor's name for a raw name, or None (open-ended or unknown)."""
    if not raw or _OPEN_ENDED.search(raw):
        return None
    try:
        return canonical_agency(raw, ctx)
    except Exception:  # noqa: BLE001 — a cell the agency reader cannot take names nobody
        return None


def _is_past(deadline: dict, issued: str | None, year: int | None) -> bool:
    """A period over before the document was issued ("Từ ngày 07 đến ngày 09/9/2023, … đã
    xảy ra mưa lớn") is no task's time limit."""
    return is_past(deadline, issued, year, keep_strong=True)


@component("tasks", requires=("text", "document", "agencies", "agency_analysis"))
def extract_tasks(ctx: Context, *, find_agencies=None, find_deadlines=None) -> Section:
    """Tasks of a document, as contract dicts with the spans of their text.

    ``find_agencies(ctx, start, end)`` and ``find_deadlines(text, year)`` default to the
    agencies and deadlines extractors; tests may pass their own.
    """
    find_agencies = find_agencies or default_find_agencies
    find_deadlines = find_deadlines or default_find_deadlines
    body_end = len(ctx.text.body)
    hits = [_as_hit(h) for h in (find_agencies(ctx, 0, body_end) if find_agencies else [])]
    ex = _Extractor(ctx, hits, find_deadlines)
    section = Section()
    seen: set[int] = set()
    tables = _tables(ctx)
    cut = [(t.start, t.end) for t in tables if t.start >= 0]
    breaks = frozenset(_line_breaks(ctx.text.text, hits))
    roots = parse_outline(ctx, cut, breaks)
    amended = amended_spans(ctx.text.body)
    for scope, kind in task_scopes(roots, ctx.document.get("doc_type")):
        for node in _task_nodes(scope, amended):
            if id(node) in seen:
                continue
            seen.add(id(node))
            found = ex.task(node, scope, kind)
            if found:
                section.items.append(found[0])
                section.spans.append(found[1])
    doc_type = (ctx.document.get("doc_type") or "").upper()
    letter = doc_type in _REQUEST_KINDS or (not doc_type and _KINH_GUI.search(ctx.text.body))
    if not section.items and not tables and letter:
        for node in _loose_requests(ctx.text.body, ex.doc):  # a letter whose request is a paragraph
            found = ex.task(node, node, "request")
            if found:
                section.items.append(found[0])
                section.spans.append(found[1])
    for table in tables:
        prefix = _table_prefix(roots, ctx.text.body, table.start)
        for i, row in enumerate(table.rows, start=1):
            item, spans = ex.row_task(table, row, row_ref(prefix, row, i))
            section.items.append(item)
            section.spans.append(spans)
    return section


def _line_breaks(text: str, hits: list[Hit]):
    """Offsets of the line breaks inside the names found."""
    for h in hits:
        i = text.find("\n", h.start, h.end)
        while i >= 0:
            yield i
            i = text.find("\n", i + 1, h.end)


def _loose_requests(body: str, doc: _Doc) -> list[Node]:
    """The paragraphs of a letter with no numbered items that ask something of a body:
    a request verb ("đề nghị bộ, ngành, địa phương khẩn trương tổng hợp …") or a subject with
    its role ("Bộ X chủ trì, phối hợp với …"); not its preamble, narration or closing formula.
    ``ref`` is None: the paragraph has no marker."""
    start = 0
    if m := _KINH_GUI.search(body):  # after the addressees
        start = body.find("\n", m.end()) + 1
        while start and _ADDRESS_LINE.match(body, start):
            nxt = body.find("\n", start)
            start = nxt + 1 if nxt >= 0 else len(body)
    out = []
    for s, e in _paragraphs(body, start):
        text = clean(body[s:e])
        if not text or _PREAMBLE.match(text) or is_closing(text) or _only_closing(text) or _NOTICE.search(text):
            continue
        subjects, at = doc.subjects(s, e)
        if _REQUEST_VERB.search(text) or (subjects and doc.opening_role(at, e)):
            node = Node(kind="number", marker="", heading=text, start=s, end=e, heading_span=(s, e))
            node.ref = None
            out.append(node)
    return out


def _paragraphs(body: str, start: int):
    """(start, end) of the paragraphs from ``start`` to the recipients block: lines joined
    until one ends a sentence (a web page wraps a paragraph at any word)."""
    pos, first = start, None
    for line in body[start:].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        if is_stop(line):
            break
        first = s if first is None else first
        if re.search(r"[.;:!?]\W*$", line) or not line.strip():
            yield first, e
            first = None
    if first is not None:
        yield first, pos - 1


def _tables(ctx: Context) -> list[Table]:
    return [t for t in find_tables(ctx) if 0 <= t.start < len(ctx.text.body)]


def _table_prefix(roots: list[Node], body: str, start: int) -> str:
    """The ref a table's rows hang from: the appendix it is in ("PL", "PLII"), else the
    section (Roman numeral or article) it follows, else nothing."""
    section = None
    for root in roots:
        for node in root.walk():
            if node.start < start and (node.parent is None or node.kind in ("roman", "article")):
                section = node
    appendix_at, part = -1, None
    pos = 0
    for line in body[:start].split("\n"):
        if (p := appendix_part(line)) is not None:
            appendix_at, part = pos, p
        pos += len(line) + 1
    if part is not None and (section is None or section.start < appendix_at):
        return part
    return section.ref if section is not None else ""
