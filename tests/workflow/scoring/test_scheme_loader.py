"""Loading and validating schemes: shipped files load and total up; broken ones name the file and the item."""

from decimal import Decimal

import pytest

from config.schemes import available_schemes, load_scheme, parse_scheme_text, scheme_to_toml
from workflow.scoring.scheme import SchemeError, parse_scheme

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
    assert sorted(r[0] for r in rows) == sorted(SHIPPED)


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
    with pytest.raises(SchemeError, match="no scheme 'nope'.*sta-2017"):
        load_scheme("nope")


@pytest.mark.parametrize("scheme_id", SHIPPED)
def test_scheme_to_toml_round_trips(scheme_id):
    scheme = load_scheme(scheme_id)
    assert parse_scheme_text(scheme_to_toml(scheme), f"{scheme_id}.toml") == scheme


def test_invalid_toml_names_the_file():
    with pytest.raises(SchemeError, match="^upload.toml: invalid TOML"):
        parse_scheme_text("id = ", "upload.toml")


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
    ("breaker", "message"),
    [
        (break_deductions_exceed_max, "sta-2017.toml: item STA-3.1.3: max 3 but deductions can reach 5"),
        (break_section_total, "sta-2017.toml: section STA-3.1: items add up to 49 but max is 50"),
        (break_unknown_field, "sta-2017.toml: item STA-3.1.6: unknown field(s) 'maxx'"),
        (break_unknown_rule, "sta-2017.toml: item STA-3.1.6: unknown rule 'formula'"),
        (break_award_range, "sta-2017.toml: item STA-3.2.1: award needs 0 ≤ min ≤ max, got 4–3"),
        (break_duplicate_id, "sta-2017.toml: item STA-3.2.1: duplicate id"),
        (break_missing_name, "sta-2017.toml: item STA-3.1.7: missing field 'name'"),
        (break_shortfall_without_floor, "sta-2017.toml: item STA-3.1.2: shortfall deductions are unbounded"),
        (break_parts_total, "sta-2017.toml: item STA-3.1.1: parts add up to 9 but max is 10"),
        (break_unbounded_each, "sta-2017.toml: item STA-3.1.3: deduction(s) x have no max_count"),
        (break_scheme_total, "sta-2017.toml: sections add up to 110 but scheme max is 100"),
        (break_pass_line_level, "sta-2017.toml: pass_lines: unknown level 'first'"),
        (break_max_text, "sta-2017.toml: item STA-3.1.5: field 'max' must be a number"),
        (break_field_of_other_rule, "sta-2017.toml: item STA-3.1.5: field(s) discretionary do not apply"),
    ],
)
def test_broken_schemes_name_the_file_and_the_item(raw_scheme, breaker, message):
    data = raw_scheme("sta-2017")
    breaker(data)
    with pytest.raises(SchemeError) as excinfo:
        parse_scheme(data, "sta-2017.toml")
    assert str(excinfo.value).startswith(message)


def test_level_only_items_must_balance_for_every_level(raw_scheme):
    data = raw_scheme("hubei-archive-sample")
    data["sections"][4]["items"][2]["max"] = 8  # the 省二级 alternative
    data["sections"][4]["items"][0]["max"] = 12
    with pytest.raises(SchemeError, match="section HBS-5: items add up to 22 but max is 20 for level first"):
        parse_scheme(data, "hubei-archive-sample.toml")


def test_bonus_group_items_must_be_claims_items(raw_scheme):
    data = raw_scheme("org-2014-streets")
    data["bonus"]["groups"][0]["items"].append("ORG-T1")
    with pytest.raises(SchemeError, match="bonus group ORG-6.3: 'ORG-T1' is not a claims item"):
        parse_scheme(data, "org-2014-streets.toml")
