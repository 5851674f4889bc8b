"""Finding entities by name, and the card that shows everything the graph says about one.

Names are matched in Python against an index read from the graph (Chinese preferred and
alternative labels, English labels case-insensitively, pinyin with or without tones and spaces,
record ids, and near misses). The card is then read with SPARQL queries in which the entity is a
*bound variable*: text typed by a user never becomes part of a query.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import NotFoundError
from .namespaces import ECO_NS, SKOS_NS
from .text import check_lang, cite_lines, other_lang, pick_label

if TYPE_CHECKING:
    from .facts import FactKey
    from .stores import Store

__all__ = [
    "AmbiguousNameError",
    "CitationView",
    "EntityCard",
    "LookupResult",
    "Match",
    "NameIndex",
    "ObservationView",
    "RelationView",
    "SourceView",
    "amount_text",
    "observation_contexts",
    "pick_label",
    "read_observations",
    "section_documents",
]

#: kinds that are bookkeeping, not things of the ecosystem: never offered by lookups
NOT_LOOKED_UP = frozenset({"Observation", "Assertion", "Citation", "RowCitation", "Dataset"})


#: the hedges of loader.QUALIFIERS in English (达, "reaches", is no hedge in English: the value
#: stands alone)
_QUALIFIER_EN = {
    "超": "over",
    "余": "more than",
    "突破": "over",
    "前": "top",
    "近": "nearly",
    "约": "about",
}


def amount_text(value: str, unit: str, qualifier: str | None, lang: str) -> str:
    """An observation's value with its unit and hedge, as a reader of ``lang`` writes it.

    In Chinese 余 follows the number and 以上 the unit, every other hedge precedes the number, and
    nothing is spaced: ``超9亿元``, ``600余个``, ``10亿元以上``. In English the hedge is a word:
    ``over 9 hundred million yuan``, ``more than 600 units``, ``10 … or more``.
    """
    if lang == "zh":
        if qualifier == "余":
            return f"{value}余{unit}"
        if qualifier == "以上":
            return f"{value}{unit}以上"
        return f"{qualifier or ''}{value}{unit}"
    text = f"{value} {unit}".strip()
    if qualifier == "以上":
        return f"{text} or more"
    word = _QUALIFIER_EN.get(qualifier or "", None if qualifier in (None, "达") else qualifier)
    return f"{word} {text}" if word else text


@dataclass
class Match:
    """An entity a name matched, and how."""

    id: str
    iri: str
    labels: dict[str, str]
    kinds: list[str]
    matched: str  # the name that matched
    how: str  # id, label, alias, english, pinyin, partial, fuzzy
    score: float

    def label(self, lang: str = "zh") -> str:
        return pick_label(self.labels, lang)

    def to_text(self, lang: str = "zh") -> str:
        """One line: the label in ``lang``, the other language's, the id and the kinds."""
        second = self.labels.get(other_lang(lang), "")
        return (
            f"{self.label(lang)}{'  ' + second if second else ''}"
            f"  ({self.id}; {', '.join(self.kinds)})"
        )


@dataclass
class CitationView:
    quote: str  # the verbatim quote ("" for a table row)
    section: str  # section id (for a table row, the table's document)
    section_labels: dict[str, str]
    #: for a table row, its RFC 7111 reference, ``高新技术企业名单.csv#row=5312``
    row: str = ""


@dataclass
class SourceView(CitationView):
    """An observation's citation with the source document its section belongs to: where
    documents disagree, which one says what."""

    document: str = ""  # document id


@dataclass
class RelationView:
    direction: str  # "out": this entity → other; "in": other → this entity
    predicate: str  # local name, e.g. branchOf
    predicate_labels: dict[str, str]
    other: str  # id of the other end
    other_labels: dict[str, str]
    other_kinds: list[str]
    status: str
    basis: str
    citations: list[CitationView] = field(default_factory=list)


@dataclass
class ObservationView:
    id: str
    role: str  # how the entity takes part: area, about, scope, indicator, unit
    indicator: str
    indicator_labels: dict[str, str]
    value: str
    unit: str
    unit_labels: dict[str, str]
    year: str | None
    period: dict[str, str]
    qualifier: str | None
    area: str
    area_labels: dict[str, str]
    citations: list[SourceView] = field(default_factory=list)
    scope: str | None = None
    about: str | None = None
    #: another observation of the same fact (:mod:`ecograph.facts`) states another value
    conflict: bool = False
    #: the observations of the same fact that state another value, and those that state this one
    conflicts_with: list[str] = field(default_factory=list)
    agrees_with: list[str] = field(default_factory=list)

    def amount(self, lang: str) -> str:
        """Value, unit and hedge in ``lang`` (see :func:`amount_text`)."""
        return amount_text(self.value, pick_label(self.unit_labels, lang), self.qualifier, lang)

    def fact(self) -> FactKey | None:
        """The fact this observation states (:func:`ecograph.facts.fact_key`), or ``None``."""
        from .facts import fact_key

        return fact_key(
            self.indicator, self.area, self.year, self.unit,
            scope=self.scope, about=self.about, qualifier=self.qualifier,
        )  # fmt: skip


@dataclass
class EntityCard:
    id: str
    iri: str
    kinds: list[str]
    kind_labels: dict[str, dict[str, str]]
    labels: dict[str, str]
    alt_labels: dict[str, list[str]]
    definition: dict[str, str]
    notes: dict[str, str]
    status: str | None
    attributes: dict[str, list[str]]
    citations: list[CitationView]
    observations: list[ObservationView]
    outgoing: list[RelationView]
    incoming: list[RelationView]

    def label(self, lang: str = "zh") -> str:
        return pick_label(self.labels, lang)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        """The card as ``ecograph lookup`` prints it: labels, id, kinds, aliases, attributes,
        the citations, then observations and relations out and in, each with its quotes."""
        check_lang(lang)
        lines = [
            f"{self.label(lang)}  {self.labels.get(other_lang(lang), '')}".rstrip(),
            f"  id: {self.id}  <{self.iri}>",
        ]
        kinds = ", ".join(
            f"{pick_label(self.kind_labels.get(k, {}), lang)} ({k})" for k in self.kinds
        )
        lines.append(f"  kinds: {kinds}")
        aliases = [a for values in self.alt_labels.values() for a in values]
        if aliases:
            lines.append(f"  aliases: {'; '.join(aliases)}")
        if self.status:
            lines.append(f"  status: {self.status}")
        for name, values in self.attributes.items():
            lines.append(f"  {name}: {'; '.join(values)}")
        if self.definition:
            lines.append(f"  definition: {pick_label(self.definition, lang)}")
        if self.notes:
            lines.append(f"  note: {pick_label(self.notes, lang)}")
        lines += cite_lines(self.citations, lang, "  source: ")
        if self.observations:
            by_id = {obs.id: obs for obs in self.observations}
            conflicts = sum(1 for obs in self.observations if obs.conflict)
            marked = f"; {conflicts} in conflict" if conflicts else ""
            lines.append(f"Observations ({len(self.observations)}{marked}):")
            for obs in self.observations:
                when = obs.year or pick_label(obs.period, lang) or "?"
                area = "" if obs.area == self.id else f" [{pick_label(obs.area_labels, lang)}]"
                indicator = pick_label(obs.indicator_labels, lang)
                mark = ""
                if obs.conflict:
                    others = ", ".join(
                        f"{by_id[o].amount(lang)} ({o})" if o in by_id else o
                        for o in obs.conflicts_with
                    )
                    mark = f"  [conflict: {others}]"
                if obs.agrees_with:
                    mark += f"  [same fact as {', '.join(obs.agrees_with)}]"
                lines.append(f"  {when}  {indicator}{area}: {obs.amount(lang)}{mark}")
                if obs.conflict or obs.agrees_with:  # which document says what
                    lines += [
                        f"{line} ({cite.document})" if cite.document else line
                        for line, cite in zip(
                            cite_lines(obs.citations, lang, "      "), obs.citations, strict=True
                        )
                    ]
                else:
                    lines += cite_lines(obs.citations, lang, "      ")
        for title, relations, arrow in (
            ("Relations out", self.outgoing, "→"),
            ("Relations in", self.incoming, "←"),
        ):
            if not relations:
                continue
            lines.append(f"{title} ({len(relations)}):")
            for rel in relations:
                flags = rel.status + ("" if rel.basis == "explicit" else f", {rel.basis}")
                predicate = pick_label(rel.predicate_labels, lang) or rel.predicate
                other = f"{pick_label(rel.other_labels, lang)} ({rel.other})"
                lines.append(f"  {arrow} {predicate} ({rel.predicate})  {other}  [{flags}]")
                lines += cite_lines(rel.citations, lang, "      ")
        return "\n".join(lines)


@dataclass
class LookupResult:
    """``status`` is ``found`` (with ``card``), ``ambiguous`` (``candidates``) or ``not_found``
    (``suggestions``: the closest names)."""

    query: str
    status: str
    match: Match | None = None
    card: EntityCard | None = None
    candidates: list[Match] = field(default_factory=list)
    suggestions: list[Match] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        """The card when found; else the candidates to choose from, or the closest names
        (``ecograph lookup`` writes the ``not_found`` text to standard error)."""
        check_lang(lang)
        if self.status == "found" and self.card is not None:
            return self.card.to_text(lang)
        if self.status == "ambiguous":
            lines = [
                f"{self.query!r} matches {len(self.candidates)} entities; "
                "choose one by its name or id:"
            ]
            lines += [f"  {n}. {m.to_text(lang)}" for n, m in enumerate(self.candidates, 1)]
            return "\n".join(lines)
        lines = [f"No entity is named {self.query!r}."]
        if self.suggestions:
            lines.append("Closest names:")
            lines += [f"  {m.to_text(lang)}" for m in self.suggestions]
        return "\n".join(lines)


class AmbiguousNameError(NotFoundError):
    """A name matches several entities equally well."""

    def __init__(self, text: str, candidates: list[Match], lang: str = "zh"):
        self.text = text
        self.candidates = candidates
        names = "; ".join(f"{c.label(lang)} ({c.id})" for c in candidates[:10])
        super().__init__(f"{text!r} is ambiguous: {names}. Use a fuller name or the id.")


# --------------------------------------------------------------------------- normalizing

_PUNCT = re.compile(
    r"[\s\"'“”‘’《》〈〉()（）\[\]【】〔〕{}<>,，。.、:：;；!！?？·•\-–—_/\\|+＋&*#@$%^~`]+"
)


def normalize_name(text: str) -> str:
    """Case, width, spaces and punctuation do not matter when matching names (brackets
    included, so ``鄂党办发〔2025〕6号``, ``[2025]`` and ``(2025)`` are one name). The viewer's
    search does the same in JavaScript (``String.normalize("NFKC").toLowerCase()``)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


def normalize_pinyin(text: str) -> str:
    """``Èěrduōsī Shíyànshì``, ``e4 er3 duo1 si1`` and ``eerduosi shiyanshi`` all become
    ``eerduosishiyanshi``; ü is written v, as pypinyin does."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).lower())
    text = text.replace("u\u0308", "v").replace("u:", "v")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z]", "", text)


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def pinyin_keys(text: str, limit: int = 32) -> set[str]:
    """Every toneless pinyin reading of ``text``, over the readings of polyphonic characters
    (长 is chang or zhang, 朴 is piao or pu), at most ``limit`` of them."""
    from pypinyin import Style, pinyin

    readings = pinyin(
        text,
        style=Style.NORMAL,
        heteronym=True,
        errors=lambda chars: [c for c in chars],  # type: ignore[arg-type,return-value]
    )
    keys: set[str] = set()
    for combo in itertools.islice(itertools.product(*readings), limit):
        key = normalize_pinyin("".join(combo))
        if key:
            keys.add(key)
    return keys


# --------------------------------------------------------------------------- the name index


@dataclass
class _Entry:
    id: str
    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    kinds: list[str] = field(default_factory=list)
    #: document numbers (文号) and other identifiers the source gives
    identifiers: list[str] = field(default_factory=list)


#: how much an exact match of each kind of name counts
WEIGHTS = {"id": 1.0, "label": 1.0, "english": 1.0, "identifier": 1.0, "alias": 0.95}
_ORDINAL_NUMBER = re.compile(r"^第(.+)号$")


def identifier_keys(identifier: str) -> list[str]:
    """The keys a document number is found by: the whole number with any brackets
    (``鄂府发〔2024〕56号``), and for an ordinal number (``第0355号``) the bare number too."""
    key = normalize_name(identifier)
    keys = [key] if key else []
    bare = _ORDINAL_NUMBER.match(key)
    if bare and bare.group(1) not in keys:
        keys.append(bare.group(1))
    return keys


def _language_order(lang: str) -> tuple[int, str]:
    return ({"zh": 0, "en": 1}.get(lang, 2), lang)


class _Names:
    """What a name index and a name database share: an entity's names and kinds, a match, and
    how scored entities become best matches and suggestions. ``entries`` maps ids to entries."""

    entries: Any

    def labels(self, entity_id: str) -> dict[str, str]:
        entry = self.entries.get(entity_id)
        return dict(entry.labels) if entry else {}

    def kinds(self, entity_id: str) -> list[str]:
        entry = self.entries.get(entity_id)
        return list(entry.kinds) if entry else []

    def _match(self, entity_id: str, matched: str, how: str, score: float) -> Match:
        entry = self.entries[entity_id]
        return Match(
            entry.id,
            entry.iri,
            dict(entry.labels),
            list(entry.kinds),
            matched,
            how,
            round(score, 3),
        )

    def _ranked(self, scored: dict[str, tuple[float, str, str]]) -> tuple[list[Match], list[Match]]:
        """(best matches, the next five) of entities scored ``id -> (score, name, how)``."""
        ranked = sorted(
            scored, key=lambda i: (-scored[i][0], self.entries[i].labels.get("zh", ""), i)
        )
        top = scored[ranked[0]][0]
        best = [i for i in ranked if scored[i][0] == top]
        if scored[ranked[0]][2] in ("partial", "fuzzy"):
            # a near miss only decides when one entity is clearly the best
            close = [i for i in ranked if scored[i][0] >= top - 0.05]
            best = ranked[:1] if len(close) == 1 else ranked[:20]
        matches = [
            self._match(i, scored[i][1], scored[i][2], scored[i][0])
            for i in ranked[: len(best) + 5]
        ]
        return matches[: len(best)], matches[len(best) :]


class NameIndex(_Names):
    """Every entity's names, read from the graph once."""

    def __init__(self, base: str, entries: dict[str, _Entry]):
        self.base = base  # the namespace of entity IRIs (the dataset base + "id/")
        self.entries = entries
        self._names: list[tuple[str, str, str, str]] | None = None  # (key, how, id, shown name)
        self._pinyin: list[tuple[str, str, str, str]] | None = None
        self._keys_by_id: dict[str, dict[str, list[list[str]]]] | None = None

    @classmethod
    def read(cls, store: Store, base: str) -> NameIndex:
        """Read every entity's names from ``store`` (three bulk queries): the entities are those
        under ``base + "id/"``, ``base`` being the dataset's base IRI."""
        namespace = base + "id/"
        entries: dict[str, _Entry] = {}
        # rows one at a time (Store.values): a national registry has a million entities
        for iri, prop, label, lang in store.values(
            """SELECT ?e ?prop ?label (LANG(?label) AS ?lang) WHERE {
                 VALUES ?prop { skos:prefLabel skos:altLabel }
                 ?e ?prop ?label }"""
        ):
            if not iri or not iri.startswith(namespace) or label is None:
                continue
            entry = entries.get(iri[len(namespace) :])
            if entry is None:
                entry = entries[iri[len(namespace) :]] = _Entry(iri[len(namespace) :], iri)
            if (prop or "").endswith("prefLabel"):
                entry.labels[lang or ""] = label
            else:
                entry.alt_labels.setdefault(lang or "", []).append(label)
        for iri, number in store.values("SELECT ?e ?n WHERE { ?e eco:docNumber ?n }"):
            found = (
                entries.get(iri[len(namespace) :]) if iri and iri.startswith(namespace) else None
            )
            if found is not None and number is not None:
                found.identifiers.append(number)
        for iri, kind in store.values("SELECT ?e ?t WHERE { ?e a ?t }"):
            if iri and kind and iri.startswith(namespace) and kind.startswith(ECO_NS):
                found = entries.get(iri[len(namespace) :])
                if found is not None:
                    found.kinds.append(kind[len(ECO_NS) :])
        # the same names in the same order whatever order the store gave the rows in (zh, en,
        # then other languages), so a card is the same bytes on every store
        for entry in entries.values():
            entry.kinds.sort()
            entry.identifiers.sort()
            entry.labels = {
                lang: entry.labels[lang] for lang in sorted(entry.labels, key=_language_order)
            }
            entry.alt_labels = {
                lang: sorted(entry.alt_labels[lang])
                for lang in sorted(entry.alt_labels, key=_language_order)
            }
        entries = {
            k: entries[k] for k in sorted(entries) if not NOT_LOOKED_UP & set(entries[k].kinds)
        }
        return cls(namespace, entries)

    def tables_made(self) -> tuple[bool, bool]:
        """Whether the name table and the pinyin table (made on a search's first need) are
        made: what is worth keeping with the index in the build cache."""
        return self._names is not None, self._pinyin is not None

    def _name_table(self) -> list[tuple[str, str, str, str]]:
        if self._names is None:
            table = []
            for entry in self.entries.values():
                table.append((normalize_name(entry.id), "id", entry.id, entry.id))
                for lang, label in entry.labels.items():
                    table.append(
                        (
                            normalize_name(label),
                            "label" if lang != "en" else "english",
                            entry.id,
                            label,
                        )
                    )
                for labels in entry.alt_labels.values():
                    for label in labels:
                        table.append((normalize_name(label), "alias", entry.id, label))
                for identifier in entry.identifiers:
                    for key in identifier_keys(identifier):
                        table.append((key, "identifier", entry.id, identifier))
            self._names = table
        return self._names

    def search_keys(self, entity_id: str) -> dict[str, list[list[str]]]:
        """An entity's rows of the name table (``[key, how, shown]``) and of the pinyin table
        (``[key, shown]``): what the viewer's search box matches, with the same algorithm as
        :meth:`search`."""
        if self._keys_by_id is None:
            by_id: dict[str, dict[str, list[list[str]]]] = {}
            for key, how, entity_id_, shown in self._name_table():
                by_id.setdefault(entity_id_, {"names": [], "pinyin": []})["names"].append(
                    [key, how, shown]
                )
            for key, _, entity_id_, shown in self._pinyin_table():
                by_id.setdefault(entity_id_, {"names": [], "pinyin": []})["pinyin"].append(
                    [key, shown]
                )
            for rows in by_id.values():
                rows["names"].sort()
                rows["pinyin"].sort()
            self._keys_by_id = by_id
        return self._keys_by_id.get(entity_id, {"names": [], "pinyin": []})

    def _pinyin_table(self) -> list[tuple[str, str, str, str]]:
        if self._pinyin is None:
            table = []
            for entry in self.entries.values():
                names = [entry.labels.get("zh", ""), *entry.alt_labels.get("zh", [])]
                for name in names:
                    if name and _has_cjk(name):
                        for key in pinyin_keys(name):
                            table.append((key, "pinyin", entry.id, name))
            self._pinyin = table
        return self._pinyin

    def search(self, text: str, among: set[str] | None = None) -> tuple[list[Match], list[Match]]:
        """(best matches, suggestions). Several best matches mean the text is ambiguous.
        ``among`` limits the search to those entity ids (the entities a viewer page shows).

        The viewer's search box runs this same algorithm in JavaScript over the rows of
        :meth:`search_keys` (difflib's ratio included), and a browser test checks that both
        find the same entities."""
        key = normalize_name(text)
        if not key:
            return [], []
        names = [row for row in self._name_table() if among is None or row[2] in among]
        pinyin_query = normalize_pinyin(text) if not _has_cjk(text) else ""
        # pypinyin is imported only for a text that may be pinyin
        pinyin = (
            [row for row in self._pinyin_table() if among is None or row[2] in among]
            if pinyin_query
            else []
        )
        scored: dict[str, tuple[float, str, str]] = {}  # id -> (score, matched name, how)

        def offer(entity_id: str, matched: str, how: str, score: float) -> None:
            current = scored.get(entity_id)
            if current is None or score > current[0]:
                scored[entity_id] = (score, matched, how)

        for name_key, how, entity_id, shown in names:
            if name_key == key:
                offer(entity_id, shown, how, WEIGHTS[how])
        if pinyin_query and not scored:
            for name_key, how, entity_id, shown in pinyin:
                if name_key == pinyin_query:
                    offer(entity_id, shown, how, 0.9)
        if not scored:
            # Near misses: a name inside the text or the text inside a name (partial), or a
            # similar spelling (fuzzy). A clear winner decides; otherwise the text is ambiguous.
            for name_key, how, entity_id, shown in names + (pinyin if pinyin_query else []):
                probe = pinyin_query if how == "pinyin" else key
                if not probe or not name_key:
                    continue
                shorter, longer = sorted((len(probe), len(name_key)))
                if shorter >= 2 and (probe in name_key or name_key in probe):
                    offer(entity_id, shown, "partial", 0.5 + 0.3 * shorter / longer)
                ratio = difflib.SequenceMatcher(None, probe, name_key).ratio()
                if ratio >= 0.75:
                    offer(entity_id, shown, "fuzzy", 0.8 * ratio)
        if not scored:
            return [], self.suggest(text, among=among)
        return self._ranked(scored)

    def suggest(self, text: str, n: int = 5, among: set[str] | None = None) -> list[Match]:
        """The closest names, for a text that matched nothing."""
        key = normalize_name(text)
        pinyin_query = normalize_pinyin(text) if not _has_cjk(text) else ""
        best: dict[str, tuple[float, str]] = {}
        table = self._name_table() + (self._pinyin_table() if pinyin_query else [])
        for name_key, how, entity_id, shown in table:
            if among is not None and entity_id not in among:
                continue
            probe = pinyin_query if how == "pinyin" else key
            ratio = difflib.SequenceMatcher(None, probe, name_key).ratio()
            current = best.get(entity_id)
            if current is None or ratio > current[0]:
                best[entity_id] = (ratio, shown)
        ranked = sorted((i for i in best if best[i][0] >= 0.4), key=lambda i: (-best[i][0], i))[:n]
        return [self._match(i, best[i][1], "suggestion", best[i][0]) for i in ranked]

    def resolve(self, text: str, lang: str = "zh") -> Match:
        """The one entity ``text`` names; raise if none or several."""
        best, suggestions = self.search(text)
        if len(best) == 1:
            return best[0]
        if best:
            raise AmbiguousNameError(text, best, lang)
        hint = "; ".join(f"{m.label(lang)} ({m.id})" for m in suggestions)
        raise NotFoundError(f"no entity is named {text!r}" + (f". Closest: {hint}" if hint else ""))


# --------------------------------------------------------------------------- cards


_ENTITY_QUERY = "SELECT ?e ?p ?o WHERE { ?e ?p ?o }"
_OWN_CITATIONS_QUERY = """
SELECT ?e ?quote ?section ?row WHERE {
  ?g a eco:Assertion ; eco:assertionAbout ?e ; eco:citation ?c .
  GRAPH ?g { ?e a ?kind }
  { ?c oa:exact ?quote ; eco:section ?section }
  UNION { ?c dct:identifier ?row ; dct:source ?section }
}"""
# The card's queries start from the bound entity and have no OPTIONAL: Oxigraph answers an
# OPTIONAL by reading its whole right side (every citation of the graph: 12 s a card on disk at
# 50,000 entities), so citations and the optional attributes are read in a second query for the
# graphs and observations found (:func:`_values`), each a few milliseconds.
_RELATIONS_TEMPLATE = """
SELECT ?g ?p ?other ?status ?basis WHERE {
  GRAPH ?g { %s }
  ?g eco:status ?status ; eco:basis ?basis .
  FILTER(isIRI(?other) && ?p != rdf:type)
}"""
_RELATIONS_OUT_QUERY = _RELATIONS_TEMPLATE % "?e ?p ?other"
_RELATIONS_IN_QUERY = _RELATIONS_TEMPLATE % "?other ?p ?e"
_GRAPH_CITATIONS_QUERY = """
SELECT ?g ?quote ?section ?row WHERE {
  %s
  ?g eco:citation ?c .
  { ?c oa:exact ?quote ; eco:section ?section }
  UNION { ?c dct:identifier ?row ; dct:source ?section }
}"""
_OBSERVATIONS_QUERY = """
SELECT ?obs ?role ?ind ?value ?unit ?area WHERE {
  VALUES (?rp ?role) { (eco:refArea "area") (eco:about "about") (eco:scope "scope") \
(eco:indicator "indicator") }
  ?obs ?rp ?e .
  ?obs a eco:Observation ; eco:indicator ?ind ; eco:value ?value ; eco:unit ?unit ; \
eco:refArea ?area .
}"""
_OBSERVATION_DETAILS_QUERY = """
SELECT ?obs ?p ?o WHERE {
  %s
  ?obs ?p ?o .
  FILTER(?p IN (eco:year, eco:periodNote, eco:qualifier, eco:scope, eco:about))
}"""
_OBSERVATION_CITATIONS_QUERY = """
SELECT ?obs ?quote ?section WHERE {
  %s
  ?g eco:assertionAbout ?obs ; eco:citation ?c . ?c oa:exact ?quote ; eco:section ?section .
}"""
#: how many IRIs one VALUES block of a card's second queries holds
_VALUES_CHUNK = 200


def _values(variable: str, iris: Iterable[str]) -> Iterator[str]:
    """``VALUES ?variable { <a> <b> … }`` blocks over ``iris`` (sorted, at most
    :data:`_VALUES_CHUNK` each), every IRI serialized as a checked term, never pasted."""
    from .stores import Iri
    from .stores.sparql import sparql_term

    ordered = sorted(set(iris))
    for start in range(0, len(ordered), _VALUES_CHUNK):
        terms = " ".join(sparql_term(Iri(i)) for i in ordered[start : start + _VALUES_CHUNK])
        yield f"VALUES ?{variable} {{ {terms} }}"


# Scope and subject are read apart: Virtuoso 7 leaves an OPTIONAL eco:about unbound on some rows
# of the query above (whose UNION binds ?e through eco:about), which would split one fact in two.
_CONTEXTS_QUERY = """
SELECT ?obs ?p ?o WHERE { VALUES ?p { eco:scope eco:about } ?obs a eco:Observation ; ?p ?o }"""
_OBSERVATION_QUERY = """
SELECT ?e ?ind WHERE { ?e a eco:Observation ; eco:indicator ?ind }"""
_SECTIONS_QUERY = """
SELECT ?section ?parent WHERE { ?section a eco:DocumentSection ; eco:partOf ?parent }"""


def observation_contexts(store: Store, base: str) -> dict[str, dict[str, str]]:
    """Every observation's id → its ``scope`` and ``about`` ids (those it has), for entity ids
    under ``base``: what, beyond indicator, area, year and unit, tells two facts apart."""
    contexts: dict[str, dict[str, str]] = {}
    for row in store.query(_CONTEXTS_QUERY).rows:
        obs, p, o = row["obs"]["value"], row["p"]["value"], row["o"]["value"]
        if obs.startswith(base) and o.startswith(base) and p.startswith(ECO_NS):
            contexts.setdefault(obs[len(base) :], {})[p[len(ECO_NS) :]] = o[len(base) :]
    return contexts


def section_documents(
    store: Store, base: str, sections: Iterable[str] | None = None
) -> dict[str, str]:
    """Every document section's id → the id of the document it is part of (through the sections
    it is nested in), for entity ids under ``base`` (the dataset base + ``id/``); with
    ``sections``, for those only (their parents read a level at a time)."""
    parents: dict[str, list[str]] = {}

    def add(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            section, parent = row["section"]["value"], row["parent"]["value"]
            if section.startswith(base) and parent.startswith(base):
                parents.setdefault(section[len(base) :], []).append(parent[len(base) :])

    if sections is None:
        add(store.query(_SECTIONS_QUERY).rows)
    else:
        frontier, seen = set(sections), set()
        while frontier:
            seen |= frontier
            for block in _values("section", (base + s for s in frontier)):
                add(store.query(_SECTION_PARENTS_QUERY % block).rows)
            frontier = {p for s in frontier for p in parents.get(s, [])} - seen
    documents: dict[str, str] = {}
    for section in sorted(parents):
        seen_chain, current = {section}, min(parents[section])
        while current in parents and current not in seen_chain:
            seen_chain.add(current)
            current = min(parents[current])
        if current not in parents:
            documents[section] = current
    return documents


_SECTION_PARENTS_QUERY = """
SELECT ?section ?parent WHERE { %s ?section a eco:DocumentSection ; eco:partOf ?parent }"""


def read_observations(
    store: Store, index: NameIndex, entity_id: str, documents: dict[str, str] | None = None
) -> list[ObservationView]:
    """The observations an entity takes part in (as area, about, scope or indicator), each with
    its sources and, where observations of one fact disagree or repeat each other
    (:mod:`ecograph.facts`), the ids of the others. ``documents`` maps section ids to their
    documents (:func:`section_documents`, read when not given)."""
    from .facts import fact_peers
    from .loader import printed_number
    from .stores import Iri

    base = index.base

    def local(iri: str) -> str:
        return iri[len(base) :] if iri.startswith(base) else iri

    found: dict[str, dict[str, Any]] = {}
    for row in store.query(_OBSERVATIONS_QUERY, {"e": Iri(base + entity_id)}).rows:
        obs_iri = row["obs"]["value"]
        seen = found.get(obs_iri)
        if seen is None:
            found[obs_iri] = {**row, "roles": {row["role"]["value"]}}
        else:
            seen["roles"].add(row["role"]["value"])
    details: dict[str, dict[str, list[dict[str, str]]]] = {}
    cites: dict[str, list[tuple[str, str]]] = {}
    for values in _values("obs", found):
        for row in store.query(_OBSERVATION_DETAILS_QUERY % values).rows:
            p = row["p"]["value"][len(ECO_NS) :]
            details.setdefault(row["obs"]["value"], {}).setdefault(p, []).append(row["o"])
        for row in store.query(_OBSERVATION_CITATIONS_QUERY % values).rows:
            cites.setdefault(row["obs"]["value"], []).append(
                (row["quote"]["value"], row["section"]["value"])
            )
    if documents is None:  # the documents of the sections cited, not of every section
        documents = section_documents(
            store, base, {local(section) for pairs in cites.values() for _, section in pairs}
        )
    observations: dict[str, ObservationView] = {}
    for obs_iri, row in found.items():
        obs_id = local(obs_iri)
        extra = details.get(obs_iri, {})
        indicator, unit, area = (local(row[k]["value"]) for k in ("ind", "unit", "area"))
        period = {
            term.get("xml:lang", ""): term["value"]
            for term in extra.get("periodNote", [])
            if term.get("xml:lang") in ("zh", "en")
        }
        context = {
            p: local(extra[p][0]["value"])
            for p in ("scope", "about")
            if p in extra and extra[p][0]["value"].startswith(base)
        }
        obs_view = observations[obs_id] = ObservationView(
            id=obs_id,
            role="+".join(sorted(row["roles"])),
            indicator=indicator,
            indicator_labels=index.labels(indicator),
            value=printed_number(row["value"]["value"]),
            unit=unit,
            unit_labels=index.labels(unit),
            year=min(t["value"] for t in extra["year"]) if "year" in extra else None,
            period=dict(sorted(period.items())),
            qualifier=min(t["value"] for t in extra["qualifier"]) if "qualifier" in extra else None,
            area=area,
            area_labels=index.labels(area),
            scope=context.get("scope"),
            about=context.get("about"),
        )
        for quote, section_iri in cites.get(obs_iri, []):
            section = local(section_iri)
            cite = SourceView(
                quote, section, index.labels(section), document=documents.get(section, "")
            )
            if cite not in obs_view.citations:
                obs_view.citations.append(cite)
    ordered = sorted(
        observations.values(),
        key=lambda o: (pick_label(o.indicator_labels, "zh"), o.year or "", o.id),
    )
    peers = fact_peers({o.id: (o.fact(), o.value) for o in ordered})
    for obs_view in ordered:
        obs_view.citations.sort(key=lambda c: (c.document, c.section, c.quote))
        if obs_view.id in peers:
            obs_view.conflicts_with = list(peers[obs_view.id].conflict)
            obs_view.agrees_with = list(peers[obs_view.id].agree)
            obs_view.conflict = bool(obs_view.conflicts_with)
    return ordered


def _observation_entry(
    store: Store, index: NameIndex, obs_id: str, documents: dict[str, str] | None
) -> tuple[_Entry, list[ObservationView]] | None:
    """An observation as a card's subject: an entry with labels composed of its indicator, area
    and year (an observation has no name of its own), and the observations of its fact (itself
    first, role ``self``; the others of its fact, role ``same fact``). ``None`` if ``obs_id``
    is no observation."""
    from .stores import Iri

    iri = index.base + obs_id
    rows = store.query(_OBSERVATION_QUERY, {"e": Iri(iri)}).rows
    indicators = sorted(
        r["ind"]["value"][len(index.base) :]
        for r in rows
        if r["ind"]["value"].startswith(index.base)
    )
    if not indicators:
        return None
    views = read_observations(store, index, indicators[0], documents)
    own = next((v for v in views if v.id == obs_id), None)
    if own is None:
        return None
    fact = [own] + [v for v in views if v.id in own.conflicts_with or v.id in own.agrees_with]
    for view in fact:
        view.role = "self" if view is own else "same fact"
    when = {
        "zh": f"{own.year}年" if own.year else own.period.get("zh", ""),
        "en": own.year or own.period.get("en", "") or own.period.get("zh", ""),
    }
    labels = {}
    for lang, comma, brackets in (("zh", "，", "（{}）"), ("en", ", ", " ({})")):
        indicator = pick_label(own.indicator_labels, lang) or own.indicator
        area = pick_label(own.area_labels, lang) or own.area
        shown = comma.join(x for x in (area, when[lang]) if x)
        labels[lang] = indicator + brackets.format(shown)
    return _Entry(obs_id, iri, labels, {}, ["Observation"]), fact


def build_card(store: Store, index: NameIndex, entity_id: str) -> EntityCard:
    """Everything the graph says about one entity, with the citations behind it; for the id of
    an observation, the observation with the others of its fact (:mod:`ecograph.facts`)."""
    from .loader import RESERVED_PROPERTIES
    from .stores import Iri
    from .vocab import vocabulary

    vocab = vocabulary()
    entry = index.entries.get(entity_id)
    documents = None  # read for the sections an observation cites (read_observations)
    observed = None if entry is not None else _observation_entry(store, index, entity_id, documents)
    if observed is not None:
        entry = observed[0]
    if entry is None:
        raise NotFoundError(f"no entity with id {entity_id!r}")
    bound = {"e": Iri(entry.iri)}
    base = index.base

    def local(iri: str) -> str:
        return iri[len(base) :] if iri.startswith(base) else iri

    def citation(
        quote: str | None, section: str | None, row: str | None = None
    ) -> list[CitationView]:
        if not section or not (quote or row):
            return []
        return [CitationView(quote or "", local(section), index.labels(local(section)), row or "")]

    definition: dict[str, str] = {}
    notes: dict[str, str] = {}
    attributes: dict[str, list[str]] = {}
    status = None
    for row in store.query(_ENTITY_QUERY, bound).rows:
        p, o = row["p"]["value"], row["o"]
        if p == SKOS_NS + "definition":
            definition[o.get("xml:lang", "")] = o["value"]
        elif p == SKOS_NS + "editorialNote":
            notes[o.get("xml:lang", "")] = o["value"]
        elif p == ECO_NS + "status":
            status = o["value"][len(ECO_NS) :]
        elif p.startswith(ECO_NS) and o["type"] == "literal":
            name = p[len(ECO_NS) :]
            shown = o["value"] + (f"@{o['xml:lang']}" if "xml:lang" in o else "")
            attributes.setdefault(name, []).append(shown)
    for values in attributes.values():
        values.sort()

    own = {
        (
            r.get("quote", {}).get("value", ""),
            r["section"]["value"],
            r.get("row", {}).get("value", ""),
        )
        for r in store.query(_OWN_CITATIONS_QUERY, bound).rows
    }
    citations = [c for quote, section, row in sorted(own) for c in citation(quote, section, row)]

    grouped: dict[tuple[str, str, str], RelationView] = {}
    graphs: dict[str, list[RelationView]] = {}
    for direction, query in (("out", _RELATIONS_OUT_QUERY), ("in", _RELATIONS_IN_QUERY)):
        for row in store.query(query, bound).rows:
            p = row["p"]["value"]
            if not p.startswith(ECO_NS):
                continue
            name = p[len(ECO_NS) :]
            other = local(row["other"]["value"])
            if (
                name in RESERVED_PROPERTIES
                or name not in vocab.object_properties
                or other not in index.entries
            ):
                continue
            key = (direction, name, other)
            view = grouped.get(key)
            if view is None:
                view = grouped[key] = RelationView(
                    direction=direction,
                    predicate=name,
                    predicate_labels=vocab.term_labels(name),
                    other=other,
                    other_labels=index.labels(other),
                    other_kinds=index.kinds(other),
                    status=row["status"]["value"][len(ECO_NS) :],
                    basis=row["basis"]["value"][len(ECO_NS) :],
                )
            graphs.setdefault(row["g"]["value"], []).append(view)
    for block in _values("g", graphs):
        for row in store.query(_GRAPH_CITATIONS_QUERY % block).rows:
            for cite in citation(
                row.get("quote", {}).get("value"),
                row.get("section", {}).get("value"),
                row.get("row", {}).get("value"),
            ):
                for view in graphs[row["g"]["value"]]:
                    if cite not in view.citations:
                        view.citations.append(cite)
    relations = sorted(
        grouped.values(), key=lambda r: (r.predicate, pick_label(r.other_labels, "zh"), r.other)
    )
    for view in relations:
        view.citations.sort(key=lambda c: (c.section, c.quote, c.row))

    ordered_obs = (
        observed[1]
        if observed is not None
        else read_observations(store, index, entry.id, documents)
    )

    kinds = list(entry.kinds)
    return EntityCard(
        id=entry.id,
        iri=entry.iri,
        kinds=kinds,
        kind_labels={k: vocab.term_labels(k) for k in kinds},
        labels=dict(entry.labels),
        alt_labels={k: list(v) for k, v in sorted(entry.alt_labels.items())},
        definition=definition,
        notes=notes,
        status=status,
        attributes=dict(sorted(attributes.items())),
        citations=citations,
        observations=ordered_obs,
        outgoing=[r for r in relations if r.direction == "out"],
        incoming=[r for r in relations if r.direction == "in"],
    )


# --------------------------------------------------------------------------- the name database


class _DBEntries:
    """A name database's entries, read one at a time (as much of a mapping as a card needs)."""

    def __init__(self, connection: Any):
        self._db = connection
        self._read: dict[str, _Entry | None] = {}

    def get(self, entity_id: str, default: Any = None) -> Any:
        if entity_id not in self._read:
            import json

            row = self._db.execute(
                "SELECT iri, labels, alt_labels, kinds, identifiers FROM entries WHERE id = ?",
                (entity_id,),
            ).fetchone()
            self._read[entity_id] = (
                None
                if row is None
                else _Entry(
                    entity_id,
                    row[0],
                    json.loads(row[1]),
                    json.loads(row[2]),
                    json.loads(row[3]),
                    json.loads(row[4]),
                )
            )
        found = self._read[entity_id]
        return default if found is None else found

    def __contains__(self, entity_id: object) -> bool:
        return isinstance(entity_id, str) and self.get(entity_id) is not None

    def __getitem__(self, entity_id: str) -> _Entry:
        found = self.get(entity_id)
        if found is None:
            raise KeyError(entity_id)
        return found


class NameDB(_Names):
    """A :class:`NameIndex` kept in SQLite (in the build cache, for a large dataset): an exact
    name is found by one indexed query and an entity's names read when a card shows them, where
    unpickling the whole index took 0.9 s at 50,000 entities. It answers what the index answers
    for a text that is exactly a name; for anything else (pinyin, near misses) the caller asks
    the index itself."""

    def __init__(self, path: str | Path):
        import sqlite3

        self.path = Path(path)
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        self.base = self._db.execute("SELECT value FROM meta WHERE key = 'base'").fetchone()[0]
        self.entries = _DBEntries(self._db)

    @staticmethod
    def write(index: NameIndex, path: str | Path) -> None:
        """Write ``index`` (its entries and name table) to a new SQLite file ``path``."""
        import json
        import sqlite3

        db = sqlite3.connect(str(path))
        try:
            db.executescript(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                "CREATE TABLE entries (id TEXT PRIMARY KEY, iri TEXT, labels TEXT, "
                "alt_labels TEXT, kinds TEXT, identifiers TEXT);"
                "CREATE TABLE names (key TEXT, how TEXT, id TEXT, shown TEXT, position INTEGER);"
            )
            db.execute("INSERT INTO meta VALUES ('base', ?)", (index.base,))
            db.executemany(
                "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (
                        e.id,
                        e.iri,
                        json.dumps(e.labels, ensure_ascii=False),
                        json.dumps(e.alt_labels, ensure_ascii=False),
                        json.dumps(e.kinds),
                        json.dumps(e.identifiers, ensure_ascii=False),
                    )
                    for e in index.entries.values()
                ),
            )
            db.executemany(
                "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
                ((*row, n) for n, row in enumerate(index._name_table())),
            )
            db.execute("CREATE INDEX names_key ON names (key)")
            db.commit()
        finally:
            db.close()

    def search_exact(self, text: str) -> tuple[list[Match], list[Match]] | None:
        """:meth:`NameIndex.search` for a text that is exactly a name (its first pass, with the
        same scores, order and cut); ``None`` when no name is exactly the text."""
        key = normalize_name(text)
        if not key:
            return None
        scored: dict[str, tuple[float, str, str]] = {}
        rows = self._db.execute(
            "SELECT how, id, shown FROM names WHERE key = ? ORDER BY position", (key,)
        ).fetchall()
        for how, entity_id, shown in rows:
            current = scored.get(entity_id)
            if current is None or WEIGHTS[how] > current[0]:
                scored[entity_id] = (WEIGHTS[how], shown, how)
        return self._ranked(scored) if scored else None
