"""Regenerate the binary test documents of this folder: notice.docx, plan.pdf and scanned.pdf.

FICTIONAL: 示例市 (Shili) is an invented city; every body, person and figure below is invented
for ecograph's tests and describes no real place or person.

The text of both documents is held here as lists of blocks (kind, text): notice.docx is written
with python-docx, plan.pdf by printing an HTML page of its blocks with headless Chromium through
Playwright. scanned.pdf is a screenshot of the plan's cover page wrapped, as a JPEG, into a PDF
written by hand: an image and no text layer, as a scanner makes it. After writing, the script
reads every file back (python-docx, pypdf) and checks that the text comes out again, and checks
the hand-made answer key reply.expected.yaml against reply.txt, tests/data/shili and the
ontology (quotes verbatim, labels and values in their quotes, links and relation ends known).

    .venv/bin/python tests/data/documents/make.py            # write and check
    .venv/bin/python tests/data/documents/make.py --check    # only check (no Chromium needed)

Needs python-docx and pypdf (project dependencies) and, to write the PDFs, playwright with a
Chromium (Debian's /usr/bin/chromium by default, ``--chromium PATH`` otherwise) and the Noto CJK
fonts (Debian: fonts-noto-cjk). The tests need none of this: the outputs are committed.

Deterministic: fixed metadata and dates, fixed ZIP timestamps, no random IDs. On one machine two
runs give the same bytes; another Chromium or font version may lay the PDFs out differently.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import re
import struct
import sys
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTE = "（虚构文件，仅供 ecograph 测试使用。示例市为虚构城市，文中机构、人名、数字均为虚构。）"

# Block kinds: note, masthead, docno, title, addressee, p (body paragraph), h1 (一、), h2 (（一）),
# h3 (1.), sign (issuer under the body), date, attach (附件 label), table (rows), pagebreak,
# cc (抄送 line), printed ((issuer, date) of the printing line).
Block = tuple[str, object]

# fmt: off
NOTICE: list[Block] = [
    ("note", NOTE),
    ("masthead", "示例市人民政府办公室文件"),
    ("docno", "示政办发〔2025〕12号"),
    ("title", "示例市人民政府办公室关于做好2025年度科技创新平台建设工作的通知"),
    ("addressee", "各区人民政府，市直各有关部门："),
    ("p", "为深入落实《示例市关于加快科技创新平台建设的若干措施》（示政发〔2025〕8号），"
          "加快构建以实验室、新型研发机构和中试平台为支撑的创新平台体系，经市人民政府同意，"
          "现就做好2025年度科技创新平台建设工作通知如下。"),
    ("h1", "一、总体要求"),
    ("p", "以“科创示例”行动为牵引，坚持政府引导、企业主体、开放合作。2025年，全市新增省级以上"
          "创新平台10家以上，研发经费投入增长10%左右，高新技术企业达到150家。"),
    ("h1", "二、重点任务"),
    ("h2", "（一）加强实验室建设。"),
    ("h3", "1. 支持示例市实验室争创国家重点实验室，2025年引进高水平科研团队5个以上。"),
    ("h3", "2. 推动示例大学牵头组建示例市新材料实验室，与示例研究院开展联合攻关。"),
    ("h2", "（二）推进中试平台建设。"),
    ("h3", "1. 加快建设示例中试基地，2025年底前建成投用。"),
    ("h3", "2. 支持南城区建设生物医药中试平台，对新认定的省级中试平台给予一次性奖励100万元。"),
    ("h2", "（三）强化人才支撑。"),
    ("p", "各区、各部门要围绕创新平台建设引才聚才：一是依托示例人才中心及北城分中心，引进"
          "高层次人才团队20个左右；二是实施“示例英才”计划，支持青年科技人才100名；三是完善"
          "人才住房、子女入学等服务保障。"),
    ("h1", "三、保障措施"),
    ("h2", "（一）加强组织领导。"),
    ("p", "示例市科学技术局牵头负责统筹协调，各区人民政府落实属地责任，市直有关部门按职责分工"
          "抓好落实。"),
    ("h2", "（二）强化资金保障。"),
    ("p", "市财政安排科技创新平台建设专项资金2亿元，重点支持新建和提档升级的创新平台。"),
    ("h1", "四、工作要求"),
    ("p", "各区、各部门要于2025年6月30日前将上半年工作进展报送示例市科学技术局。"),
    ("p", "下一步，示例市人民政府办公室将会同示例市科学技术局对工作落实情况开展专项督查，"
          "督查结果纳入年度绩效考核。"),
    ("p", "附件：2025年度科技创新平台建设主要指标"),
    ("sign", "示例市人民政府办公室"),
    ("date", "二〇二五年三月十日"),
    ("p", "（此件公开发布）"),
    ("pagebreak", ""),
    ("attach", "附件"),
    ("title", "2025年度科技创新平台建设主要指标"),
    ("table", [
        ["指标", "2024年", "2025年目标", "责任单位"],
        ["省级以上创新平台（家）", "45", "55", "示例市科学技术局"],
        ["高新技术企业（家）", "120", "150", "示例市科学技术局"],
        ["研发经费投入（亿元）", "12.5", "14", "示例市科学技术局、示例市统计局"],
        ["中试平台（个）", "3", "5", "示例市工业和信息化局"],
    ]),
    ("cc", "抄送：市委办公室，市人大常委会办公室，市政协办公室。"),
    ("printed", ("示例市人民政府办公室", "2025年3月11日印发")),
]

PLAN: list[Block] = [
    ("note", NOTE),
    ("masthead", "示例市科学技术局文件"),
    ("docno", "示科发[2025]3号"),
    ("title", "示例市科学技术局关于印发《示例市“科创示例”行动工作方案》的通知"),
    ("addressee", "各区科技主管部门，市直有关单位："),
    ("p", "现将《示例市“科创示例”行动工作方案》印发给你们，请结合实际，认真抓好落实。"),
    ("sign", "示例市科学技术局"),
    ("date", "2025年4月2日"),
    ("pagebreak", ""),
    ("title", "示例市“科创示例”行动工作方案"),
    ("p", "为深入实施创新驱动发展战略，加快建设区域科技创新高地，结合我市实际，制定本方案。"),
    ("h1", "一、工作目标"),
    ("p", "力争到2027年，全市研发经费投入达到20亿元，研发投入强度2.5%左右；高新技术企业突破"
          "200家，科技型中小企业500家以上；省级以上创新平台达到70家，建成中试平台8个；引进培育"
          "高层次人才近1000人。"),
    ("p", "2025年目标：研发经费投入达到14亿元，高新技术企业达到150家，新增省级以上创新平台"
          "10家以上。"),
    ("h1", "二、主要任务"),
    ("h2", "（一）实施创新平台提升工程"),
    ("h3", "1. 支持示例市实验室建设，争创国家重点实验室。"),
    ("h3", "2. 推动示例研究院与示例大学深化合作，共建科技成果转化中心。"),
    ("h3", "3. 加快建设示例中试基地，2025年底前建成投入使用。"),
    ("p", "责任单位：示例市科学技术局、示例高新区管理委员会"),
    ("h2", "（二）实施科技企业倍增工程"),
    ("h3", "1. 建立高新技术企业培育库，入库企业300家以上。"),
    ("h3", "2. 落实研发费用加计扣除等政策，2025年为企业减免税额超3亿元。"),
    ("h2", "（三）实施科技人才集聚工程"),
    ("h3", "1. 依托示例人才中心及北城分中心引进高层次人才团队，每年引进人才200人左右。"),
    ("h3", "2. 实施“示例英才”计划，每年支持青年科技人才100名左右。"),
    ("h1", "三、保障措施"),
    ("p", "一是加强组织领导，成立“科创示例”行动工作专班，由示例市科学技术局主要负责同志任组长；"
          "二是加大资金投入，市级财政科技支出年均增长10%以上；三是强化督导考核，每半年通报一次"
          "进展情况。"),
    ("cc", "抄送：示例市人民政府办公室，示例市财政局。"),
    ("printed", ("示例市科学技术局办公室", "2025年4月3日印发")),
]
# fmt: on

#: the plan's cover page, as the scanner saw it: the blocks before the page break
SCANNED: list[Block] = PLAN[: PLAN.index(("pagebreak", ""))]

# ---------------------------------------------------------------------------------------------
# notice.docx


def _fonts(run, east_asia: str, size: float, bold: bool = False, red: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "Times New Roman"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", east_asia
    )
    if red:
        run.font.color.rgb = RGBColor(0xCC, 0x00, 0x00)


#: the children of w:pPr that come after w:pBdr (ECMA-376, CT_PPrBase)
_AFTER_PBDR = tuple(
    f"w:{name}"
    for name in (
        "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE"
        " autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents"
        " suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId"
        " cnfStyle rPr sectPr pPrChange"
    ).split()
)


def _border(paragraph, side: str, color: str = "000000", size: int = 8) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:  # in the place the schema gives it, or Word calls the file damaged
        borders = OxmlElement("w:pBdr")
        ppr.insert_element_before(borders, *_AFTER_PBDR)
    line = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "4"), ("color", color)):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)


def notice_docx(blocks: list[Block]) -> bytes:
    """The notice as a .docx in the layout of GB/T 9704 (fonts named as Chinese offices name
    them; Word substitutes what it lacks), with deterministic bytes."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    body_font, body_size = "仿宋_GB2312", 16  # 三号仿宋
    centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    for kind, value in blocks:
        if kind == "table":
            rows = value
            assert isinstance(rows, list)
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    para = cell.paragraphs[0]
                    para.alignment = centre
                    _fonts(para.add_run(text), "黑体" if r == 0 else body_font, 12, bold=r == 0)
            continue
        if kind == "pagebreak":
            doc.add_page_break()
            continue
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(28)
        if kind == "printed":
            issuer, date = value  # type: ignore[misc]
            _border(para, "bottom")
            fmt.tab_stops.add_tab_stop(Cm(15.6), WD_TAB_ALIGNMENT.RIGHT)
            _fonts(para.add_run(f"{issuer}\t{date}"), body_font, 14)
            continue
        text = str(value)
        if kind == "note":
            para.alignment = centre
            _fonts(para.add_run(text), "楷体_GB2312", 12)
        elif kind == "masthead":
            para.alignment = centre
            fmt.space_before, fmt.line_spacing = Pt(24), Pt(60)
            _fonts(para.add_run(text), "方正小标宋简体", 42, red=True)
        elif kind == "docno":
            para.alignment = centre
            fmt.space_before, fmt.space_after = Pt(24), Pt(12)
            _border(para, "bottom", color="CC0000", size=18)  # the red rule under the number
            _fonts(para.add_run(text), body_font, body_size)
        elif kind == "title":
            para.alignment = centre
            fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(24), Pt(24), Pt(36)
            _fonts(para.add_run(text), "方正小标宋简体", 22)
        elif kind == "attach":
            _fonts(para.add_run(text), "黑体", body_size)
        elif kind == "h1":
            fmt.first_line_indent = Pt(32)
            _fonts(para.add_run(text), "黑体", body_size)
        elif kind == "h2":
            fmt.first_line_indent = Pt(32)
            _fonts(para.add_run(text), "楷体_GB2312", body_size, bold=True)
        elif kind in ("sign", "date"):
            para.alignment = right
            fmt.right_indent = Cm(1.5)
            if kind == "sign":
                fmt.space_before = Pt(28)
            _fonts(para.add_run(text), body_font, body_size)
        elif kind == "cc":
            _border(para, "top")
            _border(para, "bottom")
            _fonts(para.add_run(text), body_font, 14)
        elif kind == "addressee":
            _fonts(para.add_run(text), body_font, body_size)
        else:  # p, h3
            fmt.first_line_indent = Pt(32)
            _fonts(para.add_run(text), body_font, body_size)
    stamp = datetime(2025, 3, 11, 9, 0, 0)
    props = doc.core_properties
    props.author = props.last_modified_by = "ecograph tests (fictional)"
    props.title = "（虚构）示例市人民政府办公室关于做好2025年度科技创新平台建设工作的通知"
    props.subject = "示政办发〔2025〕12号"
    props.comments = "虚构文件，仅供 ecograph 测试使用。示例市为虚构城市。"
    props.keywords = "fictional; ecograph test document"
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    return _stable_zip(raw.getvalue(), (2025, 3, 11, 9, 0, 0))


def _stable_zip(data: bytes, when: tuple[int, int, int, int, int, int]) -> bytes:
    """The same ZIP with every member's timestamp fixed (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename), compresslevel=9)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# plan.pdf and scanned.pdf

CSS = """
@page { size: A4; margin: 30mm 26mm 28mm 28mm; }
html { -webkit-print-color-adjust: exact; }
body { font-family: "Noto Serif CJK SC", serif; font-size: 13.5pt; line-height: 1.6;
       color: #000; margin: 0; }
p { margin: 0; text-indent: 2em; text-align: justify; }
.note { text-indent: 0; text-align: center; font-size: 10.5pt; color: #444; }
.masthead { text-indent: 0; text-align: center; color: #c00; font-size: 34pt;
            letter-spacing: 0.08em; margin: 10mm 0 8mm; font-weight: bold; }
.docno { text-indent: 0; text-align: center; padding-bottom: 4mm; border-bottom: 2px solid #c00;
         margin-bottom: 8mm; }
.title { text-indent: 0; text-align: center; font-size: 20pt; font-weight: bold;
         line-height: 1.5; margin: 6mm 0; }
.addressee { text-indent: 0; }
h1, h2 { font-size: 13.5pt; margin: 0; text-indent: 2em; }
h1 { font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold; }
h2 { font-weight: bold; }
.sign, .date { text-align: right; padding-right: 3em; text-indent: 0; }
.sign { margin-top: 10mm; }
.pagebreak { break-after: page; }
.banji { margin-top: 6mm; border-top: 1px solid #000; border-bottom: 1px solid #000;
         font-size: 12pt; }
.banji p { text-indent: 0; padding: 1mm 0; }
.banji .printed { display: flex; justify-content: space-between; border-top: 1px solid #000; }
"""

SCAN_CSS = """
body { background: #f3f1ea; filter: grayscale(1) contrast(1.1); }
.sheet { width: 794px; height: 1123px; padding: 100px 90px; box-sizing: border-box;
         transform: rotate(0.6deg); transform-origin: 50% 0; }
"""


def plan_html(blocks: list[Block], scan: bool = False) -> str:
    """An HTML page of the blocks: classes for the parts of the header, h1/h2 for headings."""
    out: list[str] = []
    closing: list[str] = []
    for kind, value in blocks:
        if kind == "cc":
            closing.append(f'<p class="cc">{html.escape(str(value))}</p>')
            continue
        if kind == "printed":
            issuer, date = value  # type: ignore[misc]
            closing.append(
                f'<p class="printed"><span>{html.escape(issuer)}</span>'
                f"<span>{html.escape(date)}</span></p>"
            )
            continue
        text = html.escape(str(value))
        if kind == "pagebreak":
            out.append('<div class="pagebreak"></div>')
        elif kind in ("h1", "h2"):
            out.append(f"<{kind}>{text}</{kind}>")
        elif kind in ("p", "h3"):
            out.append(f"<p>{text}</p>")
        else:
            out.append(f'<p class="{kind}">{text}</p>')
    if closing:
        out.append('<div class="banji">' + "".join(closing) + "</div>")
    body = "\n".join(out)
    if scan:
        body = f'<div class="sheet">{body}</div>'
    style = CSS + (SCAN_CSS if scan else "")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>（虚构）ecograph 测试文件</title><style>{style}</style></head>"
        f"<body>{body}</body></html>"
    )


FOOTER = (
    '<div style="width:100%;text-align:center;font-size:10pt;'
    'font-family:\'Noto Serif CJK SC\',serif;">— <span class="pageNumber"></span> —</div>'
)


def render_with_chromium(chromium: str) -> tuple[bytes, bytes]:
    """(plan PDF as Chromium prints it, JPEG screenshot of the plan's cover page)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 794, "height": 1123})
            page.set_content(plan_html(PLAN), wait_until="load")
            pdf = page.pdf(
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "30mm", "bottom": "28mm", "left": "28mm", "right": "26mm"},
            )
            page.set_content(plan_html(SCANNED, scan=True), wait_until="load")
            jpeg = page.screenshot(type="jpeg", quality=55, full_page=False)
        finally:
            browser.close()
    return pdf, jpeg


_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


FONTS = sorted(Path("/usr/share/fonts/opentype/noto").glob("Noto*CJK*.ttc"))
_RADICALS = range(0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals
_IDEOGRAPHS = ((0x4E00, 0xA000), (0x3400, 0x4DC0), (0x20000, 0x32000))  # in order of preference


def _sfnt_faces(path: Path):
    """(file bytes, {table tag: offset}) for every face of a .ttc/.otf/.ttf file."""
    data = path.read_bytes()
    offsets: tuple[int, ...] = (0,)
    if data[:4] == b"ttcf":
        count = struct.unpack(">I", data[8:12])[0]
        offsets = struct.unpack(f">{count}I", data[12 : 12 + 4 * count])
    for base in offsets:
        tables = {}
        for i in range(struct.unpack(">H", data[base + 4 : base + 6])[0]):
            record = data[base + 12 + 16 * i : base + 28 + 16 * i]
            tag, _, offset, _ = struct.unpack(">4sIII", record)
            tables[tag] = offset
        yield data, tables


def _family(data: bytes, name: int) -> str:
    """A face's family name (name ID 1, Windows platform)."""
    count, strings = struct.unpack(">HH", data[name + 2 : name + 6])
    for i in range(count):
        platform, _, _, name_id, length, offset = struct.unpack(
            ">HHHHHH", data[name + 6 + 12 * i : name + 18 + 12 * i]
        )
        if platform == 3 and name_id == 1:
            start = name + strings + offset
            return data[start : start + length].decode("utf-16-be")
    return ""


def _cmap_groups(data: bytes, cmap: int) -> list[tuple[int, int, int]]:
    """The (first code point, last code point, first glyph) groups of a format-12 cmap."""
    for i in range(struct.unpack(">H", data[cmap + 2 : cmap + 4])[0]):
        sub = cmap + struct.unpack(">I", data[cmap + 8 + 8 * i : cmap + 12 + 8 * i])[0]
        if struct.unpack(">H", data[sub : sub + 2])[0] == 12:
            count = struct.unpack(">I", data[sub + 12 : sub + 16])[0]
            return [
                struct.unpack(">III", data[sub + 16 + 12 * g : sub + 28 + 12 * g])
                for g in range(count)
            ]
    return []


def _rank(code: int) -> int | None:
    """The preference of an ideograph block (0 best), None for a code point outside them."""
    return next((n for n, (lo, hi) in enumerate(_IDEOGRAPHS) if lo <= code < hi), None)


def radical_equivalents(fonts: list[Path], family: str = " SC") -> dict[str, str]:
    """For each radical that a face draws with the glyph of an ideograph, that ideograph.

    Read from the fonts' own cmaps (U+2F70 ⽰ and U+793A 示 on one glyph: ⽰ → 示), so the map
    is exactly the sharing that made Skia write the radical. Only the faces whose family name
    ends with ``family`` count (the sharing is regional: ⼾ is 户 in SC, 戸 in JP, 戶 in TC);
    faces that still disagree are an error."""
    found: dict[str, set[str]] = {}
    for path in fonts:
        for data, tables in _sfnt_faces(path):
            if not _family(data, tables[b"name"]).endswith(family):
                continue
            glyph_of: dict[int, int] = {}
            shares: dict[int, list[int]] = {}
            groups = _cmap_groups(data, tables[b"cmap"])
            for first, last, glyph in groups:
                for code in range(max(first, _RADICALS.start), min(last, _RADICALS.stop - 1) + 1):
                    glyph_of[code] = glyph + code - first
            wanted = set(glyph_of.values())
            for first, last, glyph in groups:
                if not any(lo < last + 1 and first < hi for lo, hi in _IDEOGRAPHS):
                    continue
                for code in range(first, last + 1):
                    if glyph + code - first in wanted:
                        shares.setdefault(glyph + code - first, []).append(code)
            for radical, glyph in glyph_of.items():
                same = [c for c in shares.get(glyph, []) if _rank(c) is not None]
                if same:
                    best = min(same, key=lambda c: (_rank(c), c))
                    found.setdefault(chr(radical), set()).add(chr(best))
    if not found:
        raise ValueError(f"no{family} face with radicals among {[str(f) for f in fonts]}")
    clashes = {r: s for r, s in found.items() if len(s) > 1}
    if clashes:
        raise ValueError(f"fonts disagree on radicals: {clashes}")
    return {radical: ideograph for radical, (ideograph,) in found.items()}


def _unified(code: str, table: dict[str, str]) -> str:
    """A radical as the ideograph its font draws with the same glyph (NFKC for a Kangxi
    radical no font shares); everything else as it is."""
    return "".join(
        table.get(ch) or (unicodedata.normalize("NFKC", ch) if ord(ch) in _RADICALS else ch)
        for ch in code
    )


def _fixed_cmap(data: bytes, table: dict[str, str]) -> tuple[bytes, int]:
    """A ToUnicode CMap whose radical targets are the ideographs; (cmap, targets changed)."""
    pairs: list[tuple[bytes, str]] = []
    for block in _BFCHAR.findall(data):
        codes = _HEX.findall(block)
        for src, dst in zip(codes[::2], codes[1::2], strict=True):
            pairs.append((src, bytes.fromhex(dst.decode()).decode("utf-16-be")))
    for block in _BFRANGE.findall(data):
        codes = _HEX.findall(block)
        if b"[" in block:
            raise ValueError("ToUnicode bfrange with an array: not written by Skia, not handled")
        for lo, hi, dst in zip(codes[::3], codes[1::3], codes[2::3], strict=True):
            start = bytes.fromhex(dst.decode()).decode("utf-16-be")
            width = len(lo)
            for n in range(int(lo, 16), int(hi, 16) + 1):
                target = start[:-1] + chr(ord(start[-1]) + n - int(lo, 16))
                pairs.append((f"{n:0{width}X}".encode(), target))
    changed = 0
    entries: list[bytes] = []
    for src, dst in pairs:
        fixed = _unified(dst, table)
        changed += fixed != dst
        entries.append(b"<%s> <%s>" % (src, fixed.encode("utf-16-be").hex().upper().encode()))
    if not changed:
        return data, 0
    body = b"".join(
        b"%d beginbfchar\n%s\nendbfchar\n" % (len(chunk), b"\n".join(chunk))
        for chunk in (entries[i : i + 100] for i in range(0, len(entries), 100))
    )
    head = data[: min(m.start() for m in (*_BFCHAR.finditer(data), *_BFRANGE.finditer(data)))]
    # back to the line that holds the count of the first block
    head = head[: head.rstrip().rfind(b"\n") + 1]
    tail = data[max(m.end() for m in (*_BFCHAR.finditer(data), *_BFRANGE.finditer(data))) :]
    return head + body + tail.lstrip(b"\n"), changed


def repair_pdf(pdf: bytes, table: dict[str, str]) -> tuple[bytes, int]:
    """Chromium's PDF with fixed metadata and ToUnicode maps that give ideographs, not radicals.

    Skia writes each glyph's Unicode as the lowest code point the font maps to it; Noto CJK maps
    a Kangxi radical and its ideograph (⼀ U+2F00 and 一 U+4E00, ⽰ and 示) to one glyph, so the
    text layer would say ⽰例市 for 示例市. Returns (pdf, number of map entries repaired)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    seen: set[int] = set()
    repaired = 0
    for page in writer.pages:
        fonts = page["/Resources"].get_object().get("/Font")
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            tu = font.get("/ToUnicode")
            if tu is None or tu.idnum in seen:
                continue
            seen.add(tu.idnum)
            stream = tu.get_object()
            data, changed = _fixed_cmap(stream.get_data(), table)
            if changed:
                stream.set_data(data)
                repaired += changed
    writer._info = None  # drop Chromium's /Info (creation time, browser version)
    writer.add_metadata(
        {
            NameObject("/Title"): "（虚构）示例市“科创示例”行动工作方案",
            NameObject("/Subject"): "示科发[2025]3号",
            NameObject("/Keywords"): "fictional; ecograph test document; 虚构文件",
            NameObject("/Creator"): "tests/data/documents/make.py (Chromium print)",
            NameObject("/Producer"): "ecograph test documents",
            NameObject("/CreationDate"): "D:20250403090000+08'00'",
            NameObject("/ModDate"): "D:20250403090000+08'00'",
        }
    )
    writer._ID = None  # no file identifier: it would be the time, or random
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), repaired


def _jpeg_size(jpeg: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame segment."""
    i = 2
    while i < len(jpeg):
        marker, length = jpeg[i + 1], int.from_bytes(jpeg[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(jpeg[i + 5 : i + 7], "big")
            width = int.from_bytes(jpeg[i + 7 : i + 9], "big")
            return width, height
        i += 2 + length
    raise ValueError("no JPEG frame header")


def scanned_pdf(jpeg: bytes) -> bytes:
    """A one-page A4 PDF holding the JPEG and nothing else: no font, no text operator."""
    width, height = _jpeg_size(jpeg)
    content = b"q 595.28 0 0 841.89 0 0 cm /Scan Do Q\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89]"
        b" /Resources << /XObject << /Scan 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB"
        b" /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream"
        % (width, height, len(jpeg), jpeg),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Title (Scanned copy: fictional ecograph test document, no text layer)"
        b" /Producer (ecograph tests/data/documents/make.py)"
        b" /CreationDate (D:20250403090000+08'00') >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# checks


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _expected(blocks: list[Block]) -> str:
    parts: list[str] = []
    for kind, value in blocks:
        if kind == "table":
            parts.extend("".join(row) for row in value)  # type: ignore[union-attr]
        elif kind == "printed":
            parts.extend(value)  # type: ignore[arg-type]
        else:
            parts.append(str(value))
    return _squeeze("".join(parts))


def docx_text(path: Path) -> str:
    """Paragraphs and tables in body order (a row a line, cells tab-separated)."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    lines: list[str] = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, doc).text)
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(str(path)).pages]


_FOOTER_LINE = re.compile(r"^— \d+ —$", re.M)


def check(report: bool = True) -> list[str]:
    """Problems found reading the files back (empty when all is well)."""
    problems: list[str] = []
    notice = docx_text(HERE / "notice.docx")
    if _squeeze(notice) != _expected(NOTICE):
        problems.append("notice.docx: the text read back is not the text written")
    pages = pdf_pages(HERE / "plan.pdf")
    plan = "\n".join(pages)
    radicals = sorted(set(re.findall(r"[\u2e80-\u2fdf]", plan)))
    if radicals:
        problems.append(f"plan.pdf: radicals in the text layer: {''.join(radicals)}")
    if _squeeze(_FOOTER_LINE.sub("", plan)) != _expected(PLAN):
        problems.append("plan.pdf: the text read back (less page numbers) is not the text written")
    scanned = pdf_pages(HERE / "scanned.pdf")
    if len(scanned) != 1 or scanned[0].strip():
        problems.append("scanned.pdf: expected one page without text")
    if report:
        sizes = {n: (HERE / n).stat().st_size for n in ("notice.docx", "plan.pdf", "scanned.pdf")}
        for name, size in sizes.items():
            digest = hashlib.sha256((HERE / name).read_bytes()).hexdigest()[:16]
            print(f"{name:12} {size:>8,} bytes  sha256 {digest}…")
        print(f"plan.pdf: {len(pages)} pages; page 1 as pypdf extracts it:")
        print("  " + pages[0].replace("\n", "⏎\n  "))
    return problems


def _terms(kind: str) -> set[str]:
    """The local names of the ontology's terms of one kind (owl:Class, owl:ObjectProperty)."""
    text = (HERE.parents[2] / "ontology" / "ecograph.ttl").read_text(encoding="utf-8")
    return set(re.findall(rf"^eco:(\w+)\s*\n?\s*a {kind}\b", text, re.M))


def check_key() -> list[str]:
    """Problems of reply.expected.yaml against reply.txt, tests/data/shili and the ontology:
    quotes verbatim, labels, values and hedges in their quotes, links and ends that exist."""
    import yaml

    key = yaml.safe_load((HERE / "reply.expected.yaml").read_text(encoding="utf-8"))
    text = _squeeze((HERE / "reply.txt").read_text(encoding="utf-8"))
    curated: set[str] = set()
    for path in (HERE.parent / "shili").glob("*.yaml"):
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(records, list):
            curated |= {r["id"] for r in records}
    classes, properties = _terms("owl:Class"), _terms("owl:ObjectProperty")
    problems: list[str] = []

    def need(ok: bool, what: str) -> None:
        if not ok:
            problems.append(f"reply.expected.yaml: {what}")

    items = [*key["document"]["header"], *key["entities"], *key["observations"]]
    for item in [*items, *key["relations"]]:
        need(_squeeze(item["quote"]) in text, f"quote not in reply.txt: {item['quote']}")
    ids = {"reply"}
    for entity in key["entities"]:
        need(entity["type"] in classes, f"unknown type {entity['type']}")
        need(entity["zh"] in entity["quote"], f"{entity['zh']} not in its quote")
        if entity["new"]:
            need("id" in entity and entity["id"] not in curated, f"new {entity['zh']}: id")
            ids.add(entity.get("id", ""))
        else:
            need(entity.get("link") in curated, f"link {entity.get('link')} not curated")
            ids.add(entity.get("link", ""))
    for obs in key["observations"]:
        need(obs["value"] in obs["quote"], f"{obs['value']} not in {obs['quote']}")
        if obs["qualifier"]:
            need(obs["qualifier"] in obs["quote"], f"{obs['qualifier']} not in {obs['quote']}")
        need(obs["status"] in ("done", "planned", "ongoing"), f"status {obs['status']}")
        for ref in (obs["indicator"], obs["unit"]):
            need("link" not in ref or ref["link"] in curated, f"link {ref.get('link')}")
        need(obs.get("about") in (None, *ids), f"about {obs.get('about')}")
        need(obs["unit"]["zh"] in obs["quote"], f"unit {obs['unit']['zh']} not in its quote")
    for rel in key["relations"]:
        need(rel["p"] in properties, f"unknown relation {rel['p']}")
        need(rel["s"] in ids and rel["o"] in ids, f"relation end unknown: {rel['s']} {rel['o']}")
    for item in key["not_candidates"]["observations"]:
        need(_squeeze(item["as_printed"]) in text, f"not in reply.txt: {item['as_printed']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check what is there")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium to print with")
    args = parser.parse_args(argv)
    if not args.check:
        (HERE / "notice.docx").write_bytes(notice_docx(NOTICE))
        pdf, jpeg = render_with_chromium(args.chromium)
        plan, repaired = repair_pdf(pdf, radical_equivalents(FONTS))
        print(f"plan.pdf: {repaired} ToUnicode entries mapped from radicals to ideographs")
        (HERE / "plan.pdf").write_bytes(plan)
        (HERE / "scanned.pdf").write_bytes(scanned_pdf(jpeg))
    problems = check() + check_key()
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
