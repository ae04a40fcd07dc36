"""Table scoring (评分表): this package's names are its public API. `entries` reads what people record,
`scorer` computes one sheet (with `rules` for the measured and claimed rule kinds), `results` holds what it
gives, and `ranking` grades units by rank (STA-4.1). `SheetError` and `RankingError` are what they raise."""

from workflow.scoring.errors import RankingError, SheetError
from workflow.scoring.table.entries import BonusClaim, ItemEntry, parse_sheet
from workflow.scoring.table.ranking import rank_grades
from workflow.scoring.table.results import ItemResult, SectionResult, SheetResult
from workflow.scoring.table.scorer import score_sheet

__all__ = [
    "BonusClaim",
    "ItemEntry",
    "ItemResult",
    "SectionResult",
    "SheetResult",
    "parse_sheet",
    "rank_grades",
    "score_sheet",
    "RankingError",
    "SheetError",
]
