"""System administration: organisations, users, the demo clock and the trail of these changes. Every view
requires ``sys_admin``, except the roles of an account, which are the security administrator's (三员分立,
webapp/core/services/roles.py); both read the users list."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import contains_eager, selectinload
from werkzeug.wrappers import Response

from webapp.core import clock
from webapp.core.admin.forms import (
    ActiveToggleForm,
    DemoClockForm,
    DemoClockSetForm,
    NewUserForm,
    OrganisationForm,
    PasswordResetForm,
    RolesForm,
    UserForm,
)
from webapp.core.auth.permissions import roles_required
from webapp.core.extensions import db
from webapp.core.forms import choices
from webapp.core.models import ROLE_LABELS, AuthorityStatus, Organisation, OrgKind, Role, User, UserRole
from webapp.core.request_args import id_arg, page_arg
from webapp.core.services import accounts, demo_clock, organisations
from webapp.core.services import audit as audit_trail
from webapp.core.services import rulesets as ruleset_service
from webapp.core.services.accounts import UserData
from webapp.core.services.errors import ServiceError
from webapp.core.services.organisations import OrganisationData
from workflow.errors import RulesetError

admin_only = roles_required(Role.SYS_ADMIN)
#: 三员分立: the security administrator grants roles, the system administrator keeps the accounts
security_only = roles_required(Role.SECURITY_ADMIN)
account_readers = roles_required(Role.SYS_ADMIN, Role.SECURITY_ADMIN)


def _show_service_error(form, exc: ServiceError) -> None:  # noqa: ANN001 - a WTForms form
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message, "danger")


#: organs shown under each bureau in the tree; the rest are one click away, paginated (a province holds
#: ~40,000 organs: the tree must not render them all). 20 a bureau made the generated province's tree 2,541 rows
#: and 836 KB, ~170 ms of CPU a view on PostgreSQL, too long to scan; 5 show what a bureau holds
ORGANS_INLINE = 5
ORGANS_PER_PAGE = 50


def _all_organisations(only_bureaus: bool = False) -> list[Organisation]:
    query = sa.select(Organisation).order_by(Organisation.id)
    if only_bureaus:
        query = query.where(Organisation.kind == OrgKind.BUREAU)
    return list(db.session.scalars(query))


def _tree(only_bureaus: bool = False) -> tuple[list[Organisation], dict[int | None, list[Organisation]]]:
    """Organisations grouped by parent id, in one query."""
    orgs = _all_organisations(only_bureaus)
    children: dict[int | None, list[Organisation]] = defaultdict(list)
    for org in orgs:
        children[org.parent_id].append(org)
    return children.get(None, []), children


def _indented_choices(only_bureaus: bool) -> list[tuple[int, str]]:
    roots, children = _tree(only_bureaus)
    out: list[tuple[int, str]] = []

    def walk(node: Organisation, depth: int) -> None:
        mark = "" if node.active else "（已停用）"
        out.append((node.id, "\u3000" * depth + node.name + mark))
        for child in children.get(node.id, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return out


@admin_only
def index() -> Response:
    return redirect(url_for("admin.organisations"))


# --- organisations -----------------------------------------------------------------------------------------


def _first_organs(limit: int) -> list[Organisation]:
    """The first ``limit`` organs of every bureau (by id), in one query (a window function)."""
    ranked = sa.select(
        Organisation.id,
        sa.func.row_number().over(partition_by=Organisation.parent_id, order_by=Organisation.id).label("n"),
    ).where(Organisation.kind == OrgKind.ORGAN)
    first = ranked.subquery()
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .join(first, first.c.id == Organisation.id)
            .where(first.c.n <= limit)
            .order_by(Organisation.id)
        )
    )


@admin_only
def organisations_tree() -> str:
    """The bureau tree with each bureau's first organs and its organ count (a few queries at any size);
    ``?bureau=`` lists one bureau's organs, ``?q=`` finds organisations by name or code — both paginated."""
    q = (request.args.get("q") or "").strip()[:60]
    bureau_id = id_arg("bureau")
    if q or bureau_id:
        return _organisation_list(q, bureau_id)
    roots, children = _tree(only_bureaus=True)
    for organ in _first_organs(ORGANS_INLINE):
        children[organ.parent_id].append(organ)
    organ_counts = dict(
        db.session.execute(
            sa.select(Organisation.parent_id, sa.func.count(Organisation.id))
            .where(Organisation.kind == OrgKind.ORGAN)
            .group_by(Organisation.parent_id)
        ).all()
    )
    shown = [org.id for kids in children.values() for org in kids] + [org.id for org in roots]
    user_counts = _user_counts(shown)
    return render_template(
        "admin/organisations.html",
        roots=roots,
        children=children,
        user_counts=user_counts,
        organ_counts=organ_counts,
        organs_inline=ORGANS_INLINE,
        q=q,
    )


def _user_counts(org_ids: list[int]) -> dict[int, int]:
    """Users per organisation, for the organisations on the page only (at most a few thousand ids)."""
    if not org_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(User.organisation_id, sa.func.count(User.id))
            .where(User.organisation_id.in_(org_ids))
            .group_by(User.organisation_id)
        ).all()
    )


def _organisation_list(q: str, bureau_id: int | None) -> str:
    bureau = db.session.get(Organisation, bureau_id) if bureau_id else None
    if bureau_id and (bureau is None or not bureau.is_bureau):
        abort(404)
    stmt = sa.select(Organisation).order_by(Organisation.id)
    if bureau is not None:
        stmt = stmt.where(Organisation.parent_id == bureau.id, Organisation.kind == OrgKind.ORGAN)
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            sa.or_(Organisation.name.like(like, escape="\\"), Organisation.code.like(like, escape="\\"))
        )
    page = db.paginate(stmt, page=page_arg(), per_page=ORGANS_PER_PAGE, error_out=False, count=True)
    return render_template(
        "admin/organisation_list.html",
        page=page,
        bureau=bureau,
        q=q,
        user_counts=_user_counts([org.id for org in page.items]),
    )


def _organisation_form_data(form: OrganisationForm) -> OrganisationData:
    return OrganisationData(
        name=form.name.data or "",
        code=form.code.data or "",
        kind=form.kind.data or "",
        parent_id=form.parent_id.data or None,
        bureau_tier=form.bureau_tier.data or None,
        tier=form.tier.data or None,
        has_system_guidance=bool(form.has_system_guidance.data),
        authority_status=form.authority_status.data or None,
        acts_as_county=bool(form.acts_as_county.data),
        active=bool(form.active.data),
        contact_phone=form.contact_phone.data or None,
        address=form.address.data or None,
    )


def _organisation_form(org: Organisation | None) -> OrganisationForm:
    form = OrganisationForm(obj=org) if org is not None else OrganisationForm()
    parent_choices = [(0, "（无上级：省档案局）")] + [
        (oid, label) for oid, label in _indented_choices(only_bureaus=True) if org is None or oid != org.id
    ]
    form.parent_id.choices = choices(parent_choices)
    if org is not None and request.method == "GET":
        form.parent_id.data = org.parent_id or 0
        form.bureau_tier.data = org.bureau_tier or ""
        form.tier.data = org.tier or ""
        form.authority_status.data = org.authority_status or AuthorityStatus.ACTIVE
    if org is None and request.method == "GET":
        preset_parent = id_arg("parent")
        if preset_parent:
            form.parent_id.data = preset_parent
        form.kind.data = request.args.get("kind") or OrgKind.ORGAN
    return form


@admin_only
def organisation_new() -> Response | str:
    form = _organisation_form(None)
    if form.validate_on_submit():
        try:
            org = organisations.create_organisation(_organisation_form_data(form), actor=current_user)
        except ServiceError as exc:
            _show_service_error(form, exc)
        else:
            flash(f"已创建单位「{org.name}」。", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, org=None)


@admin_only
def organisation_edit(org_id: int) -> Response | str:
    org = db.session.get(Organisation, org_id) or abort(404)
    form = _organisation_form(org)
    if form.validate_on_submit():
        try:
            organisations.update_organisation(org.id, _organisation_form_data(form), actor=current_user)
        except ServiceError as exc:
            _show_service_error(form, exc)
        else:
            flash(f"已保存单位「{org.name}」。", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, org=org)


def _filter_choices(org_id: int | None) -> list[tuple[int, str]]:
    """The users list's organisation filter: the bureaus (a province has ~120; its ~40,000 organs would make
    the page megabytes long), plus the organ being filtered on, reached from its row in 单位管理."""
    out = _indented_choices(only_bureaus=True)
    chosen = db.session.get(Organisation, org_id) if org_id else None
    if chosen is not None and chosen.is_organ:
        out.insert(0, (chosen.id, chosen.name))
    return out


#: up to this many organs the user form offers every organisation; beyond it (a province: ~40,000) the bureaus
#: and the organs of the bureau in hand (the user's own, or the one the admin came from in 单位管理)
USER_FORM_ALL_ORGANS = 2000


def _user_org_choices(context_id: int | None) -> list[tuple[int, str]]:
    """The user form's 所属单位 choices (see `USER_FORM_ALL_ORGANS`); sets ``g.kaoping_orgs_limited``."""
    organs = db.session.scalar(
        sa.select(sa.func.count(Organisation.id)).where(Organisation.kind == OrgKind.ORGAN)
    )
    g.kaoping_orgs_limited = (organs or 0) > USER_FORM_ALL_ORGANS
    if not g.kaoping_orgs_limited:
        return _indented_choices(only_bureaus=False)
    context = db.session.get(Organisation, context_id) if isinstance(context_id, int) else None
    bureau_id = None if context is None else (context.id if context.is_bureau else context.parent_id)
    out = _indented_choices(only_bureaus=True)
    if bureau_id is not None:
        at = next((i for i, (oid, _) in enumerate(out) if oid == bureau_id), len(out) - 1)
        depth = len(out[at][1]) - len(out[at][1].lstrip("\u3000")) + 1
        organs_of = db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.parent_id == bureau_id, Organisation.kind == OrgKind.ORGAN)
            .order_by(Organisation.id)
        )
        out[at + 1 : at + 1] = [
            (o.id, "\u3000" * depth + o.name + ("" if o.active else "（已停用）")) for o in organs_of
        ]
    return out


# --- users -------------------------------------------------------------------------------------------------


@account_readers
def users() -> str:
    q = (request.args.get("q") or "").strip()
    org_id = id_arg("org")
    role = request.args.get("role") or ""
    status = request.args.get("status") or ""
    # each row shows the person's organisation and roles: read with the page, not one statement per row
    stmt = (
        sa.select(User)
        .join(User.organisation)
        .options(contains_eager(User.organisation), selectinload(User.role_rows))
        .order_by(Organisation.id, User.username)
    )
    if q:
        # typed % and _ are letters (autoescape); case is ignored on every database (ILIKE / lower LIKE)
        stmt = stmt.where(
            sa.or_(
                User.username.icontains(q, autoescape=True), User.display_name.icontains(q, autoescape=True)
            )
        )
    if org_id:
        stmt = stmt.where(User.organisation_id == org_id)
    if role in ROLE_LABELS:
        stmt = stmt.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    if status in ("active", "inactive"):
        stmt = stmt.where(User.active.is_(status == "active"))
    page = db.paginate(
        stmt, page=page_arg(), per_page=current_app.config.get("ITEMS_PER_PAGE", 20), error_out=False
    )
    return render_template(
        "admin/users.html",
        page=page,
        q=q,
        org_id=org_id,
        role=role,
        status=status,
        org_choices=_filter_choices(org_id),
        toggle_form=ActiveToggleForm(),
    )


def _user_form_data(form: UserForm) -> UserData:
    return UserData(
        username=(form.username.data or "").strip(),
        display_name=form.display_name.data or "",
        organisation_id=form.organisation_id.data or 0,
        roles=None,  # roles are the security administrator's (`user_roles`), never this form's
        active=bool(form.active.data),
    )


@admin_only
def user_new() -> Response | str:
    form = NewUserForm()
    form.organisation_id.choices = choices(_user_org_choices(id_arg("org") or form.organisation_id.data))
    if request.method == "GET" and id_arg("org"):
        form.organisation_id.data = id_arg("org")
    if form.validate_on_submit():
        try:
            user = accounts.create_user(_user_form_data(form), form.password.data or "", actor=current_user)
        except ServiceError as exc:
            _show_service_error(form, exc)
        else:
            flash(f"已创建用户「{user.username}」，请安全管理员为其分配角色。", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@admin_only
def user_edit(user_id: int) -> Response | str:
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user)
    form.organisation_id.choices = choices(
        _user_org_choices(form.organisation_id.data or user.organisation_id)
    )
    if form.validate_on_submit():
        data = _user_form_data(form)
        try:
            accounts.update_user(user.id, data, actor=current_user)
        except ServiceError as exc:
            _show_service_error(form, exc)
        else:
            flash(f"已保存用户「{data.username}」。", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@security_only
def user_roles(user_id: int) -> Response | str:
    """The roles of an account: the security administrator's page (三员分立)."""
    user = db.session.get(User, user_id) or abort(404)
    form = RolesForm()
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
    if form.validate_on_submit():
        try:
            accounts.set_roles(user.id, form.roles.data or [], actor=current_user)
        except ServiceError as exc:
            _show_service_error(form, exc)
        else:
            flash(f"已保存「{user.username}」的角色。", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_roles.html", form=form, user=user)


@admin_only
def user_password(user_id: int) -> Response | str:
    user = db.session.get(User, user_id) or abort(404)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(user.id, form.password.data or "", actor=current_user)
        except ServiceError as exc:
            _show_service_error(form, exc)
        else:
            flash(
                f"已重置「{user.username}」的密码：其会话、记住登录和 API 令牌已全部作废，下次登录须本人修改密码。",
                "success",
            )
            return redirect(url_for("admin.users"))
    return render_template("admin/user_password.html", form=form, user=user)


@admin_only
def user_deactivate(user_id: int) -> str:
    """停用 asks first: the account can no longer log in and its API tokens are revoked."""
    user = db.session.get(User, user_id) or abort(404)
    return render_template("admin/user_deactivate.html", user=user, form=ActiveToggleForm())


@admin_only
def user_active(user_id: int) -> Response:
    user = db.session.get(User, user_id) or abort(404)
    form = ActiveToggleForm()
    if not form.validate_on_submit():
        abort(400)
    make_active = request.form.get("active") == "1"
    if not make_active and request.form.get("confirm") != "1":
        # deactivating is confirmed on its own page; a bare POST changes nothing
        return redirect(url_for("admin.user_deactivate", user_id=user.id))
    try:
        accounts.set_active(user.id, make_active, actor=current_user)
    except ServiceError as exc:
        flash(exc.message, "danger")
    else:
        flash(f"已{'启用' if make_active else '停用'}用户「{user.username}」。", "success")
    return redirect(
        request.referrer
        if request.referrer and request.referrer.startswith(request.host_url)
        else url_for("admin.users")
    )


# --- demo clock (development and testing only) -------------------------------------------------------------


@admin_only
def demo_clock_page() -> Response | str:
    if not current_app.config.get("DEMO_CLOCK_ENABLED"):
        abort(404)
    advance_form = DemoClockForm(prefix="advance")
    set_form = DemoClockSetForm(prefix="set")
    reset_form = ActiveToggleForm(prefix="reset")
    action = request.form.get("action") if request.method == "POST" else None
    try:
        if action == "advance" and advance_form.validate_on_submit():
            day = demo_clock.advance_demo_clock(advance_form.days.data or 0, actor=current_user)
            flash(f"演示日期已前进 {advance_form.days.data} 天，今天是 {day.isoformat()}。", "success")
            return redirect(url_for("admin.demo_clock"))
        if action == "set" and set_form.validate_on_submit():
            target = set_form.target.data
            day = demo_clock.set_demo_offset((target - clock.base_today()).days, actor=current_user)
            flash(f"演示日期已设为 {day.isoformat()}。", "success")
            return redirect(url_for("admin.demo_clock"))
        if action == "reset" and reset_form.validate_on_submit():
            day = demo_clock.reset_demo_clock(actor=current_user)
            flash(f"演示日期已复位为 {day.isoformat()}。", "success")
            return redirect(url_for("admin.demo_clock"))
    except ServiceError as exc:
        _show_service_error(advance_form if action == "advance" else set_form, exc)
    return render_template(
        "admin/demo_clock.html",
        advance_form=advance_form,
        set_form=set_form,
        reset_form=reset_form,
        base_today=clock.base_today(),
        offset=clock.demo_offset_days(),
        today=clock.today(),
        fixed_by_config=bool(current_app.config.get("KAOPING_TODAY")),
    )


# --- the trail of admin changes ----------------------------------------------------------------------------


@admin_only
def audit() -> str:
    """Every admin change (users, roles, passwords, organisations, the demo clock), newest first, paginated."""
    subject = request.args.get("subject") or ""
    if subject not in audit_trail.ADMIN_SUBJECTS:
        subject = ""
    page = audit_trail.admin_trail(
        page=page_arg(),
        per_page=current_app.config.get("ITEMS_PER_PAGE", 20),
        subject_type=subject or None,
    )
    return render_template(
        "admin/audit.html",
        page=page,
        subject=subject,
        subjects=audit_trail.ADMIN_SUBJECTS,
        event_labels=audit_trail.ADMIN_EVENT_LABELS | audit_trail.SECURITY_EVENT_LABELS,
    )


# --- rulesets (考评办法) ----------------------------------------------------------------------------------------


@admin_only
def rulesets_page() -> Response | str:
    """The rulesets this deployment knows, the one new cases get, and choosing another (ids only in tooltips)."""
    form = ActiveToggleForm()
    status = 200
    if request.method == "POST":
        chosen = request.form.get("ruleset", "")
        known = {entry.id for entry, _ in ruleset_service.entries()}
        if not form.validate_on_submit() or chosen not in known:
            flash("未选定：请从列表中选择考评办法。", "danger")
            status = 400
        else:
            try:
                ruleset = ruleset_service.select(chosen)
            except (ServiceError, RulesetError):
                flash("该考评办法文件无法读取，未选定。", "danger")
                status = 409
            else:
                flash(f"新案件将使用《{ruleset.name}》；办理中的案件仍按原办法办结。", "success")
                return redirect(url_for("admin.rulesets"))
    return (
        render_template(
            "admin/rulesets.html",
            entries=ruleset_service.entries(),
            problem=ruleset_service.selection_problem(),
            form=ActiveToggleForm(formdata=None),
        ),
        status,
    )
