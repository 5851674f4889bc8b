"""The curator's page of one inbox document (``ecograph inbox show DOC_ID --html OUT.html``).

One self-contained HTML file that needs no network and opens from ``file://``: on the left the
document's stored text (``file:`` of its document candidate, relative to the dataset folder)
with every candidate's quote highlighted in the colour of its kind and the section starts
marked; on the right the candidates grouped by kind, each with what it proposes, why (rule,
confidence), its quote, and the command lines that accept or reject it. Clicking a candidate
scrolls to its quote and flashes it; clicking a highlight selects the candidates behind it.

Finding a quote. Quotes are verbatim except for whitespace (the loader compares them with all
whitespace removed, :func:`ecograph.loader.normalize_text`), so a :class:`TextMap` searches the
whitespace-free text and maps the match back to offsets of the text as stored: first in the
candidate's own section (from its ``start`` to the next section's, as the loader cuts them),
then anywhere (flagged: the loader would refuse it there). A quote found nowhere is flagged on
its candidate.

Overlaps. Quotes overlap and nest (an entity's sentence holds a relation's words), so the text
is cut at every quote's start and end into flat segments; each segment is one ``<mark>`` that
names every quote covering it (``data-s``) and is striped in the colours of their kinds. The
markup is never nested, so it is valid whatever the spans are.

Safety. Every value of the candidates file is text to the page: escaped with
:func:`html.escape`, bidirectional controls neutralised (:mod:`ecograph.safetext`), never put
in an ``href`` or ``src`` (the page links only to its own ``#`` fragments), so ``<script>`` or
``javascript:`` in a label stays inert. The data block is JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u003c`` etc. A
Content-Security-Policy allows only the page's own script and style (by SHA-256 hash) and no
fetch of any kind. The same candidates and text give the same bytes.
"""

from __future__ import annotations

import bisect
import html
import itertools
import json
import math
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..fonts import font_face_css
from ..safetext import csp_hash, neutralise_bidi
from ..safetext import script_json as _script_json
from .inbox import KINDS, read_inbox

__all__ = [
    "FONT_STACK",
    "KIND_COLOURS",
    "InboxPage",
    "Located",
    "TextMap",
    "render_inbox_page",
    "write_inbox_page",
]

FONT_STACK = (
    '"ecograph CJK", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)
#: kind -> (highlight background, strong colour for borders and badges)
KIND_COLOURS = {
    "document": ("#e3d7fb", "#6f45bf"),
    "section": ("#cde2ff", "#2a66c9"),
    "entity": ("#ffe58f", "#a87f00"),
    "observation": ("#c4efc4", "#27803a"),
    "relation": ("#ffc8c0", "#c63b2f"),
    "other": ("#e2e2e2", "#777777"),
}
#: kind -> (zh, en) group headings
KIND_NAMES = {
    "document": ("文档", "document"),
    "section": ("章节", "section"),
    "entity": ("实体", "entity"),
    "observation": ("数据", "observation"),
    "relation": ("关系", "relation"),
    "other": ("其他", "other"),
}
_PAGE_KINDS = (*KINDS, "other")
#: the kinds whose accept needs the English label the curator writes (new entities too)
_NEEDS_EN = ("document", "section")
_WS = re.compile(r"\s")
_NOT_WS = re.compile(r"\S")
#: C0/C1 controls that have no place in an HTML text (line feed, tab and CR stay)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NOT_FOUND = "quote not found in the text"


# --------------------------------------------------------------------------- finding quotes


class TextMap:
    """A text and its whitespace-free form, with the offset in the text of every character of
    that form: quotes are searched whitespace-insensitively and found in the text as stored."""

    def __init__(self, text: str):
        self.text = text
        self.offsets = [m.start() for m in _NOT_WS.finditer(text)]
        self.flat = "".join(text[i] for i in self.offsets)

    def flat_offset(self, raw: int) -> int:
        """The offset in the whitespace-free form of the first character at or after ``raw``."""
        return bisect.bisect_left(self.offsets, raw)

    def find(self, quote: str, lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
        """``(start, end)`` in the text of the first occurrence of ``quote`` (whitespace
        ignored on both sides) lying within the whitespace-free offsets ``lo``..``hi``; the
        span starts and ends on a character that is no whitespace. None when there is none."""
        needle = _WS.sub("", quote)
        if not needle:
            return None
        at = self.flat.find(needle, lo, len(self.flat) if hi is None else hi)
        if at < 0:
            return None
        return self.offsets[at], self.offsets[at + len(needle) - 1] + 1


@dataclass(frozen=True)
class _Section:
    cid: str
    section_id: str
    label: str
    flat_start: int  # where it begins in the whitespace-free text
    flat_end: int  # where the next section begins
    raw_start: int  # the same in the text as stored
    raw_end: int  # end of its start text in the text as stored


@dataclass
class Located:
    """Where a candidate's quote is: ``where`` is ``section`` (in its own section), ``text``
    (in the text, but its section is not among the candidates), ``elsewhere`` (outside the
    section it names), ``missing`` (nowhere), ``no-quote`` or ``no-text``."""

    where: str
    start: int = -1
    end: int = -1


def _sections(candidates: list[dict[str, Any]], tmap: TextMap) -> dict[str, _Section]:
    """The section candidates found in the text, each running to the next one's start."""
    found: list[tuple[int, int, str, str, str, tuple[int, int]]] = []
    for candidate in candidates:
        if candidate.get("kind") != "section":
            continue
        label = candidate.get("label") if isinstance(candidate.get("label"), dict) else {}
        marker = str(candidate.get("start") or (label or {}).get("zh") or "")
        span = tmap.find(marker)
        if span is None:
            continue
        order = candidate.get("order")
        rank = order if isinstance(order, int) and not isinstance(order, bool) else 0
        found.append(
            (
                tmap.flat_offset(span[0]),
                rank,
                str(candidate.get("id") or ""),
                str(candidate.get("cid") or ""),
                str((label or {}).get("zh") or ""),
                span,
            )
        )
    found.sort()
    sections: dict[str, _Section] = {}
    for index, (flat, _rank, section_id, cid, label, span) in enumerate(found):
        end = found[index + 1][0] if index + 1 < len(found) else len(tmap.flat)
        if section_id and section_id not in sections:
            sections[section_id] = _Section(cid, section_id, label, flat, end, span[0], span[1])
    return sections


def _locate(
    candidate: dict[str, Any], tmap: TextMap | None, sections: dict[str, _Section]
) -> Located:
    quote = candidate.get("quote")
    if not isinstance(quote, str) or not _WS.sub("", quote):
        return Located("no-quote")
    if tmap is None:
        return Located("no-text")
    section = sections.get(str(candidate.get("section") or ""))
    if section is not None:
        span = tmap.find(quote, section.flat_start, section.flat_end)
        if span is not None:
            return Located("section", *span)
    span = tmap.find(quote)
    if span is None:
        return Located("missing")
    return Located("text" if section is None else "elsewhere", *span)


# --------------------------------------------------------------------------- reading


def _read_text(dataset: Path, candidates: list[dict[str, Any]]) -> tuple[str | None, str, str]:
    """(text or None, the file as the document candidate names it, why there is no text)."""
    document = next((c for c in candidates if c.get("kind") == "document" and c.get("file")), None)
    if document is None:
        return None, "", "no document candidate names the file of the text (file:)"
    name = str(document.get("file"))
    root = dataset.resolve()
    path = (dataset / name).resolve()
    if not path.is_relative_to(root):
        return None, name, f"{name} is not inside the dataset folder"
    if not path.is_file():
        return None, name, f"{name} is not in the dataset folder"
    try:
        return path.read_text(encoding="utf-8"), name, ""
    except UnicodeDecodeError:
        return None, name, f"{name} is not UTF-8 text"
    except OSError as exc:
        return None, name, f"{name} cannot be read: {exc.strerror}"


# --------------------------------------------------------------------------- building


def _kind(candidate: dict[str, Any]) -> str:
    kind = candidate.get("kind")
    return kind if isinstance(kind, str) and kind in KINDS else "other"


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it: dates and other YAML values as text, no NaN."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def _text(value: Any) -> str:
    """Any value as text for the page: controls and bidirectional overrides neutralised."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)
    return _CONTROLS.sub("\ufffd", neutralise_bidi(value))


def _e(value: Any) -> str:
    """Escaped for an HTML text or a quoted attribute."""
    return html.escape(_text(value), quote=True)


def script_json(value: Any) -> str:
    """The candidates as a JSON island (:func:`ecograph.safetext.script_json`)."""
    return _script_json(_plain(value))


@dataclass
class _Span:
    start: int
    end: int
    cards: list[int] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)


@dataclass
class _Card:
    index: int
    candidate: dict[str, Any]
    kind: str
    located: Located
    span: int | None = None


def _label(candidate: dict[str, Any], lang: str) -> str:
    label = candidate.get("label")
    return _text(label.get(lang)) if isinstance(label, dict) and label.get(lang) else ""


def _segments(
    text: str, spans: list[_Span], heads: list[tuple[int, int]]
) -> list[tuple[int, int, list[int], bool]]:
    """The text cut at every span's and heading's ends: ``(start, end, spans covering it,
    inside a heading)``, in order, covering the whole text."""
    cuts = {0, len(text)}
    for span in spans:
        cuts.update((span.start, span.end))
    for start, end in heads:
        cuts.update((start, end))
    points = sorted(cuts)
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for index, span in enumerate(spans):
        opening.setdefault(span.start, []).append(index)
        closing.setdefault(span.end, []).append(index)
    head_at = dict(heads)
    active: set[int] = set()
    head_end = -1
    pieces = []
    for a, b in itertools.pairwise(points):
        active.difference_update(closing.get(a, ()))
        active.update(opening.get(a, ()))
        if a in head_at:
            head_end = max(head_end, head_at[a])
        pieces.append((a, b, sorted(active), a < head_end))
    return pieces


def _combo_class(kinds: set[str]) -> str:
    return "kc-" + "-".join(k for k in _PAGE_KINDS if k in kinds)


def _combo_css(kinds: set[str]) -> str:
    ordered = [k for k in _PAGE_KINDS if k in kinds]
    if len(ordered) == 1:
        return f".{_combo_class(kinds)}{{background:{KIND_COLOURS[ordered[0]][0]}}}"
    stops = []
    for i, kind in enumerate(ordered):
        lo, hi = 100 * i / len(ordered), 100 * (i + 1) / len(ordered)
        stops.append(f"{KIND_COLOURS[kind][0]} {lo:.2f}% {hi:.2f}%")
    return f".{_combo_class(kinds)}{{background:linear-gradient(180deg,{','.join(stops)})}}"


def _text_html(
    text: str, spans: list[_Span], sections: list[_Section]
) -> tuple[str, set[frozenset[str]]]:
    marks_at = {s.raw_start: s for s in sections}
    heads = [(s.raw_start, s.raw_end) for s in sections]
    out: list[str] = []
    combos: set[frozenset[str]] = set()
    section_index = {s.section_id: n for n, s in enumerate(sections)}
    for a, b, covering, head in _segments(text, spans, heads):
        section = marks_at.pop(a, None)
        if section is not None:
            out.append(
                f'<span class="sec-mark" id="sec-{section_index[section.section_id]}">'
                f"§ {_e(section.section_id)}</span>"
            )
        piece = _e(text[a:b])
        if not covering:
            out.append(f'<span class="head">{piece}</span>' if head else piece)
            continue
        kinds = set().union(*(spans[i].kinds for i in covering))
        combos.add(frozenset(kinds))
        classes = ["hl", *(f"k-{k}" for k in _PAGE_KINDS if k in kinds), _combo_class(kinds)]
        if head:
            classes.append("head")
        out.append(
            f'<mark class="{" ".join(classes)}" data-s="{" ".join(map(str, covering))}">'
            f"{piece}</mark>"
        )
    return "".join(out), combos


def _names(candidates: list[dict[str, Any]]) -> dict[str, str]:
    """Entity id -> zh label, from the entity candidates (what s and o of a relation name)."""
    names: dict[str, str] = {}
    for candidate in candidates:
        if candidate.get("kind") == "entity":
            zh = _label(candidate, "zh")
            for key in ("id", "link"):
                value = candidate.get(key)
                if isinstance(value, str) and zh:
                    names.setdefault(value, zh)
    return names


def _needs_english(candidate: dict[str, Any]) -> bool:
    kind = candidate.get("kind")
    return kind in _NEEDS_EN or (kind == "entity" and not candidate.get("link"))


def _commands(candidate: dict[str, Any], doc_id: str, dataset: str) -> list[str]:
    cid = str(candidate.get("cid") or "")
    data = shlex.quote(dataset)
    accept = f"ecograph inbox accept {shlex.quote(doc_id)} {shlex.quote(cid)} --data {data}"
    if _needs_english(candidate):
        english = _label(candidate, "en") or "…"
        accept += f" --en {shlex.quote(f'{cid}={english}')}"
    reject = (
        f"ecograph inbox reject {shlex.quote(doc_id)} {shlex.quote(cid)} --data {data} --reason '…'"
    )
    return [accept, reject]


#: fields every card shows in its own place; the rest are listed under them
_SHOWN = {
    "cid", "kind", "label", "type", "id", "link", "new", "s", "p", "o", "indicator",
    "indicator_label", "area", "year", "value", "unit", "unit_printed", "qualifier", "printed",
    "status", "basis", "quote", "section", "rule", "confidence",
}  # fmt: skip

_FLAGS = {
    "missing": NOT_FOUND,
    "elsewhere": "quote found outside its section",
    "no-text": "quote not located: the source text is missing",
    "no-quote": "no quote",
}


def _dl(rows: list[tuple[str, str]]) -> str:
    if not rows:
        return ""
    items = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="fields">{items}</dl>'


def _node(entity: str, names: dict[str, str]) -> str:
    """An end of a relation: its zh label when a candidate gives one, and its id."""
    label = f'<span lang="zh-Hans">{_e(names[entity])}</span> ' if entity in names else ""
    return f'<span class="node">{label}<code>{_e(entity)}</code></span>'


def _card_html(card: _Card, names: dict[str, str], doc_id: str, dataset: str) -> str:
    c = card.candidate
    kind = card.kind
    zh, en = _label(c, "zh"), _label(c, "en")
    rows: list[tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        if value is not None and value != "":
            rows.append((key, _e(value)))

    if kind == "relation":
        s, p, o = (str(c.get(k) or "?") for k in ("s", "p", "o"))
        rows.append(
            ("s–p→o", f'{_node(s, names)} <span class="pred">—{_e(p)}→</span> {_node(o, names)}')
        )
    if kind == "observation":
        value = (
            f"{_text(c.get('qualifier') or '')}{_text(c.get('value'))} {_text(c.get('unit') or '')}"
        )
        printed = c.get("printed")
        rows.append(
            (
                "value",
                html.escape(value.strip())
                + (f' <span class="printed">“{_e(printed)}”</span>' if printed else ""),
            )
        )
        indicator = c.get("indicator")
        if indicator is not None or c.get("indicator_label"):
            label = c.get("indicator_label")
            rows.append(
                (
                    "indicator",
                    (f'<span lang="zh-Hans">{_e(label)}</span> ' if label else "")
                    + f"<code>{_e(indicator)}</code>",
                )
            )
        add("area", c.get("area"))
        add("year", c.get("year"))
    add("type", c.get("type"))
    if kind not in ("relation", "observation"):
        add("id", c.get("id"))
    if c.get("link"):
        rows.append(("link", f"<code>{_e(c.get('link'))}</code> (in the dataset)"))
    elif c.get("new") is True:
        rows.append(("new", "yes: not in the dataset yet"))
    add("status", c.get("status"))
    add("basis", c.get("basis"))
    for key in sorted(str(k) for k in c if str(k) not in _SHOWN):
        add(key, c.get(key))

    where = card.located.where
    classes = ["cand", f"k-{kind}"]
    if where in ("missing", "no-text"):
        classes.append("unlocated")
    elif where == "elsewhere":
        classes.append("outside")
    span = f' data-span="{card.span}"' if card.span is not None else ""
    flag = f'<p class="flag">{_e(_FLAGS[where])}</p>' if where in _FLAGS else ""
    quote = ""
    if isinstance(c.get("quote"), str):
        quote = (
            f'<blockquote lang="zh-Hans">{_e(c.get("quote"))}</blockquote>'
            f'<p class="where">section <code>{_e(c.get("section"))}</code></p>'
        )
    english = (
        f'<span class="en" lang="en">{_e(en)}</span>'
        if en
        else '<span class="en missing" lang="en">no English label yet</span>'
    )
    commands = "\n".join(_e(line) for line in _commands(c, doc_id, dataset))
    confidence = c.get("confidence")
    return (
        f'<li class="{" ".join(classes)}" id="c-{card.index}" data-card="{card.index}"{span} '
        'tabindex="0">'
        f'<div class="top"><span class="kind">{_e(kind)}</span> '
        f'<code class="cid">{_e(c.get("cid"))}</code>'
        f' <span class="rule">{_e(c.get("rule"))}</span>'
        + (f' <span class="conf">{_e(confidence)}</span>' if confidence is not None else "")
        + "</div>"
        + (
            f'<div class="label"><span class="zh" lang="zh-Hans">{_e(zh)}</span> {english}</div>'
            if zh or en or kind in ("document", "section", "entity")
            else ""
        )
        + _dl(rows)
        + quote
        + flag
        + f'<pre class="cmd">{commands}</pre></li>'
    )


CSP = (
    "default-src 'none'; script-src {script}; style-src {style}; img-src 'none'; "
    "font-src data:; connect-src 'none'; media-src 'none'; object-src 'none'; "
    "frame-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; "
    "form-action 'none'"
)

_CSS = """\
:root{--font:FONT}
*{box-sizing:border-box}
body{margin:0;font-family:var(--font);color:#1d1d1f;background:#fafafa;font-size:15px}
header{padding:10px 18px;border-bottom:1px solid #ddd;background:#fff}
header h1{font-size:18px;margin:0 0 4px}
header .meta{color:#555;font-size:13px}
.legend{display:flex;flex-wrap:wrap;gap:10px;margin-top:6px;font-size:13px}
.legend a{color:inherit;text-decoration:none}
.swatch{
  display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;
  margin-right:4px;border:1px solid #0002}
main{
  display:grid;grid-template-columns:minmax(0,1.15fr) minmax(0,1fr);height:calc(100vh - 92px)}
#text-pane,#cand-pane{overflow:auto;padding:12px 18px}
#text-pane{border-right:1px solid #ddd;background:#fff}
h2{font-size:15px;margin:4px 0 10px;color:#444}
.text{white-space:pre-wrap;line-height:2;font-size:16px;word-break:break-word}
.missing-text{color:#b00020;font-weight:bold}
mark.hl{color:inherit;border-radius:2px;cursor:pointer;padding:1px 0}
mark.hl.active{outline:2px solid #111;outline-offset:1px}
mark.hl.flash{animation:flash 1.4s ease-out}
@keyframes flash{0%{box-shadow:0 0 0 5px #ff6a00}100%{box-shadow:0 0 0 0 #ff6a0000}}
.head{font-weight:700}
.sec-mark{
  display:inline-block;font:11px/1.4 monospace;color:#2a66c9;border:1px solid #2a66c9;
  border-radius:3px;padding:0 3px;margin-right:4px;user-select:none;vertical-align:1px}
.group{list-style:none;margin:0 0 16px;padding:0}
.group h3{font-size:14px;margin:14px 0 6px}
li.cand{
  background:#fff;border:1px solid #ddd;border-left:5px solid #777;border-radius:4px;
  padding:6px 9px;margin:0 0 8px;cursor:pointer}
li.cand.selected{outline:2px solid #111;background:#fffbea}
li.cand.unlocated{border-left-style:dashed}
.top{font-size:12px;color:#555}
.kind{font-weight:bold;text-transform:uppercase;font-size:11px}
.cid{font-size:12px;background:#f1f1f1;padding:0 3px;border-radius:2px}
.conf{float:right}
.label{font-size:16px;margin:3px 0}
.label .en{color:#444;font-size:14px;margin-left:6px}
.label .en.missing{color:#a05a00;font-style:italic}
dl.fields{
  display:grid;grid-template-columns:max-content 1fr;gap:1px 10px;margin:4px 0;font-size:13px}
dl.fields dt{color:#666}
dl.fields dd{margin:0;word-break:break-word}
.pred{color:#c63b2f;font-weight:bold}
.printed{color:#555}
blockquote{
  margin:5px 0;padding:3px 8px;border-left:3px solid #ccc;background:#f7f7f7;font-size:14px}
.where{margin:0;font-size:12px;color:#666}
.flag{margin:4px 0;color:#b00020;font-weight:bold;font-size:13px}
li.outside .flag{color:#a05a00}
pre.cmd{
  margin:5px 0 0;padding:4px 6px;background:#23272e;color:#e8e8e8;font-size:11.5px;
  white-space:pre-wrap;word-break:break-all;border-radius:3px;cursor:text;user-select:all}
"""

_JS = """\
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("inbox-data").textContent);
  var marks = {};
  Array.prototype.forEach.call(document.querySelectorAll("mark.hl"), function (m) {
    m.getAttribute("data-s").split(" ").forEach(function (s) {
      (marks[s] = marks[s] || []).push(m);
    });
  });
  function clear(name) {
    Array.prototype.forEach.call(document.querySelectorAll("." + name), function (e) {
      e.classList.remove(name);
    });
  }
  function showSpans(list, scroll) {
    clear("active");
    var first = null;
    list.forEach(function (s) {
      (marks[s] || []).forEach(function (m) {
        m.classList.remove("flash");
        void m.offsetWidth;
        m.classList.add("active", "flash");
        if (first === null) { first = m; }
      });
    });
    if (first !== null && scroll) { first.scrollIntoView({block: "center"}); }
  }
  function selectCard(card) {
    clear("selected");
    card.classList.add("selected");
    var span = card.getAttribute("data-span");
    if (span !== null) { showSpans([span], true); } else { clear("active"); }
  }
  document.getElementById("cand-pane").addEventListener("click", function (event) {
    var card = event.target.closest("li.cand");
    if (card === null || String(window.getSelection()).length > 0) { return; }
    selectCard(card);
  });
  document.getElementById("cand-pane").addEventListener("keydown", function (event) {
    var card = event.target.closest("li.cand");
    if (card !== null && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      selectCard(card);
    }
  });
  document.getElementById("text-pane").addEventListener("click", function (event) {
    var mark = event.target.closest("mark.hl");
    if (mark === null) { return; }
    var spans = mark.getAttribute("data-s").split(" ");
    clear("selected");
    var first = null;
    spans.forEach(function (s) {
      data.spans[Number(s)].cards.forEach(function (n) {
        var card = document.getElementById("c-" + n);
        card.classList.add("selected");
        if (first === null) { first = card; }
      });
    });
    showSpans(spans, false);
    if (first !== null) { first.scrollIntoView({block: "nearest"}); }
  });
  window.ecographInbox = {ready: true, data: data, selectCard: selectCard};
})();
"""


def _legend(counts: dict[str, int]) -> str:
    items = []
    for kind in _PAGE_KINDS:
        if kind == "other" and not counts.get(kind):
            continue
        zh, en = KIND_NAMES[kind]
        items.append(
            f'<a href="#g-{kind}"><span class="swatch kc-{kind}"></span>'
            f'<span lang="zh-Hans">{zh}</span> {en} ({counts.get(kind, 0)})</a>'
        )
    return f'<div class="legend">{"".join(items)}</div>'


@dataclass
class _Built:
    html: str
    counts: dict[str, int]
    located: int
    elsewhere: int
    missing: int
    text_file: str
    text_problem: str


def _build(dataset: str | Path, doc_id: str) -> _Built:
    folder = Path(dataset)
    inbox = read_inbox(folder, doc_id)
    candidates = inbox.candidates
    text, text_file, problem = _read_text(folder, candidates)
    tmap = TextMap(text) if text is not None else None
    sections = _sections(candidates, tmap) if tmap is not None else {}

    cards: list[_Card] = []
    spans_at: dict[tuple[int, int], _Span] = {}
    for index, candidate in enumerate(candidates):
        where = _locate(candidate, tmap, sections)
        card = _Card(index, candidate, _kind(candidate), where)
        cards.append(card)
        if where.start >= 0:
            span = spans_at.setdefault((where.start, where.end), _Span(where.start, where.end))
            span.cards.append(index)
            span.kinds.add(card.kind)
    spans = [spans_at[key] for key in sorted(spans_at, key=lambda k: (k[0], -k[1]))]
    for number, span in enumerate(spans):
        for index in span.cards:
            cards[index].span = number

    # the groups of kinds shown, in the inbox's order
    grouped: dict[str, list[_Card]] = {kind: [] for kind in _PAGE_KINDS}
    for card in cards:
        grouped[card.kind].append(card)
    counts = {kind: len(items) for kind, items in grouped.items()}
    names = _names(candidates)
    data_dir = str(dataset)

    section_list = sorted(sections.values(), key=lambda s: s.raw_start)
    if text is not None:
        body, combos = _text_html(text, spans, section_list)
        text_block = f'<div class="text" id="source" lang="zh-Hans">{body}</div>'
    else:
        combos = set()
        text_block = (
            f'<p class="missing-text">The source text is missing: {_e(problem)}. '
            "The candidates are listed without their quotes located.</p>"
        )
    combos.update(frozenset([kind]) for kind in _PAGE_KINDS)
    css = (
        _CSS.replace("FONT", FONT_STACK)
        + "\n".join(
            _combo_css(set(c))
            for c in sorted(
                combos, key=lambda c: [_PAGE_KINDS.index(k) for k in _PAGE_KINDS if k in c]
            )
        )
        + "\n"
    )

    groups = []
    for kind in _PAGE_KINDS:
        items = grouped[kind]
        if not items:
            continue
        zh, en = KIND_NAMES[kind]
        groups.append(
            f'<h3 id="g-{kind}"><span class="swatch kc-{kind}"></span>'
            f'<span lang="zh-Hans">{zh}</span> {en} ({len(items)})</h3>'
            f'<ul class="group">{"".join(_card_html(c, names, doc_id, data_dir) for c in items)}'
            "</ul>"
        )

    located = sum(1 for c in cards if c.located.where in ("section", "text"))
    elsewhere = sum(1 for c in cards if c.located.where == "elsewhere")
    missing = sum(1 for c in cards if c.located.where == "missing")
    document = next((c for c in candidates if c.get("kind") == "document"), {})
    title_zh, title_en = _label(document, "zh"), _label(document, "en")
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "no candidates"
    meta = [
        f"{len(cards)} candidates ({_e(summary)})",
        f"{located} quotes located",
    ]
    if elsewhere:
        meta.append(f"{elsewhere} outside their section")
    if missing:
        meta.append(f'<span class="flag">{missing} not found in the text</span>')
    meta.append(f"{inbox.rejected} rejected earlier")
    meta.append(f"text: <code>{_e(text_file or 'none')}</code>")
    meta.append(f"dataset: <code>{_e(data_dir)}</code>")

    payload = {
        "doc_id": doc_id,
        "text_file": text_file,
        "spans": [{"start": s.start, "end": s.end, "cards": s.cards} for s in spans],
        "cards": [
            {
                "cid": c.candidate.get("cid"),
                "kind": c.kind,
                "span": c.span,
                "where": c.located.where,
            }
            for c in cards
        ],
        "candidates": candidates,
    }
    title = f"收件箱 inbox · {_e(doc_id)}{' · ' + _e(title_zh) if title_zh else ''}"
    body = (
        "<header>"
        f"<h1>收件箱 inbox · <code>{_e(doc_id)}</code>"
        + (f' · <span lang="zh-Hans">{_e(title_zh)}</span>' if title_zh else "")
        + (f' <span lang="en">{_e(title_en)}</span>' if title_en else "")
        + "</h1>"
        f'<div class="meta">{" · ".join(meta)}</div>'
        f"{_legend(counts)}</header>\n<main>\n"
        '<section id="text-pane"><h2><span lang="zh-Hans">原文</span> Source text</h2>'
        f"{text_block}</section>\n"
        f'<section id="cand-pane"><h2><span lang="zh-Hans">候选</span> Candidates '
        "(click one to see its quote; accept or reject with the command lines)</h2>"
        f"{''.join(groups) or '<p>No candidates are waiting.</p>'}</section>\n"
        "</main>\n"
        f'<script type="application/json" id="inbox-data">{script_json(payload)}</script>\n'
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )
    # the glyphs the page shows, embedded (ecograph.fonts)
    css = font_face_css(title + body) + "\n" + css
    csp = CSP.format(script=csp_hash(_JS), style=csp_hash(css))
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="zh-Hans">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f"<style>{css}</style>\n</head>\n<body>\n" + body
    )
    return _Built(page, counts, located, elsewhere, missing, text_file, problem)


def render_inbox_page(dataset: str | Path, doc_id: str) -> str:
    """The page of ``doc_id``'s candidates in the inbox of the dataset folder ``dataset`` (see
    the module's description), as HTML text; :class:`~ecograph.errors.NotFoundError` if the
    document was never ingested. Without its text the page still lists the candidates."""
    return _build(dataset, doc_id).html


@dataclass
class InboxPage:
    """What :func:`write_inbox_page` wrote."""

    doc_id: str
    path: str
    bytes: int
    counts: dict[str, int]
    located: int  # quotes found in the text (in their section, where it is known)
    elsewhere: int  # quotes found outside the section they name
    missing: int  # quotes not found in the text
    text_file: str  # the stored text, as the document candidate names it ("" if none)
    text_problem: str = ""  # why there is no text on the page ("" when there is)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "path": self.path,
            "bytes": self.bytes,
            "counts": self.counts,
            "located": self.located,
            "elsewhere": self.elsewhere,
            "missing": self.missing,
            "text_file": self.text_file,
            "text_problem": self.text_problem,
        }

    def to_text(self, lang: str = "zh") -> str:
        from ..text import count

        total = sum(self.counts.values())
        shown = ", ".join(f"{n} {kind}" for kind, n in self.counts.items() if n)
        lines = [
            f"Wrote {self.path} ({self.bytes:,} bytes): "
            f"{count(total, 'candidate')} of {self.doc_id} ({shown or 'none'})."
        ]
        if self.text_problem:
            lines.append(f"No source text on the page: {self.text_problem}.")
        else:
            found = f"{count(self.located, 'quote')} located in {self.text_file}"
            if self.elsewhere:
                found += f", {self.elsewhere} outside their section"
            found += f", {self.missing} {NOT_FOUND}."
            lines.append(found[0].upper() + found[1:])
        lines.append(f"Open it in a browser: {Path(self.path).resolve().as_uri()}")
        return "\n".join(lines)


def write_inbox_page(dataset: str | Path, doc_id: str, out: str | Path) -> InboxPage:
    """Write the page of :func:`render_inbox_page` to ``out`` (atomically: the file is whole
    or untouched)."""
    from ..output import write_atomic

    built = _build(dataset, doc_id)
    path = write_atomic(Path(out), built.html)
    return InboxPage(
        doc_id,
        str(path),
        len(built.html.encode("utf-8")),
        built.counts,
        built.located,
        built.elsewhere,
        built.missing,
        built.text_file,
        built.text_problem,
    )
