"""The one place where the ledger engine's refusals become Chinese text (see errors.py).

Scheme keys are named by their Chinese names; imported columns by the header a person typed (单位, 刊物 …).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

#: Scheme keys and record fields as a person knows them.
FIELD_NAMES: dict[str, str] = {
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
}

MESSAGES: dict[str, str] = {
    # scheme files
    "scheme.unreadable": "无法读取该文件",
    "scheme.not_utf8": "文件不是UTF-8编码的文本，请另存为UTF-8编码后重试",
    "scheme.invalid_syntax": "文件格式有误（第{line}行第{column}列附近），请检查引号、括号和等号",
    "scheme.not_found": "没有编号为「{wanted}」的计分办法（现有：{available}）",
    "scheme.not_table": "应为一组设置（表）",
    "scheme.field_missing": "缺少此项设置",
    "scheme.field_not_text": "应为文字",
    "scheme.field_not_bool": "应为开关值（是或否）",
    "scheme.field_not_number": "应为数字，填写的是「{value}」",
    "scheme.field_not_count": "应为不小于0的整数，填写的是「{value}」",
    "scheme.field_not_list": "应为列表",
    "scheme.unknown_fields": "有不认识的设置项：{names}（多为拼写错误）",
    "scheme.choice": "只能是以下之一：{choices}（填写的是「{value}」）",
    "scheme.duplicate_id": "编号「{value}」重复",
    "scheme.duplicate_name": "名称或别名「{value}」同时指向两个不同的{what}",
    "scheme.unknown_ref": "「{value}」不是本办法中的{what}",
    "scheme.share_range": "比例{value}应在0到1之间",
    "scheme.cutoff_range": "每月截止日应在1到28之间（填写的是{value}）",
    "scheme.no_groups": "办法中没有单位类别",
    "scheme.no_ledger": "办法中既没有分值表也没有实绩记分事项",
    # roster, records, period
    "input.missing_column": "缺少「{column}」列",
    "input.empty": "此处不能为空",
    "input.unknown_unit": "单位「{value}」不在名单中",
    "input.duplicate_unit": "单位「{value}」在名单中重复",
    "input.unknown_group": "类别「{value}」不是本办法的单位类别（可用：{choices}）",
    "input.unknown_publication": "刊物「{value}」不是本办法所列刊物（可用：{choices}）",
    "input.unknown_class": "类别「{value}」不是本办法所列稿件类别（可用：{choices}）",
    "input.unknown_form": "形式「{value}」不是本办法所列稿件形式（可用：{choices}）",
    "input.unknown_level": "批示级别「{value}」不是本办法所列级别（可用：{choices}）",
    "input.unknown_kind": "「{value}」不是本办法所列事项（可用：{choices}）",
    "input.bad_date": "日期「{value}」无法识别，请写成2020-06-29",
    "input.bad_number": "「{value}」不是合理的数字（应在0到{limit}之间）",
    "input.no_value": "办法中没有「{publication}」{klass}{form}的分值",
    "input.no_article": "稿件「{value}」没有采用记录，批示无从计分",
    "input.tier_cap": "{tier}不超过{cap}人，填写了{count}人",
    "input.bad_rank": "名次{rank}应在1到参加排名单位数{n}之间",
    "input.unreadable": "无法读取该文件",
    "input.not_utf8": "文件不是UTF-8编码的文本，请另存为UTF-8编码（CSV UTF-8）后重试",
    "input.bad_format": "只能读取.xlsx或.csv文件（或.json格式的其他记录）",
    "input.bad_json": "JSON格式有误：{reason}",
    "period.invalid": "考核期「{value}」无法识别，请写成2020-06、2020-Q2、2020-H1或2020",
}


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return "、".join(_plain(v) for v in value)
    return str(value)


def field_name(key: str) -> str:
    """A scheme key by its Chinese name; an unknown key (a typo) is quoted as written."""
    return FIELD_NAMES.get(key, f"「{key}」")


def render_detail(code: str, params: Mapping[str, Any]) -> str:
    values = {name: _param(name, value) for name, value in params.items()}
    return MESSAGES[code].format_map(_Defaulting(values))


def _param(name: str, value: Any) -> str:
    if name == "names":
        return "、".join(f"「{_plain(v)}」" for v in ([value] if isinstance(value, str) else value))
    if name == "what":
        return field_name(str(value))
    return _plain(value)


class _Defaulting(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render_location(
    *, source: str = "", row: int | None = None, column: str | None = None, field: str | None = None
) -> str:
    """「records.csv：第3行：「刊物」列：」 or 「ledger-zg.toml：分值表第2项：」."""
    out = []
    if source:
        out.append(source)
    if row is not None:
        out.append(f"第{row}行")
    if column:
        out.append(f"「{column}」列")
    if field:
        out.append(_field_path(field))
    return "".join(f"{part}：" for part in out)


def _field_path(path: str) -> str:
    """`quotas[2].required` → 任务数第2项的任务数."""
    parts = []
    for piece in path.split("."):
        if "[" in piece:
            key, index = piece.rstrip("]").split("[", 1)
            parts.append(f"{field_name(key)}第{index}项")
        else:
            parts.append(field_name(piece))
    return "的".join(parts)
