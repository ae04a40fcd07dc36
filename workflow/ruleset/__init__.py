"""A ruleset: everything regulation-specific (levels, pass lines, days, windows, authority, quotes, switches).

The code in `workflow/` knows the *shape* of a grading procedure; a ruleset fills in one province's numbers and
words. `parse_ruleset` turns plain data (a TOML document, already read by `config/rulesets.py`) into frozen
dataclasses and refuses anything it does not understand, naming the file and the field.

- `model`: the frozen dataclasses (`Ruleset` and its parts); `parse`: `parse_ruleset`, validating as it reads.
"""

from workflow.ruleset.model import WAITABLE_STATES, CalendarSettings, Kind, Level, MonthDay, Ruleset
from workflow.ruleset.parse import parse_ruleset

__all__ = ["WAITABLE_STATES", "CalendarSettings", "Kind", "Level", "MonthDay", "Ruleset", "parse_ruleset"]
