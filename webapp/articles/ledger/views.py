"""The office's ledger pages (台账计分, issue 10): a period's results per ranking group with every unit's
lines, flags, 零报送 / last place (ZG-5.3) and the advanced-unit proposal (INF-3.3–3.10, ZG-4.11); one unit's
lines and its articles each explained; closing a period (the office head, once it is over); recomputing a closed
one after a late correction (the difference first, then a reason); the closed periods.

Deny by default: every page asks `permissions.can_see_ledger` (or `can_close_ledger` for the acts) of the
person's office before anything else, and answers 404 otherwise. A refusal is shown beside the button or the
field it concerns, on the page rendered again with its 4xx status (nothing typed is lost); a period that cannot
be scored shows why, never a 500.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from webapp.articles.ledger import bp
from webapp.articles.models import LEDGER_STATE_LABELS, ArticleOffice
from webapp.articles.services import ledger, ledger_pages, ledger_units, permissions
from webapp.articles.services.ledger_units import ArticlePoints
from webapp.articles.services.paging import ListPage
from webapp.core.auth.permissions import login_required
from webapp.core.forms import STALE_FORM_MESSAGE, KaopingForm, form_version
from webapp.core.models import User
from webapp.core.request_args import page_arg
from webapp.core.services.errors import InvalidInput, ServiceError
from workflow.scoring.ledger import LedgerScheme, Period

#: the footer names the article procedure's basis, as the other article pages do
FOOTER = "信息工作计分：依据各办公室的信息工作考评办法"
STATE_COLOURS = {"open": "secondary", "closed": "primary", "published": "success"}
#: what a typed period may be at most when shown back (a longer one is cut, never stored)
TYPED_MAX = 40
ARTICLES_PER_PAGE = 30


class CloseForm(KaopingForm):
    confirm = BooleanField(
        "我已核对本期结果。结算后结果冻结，之后的更正须说明原因重新计算。",
        validators=[DataRequired("请勾选确认后再结算。")],
    )


class RecomputeForm(KaopingForm):
    reason = TextAreaField(
        "重新计算的原因",
        validators=[
            InputRequired("请写明重新计算的原因。"),
            Length(
                min=ledger.REASON_MIN,
                max=ledger.REASON_MAX,
                message=f"原因应为{ledger.REASON_MIN}至{ledger.REASON_MAX}个字。",
            ),
        ],
        render_kw={"rows": 3, "maxlength": ledger.REASON_MAX},
        description="例如：补录2026年12月10日《河南组工信息》采用记录。原因与变化一并存档。",
    )
    version = HiddenField()


@dataclass
class Picker:
    """The period picker as typed: the three fields, the text box and the message beside the one at fault."""

    kind: str = ""
    year: str = ""
    number: str = ""
    text: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, period: Period) -> Picker:
        fields = ledger_pages.fields_of(period)
        return cls(fields.kind, fields.year, fields.number, period.label)


@bp.app_template_global("ledger_rule")
def ledger_rule(rule: str | None) -> Markup:
    """A rule beside a line or a flag: the regulation's id, small, its words in the tooltip when the article rules
    quote it; our reading of a silent text (GAP-n) reads 「本系统解释」, the id only in the tooltip."""
    return _rule_markup(rule) if rule else Markup("")


@functools.lru_cache(maxsize=1024)
def _rule_markup(rule: str) -> Markup:
    """`ledger_rule`'s answer, kept: a province ranking page cites the same few rules hundreds of times."""
    if ledger_pages.is_reading(rule):
        return Markup(
            '<small class="kp-rule text-muted" title="办法原文未作规定，按本系统解释计分（{}）">本系统解释</small>'
        ).format(rule)
    quote = ledger_pages.rule_quote(rule)
    if quote:
        return Markup('<small class="kp-rule text-muted" title="{}">{}</small>').format(quote, rule)
    return Markup('<small class="kp-rule text-muted">{}</small>').format(rule)


@bp.app_template_global("ledger_period_text")
def ledger_period_text(label: str) -> str:
    """「2026年第四季度」 for a period's label (a quota's, a closed period's)."""
    return ledger_pages.period_text(label)


def _office(allowed: Callable[[User, ArticleOffice], bool]) -> ArticleOffice:
    """The person's office when ``allowed``; 404 otherwise (deny by default, nothing said about the office)."""
    office = permissions.office_of(current_user)
    if office is None or not allowed(current_user, office):
        abort(404)
    return office


def _has(endpoint: str) -> bool:
    """Whether a page of the ledger is there yet (the bulletin is another module's)."""
    return endpoint in current_app.view_functions


def _page(template: str, **context: Any) -> str:
    return render_template(
        f"articles/ledger/{template}",
        footer_basis=FOOTER,
        state_labels=LEDGER_STATE_LABELS,
        state_colours=STATE_COLOURS,
        kind_labels=ledger.PERIOD_KIND_LABELS,
        has_endpoint=_has,
        **context,
    )


def _typed(name: str) -> str:
    return (request.args.get(name) or "")[:TYPED_MAX]


def _period_asked(office: ArticleOffice) -> tuple[Period | None, Picker]:
    """``?period=2026-Q4`` (the text box and every link), or ``?kind=&year=&number=`` (the picker), else the
    period the office works in today."""
    if "period" in request.args:
        picker = Picker(text=_typed("period"))
        try:
            period = ledger.period_from(picker.text)
        except InvalidInput as error:
            picker.errors["period"] = error.message
            return None, picker
        return period, Picker.of(period)
    if any(name in request.args for name in ("kind", "year", "number")):
        picker = Picker(kind=_typed("kind"), year=_typed("year"), number=_typed("number"))
        try:
            period = ledger_pages.period_from_fields(picker.kind, picker.year, picker.number)
        except InvalidInput as error:
            picker.errors[error.field or "kind"] = error.message
            return None, picker
        return period, Picker.of(period)
    period = ledger.default_period(office)
    return period, Picker.of(period)


@dataclass
class _Shown:
    """A live result the ranking page showed: its facts and its rendered pages of sections."""

    result: dict[str, Any]
    facts: ledger_pages.RankingFacts
    pages: dict[tuple[str, int], Markup] = field(default_factory=dict)


#: a live result is one shared object until the office's records change (`ledger.live` keeps it); reading its
#: sections and rules and rendering its 50 units again on every view was most of the page (a province office: 28.6
#: → 14.6 ms in process). What the page makes of it is kept with it (`ledger.kept_with`) and dropped with it. A
#: closed period's result is read from its row on every view and nothing is kept of it.
_PAGES_LOCK = threading.Lock()


def _shown(result: dict[str, Any], scheme: LedgerScheme | None, *, shared: bool) -> _Shown:
    scheme_key = (scheme.id, scheme.version) if scheme is not None else None

    def make() -> _Shown:
        return _Shown(result, ledger_pages.ranking_facts(result, scheme))

    return ledger.kept_with(result, ("ranking", scheme_key), make) if shared else make()


def _ranking_sections(
    shown: _Shown, period: Period, units_page: ledger_pages.SectionsPage, **flags: Any
) -> Markup:
    """The page's sections, rendered once per (period, page) of a kept result: they read nothing of the viewer."""
    key = (period.label, units_page.page)
    found = shown.pages.get(key)
    if found is None:
        found = Markup(
            render_template(
                "articles/ledger/_ranking_sections.html",
                result=shown.result,
                period=period,
                sections=units_page.sections,
                **flags,
            )
        )
        with _PAGES_LOCK:
            shown.pages[key] = found
    return found


def _render_index(
    office: ArticleOffice,
    period: Period | None,
    picker: Picker,
    *,
    status: int = 200,
    close_form: CloseForm | None = None,
    close_error: str = "",
) -> tuple[str, int]:
    context: dict[str, Any] = {
        "office": office,
        "period": period,
        "picker": picker,
        "close_error": close_error,
    }
    if period is None:
        return _page("office_index.html", **context), status
    context["neighbours"] = ledger_pages.neighbours(period)
    try:
        view = ledger.view(office, period)
    except ledger.LedgerUnavailable as error:  # no scheme, or records it cannot place: say so
        return _page("office_index.html", unavailable=error.message, **context), status
    scheme = ledger.scheme_of(office)
    result = view.result
    head = permissions.can_close_ledger(current_user, office)
    shown = _shown(result, scheme, shared=not view.frozen)
    units_page = ledger_pages.page_sections(shown.facts.sections, page_arg())
    completion = shown.facts.completion
    context.update(
        view=view,
        result=result,
        units_page=units_page,
        ranking_sections=_ranking_sections(
            shown,
            period,
            units_page,
            completion=completion,
            by_completion=(scheme.ranking_key == "completion") if scheme is not None else completion,
            advanced_column=bool(result.get("advanced")),
        ),
        zero_rule=shown.facts.zero_rule,
        last_rule=shown.facts.last_rule,
        citations=shown.facts.citations,
        # a closed period's page reads its frozen result only: what a recompute from today's records would
        # change scores the whole period, so it runs when asked (?compare=1), not on every view
        compared=view.frozen and request.args.get("compare") == "1",
        changes=ledger_pages.live_changes(view)
        if view.frozen and request.args.get("compare") == "1"
        else None,
        may_close=head and not view.frozen and ledger.is_over(period),
        may_recompute=head and view.frozen,
        close_form=close_form or CloseForm(formdata=None),
        last_day=ledger.last_day(period),
    )
    return _page("office_index.html", **context), status


@bp.route("/", endpoint="index")
@login_required
def index() -> tuple[str, int]:
    office = _office(permissions.can_see_ledger)
    period, picker = _period_asked(office)
    return _render_index(office, period, picker, status=400 if picker.errors else 200)


@bp.route("/<period>/close", methods=["POST"], endpoint="close")
@login_required
def close(period: str) -> Response | tuple[str, int]:
    office = _office(permissions.can_close_ledger)
    chosen = ledger.period_from(period)
    form = CloseForm()
    if not form.validate():
        message = "；".join(e for errors in form.errors.values() for e in errors)
        return _render_index(
            office, chosen, Picker.of(chosen), status=400, close_form=form, close_error=message
        )
    try:
        record = ledger.close(current_user, office, chosen)
    except ServiceError as error:
        return _render_index(
            office, chosen, Picker.of(chosen), status=error.status, close_form=form, close_error=error.message
        )
    flash(
        f"已结算{chosen.chinese}：{len(record.result.get('units', []))}个单位的结果已冻结，"
        "之后的更正须说明原因重新计算。",
        "success",
    )
    return redirect(url_for("articles_ledger.index", period=chosen.label))


def _render_recompute(
    office: ArticleOffice, period: Period, form: RecomputeForm, *, status: int = 200
) -> tuple[str, int]:
    record, fresh, changes = ledger.preview_recompute(office, period)
    form.version.data = str(record.version_id)  # the difference shown is the one against this version
    return _page(
        "office_recompute.html",
        office=office,
        period=period,
        record=record,
        changes=changes,
        fresh=fresh,
        form=form,
        recomputes=ledger_pages.recomputes_of(record, page=page_arg()),
    ), status


@bp.route("/<period>/recompute", methods=["GET", "POST"], endpoint="recompute")
@login_required
def recompute(period: str) -> Response | tuple[str, int]:
    office = _office(permissions.can_close_ledger)
    chosen = ledger.period_from(period)
    if ledger.closed_period(office, chosen) is None:
        flash(f"{chosen.chinese}尚未结算，页面显示的已是实时结果，无需重新计算。", "warning")
        return redirect(url_for("articles_ledger.index", period=chosen.label))
    if request.method == "GET":
        return _render_recompute(office, chosen, RecomputeForm(formdata=None))
    form = RecomputeForm()
    expected = form_version(form.version.data)
    if expected is None:
        flash(STALE_FORM_MESSAGE, "danger")
        return _render_recompute(office, chosen, form, status=400)
    if not form.validate():
        return _render_recompute(office, chosen, form, status=400)
    try:
        entry = ledger.recompute(current_user, office, chosen, form.reason.data, version=expected)
    except ServiceError as error:
        target = getattr(form, error.field, None) if error.field else None
        if target is not None:
            target.errors = [*target.errors, error.message]
        else:
            flash(error.message, "danger")
        return _render_recompute(office, chosen, form, status=error.status)
    flash(f"已重新计算{chosen.chinese}（{len(entry.changes)}处变化），原因与原结果已存档。", "success")
    return redirect(url_for("articles_ledger.index", period=chosen.label))


@bp.route("/units/<int:unit_id>", endpoint="unit")
@login_required
def unit(unit_id: int) -> tuple[str, int]:
    office = _office(permissions.can_see_ledger)
    period = ledger.period_from(request.args["period"]) if "period" in request.args else None
    period = period or ledger.current_period(office)
    context: dict[str, Any] = {"office": office, "period": period, "unit_id": unit_id}
    try:
        view = ledger.view(office, period)
    except ledger.LedgerUnavailable as error:
        return _page("office_unit.html", unavailable=error.message, **context), 200
    names = {number: name for name, number in view.result.get("unit_ids", {}).items()}
    name = names.get(unit_id)
    if name is None:
        abort(404)
    articles: ListPage[ArticlePoints] = ListPage([], 0, 1, ARTICLES_PER_PAGE)
    try:
        scheme = ledger.require_scheme(office)
        articles = ledger_units.article_page(
            current_user, office, scheme, period, unit_id, page=page_arg(), per_page=ARTICLES_PER_PAGE
        )
        context["cutoff_day"] = scheme.cutoff_day
    except ledger.LedgerUnavailable as error:
        context["articles_unavailable"] = error.message
    found = ledger.unit_result(view.result, name)
    context.update(
        view=view,
        result=view.result,
        name=name,
        found=found,
        unplaced=name in view.result.get("unplaced", []),
        articles=articles,
        citations=ledger_pages.citations(ledger_pages.rules_cited({"units": [found] if found else []})),
    )
    return _page("office_unit.html", **context), 200


@bp.route("/history", endpoint="history")
@login_required
def history() -> tuple[str, int]:
    office = _office(permissions.can_see_ledger)
    periods = ledger_pages.history(office, page=page_arg())
    return _page(
        "office_history.html",
        office=office,
        periods=periods,
        counts=ledger_pages.recompute_counts(p.id for p in periods.items),
        may_recompute=permissions.can_close_ledger(current_user, office),
    ), 200
