"""The ledger scoring engine (台账计分): records of the submission flow → points by period (issue 10).

Pure and stdlib-only. `parse_ledger_scheme` validates a scheme mapping; `score_ledger` scores a roster's
records for a period; `score_cadre` scores CAD events per person; `rows` turns imported rows into records.
"""

from workflow.scoring.ledger.cadre import score_cadre
from workflow.scoring.ledger.engine import runs_by_unit, score_ledger, split_by_month
from workflow.scoring.ledger.errors import LedgerError
from workflow.scoring.ledger.parsing import parse_ledger_scheme
from workflow.scoring.ledger.period import Period, parse_period
from workflow.scoring.ledger.records import (
    Adoption,
    CadreEvent,
    Claim,
    Incident,
    Instruction,
    Records,
    Submission,
    Unit,
)
from workflow.scoring.ledger.result import LedgerResult, Line, UnitResult
from workflow.scoring.ledger.scheme import LedgerScheme

__all__ = [
    "Adoption",
    "CadreEvent",
    "Claim",
    "Incident",
    "Instruction",
    "LedgerError",
    "LedgerResult",
    "LedgerScheme",
    "Line",
    "Period",
    "Records",
    "Submission",
    "Unit",
    "UnitResult",
    "parse_ledger_scheme",
    "parse_period",
    "runs_by_unit",
    "score_cadre",
    "score_ledger",
    "split_by_month",
]
