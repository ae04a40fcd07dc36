"""Information articles (信息稿件报送) as a feature: the unit's and the office's pages, the API, worklist, timers."""

from webapp.articles import api, home, ledger, nav, office, publishing, requests, template_helpers, unit
from webapp.articles.commands import articles_command
from webapp.articles.requests.views import TRAIL_LABELS
from webapp.articles.services import (
    adoption_changes,
    forwarding,
    ledger_revision,  # noqa: F401 - installs the listeners that keep it
    office_settings,
)
from webapp.articles.services.article_page import TIMELINE_LABELS
from webapp.articles.services.audit_names import audit_subject_names
from webapp.core.feature import Feature
from webapp.core.services.audit import register_event_labels
from workflow.articles import PROCEDURE

FEATURE = Feature(
    name="articles",
    label="信息稿件报送",
    procedure=PROCEDURE,
    blueprints=(unit.bp, office.bp, publishing.bp, requests.bp, ledger.bp),
    register_api=api.register_api,
    app_commands=(articles_command,),
    template_helpers=template_helpers.register_template_helpers,
    worklist=home.worklist,
    overdue_count=home.overdue_count,
    nav=nav.nav,
    tick=home.tick,
    audit_subject_names=audit_subject_names,
)
# the auditor's page names the trails' events as the article and office pages do
#: a publication issue's trail (its page shows the issue itself, not the trail)
ISSUE_TRAIL_LABELS = {
    "issue_created": "新建期刊",
    "items_added": "编入稿件",
    "issue_locked": "期刊锁定",
    "corrected": "期刊勘误",
}
for _labels in (
    TIMELINE_LABELS,
    TRAIL_LABELS,
    ISSUE_TRAIL_LABELS,
    forwarding.EVENT_LABELS,
    office_settings.EVENT_LABELS,
    adoption_changes.EVENT_LABELS,
):
    register_event_labels(_labels)
