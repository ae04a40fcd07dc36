"""/help/interpretations: our reading of each gap in the regulation, with the article it belongs to."""

from __future__ import annotations

from flask import render_template

from config.interpretations import load_readings
from webapp.core.auth.permissions import login_required
from webapp.core.rulesets import selected_ruleset


@login_required
def interpretations() -> str:
    ruleset = selected_ruleset()
    readings = list(load_readings(ruleset.id).values())
    return render_template(
        "help/interpretations.html",
        ruleset=ruleset,
        readings=readings,
        quotes={reading.rule: ruleset.rule_texts[reading.rule].quote for reading in readings},
    )
