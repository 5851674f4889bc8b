"""The build cache: parsed datasets kept in the user cache folder, keyed by content.

A key is the SHA-256 of ecograph's version, the ontology and every file of the dataset folder
(names and bytes), so any change to the data, the sources or the ontology makes a new key and
repeated commands on unchanged data skip YAML parsing and RDF building. The folder is
``$ECOGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/ecograph``, else ``~/.cache/ecograph``;
``ECOGRAPH_NO_CACHE=1`` turns the cache off. Entries are written to a temporary folder and
renamed into place, so a reader never sees half an entry; a damaged entry is a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ._version import __version__

__all__ = ["cache_dir", "enabled", "content_key", "get", "put", "MAX_ENTRIES"]

MAX_ENTRIES = 16
_FORMAT = "2"


def enabled() -> bool:
    return os.environ.get("ECOGRAPH_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    explicit = os.environ.get("ECOGRAPH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ecograph"


def content_key(*paths: Path, extra: str = "") -> str:
    """SHA-256 over ecograph's version and the names and bytes of every file under ``paths``."""
    digest = hashlib.sha256(f"ecograph {__version__} cache {_FORMAT} {extra}\n".encode())
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for file in files:
            name = file.name if root.is_file() else file.relative_to(root).as_posix()
            if name.startswith(".") or "/." in name:
                continue
            digest.update(f"{name}\0{file.stat().st_size}\0".encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def get(kind: str, key: str) -> dict[str, Any] | None:
    """The cached entry (a dict of name → bytes or unpickled object), or ``None``."""
    if not enabled():
        return None
    folder = cache_dir() / f"{kind}-{key}"
    if not folder.is_dir():
        return None
    try:
        entry: dict[str, Any] = {}
        for file in folder.iterdir():
            data = file.read_bytes()
            entry[file.stem] = pickle.loads(data) if file.suffix == ".pickle" else data  # noqa: S301 - our own cache
        os.utime(folder)
        return entry
    except Exception:  # a damaged entry is a miss
        shutil.rmtree(folder, ignore_errors=True)
        return None


def put(kind: str, key: str, entry: dict[str, Any]) -> None:
    """Store an entry: bytes values as files, anything else pickled. Never raises."""
    if not enabled():
        return
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
        for name, value in entry.items():
            if isinstance(value, bytes):
                (tmp / f"{name}.bin").write_bytes(value)
            else:
                (tmp / f"{name}.pickle").write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        final = root / f"{kind}-{key}"
        try:
            os.replace(tmp, final)
        except OSError:  # another process wrote the same entry first
            shutil.rmtree(tmp, ignore_errors=True)
        _evict(root)
    except OSError:
        return


def _evict(root: Path) -> None:
    entries = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    for old in entries[:-MAX_ENTRIES]:
        shutil.rmtree(old, ignore_errors=True)
