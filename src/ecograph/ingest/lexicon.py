"""The lexicons that drive extraction: data files, not code.

The defaults ship in ``ecograph/ingest/lexicons/`` (``names.yaml``, ``gazetteer.yaml``,
``figures.yaml``, ``triggers.yaml``; each file's header explains its keys). A dataset adds its
own words in ``DIR/lexicons/`` with the same file names and keys: lists are extended, mappings
updated (a key listed again takes the dataset's value), scalars replaced. ``docs/lexicons.md``
describes every key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import DataError, Problem

__all__ = ["FILES", "Lexicon", "load_lexicon"]

FILES = ("names.yaml", "gazetteer.yaml", "figures.yaml", "triggers.yaml")


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if isinstance(old, list) and isinstance(value, list):
            merged[key] = old + [v for v in value if v not in old]
        elif isinstance(old, dict) and isinstance(value, dict):
            merged[key] = _merge(old, value)
        else:
            merged[key] = value
    return merged


def _read(text: str, where: str) -> dict[str, Any]:
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise DataError([Problem(where, line, "", f"not YAML: {str(exc)[:200]}")]) from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DataError([Problem(where, 1, "", "a lexicon file is a mapping of keys")])
    return value


@dataclass
class Lexicon:
    """The merged lexicons, with the files they came from."""

    data: dict[str, dict[str, Any]]
    files: list[str] = field(default_factory=list)


def load_lexicon(dataset: str | Path | None = None) -> Lexicon:
    """The default lexicons merged with those of the dataset folder ``dataset`` (if any)."""
    package = resources.files("ecograph.ingest") / "lexicons"
    data: dict[str, dict[str, Any]] = {}
    files: list[str] = []
    for name in FILES:
        data[name] = _read((package / name).read_text(encoding="utf-8"), f"lexicons/{name}")
        files.append(f"ecograph/ingest/lexicons/{name}")
    if dataset is not None:
        folder = Path(dataset) / "lexicons"
        for name in FILES:
            path = folder / name
            if path.is_file():
                data[name] = _merge(data[name], _read(path.read_text(encoding="utf-8"), str(path)))
                files.append(str(path))
    return Lexicon(data, files)
