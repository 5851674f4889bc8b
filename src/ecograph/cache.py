"""The build cache: parsed datasets kept in the user cache folder, keyed by content.

A key is the SHA-256 of ecograph's version, the ontology and every file of the dataset folder
(names and bytes), so any change to the data, the sources or the ontology makes a new key and
repeated commands on unchanged data skip YAML parsing and RDF building. The folder is
``$ECOGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/ecograph``, else ``~/.cache/ecograph``;
``ECOGRAPH_NO_CACHE=1`` turns the cache off. Entries are written to a temporary folder and
renamed into place, so a reader never sees half an entry. Each entry carries the SHA-256 of every
file in it (``manifest.json``); an entry whose files do not match (a disk error, a hand edit, a
truncated copy) is a miss, removed, and rebuilt by the caller. Temporary folders a killed process
left behind are removed by the next write once they are an hour old.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from ._version import __version__

__all__ = [
    "MAX_ENTRIES",
    "cache_dir",
    "content_key",
    "enabled",
    "get",
    "put",
]

MAX_ENTRIES = 32  # a dataset's build, its names (two kinds) and network: four entries
#: bumped when what an entry holds changes without a version change (4: the loader's warnings
#: include conflicting observations; 5: N-Quads in the writers' order, not sorted by line)
_FORMAT = "6"
_MANIFEST = "manifest.json"
#: a temporary folder older than this is a leftover of a killed writer
_STALE_SECONDS = 3600


def enabled() -> bool:
    return os.environ.get("ECOGRAPH_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    explicit = os.environ.get("ECOGRAPH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ecograph"


def content_key(*paths: Path, extra: str = "") -> str:
    """SHA-256 over ecograph's version and the names, sizes and SHA-256s of every file under
    ``paths``.

    A file's SHA-256 is remembered in the cache folder with its size, inode, modification and
    change times (``file-digests.json``): a file whose four are unchanged is not read again
    (hashing 43 MB of YAML took 0.3 s of every warm command at 50,000 entities). The change
    time cannot be set back by a program (``touch -d`` sets the modification time only), so a
    rewritten file is always read."""
    memo = _read_digests()
    changed = False
    digest = hashlib.sha256(f"ecograph {__version__} cache {_FORMAT} {extra}\n".encode())
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for file in files:
            name = file.name if root.is_file() else file.relative_to(root).as_posix()
            if name.startswith(".") or "/." in name:
                continue
            stat = file.stat()
            stamp = [stat.st_size, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns]
            where = str(file.resolve())
            known = memo.get(where)
            if isinstance(known, list) and known[:4] == stamp and len(known) == 5:
                file_digest = known[4]
            else:
                file_digest = hashlib.sha256(file.read_bytes()).hexdigest()
                memo[where] = [*stamp, file_digest]
                changed = True
            digest.update(f"{name}\0{stat.st_size}\0{file_digest}\n".encode())
    if changed:
        _write_digests(memo)
    return digest.hexdigest()


_DIGESTS = "file-digests.json"
#: how many files' digests are remembered (the oldest half is dropped beyond)
_MAX_DIGESTS = 200_000


def _read_digests() -> dict[str, Any]:
    if not enabled():
        return {}
    try:
        value = json.loads((cache_dir() / _DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write_digests(memo: dict[str, Any]) -> None:
    """Never raises: without the file every file is read again, nothing worse."""
    if not enabled():
        return
    if len(memo) > _MAX_DIGESTS:
        memo = dict(list(memo.items())[len(memo) // 2 :])
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".tmp-digests-", dir=root)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(memo, out, ensure_ascii=False)
        os.replace(tmp, root / _DIGESTS)
    except OSError:
        return


def get(kind: str, key: str, only: tuple[str, ...] | None = None) -> dict[str, Any] | None:
    """The cached entry (a dict of name → bytes or unpickled object), or ``None``. ``only``:
    read just these of its parts (each checked against its checksum); the others come back as
    functions that read them when called (and raise :class:`ecograph.DataError` if the entry
    was damaged or removed meanwhile)."""
    if not enabled():
        return None
    folder = cache_dir() / f"{kind}-{key}"
    if not folder.is_dir():
        return None
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        names = {file.name for file in folder.iterdir()} - {_MANIFEST}
        if not isinstance(manifest, dict) or set(manifest) != names:
            raise ValueError("the entry's files are not the ones its manifest lists")
        entry: dict[str, Any] = {}
        for name in sorted(names):
            stem = name.rsplit(".", 1)[0]
            if only is None or stem in only:
                entry[stem] = _read_part(folder, name, manifest[name])
            else:
                entry[stem] = _deferred(folder, name, manifest[name])
        os.utime(folder)
        return entry
    except Exception:  # a damaged entry is a miss
        shutil.rmtree(folder, ignore_errors=True)
        return None


def _read_part(folder: Path, name: str, checksum: str) -> Any:
    data = (folder / name).read_bytes()
    if hashlib.sha256(data).hexdigest() != checksum:
        raise ValueError(f"{name} does not match its checksum")
    return pickle.loads(data) if name.endswith(".pickle") else data  # noqa: S301 - our own cache, checksummed


def _deferred(folder: Path, name: str, checksum: str) -> Any:
    def read() -> Any:
        try:
            return _read_part(folder, name, checksum)
        except Exception:
            from .errors import DataError, Problem

            shutil.rmtree(folder, ignore_errors=True)
            raise DataError(
                [
                    Problem(
                        str(folder / name),
                        0,
                        "",
                        "this build cache file was damaged or "
                        "removed while in use (it is gone now): run the command again",
                    )
                ]
            ) from None

    return read


def put(kind: str, key: str, entry: dict[str, Any]) -> None:
    """Store an entry: bytes values as files, anything else pickled. Never raises."""
    if not enabled():
        return
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        _remove_stale(root)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
        manifest = {}
        for name, value in entry.items():
            data = (
                value
                if isinstance(value, bytes)
                else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            )
            file_name = f"{name}.bin" if isinstance(value, bytes) else f"{name}.pickle"
            (tmp / file_name).write_bytes(data)
            manifest[file_name] = hashlib.sha256(data).hexdigest()
        (tmp / _MANIFEST).write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
        final = root / f"{kind}-{key}"
        try:
            os.replace(tmp, final)
        except OSError:  # another process wrote the same entry first
            shutil.rmtree(tmp, ignore_errors=True)
        _evict(root)
    except OSError:
        return


def _remove_stale(root: Path) -> None:
    """Remove temporary folders (``.tmp-*``) older than an hour: what a writer killed with
    SIGKILL leaves behind. A younger one may belong to a writer still at work."""
    now = time.time()
    for leftover in root.glob(".tmp-*"):
        try:
            if now - leftover.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            continue


def _evict(root: Path) -> None:
    entries = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
    )
    for old in entries[:-MAX_ENTRIES]:
        shutil.rmtree(old, ignore_errors=True)


def put_folder(name: str, make: Any) -> Path | None:
    """The cache's folder entry ``name``: when there is none, made by ``make(folder)`` in a
    temporary folder and renamed into place (so it is whole or absent; another process that
    made it first wins). ``None`` when the cache is off or cannot hold it; what ``make`` raises
    other than :class:`OSError` is the caller's."""
    if not enabled():
        return None
    root = cache_dir()
    final = root / name
    try:
        if not final.is_dir():
            root.mkdir(parents=True, exist_ok=True)
            _remove_stale(root)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
            try:
                make(tmp)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            try:
                os.replace(tmp, final)
            except OSError:  # another process made it first
                shutil.rmtree(tmp, ignore_errors=True)
            _evict(root)
        os.utime(final)
        return final
    except OSError:
        return None
