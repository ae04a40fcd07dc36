"""The ledger pages quote every rule they cite (「计分依据」, ledger_pages.citations): each regulation rule a ledger
scheme names must have its words in config/articles/rules.toml, or the page silently drops it from the list."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest

from config.articles import load_rules
from config.ledger_schemes import PATTERN, SCHEMES_DIR

# Rules whose passage the seed text lacks (truncated or unreadable), so nothing can be quoted for them. Empty:
# every rule the schemes cite is readable in its seed (CAD-7.1's ranking phrase comes before 002's truncation,
# CAD-6.1's national clause before its scrambled sentence).
MISSING_PASSAGES: frozenset[str] = frozenset()


ASCII_LETTER = re.compile(r"[A-Za-z]")


def _rules_named(node: Any) -> Iterator[str]:
    """Every value of a ``rule`` or ``…_rule`` key, at any depth (tables, arrays of tables, inline tables)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if (key == "rule" or key.endswith("_rule")) and isinstance(value, str):
                yield value
            else:
                yield from _rules_named(value)
    elif isinstance(node, list):
        for item in node:
            yield from _rules_named(item)


def _cited_rules() -> set[str]:
    """The regulation rules the shipped ledger schemes cite; GAP-n are our readings, not rules, and have no quote."""
    cited: set[str] = set()
    for path in sorted(SCHEMES_DIR.glob(PATTERN)):
        with path.open("rb") as handle:
            cited.update(_rules_named(tomllib.load(handle)))
    return {rule for rule in cited if not rule.startswith("GAP-")}


def test_the_rules_the_ledger_schemes_cite_are_collected_from_every_scheme_and_every_kind_of_key():
    cited = _cited_rules()
    # one per scheme, from a top-level key (ZG-6.6 cutoff_rule), an array of tables (CAD-7.1 events), a nested
    # table's key (INF-3.6 direct_rule) and an inline table in an array (INF-3.5 advanced pools)
    assert {"ZG-6.6", "CAD-7.1", "INF-3.6", "INF-3.5", "PUB-4.8"} <= cited
    assert {rule.split("-")[0] for rule in cited} == {"ZG", "INF", "PUB", "CAD"}


def test_every_rule_a_ledger_scheme_cites_has_its_words_in_the_rules_file():
    quoted = set(load_rules().texts)
    unquoted = _cited_rules() - quoted - MISSING_PASSAGES
    assert not unquoted, f"no quote in config/articles/rules.toml for: {sorted(unquoted)}"


def test_the_exceptions_name_only_rules_the_schemes_cite_and_a_missing_passage_has_no_quote():
    cited = _cited_rules()
    assert cited >= MISSING_PASSAGES
    assert not MISSING_PASSAGES & set(load_rules().texts), "a quoted rule is still listed as missing"


@pytest.mark.parametrize("rule", sorted(load_rules().texts))
def test_every_quote_is_chinese_words_without_ascii_letters_or_the_sources_redaction(rule: str):
    quote = load_rules().texts[rule].quote
    assert quote.strip(), rule
    assert not ASCII_LETTER.search(quote), f"{rule}: {quote}"
    # the source redacts the city as ** (《**组工信息》); people read the office's own name, never the mark
    assert "*" not in quote, f"{rule}: {quote}"
