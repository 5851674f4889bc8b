"""The saved-query gallery (queries/*.rq): every query answers its question as the source letter
鄂建提复字[2025]185号 does.

The expectations below were written from the source text (graph_data/ordos/sources/), not copied
from the queries' output. Aggregates over the curated graph (entities per kind, relations per
status …) were counted by hand from the YAML records and checked against the source's own lists.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from ecograph.cli import main
from ecograph.gallery import gallery, saved_query

from .conftest import ORDOS, REPO

NS = "原文未说明 / not stated"
DONE, ONGOING, PLANNED = "已完成/已建成", "推进中", "计划中"
EXPLICIT, IMPLIED = "原文明示", "原文暗示"

SOURCE = (ORDOS / "sources" / "000_6dda99716a2125f5.txt").read_text(encoding="utf-8")
GALLERY = {q.name: q for q in gallery()}
NAMES = sorted(GALLERY)


def squash(text: str | None) -> str | None:
    """Text with all whitespace removed (the source has stray spaces and line breaks)."""
    return None if text is None else re.sub(r"\s+", "", text)


SQUASHED_SOURCE = squash(SOURCE)


def run(kg, name: str):
    result = kg.query(saved_query(name).text)
    assert result.kind == "select", name
    return result


def table(result, *variables: str) -> list[tuple]:
    return [tuple(row[v]["value"] if v in row else None for v in variables) for row in result.rows]


def column(result, variable: str) -> list:
    return result.values(variable)


# ------------------------------------------------------------------ the gallery as a whole

HEADER = re.compile(r"^# (title|description)\.(zh|en): \S")


def test_gallery_has_at_least_25_queries_with_slug_names() -> None:
    assert len(GALLERY) >= 25, f"only {len(GALLERY)} queries in queries/"
    for name in NAMES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name
    assert all((REPO / "queries" / f"{n}.rq").exists() for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_query_has_its_four_header_lines_and_runs(name: str, ordos_kg) -> None:
    query = GALLERY[name]
    lines = query.text.splitlines()
    assert [HEADER.match(line).groups() if HEADER.match(line) else None for line in lines[:4]] == [
        ("title", "zh"),
        ("title", "en"),
        ("description", "zh"),
        ("description", "en"),
    ], f"{name}: the file must open with title.zh, title.en, description.zh, description.en"
    for part in (query.title, query.description):
        assert part.get("zh") and part.get("en"), name
    assert re.search(r"[\u4e00-\u9fff]", query.title["zh"]) and re.search(
        r"[\u4e00-\u9fff]", query.description["zh"]
    )
    result = ordos_kg.query(query.text)
    assert result.kind == "select" and result.rows, f"{name} gives no rows"
    assert "ORDER BY" in query.text, f"{name}: results must be in a deterministic order"


@pytest.mark.parametrize("name", NAMES)
def test_every_quote_a_query_returns_is_verbatim_from_the_source(name: str, ordos_kg) -> None:
    result = ordos_kg.query(GALLERY[name].text)
    for variable in result.variables:
        if variable == "quote":
            for quote in result.values(variable):
                assert squash(quote) in SQUASHED_SOURCE, f"{name}: {quote!r} is not in the source"


@pytest.mark.parametrize("name", NAMES)
def test_every_query_gives_the_same_rows_twice(name: str, ordos_kg) -> None:
    text = GALLERY[name].text
    assert ordos_kg.query(text).rows == ordos_kg.query(text).rows


# ------------------------------------------------------------------ the command line


def test_cli_lists_every_query_with_both_titles(runner) -> None:
    result = runner.invoke(main, ["query", "--list"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name, query in GALLERY.items():
        line = next(
            (ln for ln in result.output.splitlines() if ln.split() and ln.split()[0] == name), None
        )
        assert line is not None, f"{name} missing from `ecograph query --list`"
        assert query.title["zh"] in line and query.title["en"] in line


@pytest.mark.parametrize("name", NAMES)
def test_cli_json_is_sparql_results_json(name: str, runner) -> None:
    result = runner.invoke(
        main, ["query", "--name", name, "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert isinstance(doc["head"]["vars"], list) and doc["head"]["vars"]
    bindings = doc["results"]["bindings"]
    assert isinstance(bindings, list) and bindings
    for binding in bindings:
        assert set(binding) <= set(doc["head"]["vars"])
        for term in binding.values():
            assert term["type"] in ("uri", "literal", "bnode") and isinstance(term["value"], str)


@pytest.mark.parametrize("name", NAMES)
def test_cli_csv_has_the_header_row(name: str, runner, ordos_kg) -> None:
    result = runner.invoke(
        main, ["query", "--name", name, "--format", "csv"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    expected = ordos_kg.query(GALLERY[name].text)
    assert rows[0] == expected.variables
    assert len(rows) == 1 + len(expected.rows)


def test_cli_csv_of_the_academicians(runner) -> None:
    result = runner.invoke(
        main,
        ["query", "--name", "academicians-in-ordos", "--format", "csv"],
        catch_exceptions=False,
    )
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["academician", "academician_en", "active_in", "quote"]
    assert [r[0] for r in rows[1:]] == ["金之钧", "李根生", "欧阳明高", "朴哲范", "武强"]


def test_cli_unknown_name_suggests_a_close_one(runner) -> None:
    result = runner.invoke(main, ["query", "--name", "policy-document"])
    assert result.exit_code != 0 and "policy-documents" in result.output


# ------------------------------------------------------------------ lookups

CLUSTER_SENTENCE = (
    "全面构筑鄂尔多斯市实验室、北京大学鄂尔多斯能源研究院、中国矿业大学(北京)内蒙古研究院、"
    "辽宁工程技术大学鄂尔多斯研究院等新型研发机构集群"
)


def test_new_type_rd_institutions(ordos_kg) -> None:
    r = run(ordos_kg, "new-type-rd-institutions")
    assert column(r, "institution") == sorted(
        [
            "鄂尔多斯实验室",
            "北京大学鄂尔多斯能源研究院",
            "中国矿业大学(北京)内蒙古研究院",
            "辽宁工程技术大学鄂尔多斯研究院",
        ]
    )
    assert set(column(r, "cluster")) == {"新型研发机构集群"}
    assert {squash(q) for q in column(r, "quote")} == {CLUSTER_SENTENCE}


def test_policy_documents_with_numbers_as_printed(ordos_kg) -> None:
    r = run(ordos_kg, "policy-documents")
    assert sorted(table(r, "document", "doc_number", "version")) == sorted(
        [
            ("鄂尔多斯市合作共建科研机构管理办法", NS, None),
            (
                "关于加快培育新质生产力以科技创新引领高质量发展的实施意见",
                "鄂党办发〔2025〕6号",
                None,
            ),
            (
                "深入实施科技“突围”工程加快培育新质生产力的若干政策实施细则",
                "鄂府发〔2024〕56号",
                None,
            ),
            ("“科技新政30条”", NS, "2.0"),
        ]
    )
    for number in ("鄂党办发〔2025〕6号", "鄂府发〔2024〕56号"):
        assert number in SOURCE  # exactly as printed, full-width brackets included


def test_academicians_in_ordos(ordos_kg) -> None:
    r = run(ordos_kg, "academicians-in-ordos")
    # 引进金之钧、武强、李根生、欧阳明高、朴哲范等院士在鄂尔多斯市常期开展创新活动
    # (ordered by pinyin)
    assert table(r, "academician", "academician_en", "active_in") == [
        ("金之钧", "Jin Zhijun", "鄂尔多斯市"),
        ("李根生", "Li Gensheng", "鄂尔多斯市"),
        ("欧阳明高", "Ouyang Minggao", "鄂尔多斯市"),
        ("朴哲范", "Piao Zhefan", "鄂尔多斯市"),
        ("武强", "Wu Qiang", "鄂尔多斯市"),
    ]
    assert set(column(r, "quote")) == {
        "引进金之钧、武强、李根生、欧阳明高、朴哲范等院士在鄂尔多斯市常期开展创新活动"
    }


def test_talent_centre_branches(ordos_kg) -> None:
    r = run(ordos_kg, "talent-centre-branches")
    # 先后建成鄂尔多斯人才科创中心和北京、深圳、上海、雄安等人才科创分中心
    assert sorted(table(r, "branch", "city", "status")) == sorted(
        [
            ("北京人才科创分中心", "北京", DONE),
            ("深圳人才科创分中心", "深圳", DONE),
            ("上海人才科创分中心", "上海", DONE),
            ("雄安人才科创分中心", "雄安", DONE),
        ]
    )


def test_technology_achievements_and_their_assessment(ordos_kg) -> None:
    r = run(ordos_kg, "technology-achievements")
    sample_to_product = "从“样品”变为“产品”"
    assert dict(table(r, "achievement", "assessment")) == {
        "PVC(聚氯乙烯)无汞化技术": "突破行业绿色发展“卡脖子”问题",
        "费托合成α-烯烃": "打破国外技术封锁与产品垄断",
        "“零碳机场”技术系统": "全国首个，落地应用",
        "万吨级高铝粉煤灰/煤矸石提取铝硅氧化物技术": "达到国际领先水平",
        "工业热储能": "引领绿电消纳与工业脱碳双重变革",
        "硅碳负极材料": sample_to_product,
        "矿鸿操作系统": sample_to_product,
        "合成气一步法制芳烃/烯烃": sample_to_product,
        "先进制氢系统": "走出国门",
    }
    assert len(r.rows) == 9


def test_fields_of_the_breakthrough_focal_points(ordos_kg) -> None:
    r = run(ordos_kg, "breakthrough-point-fields")
    # 紧密围绕“四个世界级产业”和氢能、储能、新型化工、新型能源、低空经济、“人工智能+”等领域,
    # 布局科技“突围”点位
    planned_fields = [
        "“四个世界级产业”",
        "氢能",
        "储能",
        "新型化工",
        "新型能源",
        "低空经济",
        "“人工智能+”",
    ]
    expected = {("科技“突围”点位", f, PLANNED, EXPLICIT) for f in planned_fields}
    # 我市氢能点位纳入自治区科技突围工程 (the field read from the name)
    expected.add(("氢能点位", "氢能", DONE, IMPLIED))
    # 以深入实施科技“突围”工程为着力点,赋能新质生产力发展 (the project itself)
    expected.add(("科技“突围”工程", "新质生产力", PLANNED, EXPLICIT))
    assert set(table(r, "focal_point", "field", "status", "basis")) == expected
    assert len(r.rows) == 9


def test_planned_platforms_and_bases(ordos_kg) -> None:
    r = run(ordos_kg, "planned-platforms-and-bases")
    # 推动建设清华全国重点实验室鄂尔多斯基地、乌审旗现代煤化工创新技术中试基地、
    # 鄂尔多斯实验室准格尔中试基地; 持续申建大科学装置
    assert sorted(table(r, "platform", "kind", "parent", "located_in")) == sorted(
        [
            ("清华全国重点实验室鄂尔多斯基地", "实验室", "清华全国重点实验室", "鄂尔多斯市"),
            ("乌审旗现代煤化工创新技术中试基地", "中试平台与基地", None, "乌审旗"),
            ("鄂尔多斯实验室准格尔中试基地", "中试平台与基地", "鄂尔多斯实验室", "准格尔"),
            ("大科学装置", "科研设施", None, NS),
        ]
    )


def test_reply_letter_facts(ordos_kg) -> None:
    r = run(ordos_kg, "reply-letter-facts")
    assert set(table(r, "field", "value")) == {
        ("文号", "鄂建提复字[2025]185号"),
        ("发文日期", "2025-08-07"),
        ("发文/制定机关", "鄂尔多斯市人民政府"),
        ("签发人", "张秀玲"),
        ("联系人", "苏浩"),
        ("印发机关", "鄂尔多斯市人民政府办公室"),
        ("抄送", "市政协办公室"),
        ("抄送", "市政协提案委员会"),
        ("答复", "关于以科技创新赋能我市新质生产力发展的提案"),
        ("提出者", "九三学社"),
        ("收件方", "九三学社"),  # the salutation: 九三学社:
        ("提交会议", "市政协五届四次会议"),
    }
    assert len(r.rows) == 12
    assert not any(
        re.search(r"[0-9]{7}", v or "") for v in column(r, "value")
    )  # the telephone number stays out


def test_designations_and_candidacies(ordos_kg) -> None:
    r = run(ordos_kg, "designations-and-candidacies")
    assert set(table(r, "holder", "relation", "title", "status")) == {
        ("鄂尔多斯实验室", "获得称号/资质", "首批内蒙古实验室", DONE),
        ("鄂尔多斯现代煤化工中试平台", "获得称号/资质", "国家首批重点培育中试平台", DONE),
        (
            "“推进新型研发机构集群建设”改革案例",
            "获得称号/资质",
            "2024年度地方进一步全面深化改革典型案例",
            DONE,
        ),
        # 聘请15位两院院士为我市科技顾问
        ("我市科技顾问", "获得称号/资质", "两院院士", DONE),
        ("我市科技顾问", "获得称号/资质", "科技顾问", DONE),
        # 在自治区首次县域科技创新能力评价中, 我市 6 个旗区跻身一、二类旗县
        ("旗区", "获得称号/资质", "一、二类旗县", DONE),
        ("鄂尔多斯市", "申建/申报", "大科学装置", ONGOING),  # 持续申建大科学装置
        ("鄂尔多斯市", "申建/申报", "全球可持续发展城市奖", PLANNED),  # 申建全球可持续发展城市奖
        (
            "鄂尔多斯市",
            "申建/申报",
            "呼包鄂国家自主创新示范区",
            PLANNED,
        ),  # 推动呼包鄂国家自主创新示范区获批
    }
    # 国家创新型城市 and 人才友好型城市 are what the “双城” co-building targets, not titles
    # applied for
    assert len(r.rows) == 9


def test_collaboration_partners(ordos_kg) -> None:
    r = run(ordos_kg, "collaboration-partners")
    # 与清华大学、北京大学、中科院等大院大所建立了持久务实的合作机制
    # 持续加强与大学大院大所合作 … 中国矿业大学(北京)内蒙古研究院、辽宁工程技术大学鄂尔多斯研究院
    # (implied)
    assert sorted(table(r, "partner", "kind")) == sorted(
        [
            ("清华大学", "高等院校"),
            ("北京大学", "高等院校"),
            ("中科院", "科研院所"),
            ("中国矿业大学(北京)", "高等院校"),
            ("辽宁工程技术大学", "高等院校"),
        ]
    )


# ------------------------------------------------------------------ multi-hop paths


def test_universities_to_institutes_to_cluster(ordos_kg) -> None:
    r = run(ordos_kg, "universities-institutes-cluster")
    assert table(r, "university", "institute", "cluster", "co_built_basis") == [
        ("中国矿业大学(北京)", "中国矿业大学(北京)内蒙古研究院", "新型研发机构集群", IMPLIED),
        ("北京大学", "北京大学鄂尔多斯能源研究院", "新型研发机构集群", IMPLIED),
        ("辽宁工程技术大学", "辽宁工程技术大学鄂尔多斯研究院", "新型研发机构集群", IMPLIED),
    ]


def test_branch_centres_to_centre_to_regions(ordos_kg) -> None:
    r = run(ordos_kg, "branch-centres-to-regions")
    # 打造链接京津冀、长三角、珠三角创新资源的人才科创飞地矩阵
    branches = {
        "北京人才科创分中心": "北京",
        "深圳人才科创分中心": "深圳",
        "上海人才科创分中心": "上海",
        "雄安人才科创分中心": "雄安",
    }
    expected = {
        (b, city, "鄂尔多斯人才科创中心", "人才科创飞地矩阵", region)
        for b, city in branches.items()
        for region in ("京津冀", "长三角", "珠三角")
    }
    assert set(table(r, "branch", "city", "centre", "matrix", "region")) == expected
    assert len(r.rows) == 12
    assert set(column(r, "membership_basis")) == {IMPLIED}


def test_programmes_and_their_projects(ordos_kg) -> None:
    r = run(ordos_kg, "programme-projects")
    organized, part = "组织形式", "属于/组成部分"
    assert set(table(r, "programme", "link", "project", "status", "basis")) == {
        (
            "“揭榜挂帅”",
            organized,
            "市级“揭榜挂帅”项目",
            DONE,
            EXPLICIT,
        ),  # 立项市级“揭榜挂帅”项目 45 项
        (
            "“揭榜挂帅”",
            organized,
            "重大科技示范项目",
            PLANNED,
            EXPLICIT,
        ),  # 以“揭榜挂帅”“先立项、后补助”等…实施重大科技示范项目
        ("“先立项、后补助”", organized, "重大科技示范项目", PLANNED, EXPLICIT),
        (
            "国家重点研发计划",
            part,
            "国家重点研发计划项目",
            DONE,
            EXPLICIT,
        ),  # 4 个国家重点研发计划项目首落我市
        (
            "自治区科技突围工程",
            part,
            "氢能点位",
            DONE,
            EXPLICIT,
        ),  # 我市氢能点位纳入自治区科技突围工程
        # 积极融入自治区科技“突围”工程点位任务: the city's points join the region's tasks
        # (read, not said)
        ("自治区科技突围工程", part, "科技“突围”点位", PLANNED, IMPLIED),
        ("科技“突围”工程", part, "科技“突围”点位", PLANNED, EXPLICIT),
        ("科技“突围”工程", part, "重大创新任务", PLANNED, IMPLIED),
        # 一是深入实施科技“突围”工程力争点位突破 … 实施重大科技示范项目
        # (read from the place of the sentence)
        ("科技“突围”工程", part, "重大科技示范项目", PLANNED, IMPLIED),
        (
            "企业家与科学家“握手”行动",
            part,
            "合作项目",
            DONE,
            IMPLIED,
        ),  # same sentence, not said to belong
    }
    assert len(r.rows) == 10


def test_demonstration_projects_to_be_sped_up(ordos_kg) -> None:
    r = run(ordos_kg, "demonstration-projects")
    # 加快零碳机场、深部煤层气勘探、CO2(二氧化碳)/合成气一步法制芳烃技术、合成气一步法制烯烃、
    # 硅碳负极材料、
    # 工业热储能示范项目建设: no subject, so the city builds them; only 工业热储能 names its field
    city = "鄂尔多斯市"
    assert sorted(table(r, "demo_project", "status", "implementer", "field")) == sorted(
        [
            ("零碳机场示范项目", ONGOING, city, NS),
            ("深部煤层气勘探示范项目", ONGOING, city, NS),
            ("CO2(二氧化碳)/合成气一步法制芳烃技术示范项目", ONGOING, city, NS),
            ("合成气一步法制烯烃示范项目", ONGOING, city, NS),
            ("硅碳负极材料示范项目", ONGOING, city, NS),
            ("工业热储能示范项目", ONGOING, city, "储能"),
        ]
    )
    # the letter does not tie these projects to the achievements of section 5, and the data does
    # not either
    linked = ordos_kg.query(
        "ASK { ?d a eco:ResearchProject ; eco:develops ?a . ?a a eco:TechnologyAchievement }"
    )
    assert linked.kind == "ask" and linked.boolean is False


# ------------------------------------------------------------------ aggregates


def test_entities_per_kind(ordos_kg) -> None:
    r = run(ordos_kg, "entities-per-kind")
    counts = {kind: int(n) for kind, n in table(r, "kind", "entities")}
    assert counts == {
        "指标": 27,
        "计划、工程与行动": 19,
        "文献章节": 16,
        "领域与产业": 15,
        "科研项目": 14,
        # 科技副总 and 产业教授 are two records now; 国家创新型城市/人才友好型城市 stay
        "称号与资质": 13,
        # 准格尔 is a place, not an area; 旗区 is the area of the six banners and districts
        "行政区": 9,
        "机制与制度": 9,
        "科技成果": 9,
        "计量单位": 8,
        "院士": 5,  # 金之钧、武强、李根生、欧阳明高、朴哲范
        "人才科创中心": 5,  # the centre and its four branch centres
        "创新区与示范区": 4,
        "实验室": 4,  # 鄂尔多斯实验室, 清华全国重点实验室 and its base, 自治区重点实验室
        "新型研发机构": 4,  # the four institutions of the cluster
        "政策文件": 4,
        "区域": 4,
        "高等院校": 4,  # 清华大学, 北京大学, 中国矿业大学(北京), 辽宁工程技术大学
        "政协组织": 3,  # 市政协, 市政协办公室, 市政协提案委员会
        "机构集群与网络": 3,
        "党政机关": 3,
        "中试平台与基地": 3,
        "人物": 2,
        "院士专家工作站": 1,
        "奖项": 1,
        "民主党派与政治团体": 1,
        "文献": 1,
        "企业": 1,  # 自治区科技创新标杆企业 (an aggregate record)
        "基金": 1,
        "目标": 1,  # “十四五”倍增目标
        "人员群体": 1,  # 我市科技顾问 (15 academicians engaged as advisers)
        "创新平台": 1,  # 自治区级以上研发机构 (an aggregate record)
        "会议与活动": 1,
        "地点": 1,  # 准格尔
        "提案与建议": 1,
        "科研设施": 1,
        "科研院所": 1,
    }
    assert [int(n) for n in column(r, "entities")] == sorted(
        (int(n) for n in column(r, "entities")), reverse=True
    )


def test_relations_per_status(ordos_kg) -> None:
    r = run(ordos_kg, "relations-per-status")
    assert [
        (s, en, int(n), int(e), int(i))
        for s, en, n, e, i in table(r, "status", "status_en", "relations", "explicit", "implied")
    ] == [
        (DONE, "done", 139, 72, 67),
        (ONGOING, "ongoing", 49, 46, 3),
        (PLANNED, "planned", 56, 39, 17),
    ]


def test_observations_per_section(ordos_kg) -> None:
    r = run(ordos_kg, "observations-per-section")
    # s1: 2023/2024 百强, 第33位, 第62位, 第15位, 前20名; s2: 13, 4, 273;
    # s3: 77, 279, 132, 111, 330, 701, 千家; s4: 15位, 百余次, 百余项, 超9亿元; s5: 4个, 45项, 首位;
    # s6: 10亿元, 600余个, 24.82, 2.2%, 53.2, 48.9%, 首位, 6个, 第一
    assert [(s, int(n)) for s, n in table(r, "section", "observations")] == [
        ("一、科技创新指数大幅攀升", 6),
        ("二、重大创新平台快速发展", 3),
        ("三、企业创新主体日益壮大", 7),
        ("四、科技创新人才纷至沓来", 4),
        ("五、科技成果实现多点突破", 3),
        ("六、创新生态持续优化", 9),
    ]


def test_relations_per_property(ordos_kg) -> None:
    r = run(ordos_kg, "relations-per-property")
    counts = {rel: (int(n), int(i)) for rel, n, i in table(r, "relation", "relations", "implied")}
    assert counts == {
        "实施主体": (32, 3),  # the city as the subject of sentences without one
        "建设/培育": (31, 1),
        "属于/组成部分": (26, 7),
        "聚焦领域": (23, 11),
        "位于": (21, 19),
        "作用对象": (14, 6),
        "所属区域": (9, 8),
        "成员": (8, 4),
        "链接": (7, 0),
        "分支机构": (6, 6),
        "引进/聘请单位": (6, 0),
        "获得称号/资质": (6, 0),
        "活动于": (5, 0),
        "合作": (5, 2),
        "成果取得者": (4, 4),
        "实施/落实": (4, 1),
        "申建/申报": (3, 0),
        "合作共建单位": (3, 3),
        "产品化者": (3, 3),
        "出台/推出主体": (3, 0),
        "组织形式": (3, 0),
        "下属机构": (3, 3),
        "抄送": (2, 0),
        "发文/制定机关": (2, 1),
        "收件方": (1, 0),
        "落地应用者": (1, 1),
        "实现目标": (1, 0),
        "归类为": (1, 0),
        "联系人": (1, 0),
        "获肯定/批复": (1, 0),
        "出口者": (1, 1),
        "召开/主办单位": (1, 1),
        "运营/依托单位": (1, 1),
        "印发机关": (1, 0),
        "推广地区": (1, 0),
        "答复": (1, 0),
        "签发人": (1, 0),
        "提出者": (1, 1),
        "提交会议": (1, 0),
    }
    assert sum(n for n, _ in counts.values()) == 244


def test_fields_coverage(ordos_kg) -> None:
    r = run(ordos_kg, "fields-coverage")
    assert {f: (int(n), int(e)) for f, n, e in table(r, "field", "focused_by", "explicit")} == {
        "新质生产力": (
            4,
            1,
        ),  # the proposal, two policy titles, and 科技“突围”工程 (赋能新质生产力发展)
        "储能": (
            3,
            1,
        ),  # the focal points; 工业热储能 and its demonstration project (from the name)
        "氢能": (3, 1),  # the focal points; 氢能点位 and 先进制氢系统 (from the name)
        "现代煤化工": (2, 0),
        "荒漠化防治与绿色发展": (2, 1),
        "“人工智能+”": (1, 1),
        "“四个世界级产业”": (1, 1),
        "低空经济": (1, 1),
        "新型化工": (1, 1),
        "新型能源": (1, 1),
        # 推动传统产业改造升级、新兴产业加速培育、未来产业前瞻布局 (the city as subject)
        "传统产业": (1, 1),
        "新兴产业": (1, 1),
        "未来产业": (1, 1),
        "重点产业": (1, 0),
        "高端装备": (0, 0),  # 先进制氢系统等一批高端装备: classified as, not focused on
    }


# ------------------------------------------------------------------ rankings


def test_rankings_in_2024_with_scope(ordos_kg) -> None:
    r = run(ordos_kg, "rankings-2024")
    assert table(r, "ranking", "position", "scope") == [
        ("中国地级市科技创新发展指数排名", "第33位", "中国"),
        ("中国城市新质生产力排名", "第15位", "中国"),
        ("中国城市新质生产力排名", "前20名", "中国"),
        ("全国城市创新能力百强", "前100名", "中国"),
        ("城市科技创新发展指数排名", "第62位", NS),  # the source gives no scope for this one
        ("对全区R&D投入增长的贡献率全区位次", "第1位", "内蒙古"),
    ]


def test_first_in_the_region(ordos_kg) -> None:
    r = run(ordos_kg, "first-in-region")
    assert {(rk, y, squash(q)) for rk, y, q in table(r, "ranking", "year", "quote")} == {
        ("市级“揭榜挂帅”项目立项数全区位次", NS, "立项市级“揭榜挂帅”项目45项,居全区首位"),
        (
            "对全区R&D投入增长的贡献率全区位次",
            "2024",
            "2024年,全市科技支出24.82亿元,占一般公共预算2.2%,带动全市R&D(研究与试验发展)经费投入53.2亿元,对全区R&D投入增长的贡献率达到48.9%,居全区首位",
        ),
        ("一、二类旗县总数全区位次", NS, "我市6个旗区跻身一、二类旗县,总数居全区第一"),
    }
    assert set(column(r, "scope")) == {"内蒙古"}


def test_measures_launched_first_in_the_region(ordos_kg) -> None:
    r = run(ordos_kg, "region-firsts")
    assert [(m, squash(q)) for m, q in table(r, "measure", "quote")] == [
        (
            "“三清零”行动",
            "在全区首创实施规上工业企业“三清零”（“无研发机构、无研发投入、无科研成果”清零）行动",
        ),
        ("“揭榜挂帅”", "在全区率先启动实施“揭榜挂帅”科技重大项目"),
        ("“科技新政30条”", "在自治区率先推出“科技新政30条”并迭代至2.0版"),
    ]


# ------------------------------------------------------------------ time series


def test_enterprise_growth_before_and_after(ordos_kg) -> None:
    r = run(ordos_kg, "enterprise-growth")
    rows = table(r, "indicator", "base_period", "base_value", "year", "value", "increase", "ratio")
    # 全市“三清零”企业从2021年初77家增长至279家，国家高新技术企业、科技型中小企业由132家、111家，
    # 增长到330家、701家
    assert [row[:6] for row in rows] == [
        ("“三清零”企业数量", "2021年初", "77", "2024", "279", "202"),
        ("国家高新技术企业数量", NS, "132", "2024", "330", "198"),
        ("科技型中小企业数量", NS, "111", "2024", "701", "590"),
    ]
    assert [float(row[6]) for row in rows] == [3.62, 2.5, 6.32]
    assert int(rows[1][4]) + int(rows[2][4]) > 1000  # 总数突破千家


def test_top100_listing_in_2023_and_2024(ordos_kg) -> None:
    r = run(ordos_kg, "top100-listing")
    assert table(r, "year", "listing", "position", "scope") == [
        ("2023", "全国城市创新能力百强", "前100名", "中国"),
        ("2024", "全国城市创新能力百强", "前100名", "中国"),
    ]
    assert set(column(r, "quote")) == {"2023年和2024年连续两年成功上榜全国城市创新能力百强"}


# ------------------------------------------------------------------ status

PLANNED_ITEMS = {
    # 下一步 一是
    "科技“突围”工作机制",
    "科技“突围”点位",
    "重大创新任务",
    "重大科技示范项目",
    "“先立项、后补助”",
    # 二是
    "“五大行动”",
    "世界荒漠化防治与绿色发展样板区",
    "呼包鄂国家自主创新示范区",
    "鄂尔多斯“能创谷”",
    "大科学装置",
    "全球可持续发展城市奖",  # 申建全球可持续发展城市奖: not yet won
    # 三是
    "科技招商",
    "清华全国重点实验室鄂尔多斯基地",
    "乌审旗现代煤化工创新技术中试基地",
    "鄂尔多斯实验室准格尔中试基地",
    "天使科创基金",
    # 四是
    "“高校+平台+企业+产业链”结对合作机制",
    "创新联合体",
    "重大科技攻关项目",
    # 五是
    "“先投后股”",
    "“企业出题、政府立题、科研院所答题”科研攻关机制",
    "“企业找技术、成果找市场”双向赋能",
    "“经费预算+负面清单”新型研发机构管理制度",
}


def test_planned_items(ordos_kg) -> None:
    r = run(ordos_kg, "planned-items")
    assert set(column(r, "item")) == PLANNED_ITEMS
    assert len(r.rows) == len(PLANNED_ITEMS) == 23
    kinds = dict(table(r, "item", "kind"))
    assert (
        kinds["天使科创基金"] == "基金"
        and kinds["大科学装置"] == "科研设施"
        and kinds["创新联合体"] == "机构集群与网络"
    )


def test_entities_per_status(ordos_kg) -> None:
    r = run(ordos_kg, "entities-per-status")
    # 200 entities less 16 document sections, 27 indicators and 8 units; 23 planned as listed above
    assert [(s, int(n)) for s, n in table(r, "status", "entities")] == [
        (DONE, 100),
        (ONGOING, 26),
        (PLANNED, 23),
    ]


def test_planned_relations(ordos_kg) -> None:
    r = run(ordos_kg, "planned-relations")
    develops, located, focuses, part, branch = (
        "建设/培育",
        "位于",
        "聚焦领域",
        "属于/组成部分",
        "分支机构",
    )
    by, targets, city = "实施主体", "作用对象", "鄂尔多斯市"
    fields = ["“四个世界级产业”", "氢能", "储能", "新型化工", "新型能源", "低空经济", "“人工智能+”"]
    expected = {
        # 一是: 积极融入自治区科技“突围”工程点位任务,形成区市联动、上下协同的科技“突围”工作机制 …
        (city, "实施/落实", "自治区科技突围工程"),
        ("科技“突围”工作机制", part, "科技“突围”工程"),
        ("科技“突围”工作机制", by, city),
        ("科技“突围”工作机制", by, "内蒙古"),  # 区市联动: the region and the city together (read)
        ("科技“突围”工程", focuses, "新质生产力"),  # 赋能新质生产力发展 / 发展新质生产力
        ("科技“突围”点位", part, "科技“突围”工程"),
        ("科技“突围”点位", part, "自治区科技突围工程"),
        *{("科技“突围”点位", focuses, f) for f in fields},
        ("重大创新任务", part, "科技“突围”工程"),
        ("重大科技示范项目", "组织形式", "“揭榜挂帅”"),
        ("重大科技示范项目", "组织形式", "“先立项、后补助”"),
        ("重大科技示范项目", part, "科技“突围”工程"),
        ("重大科技示范项目", by, city),
        ("“先立项、后补助”", by, city),
        # 开篇/下一步: 推动传统产业改造升级、新兴产业加速培育、未来产业前瞻布局
        *{(city, focuses, f) for f in ("传统产业", "新兴产业", "未来产业")},
        # 二是
        ("“五大行动”", by, city),  # 聚焦实施“五大行动”
        ("“五大行动”", develops, "国家可持续发展议程创新示范区"),
        ("“五大行动”", targets, "世界荒漠化防治与绿色发展样板区"),
        ("世界荒漠化防治与绿色发展样板区", focuses, "荒漠化防治与绿色发展"),  # 打造…样板区
        (city, "申建/申报", "全球可持续发展城市奖"),
        (city, "申建/申报", "呼包鄂国家自主创新示范区"),  # 推动…获批: the zone awaits approval
        ("呼包鄂国家自主创新示范区", "所属区域", "呼包鄂"),
        ("鄂尔多斯“能创谷”", "所属区域", city),
        # 三是
        ("科技招商", by, city),
        ("清华全国重点实验室鄂尔多斯基地", located, city),
        ("清华全国重点实验室鄂尔多斯基地", branch, "清华全国重点实验室"),
        ("乌审旗现代煤化工创新技术中试基地", located, "乌审旗"),
        ("乌审旗现代煤化工创新技术中试基地", focuses, "现代煤化工"),
        ("鄂尔多斯实验室准格尔中试基地", located, "准格尔"),
        ("鄂尔多斯实验室准格尔中试基地", branch, "鄂尔多斯实验室"),
        # 四是: 支持企业牵头建设创新联合体,承担实施重大科技攻关项目
        ("“高校+平台+企业+产业链”结对合作机制", by, city),
        ("重大科技攻关项目", by, "创新联合体"),
        # 五是
        ("“先投后股”", by, city),
        ("“企业出题、政府立题、科研院所答题”科研攻关机制", by, city),
        ("“企业找技术、成果找市场”双向赋能", by, city),
        ("“经费预算+负面清单”新型研发机构管理制度", by, city),
        ("“经费预算+负面清单”新型研发机构管理制度", targets, "新型研发机构集群"),
        ("研发投入攻坚行动", targets, "R&D经费投入"),
        ("研发投入攻坚行动", targets, "科技支出"),
        *{
            (city, develops, o)
            for o in (
                "科技“突围”点位",
                "重大创新任务",
                "世界荒漠化防治与绿色发展样板区",
                "鄂尔多斯“能创谷”",
                "清华全国重点实验室鄂尔多斯基地",
                "乌审旗现代煤化工创新技术中试基地",
                "鄂尔多斯实验室准格尔中试基地",
                "天使科创基金",
                "创新联合体",
            )
        },
    }
    assert set(table(r, "subject", "relation", "object")) == expected
    assert len(expected) == 56
    # one row per quote: two relations cite two sentences each
    assert len(r.rows) == 58
    quotes = {
        (s, o): squash(q) for s, _, o, q in table(r, "subject", "relation", "object", "quote")
    }
    assert quotes[(city, "呼包鄂国家自主创新示范区")] == "推动呼包鄂国家自主创新示范区获批"


def test_innovation_zones_status(ordos_kg) -> None:
    r = run(ordos_kg, "innovation-zones-status")
    assert sorted(table(r, "zone", "zone_status", "city_relation", "relation_status")) == sorted(
        [
            ("国家可持续发展议程创新示范区", DONE, "建设/培育", ONGOING),  # exists; 推动…建设
            (
                "呼包鄂国家自主创新示范区",
                PLANNED,
                "申建/申报",
                PLANNED,
            ),  # 推动…获批: not yet approved
            ("鄂尔多斯“能创谷”", PLANNED, "建设/培育", PLANNED),
            ("世界荒漠化防治与绿色发展样板区", PLANNED, "建设/培育", PLANNED),
        ]
    )


# ------------------------------------------------------------------ provenance


def test_why_the_beijing_centre_is_a_branch(ordos_kg) -> None:
    r = run(ordos_kg, "why-beijing-branch")
    assert table(r, "branch", "relation", "centre", "section", "quote", "basis", "status") == [
        (
            "北京人才科创分中心",
            "分支机构",
            "鄂尔多斯人才科创中心",
            "四、科技创新人才纷至沓来",
            "先后建成鄂尔多斯人才科创中心和北京、深圳、上海、雄安等人才科创分中心",
            # 分中心 (sub-centre) names the tie; the sentence lists the centres side by side
            IMPLIED,
            DONE,
        )
    ]


def test_relation_provenance(ordos_kg) -> None:
    r = run(ordos_kg, "relation-provenance")
    rows = table(r, "subject", "relation", "object", "basis", "status", "section", "quote")
    # 244 relations; twelve cite two sentences (the letter's issuer, the proposal it answers, the
    # proposal's submitter, and nine the letter states in two places, e.g. the city carrying out
    # 科技“突围”工程)
    assert len(rows) == 256
    assert len({row[:3] for row in rows}) == 244
    assert (
        "深圳人才科创分中心",
        "分支机构",
        "鄂尔多斯人才科创中心",
        IMPLIED,
        DONE,
        "四、科技创新人才纷至沓来",
        "先后建成鄂尔多斯人才科创中心和北京、深圳、上海、雄安等人才科创分中心",
    ) in rows
    issuer = {
        (sec, squash(q))
        for s, rel, o, b, st, sec, q in rows
        if rel == "发文/制定机关" and s.endswith("答复函")
    }
    assert issuer == {
        ("文头", "鄂尔多斯市人民政府关于市政协五届四次会议第0355号提案的答复函"),
        ("落款", "鄂尔多斯市人民政府2025年8月7日"),
    }
    endorsed = [row for row in rows if row[1] == "获肯定/批复"]
    assert endorsed == [
        (
            "“三清零”行动",
            "获肯定/批复",
            "自治区党委和政府",
            EXPLICIT,
            DONE,
            "三、企业创新主体日益壮大",
            "获自治区党委和政府主要领导肯定与批复",
        )
    ]


def test_source_sentence_of_every_figure_in_section_6(ordos_kg) -> None:
    r = run(ordos_kg, "section-6-figures")
    assert set(table(r, "indicator", "value", "unit", "qualifier", "year")) == {
        ("累计兑付奖励资金", "10", "亿元", "达", NS),
        ("惠及各类创新主体数量", "600", "个", "余", NS),
        ("科技支出", "24.82", "亿元", None, "2024"),
        ("科技支出占一般公共预算比重", "2.2", "%", None, "2024"),
        ("R&D经费投入", "53.2", "亿元", None, "2024"),
        ("对全区R&D投入增长的贡献率", "48.9", "%", "达", "2024"),
        ("对全区R&D投入增长的贡献率全区位次", "1", "位次", None, "2024"),
        ("跻身一、二类旗县的旗区数量", "6", "个", None, NS),
        ("一、二类旗县总数全区位次", "1", "位次", None, NS),
    }
    assert len(r.rows) == 9
    quotes = {i: squash(q) for i, q in table(r, "indicator", "quote")}
    assert quotes["科技支出"] == "2024年,全市科技支出24.82亿元"
    # the whole sentence, with the policy the figure is about
    assert (
        quotes["惠及各类创新主体数量"]
        == "在自治区率先推出“科技新政30条”并迭代至2.0版,累计兑付奖励资金达10亿元,"
        "惠及各类创新主体600余个"
    )
    section_6 = SQUASHED_SOURCE[
        SQUASHED_SOURCE.index("六、创新生态持续优化") : SQUASHED_SOURCE.index("下一步")
    ]
    assert all(q in section_6 for q in quotes.values())


def test_relations_resting_only_on_implied_basis(ordos_kg) -> None:
    r = run(ordos_kg, "implied-relations")
    rows = set(table(r, "subject", "relation", "object"))
    assert len(r.rows) == len(rows) == 87  # one row per relation: 67 done, 3 ongoing, 17 planned
    for implied in [
        (
            "深入实施科技“突围”工程加快培育新质生产力的若干政策实施细则",
            "发文/制定机关",
            "鄂尔多斯市人民政府",
        ),  # from 鄂府发
        ("北京大学鄂尔多斯能源研究院", "合作共建单位", "北京大学"),
        ("中国矿业大学(北京)内蒙古研究院", "合作共建单位", "中国矿业大学(北京)"),
        ("辽宁工程技术大学鄂尔多斯研究院", "合作共建单位", "辽宁工程技术大学"),
        ("关于以科技创新赋能我市新质生产力发展的提案", "提出者", "九三学社"),
        ("北京人才科创分中心", "成员", "人才科创飞地矩阵"),
        (
            "北京人才科创分中心",
            "分支机构",
            "鄂尔多斯人才科创中心",
        ),  # 分中心, not said to be its branch
        (
            "PVC(聚氯乙烯)无汞化技术",
            "成果取得者",
            "鄂尔多斯市",
        ),  # section 5 reports the city's achievements
        ("市政协五届四次会议", "召开/主办单位", "市政协"),  # from the session's name
        ("北京人才科创分中心", "位于", "北京"),
        ("鄂尔多斯市", "所属区域", "内蒙古"),
        ("合作项目", "属于/组成部分", "企业家与科学家“握手”行动"),
    ]:
        assert implied in rows, implied
    for explicit in [
        ("鄂尔多斯实验室", "成员", "新型研发机构集群"),
        ("金之钧", "活动于", "鄂尔多斯市"),
        (
            "鄂尔多斯市人民政府关于市政协五届四次会议第0355号提案的答复函",
            "发文/制定机关",
            "鄂尔多斯市人民政府",
        ),
    ]:
        assert explicit not in rows, explicit
    sentences = {(s, o): int(n) for s, o, n in table(r, "subject", "object", "sentences")}
    assert sentences[("关于以科技创新赋能我市新质生产力发展的提案", "九三学社")] == 2


# ------------------------------------------------------------------ "not stated"


def test_document_issuers_say_when_the_source_is_silent(ordos_kg) -> None:
    r = run(ordos_kg, "document-issuers")
    issuers = {
        d: (n, i, b) for d, n, i, b in table(r, "document", "doc_number", "issuer", "issuer_basis")
    }
    assert issuers == {
        "鄂尔多斯市人民政府关于市政协五届四次会议第0355号提案的答复函": (
            "鄂建提复字[2025]185号",
            "鄂尔多斯市人民政府",
            EXPLICIT,
        ),
        # only the prefix 鄂党办发 hints at a body, which the source never names
        "关于加快培育新质生产力以科技创新引领高质量发展的实施意见": (
            "鄂党办发〔2025〕6号",
            NS,
            "—",
        ),
        "深入实施科技“突围”工程加快培育新质生产力的若干政策实施细则": (
            "鄂府发〔2024〕56号",
            "鄂尔多斯市人民政府",
            IMPLIED,
        ),
        "鄂尔多斯市合作共建科研机构管理办法": (NS, NS, "—"),
        "“科技新政30条”": (NS, NS, "—"),
    }
    note = dict(table(r, "doc_number", "editor_note"))["鄂党办发〔2025〕6号"]
    assert "鄂党办发" in note


def test_academician_affiliations_are_not_stated(ordos_kg) -> None:
    r = run(ordos_kg, "academician-affiliations")
    assert table(r, "academician", "institution") == [
        ("金之钧", NS),
        ("李根生", NS),
        ("欧阳明高", NS),
        ("朴哲范", NS),
        ("武强", NS),
    ]


def test_base_year_of_the_enterprise_counts(ordos_kg) -> None:
    r = run(ordos_kg, "base-year-of-enterprise-counts")
    assert table(r, "indicator", "base_value", "base_year") == [
        ("“三清零”企业数量", "77", "2021"),  # 2021年初
        ("国家高新技术企业数量", "132", NS),  # 由132家…: no base year
        ("科技型中小企业数量", "111", NS),
    ]
    assert column(r, "period_note")[0] == "2021年初"
    assert {squash(q) for q in column(r, "quote")[1:]} == {
        "国家高新技术企业、科技型中小企业由132家、111家，增长到330家、701家"
    }


def test_figures_without_a_year(ordos_kg) -> None:
    r = run(ordos_kg, "figures-without-year")
    assert set(column(r, "year")) == {NS}
    assert set(table(r, "indicator", "value", "unit", "qualifier")) == {
        # section 2
        ("院士专家工作站数量", "13", "家", None),
        ("自治区重点实验室数量", "4", "家", None),
        ("自治区级以上研发机构数量", "273", "家", None),
        # section 3: the starting figures of 由132家、111家
        ("国家高新技术企业数量", "132", "家", None),
        ("科技型中小企业数量", "111", "家", None),
        # section 4
        ("聘为科技顾问的两院院士人数", "15", "位", None),
        ("企业家与科学家“握手”行动开展次数", "100", "次", "余"),
        ("合作项目数量", "100", "项", "余"),
        ("项目投入总金额", "9", "亿元", "超"),
        # section 5
        ("国家重点研发计划项目数量", "4", "个", None),
        ("市级“揭榜挂帅”项目立项数", "45", "项", None),
        ("市级“揭榜挂帅”项目立项数全区位次", "1", "位次", None),
        # section 6
        ("累计兑付奖励资金", "10", "亿元", "达"),
        ("惠及各类创新主体数量", "600", "个", "余"),
        ("跻身一、二类旗县的旗区数量", "6", "个", None),
        ("一、二类旗县总数全区位次", "1", "位次", None),
    }
    assert len(r.rows) == 16
    sections = column(r, "section")
    assert sections[0] == "二、重大创新平台快速发展" and sections[-1] == "六、创新生态持续优化"
