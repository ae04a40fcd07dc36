"""Issues of an office's own publication (期刊): create (numbered by year and running total), add adopted items,
order, remove, set the date and the editor's note, lock (定稿), and correct a locked issue (勘误).

Each public function is one transaction and writes an audit row about the issue (subject ``publication_issue``).
A locked issue never changes except through `correct`, which records the reason and what changed
(`IssueCorrection`) and cites its rule; every other change to it is refused, quoting the rule. The issue's
``version_id`` is the optimistic lock: a form or API call made on an older version gets `Stale`
(已被他人处理，请刷新。).

Numbers: the publication's row is locked first (a no-op UPDATE: a row lock on PostgreSQL, the write lock on
SQLite), then the highest stored numbers are read and `workflow.articles.numbering.next_number` gives the next —
so two editors creating issues at once are served one after the other; the unique constraints on
(publication, year, number) and (publication, total) are the last guard, and their violation is `Stale` too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified

from config.articles import load_rules
from webapp.articles.models import (
    Adoption,
    Article,
    IssueCorrection,
    IssueItem,
    Publication,
    PublicationIssue,
)
from webapp.articles.services import permissions
from webapp.articles.services.articles import unit_of_work as article_unit_of_work
from webapp.articles.services.errors import Refused, Stale
from webapp.articles.services.paging import ListPage
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.pagination import capped_count, last_page_if_past_end
from webapp.core.services.audit import append_event
from webapp.core.services.errors import InvalidInput, NotFound
from workflow.articles import SECRECY_LABELS, numbering
from workflow.articles.guards import BODY_MAX, TITLE_MAX
from workflow.errors import Refusal

SUBJECT = "publication_issue"
#: The office keeps the record of what it adopted and printed (PUB-5.3): a locked issue is that record, so a
#: change to it is a recorded correction, never an edit. The nearest rule the sources give (docs: our reading).
LOCK_RULE = "PUB-5.3"
PER_PAGE = 20
#: How many adoptions one request may add; a page of candidates is at most this long.
ADD_MAX = 50
#: the candidates of an issue are counted up to this many (`candidates`)
CANDIDATES_CAP = 1_000
NOTE_MAX = 500
DISTRIBUTION_MAX = 500
COPIES_MAX = 100_000
REASON_MAX = 500
#: An issue is dated within a year of today, either way (a typing error otherwise).
DATE_RANGE = timedelta(days=366)


def forbidden(message: str) -> Refused:
    return Refused(Refusal("forbidden", message, None))


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One transaction; a lost optimistic-lock race or a number/adoption taken meanwhile is `Stale`."""
    try:
        with article_unit_of_work():
            yield
    except IntegrityError as exc:
        raise Stale() from exc


# --- reading ------------------------------------------------------------------------------------------------


def own_publications(user: User | None) -> list[tuple[Publication, int]]:
    """The own (期刊) publications of the person's office with their number of issues the person may see."""
    office = permissions.office_of(user)
    if office is None:
        return []
    count = (
        sa.select(sa.func.count(PublicationIssue.id))
        .where(
            PublicationIssue.publication_id == Publication.id,
            permissions.visible_issue_clause(user, office.id),
        )
        .correlate(Publication)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Publication, count)
        .where(Publication.office_id == office.id, Publication.own.is_(True), Publication.active.is_(True))
        .order_by(Publication.position, Publication.id)
    ).all()
    return [(row[0], row[1]) for row in rows if permissions.can_list_issues(user, row[0])]


def publication_for(user: User | None, publication_id: int) -> Publication:
    """An own publication whose issues ``user`` may list (its office's editors, head, readers); NotFound else."""
    publication = db.session.get(Publication, publication_id)
    if publication is None or not permissions.can_list_issues(user, publication):
        raise NotFound("刊物不存在或您无权查看。")
    return publication


def list_issues(
    user: User | None, publication_id: int | None, *, page: int = 1, per_page: int = PER_PAGE
) -> Any:
    """The issues ``user`` may see of one own publication (or of all of the person's office's), newest number
    first (a Flask-SQLAlchemy Pagination)."""
    if publication_id is not None:
        publication = publication_for(user, publication_id)
        office_id, where = publication.office_id, PublicationIssue.publication_id == publication.id
    else:
        office = permissions.office_of(user)
        office_id = office.id if office is not None else -1
        where = PublicationIssue.publication_id.in_(
            sa.select(Publication.id).where(Publication.office_id == office_id, Publication.own.is_(True))
        )
    query = (
        sa.select(PublicationIssue)
        .where(where, permissions.visible_issue_clause(user, office_id))
        .options(joinedload(PublicationIssue.publication))
        .order_by(PublicationIssue.issued_on.desc(), PublicationIssue.total.desc())
    )
    return db.paginate(query, page=page, per_page=min(max(per_page, 1), 100), error_out=False)


def item_counts(issue_ids: Sequence[int]) -> dict[int, int]:
    """Items (not withdrawn) per issue, in one query."""
    if not issue_ids:
        return {}
    rows = db.session.execute(
        sa.select(IssueItem.issue_id, sa.func.count(IssueItem.id))
        .where(IssueItem.issue_id.in_(list(issue_ids)), IssueItem.withdrawn_at.is_(None))
        .group_by(IssueItem.issue_id)
    ).all()
    return {issue_id: count for issue_id, count in rows}


def load(user: User | None, issue_id: int, *, lock: bool = False) -> PublicationIssue:
    """The issue if ``user`` may see it (NotFound otherwise: no existence leak), items and their articles loaded."""
    query = (
        sa.select(PublicationIssue)
        .where(PublicationIssue.id == issue_id)
        .options(
            joinedload(PublicationIssue.publication),
            selectinload(PublicationIssue.items).joinedload(IssueItem.adoption).joinedload(Adoption.article),
            selectinload(PublicationIssue.corrections).joinedload(IssueCorrection.by),
        )
    )
    if lock:
        query = query.with_for_update(of=PublicationIssue)
    issue = db.session.scalar(query)
    if issue is None or not permissions.can_view_issue(user, issue):
        raise NotFound("期刊不存在或您无权查看。")
    return issue


def candidates(
    user: User | None, issue: PublicationIssue, *, page: int = 1, per_page: int = PER_PAGE
) -> ListPage[Adoption]:
    """Adoptions in the issue's publication not yet in any issue (not cancelled, article not deleted and visible
    to ``user``), oldest adoption first: what may be added. Counted up to `CANDIDATES_CAP` (``capped`` beyond):
    a province publication's year waiting for its issues is ~37,000 adoptions, which took 128 ms to count on
    every view of an issue (issue 12). A page past the last counted one shows the last."""
    query = _candidate_query(user, issue)
    total = int(db.session.scalar(sa.select(capped_count(query, Adoption.id, CANDIDATES_CAP))) or 0)
    per_page = min(max(per_page, 1), ADD_MAX)
    shown = min(total, CANDIDATES_CAP)
    page = last_page_if_past_end(max(page, 1), per_page, shown)
    rows = db.session.scalars(
        query.options(joinedload(Adoption.article).joinedload(Article.unit))
        .order_by(Adoption.adopted_on, Adoption.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return ListPage(rows, shown, page, per_page, capped=total > CANDIDATES_CAP)


def _candidate_query(user: User | None, issue: PublicationIssue) -> sa.Select:
    in_an_issue = sa.exists().where(IssueItem.adoption_id == Adoption.id)
    return (
        sa.select(Adoption)
        .join(Article, Article.id == Adoption.article_id)
        .where(
            Adoption.publication_id == issue.publication_id,
            Adoption.cancelled_at.is_(None),
            ~in_an_issue,
            permissions.visible_clause(user),
        )
    )


def active_items(issue: PublicationIssue) -> list[IssueItem]:
    return [item for item in issue.items if item.withdrawn_at is None]


def locked_refusal(issue: PublicationIssue, what: str) -> Refused:
    """The quoted refusal of any change to a locked issue other than a recorded correction."""
    when = clock.local(issue.locked_at).date().isoformat() if issue.locked_at else ""
    detail = f"本期已于{when}定稿，不能{what}；如需更正，请由信息科负责人登记勘误，写明原因和更正内容"
    return Refused(load_rules().refusal("issue_locked", LOCK_RULE, detail))


# --- checks of typed values -------------------------------------------------------------------------------


def clean_text(value: str | None, *, field: str, what: str, limit: int, required: bool = False) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise InvalidInput(f"请填写{what}。", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{what}不超过{limit}字（现{len(text)}字）。", field=field)
    return text


def clean_title_body(title: str | None, body: str | None) -> tuple[str, str]:
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput("请填写标题。", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"标题不超过{TITLE_MAX}字（现{len(title)}字）。", field="title")
    body = clean_text(body, field="body", what="正文", limit=BODY_MAX, required=True)
    return title, body


def _copies(value: int | None) -> int | None:
    if value is None:
        return None
    if not 1 <= value <= COPIES_MAX:
        raise InvalidInput(f"印数应在1至{COPIES_MAX}份之间。", field="copies")
    return value


def _issue_date(issued_on: date | None, today: date) -> date:
    if issued_on is None:
        raise InvalidInput("请填写出刊日期。", field="issued_on")
    if abs(issued_on - today) > DATE_RANGE:
        raise InvalidInput("出刊日期应在今天前后一年之内。", field="issued_on")
    return issued_on


def check_version(issue: PublicationIssue, expected_version: int | None) -> None:
    if expected_version is not None and issue.version_id != expected_version:
        raise Stale()


def touch(issue: PublicationIssue) -> None:
    """Mark the issue changed, so its version moves on even when only its items changed."""
    flag_modified(issue, "state")


def recompute_secrecy(issue: PublicationIssue) -> None:
    """The highest 密级 of every item the issue ever held once locked: a withdrawn item was distributed, and the
    correction naming it is printed with the issue."""
    issue.secrecy = numbering.highest_secrecy(item.adoption.article.secrecy for item in issue.items)


def _for_change(user: User, issue_id: int, expected_version: int | None, what: str) -> PublicationIssue:
    """Load, check the version, the person (editor or head of the office) and that the issue is not locked."""
    issue = load(user, issue_id, lock=True)
    check_version(issue, expected_version)
    if not permissions.can_assemble_issue(user, issue.publication):
        raise forbidden("只有本办公室的信息编辑和信息科负责人可以编排期刊。")
    if issue.state == "locked":
        raise locked_refusal(issue, what)
    return issue


def _item(issue: PublicationIssue, item_id: int) -> IssueItem:
    for item in issue.items:
        if item.id == item_id:
            return item
    raise NotFound("本期没有这篇稿件。")


def _renumber(items: list[IssueItem]) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


def audit(user: User, issue: PublicationIssue, event: str, comment: str, **kwargs: Any) -> None:
    append_event(SUBJECT, issue.id, event, actor=user, comment=comment[:2000], **kwargs)


# --- assembling ---------------------------------------------------------------------------------------------


def create(
    user: User,
    publication_id: int,
    *,
    issued_on: date | None,
    editor_note: str = "",
    distribution: str | None = None,
    copies: int | None = None,
    today: date | None = None,
) -> PublicationIssue:
    """A new issue of an own publication, numbered by the issue date's year and the running total. The
    distribution block and print run default to the previous issue's."""
    today = today or clock.today()
    with unit_of_work():
        publication = publication_for(user, publication_id)  # NotFound for those who may not even list it
        if not permissions.can_assemble_issue(user, publication):
            raise forbidden("只有本办公室的信息编辑和信息科负责人可以新建期刊。")
        issued_on = _issue_date(issued_on, today)
        note = clean_text(editor_note, field="editor_note", what="编者按", limit=NOTE_MAX)
        copies = _copies(copies)
        # Serialise number-taking per publication (see the module's docstring): the lock holds to the commit.
        db.session.execute(
            sa.update(Publication)
            .where(Publication.id == publication.id)
            .values(position=Publication.position)
            .execution_options(synchronize_session=False)
        )
        last_in_year, last_total = db.session.execute(
            sa.select(
                sa.func.max(sa.case((PublicationIssue.year == issued_on.year, PublicationIssue.number))),
                sa.func.max(PublicationIssue.total),
            ).where(PublicationIssue.publication_id == publication.id)
        ).one()
        number = numbering.next_number(issued_on.year, last_in_year, last_total)
        previous = db.session.scalar(
            sa.select(PublicationIssue)
            .where(PublicationIssue.publication_id == publication.id)
            .order_by(PublicationIssue.total.desc())
            .limit(1)
        )
        if distribution is None:
            distribution = previous.distribution if previous is not None else ""
            copies = copies if copies is not None else (previous.copies if previous is not None else None)
        issue = PublicationIssue(
            publication_id=publication.id,
            year=number.year,
            number=number.number,
            total=number.total,
            issued_on=issued_on,
            state="assembling",
            secrecy="none",
            editor_note=note,
            distribution=clean_text(
                distribution, field="distribution", what="分送范围", limit=DISTRIBUTION_MAX
            ),
            copies=copies,
            created_by_id=user.id,
        )
        db.session.add(issue)
        db.session.flush()
        audit(
            user,
            issue,
            "issue_created",
            f"新建{publication.name}{number.label}，出刊日期{issued_on.isoformat()}",
            to_state="assembling",
        )
    return issue


def update_details(
    user: User,
    issue_id: int,
    *,
    issued_on: date | None,
    editor_note: str = "",
    distribution: str = "",
    copies: int | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> PublicationIssue:
    """The issue date (within the number's year), the editor's note (编者按), distribution and print run."""
    today = today or clock.today()
    with unit_of_work():
        issue = _for_change(user, issue_id, expected_version, "修改出刊日期和编者按")
        issued_on = _issue_date(issued_on, today)
        why = numbering.check_issue_date(
            numbering.IssueNumber(issue.year, issue.number, issue.total), issued_on
        )
        if why:
            raise InvalidInput(why, field="issued_on")
        values = {
            "issued_on": issued_on,
            "editor_note": clean_text(editor_note, field="editor_note", what="编者按", limit=NOTE_MAX),
            "distribution": clean_text(
                distribution, field="distribution", what="分送范围", limit=DISTRIBUTION_MAX
            ),
            "copies": _copies(copies),
        }
        labels = {
            "issued_on": "出刊日期",
            "editor_note": "编者按",
            "distribution": "分送范围",
            "copies": "印数",
        }
        changed = [labels[name] for name, value in values.items() if getattr(issue, name) != value]
        if not changed:
            return issue
        for name, value in values.items():
            setattr(issue, name, value)
        audit(user, issue, "details_changed", f"修改{'、'.join(changed)}")
    return issue


def add_items(
    user: User, issue_id: int, adoption_ids: Sequence[int], *, expected_version: int | None = None
) -> list[IssueItem]:
    """Put adopted items of the issue's publication into the issue, after those already there; each item copies
    the article's current title and text (the edited text), which is what will be printed."""
    ids = list(dict.fromkeys(adoption_ids))
    with unit_of_work():
        issue = _for_change(user, issue_id, expected_version, "增加稿件")
        if not ids:
            raise InvalidInput("请至少选择一篇已采用的稿件。", field="adoption_ids")
        if len(ids) > ADD_MAX:
            raise InvalidInput(f"一次最多编入{ADD_MAX}篇稿件。", field="adoption_ids")
        found = list(
            db.session.scalars(
                _candidate_query(user, issue)
                .where(Adoption.id.in_(ids))
                .options(joinedload(Adoption.article).joinedload(Article.unit))
            )
        )
        if len(found) != len(ids):
            raise InvalidInput(
                "所选稿件有的不存在、未被本刊采用或已编入其他期，请刷新后重新选择。", field="adoption_ids"
            )
        by_id = {adoption.id: adoption for adoption in found}
        position = max((item.position for item in issue.items), default=0)
        added: list[IssueItem] = []
        for adoption_id in ids:
            adoption = by_id[adoption_id]
            article = adoption.article
            position += 1
            item = IssueItem(
                adoption=adoption,
                position=position,
                title=article.title,
                body=article.body,
                source=article.unit.name[:120],
            )
            issue.items.append(item)
            added.append(item)
        recompute_secrecy(issue)
        touch(issue)
        db.session.flush()
        audit(user, issue, "items_added", "编入稿件：" + "、".join(f"《{i.title}》" for i in added))
    return added


def move(
    user: User, issue_id: int, item_id: int, direction: str, *, expected_version: int | None = None
) -> PublicationIssue:
    """Move an item one place up or down."""
    if direction not in ("up", "down"):
        raise InvalidInput("只能上移或下移。", field="direction")
    with unit_of_work():
        issue = _for_change(user, issue_id, expected_version, "调整顺序")
        items = sorted(issue.items, key=lambda i: i.position)
        item = _item(issue, item_id)
        index = items.index(item)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(items):
            return issue
        items[index], items[other] = items[other], items[index]
        _renumber(items)
        touch(issue)
        audit(
            user,
            issue,
            "order_changed",
            f"《{item.title}》{'上移' if direction == 'up' else '下移'}至第{other + 1}条",
        )
    return issue


def reorder(
    user: User, issue_id: int, item_ids: Sequence[int], *, expected_version: int | None = None
) -> PublicationIssue:
    """Put the items in the order given (every item of the issue exactly once)."""
    with unit_of_work():
        issue = _for_change(user, issue_id, expected_version, "调整顺序")
        current = {item.id: item for item in issue.items}
        if len(item_ids) != len(current) or set(item_ids) != set(current):
            raise InvalidInput("顺序须列出本期的每一篇稿件，各一次。请刷新后重试。", field="item_ids")
        before = [item.id for item in sorted(issue.items, key=lambda i: i.position)]
        if before == list(item_ids):
            return issue
        _renumber([current[item_id] for item_id in item_ids])
        touch(issue)
        audit(user, issue, "order_changed", "调整稿件顺序")
    return issue


def remove(
    user: User, issue_id: int, item_id: int, *, expected_version: int | None = None
) -> PublicationIssue:
    """Take an item out of an issue being assembled (its adoption may go into another issue)."""
    with unit_of_work():
        issue = _for_change(user, issue_id, expected_version, "移除稿件")
        item = _item(issue, item_id)
        issue.items.remove(item)
        _renumber(sorted(issue.items, key=lambda i: i.position))
        recompute_secrecy(issue)
        touch(issue)
        audit(user, issue, "item_removed", f"移出《{item.title}》")
    return issue


def edit_item(
    user: User,
    issue_id: int,
    item_id: int,
    *,
    title: str | None,
    body: str | None,
    expected_version: int | None = None,
) -> IssueItem:
    """The printed title and text of an item, while the issue is assembled (the article's versions stay)."""
    with unit_of_work():
        issue = _for_change(user, issue_id, expected_version, "修改稿件")
        item = _item(issue, item_id)
        title, body = clean_title_body(title, body)
        if (title, body) == (item.title, item.body):
            return item
        old = item.title
        item.title, item.body = title, body
        touch(issue)
        audit(user, issue, "item_edited", f"修改第{item.position}条《{old}》的刊发稿")
    return item


def lock(
    user: User, issue_id: int, *, expected_version: int | None = None, now: datetime | None = None
) -> PublicationIssue:
    """定稿: from now on the issue changes only by a recorded correction. The office's head locks it."""
    now = now or clock.now()
    with unit_of_work():
        issue = load(user, issue_id, lock=True)
        check_version(issue, expected_version)
        if issue.state == "locked":
            raise locked_refusal(issue, "再次定稿")
        if not permissions.can_lock_issue(user, issue):
            raise forbidden("只有信息科负责人可以定稿。")
        if not issue.items:
            raise Refused(Refusal("issue_empty", "本期还没有编入稿件，不能定稿。", None))
        recompute_secrecy(issue)
        issue.state = "locked"
        issue.locked_at = now
        issue.locked_by_id = user.id
        audit(
            user,
            issue,
            "issue_locked",
            f"定稿：{issue.number_label}，共{len(issue.items)}篇，密级{SECRECY_LABELS[issue.secrecy]}",
            from_state="assembling",
            to_state="locked",
            rule_id=LOCK_RULE,
        )
    return issue
