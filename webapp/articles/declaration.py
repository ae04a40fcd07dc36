"""Information articles (信息稿件报送) as a feature: the unit's and the office's pages, the API, worklist, timers."""

from webapp.articles import api, home, ledger, nav, office, publishing, requests, template_helpers, unit
from webapp.articles.commands import articles_command
from webapp.core.feature import Feature
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
)
