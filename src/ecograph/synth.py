"""Synthetic datasets at national scale, in the same ontology, for benchmarks and tests.

The generator invents a country of cities with universities, institutes, laboratories, pilot
platforms, talent centres, enterprises, people, policies, programmes, projects, achievements and
fields. Relations follow preferential attachment, so degrees are skewed as in real ecosystems
(a few hubs, many leaves). Every record is bilingual and cites a sentence of a generated source
text, so the YAML passes the same loader checks as curated data. ``nquads`` and ``ntriples``
write the RDF the loader would make of that YAML (the same records through the same
:mod:`ecograph.provenance` layout, so the same IRIs and bytes) without writing and reading the
YAML, for sizes where that would be slow.
Everything is drawn from one seeded random generator: the same arguments give the same bytes.
All names are invented and marked as synthetic.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from .loader import LoadedData

__all__ = ["BASE", "KIND_SHARES", "SynthResult", "synthesize"]

#: the base IRI of every synthetic dataset
BASE = "https://w3id.org/ecograph/synth/"

#: kind -> (share of entities, Chinese suffix, English suffix)
KIND_SHARES: dict[str, tuple[float, str, str]] = {
    "Enterprise": (0.30, "科技有限公司", "Technology Co."),
    "ResearchProject": (0.16, "研发项目", "R&D project"),
    "TechnologyAchievement": (0.10, "技术成果", "technology"),
    "Person": (0.08, "", ""),
    "Laboratory": (0.06, "重点实验室", "Key Laboratory"),
    "PilotPlatform": (0.04, "中试基地", "Pilot-Scale Testing Base"),
    "University": (0.03, "大学", "University"),
    "ResearchInstitution": (0.03, "研究所", "Research Institute"),
    "NewTypeRDInstitution": (0.03, "创新研究院", "Innovation Institute"),
    "TalentInnovationCentre": (0.02, "人才科创中心", "Talent and Innovation Centre"),
    "Programme": (0.04, "专项行动", "Action Programme"),
    "PolicyDocument": (0.03, "若干措施", "Measures"),
    "Field": (0.02, "产业", "industry"),
    "AdministrativeArea": (0.03, "市", "City"),
    "GovernmentBody": (0.03, "科学技术局", "Science and Technology Bureau"),
}
_SYLLABLES = (
    "华 中 东 西 南 北 新 安 宁 泰 兴 盛 嘉 和 平 远 明 光 德 信 达 丰 源 瑞 恒 通 科 创 智 能"
).split()
_PINYIN = dict(
    zip(
        _SYLLABLES,
        (
            "hua zhong dong xi nan bei xin an ning tai xing sheng jia he ping "
            "yuan ming guang de xin da feng yuan rui heng tong ke chuang zhi neng"
        ).split(),
        strict=True,
    )
)
_SURNAMES = list(
    zip(
        "王 李 张 刘 陈 杨 赵 黄 周 吴".split(),
        "Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu".split(),
        strict=True,
    )
)
#: which relation a kind makes, to which kind
_LINKS: dict[str, list[tuple[str, str]]] = {
    "Enterprise": [
        ("locatedIn", "AdministrativeArea"),
        ("focusesOn", "Field"),
        ("collaboratesWith", "University"),
    ],
    "ResearchProject": [
        ("implementedBy", "Enterprise"),
        ("focusesOn", "Field"),
        ("organizedUnder", "Programme"),
    ],
    "TechnologyAchievement": [("focusesOn", "Field"), ("implementedBy", "Laboratory")],
    "Person": [("activeIn", "AdministrativeArea")],
    "Laboratory": [
        ("operatedBy", "University"),
        ("locatedIn", "AdministrativeArea"),
        ("focusesOn", "Field"),
    ],
    "PilotPlatform": [
        ("operatedBy", "Enterprise"),
        ("locatedIn", "AdministrativeArea"),
        ("focusesOn", "Field"),
    ],
    "University": [("locatedIn", "AdministrativeArea")],
    "ResearchInstitution": [
        ("locatedIn", "AdministrativeArea"),
        ("collaboratesWith", "University"),
    ],
    "NewTypeRDInstitution": [("coBuiltWith", "University"), ("locatedIn", "AdministrativeArea")],
    "TalentInnovationCentre": [("locatedIn", "AdministrativeArea")],
    "Programme": [("implementedBy", "GovernmentBody"), ("focusesOn", "Field")],
    "PolicyDocument": [("issuedBy", "GovernmentBody"), ("implements", "Programme")],
    "Field": [],
    "AdministrativeArea": [],
    "GovernmentBody": [("locatedIn", "AdministrativeArea")],
}
_STATUSES = ["done"] * 7 + ["ongoing"] * 2 + ["planned"]


@dataclass
class SynthResult:
    folder: str
    format: str
    entities: int
    relations: int
    observations: int
    files: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # bytes of each file

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        """The counts written, then each file with its size."""
        lines = [
            f"Wrote {self.entities:,} entities, {self.relations:,} relations and "
            f"{self.observations:,} observations ({self.format}) to {self.folder}:"
        ]
        for file, size in zip(self.files, self.sizes, strict=True):
            lines.append(f"  {file}  ({size:,} bytes)")
        if self.format != "yaml":
            lines.append(
                "This is RDF for an external triple store (e.g. `oxigraph load --location DIR "
                "--file FILE`), not a dataset folder: ecograph's commands read the yaml format."
            )
        return "\n".join(lines)


@dataclass
class _Entity:
    id: str
    kind: str
    zh: str
    en: str
    section: str
    sentence: str
    status: str
    relations: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (property, target, status)


def _name(rng: random.Random, kind: str, number: int) -> tuple[str, str]:
    chars = rng.sample(_SYLLABLES, 2)
    zh_root = "".join(chars)
    en_root = "".join(_PINYIN[c] for c in chars).capitalize()
    _, zh_suffix, en_suffix = KIND_SHARES[kind]
    if kind == "Person":
        surname, surname_en = rng.choice(_SURNAMES)
        return f"{surname}{zh_root}{number}", f"{surname_en} {en_root} {number}"
    return f"{zh_root}{number}{zh_suffix}", f"{en_root} {number} {en_suffix}".strip()


def _entities(n: int, seed: int, per_section: int) -> tuple[list[_Entity], list[str]]:
    rng = random.Random(seed)  # noqa: S311 - seeded synthetic data, reproducible, not secret
    counts = {kind: max(1, round(share * n)) for kind, (share, _, _) in KIND_SHARES.items()}
    entities: list[_Entity] = []
    by_kind: dict[str, list[int]] = {kind: [] for kind in KIND_SHARES}
    order = sorted(KIND_SHARES, key=lambda k: (len(_LINKS[k]) > 0, k))  # targets first
    number = 0
    for kind in order:
        for _ in range(counts[kind]):
            number += 1
            zh, en = _name(rng, kind, number)
            section = f"s{len(entities) // per_section + 1}"
            entity = _Entity(
                f"{kind.lower()}-{number}",
                kind,
                zh,
                en,
                section,
                f"{zh}（合成数据）参与区域创新。",
                rng.choice(_STATUSES),
            )
            by_kind[kind].append(len(entities))
            entities.append(entity)
    # preferential attachment: a target is drawn with weight 1 + its current in-degree
    weights: dict[str, list[int]] = {kind: [1] * len(idx) for kind, idx in by_kind.items()}
    for entity in entities:
        for prop, target_kind in _LINKS[entity.kind]:
            candidates = by_kind[target_kind]
            if not candidates:
                continue
            for _ in range(1 + (rng.random() < 0.3)):
                pick = rng.choices(range(len(candidates)), weights=weights[target_kind], k=1)[0]
                target = entities[candidates[pick]]
                if target.id == entity.id or any(
                    t == target.id and p == prop for p, t, _ in entity.relations
                ):
                    continue
                weights[target_kind][pick] += 1
                entity.relations.append((prop, target.id, rng.choice(_STATUSES)))
    sections = sorted({e.section for e in entities}, key=lambda s: int(s[1:]))
    return entities, sections


def _observations(entities: list[_Entity], seed: int) -> Iterator[tuple[str, _Entity, str, str]]:
    rng = random.Random(seed + 1)  # noqa: S311 - seeded synthetic data, not secret
    for entity in entities:
        if entity.kind in ("AdministrativeArea", "Enterprise") and rng.random() < 0.5:
            for year in (2023, 2024):
                value = f"{rng.randint(1, 9999)}.{rng.randint(0, 99):02d}"
                yield f"rd-spending-{entity.id}-{year}", entity, str(year), value


#: the line of the synthetic source that names the indicator and its unit (their citation)
_INDICATOR_LINE = "指标：研发投入，单位：亿元。"


def _source_text(
    entities: list[_Entity], sections: list[str], observations: list[tuple[str, _Entity, str, str]]
) -> str:
    lines = ["合成数据集（虚构，仅供基准测试）", _INDICATOR_LINE, ""]
    obs_by_section: dict[str, list[str]] = {}
    for _, entity, year, value in observations:
        obs_by_section.setdefault(entity.section, []).append(
            f"{year}年{entity.zh}研发投入{value}亿元。"
        )
    by_section: dict[str, list[_Entity]] = {}
    for entity in entities:
        by_section.setdefault(entity.section, []).append(entity)
    for section in sections:
        lines.append(f"【第{section[1:]}节】")
        lines.extend(e.sentence for e in by_section.get(section, []))
        lines.extend(obs_by_section.get(section, []))
        lines.append("")
    return "\n".join(lines)


def synthesize(
    out: str | Path,
    entities: int = 1000,
    seed: int = 1,
    fmt: str = "yaml",
    progress: Callable[[str, int, int], None] | None = None,
    table_rows: int = 0,
) -> SynthResult:
    """Write a synthetic dataset of about ``entities`` entities into ``out``: a dataset folder
    (``yaml``), one N-Quads file ``synth.nq`` with provenance graphs (``nquads``), or the same
    statements flattened into ``synth.nt`` (``ntriples``).

    The RDF is what the loader makes of the YAML (records → quads by
    :func:`ecograph.provenance.dataset_quads`, ontology included): ``synth.nq`` and ``synth.nt``
    are the bytes ``ecograph export --format nquads`` and ``--format ntriples`` write for the
    ``yaml`` folder of the same arguments, without writing or reading the YAML.

    ``table_rows`` (``yaml`` only) adds a registry as a table: ``tables/高新技术企业名单.csv``
    with that many invented enterprises (kind, city, field, certification year; some with a
    curated laboratory or zone), its YARRRML mapping and its ``tables:`` entry in dataset.yaml
    (see :mod:`ecograph.tables`); the registry's document, its kinds and a few innovation zones
    become curated records, cited from the source text."""
    from .errors import UsageError
    from .output import write_many_atomic

    if entities < 20:
        raise UsageError(
            f"a synthetic dataset needs at least 20 entities (one of each kind), not {entities}",
            param="entities",
        )
    if fmt not in ("yaml", "nquads", "ntriples"):
        raise UsageError(f"unknown synth format {fmt!r}; use yaml, nquads or ntriples", param="fmt")
    if table_rows < 0 or (table_rows and fmt != "yaml"):
        raise UsageError(
            "a registry table goes into a dataset folder (the yaml format), with at least one row",
            param="table_rows",
        )
    out = Path(out)
    items, sections = _entities(entities, seed, per_section=200)
    observations = list(_observations(items, seed))
    records = _records(items, sections, observations)
    if progress:
        progress("generating", 1, 3)
    if fmt == "yaml":
        source = _source_text(items, sections, observations)
        registry: dict[str, str] = {}
        if table_rows:
            source, registry = _registry(items, records, source, table_rows, seed)
        files = _yaml_files(records, source, bool(table_rows))
        files.update(registry)
    else:
        from .provenance import dataset_quads, to_nquads

        nquads = to_nquads(dataset_quads(_loaded(out, records)))
        if fmt == "nquads":
            files = {"synth.nq": nquads.decode("utf-8")}
        else:  # the same statements without their graphs, as `ecograph export` writes them
            from .rdfwrite import sorted_quads, to_ntriples

            files = {"synth.nt": to_ntriples(sorted_quads(nquads))}
    if progress:
        progress("writing", 2, 3)
    written = write_many_atomic({out / name: text for name, text in files.items()})
    if progress:
        progress("done", 3, 3)
    relations = sum(len(e.relations) for e in items)
    return SynthResult(
        str(out),
        fmt,
        len(items),
        relations,
        len(records[_OBSERVATIONS]),
        [str(p) for p in written],
        [len(text.encode("utf-8")) for text in files.values()],
    )


# --------------------------------------------------------------------------- records

#: the dataset.yaml of every synthetic dataset (its first line is a comment)
_META: dict[str, Any] = {
    "id": "synth",
    "base": BASE,
    "title": {
        "zh": "合成创新生态数据集（虚构）",
        "en": "Synthetic innovation ecosystem (invented)",
    },
    "license": "https://creativecommons.org/publicdomain/zero/1.0/",
    "sources": [{"document": "synth-source", "file": "sources/synth.txt"}],
}
_META_COMMENT = "# SYNTHETIC dataset made by `ecograph synth`: every name is invented.\n"
_SOURCE_FILE = "sources/synth.txt"
_SOURCE_TITLE = "合成数据集（虚构，仅供基准测试）"
_OBSERVATIONS = "observations.yaml"


class _Quoted(str):
    """A string the YAML writes double-quoted."""

    __slots__ = ()


class _Flow(dict):
    """A mapping the YAML writes on one line, ``{key: value, …}``."""


def _cite(section: str, quote: str) -> _Flow:
    return _Flow(section=section, quote=_Quoted(quote))


def _records(
    items: list[_Entity], sections: list[str], observations: list[tuple[str, _Entity, str, str]]
) -> dict[str, list[dict[str, Any]]]:
    """Every record of the dataset as the YAML holds it (all scalars strings), by file."""
    docs: list[dict[str, Any]] = [
        {
            "id": "synth-source",
            "type": "Document",
            "label": _Flow(zh="合成数据集", en="Synthetic dataset"),
            "cite": _Flow(section="s1", quote=_SOURCE_TITLE),
        }
    ]
    for number, section in enumerate(sections, 1):
        marker = f"【第{section[1:]}节】"
        docs.append({
            "id": section,
            "type": "DocumentSection",
            "label": _Flow(zh=_Quoted(marker), en=_Quoted(f"Section {section[1:]}")),
            "order": _Quoted(str(number)),
            "start": _Quoted(marker if number > 1 else _SOURCE_TITLE),
            "cite": _cite(section, marker if number > 1 else "合成数据集"),
            "relations": [_Flow(p="partOf", o="synth-source")],
        })  # fmt: skip
    entities: list[dict[str, Any]] = []
    for e in items:
        record: dict[str, Any] = {
            "id": e.id,
            "type": e.kind,
            "label": _Flow(zh=_Quoted(e.zh), en=_Quoted(e.en)),
            "cite": _cite(e.section, e.sentence),
        }
        if e.status != "done" and e.kind not in ("AdministrativeArea", "Field"):
            record["status"] = e.status
        if e.relations:
            record["relations"] = [
                _Flow(p=prop, o=target, status=status, cite=_cite(e.section, e.sentence))
                for prop, target, status in e.relations
            ]
        entities.append(record)
    concepts: list[dict[str, Any]] = [
        {
            "id": "rd-spending",
            "type": "Indicator",
            "label": _Flow(zh="研发投入", en="R&D spending"),
            "cite": _Flow(section="s1", quote="指标：研发投入"),
        },
        {
            "id": "yi-yuan",
            "type": "Unit",
            "label": _Flow(zh="亿元", en="100 million yuan"),
            "multiplier": _Quoted("100000000"),
            "cite": _Flow(section="s1", quote="单位：亿元"),
        },
    ]
    obs: list[dict[str, Any]] = []
    by_id = {e.id: e for e in items}
    for obs_id, entity, year, value in observations:
        area = (
            entity.id
            if entity.kind == "AdministrativeArea"
            else next((t for p, t, _ in entity.relations if p == "locatedIn"), None)
        )
        if area is None or by_id[area].kind != "AdministrativeArea":
            continue
        record = {"id": obs_id, "type": "Observation", "indicator": "rd-spending", "area": area}
        if entity.kind != "AdministrativeArea":
            record["about"] = entity.id
        record.update(
            year=_Quoted(year),
            value=_Quoted(value),
            unit="yi-yuan",
            cite=_cite(entity.section, f"{year}年{entity.zh}研发投入{value}亿元"),
        )
        obs.append(record)
    return {
        "documents.yaml": docs,
        "entities.yaml": entities,
        "concepts.yaml": concepts,
        _OBSERVATIONS: obs,
    }


def _loaded(out: Path, records: dict[str, list[dict[str, Any]]]) -> LoadedData:
    """The records as the loader reads them from the YAML folder (each record checked by the
    loader's own reading; the source text is not needed to make the RDF)."""
    from .loader import DatasetMeta, LoadedData, read_records

    meta = DatasetMeta(
        id=_META["id"],
        base=BASE,
        title=dict(_META["title"]),
        description={},
        license=_META["license"],
        sources={"synth-source": (out / _SOURCE_FILE).resolve()},
        folder=out,
    )
    return LoadedData(meta, read_records(records), sorted(records))


# --------------------------------------------------------------------------- YAML


try:  # libyaml's emitter is ten times faster than PyYAML's; both make the same YAML here
    _Base: type = yaml.CSafeDumper  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.SafeDumper


class _Dumper(_Base):  # type: ignore[misc, valid-type]
    """:class:`_Flow` and :class:`_Quoted` where the records say so; no anchors and aliases
    (the loader refuses them), whatever objects the records share."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _IndentingDumper(yaml.SafeDumper):
    """PyYAML's own emitter, which can indent a list under its key (for dataset.yaml)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


for _dumper in (_Dumper, _IndentingDumper):
    _dumper.add_representer(
        _Quoted,
        lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", str(text), style='"'),
    )
    _dumper.add_representer(
        _Flow,
        lambda dumper, mapping: dumper.represent_mapping(
            "tag:yaml.org,2002:map", list(mapping.items()), flow_style=True
        ),
    )


def _dump(value: Any, dumper: type = _Dumper) -> str:
    """``value`` as block YAML (one-line flow mappings inside), lines never folded."""
    return yaml.dump(
        value,
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 30,
    )


def _dump_records(records: list[dict[str, Any]]) -> str:
    """A YAML list of records with an empty line between records and each record's lists
    indented under their key, as curated files are written. libyaml writes such a list at its
    key's indentation; every list in a record holds one-line items, so a line that starts with
    ``- `` after two spaces is one of them, and one at column 0 starts a record."""
    text = _dump(records) if records else ""
    return text.replace("\n  - ", "\n    - ").replace("\n- ", "\n\n- ")


def _yaml_files(
    records: dict[str, list[dict[str, Any]]], source: str, tables: bool = False
) -> dict[str, str]:
    """The dataset folder: dataset.yaml, the source text and one YAML list per file, with an
    empty line between records."""
    meta = dict(_META, title=_Flow(_META["title"]))
    if tables:
        meta["tables"] = [_REGISTRY_ENTRY]
    files = {"dataset.yaml": _META_COMMENT + _dump(meta, _IndentingDumper), _SOURCE_FILE: source}
    for name, items in records.items():
        files[name] = _dump_records(items)
    return files


# --------------------------------------------------------------------------- a registry table

_REGISTRY_FILE = "tables/高新技术企业名单.csv"
_REGISTRY_MAPPING = "tables/enterprises.yarrrml.yaml"
_REGISTRY_ENTRY = {
    "file": _REGISTRY_FILE,
    "document": "hte-register",
    "mapping": _REGISTRY_MAPPING,
    "links": _Flow(
        企业类型="label", 所在地="id", 技术领域="label", 合作单位="label", 所在园区="id"
    ),
}
_REGISTRY_LINE = (
    "名录：合成高新技术企业名单（虚构），收录国家高新技术企业、科技型中小企业、专精特新企业。"
)
#: the kinds of enterprise a registry row names (by label): id, zh, en
_REGISTRY_KINDS = (
    ("national-high-tech-enterprise", "国家高新技术企业", "National high-tech enterprise"),
    ("tech-sme", "科技型中小企业", "Technology-based SME"),
    ("specialised-sme", "专精特新企业", "Specialised and innovative SME"),
)
_REGISTRY_HEADER = (
    "企业编号", "企业名称", "英文名称", "企业类型", "所在地", "技术领域", "认定年份", "合作单位",
    "所在园区",
)  # fmt: skip
_REGISTRY_YARRRML = f"""# SYNTHETIC registry made by `ecograph synth --tables`: all names invented.
# Each row is an enterprise: its id and names, its kind (a designation), where it is, its field,
# the year it was certified and, for some, a curated laboratory it works with and its zone. By
# the time the mapping runs, the cells of the link columns are curated ids (dataset.yaml).
prefixes:
  eco: https://w3id.org/ecograph/ontology#
  skos: http://www.w3.org/2004/02/skos/core#
  xsd: http://www.w3.org/2001/XMLSchema#
  id: {BASE}id/
mappings:
  enterprise:
    sources:
      - [{_REGISTRY_FILE}~csv]
    s: id:$(企业编号)
    po:
      - [a, eco:Enterprise]
      - [skos:prefLabel, $(企业名称), zh~lang]
      - [skos:prefLabel, $(英文名称), en~lang]
      - p: eco:hasDesignation
        o: id:$(企业类型)~iri
      - p: eco:locatedIn
        o: id:$(所在地)~iri
      - p: eco:focusesOn
        o: id:$(技术领域)~iri
      - p: eco:year
        o: {{value: $(认定年份), datatype: xsd:gYear}}
      - p: eco:collaboratesWith
        o: id:$(合作单位)~iri
      - p: eco:locatedIn
        o: id:$(所在园区)~iri
"""


def _registry(
    items: list[_Entity],
    records: dict[str, list[dict[str, Any]]],
    source: str,
    rows: int,
    seed: int,
) -> tuple[str, dict[str, str]]:
    """Add a registry of ``rows`` enterprises: the curated records it needs (its document, the
    kinds it names, a few zones), cited from lines added to the source; its CSV and mapping."""
    import csv
    import io

    rng = random.Random(seed + 2)  # noqa: S311 - seeded synthetic data, not secret
    areas = [e for e in items if e.kind == "AdministrativeArea"]
    fields = [e for e in items if e.kind == "Field"]
    labs = [e for e in items if e.kind == "Laboratory"]
    zones = []
    lines = [_REGISTRY_LINE]
    for number in range(1, max(3, len(areas) // 4) + 1):
        area = areas[(number - 1) % len(areas)]
        zh = f"{area.zh}合成{number}号高新区"
        sentence = f"园区：{zh}（合成数据）位于{area.zh}。"
        lines.append(sentence)
        zones.append((f"zone-{number}", zh, f"{area.en} Synthetic High-Tech Zone {number}", area))
        records["entities.yaml"].append({
            "id": f"zone-{number}",
            "type": "InnovationZone",
            "label": _Flow(zh=_Quoted(zh), en=_Quoted(zones[-1][2])),
            "cite": _cite("s1", sentence),
            "relations": [_Flow(p="locatedIn", o=area.id, cite=_cite("s1", sentence))],
        })  # fmt: skip
    records["documents.yaml"].append({
        "id": "hte-register",
        "type": "Document",
        "label": _Flow(zh="合成高新技术企业名单", en="Synthetic register of high-tech enterprises"),
        "isolated": _Flow(
            zh="名录本身不与其他实体相连；其各行由表格映射为企业并引用该行。",
            en="The register links to nothing itself; its rows become enterprises that cite them.",
        ),
        "cite": _cite("s1", "合成高新技术企业名单（虚构）"),
    })  # fmt: skip
    for kind_id, zh, en in _REGISTRY_KINDS:
        records["concepts.yaml"].append({
            "id": kind_id,
            "type": "Designation",
            "label": _Flow(zh=zh, en=en),
            "cite": _cite("s1", zh),
        })  # fmt: skip
    head, _, rest = source.partition(_INDICATOR_LINE + "\n")
    source = head + _INDICATOR_LINE + "\n" + "\n".join(lines) + "\n" + rest
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_REGISTRY_HEADER)
    for number in range(1, rows + 1):
        chars = rng.sample(_SYLLABLES, 2)
        root = "".join(chars)
        en_root = "".join(_PINYIN[c] for c in chars).capitalize()
        area = rng.choice(areas)
        lab = rng.choice(labs).zh if labs and rng.random() < 0.05 else ""
        zone = rng.choice(zones)[0] if rng.random() < 0.1 else ""
        writer.writerow((
            f"hte-{number:06d}",
            f"{root}{number}高新科技有限公司",
            f"{en_root} {number} High-Tech Co.",
            rng.choice(_REGISTRY_KINDS)[1],
            area.id,
            rng.choice(fields).zh,
            str(rng.randint(2016, 2024)),
            lab,
            zone,
        ))  # fmt: skip
    return source, {_REGISTRY_FILE: buffer.getvalue(), _REGISTRY_MAPPING: _REGISTRY_YARRRML}
