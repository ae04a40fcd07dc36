"""Setting up an office that receives articles: its publications and class/form vocabularies (seeded from the
office's ledger scheme in ``config/schemes/ledger/``), the units that write to it and their groups.

Each public function is one transaction and is recorded in the office's audit trail (subject ``article_office``).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from config.ledger_schemes import load_ledger_scheme
from webapp.articles.models import ArticleOffice, OfficeUnit, Publication, VocabularyTerm
from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.core.services import transaction
from webapp.core.services.audit import append_event
from webapp.core.services.errors import Conflict, InvalidInput, NotFound
from workflow.scoring.ledger import LedgerError

SUBJECT = "article_office"


def setup_office(
    organisation_id: int,
    *,
    label: str,
    scheme_id: str | None,
    own_publications: Iterable[tuple[str, str]] = (),
    parent_id: int | None = None,
    first_report_minutes: int = 60,
    followup_minutes: int = 240,
    actor: User | None = None,
) -> ArticleOffice:
    """Make ``organisation_id`` an office: copy the publications, classes and forms of its ledger scheme (the
    office may edit them later) and add its own publications (``(code, name)``, the ones it edits issues of)."""
    with transaction():
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound("单位不存在。")
        if db.session.scalar(
            sa.select(ArticleOffice.id).where(ArticleOffice.organisation_id == organisation_id)
        ):
            raise Conflict(f"{organisation.name}已设为信息报送办公室。")
        if not 5 <= first_report_minutes <= 1440:
            raise InvalidInput("首报时限应在5分钟至24小时之间。", field="first_report_minutes")
        if not 30 <= followup_minutes <= 10080:
            raise InvalidInput("续报间隔应在30分钟至7天之间。", field="followup_minutes")
        office = ArticleOffice(
            organisation_id=organisation_id,
            label=label.strip()[:40] or "信息",
            scheme_id=scheme_id,
            parent_id=parent_id,
            first_report_minutes=first_report_minutes,
            followup_minutes=followup_minutes,
        )
        db.session.add(office)
        db.session.flush()
        position = 0
        own = list(own_publications)
        own_codes = {code for code, _ in own}
        for code, name in own:
            position += 1
            db.session.add(
                Publication(office_id=office.id, code=code, name=name, own=True, position=position)
            )
        if scheme_id:
            try:
                scheme = load_ledger_scheme(scheme_id)
            except LedgerError as error:
                raise InvalidInput(f"计分办法「{scheme_id}」无法读取：{error}", field="scheme_id") from None
            for publication in scheme.publications:
                if publication.id in own_codes:
                    continue
                position += 1
                db.session.add(
                    Publication(
                        office_id=office.id, code=publication.id, name=publication.name, position=position
                    )
                )
            for kind, terms in (("class", scheme.classes), ("form", scheme.forms)):
                for index, term in enumerate(terms, start=1):
                    db.session.add(
                        VocabularyTerm(
                            office_id=office.id, kind=kind, code=term.id, name=term.name, position=index
                        )
                    )
        append_event(
            SUBJECT, office.id, "office_created", actor=actor, comment=f"设为信息报送办公室（{office.label}）"
        )
    return office


def add_units(
    office_id: int, units: Iterable[tuple[int, str]], *, actor: User | None = None
) -> list[OfficeUnit]:
    """Units (``(organisation id, group code)``) that write to the office."""
    added: list[OfficeUnit] = []
    with transaction():
        office = db.session.get(ArticleOffice, office_id)
        if office is None:
            raise NotFound("办公室不存在。")
        for unit_id, group in units:
            if db.session.get(Organisation, unit_id) is None:
                raise NotFound("单位不存在。")
            row = db.session.scalar(
                sa.select(OfficeUnit).where(OfficeUnit.office_id == office_id, OfficeUnit.unit_id == unit_id)
            )
            if row is None:
                row = OfficeUnit(office_id=office_id, unit_id=unit_id, group_code=group)
                db.session.add(row)
            row.group_code, row.active = group, True
            added.append(row)
        db.session.flush()
        append_event(SUBJECT, office.id, "units_added", actor=actor, comment=f"报送单位增加{len(added)}个")
    return added
