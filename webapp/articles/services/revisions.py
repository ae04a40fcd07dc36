"""The versions of an article's text (every save that changes it is kept) and any two compared side by side.

The comparison runs in three steps so it stays fast on any text a person can store: paragraphs are aligned
first and a changed paragraph's sentences (split at 。！？；) next, both with the standard library's `difflib`;
a changed sentence is then compared character by character — the unit of Chinese text, which has no spaces
between words. The character step is Myers' O(ND) difference with a work budget rather than
`difflib.SequenceMatcher`, which is cubic on repetitive text (1,500 characters of 「abab…」 against
「aaaa…」 took 80 s): once the budget of a comparison is spent, a pair still to compare is marked changed whole.
Single equal characters stranded between changes are folded into the change, so a rewritten sentence reads
as one change rather than as confetti around each shared 「的」.

The result is plain data (`Row` of `Segment`); the HTML is made here with every character escaped, so a text
containing ``<script>`` is shown as typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import defer, selectinload

from webapp.articles.models import Article, ArticleRevision
from webapp.articles.services import articles
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.errors import NotFound

#: Steps of character comparison one comparison may spend (about a second of Python at worst); the pairs left
#: when it is spent are marked changed whole.
CHAR_BUDGET = 500_000
#: A sentence group differing in more characters than this is a rewrite: marked changed whole (the way back
#: keeps one frontier per edit, so this also bounds the memory).
MAX_EDITS = 300
#: What aligning one pair of paragraphs by sentence costs, in the same steps (so 25,000 one-line paragraphs
#: changed one by one cannot take longer than the budget allows either).
PAIR_COST = 100
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side view: ``equal``, ``changed`` (both sides, differences marked), ``removed``
    (left only) or ``added`` (right only)."""

    kind: str
    left: tuple[Segment, ...]
    right: tuple[Segment, ...]

    @property
    def left_html(self) -> Markup:
        return _html(self.left, "del")

    @property
    def right_html(self) -> Markup:
        return _html(self.right, "ins")


def _html(segments: Sequence[Segment], tag: str) -> Markup:
    parts = [
        Markup(f'<{tag} class="kp-diff-{tag}">{{}}</{tag}>').format(s.text) if s.changed else escape(s.text)
        for s in segments
    ]
    return Markup("").join(parts)


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    """Adjacent segments of the same kind as one; empty ones dropped."""
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].changed == segment.changed:
            merged[-1] = Segment(merged[-1].text + segment.text, segment.changed)
        else:
            merged.append(segment)
    return tuple(merged)


class _Budget:
    def __init__(self, steps: int = CHAR_BUDGET) -> None:
        self.steps = steps


_CHUNK = 32


def _common_run(a: str, x: int, b: str, y: int) -> int:
    """How many characters ``a[x:]`` and ``b[y:]`` share at their start (compared a chunk at a time)."""
    run = 0
    while a[x + run : x + run + _CHUNK] == b[y + run : y + run + _CHUNK] and x + run + _CHUNK <= len(a):
        run += _CHUNK
    while x + run < len(a) and y + run < len(b) and a[x + run] == b[y + run]:
        run += 1
    return run


def _myers(a: str, b: str, budget: _Budget) -> list[tuple[str, str]] | None:
    """The shortest edit script from ``a`` to ``b`` as runs ``("=", text)``, ``("-", text)``, ``("+", text)``
    (Myers 1986, greedy forward search with the frontier kept per step for the way back); None when the budget
    runs out or more than `MAX_EDITS` edits are needed."""
    n, m = len(a), len(b)
    frontier: dict[int, int] = {1: 0}
    trace: list[dict[int, int]] = []
    for d in range(min(n + m, MAX_EDITS) + 1):
        trace.append(frontier.copy())
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and frontier[k - 1] < frontier[k + 1]):
                x = frontier[k + 1]
            else:
                x = frontier[k - 1] + 1
            y = x - k
            run = _common_run(a, x, b, y)
            x, y = x + run, y + run
            budget.steps -= 1 + run // _CHUNK
            frontier[k] = x
            if x >= n and y >= m:
                return _script(a, b, trace)
        if budget.steps <= 0:
            return None
    return None


def _script(a: str, b: str, trace: list[dict[int, int]]) -> list[tuple[str, str]]:
    x, y = len(a), len(b)
    ops: list[tuple[str, str]] = []
    for d in range(len(trace) - 1, -1, -1):
        frontier = trace[d]
        k = x - y
        down = k == -d or (k != d and frontier[k - 1] < frontier[k + 1])
        prev_k = k + 1 if down else k - 1
        prev_x = frontier[prev_k]
        prev_y = prev_x - prev_k
        while x > prev_x and y > prev_y:
            ops.append(("=", a[x - 1]))
            x, y = x - 1, y - 1
        if d > 0:
            if x == prev_x:
                ops.append(("+", b[y - 1]))
            else:
                ops.append(("-", a[x - 1]))
        x, y = prev_x, prev_y
    ops.reverse()
    runs: list[tuple[str, str]] = []
    for op, char in ops:
        if runs and runs[-1][0] == op:
            runs[-1] = (op, runs[-1][1] + char)
        else:
            runs.append((op, char))
    return runs


def _fold_stranded(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """An equal run of one character between two changes becomes part of the change (both sides)."""
    out: list[tuple[str, str]] = []
    for index, (op, text) in enumerate(runs):
        stranded = (
            op == "="
            and len(text) == 1
            and 0 < index < len(runs) - 1
            and runs[index - 1][0] != "="
            and runs[index + 1][0] != "="
        )
        if stranded:
            out += [("-", text), ("+", text)]
        else:
            out.append((op, text))
    return out


def _chars(old: str, new: str, budget: _Budget) -> tuple[list[Segment], list[Segment]]:
    head = _common_run(old, 0, new, 0)
    tail = _common_run(old[head:][::-1], 0, new[head:][::-1], 0)
    middle_old, middle_new = old[head : len(old) - tail], new[head : len(new) - tail]
    left: list[Segment] = [Segment(old[:head], False)]
    right: list[Segment] = [Segment(new[:head], False)]
    runs = _myers(middle_old, middle_new, budget) if budget.steps > 0 else None
    if runs is None:
        runs = [("-", middle_old), ("+", middle_new)]
    for op, text in _fold_stranded(runs):
        if op != "+":
            left.append(Segment(text, op == "-"))
        if op != "-":
            right.append(Segment(text, op == "+"))
    left.append(Segment(old[len(old) - tail :], False))
    right.append(Segment(new[len(new) - tail :], False))
    return left, right


def _sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part]


def diff_line(old: str, new: str, budget: _Budget | None = None) -> Row:
    """One paragraph against another, its changed sentences compared character by character."""
    if old == new:
        return Row("equal", _merge([Segment(old, False)]), _merge([Segment(new, False)]))
    budget = budget or _Budget()
    if budget.steps <= 0:
        return Row("changed", _merge([Segment(old, True)]), _merge([Segment(new, True)]))
    budget.steps -= PAIR_COST
    a, b = _sentences(old), _sentences(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b).get_opcodes():
        if tag == "equal":
            text = "".join(a[i1:i2])
            left.append(Segment(text, False))
            right.append(Segment(text, False))
        elif tag == "replace":
            more_left, more_right = _chars("".join(a[i1:i2]), "".join(b[j1:j2]), budget)
            left += more_left
            right += more_right
        else:
            left.append(Segment("".join(a[i1:i2]), True))
            right.append(Segment("".join(b[j1:j2]), True))
    return Row("changed", _merge(left), _merge(right))


def _paragraphs(text: str) -> list[str]:
    return [line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]


#: Changed paragraphs are paired by likeness when a block is at most this many pairs (else in order).
PAIR_CELLS = 2500
#: Two paragraphs sharing less than this share of their character pairs are not one paragraph edited.
MIN_LIKENESS = 0.3


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset({text})


def _pairs(olds: list[str], news: list[str]) -> list[tuple[int | None, int | None]]:
    """Changed paragraphs paired in order, each with the most alike one (the pairing with the largest total
    likeness, by dynamic programming): a paragraph split, merged or moved does not shift every pair after it.
    ``(i, None)`` is removed, ``(None, j)`` added."""
    n, m = len(olds), len(news)
    if n * m > PAIR_CELLS:
        return [(i if i < n else None, i if i < m else None) for i in range(max(n, m))]
    old_grams, new_grams = [_bigrams(p) for p in olds], [_bigrams(p) for p in news]
    like = [[len(o & g) / max(len(o), len(g)) for g in new_grams] for o in old_grams]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            paired = best[i + 1][j + 1] + like[i][j] if like[i][j] >= MIN_LIKENESS else -1.0
            best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
    out: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        if like[i][j] >= MIN_LIKENESS and best[i][j] == best[i + 1][j + 1] + like[i][j]:
            out.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            out.append((i, None))
            i += 1
        else:
            out.append((None, j))
            j += 1
    out += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return out


def diff_texts(old: str, new: str) -> list[Row]:
    """Two texts side by side, paragraph by paragraph: equal ones once on each side, a changed pair with its
    differences marked, a removed or added paragraph on its side only."""
    a, b = _paragraphs(old), _paragraphs(new)
    budget = _Budget()
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b).get_opcodes():
        if tag == "equal":
            rows += [Row("equal", (Segment(p, False),), (Segment(p, False),)) for p in a[i1:i2]]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for i, j in _pairs(olds, news):
            if i is not None and j is not None:
                rows.append(diff_line(olds[i], news[j], budget))
            elif i is not None:
                rows.append(Row("removed", (Segment(olds[i], True),), ()))
            elif j is not None:
                rows.append(Row("added", (), (Segment(news[j], True),)))
    return rows


# -- reading revisions -----------------------------------------------------------------------------------------


def revisions_of(article_id: int) -> list[ArticleRevision]:
    """The article's revisions, oldest first, without their bodies (the list shows number, title, note, author)."""
    return list(
        db.session.scalars(
            sa.select(ArticleRevision)
            .where(ArticleRevision.article_id == article_id)
            .options(defer(ArticleRevision.body), selectinload(ArticleRevision.author))
            .order_by(ArticleRevision.no)
        )
    )


def _revision(article: Article, no: int) -> ArticleRevision:
    revision = db.session.scalar(
        sa.select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id, ArticleRevision.no == no)
        .options(selectinload(ArticleRevision.author))
    )
    if revision is None:
        raise NotFound(f"该稿件没有第{no}稿。")
    return revision


def revision(user: User | None, article_id: int, no: int) -> tuple[Article, ArticleRevision]:
    """One revision of an article ``user`` may see (NotFound otherwise, or when there is no such number)."""
    article = articles.load(user, article_id)
    return article, _revision(article, no)


@dataclass(frozen=True)
class Comparison:
    article: Article
    a: ArticleRevision
    b: ArticleRevision
    title: Row
    rows: list[Row]

    @property
    def changed(self) -> bool:
        return self.title.kind != "equal" or any(row.kind != "equal" for row in self.rows)


def compare(user: User | None, article_id: int, a: int, b: int) -> Comparison:
    """Revision ``a`` (left) against revision ``b`` (right) of an article ``user`` may see; any two numbers,
    in either order (the same one twice shows no difference)."""
    article = articles.load(user, article_id)
    left, right = _revision(article, a), _revision(article, b)
    return Comparison(
        article=article,
        a=left,
        b=right,
        title=diff_line(left.title, right.title),
        rows=diff_texts(left.body, right.body),
    )
