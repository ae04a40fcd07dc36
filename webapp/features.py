"""The one place feature packages are registered: the shared core, the shared scoring engines, each procedure.

The application factory (`webapp.create_app`) and the ``kaoping`` command read only `FEATURES`. A new procedure
adds its package (``webapp/<name>/`` with a ``declaration.py``) and one line here; see docs/architecture.md.
"""

from webapp.articles.declaration import FEATURE as ARTICLES
from webapp.campaigns.declaration import FEATURE as CAMPAIGNS
from webapp.core import api
from webapp.core.declaration import FEATURE as CORE
from webapp.core.feature import Feature
from webapp.grading.declaration import FEATURE as GRADING
from webapp.scoring.declaration import FEATURE as SCORING

FEATURES: tuple[Feature, ...] = (CORE, SCORING, GRADING, ARTICLES, CAMPAIGNS)

# Blueprints take routes only until they are first registered, so every feature's API routes are added here,
# once per process, not in the application factory (which tests call many times).
for _feature in FEATURES:
    if _feature.register_api is not None:
        _feature.register_api(api.bp)
