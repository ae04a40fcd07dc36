"""Our readings of the gaps in a ruleset's regulation, in Chinese, from `config/interpretations/<ruleset>.toml`.

People read the regulation's article and these words (the help page, refusals whose rule is a gap); the gap ids
(GAP-9 …) stay in the API's ``rule`` field and in tooltips. Each reading names the nearest rule of the regulation,
which must be one the ruleset can quote, so a gap is always cited by a real article.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from config.rulesets import load_ruleset
from workflow.errors import RulesetError

#: One file per ruleset, named like it.
INTERPRETATIONS_DIR = Path(__file__).resolve().parent / "interpretations"


@dataclass(frozen=True)
class Reading:
    """How we read one gap of the regulation."""

    #: Gap id from the digest (``GAP-9``); the anchor on the help page is its lower-case form.
    id: str
    #: The nearest rule of the regulation (``ARC-10.3.1``): its article is what people see.
    rule: str
    #: Article label of `rule` (``第十条``), from the ruleset's rule texts.
    article: str
    #: What the gap is about, in Chinese.
    topic: str
    #: Our reading, in Chinese.
    reading: str

    @property
    def anchor(self) -> str:
        return self.id.lower()


@lru_cache(maxsize=8)
def load_readings(ruleset_id: str) -> dict[str, Reading]:
    """Readings by gap id, in file order; empty for a ruleset without a readings file."""
    path = INTERPRETATIONS_DIR / f"{ruleset_id}.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RulesetError(path.name, "", f"invalid TOML: {error}") from None
    ruleset = load_ruleset(ruleset_id)
    readings: dict[str, Reading] = {}
    for index, row in enumerate(data.get("readings", [])):
        where = f"readings[{index}]"
        for key in ("id", "rule", "topic", "reading"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise RulesetError(path.name, f"{where}.{key}", "missing or not a text")
        if row["id"] in readings:
            raise RulesetError(path.name, f"{where}.id", f"duplicate {row['id']}")
        text = ruleset.rule_texts.get(row["rule"])
        if text is None:
            raise RulesetError(
                path.name, f"{where}.rule", f"{row['rule']} has no text in ruleset {ruleset_id}"
            )
        readings[row["id"]] = Reading(row["id"], row["rule"], text.article, row["topic"], row["reading"])
    return readings
