"""Reading curated YAML with the line of every mapping, and every scalar kept as written.

Scalars stay strings (``2024``, ``24.82`` and ``2025-08-07`` are not turned into numbers or
dates), so values reach the graph exactly as the curator typed them and the loader checks each
against the datatype its property declares. Duplicate keys in one mapping are an error rather
than YAML's silent "last one wins".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, Problem

__all__ = ["Node", "read_yaml"]

try:  # the C loader is several times faster; both record the same marks
    _Base: type = yaml.CBaseLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.BaseLoader


class Node(dict):
    """A YAML mapping that remembers the 1-based line it starts on."""

    line: int = 0


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int):
        super().__init__(key)
        self.key = key
        self.line = line


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: yaml.BaseLoader, node: yaml.MappingNode) -> Node:
    result = Node()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


#: where an anchor (&a) or alias (*a) can start: after white space or a flow indicator; "R&D"
#: and "2*3" inside a scalar do not match, so most files skip the token scan
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s,\[\]{}]", re.M)


def _refuse_anchors(text: str, name: str) -> None:
    """Curated YAML has no use for anchors and aliases, and aliases let 2.5 KB expand into
    gigabytes ("billion laughs"): any anchor or alias is an error, found by libyaml's scanner
    before anything is built."""
    if not _MAYBE_ANCHOR.search(text):
        return
    try:
        for token in yaml.scan(text, Loader=_Base):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                what = "anchor" if isinstance(token, yaml.AnchorToken) else "alias"
                raise DataError(
                    [
                        Problem(
                            name,
                            token.start_mark.line + 1,
                            "",
                            f"YAML {what} '{str(token.value)[:40]}' is not allowed: "
                            "write the value out",
                        )
                    ]
                )
    except yaml.YAMLError:
        return  # a syntax error: yaml.load below reports it with its line


def read_yaml(path: Path, display_name: str | None = None) -> Any:
    """Parse one YAML file; raise :class:`DataError` naming the file and line on bad syntax."""
    name = display_name or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(name, 0, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise DataError([Problem(name, 0, "", f"cannot read file: {exc.strerror}")]) from None
    _refuse_anchors(text, name)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - our loader builds plain data only
    except _DuplicateKey as exc:
        raise DataError([Problem(name, exc.line, "", f"duplicate key {exc.key!r}")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = exc.problem or exc.context or "malformed YAML"
        raise DataError([Problem(name, line, "", f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(name, 0, "", f"YAML syntax error: {exc}")]) from None
