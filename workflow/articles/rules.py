"""The rules the article procedure cites: where each is and what it says, so every refusal quotes it.

The texts live in ``config/articles/rules.toml`` (data); `config.articles.load_rules` reads them into
`ArticleRules`, which the guards receive as their ``rules`` (as grading's guards receive the ruleset).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workflow.errors import Refusal


@dataclass(frozen=True)
class RuleText:
    #: The document (``《市组工信息工作考评办法》``).
    source: str
    #: The part of it (``六、相关工作要求``).
    article: str
    #: The key phrase, simplified Chinese.
    quote: str


@dataclass(frozen=True)
class ArticleRules:
    texts: Mapping[str, RuleText]

    def cite(self, rule: str, detail: str | None = None) -> str:
        """「依据《市组工信息工作考评办法》六、相关工作要求：信息应由…审阅 · ZG-6.1（detail）」."""
        text = self.texts[rule]
        message = f"依据{text.source}{text.article}：{text.quote} · {rule}"
        return f"{message}（{detail}）" if detail else message

    def refusal(self, code: str, rule: str, detail: str | None = None) -> Refusal:
        return Refusal(code, self.cite(rule, detail), rule)
