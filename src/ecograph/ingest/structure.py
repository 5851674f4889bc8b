"""The structure of a Chinese official document: its header, its sections and its closing.

Official documents (公文) follow one layout (GB/T 9704): a document number (文号) such as
``示政办发〔2025〕12号`` (also written with ``[]`` or ``()``), a signer line (``签发人：``), a title
(``X关于Y的通知``), the addressees (``各区人民政府：``), a body whose headings are numbered
``一、``, ``（一）``, ``1.``, ``（1）`` and whose items run inline as ``一是…二是…``, often a
closing paragraph
``下一步，…``, then the issuer's name and the date (``2025年8月7日`` or ``二〇二五年八月七日``), and
below a rule the copies (``抄送：``) and the printing line (``X 2025年8月8日印发``).

:func:`parse_structure` finds these in a document's text (as :mod:`.readers` returns it, with
Markdown ``#`` and ``**`` tolerated) and returns them with offsets into that text, so that every
section's ``start`` and every quote is the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "DATE",
    "DOC_NUMBER",
    "HeaderFact",
    "Section",
    "Structure",
    "iso_date",
    "parse_structure",
]

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGIT.update({"七": 7, "八": 8, "九": 9})
_NUM = "一二三四五六七八九十"

#: a document number: issuer code, year in brackets of any of the usual kinds, serial, 号
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}[〔\[［【（(]\s*((?:19|20)\d{2})\s*[〕\]］】）)]\s*第?\s*(\d{1,5})\s*号"
)
#: a date in digits or in Chinese numerals
DATE = re.compile(
    r"((?:19|20)\d{2}|[〇零○一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_GENRE = (
    "答复函|复函|通知|通报|方案|意见|办法|细则|规定|决定|报告|批复|规划|计划|要点|目标|纲要|措施"
    "|条例|公告|函|简报|总结|指南"
)
_TITLE_ABOUT = re.compile(rf"关于.{{2,}}(?:{_GENRE})$")
_TITLE_GENRE = re.compile(rf".{{4,}}(?:{_GENRE})(?:[（(].{{1,30}}[）)])?$")
_LEVEL_PATTERNS = (
    (1, re.compile(rf"^([{_NUM}]{{1,3}})、")),
    (2, re.compile(rf"^[（(]([{_NUM}]{{1,3}})[）)]")),
    (3, re.compile(r"^(\d{1,2})[.．、](?!\d)")),
    (4, re.compile(r"^[（(](\d{1,2})[）)]")),
)
_ITEM = re.compile(rf"(?:^|(?<=[。；;：:]))\s*([{_NUM}]{{1,3}})是")
_NEXT = re.compile(r"^下一步[，,：:\s]")
_SIGNER = re.compile(r"^签发人\s*[:：]\s*(\S.{0,20}?)\s*$")
_CONTACT = re.compile(r"联系人\s*[:：]\s*([\u4e00-\u9fff·]{2,8})")
_CC = re.compile(r"^抄\s*送\s*[:：]\s*(.+?)[。.]?\s*$")
_PRINTED = re.compile(r"印\s*发\s*$")
_PAGE_MARK = re.compile(r"[—\-–]\s*\d{1,4}\s*[—\-–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?")
_ATTACHMENT = re.compile(r"^附件\d*[:：]?$")
_NOTE_LINE = re.compile(r"[（(][^（）()]{2,20}[）)]")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|—{2,})\s*$")
_MD = re.compile(r"^\s*#{1,6}\s*")
_BOLD = re.compile(r"^\*\*(.*)\*\*$")
_WS = re.compile(r"\s+")
_LIST_SEPARATORS = re.compile(r"[、，,；;]")


def _cn_int(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20; digits as they are."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0))
    value = 0
    for ch in text:
        value = value * 10 + _CN_DIGIT.get(ch, 0)
    return value


def iso_date(match: re.Match[str]) -> str | None:
    """``2025年8月7日`` / ``二〇二五年八月七日`` → ``2025-08-07`` (None if it is no date)."""
    year, month, day = (_cn_int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@dataclass(frozen=True)
class Line:
    start: int  # offset of the cleaned text in the document
    end: int
    text: str  # the line without Markdown marks and surrounding blanks
    heading: bool = False  # a Markdown heading (#)


@dataclass
class Section:
    """One section of the document: from ``start`` to the next section's start."""

    id: str
    label: str  # zh, as printed (a heading line, or a name for the header and closing)
    kind: str  # head | intro | heading | next | item | closing | distribution
    level: int
    order: int
    start: int  # offset in the text
    start_text: str  # verbatim text at which it begins, unique in the document
    parent: str | None = None
    end: int = 0
    english: str | None = None  # for the structural sections only (header, closing …)


@dataclass(frozen=True)
class HeaderFact:
    """Something the header or closing states about the document, with where it says so."""

    role: str  # issuer | signer | addressee | cc | printer | contact | number | date | printed
    value: str
    start: int  # the quote: text[start:end]
    end: int


@dataclass
class Structure:
    text: str
    title: str | None = None
    title_span: tuple[int, int] | None = None
    number: str | None = None
    date: str | None = None
    printed: str | None = None
    facts: list[HeaderFact] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    body: tuple[int, int] = (0, 0)  # offsets of the body (after the header, before the closing)

    def section_at(self, offset: int) -> Section | None:
        found = None
        for section in self.sections:
            if section.start <= offset:
                found = section
            else:
                break
        return found


def _lines(text: str) -> list[Line]:
    lines = []
    position = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        start, end = position, position + len(body)
        position += len(raw)
        heading = bool(_MD.match(body))
        cleaned = _MD.sub("", body)
        start += len(body) - len(cleaned)
        stripped = cleaned.strip()
        if not stripped or _PAGE_MARK.fullmatch(stripped):
            continue  # blank, or a page number (— 1 —, 第2页) the PDF's text layer keeps
        start += len(cleaned) - len(cleaned.lstrip())
        end = start + len(stripped)
        bold = _BOLD.match(stripped)
        if bold and bold.group(1).strip():
            inner = bold.group(1)
            lead = 2 + len(inner) - len(inner.lstrip())
            stripped = inner.strip()
            start += lead
            end = start + len(stripped)
        lines.append(Line(start, end, stripped, heading))
    return lines


def _compact(text: str) -> str:
    return _WS.sub("", text)


class _Unique:
    """Shortest verbatim starts that occur first where their section begins (the loader finds
    a section by the first occurrence of its start in the whitespace-free text)."""

    def __init__(self, text: str):
        self.text = text
        self.compact = _compact(text)
        # offset in text -> offset in compact text
        self.index = []
        count = 0
        for ch in text:
            self.index.append(count)
            if not ch.isspace():
                count += 1
        self.index.append(count)

    def start(self, offset: int, limit: int, minimum: int = 4) -> str:
        target = self.index[offset]
        end = offset
        best = self.text[offset:limit]
        limit = min(len(self.text), limit + 160)  # past the line when it is not unique there
        while end < limit:
            end += 1
            piece = self.text[offset:end]
            if len(_compact(piece)) < minimum and end < limit:
                continue
            if self.compact.find(_compact(piece)) == target:
                best = piece
                break
        # verbatim but for line breaks, which the loader ignores as it ignores all whitespace
        return re.sub(r"[ \t\u3000]*\n\s*", "", best).rstrip()


def _title(lines: list[Line]) -> tuple[int, Line, int] | None:
    """The title line (index, line, index of its last line when it wraps)."""
    window = lines[:15]
    for pattern in (_TITLE_ABOUT, _TITLE_GENRE):
        for index, line in enumerate(window):
            flat = _compact(line.text)
            if DOC_NUMBER.fullmatch(flat) or _SIGNER.match(line.text):
                continue
            if pattern.search(flat):
                return index, line, index
            if (
                pattern is _TITLE_ABOUT
                and "关于" in flat
                and index + 1 < len(window)
                and _TITLE_GENRE.search(_compact(window[index + 1].text))
                and len(flat) < 40
            ):
                return index, line, index + 1
    for index, line in enumerate(window):
        if line.heading:
            return index, line, index
    for index, line in enumerate(window):
        if not DOC_NUMBER.fullmatch(_compact(line.text)) and not _SIGNER.match(line.text):
            return index, line, index
    return None


def _split_names(value: str, start: int) -> list[tuple[str, int, int]]:
    """``市政协办公室，市政协提案委员会`` → the names with their offsets."""
    names = []
    position = 0
    for part in _LIST_SEPARATORS.split(value):
        offset = value.find(part, position)
        position = offset + len(part)
        name = part.strip()
        if name:
            lead = len(part) - len(part.lstrip())
            names.append((name, start + offset + lead, start + offset + lead + len(name)))
    return names


def parse_structure(text: str, doc_id: str) -> Structure:
    """The header facts and the sections of ``text``, the document ``doc_id``."""
    lines = _lines(text)
    result = Structure(text)
    if not lines:
        return result
    facts = result.facts

    # --- header: number, signer, title, addressees
    header_end = 0  # index of the first body line
    for index, line in enumerate(lines[:15]):
        flat = _compact(line.text)
        doc_number = DOC_NUMBER.search(line.text)
        if (
            doc_number
            and result.number is None
            and len(flat) <= len(_compact(doc_number.group(0))) + 12
        ):
            result.number = _compact(doc_number.group(0))
            facts.append(HeaderFact("number", result.number, line.start, line.end))
            header_end = max(header_end, index + 1)
        signer = _SIGNER.match(line.text)
        if signer:
            facts.append(HeaderFact("signer", signer.group(1), line.start, line.end))
            header_end = max(header_end, index + 1)
    for index, line in enumerate(lines[:12]):
        # a date of its own near the top (plans, targets): the issue date, its issuer above it
        flat = _compact(line.text)
        if DATE.fullmatch(flat) and index > 0:
            date = DATE.search(line.text)
            result.date = iso_date(date) if date else None
            above = _compact(lines[index - 1].text)
            if len(above) <= 30 and not re.search(r"[。，,；：:“”（）()]", above):
                facts.append(HeaderFact("issuer", above, lines[index - 1].start, line.end))
            break
    title = _title(lines)
    if title is not None:
        _first, line, last = title
        result.title_span = (line.start, lines[last].end)
        result.title = _compact(text[line.start : lines[last].end])
        header_end = max(header_end, last + 1)
        raw_title = text[line.start : lines[last].end]
        about = raw_title.find("关于")
        if about > 1:
            # 示例市科学技术局 示例市财政局关于…: joint issuers, one per name
            for issuer in re.split(r"[\s、]+", raw_title[:about].strip()):
                if len(issuer) >= 2:
                    facts.append(HeaderFact("issuer", issuer, line.start, lines[last].end))
        for index in range(last + 1, min(last + 4, len(lines))):
            candidate = lines[index]
            if candidate.text.endswith((":", "：")) and "。" not in candidate.text:
                names = candidate.text[:-1]
                if len(names) <= 80:
                    for name, _start, _end in _split_names(names, candidate.start):
                        facts.append(HeaderFact("addressee", name, candidate.start, candidate.end))
                    header_end = index + 1
                break
    # --- closing: from the end, the printing line, the copies, the date and the issuer
    closing_start = len(lines)
    distribution_start = len(lines)
    index = len(lines) - 1
    ordinary = 0  # lines passed that are no part of a closing
    while index > header_end:
        line = lines[index]
        flat = _compact(line.text)
        if _RULE.match(line.text):
            distribution_start = min(distribution_start, index)
        elif _PRINTED.search(flat) and len(flat) <= 60:
            date = DATE.search(line.text)
            if date:
                result.printed = iso_date(date)
                facts.append(HeaderFact("printed", result.printed or "", line.start, line.end))
            printer = line.text[: date.start()].strip() if date else ""
            start = line.start
            if not printer and index > 0 and len(_compact(lines[index - 1].text)) <= 30:
                previous = lines[index - 1]
                if not re.search(r"[。，,；：:]", previous.text) and not _RULE.match(previous.text):
                    printer, start = previous.text, previous.start
                    index -= 1
            if printer:
                facts.append(HeaderFact("printer", _compact(printer), start, line.end))
            distribution_start = min(distribution_start, index)
        elif (cc := _CC.match(line.text)) is not None:
            offset = line.start + line.text.find(cc.group(1))
            for name, _start, _end in _split_names(cc.group(1), offset):
                facts.append(HeaderFact("cc", name, line.start, line.end))
            distribution_start = min(distribution_start, index)
        elif DATE.fullmatch(flat) or (
            DATE.search(flat) and len(flat) <= 16 and not re.search(r"[。，,]", flat)
        ):
            date = DATE.search(line.text)
            result.date = iso_date(date) if date else None
            facts.append(HeaderFact("date", result.date or "", line.start, line.end))
            closing_start = index
            if index - 1 > header_end:
                previous = lines[index - 1]
                pflat = _compact(previous.text)
                if len(pflat) <= 30 and not re.search(r"[。，,；：:“”]", previous.text):
                    closing_start = index - 1
                    facts.append(HeaderFact("signature", pflat, previous.start, line.end))
            break
        elif (contact := _CONTACT.search(line.text)) is not None and len(flat) <= 60:
            facts.append(HeaderFact("contact", contact.group(1), line.start, line.end))
        elif "\t" in line.text or _ATTACHMENT.match(flat) or _NOTE_LINE.fullmatch(flat):
            pass  # a table row, an attachment's heading, （此件公开发布）: no body text
        else:
            ordinary += 1
            if ordinary > 3:
                break  # body text: the closing, if any, is further down
        index -= 1
    closing_start = min(closing_start, distribution_start)
    # a contact line between the date and the distribution belongs to the closing
    for line in lines[closing_start:distribution_start]:
        contact = _CONTACT.search(line.text)
        if contact and not any(f.role == "contact" for f in facts):
            facts.append(HeaderFact("contact", contact.group(1), line.start, line.end))

    # --- sections
    unique = _Unique(text)
    sections: list[Section] = []
    used: set[str] = set()

    def add(
        sid: str, label: str, kind: str, level: int, start: int, limit: int, parent: str | None
    ) -> Section:
        base, n = sid, 2
        while sid in used:
            sid, n = f"{base}-{n}", n + 1
        used.add(sid)
        english = {
            "head": "Header",
            "intro": "Introduction",
            "closing": "Closing",
            "distribution": "Copies and printing",
            "next": "Next steps",
        }.get(kind)
        section = Section(
            sid,
            label,
            kind,
            level,
            len(sections) + 1,
            start,
            unique.start(start, limit, minimum=min(30, len(_compact(text[start:limit])))),
            parent,
            english=english,
        )
        sections.append(section)
        return section

    top = lines[0]
    add(f"{doc_id}-head", "文头", "head", 0, top.start, top.end, None)
    body_lines = lines[header_end:closing_start]
    stack: list[tuple[int, Section]] = []  # (level, section) of the open headings
    paragraph_started = False
    for position, line in enumerate(body_lines):
        matched = None
        if len(line.text) <= 60 or not re.search(r"[。；]", line.text[:60]):
            for level, pattern in _LEVEL_PATTERNS:
                numbered = pattern.match(line.text)
                if numbered and not DATE.match(line.text):
                    matched = (level, _cn_int(numbered.group(1)))
                    break
        if matched is None and _NEXT.match(line.text):
            while stack and stack[-1][0] >= 1:
                stack.pop()
            section = add(f"{doc_id}-next", "下一步", "next", 1, line.start, line.end, None)
            stack.append((1, section))
            continue
        if matched is not None:
            level, number = matched
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = stack[-1][1] if stack else None
            sid = f"{parent.id}-{number}" if parent else f"{doc_id}-s{number}"
            label = _compact(line.text) if len(line.text) <= 60 else _compact(line.text[:40])
            heading_end = line.end
            stop = re.search(r"[。；]" if level < 3 else r"[。；，,：:]", line.text)
            if stop and stop.end() < len(line.text):
                label = _compact(line.text[: stop.start()])
                heading_end = line.start + stop.start()
            label = label.replace("**", "")
            section = add(
                sid, label, "heading", level, line.start, heading_end, parent.id if parent else None
            )
            stack.append((level, section))
            continue
        if (
            position
            and DATE.fullmatch(_compact(body_lines[position - 1].text))
            and _TITLE_GENRE.search(_compact(line.text))
            and len(line.text) <= 60
        ):
            # a cover letter's date, then the title of what it issues: the attachment
            stack.clear()
            section = add(
                f"{doc_id}-attachment",
                _compact(line.text),
                "heading",
                0,
                line.start,
                line.end,
                None,
            )
            if result.date is None:
                found_date = DATE.search(body_lines[position - 1].text)
                result.date = iso_date(found_date) if found_date else None
            continue
        if not sections[1:] and not paragraph_started:
            add(f"{doc_id}-intro", "引言", "intro", 0, line.start, line.end, None)
        paragraph_started = True
    # inline items: 一是 … 二是 … inside a section's paragraphs
    body_start = body_lines[0].start if body_lines else len(text)
    body_end = lines[closing_start].start if closing_start < len(lines) else len(text)
    result.body = (body_start, body_end)
    bounds = [s.start for s in sections] + [body_end]
    items: list[tuple[int, Section, int]] = []
    for index, section in enumerate(list(sections)):
        if section.kind not in ("heading", "next", "intro"):
            continue
        end = (
            min(b for b in bounds if b > section.start)
            if any(b > section.start for b in bounds)
            else body_end
        )
        span = text[section.start : end]
        inline = [(m.start(1), _cn_int(m.group(1))) for m in _ITEM.finditer(span)]
        numbers = [n for _, n in inline]
        if len(inline) >= 2 and numbers[:2] == [1, 2]:
            for offset, number in inline:
                items.append((section.start + offset, section, number))
        del index
    for start, parent, number in items:
        tail = text[start:]
        head = re.match(rf"[{_NUM}]{{1,3}}是(.{{2,60}}?)[。；;，,]", tail, re.S)
        label = _compact(head.group(1)) if head else _compact(tail[:30])
        limit = start + (head.end() - 1 if head else min(len(tail), 30))
        add(f"{parent.id}-{number}", label, "item", parent.level + 1, start, limit, parent.id)
    if closing_start < len(lines):
        line = lines[closing_start]
        if closing_start < distribution_start:
            add(f"{doc_id}-closing", "落款", "closing", 0, line.start, line.end, None)
    # an attachment after the closing (附件, its title, its table) is a section of its own
    for index in range(closing_start, distribution_start):
        if _ATTACHMENT.match(_compact(lines[index].text)) and index > closing_start:
            title_line = lines[index + 1] if index + 1 < distribution_start else lines[index]
            add(
                f"{doc_id}-attachment",
                _compact(title_line.text) if title_line is not lines[index] else "附件",
                "attachment",
                0,
                lines[index].start,
                title_line.end,
                None,
            )
            break
    if distribution_start < len(lines):
        line = lines[distribution_start]
        while _RULE.match(line.text) and distribution_start + 1 < len(lines):
            distribution_start += 1
            line = lines[distribution_start]
        add(f"{doc_id}-distribution", "抄送与印发", "distribution", 0, line.start, line.end, None)
    sections.sort(key=lambda s: s.start)
    for order, section in enumerate(sections, 1):
        section.order = order
    for index, section in enumerate(sections):
        section.end = sections[index + 1].start if index + 1 < len(sections) else len(text)
        if section.start + len(section.start_text) > section.end:
            # 下一步，…：一是…: the start stops where the next section begins
            section.start_text = unique.start(section.start, section.end, minimum=2)
    result.sections = sections
    unique_facts: dict[tuple[str, str], HeaderFact] = {}
    for fact in facts:
        unique_facts.setdefault((fact.role, fact.value), fact)
    result.facts = list(unique_facts.values())
    return result
