#!/usr/bin/env python3
"""Make the CJK font ecograph embeds in its pages, from Debian's fonts-noto-cjk.

    apt-get install fonts-noto-cjk && python tools/bundle_font.py

Noto Sans CJK SC (SIL Open Font License 1.1; face 2 of Debian's NotoSansCJK-Regular.ttc) cut to
the characters a Chinese or English page of ecograph shows: Latin, Greek, general punctuation,
symbols and arrows, enclosed numbers, CJK punctuation, kana, radicals, the 20,992 unified
ideographs of the basic block, and full-width forms. Hinting and the vertical-writing tables are
dropped (pages are horizontal and the font is drawn at screen sizes). The result,
``src/ecograph/fonts/NotoSansCJKsc-ecograph.woff2``, is what every page's subset is cut from
(:mod:`ecograph.fonts`); characters outside it fall back to the system's fonts.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"
TARGET = Path(__file__).resolve().parents[1] / "src/ecograph/fonts/NotoSansCJKsc-ecograph.woff2"
RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1, Latin Extended-A
    (0x0370, 0x03FF),  # Greek
    (0x2000, 0x206F),  # general punctuation
    (0x2070, 0x20CF),  # super- and subscripts, currency
    (0x2100, 0x218F),  # letterlike symbols, number forms (Ⅰ Ⅱ, ℃)
    (0x2190, 0x23FF),  # arrows, mathematical operators, technical
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x27BF),  # box drawing, shapes, symbols, dingbats
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x30FF),  # CJK symbols and punctuation, kana
    (0x3200, 0x33FF),  # enclosed CJK, CJK compatibility (㎡)
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE6F),  # CJK compatibility forms, small forms
    (0xFF00, 0xFFEF),  # half- and full-width forms
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("-o", "--output", type=Path, default=TARGET)
    args = parser.parse_args()
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(args.source))
    font = next(f for f in collection.fonts if f["name"].getDebugName(4) == FACE)
    cmap = font.getBestCmap()
    unicodes = sorted(cp for low, high in RANGES for cp in range(low, high + 1) if cp in cmap)
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["vhea", "vmtx", "VORG"]
    options.flavor = "woff2"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.flavor = "woff2"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(args.output))
    data = args.output.read_bytes()
    print(
        f"{args.output}: {len(unicodes):,} characters, {len(data):,} bytes, "
        f"sha256 {hashlib.sha256(data).hexdigest()}"
    )


if __name__ == "__main__":
    main()
