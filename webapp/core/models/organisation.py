"""The organisation tree: archive bureaus (province → city → county) and the organs (units) under them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now


class OrgKind(StrEnum):
    BUREAU = "bureau"
    ORGAN = "organ"


class BureauTier(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class OrganTier(StrEnum):
    PROVINCIAL_DIRECT = "provincial_direct"
    CITY_DIRECT = "city_direct"
    COUNTY_DIRECT = "county_direct"
    TOWNSHIP = "township"


class AuthorityStatus(StrEnum):
    """ARC-12.2 / §5.3: a bureau's evaluation authority."""

    ACTIVE = "active"
    UNDER_RECTIFICATION = "under_rectification"
    SUSPENDED = "suspended"


KIND_LABELS = {OrgKind.BUREAU: "档案局", OrgKind.ORGAN: "机关（单位）"}


def bureau_tier_labels() -> Mapping[str, str]:
    """Bureau tier → the selected ruleset's name for it (省档案局, 市州级档案局, 县级档案局 in hubei-2011)."""
    from webapp.core.rulesets import selected_ruleset  # reads the settings table, itself a model here

    return selected_ruleset().bureau_tier_names


def organ_tier_labels() -> Mapping[str, str]:
    """Applicant tier → the selected ruleset's name for it (省直机关 …), highest first."""
    from webapp.core.rulesets import selected_ruleset

    return selected_ruleset().tier_names


AUTHORITY_STATUS_LABELS = {
    AuthorityStatus.ACTIVE: "正常",
    AuthorityStatus.UNDER_RECTIFICATION: "限期整改",
    AuthorityStatus.SUSPENDED: "中止考评权限",
}

#: Which bureau tier an organ of each tier hangs under (ARC-10.1.1 "同级档案局"; GAP-17 for townships).
PARENT_BUREAU_TIER = {
    OrganTier.PROVINCIAL_DIRECT: BureauTier.PROVINCE,
    OrganTier.CITY_DIRECT: BureauTier.CITY,
    OrganTier.COUNTY_DIRECT: BureauTier.COUNTY,
    OrganTier.TOWNSHIP: BureauTier.COUNTY,
}


class OrganisationNames:
    """What an organisation is called by its kind and tier, from its columns alone: shared by the mapped
    `Organisation` and the plain records a long list reads instead (`webapp.grading.services.case_rows`)."""

    __slots__ = ()
    kind: str
    bureau_tier: str | None
    tier: str | None

    @property
    def is_bureau(self) -> bool:
        return self.kind == OrgKind.BUREAU

    @property
    def is_organ(self) -> bool:
        return self.kind == OrgKind.ORGAN

    @property
    def tier_label(self) -> str:
        if self.is_bureau:
            return bureau_tier_labels().get(self.bureau_tier or "", self.bureau_tier or "")
        return organ_tier_labels().get(self.tier or "", self.tier or "")


class Organisation(OrganisationNames, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('bureau', 'organ')", name="kind"),
        sa.CheckConstraint(
            "(kind = 'bureau' AND bureau_tier IS NOT NULL AND tier IS NULL)"
            " OR (kind = 'organ' AND tier IS NOT NULL AND bureau_tier IS NULL)",
            name="tier_matches_kind",
        ),
        # issue 12: "the bureaus under X" starts from the ~120 bureaus, not from X's ~40,000 organs
        sa.Index("ix_organisations_kind", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: short stable code used in URLs, demo data and exports (e.g. ``hb``, ``yc-czj``)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    #: bureaus only: province | city | county
    bureau_tier: Mapped[str | None] = mapped_column(sa.String(10))
    #: organs only: provincial_direct | city_direct | county_direct | township
    tier: Mapped[str | None] = mapped_column(sa.String(20))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    #: organs: has a task of guiding archive work in its system (ARC-4.2, needed for 省特级)
    has_system_guidance: Mapped[bool] = mapped_column(default=False)
    #: bureaus: evaluation authority (ARC-12.2); NULL for organs
    authority_status: Mapped[str | None] = mapped_column(sa.String(24))
    #: city-level bureau that also performs the county functions (直管市, 神农架林区; GAP-23)
    acts_as_county: Mapped[bool] = mapped_column(default=False)
    #: bureaus: where the public reaches the bureau about a notice (公示联系电话、通讯地址)
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(back_populates="parent", order_by="Organisation.id")

    def __repr__(self) -> str:
        return f"<Organisation {self.code} {self.name}>"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)  # type: ignore[call-overload]

    @property
    def authority_status_label(self) -> str:
        return AUTHORITY_STATUS_LABELS.get(self.authority_status, "")  # type: ignore[call-overload]

    def ancestors(self) -> list[Organisation]:
        """Parents, nearest first (stops on a cycle rather than looping)."""
        chain: list[Organisation] = []
        seen = {self.id}
        node = self.parent
        while node is not None and node.id not in seen:
            chain.append(node)
            seen.add(node.id)
            node = node.parent
        return chain

    def bureau_chain(self) -> list[Organisation]:
        """Ancestor bureaus, nearest first: for an organ its own-level bureau, then the bureaus above it."""
        return [org for org in self.ancestors() if org.is_bureau]

    def descendants(self) -> list[Organisation]:
        out: list[Organisation] = []
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out


def parent_problem(
    kind: str, bureau_tier: str | None, tier: str | None, parent: Organisation | None
) -> str | None:
    """Why ``parent`` cannot hold an organisation of this kind and tier (Chinese), or None if it can."""
    if kind == OrgKind.BUREAU:
        if bureau_tier == BureauTier.PROVINCE:
            return f"{bureau_tier_labels()[bureau_tier]}不应有上级单位。" if parent is not None else None
        expected = BureauTier.PROVINCE if bureau_tier == BureauTier.CITY else BureauTier.CITY
        if parent is None or not parent.is_bureau or parent.bureau_tier != expected:
            names = bureau_tier_labels()
            return f"{names[BureauTier(bureau_tier)]}的上级必须是{names[expected]}。"
        return None
    if tier is None:
        return "请选择机关层级。"
    organ_tier = OrganTier(tier)
    expected = PARENT_BUREAU_TIER[organ_tier]
    if parent is None or not parent.is_bureau:
        return "机关必须挂在同级档案局之下。"
    if parent.bureau_tier == expected:
        return None
    # 直管市 / 神农架林区: the city-level bureau performs the county functions (GAP-23).
    if expected == BureauTier.COUNTY and parent.bureau_tier == BureauTier.CITY and parent.acts_as_county:
        return None
    return f"{organ_tier_labels()[organ_tier]}应挂在{bureau_tier_labels()[expected]}之下。"


class OrganisationTree(db.Model):
    """The organisation tree as a closure table: one row per (ancestor, descendant) pair, the organisation
    itself included at depth 0 (issue 12).

    "Everything below the city bureau" is then one indexed lookup (``ancestor_id = :city``) that a list query
    joins or uses as a subquery, instead of walking ``parent_id`` in Python and sending ~120 literal ids. Kept
    right by the mapper events below whenever an organisation is inserted, re-parented or deleted through the
    ORM; bulk loads that bypass the ORM call `webapp.core.services.organisations.rebuild_organisation_tree`.
    """

    __tablename__ = "organisation_tree"

    ancestor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    descendant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: 0 for the organisation itself, 1 for its parent, …
    depth: Mapped[int] = mapped_column()


def _tree_rows_for(connection: sa.Connection, org_id: int, parent_id: int | None) -> None:
    """Rows linking a new leaf ``org_id`` to itself and to every ancestor of ``parent_id``."""
    tree = OrganisationTree.__table__
    connection.execute(tree.insert().values(ancestor_id=org_id, descendant_id=org_id, depth=0))
    if parent_id is not None:
        connection.execute(
            tree.insert().from_select(
                ["ancestor_id", "descendant_id", "depth"],
                sa.select(tree.c.ancestor_id, sa.literal(org_id), tree.c.depth + 1).where(
                    tree.c.descendant_id == parent_id
                ),
            )
        )


def move_subtree(connection: sa.Connection, org_id: int, parent_id: int | None) -> None:
    """Re-hang ``org_id`` and everything below it under ``parent_id`` (None: a root): the rows linking the
    subtree to its old ancestors go, rows to the new ones come (the subtree's inner rows stay)."""
    tree = OrganisationTree.__table__
    subtree = sa.select(tree.c.descendant_id).where(tree.c.ancestor_id == org_id).scalar_subquery()
    connection.execute(
        tree.delete().where(tree.c.descendant_id.in_(subtree), tree.c.ancestor_id.not_in(subtree))
    )
    if parent_id is None:
        return
    above = tree.alias("above")
    below = tree.alias("below")
    connection.execute(
        tree.insert().from_select(
            ["ancestor_id", "descendant_id", "depth"],
            sa.select(above.c.ancestor_id, below.c.descendant_id, above.c.depth + below.c.depth + 1)
            .select_from(above.join(below, sa.true()))
            .where(above.c.descendant_id == parent_id, below.c.ancestor_id == org_id),
        )
    )


@sa.event.listens_for(Organisation, "after_insert")
def _organisation_inserted(mapper: object, connection: sa.Connection, target: Organisation) -> None:
    # the unit of work inserts a parent before its children, so the parent's rows are already there
    _tree_rows_for(connection, target.id, target.parent_id)


@sa.event.listens_for(Organisation, "after_update")
def _organisation_updated(mapper: object, connection: sa.Connection, target: Organisation) -> None:
    state = sa.inspect(target)
    if state.attrs.parent_id.history.has_changes() or state.attrs.parent.history.has_changes():
        move_subtree(connection, target.id, target.parent_id)


@sa.event.listens_for(Organisation, "before_delete")
def _organisation_deleted(mapper: object, connection: sa.Connection, target: Organisation) -> None:
    tree = OrganisationTree.__table__
    connection.execute(
        tree.delete().where(sa.or_(tree.c.ancestor_id == target.id, tree.c.descendant_id == target.id))
    )
