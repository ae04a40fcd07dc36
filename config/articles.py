"""The rule texts the article procedure quotes, from ``config/articles/rules.toml``."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from workflow.articles.rules import ArticleRules, RuleText
from workflow.errors import RulesetError

RULES_FILE = Path(__file__).resolve().parent / "articles" / "rules.toml"


def parse_rules(data: dict[str, object], source: str) -> ArticleRules:
    sources = data.get("sources")
    rules = data.get("rules")
    if not isinstance(sources, dict) or not isinstance(rules, dict):
        raise RulesetError(source, "", "needs [sources] and [rules.…] tables")
    for prefix, name in sources.items():
        if not isinstance(name, str) or not name.strip():
            raise RulesetError(source, f"sources.{prefix}", "needs the document's name (text)")
    texts: dict[str, RuleText] = {}
    for rule_id, entry in rules.items():
        prefix = rule_id.split("-", 1)[0]
        if prefix not in sources:
            raise RulesetError(source, f"rules.{rule_id}", f"no source named {prefix!r} in [sources]")
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("article", "quote")
        ):
            raise RulesetError(source, f"rules.{rule_id}", "needs article and quote (text)")
        for key in ("article", "quote"):
            # People read the quote in every refusal: an empty one would cite the rule without saying it.
            if not entry[key].strip():
                raise RulesetError(source, f"rules.{rule_id}.{key}", "is empty")
        texts[rule_id] = RuleText(str(sources[prefix]), entry["article"], entry["quote"])
    return ArticleRules(texts)


@lru_cache(maxsize=1)
def load_rules() -> ArticleRules:
    """The article rules (cached: the file is read once per process)."""
    with RULES_FILE.open("rb") as handle:
        return parse_rules(tomllib.load(handle), RULES_FILE.name)
