"""Candidate records from a document's text: deterministic, explained, verbatim.

No model: the structure of the document (:mod:`.structure`), the dataset's own names, naming
patterns and lexicons kept as data (:mod:`.lexicon`). Every candidate says which ``rule`` found
it and how sure that rule is (``confidence``), and cites the ``section`` and the verbatim
``quote`` it stands on. A quote is the text itself with line breaks taken out (the validator
compares quotes without whitespace), never rewritten.

Entities: a mention of a dataset entity (its zh label, an alias, a document number, a word of
``mentions:``) is a candidate with ``link:`` its id; a new name found by a pattern (a suffix
such as 实验室 or 基金 after a stem; a title in 《》 with its 文号; a phrase in “” with or without
a suffix; a gazetteer word; a person's name where a person is named) is a candidate with
``new: true``, a type, and a proposed slug.

Observations: every figure with a unit (``24.82亿元``, ``百余项``, ``第33位``, ``前20名``), with
the hedge printed beside it (超, 余, 突破, 达, 以上, 左右, 近 …), its year (from the sentence, else
the section heading), its area (a place named before it, else the dataset's subject), its
indicator (an existing one named in the clause, else the phrase before the figure) and its
status (planned for a target, done for a reported figure).

Relations: a trigger word of the lexicon between two entities of one clause; a clause without
an entity before the trigger has the dataset's subject as subject, marked ``basis: implied``;
``A、B等N`` makes A and B members of N when N is a cluster.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .lexicon import Lexicon
from .structure import DATE, DOC_NUMBER, Section, Structure

__all__ = ["Known", "extract_candidates", "propose_slug"]

_TERMINATORS = "。！？；!?;"
_CLAUSE = "，,；;：:"
_OPEN_CLOSE = {"“": "”", "《": "》", "（": "）", "(": ")", "「": "」"}
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·\-+/（）()αβγ]")
_YEAR = re.compile(r"((?:19|20)\d{2})年(初|底|末|上半年|下半年)?")
_CN_NUM = "零〇一二两三四五六七八九十百千万亿"
_SLUG_BAD = re.compile(r"[^a-z0-9]+")


def _cn_value(text: str) -> Decimal | None:
    """``百`` → 100, ``二百七十三`` → 273 (the validator's reading of Chinese numerals)."""
    from ..loader import _chinese_number

    number = _chinese_number(text)
    return None if number is None else Decimal(number)


def _plain_number(value: Decimal) -> str:
    """``Decimal('1E+3')`` → ``1000``, ``24.820`` → ``24.82``: the value without exponent."""
    text = format(value.normalize(), "f")
    return text


def propose_slug(label: str, taken: set[str]) -> str:
    """A stable, readable id for a new entity: the pinyin of its zh label (letters and digits
    kept), made unique against ``taken``. Proposed only: the curator may change it."""
    from pypinyin import lazy_pinyin

    words = [w for w in (_SLUG_BAD.sub("", p.lower()) for p in lazy_pinyin(label)) if w]
    slug = "-".join(words[:10]) or "entity"
    slug = slug[:80].strip("-")
    if not slug[0].isalnum():
        slug = f"e-{slug}"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


@dataclass
class Known:
    """What the dataset already holds: names of its entities, indicators and units."""

    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # compact name -> (id, type)
    labels: dict[str, str] = field(default_factory=dict)  # id -> zh label
    indicators: dict[str, str] = field(default_factory=dict)  # compact zh name -> id
    units: dict[str, str] = field(default_factory=dict)  # zh label -> id
    ids: set[str] = field(default_factory=set)
    types: dict[str, list[str]] = field(default_factory=dict)  # id -> its types
    subject: str | None = None


@dataclass
class Sentence:
    start: int
    end: int
    section: Section
    compact: str
    index: list[int]  # compact offset -> text offset
    #: the year the sentence before states at its start, when this one continues it after a
    #: semicolon (2024年，…第33位；…第15位)
    context_year: str | None = None

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Compact offsets [a, b) as text offsets."""
        return self.index[a], self.index[b - 1] + 1


@dataclass
class Mention:
    start: int  # compact offsets within the sentence
    end: int
    label: str
    type: str
    link: str | None
    rule: str
    confidence: float
    slug: str | None = None
    number: str | None = None  # a policy's 文号, printed after its title


def _quote(text: str, start: int, end: int) -> str:
    """The verbatim text with line breaks (and the blanks around them) taken out."""
    piece = text[start:end]
    piece = re.sub(r"[ \t\u3000]*\n[\s]*", "", piece)
    return piece.strip().rstrip("。；;，,")


class _Extractor:
    def __init__(
        self,
        text: str,
        structure: Structure,
        lexicon: Lexicon,
        known: Known,
        doc_id: str,
        subject: str | None,
        masked: str,
    ):
        self.text = text
        self.masked = masked
        self.structure = structure
        self.lexicon = lexicon
        self.known = known
        self.doc_id = doc_id
        self.subject_label: str | None = None
        self.candidates: list[dict[str, Any]] = []
        self.taken = set(known.ids)
        self.nested: list[Mention] = []
        self.new_ids: dict[tuple[str, str], str] = {}  # (label, type) -> proposed slug
        self.subject = subject
        if subject and subject.startswith("label:"):
            # the subject is a new entity the document proposes under this zh label
            self.subject_label = subject[len("label:") :]
            self.subject = propose_slug(self.subject_label, self.taken)
        self.entity_seen: dict[tuple[str, str | None], dict[str, Any]] = {}
        names = lexicon.data["names.yaml"]
        self.suffixes: dict[str, str] = dict(names.get("suffixes", {}))
        self.suffix_list = sorted(self.suffixes, key=len, reverse=True)
        self.boundaries = sorted(set(names.get("boundaries", [])), key=len, reverse=True)
        self.stop = set(names.get("stop", []))
        self.inside = list(names.get("inside", []))
        self.conjoined = set(names.get("conjoined", []))
        self.doc_title_kind = re.compile(r"(?:答复函|复函|答复|批复)$")
        self.min_stem = int(names.get("min_stem", 2))
        self.max_length = int(names.get("max_length", 28))
        self.max_quoted = int(names.get("max_quoted", 24))
        self.quoted_type = str(names.get("quoted_type", "Programme"))
        self.quoted_stop = set(names.get("quoted_stop", []))
        self.quoted_suffixes = list(names.get("quoted_suffixes", []))
        gaz = lexicon.data["gazetteer.yaml"]
        self.lexical: dict[str, str] = {}
        for kind, words in (gaz.get("places") or {}).items():
            for word in words:
                self.lexical[str(word)] = kind
        for kind, words in (gaz.get("organizations") or {}).items():
            for word in words:
                self.lexical[str(word)] = kind
        for word in gaz.get("fields", []):
            self.lexical[str(word)] = "Field"
        for word in gaz.get("designations", []):
            self.lexical[str(word)] = "Designation"
        self.place_suffixes = dict(gaz.get("place_suffixes", {}))
        self.place_stop = set(gaz.get("place_stop", []))
        self.surnames = sorted(set(gaz.get("surnames", [])), key=len, reverse=True)
        self.person_titles = list(gaz.get("person_titles", []))
        figures = lexicon.data["figures.yaml"]
        self.units: dict[str, str] = dict(figures.get("units", {}))
        self.rank_unit = str(figures.get("rank_unit", "rank"))
        self.count_units = set(figures.get("count_units", []))
        self.hedges_before = list(figures.get("hedges_before", []))
        self.hedges_after = list(figures.get("hedges_after", []))
        self.planned_figures = list(figures.get("planned_markers", []))
        self.hedge_forms: dict[str, str] = dict(figures.get("hedge_forms", {}))
        self.hedges_unqualified = set(figures.get("hedges_unqualified", []))
        triggers = lexicon.data["triggers.yaml"]
        self.triggers = list(triggers.get("triggers", []))
        self.members_of = set(triggers.get("members_of", []))
        self.nested_config: dict[str, Any] = triggers.get("nested") or {}
        self.attributive_config: dict[str, Any] = triggers.get("attributive") or {}
        self.planned = list(triggers.get("planned_markers", []))
        self.ongoing = list(triggers.get("ongoing_markers", []))
        # 我市 / 全市 speak of a city subject, 我旗 of a banner …: mentions of the subject
        self.self_names: dict[str, str] = {}
        subject_label = self.subject_label or known.labels.get(self.subject or "")
        if self.subject and subject_label:
            for word in names.get("self_references", []):
                if word[-1:] == subject_label[-1:] and word not in known.names:
                    self.self_names[word] = self.subject
        self._known_re = self._alternation({**known.names, **self.self_names})
        self._lexical_re = self._alternation(self.lexical)
        self._trigger_re = self._alternation({t["word"]: t for t in self.triggers})
        unit_words = sorted(self.units, key=len, reverse=True)
        self._counted = re.compile(r"\d(?:" + "|".join(map(re.escape, unit_words)) + r")$")
        num = rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)"
        hb = "|".join(map(re.escape, sorted(self.hedges_before, key=len, reverse=True)))
        ha = "|".join(map(re.escape, sorted(self.hedges_after, key=len, reverse=True)))
        self._figure = re.compile(
            rf"(?P<before>{hb})?(?P<num>{num})(?P<mid>{ha})?(?P<unit>"
            + "|".join(map(re.escape, unit_words))
            + rf")(?P<after>{ha})?"
        )
        self._rank = re.compile(
            rf"第(?P<n1>\d+|[{_CN_NUM}]+)(?:位|名)|(?P<first>首位|第一(?![批次个家项年届]))"
            rf"|前(?P<n2>\d+|[{_CN_NUM}]+)(?:名|位|强)|(?P<n3>\d+|[{_CN_NUM}]+)强"
        )

    @staticmethod
    def _alternation(words: dict[str, Any]) -> re.Pattern[str] | None:
        keys = sorted((k for k in words if k), key=lambda k: (-len(k), k))
        if not keys:
            return None
        return re.compile("|".join(map(re.escape, keys)))

    # ------------------------------------------------------------------ sentences

    def sentences(self) -> list[Sentence]:
        out: list[Sentence] = []
        body_start, body_end = self.structure.body
        for section in self.structure.sections:
            if section.kind in ("closing", "distribution"):
                continue
            if section.kind == "head":
                if self.structure.title_span is None:
                    continue
                start, end = self.structure.title_span
            elif section.kind == "attachment":
                start, end = section.start, section.end
            else:
                start, end = max(section.start, body_start), min(section.end, body_end)
            if start >= end:
                continue
            cuts = [start]
            if section.kind == "heading":
                line_end = self.text.find("\n", start, end)
                if line_end > 0:
                    cuts.append(line_end)
            for position in range(start, end):
                ch = self.text[position]
                if ch in _TERMINATORS:
                    cuts.append(position + 1)
                elif ch == "\n" and "\t" in self.text[cuts[-1] : position]:
                    cuts.append(position + 1)
            cuts.append(end)
            cuts = sorted(set(cuts))
            for a, b in itertools.pairwise(cuts):
                compact, index = [], []
                for position in range(a, b):
                    ch = self.masked[position]
                    if not ch.isspace():
                        compact.append(ch)
                        index.append(position)
                if len(compact) >= 2:
                    sentence = Sentence(a, b, section, "".join(compact), index)
                    previous = out[-1] if out and out[-1].section is section else None
                    if previous is not None and previous.compact[-1:] in "；;":
                        lead = _YEAR.match(previous.compact)
                        sentence.context_year = lead.group(1) if lead else previous.context_year
                    out.append(sentence)
        return out

    def clause_bounds(self, sentence: Sentence, at: int) -> tuple[int, int]:
        """The clause (between commas, semicolons and colons outside brackets) holding ``at``."""
        text = sentence.compact
        depth = 0
        cuts = [0]
        for i, ch in enumerate(text):
            if ch in _OPEN_CLOSE:
                depth += 1
            elif ch in _OPEN_CLOSE.values():
                depth = max(0, depth - 1)
            elif ch in _CLAUSE and depth == 0:
                cuts.append(i + 1)
        cuts.append(len(text))
        for a, b in itertools.pairwise(cuts):
            if a <= at < b:
                return a, b
        return 0, len(text)

    def cite(self, sentence: Sentence, a: int, b: int) -> dict[str, str] | None:
        start, end = sentence.span(a, b)
        quote = _quote(self.text, start, end)
        if not quote or "█" in self.masked[start:end]:
            return None
        return {"section": sentence.section.id, "quote": quote}

    # ------------------------------------------------------------------ entities

    def _protected(self, text: str) -> list[tuple[int, int]]:
        """Spans inside 《》 (titles), which hold no other names."""
        return [(m.start(), m.end()) for m in re.finditer(r"《[^《》]{2,80}》", text)]

    def _left_boundary(self, text: str, end: int, floor: int) -> int:
        """Scan left from ``end`` to where a name begins."""
        i = end
        quoted = False
        while i > floor:
            if text[i - 1 : i] in self.conjoined and i - 1 > floor and i != end:
                # 企业家与科学家“握手”行动: a short word joined by 与 belongs to the name
                j = i - 1
                k = j
                while (
                    k > floor
                    and re.match(r"[\u4e00-\u9fff]", text[k - 1])
                    and not any(
                        text.startswith(b, k - len(b))
                        for b in self.boundaries
                        if k - len(b) >= floor
                    )
                ):
                    k -= 1
                left = text[k:j]
                if (
                    2 <= len(left) <= 7
                    and not any(left.endswith(sfx) for sfx in self.suffix_list)
                    and left not in self.lexical
                    and left not in self.known.names
                ):
                    i = k
                    continue
            if any(
                text.startswith(b, i - len(b)) for b in self.boundaries if i - len(b) >= floor
            ) and not any(
                text.startswith(w, j)
                for w in self.inside
                for j in range(max(0, i - len(w)), i)
                if j + len(w) > i - 1
            ):
                break
            if self._counted.search(text, max(floor, i - 8), i):
                break  # 4个国家重点研发计划项目: the name begins after the count
            suffix = next((s for s in self.suffix_list if text.startswith(s, i - len(s))), None)
            if suffix and len(suffix) > 1 and i - len(suffix) >= floor and i != end:
                i -= len(suffix)
                continue
            ch = text[i - 1]
            if ch in "”“":
                if ch == "”" and not quoted:
                    opening = text.rfind("“", floor, i - 1)
                    if opening < 0:
                        break
                    i, quoted = opening, True
                    continue
                break
            if ch in ")）":
                opening = max(text.rfind("(", floor, i - 1), text.rfind("（", floor, i - 1))
                if opening < 0 or i - 1 - opening > 8:
                    break
                i = opening
                continue
            if not _NAME_CHARS.match(ch) or ch in "()（）":
                break
            i -= 1
        return i

    def find_mentions(self, sentence: Sentence) -> list[Mention]:
        text = sentence.compact
        found: list[Mention] = []
        titles = self._protected(text)

        def inside_title(a: int, b: int) -> bool:
            return any(s < a and b < e for s, e in titles)

        if self._known_re is not None:
            for m in self._known_re.finditer(text):
                if m.group(0) in self.self_names:
                    found.append(
                        Mention(
                            m.start(),
                            m.end(),
                            m.group(0),
                            "AdministrativeArea",
                            None,
                            "self-reference",
                            0.9,
                            slug=self.subject,
                        )
                    )
                    continue
                entity, kind = self.known.names[m.group(0)]
                found.append(Mention(m.start(), m.end(), m.group(0), kind, entity, "name", 0.95))
                for i in range(m.start(), m.end()):  # 示例市 inside 示例市实验室
                    inside = self._known_re.match(text, i, m.end())
                    if inside and (inside.start(), inside.end()) != m.span():
                        word = inside.group(0)
                        if word in self.known.names:
                            ident, what = self.known.names[word]
                            found.append(
                                Mention(
                                    inside.start(), inside.end(), word, what, ident, "name", 0.95
                                )
                            )
        if self._lexical_re is not None:
            for m in self._lexical_re.finditer(text):
                if inside_title(m.start(), m.end()):
                    continue
                kind = self.lexical[m.group(0)]
                found.append(Mention(m.start(), m.end(), m.group(0), kind, None, "gazetteer", 0.8))
        for s, e in titles:
            title = text[s + 1 : e - 1]
            kind = "Proposal" if re.search(r"(?:提案|建议)$", title) else "PolicyDocument"
            mention = Mention(s + 1, e - 1, title, kind, None, "title-in-brackets", 0.85)
            number = re.match(r"[（(](" + DOC_NUMBER.pattern + r")[）)]", text[e:])
            if number:
                mention.number = re.sub(r"\s", "", number.group(1))  # （示政发〔2025〕8号）
            found.append(mention)
        # suffix patterns
        for suffix in self.suffix_list:
            for m in re.finditer(re.escape(suffix), text):
                end = m.end()
                if inside_title(m.start(), end):
                    continue
                # the longest suffix ending here decides the type
                longest = next(s for s in self.suffix_list if text.startswith(s, end - len(s)))
                if longest != suffix:
                    continue
                if len(suffix) == 1 and end < len(text) and not self._word_end(text, end):
                    continue  # 奖励, 布局: the character begins another word
                floor = self.clause_floor(text, m.start())
                start = self._left_boundary(text, m.start(), floor)
                paren = re.match(r"[(（][\u4e00-\u9fff]{2,4}[)）]", text[end:])
                if paren and suffix in ("大学", "学院"):
                    end += paren.end()  # 中国矿业大学(北京)
                label = text[start:end]
                if (
                    len(label) - len(suffix) < self.min_stem
                    or len(label) > self.max_length
                    or label in self.stop
                    or label.startswith(("”", "）", ")"))
                ):
                    continue
                found.append(
                    Mention(
                        start, end, label, self.suffixes[suffix], None, f"suffix:{suffix}", 0.65
                    )
                )
        # quoted names
        for m in re.finditer(r"“([^“”]{1,40})”", text):
            inner = m.group(1)
            if inside_title(m.start(), m.end()) or len(inner) > self.max_quoted:
                continue
            if inner in self.quoted_stop and not self._suffix_after(text, m.end()):
                continue
            end = m.end()
            after = self._suffix_after(text, end)
            kind = self.quoted_type
            rule = "quoted"
            if after:
                end, suffix = after
                kind = self.suffixes.get(suffix, self.quoted_type)
                rule = f"quoted+suffix:{suffix}"
            start = m.start()
            stem = self._subject_stem()
            if rule == "quoted" and stem and text.endswith(stem, 0, start):
                start -= len(stem)  # 鄂尔多斯“能创谷”: the subject's own name before the quote
            elif rule != "quoted" and text[start - 1 : start] != "”":
                floor = self.clause_floor(text, start)
                left = self._left_boundary(text, start, floor)
                prefix = text[left:start]
                # 科技型中小企业“双倍增”行动: a name before the quote is no part of it
                if not any(prefix.endswith(w) for w in self.lexical if len(w) >= 3) and not any(
                    prefix.endswith(sfx) for sfx in self.suffix_list
                ):
                    start = left
            label = text[start:end]
            if len(label) < 3:
                continue
            found.append(
                Mention(start, end, label, kind, None, rule, 0.55 if rule == "quoted" else 0.65)
            )
        # place names by suffix
        for suffix, kind in sorted(self.place_suffixes.items(), key=lambda kv: -len(kv[0])):
            for m in re.finditer(re.escape(suffix), text):
                for size in (4, 3, 2):
                    start = m.start() - size
                    if start < 0:
                        continue
                    label = text[start : m.end()]
                    if not re.fullmatch(r"[\u4e00-\u9fff]+", label) or label in self.place_stop:
                        continue
                    if any(label.endswith(s) for s in self.place_stop):
                        continue
                    if text[m.end() : m.end() + 1] in ("级", "份", "委", "长", "属"):
                        continue  # 省级, 市委: no place name
                    floor = self.clause_floor(text, m.start())
                    left = self._left_boundary(text, m.start(), floor)
                    if left != start:
                        continue
                    found.append(Mention(start, m.end(), label, kind, None, f"place:{suffix}", 0.6))
                    break
        found.extend(self.people(text))
        return self._resolve(found, text)

    def _word_end(self, text: str, at: int) -> bool:
        """Whether a word may end before ``at``: punctuation, a boundary word or 等 follows."""
        if at >= len(text) or not _NAME_CHARS.match(text[at]) or text[at] in "()（）":
            return True
        return any(text.startswith(b, at) for b in self.boundaries) or any(
            text.startswith(t["word"], at) for t in self.triggers
        )

    def _suffix_after(self, text: str, at: int) -> tuple[int, str] | None:
        """The first name suffix within 8 characters after ``at``, before any punctuation or
        boundary word (“三清零”行动, “双城”共建 yes; “双城”…为目标 no)."""
        window = text[at : at + 10]
        cut = re.search(r"[，,。；;、：:“”《》()（）]", window)
        if cut:
            window = window[: cut.start()]
        suffixes = [*self.suffix_list, *self.quoted_suffixes]
        for position in range(min(len(window), 9)):
            found = [s for s in suffixes if window.startswith(s, position)]
            if found:
                # the longest suffix starting here, extended to a longer one ending later
                best = max(found, key=len)
                ends = [
                    (position + len(s), s)
                    for s in suffixes
                    if window.find(s, position) == position and s.startswith(best[:1])
                ]
                end, suffix = max(ends)
                return at + end, suffix
            if any(
                window.startswith(b, position)
                for b in self.boundaries
                if len(b) > 1 or b in "等和与及"
            ):
                return None
        return None

    def clause_floor(self, text: str, at: int) -> int:
        depth = 0
        floor = 0
        for i in range(at):
            ch = text[i]
            if ch in _OPEN_CLOSE:
                depth += 1
            elif ch in _OPEN_CLOSE.values():
                depth = max(0, depth - 1)
            elif ch in "，,；;：:、。" and depth == 0:
                floor = i + 1
        return floor

    def people(self, text: str) -> list[Mention]:
        found = []
        name = "(?:" + "|".join(map(re.escape, self.surnames)) + r")[\u4e00-\u9fff]{1,2}"
        # a list of names ending 等院士 / 院士
        for m in re.finditer(rf"((?:{name})(?:、(?:{name}))*)等?(?:两院)?院士", text):
            offset = m.start(1)
            for part in m.group(1).split("、"):
                if 2 <= len(part) <= 4:
                    found.append(
                        Mention(
                            offset,
                            offset + len(part),
                            part,
                            "Academician",
                            None,
                            "person:academician",
                            0.8,
                        )
                    )
                offset += len(part) + 1
        titles = "|".join(re.escape(t) for t in self.person_titles if t != "院士")
        if titles:
            for m in re.finditer(rf"(?<![\u4e00-\u9fff])({name})(?:{titles})", text):
                found.append(
                    Mention(m.start(1), m.end(1), m.group(1), "Person", None, "person:title", 0.6)
                )
        return found

    def _resolve(self, found: list[Mention], text: str) -> list[Mention]:
        """Overlapping mentions: the longest wins; on a tie a dataset name, then a lexicon
        word, then a pattern."""
        rank = {"name": 0, "gazetteer": 1, "title-in-brackets": 1}
        found.sort(key=lambda m: (-(m.end - m.start), rank.get(m.rule, 2), m.start, m.label))
        kept: list[Mention] = []
        for mention in found:
            if any(not (mention.end <= k.start or k.end <= mention.start) for k in kept):
                continue
            kept.append(mention)
        kept.sort(key=lambda m: m.start)
        # names inside a longer name (乌审旗 in 乌审旗现代煤化工创新技术中试基地) are entities
        # too, but no end of a relation of the sentence
        self.nested = []
        for mention in found:
            if mention in kept or mention.rule.startswith(("quoted", "self-reference")):
                continue
            outer = [k for k in kept if k.start <= mention.start and mention.end <= k.end]
            if outer and mention.rule.startswith("suffix:"):
                rest = text[mention.end : outer[0].end]
                tail = next((x for x in self.suffix_list if rest.endswith(x)), None)
                if mention.start != outer[0].start or tail is None or len(rest) - len(tail) < 2:
                    continue  # 首个“零碳机场”技术|系统: no name of its own
            if not outer or any(
                not (mention.end <= n.start or n.end <= mention.start) for n in self.nested
            ):
                continue
            mention.rule = f"nested:{mention.rule}"
            mention.confidence = round(mention.confidence - 0.1, 2)
            self.nested.append(mention)
        return kept

    def entity_id(self, mention: Mention) -> str:
        if mention.link:
            return mention.link
        if mention.slug:
            return mention.slug
        if mention.label == self.subject_label and self.subject:
            return self.subject
        key = (mention.label, mention.type)
        if key not in self.new_ids:
            self.new_ids[key] = propose_slug(mention.label, self.taken)
        return self.new_ids[key]

    def add_entity(self, sentence: Sentence, mention: Mention) -> None:
        if mention.rule == "self-reference":
            return  # 我市: the subject itself, no name of it
        a, b = self.clause_bounds(sentence, mention.start)
        if b - a < 8:
            a, b = 0, len(sentence.compact)
        cite = self.cite(sentence, min(a, mention.start), max(b, mention.end))
        if cite is None:
            return
        key = (mention.label if not mention.link else mention.link, mention.link)
        seen = self.entity_seen.get(key)
        if seen is not None:
            seen["mentions"] += 1
            return
        candidate: dict[str, Any] = {
            "kind": "entity",
            "label": {"zh": mention.label, "en": None},
            "type": mention.type,
            "id": self.entity_id(mention),
            "link": mention.link,
            "new": mention.link is None,
            "rule": mention.rule,
            "confidence": mention.confidence,
            "mentions": 1,
            **cite,
        }
        if mention.number:
            candidate["docNumber"] = mention.number
        if mention.link:
            candidate["label"] = {
                "zh": self.known.labels.get(mention.link, mention.label),
                "en": None,
            }
            candidate["mention"] = mention.label
        self.entity_seen[key] = candidate
        self.candidates.append(candidate)

    # ------------------------------------------------------------------ observations

    def status_of(self, sentence: Sentence, text: str, planned_words: list[str]) -> str:
        if any(w in text for w in planned_words) or re.search(r"到20\d{2}年", text):
            return "planned"
        if sentence.section.kind in ("next", "item") or (
            sentence.section.parent and "next" in sentence.section.parent
        ):
            return "planned"
        return "done"

    def years(self, text: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), m.group(1)) for m in _YEAR.finditer(text)]

    def year_for(self, sentence: Sentence, at: int, text: str) -> str | None:
        years = [y for y in self.years(text) if y[1] <= at]
        if not years and sentence.context_year:
            return sentence.context_year
        if not years:
            heading = self.text[sentence.section.start : sentence.section.end].split("\n", 1)[0]
            found = _YEAR.findall(heading)
            return found[0][0] if len(found) == 1 else None
        start, end, year = years[-1]
        cut = text.rfind("由", 0, at)
        if cut > end and re.fullmatch(r"由[^，,]*", text[cut:at]):
            return None  # 由132家…增长到330家: the earlier figure has no year of its own
        before = text[max(0, start - 1) : start]
        between = text[end:at]
        if before in "从自" and re.search(r"增长|提高|提升|增加|到|至", between):
            # 从2021年初77家增长至279家: the later figure belongs to the sentence's year
            first_figure = self._figure.search(text, end)
            if first_figure and first_figure.start() < at:
                leading = [y for y in self.years(text) if y[0] <= 2]
                return leading[0][2] if leading else None
        return year

    def indicator_phrase(self, sentence: Sentence, clause: tuple[int, int], at: int) -> str:
        text = sentence.compact[clause[0] : at]
        text = re.sub(r"^(?:(?:19|20)\d{2}年(?:初|底|末)?[，,]?)", "", text)
        for word in ("全市", "我市", "本市", "全区", "全省", "累计", "共", "其中", "新增"):
            if text.startswith(word):
                text = text[len(word) :]
        text = re.sub(
            r"(?:由|从|增长到|增长至|增加到|达到|达|超过|超|突破|近|约|为|是|有|实现|建成|立项|开展|实施|聘请|引进|总数)$",
            "",
            text,
        )
        text = re.sub(r"(?:由|从|增长到|增长至|达到|达|超过|超|突破|近|约|为)$", "", text)
        return text.strip("，,、：:“”")

    def add_observation(
        self,
        sentence: Sentence,
        mentions: list[Mention],
        m: re.Match[str],
        value: Decimal,
        unit: str,
        qualifier: str | None,
        rule: str,
    ) -> None:
        text = sentence.compact
        at = m.start()
        clause = self.clause_bounds(sentence, at)
        # quote: from the sentence start when the clause holds no year and the sentence opens
        # with one (2024年，全市科技支出24.82亿元), else the clause
        start = clause[0]
        if not _YEAR.search(text[clause[0] : m.end()]) and _YEAR.match(text):
            start = 0
        if m.end() - start > 160:
            start = clause[0]
        end = max(clause[1], m.end())
        cite = self.cite(sentence, start, end)
        if cite is None:
            return
        years_before = [y for y in self.years(text) if y[1] <= at]
        year = self.year_for(sentence, at, text)
        years = [year] if year else [None]
        # 2023年和2024年连续两年…: one figure for each year
        if len(years_before) >= 2:
            a, b = years_before[-2], years_before[-1]
            if text[a[1] : b[0]] in ("和", "、", "及", "与"):
                years = [a[2], b[2]]
        area = self.subject
        area_rule = "subject"
        for mention in mentions:
            if (
                mention.end <= at
                and mention.start >= clause[0]
                and mention.type
                in (
                    "AdministrativeArea",
                    "Place",
                    "Region",
                    "InnovationZone",
                )
            ):
                area = self.entity_id(mention)
                area_rule = "place-in-clause"
        indicator_id, indicator_label = None, None
        phrase = self.indicator_phrase(sentence, clause, at)
        for name, ident in sorted(self.known.indicators.items(), key=lambda kv: -len(kv[0])):
            if name and (
                name in (phrase, f"{phrase}数量")
                or (len(name) >= 3 and name in text[clause[0] : m.end()])
            ):
                indicator_id, indicator_label = ident, name
                break
        constructed = None
        if indicator_id is None:
            indicator_label = phrase or None
            if indicator_label and unit in self.count_units:
                # 高新技术企业达120家: the indicator counts them (its name is composed)
                constructed = {
                    "zh": f"原文写作“{phrase}…{unit}”，“数量”为指标名称所加。",
                    "en": f"The source counts {phrase} in {unit}; 数量 (number) names the "
                    "indicator.",
                }
                indicator_label = f"{phrase}数量"
            if indicator_label:
                key = (indicator_label, "Indicator")
                if key not in self.new_ids:
                    self.new_ids[key] = propose_slug(indicator_label, self.taken)
                indicator_id = self.new_ids[key]
        unit_id = self.known.units.get(unit) or self.units.get(unit) or unit
        if unit == self.rank_unit:
            unit_id = self.known.units.get("位次") or self.rank_unit
        status = self.status_of(sentence, text, self.planned_figures)
        # a new indicator or unit is a candidate of its own, accepted before its figures
        if indicator_id and indicator_label and indicator_id not in self.known.ids:
            self._vocabulary(indicator_id, indicator_label, "Indicator", cite, constructed)
        if unit_id not in self.known.ids:
            if unit == self.rank_unit:
                note = {
                    "zh": "原文写作“第…位”“首位”“前…名”，“位次”为单位名称。",
                    "en": "The source writes 第…位, 首位 or 前…名; 位次 (rank) names the unit.",
                }
                self._vocabulary(unit_id, "位次", "Unit", cite, note)
            else:
                self._vocabulary(unit_id, unit, "Unit", cite, None)
        for y in years:
            self.candidates.append(
                {
                    "kind": "observation",
                    "indicator": indicator_id,
                    "indicator_label": indicator_label,
                    "indicator_new": indicator_id is not None
                    and indicator_id not in self.known.ids,
                    "area": area,
                    "area_basis": "implied" if area_rule == "subject" else "explicit",
                    "year": y,
                    "value": _plain_number(value),
                    "printed": m.group(0),
                    "unit": unit_id,
                    "unit_printed": unit,
                    "qualifier": self._qualifier(qualifier),
                    "hedge": qualifier,
                    "status": status,
                    "rule": rule,
                    "confidence": 0.8 if indicator_id in self.known.ids else 0.6,
                    **cite,
                }
            )

    def _qualifier(self, hedge: str | None) -> str | None:
        """The validator's word for a hedge as printed (达到 → 达); none for a bound (累计)."""
        if hedge is None or hedge in self.hedges_unqualified:
            return None
        return self.hedge_forms.get(hedge, hedge)

    def _vocabulary(
        self,
        ident: str,
        label: str,
        kind: str,
        cite: dict[str, str],
        constructed: dict[str, str] | None,
    ) -> None:
        if ("vocab", ident) in self.entity_seen:
            return
        candidate: dict[str, Any] = {
            "kind": "entity",
            "label": {"zh": label, "en": None},
            "type": kind,
            "id": ident,
            "link": None,
            "new": True,
            "rule": f"figure:{kind.lower()}",
            "confidence": 0.6 if kind == "Indicator" else 0.8,
            "mentions": 1,
            **cite,
        }
        if constructed:
            candidate["constructed"] = constructed
        self.entity_seen[("vocab", ident)] = candidate
        self.candidates.append(candidate)

    def figures(self, sentence: Sentence, mentions: list[Mention]) -> None:
        text = sentence.compact
        skip = [
            (s, e)
            for s, e in ((m.start(), m.end()) for m in re.finditer(r"“[^“”]*”|《[^《》]*》", text))
        ]
        skip += [(m.start(), m.end()) for m in DOC_NUMBER.finditer(text)]
        skip += [(m.start(), m.end()) for m in DATE.finditer(text)]
        taken: list[tuple[int, int]] = []

        def free(a: int, b: int) -> bool:
            return not any(s <= a < e or s < b <= e for s, e in skip + taken)

        for m in self._rank.finditer(text):
            if not free(m.start(), m.end()):
                continue
            number = m.group("n1") or m.group("n2") or m.group("n3")
            if m.group("first"):
                value: Decimal | None = Decimal(1)
            else:
                value = Decimal(number) if number and number.isdigit() else _cn_value(number or "")
            if value is None or value == 0:
                continue
            qualifier = "前" if (m.group("n2") or m.group("n3")) else None
            taken.append((m.start(), m.end()))
            self.add_observation(
                sentence, mentions, m, value, self.rank_unit, qualifier, "figure:rank"
            )
        for m in self._figure.finditer(text):
            if not free(m.start("num"), m.end()):
                continue
            number = m.group("num")
            if number.isdigit() or re.fullmatch(r"\d+\.\d+", number):
                if len(number) == 4 and text[m.end("num") : m.end("num") + 1] == "年":
                    continue
                try:
                    value = Decimal(number)
                except InvalidOperation:
                    continue
            else:
                if not number.strip("万亿") or (
                    m.start("num") and text[m.start("num") - 1].isdigit()
                ):
                    continue
                value = _cn_value(number)
            if value is None:
                continue
            unit = m.group("unit")
            # 百余项: the hedge between number and unit
            qualifier = m.group("before") or m.group("mid") or m.group("after")
            if m.group("before") == "累计":
                qualifier = m.group("mid") or m.group("after")
            # 达 10 亿元 in a clause that begins with 累计…达
            if not qualifier:
                lead = text[max(0, m.start() - 2) : m.start()]
                for hedge in sorted(self.hedges_before, key=len, reverse=True):
                    if lead.endswith(hedge) and hedge != "累计":
                        qualifier = hedge
                        break
            if not qualifier and text[m.end() : m.end() + 2] in ("以上", "左右"):
                qualifier = text[m.end() : m.end() + 2]
            taken.append((m.start(), m.end()))
            self.add_observation(sentence, mentions, m, value, unit, qualifier, "figure")

    # ------------------------------------------------------------------ relations

    def relation(
        self,
        sentence: Sentence,
        s: str,
        p: str,
        o: str,
        a: int,
        b: int,
        status: str,
        basis: str,
        rule: str,
        confidence: float,
    ) -> None:
        if s == o:
            return
        cite = self.cite(sentence, a, b)
        if cite is None:
            return
        self.candidates.append(
            {
                "kind": "relation",
                "s": s,
                "p": p,
                "o": o,
                "status": status,
                "basis": basis,
                "rule": rule,
                "confidence": confidence,
                **cite,
            }
        )

    def relations(self, sentence: Sentence, mentions: list[Mention]) -> None:
        if self._trigger_re is None:
            return
        text = sentence.compact
        entities = [m for m in mentions if m.type not in ("Indicator", "Unit")]
        triggers = [
            t
            for t in self._trigger_re.finditer(text)
            if not any(m.start <= t.start() < m.end for m in mentions)
        ]
        by_word = {t["word"]: t for t in self.triggers}
        for n, match in enumerate(triggers):
            rule = by_word[match.group(0)]
            clause = self.clause_bounds(sentence, match.start())
            if rule.get("to_subject"):
                self._to_subject(sentence, rule, match, clause, entities)
                continue
            if rule.get("from_document"):
                # 《关于…的提案》悉: the document itself replies to what comes before the word
                before = [m for m in entities if clause[0] <= m.start and m.end <= match.start()]
                if before and self.doc_title_kind.search(self.structure.title or ""):
                    self.relation(
                        sentence,
                        self.doc_id,
                        rule["p"],
                        self.entity_id(before[-1]),
                        before[-1].start - 1,
                        match.end(),
                        "done",
                        "explicit",
                        f"trigger:{match.group(0)}",
                        0.8,
                    )
                continue
            limit = clause[1]
            following = [t for t in triggers[n + 1 :] if t.start() < limit]
            if following:
                limit = following[0].start()
            if rule.get("when") and rule["when"] not in text[match.end() : clause[1]]:
                continue
            before = [m for m in entities if clause[0] <= m.start and m.end <= match.start()]
            after = [m for m in entities if match.end() <= m.start and m.end <= limit]
            between = rule.get("between")
            if between:
                cut = text.rfind(between, clause[0], match.start())
                if cut < 0:
                    continue
                after = [m for m in before if m.start >= cut]
                before = [m for m in before if m.end <= cut]
            if not after and before:
                # 示例市新材料实验室…，由示例大学牵头组建: the sentence's topic is the object
                topic = self._topic(sentence, entities, clause)
                if topic is not None and topic not in before:
                    after = [topic]
            if not after:
                continue
            # 链接京津冀、长三角的人才科创飞地矩阵: the head after 的 holds the relation
            head = self._relative_head(text, after, clause)
            if head is not None:
                objects = [m for m in after if m.end <= head.start]
                status = rule.get("status") or self.relation_status(
                    sentence, text[clause[0] : clause[1]]
                )
                for target in objects:
                    s_, o_ = self.entity_id(head), self.entity_id(target)
                    if rule.get("reverse"):
                        s_, o_ = o_, s_
                    self.relation(
                        sentence,
                        s_,
                        rule["p"],
                        o_,
                        match.start(),
                        head.end,
                        status,
                        "explicit",
                        f"trigger:{match.group(0)}+的",
                        0.6,
                    )
                after = [head]
            # A、B等N: the members go to N; the trigger's object is N
            heads = self._heads(text, after)
            basis, confidence = "explicit", 0.7
            purpose = self._purpose_object(sentence, rule, clause, entities, triggers)
            topic = self._topic(sentence, entities, clause)
            how = "clause"  # where the subject came from, told to the curator
            if topic is not None and not before and purpose is None:
                before = [topic]  # 示例中试基地已建成，位于示例高新区: the sentence's topic
                confidence, how = 0.55, "the sentence's opening entity"
            if purpose is not None and not before:
                before = [purpose]  # 围绕氢能…等领域，布局科技“突围”点位: the points focus on it
                confidence, how = 0.55, "the next clause's object"
            subjects: list[str] = []
            if before and rule.get("all_before"):
                # A与B合作共建C: each of A and B
                subjects = [self.entity_id(m) for m in before]
                subject, start = subjects[-1], before[0].start
            elif before:
                subject = self.entity_id(before[-1])
                start = before[-1].start
            elif self.subject:
                subject, basis, confidence = self.subject, "implied", 0.5
                start = clause[0]
                how = "the dataset's subject (no subject in the sentence)"
            else:
                continue
            status = rule.get("status") or self.relation_status(sentence, text[clause[0] : limit])
            if sentence.section.kind in ("next", "item") and rule.get("status") == "done":
                status = self.relation_status(sentence, text[clause[0] : limit])
            pairs = [(who, target) for who in (subjects or [subject]) for target in heads]
            for who, target in pairs:
                count = len(self.candidates)
                o = self.entity_id(target)
                end = max(target.end, match.end())
                a, b = min(start, match.start(), target.start), max(end, clause[1])
                s_, o_ = (o, who) if rule.get("reverse") else (who, o)
                self.relation(
                    sentence,
                    s_,
                    rule["p"],
                    o_,
                    a,
                    b,
                    status,
                    basis,
                    f"trigger:{match.group(0)}",
                    confidence,
                )
                if len(self.candidates) > count and how != "clause":
                    self.candidates[-1]["subject_from"] = how

    def _topic(
        self, sentence: Sentence, entities: list[Mention], clause: tuple[int, int]
    ) -> Mention | None:
        """The entity a sentence opens with (after a leading 2024年，), when the clause is a
        later one of the same sentence: Chinese drops a subject that stays the same."""
        if clause[0] == 0 or not entities:
            return None
        lead = _YEAR.match(sentence.compact)
        start = 0
        if lead:
            start = lead.end()
            while start < len(sentence.compact) and sentence.compact[start] in "，, ":
                start += 1
        first = entities[0]
        if first.start != start or first.end > clause[0] or first.type in _PLACES:
            return None
        return first

    def _purpose_object(
        self,
        sentence: Sentence,
        rule: dict[str, Any],
        clause: tuple[int, int],
        entities: list[Mention],
        triggers: list[re.Match[str]],
    ) -> Mention | None:
        """``围绕/聚焦 F…，布局/建设 X``: a focus clause before one that develops X is about X."""
        if rule.get("p") != "focusesOn":
            return None
        by_word = {t["word"]: t for t in self.triggers}
        nxt = self.clause_bounds(sentence, clause[1]) if clause[1] < len(sentence.compact) else None
        if nxt is None or nxt[0] != clause[1]:
            return None
        for match in triggers:
            if nxt[0] <= match.start() < nxt[1] and by_word[match.group(0)]["p"] == "develops":
                objects = [m for m in entities if match.end() <= m.start and m.end <= nxt[1]]
                return objects[0] if objects else None
        return None

    def _relative_head(
        self, text: str, after: list[Mention], clause: tuple[int, int]
    ) -> Mention | None:
        """``…X、Y的Z``: the entity Z right after a 的 that follows the objects."""
        if len(after) < 2:
            return None
        for n, mention in enumerate(after[1:], 1):
            gap = text[after[n - 1].end : mention.start]
            if gap.endswith("的") and n == len(after) - 1:
                return mention
        return None

    def _to_subject(
        self,
        sentence: Sentence,
        rule: dict[str, Any],
        match: re.Match[str],
        clause: tuple[int, int],
        entities: list[Mention],
    ) -> None:
        """``X、Y从“样品”变为“产品”``: the entities before the word relate to the subject."""
        if not self.subject:
            return
        types = set(rule.get("types") or [])
        before = [
            m
            for m in entities
            if clause[0] <= m.start and m.end <= match.start() and (not types or m.type in types)
        ]
        status = rule.get("status") or self.relation_status(
            sentence, sentence.compact[clause[0] : clause[1]]
        )
        for mention in before:
            self.relation(
                sentence,
                self.entity_id(mention),
                rule["p"],
                self.subject,
                clause[0],
                max(clause[1], match.end()),
                status,
                "implied",
                f"trigger:{match.group(0)}",
                0.5,
            )

    def _subject_stem(self) -> str | None:
        """鄂尔多斯 of 鄂尔多斯市: the subject's zh label without its place suffix."""
        label = self.subject_label or self.known.labels.get(self.subject or "")
        if label and len(label) >= 3 and label[-1] in "市旗县区盟省州":
            return label[:-1]
        return None

    def nested_relations(self, sentence: Sentence, mentions: list[Mention]) -> None:
        """A name that holds a place, a field or an organization's name (see
        ``nested:`` in triggers.yaml)."""
        config = self.nested_config
        organizations = set(config.get("organization", {}))
        organizations |= {"University", "Organization", "Enterprise", "PoliticalParty"}
        label = self.subject_label or self.known.labels.get(self.subject or "")
        stem = self._subject_stem()
        text = sentence.compact
        # a name in a sentence about plans is a plan too (推动建设示例人才中心南城分中心)
        status = "planned" if self.relation_status(sentence, text) == "planned" else "done"
        for outer in mentions:
            inner = [n for n in self.nested if outer.start <= n.start and n.end <= outer.end]
            seen: set[str] = set()
            for mention in inner:
                target = self.entity_id(mention)
                if target in seen:
                    continue
                seen.add(target)
                p = None
                if mention.type in _AREAS:
                    p = config.get("place_in_place" if outer.type in _PLACES else "place")
                elif mention.type == "Field":
                    p = config.get("field")
                elif mention.type in organizations and mention.start == outer.start:
                    p = (config.get("organization") or {}).get(outer.type)
                if p:
                    self.relation(
                        sentence,
                        self.entity_id(outer),
                        p,
                        target,
                        outer.start,
                        outer.end,
                        status,
                        "explicit",
                        f"name:{mention.rule}",
                        0.6,
                    )
            if (
                stem
                and self.subject
                and outer.type not in ("Person", "Academician")  # 王示例 is no place's
                and stem in outer.label
                and outer.label not in (label, stem)
                and self.entity_id(outer) != self.subject
                and not any(n.label in (label, stem) for n in inner)
            ):
                p = config.get("place_in_place" if outer.type in _PLACES else "place")
                if p:
                    self.relation(
                        sentence,
                        self.entity_id(outer),
                        p,
                        self.subject,
                        outer.start,
                        outer.end,
                        status,
                        "explicit",
                        "name:subject",
                        0.6,
                    )

    def attributive(self, sentence: Sentence, mentions: list[Mention]) -> None:
        """``国家高新技术企业和科技型中小企业“双倍增”行动``: the names right before a programme
        (joined by 和, 、, 及) are what it targets (``targets:`` in triggers.yaml)."""
        config = self.attributive_config
        heads = set(config.get("heads", []))
        allowed = set(config.get("targets", []))
        text = sentence.compact
        for n, head in enumerate(mentions):
            if head.type not in heads or not n:
                continue
            chain: list[Mention] = []
            k = n - 1
            gap_end = head.start
            while k >= 0:
                mention = mentions[k]
                gap = text[mention.end : gap_end]
                if gap not in ("", "和", "、", "及") or (not chain and gap != ""):
                    break
                if mention.type not in allowed:
                    break
                chain.append(mention)
                gap_end = mention.start
                k -= 1
            for target in reversed(chain):
                self.relation(
                    sentence,
                    self.entity_id(head),
                    str(config.get("p", "targets")),
                    self.entity_id(target),
                    target.start,
                    head.end,
                    self.relation_status(sentence, text),
                    "explicit",
                    "attributive",
                    0.55,
                )

    def _heads(self, text: str, after: list[Mention]) -> list[Mention]:
        """The objects of a trigger: every entity after it, but for ``A、B等N`` only N (the
        members are related to N by :meth:`members`)."""
        for n, mention in enumerate(after):
            if (
                n
                and text[mention.start - 1 : mention.start] == "等"
                and mention.type in self.members_of
            ):
                return [mention, *after[n + 1 :]]
        return after

    def members(self, sentence: Sentence, mentions: list[Mention]) -> None:
        text = sentence.compact
        for n, head in enumerate(mentions):
            if (
                not n
                or head.type not in self.members_of
                or text[head.start - 1 : head.start] != "等"
            ):
                continue
            members = []
            k = n - 1
            while k >= 0:
                member = mentions[k]
                gap = text[member.end : (mentions[k + 1].start if k + 1 < n else head.start - 1)]
                if gap not in ("", "、"):
                    break
                members.append(member)
                k -= 1
            status = self.relation_status(sentence, text)
            for member in reversed(members):
                self.relation(
                    sentence,
                    self.entity_id(member),
                    "memberOf",
                    self.entity_id(head),
                    member.start,
                    head.end,
                    status,
                    "explicit",
                    "enumeration:等",
                    0.7,
                )

    def relation_status(self, sentence: Sentence, text: str) -> str:
        if any(w in text for w in self.planned) or sentence.section.kind in ("next", "item"):
            return "planned"
        if any(w in text for w in self.ongoing):
            return "ongoing"
        return "done"

    # ------------------------------------------------------------------ run

    def composed_names(self) -> None:
        """An organization whose name begins with another candidate's name (市政协办公室 and
        市政协): related by the outer name's type (``nested: organization:``)."""
        config = self.nested_config.get("organization", {})
        entities = [c for c in self.candidates if c["kind"] == "entity"]
        names: dict[str, dict[str, Any]] = {}
        for c in entities:
            names.setdefault(c["label"]["zh"], c)
        done = {(c["s"], c["o"]) for c in self.candidates if c["kind"] == "relation"}
        for outer in entities:
            predicate = config.get(outer["type"])
            label = outer["label"]["zh"]
            if not predicate:
                continue
            for size in range(len(label) - 2, 2, -1):
                inner = names.get(label[:size])
                if inner is None or inner is outer or inner["type"] in _PLACES:
                    continue
                pair = (outer["id"], inner["id"])
                if pair not in done and inner["id"] != outer["id"]:
                    done.add(pair)
                    self.candidates.append(
                        {
                            "kind": "relation",
                            "s": outer["id"],
                            "p": predicate,
                            "o": inner["id"],
                            "status": "done",
                            "basis": "explicit",
                            "rule": "name:begins-with",
                            "confidence": 0.6,
                            "section": outer["section"],
                            "quote": outer["quote"],
                        }
                    )
                break

    def run(self) -> list[dict[str, Any]]:
        for sentence in self.sentences():
            mentions = self.find_mentions(sentence)
            for mention in sorted([*mentions, *self.nested], key=lambda m: (m.start, -m.end)):
                self.add_entity(sentence, mention)
            if sentence.section.kind != "head":  # 第0088号提案, 十届三次会议: no figures
                self.figures(sentence, mentions)
            self.relations(sentence, mentions)
            self.members(sentence, mentions)
            self.nested_relations(sentence, mentions)
            self.attributive(sentence, mentions)
        self.composed_names()
        return self.candidates


def _header_candidates(ex: _Extractor, doc_id: str) -> None:
    """The document's own relations: issuer, signer, addressees, copies, printer, contact."""
    structure = ex.structure
    roles = {
        "issuer": ("issuedBy", "GovernmentBody"),
        "signer": ("signedBy", "Person"),
        "addressee": ("addressedTo", "Organization"),
        "cc": ("copiedTo", "Organization"),
        "printer": ("printedBy", "GovernmentBody"),
        "contact": ("contactPerson", "Person"),
    }
    for fact in structure.facts:
        if fact.role not in roles:
            continue
        predicate, default_type = roles[fact.role]
        section = structure.section_at(fact.start)
        if section is None:
            continue
        quote = _quote(ex.text, fact.start, fact.end)
        if "█" in ex.masked[fact.start : fact.end]:
            cut = ex.masked.find("█", fact.start)
            quote = _quote(ex.text, fact.start, cut).rstrip("：:;；，,电话联系")
            if fact.value not in re.sub(r"\s", "", quote):
                continue
        name = fact.value
        link = ex.known.names.get(name)
        kind = default_type
        if link is None and default_type != "Person":
            suffix = next((s for s in ex.suffix_list if name.endswith(s)), None)
            if suffix:
                kind = ex.suffixes[suffix]
            elif name in ex.lexical:
                kind = ex.lexical[name]
        if link is not None:
            entity, kind = link
        else:
            key = (name, kind)
            if key not in ex.new_ids:
                ex.new_ids[key] = propose_slug(name, ex.taken)
            entity = ex.new_ids[key]
        cite = {"section": section.id, "quote": quote}
        seen_key = (name if not link else entity, link[0] if link else None)
        if seen_key not in ex.entity_seen:
            candidate = {
                "kind": "entity",
                "label": {"zh": ex.known.labels.get(entity, name) if link else name, "en": None},
                "type": kind,
                "id": entity,
                "link": link[0] if link else None,
                "new": link is None,
                "rule": f"header:{fact.role}",
                "confidence": 0.9,
                "mentions": 1,
                **cite,
            }
            ex.entity_seen[seen_key] = candidate
            ex.candidates.append(candidate)
        ex.candidates.append(
            {
                "kind": "relation",
                "s": doc_id,
                "p": predicate,
                "o": entity,
                "status": "done",
                "basis": "explicit",
                "rule": f"header:{fact.role}",
                "confidence": 0.9,
                **cite,
            }
        )


#: places that hold other places, and those with the zones that lie in them
_AREAS = frozenset({"AdministrativeArea", "Region", "Place"})
_PLACES = _AREAS | {"InnovationZone"}
_POLICY = re.compile(r"(?:办法|细则|意见|方案|规划|计划|规定|决定|通知|纲要|要点|措施|条例|目标)$")


def extract_candidates(
    text: str,
    structure: Structure,
    lexicon: Lexicon,
    known: Known,
    *,
    doc_id: str,
    subject: str | None,
    source: dict[str, Any],
    masked: str | None = None,
) -> list[dict[str, Any]]:
    """Every candidate for the document ``doc_id``: the document, its sections, then the
    entities, observations and relations of its sentences (see the module's description).
    ``masked`` is the text with the dataset's redactions applied (same length): no quote
    covers a masked character."""
    masked = masked if masked is not None else text
    candidates: list[dict[str, Any]] = []
    head = structure.sections[0] if structure.sections else None
    title = structure.title or doc_id
    document: dict[str, Any] = {
        "kind": "document",
        "id": doc_id,
        "type": "PolicyDocument" if _POLICY.search(title) else "Document",
        "label": {"zh": title, "en": None},
        "docNumber": structure.number,
        "dateIssued": structure.date,
        "printed": structure.printed,
        "rule": "structure:title",
        "confidence": 0.9 if structure.title else 0.3,
        **source,
    }
    if structure.title_span and head is not None:
        document["section"] = structure.section_at(structure.title_span[0]).id  # type: ignore[union-attr]
        document["quote"] = _quote(text, *structure.title_span)
    candidates.append(document)
    for section in structure.sections:
        parent = section.parent or doc_id
        candidates.append(
            {
                "kind": "section",
                "id": section.id,
                "label": {"zh": section.label, "en": section.english},
                "type": "DocumentSection",
                "order": section.order,
                "level": section.level,
                "start": section.start_text,
                "partOf": parent,
                "section": section.id,
                "quote": section.start_text.strip(),
                "rule": f"structure:{section.kind}",
                "confidence": 0.9 if section.kind != "item" else 0.75,
            }
        )
    ex = _Extractor(text, structure, lexicon, known, doc_id, subject, masked)
    _header_candidates(ex, doc_id)
    candidates.extend(ex.run())
    return _check_relations(candidates, known)


def _check_relations(candidates: list[dict[str, Any]], known: Known) -> list[dict[str, Any]]:
    """One candidate per (s, p, o); each end checked against the predicate's domain and range
    in the ontology. A new entity named by a pattern whose type the predicate contradicts takes
    the type the predicate needs when that is a designation or a field (入选国家首批重点培育中试
    平台: a designation, not a platform); any other mismatch stays, marked, for the curator."""
    from ..vocab import vocabulary

    vocab = vocabulary()
    entities = {c["id"]: c for c in candidates if c["kind"] in ("entity", "document", "section")}
    types = dict(known.types)
    for ident, c in entities.items():
        types[ident] = [str(c.get("type") or "Entity")]
    kept: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for c in candidates:
        if c["kind"] != "relation":
            kept.append(c)
            continue
        key = (str(c["s"]), str(c["p"]), str(c["o"]))
        if key in seen:
            continue
        seen.add(key)
        problems = []
        for end, expected in (
            (c["s"], vocab.domains.get(c["p"])),
            (c["o"], vocab.ranges.get(c["p"])),
        ):
            if not expected:
                continue
            have = types.get(str(end))
            if not have or any(vocab.is_a(t, expected) for t in have):
                continue
            entity = entities.get(str(end))
            if entity is not None and entity.get("new") and expected in ("Designation", "Field"):
                entity["type"] = expected
                entity["type_rule"] = f"{c['p']} needs a {expected}"
                types[str(end)] = [expected]
                continue
            problems.append(f"{c['p']} expects a {expected}; {end} is a {'/'.join(have)}")
        if problems:
            c["confidence"] = round(max(0.1, float(c["confidence"]) - 0.3), 2)
            c["check"] = "; ".join(problems)
        kept.append(c)
    return kept
