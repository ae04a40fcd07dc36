"""A list's links to one page per row (issue 12): `int_url` gives, row by row, the text ``url_for`` gives, with the
endpoint's rule walked once per request; the badges and the filter's options a list shows on every row, made in
Python, say what the macros said."""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from werkzeug.routing import BuildError

from webapp.core.row_urls import int_url
from webapp.core.template_helpers import option_tags
from webapp.grading.models import CASE_STATE_LABELS
from webapp.grading.template_helpers import case_url, overdue_badge, state_badge

IDS = (1, 7, 29, 60012, 2_147_483_647)


@pytest.mark.parametrize("script_root", ["", "/kaoping"])
def test_each_rows_url_is_url_fors(app: Flask, script_root: str) -> None:
    with app.test_request_context("/", base_url=f"http://example.org{script_root}/"):
        show = int_url("cases.show", "case_id")
        for case_id in IDS:
            assert show(case_id) == url_for("cases.show", case_id=case_id) == case_url(case_id)
        assert show(29).startswith(f"{script_root}/cases/")
        # an argument the rule does not name goes to the query string, as url_for puts it
        listed = int_url("cases.index", "page")
        assert [listed(n) for n in IDS] == [url_for("cases.index", page=n) for n in IDS]


def test_a_rule_that_pads_the_id_is_built_per_row(app: Flask) -> None:
    app.add_url_rule("/padded/<int(fixed_digits=4):number>", endpoint="padded", view_func=lambda number: "")
    with app.test_request_context("/"):
        padded = int_url("padded", "number")
        assert [padded(n) for n in (1, 42, 12345)] == ["/padded/0001", "/padded/0042", "/padded/12345"]
        assert [padded(n) for n in (1, 42)] == [url_for("padded", number=n) for n in (1, 42)]


def test_an_endpoint_that_does_not_exist_is_refused_as_url_for_refuses_it(app: Flask) -> None:
    with app.test_request_context("/"), pytest.raises(BuildError):
        int_url("cases.nowhere", "case_id")


def test_a_state_badge_names_the_state_in_chinese_with_its_colour(app: Flask) -> None:
    badge = str(state_badge("in_notice"))
    assert badge == (
        f'<span class="badge text-bg-primary" data-state="in_notice">{CASE_STATE_LABELS["in_notice"]}</span>'
    )
    # a state the labels do not know (a database ahead of the code) shows as stored, escaped; nothing stored fails
    assert str(state_badge('<b>"x"</b>')) == (
        '<span class="badge text-bg-secondary" data-state="&lt;b&gt;&#34;x&#34;&lt;/b&gt;">'
        "&lt;b&gt;&#34;x&#34;&lt;/b&gt;</span>"
    )
    assert str(state_badge(None)) == '<span class="badge text-bg-secondary" data-state=""></span>'


def test_an_overdue_badge_gives_the_words_days_and_rule_and_nothing_when_on_time() -> None:
    class Flag:
        days, rule, text = 12, "ARC-10.2.1", "超期 12 天"

    assert str(overdue_badge(None)) == ""
    assert str(overdue_badge(Flag())) == (
        '<span class="badge text-bg-danger" data-testid="overdue" data-days="12" title="依据 ARC-10.2.1">'
        "超期 12 天</span>"
    )


def test_options_mark_the_chosen_one_escape_every_name_and_follow_a_rename() -> None:
    bureaus = ((3, "宜昌市档案局"), (5, '夷陵区 <script>"x"</script>'))
    assert str(option_tags(bureaus, 5)) == (
        '<option value="3">宜昌市档案局</option>'
        '<option value="5" selected>夷陵区 &lt;script&gt;&#34;x&#34;&lt;/script&gt;</option>'
    )
    assert "selected" not in str(option_tags(bureaus, None))
    renamed = ((3, "宜昌市档案馆"), bureaus[1])
    assert "宜昌市档案馆" in str(option_tags(renamed, 5))  # kept per content: a renamed bureau is a new list
    assert str(option_tags({"first": "省一级", "second": "省二级"}, "second")) == (
        '<option value="first">省一级</option><option value="second" selected>省二级</option>'
    )


def test_an_articles_state_and_secrecy_badges_say_what_the_macros_said() -> None:
    from webapp.articles.models import ARTICLE_STATE_LABELS, SECRECY_LEVEL_LABELS
    from webapp.articles.template_helpers import article_state_badge, secrecy_badge

    state = next(iter(ARTICLE_STATE_LABELS))
    assert f'data-state="{state}">{ARTICLE_STATE_LABELS[state]}</span>' in str(article_state_badge(state))
    assert str(secrecy_badge("none")) == str(secrecy_badge(None)) == ""
    assert str(secrecy_badge("secret")) == (
        f'<span class="badge text-bg-danger">{SECRECY_LEVEL_LABELS["secret"]}</span>'
    )
    assert str(secrecy_badge("internal")) == (
        f'<span class="badge text-bg-warning">{SECRECY_LEVEL_LABELS["internal"]}</span>'
    )
