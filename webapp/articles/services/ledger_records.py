"""The flow's records of an office's period, read for the ledger's engine (`ledger.records`, re-exported there):
adoptions, instructions, submissions, incidents and missed commissions, in the scheme's ids, and what the scheme
does not score, counted in Chinese. An office's adoptions can be left unread, ordered by unit, for the engine to
score one unit's at a time (``by_unit``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from webapp.articles.models import (
    INCIDENT_KIND_LABELS,
    INSTRUCTION_LEVEL_LABELS,
    Adoption,
    Article,
    ArticleOffice,
    Instruction,
    Publication,
)
from webapp.articles.services import commissions, incidents
from webapp.articles.services.ledger_periods import Roster, first_day, last_day
from webapp.core.extensions import db
from webapp.core.read_transactions import skewed_key
from workflow.scoring.ledger import Adoption as LedgerAdoption
from workflow.scoring.ledger import Incident as LedgerIncident
from workflow.scoring.ledger import Instruction as LedgerInstruction
from workflow.scoring.ledger import LedgerScheme, Period, Records
from workflow.scoring.ledger import Submission as LedgerSubmission

#: rows fetched at a time when the adoptions of a period are streamed (memory stays flat at province scale)
STREAM_ROWS = 10_000


@dataclass
class Collected:
    records: Records
    #: what the flow holds that this scheme does not score: the reason (Chinese) → how many records
    counts: Counter[str]
    #: `records(..., by_unit=True)`: the adoptions, still to be read, one unit's after another's
    by_unit: Iterator[LedgerAdoption] | None = None

    @property
    def skipped(self) -> list[str]:
        """What the scheme does not score, in Chinese (shown beside the result); complete once `by_unit` is read."""
        return [f"{text}（{n}条）" for text, n in sorted(self.counts.items())]


def records(
    office: ArticleOffice,
    scheme: LedgerScheme,
    period: Period,
    who: Roster,
    as_of: date,
    *,
    unit_id: int | None = None,
    articles_only: bool = False,
    by_unit: bool = False,
) -> Collected:
    """The flow's records that can fall in ``period``: adoptions from the month before (the cut-off moves late
    ones forward, ZG-6.6) with every adoption of the same articles (an article counts in the month of its first
    adoption), instructions on those articles, submissions, incidents and missed important commissions.

    With ``unit_id``, only that unit's articles and their adoptions and instructions (a unit's own page: its
    article points do not depend on the other units', so it reads a few hundred rows, not the office's).
    ``articles_only``: adoptions and instructions only (what a unit's articles and monthly points need).
    ``by_unit`` (an office's whole roster, ``articles_only`` or not): the adoptions are left unread in
    `Collected.by_unit`, ordered by unit, for the engine to score one unit's at a time as it reads them
    (`score_ledger`'s ``unit_by_unit``) or the months a few units at a time (`ledger_months.points_by_month`): a
    province-year's ~140,000 adoptions are never all held (what they skip is counted as they are read)."""
    if by_unit and unit_id is not None:
        raise ValueError("by_unit reads an office's whole roster")
    start, end = first_day(period), last_day(period)
    window_start = date(start.year - (start.month == 1), (start.month - 2) % 12 + 1, 1)
    skipped: Counter[str] = Counter()
    scored_units = {u.name for u in who.units}
    publications = {p.id for p in scheme.publications}
    classes = {c.id for c in scheme.classes}
    forms = {f.id for f in scheme.forms}

    in_window_stmt = sa.select(Adoption.article_id).where(
        Adoption.office_id == skewed_key(office.id),
        Adoption.cancelled_at.is_(None),
        Adoption.adopted_on >= window_start,
        Adoption.adopted_on <= end,
    )
    of_unit: list[Any] = []
    if unit_id is not None:
        of_unit = [Article.unit_id == unit_id]
        in_window_stmt = in_window_stmt.join(Article, Article.id == Adoption.article_id).where(*of_unit)
    in_window = in_window_stmt.scalar_subquery()
    # one streamed query of plain columns (no ORM object per row): a province-year is ~700,000 adoptions. It runs
    # on the session's connection, not through the ORM's result layer, whose per-row processing was a third of the
    # read at province scale (what the session holds unwritten is flushed first, as the ORM's execute would). The
    # streaming option is the statement's own: set on the connection it would stay for the rest of the
    # transaction, and PostgreSQL refuses a server-side cursor for the INSERT that closing a period then issues.
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # PostgreSQL plans a cursor for its first tenth of rows (cursor_tuple_fraction 0.1): nested index probes
        # that suit a page, not this read of every row. Planned for all of them, a province-year's read took
        # 1.06-1.21 s instead of 2.31-2.52 s (psycopg named cursor, generated province). For this transaction only.
        connection.execute(sa.text("SET LOCAL cursor_tuple_fraction = 1.0"))
    # the title is shown only on a unit's own page (`ledger_units`): the office's read leaves the articles' text
    title_column = Article.title if unit_id is not None else sa.literal("", sa.String)
    adoptions_stmt = (
        sa.select(
            Adoption.article_id,
            Article.unit_id,
            title_column,
            Publication.code,
            Publication.name,
            Adoption.class_code,
            Adoption.form_code,
            Adoption.adopted_on,
        )
        .join(Article, Article.id == Adoption.article_id)
        .join(Publication, Publication.id == Adoption.publication_id)
        .where(
            Adoption.office_id == skewed_key(office.id),
            Adoption.cancelled_at.is_(None),
            Adoption.article_id.in_(in_window),
            *of_unit,
        )
        .order_by(*((Article.unit_id,) if by_unit else ()), Adoption.id)
        .execution_options(yield_per=STREAM_ROWS)
    )

    def read(articles: dict[int, str] | None) -> Iterator[LedgerAdoption]:
        """The adoptions the scheme scores (``articles``, when given, gets each one's article → unit)."""
        rows = connection.execute(adoptions_stmt)
        # the driver makes each row's publication code, class, form and day a new object: one of each kept and
        # shared by every record that has it (a province-year's ~150,000 records held their own copies, most of the
        # records' memory and so of a worker's peak while the year is scored)
        share: Callable[[Any, Any], Any] = {}.setdefault
        try:
            # a batch of rows at a time (`partitions`): row by row, the result's own fetching cost as much as the loop
            for batch in rows.partitions():
                for article_id, unit_id, title, code, pub_name, klass, form, day in batch:
                    unit = who.names.get(unit_id)
                    if unit not in scored_units:
                        skipped["稿件所属单位不在本办公室计分名册中，采用记录未计分"] += 1
                        continue
                    if code not in publications:
                        skipped[f"刊物「{pub_name}」不在计分办法所列刊物中，其采用记录未计分"] += 1
                        continue
                    if klass not in classes or form not in forms:
                        skipped["采用记录的类别或形式不在计分办法中，未计分"] += 1
                        continue
                    if articles is not None:
                        articles[article_id] = unit
                    yield LedgerAdoption(
                        unit,
                        str(article_id),
                        share(code, code),
                        share(klass, klass),
                        share(form, form),
                        share(day, day),
                        title,
                    )
        finally:
            rows.close()  # read to its end, or left by a scoring that failed: its cursor goes either way

    # the window as a correlated EXISTS (each of the office's instructions probes the adoptions' article index),
    # never a literal list of (up to hundreds of thousands of) article ids
    adopted_in_window = (
        sa.select(Adoption.id)
        .where(
            Adoption.article_id == Instruction.article_id,
            Adoption.office_id == skewed_key(office.id),
            Adoption.cancelled_at.is_(None),
            Adoption.adopted_on >= window_start,
            Adoption.adopted_on <= end,
        )
        .exists()
    )
    instructed: list[tuple[str, int, str]] = []  # unit, article, level
    adoptions: tuple[LedgerAdoption, ...] = ()
    if by_unit:
        # the adoptions are not read yet: an instruction counts where its article has an adoption the scheme
        # scores (the read's own tests, in the statement; its unit's, here)
        scored_adoption = (
            sa.select(Adoption.id)
            .join(Publication, Publication.id == Adoption.publication_id)
            .where(
                Adoption.article_id == Instruction.article_id,
                Adoption.office_id == skewed_key(office.id),
                Adoption.cancelled_at.is_(None),
                # the scheme's own few codes, written into the statement (one statement per scheme)
                Publication.code.in_(_written(publications)),
                Adoption.class_code.in_(_written(classes)),
                Adoption.form_code.in_(_written(forms)),
            )
            .exists()
        )
        for article_id, level, article_unit in db.session.execute(
            sa.select(Instruction.article_id, Instruction.level, Article.unit_id)
            .join(Article, Article.id == Instruction.article_id)
            .where(Instruction.office_id == office.id, adopted_in_window, scored_adoption)
            .order_by(Instruction.id)
        ):
            unit = who.names.get(article_unit)
            if unit in scored_units:
                instructed.append((unit, article_id, level))
    else:
        articles: dict[int, str] = {}
        adoptions = tuple(read(articles))
        if articles:
            for article_id, level in db.session.execute(
                sa.select(Instruction.article_id, Instruction.level)
                .where(Instruction.office_id == office.id, adopted_in_window)
                .order_by(Instruction.id)
            ):
                # an article not in `articles` had none of its adoptions scored (said in `skipped`)
                if article_id in articles:
                    instructed.append((articles[article_id], article_id, level))
    instructions: list[LedgerInstruction] = []
    for unit, article_id, level in instructed:
        mapped = scheme.flow.levels.get(level)
        if mapped is None:
            label = INSTRUCTION_LEVEL_LABELS.get(level, level)
            skipped[f"{label}批示不在本计分办法的批示加分之列，未加分"] += 1
            continue
        instructions.append(LedgerInstruction(unit, str(article_id), mapped))

    if articles_only:
        return Collected(
            Records(adoptions=adoptions, instructions=tuple(instructions)),
            skipped,
            read(None) if by_unit else None,
        )

    # submissions counted per unit and month in the query, with those after the cut-off day apart: they count in
    # the next month (GAP-9, ZG-6.4), so the month before the period is read as for adoptions and the engine keeps
    # what falls in the period. It reads only the month of a submission's day, so each count carries a day of its
    # month and side of the cut-off: ~31,000 counts for a province-year and its month before, ~109,000 per day.
    cut = scheme.cutoff_day or 31
    year = sa.cast(sa.extract("year", Article.submitted_on), sa.Integer)
    month = sa.cast(sa.extract("month", Article.submitted_on), sa.Integer)
    # the cut-off inline (a scheme's day 1-28, or 31 for none), so SELECT and GROUP BY read the same expression
    late = sa.case(
        (sa.extract("day", Article.submitted_on) > sa.literal(cut, literal_execute=True), 1), else_=0
    )
    submissions = [
        # a day after the cut-off exists in any month that has a late submission
        LedgerSubmission(who.names[unit_id], date(y, m, cut + 1 if after else 1), count)
        for unit_id, y, m, after, count in connection.execute(
            sa.select(Article.unit_id, year, month, late, sa.func.count())
            .where(
                Article.office_id == skewed_key(office.id),
                Article.submitted_on >= window_start,
                Article.submitted_on <= end,
                Article.deleted_at.is_(None),
            )
            .group_by(Article.unit_id, year, month, late)
            .order_by(Article.unit_id, year, month, late)
        )
        if who.names.get(unit_id) in scored_units
    ]

    found: list[LedgerIncident] = []
    for fact in incidents.facts(office.id, start, end):
        unit = who.names.get(fact.unit_id)
        kind = scheme.flow.incidents.get(fact.kind)
        if unit not in scored_units:
            continue
        if kind is None:
            skipped[
                f"「{INCIDENT_KIND_LABELS.get(fact.kind, fact.kind)}」不在本计分办法的扣分情形之列，未扣分"
            ] += 1
            continue
        found.append(LedgerIncident(unit, kind, fact.occurred_on, fact.serious))
    if scheme.flow.commission_missed:
        for outcome in commissions.outcomes(office.id, start, end, as_of=as_of):
            unit = who.names.get(outcome.unit_id)
            if outcome.important and outcome.status == "missed" and unit in scored_units:
                found.append(LedgerIncident(unit, scheme.flow.commission_missed, outcome.due_on))

    return Collected(
        Records(
            adoptions=adoptions,
            instructions=tuple(instructions),
            submissions=tuple(submissions),
            incidents=tuple(found),
        ),
        skipped,
        # run when the engine first reads it: the statements above are done by then, none runs beside its cursor
        read(None) if by_unit else None,
    )


def _written(values: set[str]) -> sa.BindParameter[Any]:
    """A scheme's codes for an ``IN``, written into the statement's text (a closed set of a few: no parameters)."""
    return sa.bindparam(None, sorted(values), expanding=True, literal_execute=True)
