"""The one place where the scoring engine's refusals become Chinese text.

Every refusal is a `ScoringError` (errors.py) with a stable `code` and `params`; `render` turns them into the
message a person reads. Items are named as the table shows them (「二、1 档案库房」), fields by their Chinese
names, rule kinds by what they do — never by internal ids or TOML keys, which stay in the API's params.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from workflow.scoring.numbers import fmt_points

#: Field names (scheme TOML keys and sheet JSON keys) as a person knows them.
FIELD_NAMES: dict[str, str] = {
    # scheme
    "id": "编号",
    "version": "版本号",
    "name": "名称",
    "max": "分数",
    "rule": "评分方式",
    "criterion": "评分细则",
    "no": "序号",
    "note": "说明",
    "levels": "适用级别",
    "bonus": "加分项标记",
    "floor": "扣完为止",
    "deductions": "扣分标准",
    "discretionary": "酌情扣分上限",
    "conditions": "达标条件",
    "shortfalls": "差额扣分标准",
    "ratio": "完成率计分标准",
    "excess": "超额加分标准",
    "min": "最低分",
    "zero_allowed": "允许评0分",
    "reason_required": "低于满分须填原因",
    "points": "每项分值",
    "measures": "测量值",
    "measures_from": "测量值来源项目",
    "zero_when": "不得分情形",
    "veto_when": "否决情形",
    "veto": "同时否决",
    "checks": "检查要求",
    "parts": "子项",
    "flag": "情形编号",
    "text": "文字说明",
    "enabled": "是否启用",
    "defect": "扣分情形编号",
    "per": "计扣方式",
    "unit": "单位",
    "max_count": "最多次数",
    "measure": "测量值编号",
    "at_least": "最低值",
    "threshold": "标准值",
    "threshold_measure": "标准值来源",
    "whole_units": "按整单位计",
    "of": "基数",
    "zero_below": "不得分下限",
    "full_at": "满分线",
    "at_least_measure": "最低值来源",
    "times": "倍数",
    "source_note": "来源说明",
    "sample": "示例表标记",
    "partial": "部分编码标记",
    "frame": "框架标记",
    "precision": "计分精度",
    "level_names": "级别名称",
    "pass_lines": "各级别达标分数线",
    "pass_line": "达标分数线",
    "section_min_ratio": "各部分最低得分率",
    "veto_grade": "否决时的等次",
    "grade_bands": "等次分数段",
    "rank_quotas": "名次配额",
    "rank_rest_grade": "其余单位等次",
    "sections": "部分",
    "items": "考核项目",
    "cap": "加分上限",
    "cap_items": "受上限约束的加分项目",
    "rule_id": "依据条款",
    "groups": "同一内容组",
    "grade": "等次",
    "min_points": "本部分最低得分",
    # sheet
    "scheme": "评分表",
    "level": "级别",
    "defects": "扣分情形",
    "deduction": "酌情扣分",
    "awarded": "评分",
    "reason": "扣分原因",
    "flags": "情形",
    "claims": "加分事项",
    "content": "事项内容",
}

RULE_NAMES: dict[str, str] = {
    "deduction": "扣分制",
    "condition": "达到要求得满分",
    "threshold": "达到标准得满分",
    "shortfall": "按差额扣分",
    "ratio_band": "按完成率计分",
    "excess": "超额加分",
    "award": "评定给分",
    "claims": "按事项加分",
    "veto": "否决项",
    "composite": "由子项合计",
}

#: Where inside an item or a scheme a problem sits: (kind, n) → 「第n条扣分标准」.
WITHIN: dict[str, str] = {
    "deductions": "第{n}条扣分标准",
    "conditions": "第{n}条达标条件",
    "shortfalls": "第{n}条差额扣分标准",
    "zero_when": "第{n}个不得分情形",
    "veto_when": "第{n}个否决情形",
    "checks": "第{n}条检查要求",
    "parts": "第{n}个子项",
    "ratio": "完成率计分标准",
    "excess": "超额加分标准",
    "bonus": "加分设置",
    "groups": "第{n}个同一内容组",
    "grade_bands": "第{n}个等次分数段",
    "rank_quotas": "第{n}个名次配额",
    "sections": "第{n}部分",
    "items": "第{n}个考核项目",
    "claims": "第{n}个加分事项",
    "pass_lines": "达标分数线",
    "section_min_ratio": "各部分最低得分率",
    "min_points": "本部分最低得分",
}

MESSAGES: dict[str, str] = {
    # numbers (a scheme file or a sheet)
    "number.not_number": "{what}应为数字，填写的是「{value}」",
    "number.not_finite": "{what}应为有限的数字，填写的是「{value}」",
    "number.exponent": "{what}请直接写出数字（如1000），不要用科学计数法「{value}」",
    "number.too_precise": "{what}「{value}」的小数位过多，最多{decimals}位小数",
    "number.too_large": "{what}「{value}」超出合理范围",
    # reading a scheme file
    "scheme.unreadable": "无法读取该文件",
    "scheme.not_utf8": "文件不是UTF-8编码的文本（可能是其他编码或二进制文件），请另存为UTF-8编码后重试",
    "scheme.invalid_syntax": "文件格式有误（第{line}行第{column}列附近），请检查引号、括号和等号",
    "scheme.not_found": "没有编号为「{wanted}」的评分表（现有：{available}）",
    "scheme.version_mismatch": "文件中的版本号是「{found}」，不是所要求的「{wanted}」",
    # scheme structure
    "scheme.not_table": "{what}应为一组设置（表）",
    "scheme.field_missing": "缺少{field}",
    "scheme.field_not_text": "{field}应为文字",
    "scheme.field_not_bool": "{field}应为开关值（是或否）",
    "scheme.field_not_count": "{field}应为不小于0的整数",
    "scheme.field_not_list": "{field}应为列表",
    "scheme.field_not_text_list": "{field}应为文字列表",
    "scheme.unknown_fields": "有不认识的设置项：{names}（多为拼写错误）",
    "scheme.levels_not_unique": "级别有重复",
    "scheme.no_sections": "表中没有考核项目",
    "scheme.sections_and_items": "考核项目要么全部分在各部分下，要么全部不分部分，不能混用",
    "scheme.duplicate_section": "部分编号重复",
    "scheme.section_no_items": "部分下没有考核项目",
    "scheme.frame_items": "框架评分表的部分只列名称，不能有考核项目和分值",
    "sheet.frame_scheme": "《{name}》只有考评内容框架，原文未附评分细则，不能计分：请考评办导入本单位的评分表（电子表格文件）",
    "scheme.unknown_level": "级别「{level}」不在本表的级别中（本表级别：{levels}）",
    "scheme.duplicate_item": "考核项目编号重复",
    "scheme.unknown_rule": "评分方式{rule}不存在（可用：{rules}）",
    "scheme.per_invalid": "计扣方式只能是“每项”或“一次”",
    "scheme.nested_parts": "子项下不能再有子项",
    "scheme.max_negative": "分数不能为负数（填写的是{max}）",
    "scheme.flags_not_unique": "同一类情形中有重复的情形编号",
    "scheme.defects_not_unique": "扣分情形编号有重复",
    "scheme.fields_not_for_rule": "{fields}不适用于评分方式“{rule}”",
    "scheme.bonus_kind": "加分项只能用以下评分方式：{rules}（现为“{rule}”）",
    "scheme.bonus_required": "评分方式“{rule}”只用于加分项，请标为加分项",
    "scheme.deduction_needs_rules": "扣分制的项目须有扣分标准或酌情扣分上限",
    "scheme.discretionary_range": "酌情扣分上限{discretionary}分应在0到本项分数{max}分之间",
    "scheme.deduction_no_max_count": "扣分标准「{defects}」没有最多次数：请注明扣完为止，或规定最多次数",
    "scheme.deduction_reach": "本项{max}分，但扣分合计可达{reach}分：请注明扣完为止，或降低扣分标准",
    "scheme.deduction_points_positive": "扣分标准「{defect}」的分值应大于0",
    "scheme.condition_needs_zero_when": "“达到要求得满分”的项目须写明不得分情形",
    "scheme.threshold_needs_conditions": "“达到标准得满分”的项目须写明达标条件",
    "scheme.shortfall_needs": "“按差额扣分”的项目须写明差额扣分标准",
    "scheme.shortfall_needs_floor": "按差额扣分没有上限，须注明扣完为止",
    "scheme.shortfall_threshold": "差额扣分须有标准值或标准值来源（二者选一）",
    "scheme.shortfall_points_positive": "差额扣分的分值和计扣单位应大于0",
    "scheme.ratio_needs": "“按完成率计分”的项目须写明完成率计分标准",
    "scheme.ratio_order": "完成率计分须满足0 ≤ 不得分下限 ≤ 满分线",
    "scheme.excess_needs": "“超额加分”的项目须写明超额加分标准",
    "scheme.excess_threshold": "超额加分须有标准值或标准值来源（二者选一）",
    "scheme.excess_points_positive": "超额加分的分值和计加单位应大于0",
    "scheme.award_range": "评定给分须满足0 ≤ 最低分 ≤ 满分（现为{min}—{max}分）",
    "scheme.claims_points": "按事项加分须写明每项分值（大于0）",
    "scheme.veto_needs_conditions": "否决项须写明否决情形",
    "scheme.composite_needs_parts": "“由子项合计”的项目须有子项",
    "scheme.part_not_bonus": "子项「{part}」不能是加分项或只适用于某一级别",
    "scheme.parts_sum": "子项合计{total}分，与本项分数{max}分不符",
    "scheme.measures_from_rule": "只有需要测量值的项目才能引用其他项目的测量值",
    "scheme.measures_from_unknown": "所引用的测量值来源项目「{source_item}」不存在",
    "scheme.check_threshold": "检查要求须有最低值或最低值来源（二者选一）",
    "scheme.cap_negative": "加分上限不能为负数",
    "scheme.section_sum": "各项分数合计{total}分，与本部分分数{max}分不符{for_level}",
    "scheme.scheme_sum": "各部分合计{total}分，与总分{max}分不符{for_level}",
    "scheme.pass_line_unknown_level": "达标分数线所指的级别「{level}」不在本表的级别中",
    "scheme.pass_line_range": "达标分数线{line}分应在0到总分{max}分之间",
    "scheme.pass_line_with_levels": "本表分级别计分，请按级别写各级别达标分数线，不要写统一的达标分数线",
    "scheme.ratio_unknown_level": "各部分最低得分率所指的级别「{level}」不在本表的级别中",
    "scheme.ratio_range": "各部分最低得分率{ratio}应在0到1之间",
    "scheme.min_points_range": "本部分最低得分{points}分超出本部分分数",
    "scheme.cap_items_not_bonus": "受上限约束的项目「{target}」不是加分项",
    "scheme.group_not_claims": "同一内容组中的「{target}」不是按事项加分的项目",
    "scheme.grades_not_unique": "等次分数段中的等次有重复",
    "scheme.precision_positive": "计分精度应大于0",
    "scheme.rank_quota_range": "名次配额须为整数，且最少名额不大于最多名额",
    # a filled sheet
    "sheet.unreadable": "无法读取该文件",
    "sheet.not_utf8": "文件不是UTF-8编码的文本，请另存为UTF-8编码后重试",
    "sheet.invalid_syntax": "文件格式有误（第{line}行第{column}列附近）",
    "sheet.not_object": "评分表内容应为一个对象（各考核项目的填写内容）",
    "sheet.unknown_fields": "有不认识的填写项：{names}",
    "sheet.wrong_scheme": "这份评分表是按另一张评分表填写的，不能用本表计分",
    "sheet.wrong_version": "这份评分表是按本表的另一个版本（{found}）填写的，不能用当前版本（{wanted}）计分",
    "sheet.item_unknown": "本评分表中没有考核项目「{item_ref}」",
    "sheet.entry_not_object": "填写内容应为一个对象",
    "sheet.not_text": "{field}应为文字",
    "sheet.not_mapping": "{field}应为对象（名称→内容）",
    "sheet.defect_count": "扣分情形「{defect}」的次数应为不小于0的整数，填写的是「{value}」",
    "sheet.flags_invalid": "情形应为所发生情形的列表",
    "sheet.claims_not_list": "加分事项应为列表",
    "sheet.claim_no_content": "第{n}个加分事项缺少内容",
    "sheet.claim_empty": "第{n}个加分事项内容为空",
    "sheet.level_unknown": "级别「{level}」不是本表的级别（本表级别：{levels}）",
    "sheet.level_required": "本表有只适用于某一级别的项目，请先确定申报级别（{levels}）",
    "sheet.unknown_defects": "没有这样的扣分情形：{names}",
    "sheet.unknown_measures": "没有这样的测量值：{names}",
    "sheet.unknown_flags": "没有这样的情形：{names}",
    "sheet.claims_wrong_item": "只有按事项加分的加分项才能填写加分事项",
    "sheet.no_discretionary": "本项没有酌情扣分",
    "sheet.score_the_parts": "本项由各子项合计，请在子项中评分",
    "sheet.veto_takes_flags": "否决项只勾选是否发生，不填分数",
    "sheet.score_and_deductions": "直接评分与扣分情形（或酌情扣分）只能填写一种",
    "sheet.awarded_range": "评分{score}分超出范围：应在{low}—{max}分之间{or_zero}",
    "sheet.awarded_needs_reason": "评分{score}分低于满分{max}分，须填写扣分原因",
    "sheet.defect_once": "扣分情形「{defect}」只计一次（填0或1），填写的是{count}",
    "sheet.defect_max_count": "扣分情形「{defect}」最多{max_count}{unit}，填写的是{count}{unit}",
    "sheet.discretionary_range": "酌情扣分{deduction}分超出范围：应在0—{bound}分之间",
    "sheet.discretionary_needs_reason": "酌情扣分须填写扣分原因",
    "sheet.missing_measures": "缺少测量值：{names}",
    "sheet.measure_negative": "{measure}不能为负数（填写的是{value}）",
    "sheet.measure_above": "{measure}{value}{unit}超出范围：最多{bound}{unit}",
    "sheet.measure_above_whole": "{measure}{value}超过了{whole_label}{whole}",
    "sheet.whole_positive": "{whole_label}应大于0（填写的是{value}）",
    # ranking (STA-4.1)
    "rank.no_quotas": "本评分表没有规定各等次名额，不能按名次评定等次",
    "rank.count_outside": "{grade}{count}名，超出规定的{low}—{high}名",
    "rank.count_exceeds": "{grade}{count}名，但只剩{left}个单位",
    "rank.too_few_units": "{grade}至少{low}名，但只剩{left}个单位",
    "rank.tie_split": "{grade}{count}名会把同分（{total}分）的单位分在两个等次，请重新确定名额",
    "rank.tie_below_min": "同分（{total}分）的单位均不评为{grade}后只剩{count}名，少于规定的{low}名",
    "rank.unknown_grade": "{grade}不是规定名额的等次（有：{grades}）",
    "rank.no_cut": "{grade}在规定的{low}—{high}名内任取名额都会把同分的单位分在两个等次，请由考评办确定名额",
}


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return fmt_points(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return "、".join(_plain(v) for v in value)
    return str(value)


def field_name(key: str) -> str:
    """A field by its Chinese name; an unknown key (a typo someone made) is quoted as written."""
    return FIELD_NAMES.get(key, f"「{key}」")


def _param(name: str, value: Any) -> str:
    if name in ("field", "fields"):
        keys = [value] if isinstance(value, str) else list(value)
        return "、".join(field_name(k) for k in keys)
    if name in ("rule",):
        return RULE_NAMES.get(str(value), f"「{value}」")
    if name == "rules":
        return "、".join(RULE_NAMES.get(str(v), str(v)) for v in value)
    if name == "names":
        values = [value] if isinstance(value, str) else list(value)
        return "、".join(f"「{_plain(v)}」" for v in values)
    return _plain(value)


def render_detail(code: str, params: Mapping[str, Any]) -> str:
    """The message body for `code` (no location): what is wrong, in the table's words."""
    template = MESSAGES[code]
    values = {name: _param(name, value) for name, value in params.items()}
    if code == "number.too_precise":
        values.setdefault("decimals", "6")
    return template.format_map(_Defaulting(values))


class _Defaulting(dict[str, str]):
    """A missing parameter renders as nothing rather than failing: a message is never worse than terse."""

    def __missing__(self, key: str) -> str:
        return ""


def render_location(
    *, source: str = "", section_label: str = "", label: str = "", within: tuple[str, int] | None = None
) -> str:
    """「hubei.toml：部分「一、组织管理」：考核项目「一、1 领导重视」：第2条扣分标准：」"""
    out = []
    if source:
        out.append(source)
    if section_label and not label:  # an item's label already carries its section's number
        out.append(f"部分「{section_label}」")
    if label:
        out.append(f"考核项目「{label}」")
    if within is not None:
        out.append(WITHIN[within[0]].format(n=within[1]))
    return "".join(f"{part}：" for part in out)


# -- Ledger schemes (台账计分办法, issue 10; workflow/scoring/ledger) ------------------------------------------
#: Ledger scheme keys as a person knows them (a separate table: the same key can mean something else in a
#: table scheme, e.g. `points`, `groups`, `rule`).
LEDGER_FIELD_NAMES: dict[str, str] = {
    "id": "编号",
    "version": "版本号",
    "name": "名称",
    "currency": "计量单位",
    "precision": "计分精度",
    "cutoff_day": "每月截止日",
    "combine": "同一稿件计分方式",
    "partial": "部分编码标记",
    "groups": "单位类别",
    "publications": "刊物",
    "classes": "稿件类别",
    "forms": "稿件形式",
    "values": "分值表",
    "instructions": "批示加分",
    "quotas": "任务数",
    "excess": "超额加分",
    "credits": "折算采稿",
    "incidents": "扣分情形",
    "unit_bonuses": "加分事项",
    "completion": "完成率计分",
    "ranking": "排名",
    "advanced": "先进单位评选",
    "bundles": "捆绑考核",
    "cadre": "实绩记分",
    "points": "分值",
    "share_of_base": "占基础分比例",
    "aliases": "别名",
    "rule": "依据条款",
    "text": "文字说明",
    "publication": "刊物",
    "class": "稿件类别",
    "form": "稿件形式",
    "required": "任务数",
    "deduct": "每缺一篇扣分",
    "period": "考核周期",
    "mode": "计数方式",
    "basis": "计数依据",
    "share": "比例上限",
    "level": "级别",
    "flow": "报送记录对照",
    "commission_missed": "未完成重要约稿对应的扣分情形",
}

MESSAGES.update(
    {
        # scheme files
        "ledger.scheme.unreadable": "无法读取该文件",
        "ledger.scheme.not_utf8": "文件不是UTF-8编码的文本，请另存为UTF-8编码后重试",
        "ledger.scheme.invalid_syntax": "文件格式有误（第{line}行第{column}列附近），请检查引号、括号和等号",
        "ledger.scheme.not_found": "没有编号为「{wanted}」的计分办法（现有：{available}）",
        "ledger.scheme.not_table": "应为一组设置（表）",
        "ledger.scheme.field_missing": "缺少此项设置",
        "ledger.scheme.field_not_text": "应为文字",
        "ledger.scheme.field_not_bool": "应为开关值（是或否）",
        "ledger.scheme.field_not_number": "应为数字，填写的是「{value}」",
        "ledger.scheme.field_not_count": "应为不小于0的整数，填写的是「{value}」",
        "ledger.scheme.field_not_list": "应为列表",
        "ledger.scheme.unknown_fields": "有不认识的设置项：{names}（多为拼写错误）",
        "ledger.scheme.choice": "只能是以下之一：{choices}（填写的是「{value}」）",
        "ledger.scheme.duplicate_id": "编号「{value}」重复",
        "ledger.scheme.duplicate_name": "名称或别名「{value}」同时指向两个不同的{what}",
        "ledger.scheme.unknown_ref": "「{value}」不是本办法中的{what}",
        "ledger.scheme.share_range": "比例{value}应在0到1之间",
        "ledger.scheme.cutoff_range": "每月截止日应在1到28之间（填写的是{value}）",
        "ledger.scheme.no_groups": "办法中没有单位类别",
        "ledger.scheme.no_ledger": "办法中既没有分值表也没有实绩记分事项",
        # roster, records, period
        "ledger.input.missing_column": "缺少「{column}」列",
        "ledger.input.empty": "此处不能为空",
        "ledger.input.unknown_unit": "单位「{value}」不在名单中",
        "ledger.input.duplicate_unit": "单位「{value}」在名单中重复",
        "ledger.input.unknown_group": "类别「{value}」不是本办法的单位类别（可用：{choices}）",
        "ledger.input.unknown_publication": "刊物「{value}」不是本办法所列刊物（可用：{choices}）",
        "ledger.input.unknown_class": "类别「{value}」不是本办法所列稿件类别（可用：{choices}）",
        "ledger.input.unknown_form": "形式「{value}」不是本办法所列稿件形式（可用：{choices}）",
        "ledger.input.unknown_level": "批示级别「{value}」不是本办法所列级别（可用：{choices}）",
        "ledger.input.unknown_kind": "「{value}」不是本办法所列事项（可用：{choices}）",
        "ledger.input.bad_date": "日期「{value}」无法识别，请写成2020-06-29",
        "ledger.input.bad_number": "「{value}」不是合理的数字（应在0到{limit}之间）",
        "ledger.input.no_value": "办法中没有「{publication}」{klass}{form}的分值",
        "ledger.input.no_article": "稿件「{value}」没有采用记录，批示无从计分",
        "ledger.input.not_grouped": "单位「{value}」的采用记录未连在一起，无法逐个单位计分",
        "ledger.input.tier_cap": "{tier}不超过{cap}人，填写了{count}人",
        "ledger.input.bad_rank": "名次{rank}应在1到参加排名单位数{n}之间",
        "ledger.input.unreadable": "无法读取该文件",
        "ledger.input.not_utf8": "文件不是UTF-8编码的文本，请另存为UTF-8编码后重试",
        "ledger.input.bad_format": "文件类型不对：名单和采用记录请用电子表格或逗号分隔的文本文件",
        "ledger.input.bad_json": "其他记录文件格式有误：{reason}",
        "ledger.period.invalid": "考核期「{value}」无法识别，请写成2020-06、2020-Q2、2020-H1或2020",
    }
)


def ledger_field_name(key: str) -> str:
    return LEDGER_FIELD_NAMES.get(key, f"「{key}」")


def render_ledger_location(
    *, source: str = "", row: int | None = None, column: str | None = None, field: str | None = None
) -> str:
    """「records.csv：第3行：「刊物」列：」 or 「ledger-zg.toml：分值表第2项的分值：」."""
    out = []
    if source:
        out.append(source)
    if row is not None:
        out.append(f"第{row}行")
    if column:
        out.append(f"「{column}」列")
    if field:
        parts = []
        for piece in field.split("."):
            if "[" in piece:
                key, index = piece.rstrip("]").split("[", 1)
                parts.append(f"{ledger_field_name(key)}第{index}项")
            else:
                parts.append(ledger_field_name(piece))
        out.append("的".join(parts))
    return "".join(f"{part}：" for part in out)
