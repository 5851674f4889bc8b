"""An indicator across years and documents: every point with the source behind it.

``series(store, names, indicator)`` reads every observation of one indicator (optionally of one
area) with its year or period, value, unit, hedge and the quote, section and document that
state it. Observations that state the same value, unit and hedge for one area and year are
one point with several sources; points of one fact (:mod:`ecograph.facts`: area, year, unit,
scope, about) whose values differ are all kept and marked as a conflict, never averaged or
chosen between.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from .errors import NotFoundError

if TYPE_CHECKING:
    from .lookup import NameIndex
    from .stores import Store

__all__ = ["SeriesPoint", "SeriesResult", "SeriesSource", "series"]

_QUERY = """
SELECT ?ind ?obs ?area ?year ?periodZh ?periodEn ?value ?unit ?qual ?quote ?section WHERE {
  ?obs a eco:Observation ; eco:indicator ?ind ; eco:value ?value ; eco:unit ?unit ;
       eco:refArea ?area .
  OPTIONAL { ?obs eco:year ?year }
  OPTIONAL { ?obs eco:periodNote ?periodZh FILTER(lang(?periodZh) = "zh") }
  OPTIONAL { ?obs eco:periodNote ?periodEn FILTER(lang(?periodEn) = "en") }
  OPTIONAL { ?obs eco:qualifier ?qual }
  OPTIONAL {
    ?g eco:assertionAbout ?obs ; eco:citation ?c . ?c oa:exact ?quote ; eco:section ?section .
  }
}"""


@dataclass
class SeriesSource:
    """One statement of a point: the document, section and verbatim quote."""

    observation: str
    document: str
    section: str
    quote: str


@dataclass
class SeriesPoint:
    """One value of the indicator for one area and year (or period)."""

    area: str
    area_labels: dict[str, str]
    year: str | None
    period: dict[str, str]
    value: str
    unit: str
    unit_labels: dict[str, str]
    qualifier: str | None
    sources: list[SeriesSource] = field(default_factory=list)
    conflict: bool = False  # another point of this fact (area, year, unit …) has another value
    scope: str | None = None
    about: str | None = None

    def amount(self, lang: str = "zh") -> str:
        from .lookup import amount_text, pick_label

        return amount_text(self.value, pick_label(self.unit_labels, lang), self.qualifier, lang)


@dataclass
class SeriesResult:
    """The points of one indicator, by area, then year (undated last), then value."""

    indicator: str
    indicator_labels: dict[str, str]
    points: list[SeriesPoint] = field(default_factory=list)

    @property
    def conflicts(self) -> int:
        return sum(1 for p in self.points if p.conflict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["conflicts"] = self.conflicts
        return data

    def _rows(self, lang: str) -> list[tuple[str, ...]]:
        from .lookup import pick_label

        rows: list[tuple[str, ...]] = []
        for point in self.points:
            when = point.year or pick_label(point.period, lang) or "?"
            for source in point.sources or [SeriesSource("", "", "", "")]:
                rows.append(
                    (
                        when,
                        pick_label(point.area_labels, lang) or point.area,
                        point.amount(lang),
                        "conflict" if point.conflict else "",
                        source.document,
                        source.section,
                        source.quote,
                    )
                )
        return rows

    HEADERS: ClassVar[tuple[str, ...]] = (
        "year", "area", "value", "conflict", "document", "section", "quote",
    )  # fmt: skip

    def to_text(self, lang: str = "zh") -> str:
        from .lookup import pick_label
        from .text import count, table

        label = pick_label(self.indicator_labels, lang) or self.indicator
        head = f"{label} ({self.indicator}): {count(len(self.points), 'point')}"
        if self.conflicts:
            head += f", {count(self.conflicts, 'conflicting point')}"
        if not self.points:
            return head
        rows = [(*row[:6], _short(row[6])) for row in self._rows(lang)]
        return head + "\n" + table(rows, self.HEADERS)

    def to_csv(self, lang: str = "zh", *, excel: bool = False) -> str:
        from .safetext import csv_text

        return csv_text(list(self.HEADERS), self._rows(lang), excel=excel)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def series(store: Store, names: NameIndex, indicator: str, area: str | None = None) -> SeriesResult:
    """Every observation of ``indicator`` (an id, or any name the name index resolves) in
    ``store``, of the area ``area`` (id or name) if given, with the source of each point."""
    from .facts import fact_key, fact_peers
    from .loader import printed_number
    from .lookup import observation_contexts, section_documents
    from .stores import Iri

    indicator_id = _resolve(names, indicator, "Indicator")
    area_id = _resolve(names, area, None) if area else None
    base = names.base

    def local(cell: dict[str, str] | None) -> str:
        value = (cell or {}).get("value", "")
        return value[len(base) :] if value.startswith(base) else value

    documents = section_documents(store, base)
    contexts = observation_contexts(store, base)
    points: dict[tuple[str | None, ...], SeriesPoint] = {}
    rows = store.query(_QUERY, {"ind": Iri(base + indicator_id)}).rows
    for row in rows:
        row_area = local(row["area"])
        if area_id and row_area != area_id:
            continue
        year = row["year"]["value"] if "year" in row else None
        unit = local(row["unit"])
        qualifier = row["qual"]["value"] if "qual" in row else None
        value = printed_number(row["value"]["value"])
        scope, about = (contexts.get(local(row["obs"]), {}).get(k) for k in ("scope", "about"))
        key = (row_area, year, value, unit, qualifier, scope, about)
        point = points.get(key)
        if point is None:
            period = {
                lang: row[k]["value"]
                for lang, k in (("zh", "periodZh"), ("en", "periodEn"))
                if k in row
            }
            point = points[key] = SeriesPoint(
                row_area, names.labels(row_area), year, period, value, unit,
                names.labels(unit), qualifier, scope=scope, about=about,
            )  # fmt: skip
        if "quote" in row:
            section = local(row["section"])
            source = SeriesSource(
                local(row["obs"]), documents.get(section, ""), section, row["quote"]["value"],
            )  # fmt: skip
            if source not in point.sources:
                point.sources.append(source)
    ordered = sorted(
        points.values(),
        key=lambda p: (
            p.area, p.year is None, p.year or "", _number(p.value), p.value, p.unit,
            p.qualifier or "", p.scope or "", p.about or "",
        ),
    )  # fmt: skip
    peers = fact_peers(
        {
            number: (
                fact_key(
                    indicator_id, p.area, p.year, p.unit,
                    scope=p.scope, about=p.about, qualifier=p.qualifier,
                ),
                p.value,
            )
            for number, p in enumerate(ordered)
        }
    )  # fmt: skip
    for number, point in enumerate(ordered):
        point.sources.sort(key=lambda s: (s.document, s.section, s.observation, s.quote))
        point.conflict = number in peers and bool(peers[number].conflict)
    return SeriesResult(indicator_id, names.labels(indicator_id), ordered)


def _number(value: str) -> float:
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return float("inf")


def _resolve(names: NameIndex, text: str | None, kind: str | None) -> str:
    """An id the index knows, as given, else the one entity ``text`` names."""
    if text is None:
        raise NotFoundError("no name given")
    if text in names.entries:
        return text
    match = names.resolve(text)
    if kind and kind not in match.kinds:
        raise NotFoundError(
            f"{text!r} names {match.id}, which is not an indicator", param="indicator"
        )
    return match.id
