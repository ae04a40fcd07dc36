"""Loading and validating schemes: shipped files load and total up; broken ones name the file and the item."""

from decimal import Decimal

import pytest

from config.schemes import available_schemes, load_scheme, parse_scheme_text, scheme_to_toml
from workflow.scoring.errors import SchemeError
from workflow.scoring.scheme import parse_scheme

D = Decimal
SHIPPED = ("sta-2017", "lrn", "org-2014-streets", "hubei-archive-sample")


@pytest.mark.parametrize("scheme_id", SHIPPED)
def test_every_shipped_scheme_loads_and_its_sections_add_up(scheme_id):
    scheme = load_scheme(scheme_id)
    contexts = scheme.levels or (None,)
    for level in contexts:
        assert scheme.max_for(level) == scheme.max
    for section in scheme.sections:
        for item in section.items:
            assert item.criterion, f"{item.id} has no criterion text"


def test_shipped_maxima_match_the_sources():
    """STA-3.0 110; LRN-3.5 100; ORG visible 33; Hubei sample 100."""
    assert {s: load_scheme(s).max for s in SHIPPED} == {
        "sta-2017": 110,
        "lrn": 100,
        "org-2014-streets": 33,
        "hubei-archive-sample": 100,
    }


def test_available_schemes_lists_id_version_and_name():
    rows = available_schemes()
    assert ("sta-2017", "2017.1", "2017年统计基层基础工作考评评分表") in rows
    # saf-2009 is a frame (SAF-2.1: the areas only, no points): it loads but is not scored here
    assert sorted(r[0] for r in rows) == sorted((*SHIPPED, "saf-2009"))


def test_load_scheme_by_path_by_id_and_by_id_at_version(tmp_path):
    by_id = load_scheme("sta-2017")
    assert load_scheme("sta-2017@2017.1") == by_id
    copy = tmp_path / "mine.toml"
    copy.write_text(scheme_to_toml(by_id), encoding="utf-8")
    assert load_scheme(copy) == by_id
    assert load_scheme(str(copy)) == by_id


def test_a_running_case_keeps_its_version_when_a_newer_one_is_shipped(tmp_path):
    """ARCHITECTURE: a case finishes on the scheme version it started with."""
    old = load_scheme("lrn")
    (tmp_path / "lrn-1.toml").write_text(scheme_to_toml(old), encoding="utf-8")
    newer = scheme_to_toml(old).replace('version = "1"', 'version = "2"')
    (tmp_path / "lrn-2.toml").write_text(newer, encoding="utf-8")
    assert load_scheme("lrn", directory=tmp_path).version == "2"
    assert load_scheme("lrn@1", directory=tmp_path) == old


def test_unknown_scheme_id_lists_the_available_ones():
    with pytest.raises(SchemeError) as excinfo:
        load_scheme("nope")
    assert excinfo.value.code == "scheme.not_found"
    assert "sta-2017" in excinfo.value.params["available"]
    assert str(excinfo.value).startswith("没有编号为「nope」的评分表（现有：")


@pytest.mark.parametrize("scheme_id", SHIPPED)
def test_scheme_to_toml_round_trips(scheme_id):
    scheme = load_scheme(scheme_id)
    assert parse_scheme_text(scheme_to_toml(scheme), f"{scheme_id}.toml") == scheme


def test_invalid_toml_names_the_file():
    with pytest.raises(SchemeError) as excinfo:
        parse_scheme_text("id = ", "upload.toml")
    assert str(excinfo.value) == "upload.toml：文件格式有误（第1行第6列附近），请检查引号、括号和等号"


def sta_items(data):
    return {i["id"]: i for s in data["sections"] for i in s["items"]}


def break_deductions_exceed_max(data):
    item = sta_items(data)["STA-3.1.3"]
    item.update(rule="deduction", deductions=[{"defect": "x", "text": "缺", "points": 1, "max_count": 5}])
    del item["conditions"]


def break_section_total(data):
    sta_items(data)["STA-3.1.4"]["max"] = 6


def break_unknown_field(data):
    sta_items(data)["STA-3.1.6"]["maxx"] = 5


def break_unknown_rule(data):
    sta_items(data)["STA-3.1.6"]["rule"] = "formula"


def break_award_range(data):
    sta_items(data)["STA-3.2.1"]["min"] = 4


def break_duplicate_id(data):
    sta_items(data)["STA-3.2.2"]["id"] = "STA-3.2.1"


def break_missing_name(data):
    del sta_items(data)["STA-3.1.7"]["name"]


def break_shortfall_without_floor(data):
    sta_items(data)["STA-3.1.2"]["floor"] = False


def break_parts_total(data):
    sta_items(data)["STA-3.1.1"]["parts"][1]["max"] = 6


def break_unbounded_each(data):
    item = sta_items(data)["STA-3.1.3"]
    item.update(rule="deduction", deductions=[{"defect": "x", "text": "缺", "points": 1}])
    del item["conditions"]


def break_scheme_total(data):
    data["max"] = 100


def break_pass_line_level(data):
    data["pass_lines"] = {"first": 90}


def break_max_text(data):
    sta_items(data)["STA-3.1.5"]["max"] = "十"


def break_field_of_other_rule(data):
    sta_items(data)["STA-3.1.5"]["discretionary"] = 2


@pytest.mark.parametrize(
    ("breaker", "code", "item", "message"),
    [
        (break_deductions_exceed_max, "scheme.deduction_reach", "STA-3.1.3",
         "sta-2017.toml：考核项目「一、3 省级以上开发区统计规范化管理指导验收」："
         "本项3分，但扣分合计可达5分：请注明扣完为止，或降低扣分标准"),
        (break_section_total, "scheme.section_sum", None,
         "sta-2017.toml：部分「一、重点目标考评」：各项分数合计49分，与本部分分数50分不符"),
        (break_unknown_field, "scheme.unknown_fields", "STA-3.1.6", "有不认识的设置项：「maxx」（多为拼写错误）"),
        (break_unknown_rule, "scheme.unknown_rule", "STA-3.1.6", "评分方式「formula」不存在"),
        (break_award_range, "scheme.award_range", "STA-3.2.1", "评定给分须满足0 ≤ 最低分 ≤ 满分（现为4—3分）"),
        (break_duplicate_id, "scheme.duplicate_item", "STA-3.2.1", "考核项目编号重复"),
        (break_missing_name, "scheme.field_missing", "STA-3.1.7", "缺少名称"),
        (break_shortfall_without_floor, "scheme.shortfall_needs_floor", "STA-3.1.2", "按差额扣分没有上限"),
        (break_parts_total, "scheme.parts_sum", "STA-3.1.1", "子项合计9分，与本项分数10分不符"),
        (break_unbounded_each, "scheme.deduction_no_max_count", "STA-3.1.3", "扣分标准「缺」没有最多次数"),
        (break_scheme_total, "scheme.scheme_sum", None, "sta-2017.toml：各部分合计110分，与总分100分不符"),
        (break_pass_line_level, "scheme.pass_line_unknown_level", None, "达标分数线所指的级别「first」"),
        (break_max_text, "number.not_number", "STA-3.1.5", "分数应为数字，填写的是「十」"),
        (break_field_of_other_rule, "scheme.fields_not_for_rule", "STA-3.1.5",
         "酌情扣分上限不适用于评分方式“达到标准得满分”"),
    ],
)  # fmt: skip
def test_broken_schemes_name_the_file_and_the_item_as_the_table_shows_it(
    raw_scheme, breaker, code, item, message
):
    data = raw_scheme("sta-2017")
    breaker(data)
    with pytest.raises(SchemeError) as excinfo:
        parse_scheme(data, "sta-2017.toml")
    error = excinfo.value
    assert (error.code, error.item) == (code, item)
    assert str(error).startswith("sta-2017.toml：")
    assert message in str(error)
    if item is not None:
        assert f"考核项目「{error.label}」：" in str(error)


def test_level_only_items_must_balance_for_every_level(raw_scheme):
    data = raw_scheme("hubei-archive-sample")
    data["sections"][4]["items"][2]["max"] = 8  # the 省二级 alternative
    data["sections"][4]["items"][0]["max"] = 12
    with pytest.raises(SchemeError, match="各项分数合计22分，与本部分分数20分不符（省一级）"):
        parse_scheme(data, "hubei-archive-sample.toml")


def test_bonus_group_items_must_be_claims_items(raw_scheme):
    data = raw_scheme("org-2014-streets")
    data["bonus"]["groups"][0]["items"].append("ORG-T1")
    with pytest.raises(SchemeError, match="同一内容组中的「一、1 “三委”干部等教育培训」不是按事项加分的项目"):
        parse_scheme(data, "org-2014-streets.toml")


@pytest.mark.parametrize("value", [True, False])
def test_a_yes_or_no_where_points_belong_is_refused_as_not_a_number(raw_scheme, value):
    """A TOML boolean is not 1 or 0 points; the admin reads 「分数应为数字」, not a complaint about a list."""
    data = raw_scheme("sta-2017")
    data["sections"][0]["items"][0]["max"] = value
    with pytest.raises(SchemeError) as excinfo:
        parse_scheme(data, "sta-2017.toml")
    assert excinfo.value.code == "number.not_number"
    assert "分数应为数字" in str(excinfo.value)


def test_a_directory_is_read_once_until_one_of_its_files_changes(tmp_path, monkeypatch):
    """A page offering the schemes asks for them several times: the files are read and parsed once, and again
    when one is added or changed (a new version shipped, GAP: a running case keeps its own)."""
    import config.schemes as schemes

    old = load_scheme("lrn")
    (tmp_path / "lrn-1.toml").write_text(scheme_to_toml(old), encoding="utf-8")
    read = []
    real = schemes._read_bytes
    monkeypatch.setattr(
        schemes, "_read_bytes", lambda content, path: read.append(path.name) or real(content, path)
    )
    for _ in range(3):
        assert load_scheme("lrn", directory=tmp_path) == old
        assert available_schemes(tmp_path) == [("lrn", old.version, old.name)]
    assert read == ["lrn-1.toml"]
    newer = scheme_to_toml(old).replace(f'version = "{old.version}"', 'version = "2"')
    (tmp_path / "lrn-2.toml").write_text(newer, encoding="utf-8")
    assert load_scheme("lrn", directory=tmp_path).version == "2"
    assert sorted(read) == ["lrn-1.toml", "lrn-1.toml", "lrn-2.toml"]
    (tmp_path / "lrn-2.toml").write_text(newer.replace('version = "2"', 'version = "3"'), encoding="utf-8")
    assert load_scheme("lrn", directory=tmp_path).version == "3"
