"""Versions of the text: every save kept, any two compared side by side with the differences marked (by character,
which is how Chinese text differs), safely escaped; and the comparison's pure parts (paragraphs, sentences,
characters) on their own."""

from __future__ import annotations

import re

import pytest

from tests.webapp.articles.unit_helpers import BODY, login, page, walk
from webapp.articles.services import articles
from webapp.articles.services.revisions import diff_line, diff_texts


def _three_versions(world) -> int:  # noqa: ANN001
    article_id = walk(world, "draft")
    articles.save_text(
        world.officer_a, article_id, title="甲县全面推行组工干部下沉一线", body=BODY, note="改标题"
    )
    body = BODY.replace("五十名", "八十名") + "\n新增：群众满意度达百分之九十五。"
    articles.save_text(
        world.officer_a, article_id, title="甲县全面推行组工干部下沉一线", body=body, note="补数据"
    )
    return article_id


# -- the pure comparison --------------------------------------------------------------------------------------


def test_a_changed_sentence_is_marked_by_character():
    row = diff_line("全县抽调干部五十名。", "全县抽调干部八十名。")
    assert row.kind == "changed"
    assert [(s.text, s.changed) for s in row.left] == [
        ("全县抽调干部", False),
        ("五", True),
        ("十名。", False),
    ]
    assert [(s.text, s.changed) for s in row.right] == [
        ("全县抽调干部", False),
        ("八", True),
        ("十名。", False),
    ]


def test_paragraphs_added_removed_and_unchanged_are_aligned():
    rows = diff_texts(
        "第一段。\n第二段讲干部下沉。\n第三段总结。",
        "第一段。\n新增的一段。\n第二段讲干部全面下沉。\n第三段总结。",
    )
    assert [r.kind for r in rows] == ["equal", "added", "changed", "equal"]
    assert str(rows[2].right_html) == '第二段讲干部<ins class="kp-diff-ins">全面</ins>下沉。'


def test_a_merged_paragraph_does_not_shift_every_pair_after_it():
    rows = diff_texts(
        "甲。\n乙乙乙乙乙乙。\n丙丙丙丙丙。\n丁丁丁丁。", "甲。\n乙乙乙乙乙乙。丙丙丙丙丙。\n丁丁丁丁丁。"
    )
    assert [r.kind for r in rows] == ["equal", "changed", "removed", "changed"]


def test_markup_in_a_text_is_shown_as_typed_never_run():
    row = diff_line("<b>原文</b>", "<script>alert(1)</script>")
    ours = re.compile(r'</?(?:ins|del)(?: class="kp-diff-(?:ins|del)")?>')
    assert ours.sub("", str(row.right_html)) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert ours.sub("", str(row.left_html)) == "&lt;b&gt;原文&lt;/b&gt;"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("ab" * 750, "a" * 1500),  # difflib's SequenceMatcher took 80 s on this pair
        ("ab" * 25000, "a" * 50000),
        ("。".join(["ab" * 100] * 250), "。".join(["a" * 200] * 250)),
        ("\n".join(["甲乙丙"] * 25000), "\n".join(["甲乙丁"] * 25000)),
    ],
)
def test_any_text_a_person_can_store_is_compared_whole(old, new):
    # the comparison's work is budgeted in revisions.py (a budgeted Myers diff, not SequenceMatcher, which took
    # 80 s on such pairs); its time belongs in a benchmark, not in an assertion on a shared CI machine
    rows = diff_texts(old, new)
    left = "".join(s.text for r in rows for s in r.left)
    right = "".join(s.text for r in rows for s in r.right)
    assert left == old.replace("\n", "") and right == new.replace("\n", "")  # nothing lost, nothing invented


# -- the pages -------------------------------------------------------------------------------------------------


def test_any_two_versions_side_by_side_with_the_differences_marked(world, client):
    with client.application.app_context():
        article_id = _three_versions(world)
    login(client, "officer-a")
    response = client.get(f"/articles/{article_id}/compare?a=1&b=3")
    text = page(response)
    assert response.status_code == 200
    assert '<ins class="kp-diff-ins">全面</ins>' in text  # the title
    assert '<del class="kp-diff-del">五</del>' in text and '<ins class="kp-diff-ins">八</ins>' in text
    assert 'data-kind="added"' in text and "群众满意度达百分之九十五" in text
    assert "修改说明：补数据" in text
    reverse = page(client.get(f"/articles/{article_id}/compare?a=3&b=2"))
    assert '<del class="kp-diff-del">八</del>' in reverse
    same = page(client.get(f"/articles/{article_id}/compare?a=2&b=2"))
    assert 'data-testid="no-difference"' in same


def test_by_default_the_last_two_versions_are_compared(world, client):
    with client.application.app_context():
        article_id = _three_versions(world)
    login(client, "officer-a")
    text = page(client.get(f"/articles/{article_id}/compare"))
    assert 'data-revision="2"' in text and 'data-revision="3"' in text


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("a=1&b=9", 404),
        ("a=0&b=1", 400),
        ("a=abc&b=1", 400),
        ("a=1&b=99999999999999999999", 400),
        ("a=-1", 400),
    ],
)
def test_a_bad_version_number_is_refused_not_a_failure(world, client, query, status):
    with client.application.app_context():
        article_id = _three_versions(world)
    login(client, "officer-a")
    assert client.get(f"/articles/{article_id}/compare?{query}").status_code == status


def test_another_units_people_cannot_compare_or_read_versions(world, client):
    with client.application.app_context():
        article_id = _three_versions(world)
    login(client, "officer-b")
    assert client.get(f"/articles/{article_id}/compare?a=1&b=2").status_code == 404
    assert client.get(f"/articles/{article_id}/revisions/1").status_code == 404


def test_each_version_can_be_read_whole(world, client):
    with client.application.app_context():
        article_id = _three_versions(world)
    login(client, "officer-a")
    text = page(client.get(f"/articles/{article_id}/revisions/1"))
    assert "全县抽调干部五十名" in text and "甲县推行组工干部下沉一线" in text
    assert client.get(f"/articles/{article_id}/revisions/4").status_code == 404
    listing = page(client.get(f"/articles/{article_id}"))
    assert 'data-revision="3"' in listing and "修改说明：改标题" in listing
