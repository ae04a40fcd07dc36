"""The unit's pages (我的考评): every campaign the unit is in, one campaign with its deadlines, materials and
claims; another unit or an outsider sees nothing (404), a draft is not shown to units."""

# ruff: noqa: F811  (the fixtures imported from unit_world are, as pytest wants, the tests' parameters)

from __future__ import annotations

from flask import Flask

from tests.webapp.campaigns.unit_world import CWorld, cworld, login, set_state  # noqa: F401  (cworld: the fixture)


def test_the_unit_lists_its_campaigns_only(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    login(client, "c-unit-a")
    html = client.get("/campaigns/mine").get_data(as_text=True)
    assert f'data-campaign-unit="{cworld.cu_a}"' in html
    assert f'data-campaign-unit="{cworld.cu_b}"' not in html and "另一项考评" not in html
    assert client.get("/campaigns/mine?page=x").status_code == 400


def test_a_draft_campaign_is_hidden_from_its_units(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    set_state(app, cworld.campaign_id, "draft")
    login(client, "c-unit-a")
    assert f'data-campaign-unit="{cworld.cu_a}"' not in client.get("/campaigns/mine").get_data(as_text=True)
    assert client.get(f"/campaigns/unit/{cworld.cu_a}").status_code == 404


def test_the_unit_page_shows_deadlines_with_days_left(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    login(client, "c-unit-a")
    page = client.get(f"/campaigns/unit/{cworld.cu_a}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # today is 2027-01-05 in tests; self-assessment is due 2027-01-10
    assert "自评截止：2027-01-10" in html and "还剩5天" in html
    assert 'data-testid="evidence-form"' in html and 'data-testid="claim-form"' in html


def test_another_unit_an_outsider_and_a_stranger_assessor_get_404(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    for username in ("c-unit-b", "c-outsider", "c-stranger"):
        client.post("/auth/logout")
        login(client, username)
        assert client.get(f"/campaigns/unit/{cworld.cu_a}").status_code == 404, username
        assert client.post(f"/campaigns/unit/{cworld.cu_a}/claims", data={"kind": "fault"}).status_code == 404
    assert client.get("/campaigns/unit/99999999999999999999999").status_code == 404


def test_the_office_reads_a_units_page_without_its_forms(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    login(client, "c-staff")
    page = client.get(f"/campaigns/unit/{cworld.cu_a}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="evidence-form"' not in html and 'data-testid="claim-form"' not in html
    assert client.get("/campaigns/mine").status_code == 403


def test_after_assessment_the_unit_page_is_read_only(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    set_state(app, cworld.campaign_id, "approval")
    login(client, "c-unit-a")
    html = client.get(f"/campaigns/unit/{cworld.cu_a}").get_data(as_text=True)
    assert 'data-testid="evidence-form"' not in html and 'data-testid="claim-form"' not in html
    assert 'data-testid="own-result"' not in html  # not before the head approves (ORG-PR.8)


def test_once_the_results_are_published_the_unit_page_counts_down_to_no_deadline(
    app: Flask, client, cworld: CWorld
) -> None:  # type: ignore[no-untyped-def]
    """A published campaign's dates still lie ahead of today (results due later), but its stages are over: the
    unit page said 「还剩5天」 beside 自评截止 on a published bulletin (found by tests/browser/test_campaign_walk.py)."""
    set_state(app, cworld.campaign_id, "published")
    login(client, "c-unit-a")
    html = client.get(f"/campaigns/unit/{cworld.cu_a}").get_data(as_text=True)
    assert "自评截止：2027-01-10" in html
    assert "还剩" not in html and "今天截止" not in html and "本阶段已结束" in html


def test_while_the_team_assesses_the_self_assessment_deadline_still_counts(
    app: Flask, client, cworld: CWorld
) -> None:  # type: ignore[no-untyped-def]
    """A late self-assessment is still taken during the assessment (LRN-4.1), so its date keeps its count."""
    set_state(app, cworld.campaign_id, "assessment")
    login(client, "c-unit-a")
    html = client.get(f"/campaigns/unit/{cworld.cu_a}").get_data(as_text=True)
    assert "自评截止：2027-01-10" in html and "还剩5天" in html and "本阶段已结束" not in html
