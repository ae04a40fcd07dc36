"""The case page's procedure diagram (issue 7, point 22): drawn on the server as SVG, top to bottom, narrow enough
to read in the page without scrolling sideways, in Chinese, the current state highlighted."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.factories import make_test_app
from tests.workflow.test_procedure import LIBRARY
from webapp.core.feature import Feature
from webapp.core.services.diagram import CURRENT_FILL, procedure_svg
from webapp.features import FEATURES
from workflow.grading import CASE_STATES, PROCEDURE, STATE_LABELS, procedure_edges

SVG = "{http://www.w3.org/2000/svg}"
#: The case page's diagram card is ~1,066 px wide on a desktop; the drawing must fit it unscaled.
CARD_WIDTH_PX = 1000


def _tree(state: str | None) -> ET.Element:
    return ET.fromstring(str(procedure_svg(PROCEDURE, state)))


def _size_px(root: ET.Element) -> tuple[float, float]:
    _, _, width, height = (float(n) for n in root.get("viewBox", "").split())
    return width * 4 / 3, height * 4 / 3  # Graphviz draws in points


def test_the_diagram_fits_the_case_page_and_is_laid_out_top_to_bottom():
    root = _tree("in_notice")
    width, _ = _size_px(root)
    assert width <= CARD_WIDTH_PX, f"{width:.0f} px wide"
    # top to bottom: each step of the main path is drawn below the one before (SVG y grows downwards)
    tops = {}
    for node in root.iter(f"{SVG}g"):
        if node.get("class") == "node":
            tops[node.get("id", "").removeprefix("state-")] = float(next(node.iter(f"{SVG}text")).get("y"))
    main_path = ["draft", "applied", "planned", "prechecking", "in_notice", "in_review", "approved"]
    assert [tops[state] for state in main_path] == sorted(tops[state] for state in main_path)


def test_the_diagram_scales_with_its_box_instead_of_overflowing():
    """The SVG carries a viewBox, and the page's CSS lets it shrink to the card's width (phones)."""
    root = _tree(None)
    assert root.get("viewBox")
    template = (Path(__file__).resolve().parents[2] / "templates/grading/cases/show.html").read_text(
        encoding="utf-8"
    )
    assert ".procedure-diagram svg { max-width: 100%; height: auto; }" in template


@pytest.mark.parametrize("state", CASE_STATES)
def test_only_the_current_state_is_highlighted(state):
    root = _tree(state)
    fills = {}
    for node in root.iter(f"{SVG}g"):
        if node.get("class") == "node":
            name = node.get("id", "").removeprefix("state-")
            fills[name] = next(node.iter(f"{SVG}path")).get("fill")
    assert set(fills) == set(CASE_STATES)
    assert [name for name, fill in fills.items() if fill == CURRENT_FILL] == [state]


def test_people_read_chinese_labels_and_no_internal_ids():
    svg = str(procedure_svg(PROCEDURE, "in_review"))
    texts = [text.text or "" for text in _tree("in_review").iter(f"{SVG}text")]
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in texts), texts
    for state in CASE_STATES:
        assert STATE_LABELS[state] in texts
        assert f">{state}<" not in svg  # Graphviz's <title> elements (shown on hover) are removed
    assert "<title>" not in svg and "CT-" not in svg and "->" not in svg


def test_the_diagram_command_prints_a_registered_procedures_mermaid_source(app):
    """`kaoping diagram PROCEDURE` takes its name from the registry (`webapp/features.py`), not a fixed list."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["diagram", "grading", "--highlight", "approved", "--ruleset", "hubei-2011"])
    assert result.exit_code == 0, result.output
    assert "stateDiagram-v2" in result.output and "class approved s_active" in result.output
    assert "湖北省" in result.output  # titled with the ruleset's name
    assert runner.invoke(args=["diagram", "scoring"]).exit_code == 2  # a feature without a procedure
    assert runner.invoke(args=["diagram", "grading", "--highlight", "limbo"]).exit_code == 2


def test_a_procedure_registered_by_a_feature_is_drawn_by_the_diagram_command(tmp_path):
    """Adding a procedure is one Feature with its `Procedure`: the command finds it without any other change."""
    app = make_test_app(
        tmp_path, features=(*FEATURES, Feature(name="loans", label="借阅", procedure=LIBRARY))
    )
    result = app.test_cli_runner().invoke(args=["diagram", "loans", "--highlight", "lent"])
    assert result.exit_code == 0, result.output
    assert 'state "已借出" as lent' in result.output and "class lent s_active" in result.output


def test_withdrawal_is_said_once_instead_of_an_arrow_from_every_open_state():
    """CT-11: an applicant may withdraw from any open state; the drawing says so beside 已撤回."""
    root = _tree(None)
    edges = [edge for edge in root.iter(f"{SVG}g") if edge.get("class") == "edge"]
    titles = [next(edge.iter(f"{SVG}a")).get("{http://www.w3.org/1999/xlink}title") for edge in edges]
    assert "撤回申报" not in titles and len(edges) == len(procedure_edges())
    assert all(edge[1] != "withdrawn" for edge in procedure_edges())
    assert "申报后、办结前任一环节均可撤回" in str(procedure_svg(PROCEDURE, None))
