"""Reading curated YAML with the line of every mapping, and every scalar kept as written.

Scalars stay strings (``2024``, ``24.82`` and ``2025-08-07`` are not turned into numbers or
dates), so values reach the graph exactly as the curator typed them and the loader checks each
against the datatype its property declares. Duplicate keys in one mapping are an error rather
than YAML's silent "last one wins".

Two readers give the same result. The fast one parses with rapidyaml (C++), has it write the
tree as JSON, which Python's C JSON parser reads with every number kept as its text, and takes
each mapping's line from where rapidyaml found its first key: a 35 MB file of 50,000 records in
4 s where libyaml and PyYAML's constructor take 26 s. Anything it is not sure to read as PyYAML's
``BaseLoader`` would (a tag, a directive, several documents, a null or boolean, a duplicate key,
an empty mapping in a sequence, any error) sends the file to the reference reader, libyaml with
PyYAML's constructor, which also writes every error message.
"""

from __future__ import annotations

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


#: the characters a token starts after (an anchor ``&a``, an alias ``*a`` or a tag ``!t``
#: counts only there: "R&D" and "2*3" inside a scalar do not, so most files skip the token scan)
_TOKEN_BEFORE = frozenset(" \t\r\n[{,:-")
_NOT_AFTER = frozenset(" \t\r\n,[]{}")


def _token_start(text: str, indicators: str, after: frozenset[str] = _NOT_AFTER) -> bool:
    """Whether one of ``indicators`` starts a token of ``text`` (at the start or after white
    space or a flow indicator, and followed by a character ``after`` does not hold), found
    with ``str.find``: a 35 MB file in milliseconds where a regular expression took half a
    second."""
    for char in indicators:
        at = text.find(char)
        while at >= 0:
            if (at == 0 or text[at - 1] in _TOKEN_BEFORE) and (
                at + 1 < len(text) and text[at + 1] not in after
            ):
                return True
            at = text.find(char, at + 1)
    return False


def _refuse_anchors(text: str, name: str) -> None:
    """Curated YAML has no use for anchors and aliases, and aliases let 2.5 KB expand into
    gigabytes ("billion laughs"): any anchor or alias is an error, found by libyaml's scanner
    before anything is built."""
    if not _token_start(text, "&*"):
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


def read_yaml(path: Path, display_name: str | None = None, *, fast: bool = True) -> Any:
    """Parse one YAML file; raise :class:`DataError` naming the file and line on bad syntax.
    ``fast=False`` uses only the reference reader (see the module's notes)."""
    name = display_name or path.name
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(name, 0, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise DataError([Problem(name, 0, "", f"cannot read file: {exc.strerror}")]) from None
    if text.startswith("\ufeff"):  # what read_text kept of a byte-order mark
        raw = raw[3:]
    _refuse_anchors(text, name)
    if fast:
        result = fast_load(raw)
        if result is not _UNSURE:
            return result
    return _reference_load(text, name)


def _reference_load(text: str, name: str) -> Any:
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


# --------------------------------------------------------------------------- the fast reader

_UNSURE = object()
_SPACE = frozenset(" \t\r\n")
_BREAKS_1_1 = tuple(char.encode("utf-8") for char in "\x85\u2028\u2029")


def _unsure_text(raw: bytes) -> bool:
    """Whether ``raw`` holds what only the reference reader reads the same way: a tag at the
    start of a token (``!!str``, ``!local``), a directive (``%YAML``) or a document marker
    (``---``, ``...``) at the start of a line, or a character YAML 1.1 reads as a line break
    and YAML 1.2 does not (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR)."""
    if any(mark in raw for mark in _BREAKS_1_1):
        return True
    if b"!" in raw and _token_start(raw.decode("utf-8", "replace"), "!", _SPACE):
        return True
    return any(raw.startswith(marker) or b"\n" + marker in raw for marker in (b"%", b"---", b"..."))


class _Unsure(Exception):
    """The fast reader cannot vouch for this file: read it with the reference reader."""


def _pairs(pairs: list[tuple[str, Any]]) -> Node:
    node = Node(pairs)
    if len(node) != len(pairs):  # a duplicate key: the reference reader names its line
        raise _Unsure
    return node


def fast_load(raw: bytes) -> Any:
    """``raw`` (UTF-8 YAML) read by rapidyaml, as the reference reader would read it; or
    ``_UNSURE``, when only the reference reader can say (see the module's notes)."""
    if not raw.strip() or _unsure_text(raw):
        return _UNSURE
    try:
        import ryml  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - rapidyaml missing: the reference reader
        return _UNSURE
    import gc
    import json

    collecting = gc.isenabled()
    gc.disable()  # a million new containers, none of them cyclic: no collection meanwhile
    try:
        return _fast_load(ryml, json, raw)
    finally:
        if collecting:
            gc.enable()


def _fast_load(ryml: Any, json: Any, raw: bytes) -> Any:
    buffer = bytearray(raw)  # parsed in place: the tree's keys point into it
    try:
        tree = ryml.parse_in_place(buffer)
        root = tree.root_id()
        if tree.is_stream(root) or tree.is_doc(root):
            return _UNSURE
        starts = _mapping_starts(tree, buffer)
        if starts is None:
            return _UNSURE
        document = ryml.emit_json_malloc(tree, root)
        del tree, buffer
        value = json.loads(document, object_pairs_hook=_pairs, parse_int=str, parse_float=str)
    except (_Unsure, ValueError, RuntimeError, TypeError, ryml.ExceptionBasic):
        return _UNSURE
    except Exception:
        return _UNSURE
    lines = _lines(raw, starts)
    try:
        _set_lines(value, iter(lines))
    except (_Unsure, StopIteration):
        return _UNSURE
    return value


def _mapping_starts(tree: Any, buffer: bytearray) -> list[int] | None:
    """The byte offset where each mapping of ``tree`` starts, in document order (its first
    key; an empty mapping's own key): ``None`` when one cannot be told."""
    address = _Addresses()
    base = address(buffer)
    is_map, first_child, key, has_key = tree.is_map, tree.first_child, tree.key, tree.has_key
    is_flow = tree.is_flow
    starts: list[int] = []
    add = starts.append
    for node in range(tree.size()):
        if not is_map(node):
            continue
        child = first_child(node)
        if child < 0 or child >= tree.size():  # an empty mapping: where its key is
            if not has_key(node):
                return None
            add(address(key(node)) - base)
            continue
        offset = address(key(child)) - base
        if is_flow(node):  # PyYAML marks a flow mapping at its "{"
            brace = buffer.rfind(b"{", 0, offset)
            if brace < 0 or buffer[brace + 1 : offset].strip(b" \t\r\n\"'"):
                return None
            offset = brace
        add(offset)
    return starts


def _lines(raw: bytes, starts: list[int]) -> list[int]:
    """1-based line of each offset (offsets in document order, so mostly increasing)."""
    lines = []
    line, at = 1, 0
    count = raw.count
    for offset in starts:
        if offset >= at:
            line += count(b"\n", at, offset)
        else:
            line = raw.count(b"\n", 0, offset) + 1
        at = offset
        lines.append(line)
    return lines


def _set_lines(value: Any, lines: Any) -> None:
    """Give each mapping under ``value`` its line, in document (pre-)order; a value the
    reference reader would not give (a number, a null, a boolean) makes the file unsure."""
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is Node:
            item.line = next(lines)
            push(reversed(item.values()))
        elif kind is list:
            push(reversed(item))
        elif kind is not str:
            raise _Unsure


class _Addresses:
    """The memory address of a buffer (a read-only one included), through the buffer
    protocol: where rapidyaml's keys sit in the parsed text."""

    def __init__(self) -> None:
        import ctypes

        class Buffer(ctypes.Structure):
            _fields_ = [
                ("buf", ctypes.c_void_p),
                ("obj", ctypes.py_object),
                ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t),
                ("readonly", ctypes.c_int),
                ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p),
                ("shape", ctypes.c_void_p),
                ("strides", ctypes.c_void_p),
                ("suboffsets", ctypes.c_void_p),
                ("internal", ctypes.c_void_p),
            ]

        get = ctypes.pythonapi.PyObject_GetBuffer
        get.argtypes = [ctypes.py_object, ctypes.POINTER(Buffer), ctypes.c_int]
        get.restype = ctypes.c_int
        release = ctypes.pythonapi.PyBuffer_Release
        release.argtypes = [ctypes.POINTER(Buffer)]
        release.restype = None
        self._view = Buffer()
        self._ref = ctypes.byref(self._view)
        self._get, self._release = get, release

    def __call__(self, obj: Any) -> int:
        if self._get(obj, self._ref, 0) != 0:
            raise _Unsure
        address = self._view.buf or 0
        self._release(self._ref)
        return address
