"""Keyword search, filters and pages on every case list, and the .xlsx export under the same filters."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.factories import TODAY
from tests.walk import case as get
from tests.walk import user
from tests.webapp.services.flow import drive
from webapp.grading.services import case_search
from webapp.grading.services.case_search import CaseFilters
from webapp.grading.services.errors import FilterError


def _ids(username, filters=None, **page):
    found = case_search.search(user(username), filters or CaseFilters(), TODAY, **page)
    return {case.id for case in found.items}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"year": "1900"}, "year"),
        ({"year": "abc"}, "year"),
        ({"year": "99999999999999999999"}, "year"),
        ({"state": "bogus"}, "state"),
        ({"tier": "x"}, "tier"),
        ({"bureau": "-1"}, "bureau"),
        ({"bureau": "99999999999999999999"}, "bureau"),
        ({"q": "字" * 61}, "q"),
        ({"overdue": "yes"}, "overdue"),
    ],
)
def test_a_bad_filter_value_is_named_not_silently_dropped(args, field):
    filters, errors = case_search.parse_filters(args)
    assert field in errors and getattr(filters, field, None) in (None, False)


@pytest.mark.parametrize(
    ("args", "field"),
    [({"page": "0"}, "page"), ({"page": "99999999999999999999"}, "page"), ({"per_page": "1000"}, "per_page")],
)
def test_a_page_out_of_range_is_refused_and_the_page_size_is_bounded(args, field):
    with pytest.raises(FilterError) as error:
        case_search.parse_page(args)
    assert error.value.field == field and error.value.status == 400


def test_keyword_finds_by_organ_name_case_number_letter_and_certificate(ctx):
    county = drive("unit-county", to="approved")
    town = drive("unit-town", to="applied")
    assert _ids("county-staff", CaseFilters(q="财政")) == {county}
    assert town in _ids("county-staff", CaseFilters(q=str(town)))  # a number may also be part of a 证书编号
    assert _ids("county-staff", CaseFilters(q=f"#{town}")) == {town}  # "#n" is the case number only
    case = get(county)
    assert _ids("county-staff", CaseFilters(q=case.letter_no)) == {county}
    assert _ids("county-staff", CaseFilters(q=case.certificate_no[2:8])) == {county}
    assert _ids("county-staff", CaseFilters(q="%")) == set()  # LIKE wildcards are literal


def test_filters_combine_and_stay_within_what_the_user_may_see(ctx):
    county = drive("unit-county", to="applied")
    town = drive("unit-town", to="in_notice")
    assert _ids("county-staff", CaseFilters(state="in_notice")) == {town}
    assert _ids("county-staff", CaseFilters(tier="township", level="second", year=2027)) == {town}
    assert _ids("county-staff", CaseFilters(year=2026)) == set()
    county_bureau = get(county).organizer_id
    assert _ids("city-staff", CaseFilters(bureau=county_bureau)) == {county, town}
    assert _ids("unit-county", CaseFilters(bureau=county_bureau)) == {county}  # never another organ's case


def test_pages_are_cut_in_the_query(ctx):
    made = {drive("unit-county"), drive("unit-town")}
    first = case_search.search(user("county-staff"), CaseFilters(), TODAY, page=1, per_page=1)
    second = case_search.search(user("county-staff"), CaseFilters(), TODAY, page=2, per_page=1)
    assert first.total == 2 and first.pages == 2
    assert {first.items[0].id, second.items[0].id} == made


def test_the_export_holds_the_filtered_rows_only(ctx):
    drive("unit-county", to="applied")
    town = drive("unit-town", to="in_notice")
    data = case_search.export_xlsx(user("county-staff"), CaseFilters(state="in_notice"), TODAY)
    sheet = load_workbook(BytesIO(data)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert "状态：公示中" in values[1][0]
    header = values.index(next(row for row in values if row[0] == "编号"))
    assert [row[0] for row in values[header + 1 :]] == [town]
