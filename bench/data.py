"""The benchmark's data generator: extra organs under 夷陵区档案局, each with a 省二级 application lodged
through the real services (so permissions, guards and audit rows are the real ones)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from webapp.core.extensions import db
from webapp.core.models import Organisation, OrganTier, OrgKind, User, UserRole
from webapp.grading.services import attachments, cases

APPLIED_ON = date(2027, 1, 4)
PRECONDITIONS = {f"ARC-5.{n}": True for n in range(1, 7)}


def applied_cases(count: int, *, bureau_code: str = "yc-yl") -> int:
    """`count` county-direct organs with one applied 省二级 evaluation each, on the county bureau's worklist."""
    bureau = db.session.scalar(sa.select(Organisation).where(Organisation.code == bureau_code))
    assert bureau is not None, bureau_code
    for n in range(count):
        organ = Organisation(
            code=f"bench-{n}",
            name=f"基准测试机关{n:04d}",
            kind=OrgKind.ORGAN,
            tier=OrganTier.COUNTY_DIRECT,
            parent=bureau,
        )
        user = User(
            username=f"bench-unit-{n}",
            display_name=f"基准申报员{n}",
            organisation=organ,
            role_rows=[UserRole(role="unit_applicant")],
        )
        user.set_password("bench", method="pbkdf2:sha256:1000")
        db.session.add_all([organ, user])
        db.session.commit()
        case = cases.open_case(
            user, level="second", kind="evaluation", preconditions=PRECONDITIONS, today=APPLIED_ON
        )
        form = FileStorage(BytesIO(b"%PDF-1.4\n"), filename="form.pdf", content_type="application/pdf")
        attachments.upload_attachment(user, case.id, "application_form", form, today=APPLIED_ON)
        cases.fire_event(user, case.id, "apply", today=APPLIED_ON)
    return count
