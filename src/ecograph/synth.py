"""Synthetic datasets at national scale, in the same ontology, for benchmarks and tests.

The generator invents a country of cities with universities, institutes, laboratories, pilot
platforms, talent centres, enterprises, people, policies, programmes, projects, achievements and
fields. Relations follow preferential attachment, so degrees are skewed as in real ecosystems
(a few hubs, many leaves). Every record is bilingual and cites a sentence of a generated source
text, so the YAML passes the same loader checks as curated data; ``ntriples`` writes the RDF
directly (with the same IRIs and provenance layout) for sizes where YAML would be slow to read.
Everything is drawn from one seeded random generator: the same arguments give the same bytes.
All names are invented and marked as synthetic.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .namespaces import ECO_NS, PREFIX_IRIS, SKOS_NS

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
_SYLLABLES = "华 中 东 西 南 北 新 安 宁 泰 兴 盛 嘉 和 平 远 明 光 德 信 达 丰 源 瑞 恒 通 科 创 智 能".split()
_PINYIN = dict(
    zip(
        _SYLLABLES,
        "hua zhong dong xi nan bei xin an ning tai xing sheng jia he ping yuan ming guang de xin da feng yuan rui heng tong ke chuang zhi neng".split(),
    )
)
_SURNAMES = list(
    zip(
        "王 李 张 刘 陈 杨 赵 黄 周 吴".split(),
        "Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu".split(),
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
    rng = random.Random(seed)
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
    rng = random.Random(seed + 1)
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
) -> SynthResult:
    """Write a synthetic dataset of about ``entities`` entities into ``out``: a dataset folder
    (``yaml``), one N-Quads file ``synth.nq`` with provenance graphs (``nquads``), or the same
    statements flattened into ``synth.nt`` (``ntriples``)."""
    from .errors import UsageError
    from .output import write_many_atomic

    if entities < 20:
        raise UsageError(
            f"a synthetic dataset needs at least 20 entities (one of each kind), not {entities}",
            param="entities",
        )
    if fmt not in ("yaml", "nquads", "ntriples"):
        raise UsageError(
            f"unknown synth format {fmt!r}; use yaml, nquads or ntriples", param="fmt"
        )
    out = Path(out)
    items, sections = _entities(entities, seed, per_section=200)
    observations = list(_observations(items, seed))
    if progress:
        progress("generating", 1, 3)
    if fmt == "yaml":
        files = _yaml_files(items, sections, observations)
    elif fmt == "nquads":
        files = {"synth.nq": _nquads(items, sections, observations)}
    else:  # the same statements without their graphs
        flat = sorted(
            {
                _drop_graph(line)
                for line in _nquads(items, sections, observations).split("\n")
                if line
            }
        )
        files = {"synth.nt": "\n".join(flat) + "\n"}
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
        len(observations),
        [str(p) for p in written],
        [len(text.encode("utf-8")) for text in files.values()],
    )


def _drop_graph(line: str) -> str:
    body = line[: -len(" .")]
    graph = f" <{BASE}assertion/"
    if body.endswith(">") and graph in body:
        body = body[: body.rindex(graph)]
    return body + " ."


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yaml_files(items: list[_Entity], sections: list[str], observations: list) -> dict[str, str]:
    source = _source_text(items, sections, observations)
    meta = "\n".join([
        "# SYNTHETIC dataset made by `ecograph synth`: every name is invented.",
        "id: synth",
        f"base: {BASE}",
        "title: {zh: 合成创新生态数据集（虚构）, en: Synthetic innovation ecosystem (invented)}",
        "license: https://creativecommons.org/publicdomain/zero/1.0/",
        "sources:",
        "  - document: synth-source",
        "    file: sources/synth.txt",
        "",
    ])  # fmt: skip
    docs = [
        "- id: synth-source\n  type: Document\n  label: {zh: 合成数据集, en: Synthetic dataset}\n"
        "  cite: {section: s1, quote: 合成数据集（虚构，仅供基准测试）}\n"
    ]
    for number, section in enumerate(sections, 1):
        marker = f"【第{section[1:]}节】"
        docs.append(
            f"- id: {section}\n  type: DocumentSection\n  label: {{zh: {_q(marker)}, en: {_q('Section ' + section[1:])}}}\n"
            f"  order: {_q(str(number))}\n  start: {_q(marker if number > 1 else '合成数据集（虚构，仅供基准测试）')}\n"
            f"  cite: {{section: {section}, quote: {_q(marker if number > 1 else '合成数据集')}}}\n"
            f"  relations:\n    - {{p: partOf, o: synth-source}}\n"
        )
    records = []
    for e in items:
        lines = [
            f"- id: {e.id}", f"  type: {e.kind}", f"  label: {{zh: {_q(e.zh)}, en: {_q(e.en)}}}",
            f"  cite: {{section: {e.section}, quote: {_q(e.sentence)}}}",
        ]  # fmt: skip
        if e.status != "done" and e.kind not in ("AdministrativeArea", "Field"):
            lines.append(f"  status: {e.status}")
        if e.relations:
            lines.append("  relations:")
            for prop, target, status in e.relations:
                lines.append(
                    f"    - {{p: {prop}, o: {target}, status: {status}, cite: {{section: {e.section}, quote: {_q(e.sentence)}}}}}"
                )
        records.append("\n".join(lines) + "\n")
    concepts = [
        "- id: rd-spending\n  type: Indicator\n  label: {zh: 研发投入, en: R&D spending}\n  cite: {section: s1, quote: 指标：研发投入}\n",
        '- id: yi-yuan\n  type: Unit\n  label: {zh: 亿元, en: 100 million yuan}\n  multiplier: "100000000"\n  cite: {section: s1, quote: 单位：亿元}\n',
    ]
    obs = []
    by_id = {e.id: e for e in items}
    for obs_id, entity, year, value in observations:
        area = (
            entity.id
            if entity.kind == "AdministrativeArea"
            else next((t for p, t, _ in entity.relations if p == "locatedIn"), None)
        )
        if area is None or by_id[area].kind != "AdministrativeArea":
            continue
        quote = f"{year}年{entity.zh}研发投入{value}亿元"
        about = "" if entity.kind == "AdministrativeArea" else f"\n  about: {entity.id}"
        obs.append(
            f'- id: {obs_id}\n  type: Observation\n  indicator: rd-spending\n  area: {area}{about}\n  year: "{year}"\n'
            f'  value: "{value}"\n  unit: yi-yuan\n  cite: {{section: {entity.section}, quote: {_q(quote)}}}\n'
        )
    return {
        "dataset.yaml": meta,
        "sources/synth.txt": source,
        "documents.yaml": "\n".join(docs),
        "entities.yaml": "\n".join(records),
        "concepts.yaml": "\n".join(concepts),
        "observations.yaml": "\n".join(obs),
    }


def _nquads(items: list[_Entity], sections: list[str], observations: list) -> str:
    eco, skos, base = ECO_NS, SKOS_NS, BASE
    rdf_type = f"<{PREFIX_IRIS['rdf']}type>"
    oa_exact = f"<{PREFIX_IRIS['oa']}exact>"
    lines: list[str] = []
    add = lines.append

    def lit(text: str, lang: str) -> str:
        return _q(text) + f"@{lang}"

    for section in sections:
        add(f"<{base}id/{section}> {rdf_type} <{eco}DocumentSection> <{base}assertion/{section}> .")
        add(
            f"<{base}id/{section}> <{skos}prefLabel> {lit('第' + section[1:] + '节', 'zh')} <{base}assertion/{section}> ."
        )
        add(
            f"<{base}id/{section}> <{skos}prefLabel> {lit('Section ' + section[1:], 'en')} <{base}assertion/{section}> ."
        )
    for e in items:
        subject = f"<{base}id/{e.id}>"
        graph = f"<{base}assertion/{e.id}>"
        citation = f"<{base}citation/{e.id}>"
        add(f"{subject} {rdf_type} <{eco}{e.kind}> {graph} .")
        add(f"{subject} <{skos}prefLabel> {lit(e.zh, 'zh')} {graph} .")
        add(f"{subject} <{skos}prefLabel> {lit(e.en, 'en')} {graph} .")
        add(f"{citation} {rdf_type} <{eco}Citation> .")
        add(f"{citation} {oa_exact} {lit(e.sentence, 'zh')} .")
        add(f"{citation} <{eco}section> <{base}id/{e.section}> .")
        for g, status in [
            (graph, e.status if e.kind not in ("AdministrativeArea", "Field") else "done")
        ] + [(f"<{base}assertion/{e.id}/{p}/{t}>", s) for p, t, s in e.relations]:
            add(f"{g} {rdf_type} <{eco}Assertion> .")
            add(f"{g} <{eco}assertionAbout> {subject} .")
            add(f"{g} <{eco}status> <{eco}{status}> .")
            add(f"{g} <{eco}basis> <{eco}explicit> .")
            add(f"{g} <{eco}citation> {citation} .")
        for prop, target, _ in e.relations:
            add(
                f"{subject} <{eco}{prop}> <{base}id/{target}> <{base}assertion/{e.id}/{prop}/{target}> ."
            )
    for obs_id, entity, year, value in observations:
        subject = f"<{base}id/{obs_id}>"
        graph = f"<{base}assertion/{obs_id}>"
        add(f"{subject} {rdf_type} <{eco}Observation> {graph} .")
        add(f"{subject} <{eco}refArea> <{base}id/{entity.id}> {graph} .")
        add(f'{subject} <{eco}year> "{year}"^^<http://www.w3.org/2001/XMLSchema#gYear> {graph} .')
        add(
            f'{subject} <{eco}value> "{value}"^^<http://www.w3.org/2001/XMLSchema#decimal> {graph} .'
        )
    lines.sort()
    return "\n".join(lines) + "\n"
