"""Writing outputs atomically: a file is either wholly written or not touched at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

from .errors import OutputError

__all__ = ["write_atomic", "write_many_atomic"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: a temporary file older than this is a leftover of a writer killed mid-write (SIGKILL)
STALE_SECONDS = 3600


def _remove_stale(parent: Path, name: str) -> None:
    """Remove ``.NAME.*.tmp`` files older than an hour next to ``NAME``: what an earlier write
    of the same file left when its process was killed. Younger ones may be a writer at work."""
    import time
    from glob import escape

    now = time.time()
    for leftover in parent.glob(f".{escape(name)}.*.tmp"):
        try:
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
        except OSError:
            continue


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` through a temporary file and a rename."""
    return write_many_atomic({Path(path): text})[0]


class Streamed:
    """A file's content written by ``write(handle)`` into the open binary file (an output too
    large to hold in memory)."""

    def __init__(self, write: Callable[[IO[bytes]], None]):
        self.write = write


#: what a file is written from: text (written as UTF-8), bytes, a function that makes either
#: when the file is written (so that a large output is held one at a time), or
#: :class:`Streamed`
Content = str | bytes | Callable[[], str | bytes] | Streamed


def write_many_atomic(files: Mapping[Path, Content]) -> list[Path]:
    """Write several files; every one is written in full before the first rename, and a
    failure leaves none of the targets half-written (temporary files are removed)."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            path = Path(path)
            if path.exists() and path.is_dir():
                raise OutputError(f"{path} is a directory")
            parent = path.parent if str(path.parent) else Path(".")
            try:
                parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
            except OSError as exc:
                raise OutputError(f"cannot write {path}: {exc.strerror}") from None
            staged.append((tmp, path))
            _remove_stale(parent, path.name)
            # mkstemp makes the file private (0600); give it the mode a plain open() would:
            # the replaced file's, else what the umask allows
            os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
            if isinstance(text, Streamed):
                with os.fdopen(fd, "wb", buffering=1 << 20) as handle:
                    text.write(handle)
                continue
            content = text() if callable(text) else text
            data = content.encode("utf-8") if isinstance(content, str) else content
            del content
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            del data
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
    return [path for _, path in staged]
