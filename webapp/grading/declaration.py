"""Archive-work grading (机关档案工作目标管理等级考评) as a feature: its pages per audience, its API and commands."""

from webapp.core.feature import Feature
from webapp.grading import api, bureau, cases, public, review, unit
from webapp.grading.commands import authority_command, diagram_command

FEATURE = Feature(
    name="grading",
    label="档案工作等级考评",
    blueprints=(unit.bp, cases.bp, review.bp, public.bp, bureau.bp),
    register_api=api.register_api,
    cli_commands=(authority_command, diagram_command),
)
