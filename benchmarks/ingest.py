#!/usr/bin/env python3
"""How well `ecograph ingest` reads the Ordos letter, measured against the curated Ordos data.

    python benchmarks/ingest.py                  # the table
    python benchmarks/ingest.py --json out.json  # and every figure, with the misses

1. The letter is ingested into a freshly `init`ed dataset (no names known; the subject given
   by its zh label, 鄂尔多斯市) and its candidates are compared with the curated records of
   graph_data/ordos:

   * entities by zh label: a candidate matches a curated entity when its label is the entity's
     zh label or one of its zh aliases (whitespace and markup aside). The curated entities
     counted are those a reader can find in the text: not the sections, indicators and units,
     and not the names a curator composed (``constructed:``), which the text does not print;
     the indicator and unit candidates that come with figures are left out on the same ground;
   * observations by (value, unit, year), the unit by its zh label, as a multiset;
   * relations by the pair of their ends' zh labels, either direction.

2. The letter is ingested again into a copy of the full Ordos dataset, and every entity
   candidate that links to a curated entity is checked: the link is right when the curated data
   cites that entity (its own citation or one of a relation touching it) with a quote in the
   same section that contains the words linked.

3. Every candidate's quote is checked verbatim against the stored text of its section (the
   validator's rule: whitespace aside).

4. Speed: the letter (median of 5 runs) and a 100-page document (the letter's body repeated to
   100 pages of 1,800 characters, the density of a printed A4 page of Chinese), one run.

The targets (issue 16) sit beside each figure; nothing here is asserted by tests.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from ecograph.ingest.init import init_dataset  # noqa: E402
from ecograph.ingest.run import ingest_document  # noqa: E402
from ecograph.loader import normalize_text, plain_text, read_dataset  # noqa: E402

ORDOS = REPO / "graph_data" / "ordos"
LETTER = ORDOS / "sources" / "000_6dda99716a2125f5.txt"
NOT_FOUND_IN_TEXT = {"DocumentSection", "Indicator", "Unit", "Observation"}
PAGE = 1800


def _names(record: Any) -> set[str]:
    names = {record.labels.get("zh", "")} | set(record.alt_labels.get("zh", []))
    return {plain_text(n) for n in names if n}


def _fresh(tmp: Path) -> Path:
    folder = tmp / "fresh"
    init_dataset(
        folder,
        dataset_id="ordos-fresh",
        base="https://w3id.org/ecograph/ordos-fresh/",
        title_zh="鄂尔多斯（空白数据集）",
        title_en="Ordos (empty dataset)",
    )
    return folder


def _labels_of(candidates: list[dict[str, Any]]) -> dict[str, str]:
    labels = {}
    for c in candidates:
        if c["kind"] in ("entity", "document", "section") and c.get("id"):
            labels.setdefault(c["id"], plain_text((c.get("label") or {}).get("zh") or ""))
        if c["kind"] == "entity" and c.get("link"):
            labels.setdefault(c["link"], plain_text((c.get("label") or {}).get("zh") or ""))
    return labels


def measure_fresh(tmp: Path) -> dict[str, Any]:
    gold = read_dataset(ORDOS)
    folder = _fresh(tmp)
    result = ingest_document(LETTER, folder, doc_id="reply-2025-185", subject="鄂尔多斯市")
    candidates = result.inbox.candidates
    records = gold.records
    entities = [
        r
        for r in records.values()
        if not (set(r.types) & NOT_FOUND_IN_TEXT) and not r.constructed and r.labels.get("zh")
    ]
    constructed = sum(
        1 for r in records.values() if r.constructed and not set(r.types) & NOT_FOUND_IN_TEXT
    )
    found = {plain_text(c["label"]["zh"]) for c in candidates if c["kind"] in ("entity",)}
    found |= {plain_text(c["label"]["zh"]) for c in candidates if c["kind"] == "document"}
    hit = [r for r in entities if _names(r) & found]
    missed = sorted(r.labels["zh"] for r in entities if not _names(r) & found)
    all_names = set().union(*(_names(r) for r in records.values()))
    entity_candidates = [
        c
        for c in candidates
        if c["kind"] in ("entity", "document") and c.get("type") not in NOT_FOUND_IN_TEXT
    ]
    right = [c for c in entity_candidates if plain_text(c["label"]["zh"]) in all_names]
    wrong = sorted(
        c["label"]["zh"] for c in entity_candidates if plain_text(c["label"]["zh"]) not in all_names
    )
    # observations
    unit_label = {r.id: r.labels.get("zh", r.id) for r in records.values() if "Unit" in r.types}
    gold_obs = Counter(
        (
            str(r.observation.get("value")),
            unit_label.get(r.observation.get("unit"), r.observation.get("unit")),
            r.observation.get("year"),
        )
        for r in records.values()
        if r.is_observation
    )
    printed_unit = {"rank": "位次"}
    cand_obs = Counter(
        (
            str(c["value"]),
            printed_unit.get(c.get("unit_printed"), c.get("unit_printed")),
            c.get("year"),
        )
        for c in candidates
        if c["kind"] == "observation"
    )
    obs_hit = sum((gold_obs & cand_obs).values())
    # relations: each end is the curated entity whose zh label or alias the candidate's label
    # is (as for entities); a pair matches a curated relation between those entities
    by_name: dict[str, set[str]] = {}
    for record in records.values():
        for name in _names(record):
            by_name.setdefault(name, set()).add(record.id)
    gold_label = {r.id: plain_text(r.labels.get("zh", "")) for r in records.values()}
    gold_pairs = set()
    for record in records.values():
        for rel in record.relations:
            gold_pairs.add(frozenset((record.id, rel.target)))
    labels = _labels_of(candidates)
    cand_pairs = set()
    for c in candidates:
        if c["kind"] == "relation":
            cand_pairs.add((labels.get(c["s"], c["s"]), labels.get(c["o"], c["o"])))
        elif c["kind"] == "section":
            cand_pairs.add((labels.get(c["id"]), labels.get(c.get("partOf"))))
    rel_hit: set[frozenset[str]] = set()
    right_pairs, wrong_pairs = 0, []
    for a, b in sorted(cand_pairs, key=str):
        hits = {
            frozenset((x, y))
            for x in by_name.get(a or "", ())
            for y in by_name.get(b or "", ())
            if frozenset((x, y)) in gold_pairs
        }
        if hits:
            right_pairs += 1
            rel_hit |= hits
        else:
            wrong_pairs.append(f"{a}–{b}")
    # verbatim
    text = (folder / result.file).read_text(encoding="utf-8")
    bad_quotes = _non_verbatim(candidates, text)
    return {
        "entities": {
            "gold": len(entities),
            "constructed_left_out": constructed,
            "candidates": len(entity_candidates),
            "recall": len(hit) / len(entities),
            "precision": len(right) / max(1, len(entity_candidates)),
            "missed": missed,
            "not_in_curated": wrong,
        },
        "observations": {
            "gold": sum(gold_obs.values()),
            "candidates": sum(cand_obs.values()),
            "recall": obs_hit / sum(gold_obs.values()),
            "precision": obs_hit / max(1, sum(cand_obs.values())),
            "missed": sorted(map(str, (gold_obs - cand_obs).elements())),
            "not_in_curated": sorted(map(str, (cand_obs - gold_obs).elements())),
        },
        "relations": {
            "gold": len(gold_pairs),
            "candidates": len(cand_pairs),
            "recall": len(rel_hit) / len(gold_pairs),
            "precision": right_pairs / max(1, len(cand_pairs)),
            "missed": sorted(
                "–".join(sorted(gold_label.get(x, x) for x in p)) for p in gold_pairs - rel_hit
            ),
            "not_in_curated": wrong_pairs,
        },
        "non_verbatim_quotes": bad_quotes,
        "quotes": sum(1 for c in candidates if c.get("quote")),
    }


def _sections(candidates: list[dict[str, Any]], text: str) -> dict[str, tuple[int, int]]:
    flat = normalize_text(text)
    starts = sorted(
        (flat.find(normalize_text(c["start"])), c["id"])
        for c in candidates
        if c["kind"] == "section"
    )
    spans = {}
    for n, (position, sid) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(flat)
        spans[sid] = (position, end)
    return spans


def _non_verbatim(candidates: list[dict[str, Any]], text: str) -> list[str]:
    flat = normalize_text(text)
    spans = _sections(candidates, text)
    bad = []
    for c in candidates:
        quote = c.get("quote")
        if not quote:
            continue
        a, b = spans.get(c.get("section"), (-1, -1))
        if a < 0 or flat.find(normalize_text(quote), a, b) < 0:
            bad.append(f"{c['cid']}: {quote[:60]}")
    return bad


def measure_links(tmp: Path) -> dict[str, Any]:
    folder = tmp / "ordos"
    shutil.copytree(ORDOS, folder)
    gold = read_dataset(folder)
    result = ingest_document(LETTER, folder, doc_id="reply-again")
    # the curated citations touching each entity, by section, in whitespace-free form
    cited: dict[str, list[tuple[str, str]]] = {}
    for record in gold.records.values():
        for cite in record.cites:
            cited.setdefault(record.id, []).append((cite.section, normalize_text(cite.quote)))
        for rel in record.relations:
            for cite in rel.cites:
                pair = (cite.section, normalize_text(cite.quote))
                cited.setdefault(record.id, []).append(pair)
                cited.setdefault(rel.target, []).append(pair)
    # the new ingest's section ids differ from the curated ones: compare by position in the text
    text = normalize_text((folder / result.file).read_text(encoding="utf-8"))
    curated_sections = _curated_spans(gold, text)
    new_sections = _sections(result.inbox.candidates, text)
    linked = [c for c in result.inbox.candidates if c["kind"] == "entity" and c.get("link")]
    right, wrong = [], []
    for c in linked:
        mention = normalize_text(c.get("mention") or c["label"]["zh"])
        a, b = new_sections.get(c["section"], (0, 0))
        where = text.find(normalize_text(c["quote"]), a, b)
        ok = False
        for section, quote in cited.get(c["link"], []):
            s, e = curated_sections.get(section, (0, 0))
            at = text.find(quote, s, e)
            if (
                mention in quote
                and at >= 0
                and not (at + len(quote) < where or where + len(normalize_text(c["quote"])) < at)
            ):
                ok = True
                break
        (right if ok else wrong).append(f"{c['link']} ← {c.get('mention')}: {c['quote'][:50]}")
    return {
        "linked": len(linked),
        "accuracy": len(right) / max(1, len(linked)),
        "unconfirmed": wrong,
    }


def _curated_spans(gold: Any, text: str) -> dict[str, tuple[int, int]]:
    starts = []
    for record in gold.records.values():
        if "DocumentSection" in record.types:
            marker = record.attributes.get("start") or record.labels.get("zh", "")
            starts.append((text.find(normalize_text(marker)), record.id))
    starts.sort()
    spans = {}
    for n, (position, sid) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(text)
        spans[sid] = (position, end)
    return spans


def measure_speed(tmp: Path) -> dict[str, float]:
    times = []
    for n in range(5):
        folder = tmp / f"speed-{n}"
        shutil.copytree(tmp / "fresh", folder, ignore=shutil.ignore_patterns("inbox", "*.txt"))
        started = time.perf_counter()
        ingest_document(LETTER, folder, doc_id="letter", subject="鄂尔多斯市")
        times.append(time.perf_counter() - started)
    letter = LETTER.read_text(encoding="utf-8")
    body = letter[letter.find("近年来") : letter.find("鄂尔多斯市人民政府\n\n2025")]
    head = letter[: letter.find("近年来")]
    tail = letter[letter.find("鄂尔多斯市人民政府\n\n2025") :]
    copies = max(1, (100 * PAGE - len(head) - len(tail)) // len(body) + 1)
    long_text = head + body * copies + tail
    long_file = tmp / "hundred-pages.txt"
    long_file.write_text(long_text, encoding="utf-8")
    folder = tmp / "speed-long"
    shutil.copytree(tmp / "fresh", folder, ignore=shutil.ignore_patterns("inbox", "*.txt"))
    started = time.perf_counter()
    result = ingest_document(long_file, folder, doc_id="long", subject="鄂尔多斯市")
    long_time = time.perf_counter() - started
    return {
        "letter_s": statistics.median(times),
        "letter_chars": len(letter),
        "hundred_pages_s": long_time,
        "hundred_pages_chars": len(long_text),
        "hundred_pages_candidates": len(result.inbox.candidates),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write every figure and miss here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecograph-bench-ingest-") as name:
        tmp = Path(name)
        fresh = measure_fresh(tmp)
        links = measure_links(tmp)
        speed = measure_speed(tmp)
    rows = [
        (
            "entities recall (zh label)",
            f"{fresh['entities']['recall']:.3f}",
            "≥ 0.85",
            f"{fresh['entities']['gold']} curated, {fresh['entities']['candidates']} candidates",
        ),
        ("entities precision", f"{fresh['entities']['precision']:.3f}", "–", ""),
        (
            "observations recall (value, unit, year)",
            f"{fresh['observations']['recall']:.3f}",
            "≥ 0.9",
            f"{fresh['observations']['gold']} curated, "
            f"{fresh['observations']['candidates']} candidates",
        ),
        ("observations precision", f"{fresh['observations']['precision']:.3f}", "–", ""),
        (
            "relations recall (pair)",
            f"{fresh['relations']['recall']:.3f}",
            "≥ 0.5",
            f"{fresh['relations']['gold']} curated pairs, {fresh['relations']['candidates']} "
            "candidate pairs",
        ),
        ("relations precision (pair)", f"{fresh['relations']['precision']:.3f}", "≥ 0.6", ""),
        (
            "link accuracy (full Ordos data)",
            f"{links['accuracy']:.3f}",
            "≥ 0.95",
            f"{links['linked']} linked mentions",
        ),
        (
            "quotes not verbatim",
            str(len(fresh["non_verbatim_quotes"])),
            "0",
            f"of {fresh['quotes']} quotes",
        ),
        (
            "ingest the letter (s)",
            f"{speed['letter_s']:.2f}",
            "≤ 2",
            f"{speed['letter_chars']:,} characters, median of 5",
        ),
        (
            "ingest 100 pages (s)",
            f"{speed['hundred_pages_s']:.2f}",
            "≤ 30",
            f"{speed['hundred_pages_chars']:,} characters, "
            f"{speed['hundred_pages_candidates']:,} candidates",
        ),
    ]
    widths = [max(len(str(r[i])) for r in rows) for i in range(3)]
    print(f"{'measure':<{widths[0]}}  {'ecograph':>{widths[1]}}  {'target':<{widths[2]}}  notes")
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"fresh": fresh, "links": links, "speed": speed}, ensure_ascii=False, indent=1
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
