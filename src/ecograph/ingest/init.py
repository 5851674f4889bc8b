"""``init``: a new dataset folder that validates as it is, ready for its first document.

The folder gets ``dataset.yaml`` (every key explained in a comment beside it),
``documents.yaml`` (empty: accepted documents and sections go here), ``sources/`` (the texts
of ingested documents) and ``lexicons/`` (a README on extending the extraction lexicons for the
city's own documents).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError

__all__ = ["InitResult", "init_dataset"]

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_BASE = re.compile(r"https?://[^\s<>\"{}|\\^`]+/")

_DATASET = """\
# Dataset metadata: read by ecograph's loader before any record file. `ecograph init` wrote
# this file; every key is explained beside it. Edit freely: comments are kept by
# `ecograph inbox accept`, which adds the sources of accepted documents below.

# The dataset's id (a slug): names its named graphs and its build folder.
id: {id}
# The namespace of the dataset's entity IRIs: an entity `foo` is <{base}foo>. Choose it once:
# IRIs are stable, never regenerated.
base: {base}
# The dataset's title, in Chinese and English (both required).
title:
  zh: {title_zh}
  en: {title_en}
# Optional: a description in both languages.
# description:
#   zh: …
#   en: …
# Optional: the licence of the curated data, as an IRI.
# license: https://creativecommons.org/licenses/by/4.0/
# The source documents: each `document` is the id of a Document record (in documents.yaml) and
# `file` its text, relative to this folder. `ecograph ingest` stores a document's text under
# sources/ and `ecograph inbox accept` adds it here with the original's checksum.
sources: []
# Optional: the entity the dataset speaks for (usually the city), the subject of the sources'
# sentences that have none. Set it once that entity's record exists, e.g. `subject: my-city`.
# subject: my-city
# Optional: words the sources use for an entity of this dataset that are no names of it
# elsewhere (我市 "our city"); the validator and `ingest` read them as mentions of it.
# mentions: {{我市: my-city, 全市: my-city, 本市: my-city}}
# Private data masked in every source text, one █ per character (offsets stay put); no quote
# may cover a mask. Telephone numbers printed in official documents are masked from the start.
redact:
  - pattern: '(?<![0-9])0[0-9]{{2,3}}-[0-9]{{7,8}}(?![0-9])'
    reason: {{zh: 联系电话属个人信息, en: contact telephone numbers are personal data}}
  - pattern: '(?<![0-9])1[3-9][0-9]{{9}}(?![0-9])'
    reason: {{zh: 手机号码属个人信息, en: mobile telephone numbers are personal data}}
"""

_DOCUMENTS = """\
# The source documents and their sections. Every citation in this dataset names one of these
# sections; a section runs from its `start` text to the start of the next section.
# `ecograph inbox accept` adds a document and its sections here from the inbox.
[]
"""

_LEXICONS = """\
Lexicons of this dataset
========================

`ecograph ingest` finds names, figures and relations with the lexicons that ship with
ecograph (`ecograph/ingest/lexicons/`). Put files with the same names here to extend them
for this dataset's documents: names.yaml, gazetteer.yaml, figures.yaml, triggers.yaml.
Lists are added to the defaults, mappings updated, single values replaced. Example
(gazetteer.yaml):

    places:
      AdministrativeArea: [北城区, 南城区]
    fields: [绿色矿山]

See docs/lexicons.md in the ecograph repository for every key.
"""


@dataclass
class InitResult:
    """The dataset folder :func:`init_dataset` made."""

    folder: str
    files: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"folder": self.folder, "files": self.files}

    def to_text(self, lang: str = "zh") -> str:
        return "\n".join(
            [
                f"Made the dataset folder {self.folder}: {', '.join(self.files)}.",
                "It validates as it is; take a first document in with `ecograph ingest`.",
            ]
        )


def _yaml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def init_dataset(
    folder: str | Path, *, dataset_id: str, base: str, title_zh: str, title_en: str
) -> InitResult:
    """Make the dataset folder ``folder`` (which must not exist, or be empty)."""
    from ..output import write_many_atomic

    target = Path(folder)
    if not _SLUG.fullmatch(dataset_id):
        raise UsageError(
            f"{dataset_id[:60]!r} is not a dataset id (lower-case letters, digits and -)",
            param="dataset_id",
        )
    if not _BASE.fullmatch(base):
        raise UsageError(
            f"{base[:100]!r} is not an http(s) IRI ending in '/' (e.g. "
            "https://w3id.org/ecograph/my-city/)",
            param="base",
        )
    for name, value in (("title_zh", title_zh), ("title_en", title_en)):
        if not value.strip() or "\n" in value or len(value) > 200:
            raise UsageError(f"the {name[-2:]} title must be one line of text", param=name)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{str(target)[:200]} exists and is not empty", param="folder")
    files = {
        target / "dataset.yaml": _DATASET.format(
            id=dataset_id,
            base=base,
            title_zh=_yaml_string(title_zh.strip()),
            title_en=_yaml_string(title_en.strip()),
        ),
        target / "documents.yaml": _DOCUMENTS,
        target / "lexicons" / "README.md": _LEXICONS,
    }
    (target / "sources").mkdir(parents=True, exist_ok=True)
    (target / "lexicons").mkdir(parents=True, exist_ok=True)
    write_many_atomic(files)
    (target / "sources" / ".keep").write_text("", encoding="utf-8")
    return InitResult(str(target), ["dataset.yaml", "documents.yaml", "sources/", "lexicons/"])
