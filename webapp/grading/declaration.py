"""Archive-work grading (机关档案工作目标管理等级考评) as a feature: its pages per audience, its API and commands."""

from webapp.core.feature import Feature
from webapp.core.services.audit import register_event_labels
from webapp.grading import api, bureau, cases, home, public, review, template_helpers, unit
from webapp.grading.cases.views import TIMELINE_LABELS
from webapp.grading.commands import authority_command
from webapp.grading.services.audit_names import audit_subject_names
from webapp.grading.services.sheet_subject import GradingSheets
from webapp.scoring.models import CASE_SUBJECT
from webapp.scoring.services.scoresheets.subject import register_procedure
from workflow.grading import PROCEDURE

FEATURE = Feature(
    name="grading",
    label="档案工作等级考评",
    procedure=PROCEDURE,
    blueprints=(unit.bp, cases.bp, review.bp, public.bp, bureau.bp),
    register_api=api.register_api,
    cli_commands=(authority_command,),
    template_helpers=template_helpers.register_template_helpers,
    worklist=home.worklist,
    overdue_count=home.overdue_count,
    nav=home.nav,
    home_panels=home.home_panels,
    tick=home.tick,
    audit_subject_names=audit_subject_names,
    tick_listings=("recheck_due",),  # organs that must apply (ARC-11.2): listed, not changed
)

# a grading case is the subject of the score sheets: grading hands the sheet code its context (issue 8)
register_procedure(CASE_SUBJECT, GradingSheets())
# the auditor's page names every event of the case trail as the case page does
register_event_labels(TIMELINE_LABELS)
