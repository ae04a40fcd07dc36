"""Possible duplicates (疑似重复稿件): the issue asks that copied "experiences" be caught before adoption. The
office sees near-identical articles from other units and earlier ones — only those it may see — and the look-up
stays a few bounded statements whatever the number of articles."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_organ
from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from tests.workflow.articles.texts import EDITED_COPY, ORIGINAL, PARAGRAPHS_INSIDE, UNRELATED
from webapp.articles.models import ArticleFingerprint, ArticleFingerprintKey
from webapp.articles.services import articles, duplicates, offices
from webapp.articles.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.services.errors import NotFound
from workflow.articles import similarity

DAY = steps.DAY


def _random_text(seed: int, length: int = 400) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(length))


def test_another_units_copy_is_listed_before_adoption(world: World) -> None:
    original = steps.submitted(world, "甲县推行组工干部下沉一线工作机制", ORIGINAL)
    steps.submitted(world, "丁县年轻干部培养", UNRELATED[0], unit="b")
    copy = steps.submitted(world, "乙区推行组工干部下沉一线工作机制", EDITED_COPY, unit="b")
    article, page = duplicates.for_article(world.editor, copy)
    assert [d.article_id for d in page.items] == [original] and page.total == 1
    [found] = page.items
    assert found.kind_label == "近乎相同" and found.earlier and not found.same_unit
    assert 60 <= found.similarity.percent <= 95 and found.unit_name == world.unit_a.name
    # and the other way round: the original shows its later copy
    _, back = duplicates.for_article(world.editor, original)
    assert [(d.article_id, d.earlier) for d in back.items] == [(copy, False)]


def test_paragraphs_copied_into_a_longer_article_are_listed_as_a_large_overlap(world: World) -> None:
    original = steps.submitted(world, "甲县经验", ORIGINAL)
    longer = steps.submitted(world, "丙镇基层治理", PARAGRAPHS_INSIDE, unit="b")
    _, page = duplicates.for_article(world.editor, longer)
    assert [(d.article_id, d.kind_label) for d in page.items] == [(original, "大段相同")]


def test_unrelated_articles_on_the_same_subjects_are_not_listed(world: World) -> None:
    for n, text in enumerate(UNRELATED):
        steps.submitted(world, f"无关稿件{n}", text, unit="b")
    article_id = steps.submitted(world, "甲县经验", ORIGINAL)
    _, page = duplicates.for_article(world.editor, article_id)
    assert page.items == [] and page.total == 0


def test_only_articles_the_viewer_may_see_are_compared(world: World) -> None:
    """A copy sent to another office, and a draft not yet sent, are not this office's to see (secrecy, drafts)."""
    bureau = world.office.organisation.parent
    other_org = make_organ(bureau, name="另一市委组织部办公室")
    db.session.commit()
    other = offices.setup_office(
        other_org.id, label="组工信息", scheme_id=None, own_publications=[("X", "《另刊》")]
    )
    offices.add_units(other.id, [(world.unit_b.id, "")])
    elsewhere = articles.create_draft(
        world.officer_b, office_id=other.id, title="乙区经验", body=EDITED_COPY, today=DAY
    )
    articles.fire(world.officer_b, elsewhere.id, "submit", today=DAY)
    articles.fire(world.signer_b, elsewhere.id, "sign_off", today=DAY)
    draft = articles.create_draft(
        world.officer_b, office_id=world.office.id, title="草稿", body=ORIGINAL, today=DAY
    )
    original = steps.submitted(world, "甲县经验", ORIGINAL)
    _, page = duplicates.for_article(world.editor, original)
    assert page.items == []
    assert db.session.get(ArticleFingerprint, draft.id) is None  # drafts are never fingerprinted
    assert (
        db.session.get(ArticleFingerprint, elsewhere.id) is not None
    )  # … the other office's copy is, but unseen


def test_a_text_edited_at_the_office_is_compared_as_edited(world: World) -> None:
    original = steps.submitted(world, "甲县经验", ORIGINAL)
    other = steps.submitted(world, "乙区信息", UNRELATED[1], unit="b")
    assert duplicates.for_article(world.editor, other)[1].items == []
    articles.fire(world.editor, other, "receive", today=DAY)
    articles.save_text(world.editor, other, title="乙区信息", body=EDITED_COPY, note="编辑加工")
    stored = db.session.get(ArticleFingerprint, other)
    assert stored is not None and stored.revision_no == 2
    assert [d.article_id for d in duplicates.for_article(world.editor, other)[1].items] == [original]
    keys = db.session.scalars(
        sa.select(ArticleFingerprintKey.key).where(ArticleFingerprintKey.article_id == other)
    )
    expected = similarity.band_keys(similarity.signature(similarity.shingles(f"乙区信息\n{EDITED_COPY}")))
    assert set(keys) == set(expected)


def test_articles_older_than_the_window_are_not_compared(world: World) -> None:
    steps.submitted(world, "一年多以前的稿件", ORIGINAL, day=DAY - timedelta(days=duplicates.WINDOW_DAYS + 1))
    recent = steps.submitted(world, "近期稿件", ORIGINAL, day=DAY - timedelta(days=30))
    copy = steps.submitted(world, "乙区稿件", EDITED_COPY, unit="b")
    assert [d.article_id for d in duplicates.for_article(world.editor, copy, today=DAY)[1].items] == [recent]


def test_the_look_up_issues_the_same_few_statements_whatever_the_number_of_articles(world: World) -> None:
    original = steps.submitted(world, "甲县经验", ORIGINAL)
    copy = steps.submitted(world, "乙区经验", EDITED_COPY, unit="b")
    for n in range(3):
        steps.submitted(world, f"无关{n}", _random_text(n), unit="b")
    article = articles.load(world.editor, copy)
    with steps.counted_statements() as few:
        assert [d.article_id for d in duplicates.find(world.editor, article, today=DAY)] == [original]
    for n in range(3, 33):
        steps.submitted(world, f"无关{n}", _random_text(n), unit="b")
    article = articles.load(world.editor, copy)
    with steps.counted_statements() as many:
        assert [d.article_id for d in duplicates.find(world.editor, article, today=DAY)] == [original]
    assert len(many) == len(few) <= 6


def test_the_duplicates_page_and_who_may_open_it(world: World, client) -> None:
    original = steps.submitted(world, "甲县推行组工干部下沉一线工作机制", ORIGINAL)
    copy = steps.submitted(world, "乙区推行组工干部下沉一线工作机制", EDITED_COPY, unit="b")
    steps.login(client, world.editor)
    page = client.get(f"/office/articles/{copy}/duplicates")
    assert page.status_code == 200 and f'data-duplicate-id="{original}"' in page.get_data(as_text=True)
    triage_page = client.get(f"/office/articles/{copy}/triage").get_data(as_text=True)
    assert f'data-duplicate-id="{original}"' in triage_page and "近乎相同" in triage_page
    assert client.get(f"/office/articles/{copy}/duplicates?page=abc").status_code == 400
    steps.login(client, world.reader)
    assert client.get(f"/office/articles/{copy}/duplicates").status_code == 403
    steps.login(client, world.outsider)
    assert client.get(f"/office/articles/{copy}/duplicates").status_code == 404


@pytest.mark.parametrize("who", ["officer_b", "reader"])
def test_people_who_do_not_decide_get_no_duplicates(world: World, who: str) -> None:
    copy = steps.submitted(world, "乙区经验", EDITED_COPY, unit="b")
    with pytest.raises((Refused, NotFound)):
        duplicates.for_article(getattr(world, who), copy)
