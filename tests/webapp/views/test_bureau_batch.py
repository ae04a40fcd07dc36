"""Batch actions on the worklist: plan, forward 特级 applications, publish a notice list — all or nothing."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.factories import TODAY, make_organ, make_user
from tests.walk import case as get
from tests.walk import event_count, give_grade, org, unit_user, user
from tests.webapp.views.bureau_cases import drive
from webapp.core.extensions import db
from webapp.grading.services import cases


def checked(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'name="case_ids" value="(\d+)" id="case-\d+"\s+checked', html)}


def post_batch(client, action: str, ids: list[int], shown: list[int] | None = None, **fields):
    data = {"case_ids": [str(i) for i in ids], "shown": [str(i) for i in (shown or ids)], **fields}
    return client.post(f"/bureau/batch/{action}", data=data)


@pytest.fixture
def applied(demo):
    with demo.app_context():
        return [drive("unit-county", to="applied"), drive("unit-town", to="applied")]


def test_the_confirmation_step_lists_the_chosen_cases_checked(applied, client, auth):
    auth.login("county-staff")
    html = client.get(f"/bureau/batch/plan?case_ids={applied[0]}&case_ids={applied[1]}").get_data(
        as_text=True
    )
    assert "下达年度考评计划" in html
    assert "夷陵区财政局" in html and "夷陵区小溪塔街道办事处" in html
    assert checked(html) == set(applied)


def test_the_confirmation_step_drops_cases_the_bureau_cannot_see(applied, demo, client, auth):
    with demo.app_context():
        elsewhere = drive("unit-city", level="first", to="applied")
    auth.login("county-staff")
    html = client.get(f"/bureau/batch/plan?case_ids={applied[0]}&case_ids={elsewhere}").get_data(as_text=True)
    assert checked(html) == {applied[0]}
    assert "宜昌市财政局" not in html


def test_issuing_the_years_plan_plans_every_chosen_case_arc_10_1_3(applied, demo, client, auth):
    auth.login("county-staff")
    response = post_batch(client, "plan", applied, comment="2027年度考评计划")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已办理 2 个案件" in html
    with demo.app_context():
        assert [get(i).state for i in applied] == ["planned", "planned"]


def test_a_batch_with_one_refused_case_writes_nothing_and_names_each_refusal(applied, demo, client, auth):
    with demo.app_context():
        # plan the first case alone so that planning it again is refused
        cases.fire_event(user("county-staff"), applied[0], "plan", today=TODAY)
        before = event_count()
    auth.login("county-staff")
    response = post_batch(client, "plan", applied)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "本次批量操作未执行" in html
    refusal_cells = re.findall(r'data-testid="refusal">(.*?)</td>', html, re.S)
    assert any(cell.strip() for cell in refusal_cells)
    assert checked(html) == set(applied)  # the selection is kept
    with demo.app_context():
        assert get(applied[1]).state == "applied"
        assert event_count() == before


def test_choosing_no_case_is_refused_beside_the_list(applied, client, auth):
    auth.login("county-staff")
    response = post_batch(client, "plan", [], shown=applied)
    assert response.status_code == 200
    assert "请至少选择一个案件" in response.get_data(as_text=True)


@pytest.fixture
def special(demo):
    """Two city-direct 省一级 organs applying for 省特级: the city bureau forwards them in Q1 (ARC-10.1.2)."""
    with demo.app_context():
        ids = []
        for n, name in enumerate(("宜昌市民政局", "宜昌市司法局"), start=1):
            organ = make_organ(org("yc"), "city_direct", name=name, has_system_guidance=True)
            give_grade(organ.code, "first", date(2025, 1, 10), date(2028, 1, 9), f"鄂档等〔2025〕9{n}号")
            unit = make_user(organ, "unit_applicant", username=f"special-{n}")
            db.session.commit()
            ids.append(drive(unit.username, level="special", to="applied"))
        return ids


def test_forwarding_special_applications_shows_the_q1_deadline_and_forwards_them(special, demo, client, auth):
    auth.login("city-staff")
    html = client.get("/bureau/").get_data(as_text=True)
    assert 'data-batch="forward"' in html
    html = client.get(f"/bureau/batch/forward?case_ids={special[0]}&case_ids={special[1]}").get_data(
        as_text=True
    )
    assert "2027-03-31" in html and "ARC-10.1.2" in html
    response = post_batch(client, "forward", special)
    assert response.status_code == 302
    with demo.app_context():
        assert [get(i).state for i in special] == ["forwarded", "forwarded"]


def test_forwarding_after_the_first_quarter_is_refused_quoting_the_rule(special, demo, client, auth):
    demo.config["KAOPING_TODAY"] = "2027-04-01"
    auth.login("city-staff")
    response = post_batch(client, "forward", special)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "第一季度" in html and "ARC-10.1.2" in html
    with demo.app_context():
        assert [get(i).state for i in special] == ["applied", "applied"]


@pytest.fixture
def prechecking(demo):
    with demo.app_context():
        return [drive("unit-county", to="prechecking"), drive("unit-town", to="prechecking")]


def test_publishing_a_notice_list_starts_one_notice_for_every_case_arc_10_3_1(
    prechecking, demo, client, auth
):
    auth.login("county-staff")
    html = client.get(f"/bureau/batch/publish?case_ids={prechecking[0]}&case_ids={prechecking[1]}").get_data(
        as_text=True
    )
    assert "公示开始日期" in html and "2027-01-11" in html  # 7 days with the publication day (GAP-10)
    response = post_batch(
        client, "publish", prechecking, notice_start="2027-01-06", opinion="材料齐全，同意公示。"
    )
    assert response.status_code == 302
    with demo.app_context():
        for case_id in prechecking:
            case = get(case_id)
            assert case.state == "in_notice"
            assert case.notice_start == date(2027, 1, 6)
            assert case.precheck_opinion == "材料齐全，同意公示。"


def test_publishing_without_a_written_opinion_is_refused_and_keeps_the_date(prechecking, demo, client, auth):
    auth.login("county-staff")
    with demo.app_context():
        before = event_count()
    response = post_batch(client, "publish", prechecking, notice_start="2027-01-06", opinion="")
    html = response.get_data(as_text=True)
    assert "请填写书面预检意见" in html
    assert 'value="2027-01-06"' in html
    with demo.app_context():
        assert event_count() == before
        assert get(prechecking[0]).state == "prechecking"


def test_publishing_a_list_with_a_case_not_yet_in_precheck_refuses_the_whole_list(
    prechecking, demo, client, auth
):
    with demo.app_context():
        not_ready = drive(unit_user("yc-yl-lqz"), to="planned")  # 龙泉镇, township
        before = event_count()
    auth.login("county-staff")
    ids = [*prechecking, not_ready]
    response = post_batch(client, "publish", ids, notice_start="2027-01-06", opinion="同意")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f'<tr data-case-id="{not_ready}" class="table-danger">' in html
    with demo.app_context():
        assert [get(i).state for i in prechecking] == ["prechecking", "prechecking"]
        assert event_count() == before


def test_the_upper_bureau_cannot_publish_the_county_notice_list_in_its_place(prechecking, demo, client, auth):
    auth.login("city-staff")
    response = post_batch(client, "publish", prechecking, notice_start="2027-01-06", opinion="同意")
    assert response.status_code == 409
    with demo.app_context():
        assert [get(i).state for i in prechecking] == ["prechecking", "prechecking"]


def test_unknown_batch_actions_are_not_found(applied, client, auth):
    auth.login("county-staff")
    assert client.get("/bureau/batch/approve").status_code == 404
