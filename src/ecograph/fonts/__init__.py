"""The CJK font every HTML page of ecograph embeds, cut per page to the glyphs it uses.

A page that names its fonts only shows Chinese where the machine has a CJK font; on a bare
Linux machine (a server, CI, many laptops) every label is an empty box. So each page carries
its own: :func:`font_face_css` subsets the bundled Noto Sans CJK SC (SIL Open Font License 1.1,
``OFL.txt`` here; made by ``tools/bundle_font.py``) to the characters of the page's text with
fontTools, and returns an ``@font-face`` rule with the WOFF2 as a ``data:`` URL (pages allow
``font-src data:`` and nothing else). :data:`FAMILY` comes first in every page's font stack;
characters outside the bundle fall back to the system's fonts.

The same text gives the same bytes (the subset keeps the bundle's timestamps). Cutting takes
about 0.3 s for a few characters and 2 s for a page of 750, so a subset is kept in the build
cache (``ecograph.cache``) by the digest of its characters, the bundle and fontTools' version,
and once per process in memory.
"""

from __future__ import annotations

import base64
import io
import logging
from functools import lru_cache
from importlib import resources

__all__ = [
    "BUNDLE",
    "FAMILY",
    "LICENCE",
    "covered",
    "font_face_css",
    "font_face_rule",
    "subset_woff2",
]

#: the CSS family name of the embedded face (not the font's own name: a page's face is a subset)
FAMILY = "ecograph CJK"
#: the bundled font, inside the package
BUNDLE = "NotoSansCJKsc-ecograph.woff2"
LICENCE = "OFL.txt"


@lru_cache(maxsize=1)
def _bundle_bytes() -> bytes:
    return resources.files(__name__).joinpath(BUNDLE).read_bytes()


@lru_cache(maxsize=1)
def _bundle_digest() -> bytes:
    import hashlib

    return hashlib.sha256(_bundle_bytes()).digest()


@lru_cache(maxsize=1)
def _charset() -> frozenset[int]:
    """The code points the bundle draws."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_bundle_bytes()), lazy=True)
    return frozenset(font.getBestCmap())


def covered(text: str) -> str:
    """The distinct characters of ``text`` the bundle draws, sorted by code point (controls
    and spaces other than U+0020 left out: they draw nothing)."""
    charset = _charset()
    return "".join(
        ch for ch in sorted(set(text)) if ord(ch) in charset and (ch == " " or not ch.isspace())
    )


def subset_woff2(text: str) -> bytes:
    """The bundle cut to the characters of ``text`` it covers, as WOFF2 bytes."""
    return _subset(covered(text))


@lru_cache(maxsize=16)
def _subset(chars: str) -> bytes:
    import hashlib

    import fontTools

    from .. import cache

    key = hashlib.sha256(
        b"\0".join(
            (
                _bundle_digest(),
                fontTools.version.encode("ascii"),
                chars.encode("utf-8", "surrogatepass"),
            )
        )
    ).hexdigest()[:32]
    kept = cache.get("font", key)
    if kept is not None and isinstance(kept.get("woff2"), bytes):
        return kept["woff2"]
    data = _cut(_bundle_bytes(), chars)
    cache.put("font", key, {"woff2": data})
    return data


def _cut(bundle: bytes, chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # fontTools reports every table it prunes (and every glyph name) at INFO: under a server
    # that logs INFO that is a page of text per subset
    quiet = logging.getLogger("fontTools")
    if quiet.level == logging.NOTSET:
        quiet.setLevel(logging.WARNING)

    font = TTFont(io.BytesIO(bundle), recalcTimestamp=False, lazy=True)
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.notdef_outline = True
    # the copyright, the licence and its address travel inside every subset (OFL section 2)
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]
    options.name_languages = [0x409]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule for :data:`FAMILY` that draws the characters of ``text``, with the
    subset inline. ``unicode-range`` is left out: the face is asked for every character and
    draws those it has."""
    return font_face_rule(subset_woff2(text))


def font_face_rule(woff2: bytes) -> str:
    """The ``@font-face`` rule for :data:`FAMILY` with the subset ``woff2`` inline."""
    data = base64.b64encode(woff2).decode("ascii")
    return (
        f'@font-face{{font-family:"{FAMILY}";font-style:normal;font-weight:400;'
        f'font-display:block;src:url(data:font/woff2;base64,{data}) format("woff2")}}'
    )
