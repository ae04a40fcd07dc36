"""Creating and editing the organisation tree."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from webapp.core.extensions import db
from webapp.core.models import (
    AuthorityStatus,
    BureauTier,
    Organisation,
    OrganisationTree,
    OrganTier,
    OrgKind,
    User,
    parent_problem,
)
from webapp.core.read_transactions import skewed_key
from webapp.core.services import transaction
from webapp.core.services.audit import describe_changes, record_admin_change
from webapp.core.services.errors import Conflict, NotFound, ServiceError

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
#: a telephone number as printed on a notice: digits with - + ( ) spaces, optionally 转 and an extension
PHONE_RE = re.compile(r"^[0-9+（）()\- ]{5,30}(转[0-9]{1,6})?$")
ADDRESS_MAX = 200


@dataclass(frozen=True)
class OrganisationData:
    name: str
    code: str
    kind: str
    parent_id: int | None
    bureau_tier: str | None = None
    tier: str | None = None
    has_system_guidance: bool = False
    authority_status: str | None = None
    acts_as_county: bool = False
    active: bool = True
    #: bureaus: printed on the public notice as the place to raise objections
    contact_phone: str | None = None
    address: str | None = None


def _apply(org: Organisation, data: OrganisationData) -> None:
    name = (data.name or "").strip()
    code = (data.code or "").strip().lower()
    if not name:
        raise ServiceError("请填写单位名称。", field="name")
    if not CODE_RE.match(code):
        raise ServiceError("简码只能使用小写字母、数字和连字符，最长 40 位。", field="code")
    for column, value, label, field in (
        (Organisation.name, name, "名称", "name"),
        (Organisation.code, code, "简码", "code"),
    ):
        clash = db.session.scalar(sa.select(Organisation.id).where(column == value))
        if clash is not None and clash != org.id:
            raise Conflict(f"单位{label}「{value}」已存在。", field=field)
    if data.kind not in {k.value for k in OrgKind}:
        raise ServiceError("请选择单位类别。", field="kind")

    is_bureau = data.kind == OrgKind.BUREAU
    bureau_tier = data.bureau_tier if is_bureau else None
    tier = None if is_bureau else data.tier
    if is_bureau and bureau_tier not in {t.value for t in BureauTier}:
        raise ServiceError("请选择档案局级别。", field="bureau_tier")
    if not is_bureau and tier not in {t.value for t in OrganTier}:
        raise ServiceError("请选择机关层级。", field="tier")
    authority = (data.authority_status or AuthorityStatus.ACTIVE) if is_bureau else None
    if authority is not None and authority not in {s.value for s in AuthorityStatus}:
        raise ServiceError("考评权限状态无效。", field="authority_status")
    if data.acts_as_county and bureau_tier != BureauTier.CITY:
        raise ServiceError("只有市州级档案局可以兼行县级职能（直管市、神农架林区）。", field="acts_as_county")

    parent = db.session.get(Organisation, data.parent_id) if data.parent_id else None
    if data.parent_id and parent is None:
        raise ServiceError("上级单位不存在。", field="parent_id")
    if parent is not None and org.id is not None and (parent.id == org.id or org in parent.ancestors()):
        raise ServiceError("上级单位不能是本单位或其下级单位。", field="parent_id")
    problem = parent_problem(data.kind, bureau_tier, tier, parent)
    if problem:
        raise ServiceError(problem, field="parent_id")
    if org.id is not None and org.kind != data.kind and org.children:
        raise ServiceError("该单位下还有下级单位，不能更改类别。", field="kind")

    phone = (data.contact_phone or "").strip()
    address = (data.address or "").strip()
    if phone and not PHONE_RE.match(phone):
        raise ServiceError(
            "联系电话只能包含数字、连字符、括号和空格（可加“转”分机号），如 0717-6000004。",
            field="contact_phone",
        )
    if len(address) > ADDRESS_MAX:
        raise ServiceError(f"通讯地址不超过 {ADDRESS_MAX} 字。", field="address")

    org.name = name
    org.code = code
    org.contact_phone = (phone or None) if is_bureau else None
    org.address = (address or None) if is_bureau else None
    org.kind = data.kind
    org.bureau_tier = bureau_tier
    org.tier = tier
    org.parent = parent
    org.has_system_guidance = bool(data.has_system_guidance) and not is_bureau
    org.authority_status = authority
    org.acts_as_county = bool(data.acts_as_county)
    org.active = bool(data.active)


def _readable(org: Organisation) -> dict[str, str]:
    """What the admin trail says about an organisation, in the words of the form."""
    return {
        "名称": org.name,
        "简码": org.code,
        "类别": org.kind_label,
        "级别": org.tier_label,
        "上级单位": org.parent.name if org.parent is not None else "无",
        "考评权限": org.authority_status_label,
        "承担系统档案工作指导任务": "是" if org.has_system_guidance else "否",
        "兼行县级职能": "是" if org.acts_as_county else "否",
        "联系电话": org.contact_phone or "",
        "通讯地址": org.address or "",
        "状态": "启用" if org.active else "停用",
    }


def create_organisation(
    data: OrganisationData, *, actor: User | None = None, actor_name: str = ""
) -> Organisation:
    """``actor`` None: the system or a command (``actor_name`` says which); the change is audited either way."""
    with transaction():
        org = Organisation()
        _apply(org, data)
        db.session.add(org)
        db.session.flush()
        details = "；".join(f"{label}：{value}" for label, value in _readable(org).items() if value)
        record_admin_change(
            "organisation",
            org.id,
            "organisation_created",
            actor=actor,
            actor_name=actor_name,
            comment=f"新建单位「{org.name}」：{details}",
        )
    return org


def update_organisation(
    org_id: int, data: OrganisationData, *, actor: User | None = None, actor_name: str = ""
) -> Organisation:
    with transaction():
        org = db.session.get(Organisation, org_id)
        if org is None:
            raise NotFound("单位不存在。")
        before = _readable(org)
        # no_autoflush: half-applied changes must not reach the database while we still validate
        with db.session.no_autoflush:
            _apply(org, data)
        record_admin_change(
            "organisation",
            org.id,
            "organisation_updated",
            actor=actor,
            actor_name=actor_name,
            comment=f"修改单位「{org.name}」：{describe_changes(before, _readable(org))}",
        )
    return org


def roots() -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.parent_id.is_(None)).order_by(Organisation.id)
        )
    )


def subtree_ids(org_id: int) -> sa.Select[tuple[int]]:
    """A SELECT of ``org_id`` and the id of every organisation below it (the closure table, one index range).

    Meant as a subquery (``column.in_(subtree_ids(org))``) or a join, never to be run and sent back as a literal
    list: a province's subtree holds tens of thousands of organs."""
    return sa.select(OrganisationTree.descendant_id).where(OrganisationTree.ancestor_id == skewed_key(org_id))


def below_ids(org_id: int) -> sa.Select[tuple[int]]:
    """`subtree_ids` without ``org_id`` itself: the organisations strictly below it."""
    return subtree_ids(org_id).where(OrganisationTree.depth > 0)


def subtree_bureau_ids(org_id: int, *, strictly_below: bool = False) -> sa.Select[tuple[int]]:
    """A SELECT of the *bureaus* in ``org_id``'s subtree (itself included unless ``strictly_below``), read from
    a named CTE (``bureaus_under_<id>`` / ``bureaus_below_<id>``).

    Built once per process for each bureau (SQLAlchemy's constructs are immutable: every caller that adds to it
    gets a new one); building it again on every page cost more than running it. Never evicted: a statement that
    meets two different CTE objects of one name fails to compile, and the conditions built from this one are
    cached too (one entry per bureau, ~240 in a province).

    A case's function columns only ever name bureaus, and a province has ~120 of them against ~40,000 organs:
    written from the bureaus (index on ``organisations.kind``) with a probe of the closure table each, the
    database reads ~120 rows instead of materialising the province's whole subtree for every IN. A visibility
    test asks it once per function column (six, and the filings): as a CTE the set is computed once per
    statement, where six subqueries were each planned and run on their own — on PostgreSQL a city's list count
    went from 1.3 ms planning and 10.3 ms running to 0.4 and 2.8 (the planner had hashed the city's 6,000 closure
    rows for each of the seven); SQLite runs it in the same time either way.

    Built under a lock: ``functools.cache`` lets two threads that miss at once each build one, and a statement
    that then met both (a condition kept by `permissions.standing_within` from the first, a page's from the
    second) failed with "Multiple, unrelated CTEs found with the same name" (seen once in 1,600 worklist requests
    under gunicorn's threaded workers; ``kaoping run``'s development server is threaded too)."""
    key = (int(org_id), strictly_below)
    built = _SUBTREE_BUREAUS.get(key)
    if built is None:
        with _SUBTREE_BUREAUS_LOCK:
            built = _SUBTREE_BUREAUS.get(key)
            if built is None:
                built = _SUBTREE_BUREAUS[key] = _subtree_bureaus(*key)
    return built


#: `subtree_bureau_ids`' statements, one per bureau and side, for the process's life
_SUBTREE_BUREAUS: dict[tuple[int, bool], sa.Select[tuple[int]]] = {}
_SUBTREE_BUREAUS_LOCK = threading.Lock()


def _subtree_bureaus(org_id: int, strictly_below: bool) -> sa.Select[tuple[int]]:
    tree = aliased(OrganisationTree)
    within = [tree.ancestor_id == skewed_key(org_id), tree.descendant_id == Organisation.id]
    if strictly_below:
        within.append(tree.depth > 0)
    bureaus = (
        sa.select(Organisation.id)
        .where(
            Organisation.kind == skewed_key(OrgKind.BUREAU),
            sa.exists().where(*within).correlate(Organisation),
        )
        .cte(f"bureaus_{'below' if strictly_below else 'under'}_{int(org_id)}")
    )
    return sa.select(bureaus.c.id)


def rebuild_organisation_tree(connection: sa.Connection | None = None) -> int:
    """Rebuild the closure table from ``organisations.parent_id`` (set-based, one recursive query); returns the
    number of rows. The ORM keeps the table right by itself; this is for bulk loads that bypass the ORM and for
    the migration's backfill. A cycle in ``parent_id`` (the admin refuses one) cannot loop: depth is bounded."""
    connection = connection or db.session.connection()
    tree = OrganisationTree.__table__
    orgs = Organisation.__table__
    walk = (
        sa.select(
            orgs.c.id.label("ancestor_id"), orgs.c.id.label("descendant_id"), sa.literal(0).label("depth")
        )
    ).cte("walk", recursive=True)
    walk = walk.union_all(
        sa.select(orgs.c.parent_id, walk.c.descendant_id, walk.c.depth + 1)
        .select_from(walk.join(orgs, orgs.c.id == walk.c.ancestor_id))
        .where(orgs.c.parent_id.is_not(None), walk.c.depth < MAX_TREE_DEPTH)
    )
    connection.execute(tree.delete())
    connection.execute(
        tree.insert().from_select(
            ["ancestor_id", "descendant_id", "depth"],
            sa.select(walk.c.ancestor_id, walk.c.descendant_id, walk.c.depth),
        )
    )
    return int(connection.scalar(sa.select(sa.func.count()).select_from(tree)) or 0)


#: province → city → county → organ is four levels; anything deeper than this is a cycle, not a tree
MAX_TREE_DEPTH = 16
