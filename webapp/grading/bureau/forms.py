"""Forms of the bureau pages: worklist filters (GET), batch confirmation, panel, objection decisions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.core.forms import KaopingForm, choices
from webapp.core.request_args import YEAR_MAX, YEAR_MIN
from webapp.core.rulesets import selected_ruleset
from webapp.grading.models import CASE_STATE_LABELS


def _with_blank(labels: Mapping, blank: str) -> list:
    return choices([("", blank), *((str(key), label) for key, label in labels.items())])


class WorklistFilterForm(KaopingForm):
    """Filters of the worklist, read from the query string so a filtered list can be bookmarked."""

    class Meta:
        csrf = False

    state = SelectField("状态", choices=_with_blank(CASE_STATE_LABELS, "全部状态"), validators=[Optional()])
    #: the selected ruleset's names (running cases of another ruleset share its ids), set in __init__
    level = SelectField("等级", choices=[], validators=[Optional()])
    kind = SelectField("类别", choices=[], validators=[Optional()])
    tier = SelectField("机关层级", choices=[], validators=[Optional()])
    year = IntegerField(
        "计划年度",
        validators=[
            Optional(),
            NumberRange(min=YEAR_MIN, max=YEAR_MAX, message=f"请填写 {YEAR_MIN}–{YEAR_MAX} 之间的年份。"),
        ],
    )

    def values(self) -> dict[str, str | int | None]:
        """The valid filters (an invalid value counts as no filter, its message stays beside the field)."""
        self.validate()
        out: dict[str, str | int | None] = {}
        for name in ("state", "level", "kind", "tier", "year"):
            field = getattr(self, name)
            out[name] = None if field.errors or field.data in ("", None) else field.data
        return out

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = selected_ruleset()
        self.level.choices = _with_blank(rules.level_names, "全部等级")
        self.kind.choices = _with_blank(rules.kind_names, "全部类别")
        self.tier.choices = _with_blank(rules.tier_names, "全部层级")


class _SelectedCases(KaopingForm):
    #: the chosen cases (checkboxes); choices are the cases shown on the confirmation page
    case_ids = SelectMultipleField(
        "所选案件",
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired("请至少选择一个案件。")],
    )
    comment = TextAreaField("办理说明", validators=[Optional(), Length(max=2000)])


class BatchPlanForm(_SelectedCases):
    """下达年度考评计划 (ARC-10.1.2, ARC-10.1.3)."""


class BatchForwardForm(_SelectedCases):
    """汇总报送省档案局 (ARC-10.1.2)."""


class BatchPublishForm(_SelectedCases):
    """发布公示名单: pass the pre-check of each case and start one notice (ARC-10.3.1)."""

    notice_start = DateField(
        "公示开始日期",
        validators=[DataRequired("请填写公示开始日期。")],
        description="公示时间不少于7天（ARC-10.3.2），自开始日期起算。",
    )
    opinion = TextAreaField(
        "预检意见",
        validators=[DataRequired("请填写书面预检意见。"), Length(max=4000)],
        description="同一意见写入本批每个案件（ARC-10.2.1）。",
    )


class PanelForm(KaopingForm):
    """评审组 (ARC-10.4.2–10.4.4)."""

    reviewers = SelectMultipleField(
        "评审专家",
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired("请选择评审专家。")],
    )
    lead = SelectField("组长", validators=[DataRequired("请指定评审组组长。")])


OBJECTION_OUTCOMES = {
    "dismiss": "异议不成立，继续考评",
    "uphold": "异议成立，退回补充",
    "reject": "异议成立，终止考评",
}


class ObjectionDecisionForm(KaopingForm):
    """核实异议 (GAP-9)."""

    outcome = RadioField(
        "核实结论",
        choices=choices(OBJECTION_OUTCOMES.items()),
        validators=[DataRequired("请选择核实结论。")],
    )
    note = TextAreaField(
        "处理意见",
        validators=[DataRequired("请填写处理意见（核实情况与依据）。"), Length(max=4000)],
    )


class ReviewDateForm(KaopingForm):
    """评审日期: the panel's on-site review day (range checked by services/panel.py against the ruleset)."""

    review_date = DateField("评审日期", validators=[DataRequired("请填写评审日期（年-月-日）。")])


class SummarySubmitForm(KaopingForm):
    """报送省档案局: submit the year's approvals summary (ARC-10.5.3)."""

    year = IntegerField("年度", validators=[DataRequired("请填写年度。"), NumberRange(min=2000, max=2100)])
