"""The campaign procedure's refusals (subclasses of `webapp.core.services.errors.ServiceError`)."""

from __future__ import annotations

from webapp.core.services.errors import RuleRefused, Stale

#: Domain refusals about a value the person typed: 400 with the form field to show the message beside.
INPUT_REFUSALS: dict[str, str] = {
    "reason_missing": "reason",
    "reason_too_long": "reason",
}


class Refused(RuleRefused):
    """The domain or the permission check said no, quoting the rule (403 / 400 with the field / 409)."""

    INPUT_FIELDS = INPUT_REFUSALS


__all__ = ["INPUT_REFUSALS", "Refused", "Stale"]
