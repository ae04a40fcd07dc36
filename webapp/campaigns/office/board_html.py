"""The moderation board's rows, made in Python (issue 12).

A board page shows 50 units: each unit's line (rank, totals, grade, reasons) and, while the office moderates,
three small forms (否决, 不合格, 公认度); the 逐项对照 table has 50 × 20 cells. Written as template logic that
was some 2,500 expressions a page and a third of its time. The table around them, the headings and the pages
stay in ``templates/campaigns/office/_board.html``; what each cell holds is here, one function per kind of row.
Everything a person typed or a record holds is escaped; numbers are printed as their digits.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from markupsafe import Markup, escape

from webapp.campaigns.services import moderation
from webapp.core.services.kept import Kept

DASH = "—"


def _score(value: object) -> str:
    """A score as the cell prints it: a number's digits need no escaping (2,000 cells a page)."""
    if value is None:
        return DASH
    return str(value) if isinstance(value, Decimal | int) else str(escape(value))


#: the cells made for a kept comparison, under ``(id(items), the units' ids)``, with the items they were made for.
#: The board's items are kept under the campaign's standing (`moderation.board`, ``shared.derived``) and are the
#: same object on every view until the standing changes, so their cells are made once for it (0.5 ms of a ~6.7 ms
#: page, 2,000 cells). An entry holds its items, so the id cannot be reused while it is here; the least recent
#: goes first.
_MADE: Kept[tuple[object, dict[str, Markup]]] = Kept("moderation_item_cells", 64)


def item_cells(board: moderation.Board) -> dict[str, Markup]:
    """`made_item_cells`, once per kept comparison and page of units."""
    key = (id(board.items), tuple(unit.id for unit in board.units))
    found = _MADE.get(key)
    if found is not None and found[0] is board.items:
        return found[1]
    return _MADE.put(key, (board.items, made_item_cells(board)))[1]


def made_item_cells(board: moderation.Board) -> dict[str, Markup]:
    """Each item's row of the 逐项对照 table: per unit shown, 「自评 / 合议」 (— where a sheet has none), marked
    where the two differ."""
    cells = {}
    for item in board.items:
        row = []
        for unit in board.units:
            own, agreed = item.scores.get(unit.id, (None, None))
            differs = own is not None and agreed is not None and own != agreed
            row.append(
                f'<td class="text-nowrap{" table-warning" if differs else ""}">{_score(own)} / {_score(agreed)}</td>'
            )
        cells[item.id] = Markup("".join(row))
    return cells


def _line_cells(u: moderation.UnitLine) -> str:
    """名次 … 说明: the unit's line as the ranking and the office's decisions left it."""
    ranked = u.ranked
    badges = (' <span class="badge text-bg-danger">一票否决</span>' if u.vetoed else "") + (
        ' <span class="badge text-bg-warning">不合格</span>' if u.judged_fail else ""
    )
    spread = f"{_score(u.low)}—{_score(u.high)}" if u.low is not None else DASH
    note = str(escape(ranked.note)) if ranked else ""
    if u.veto_reason:
        note += f"<br>否决理由：{escape(u.veto_reason)}"
    if u.fail_reason:
        note += f"<br>不合格理由：{escape(u.fail_reason)}"
    return (
        f"<td>{ranked.rank if ranked else DASH}</td>"
        f"<td>{escape(u.name)}{badges}</td>"
        f'<td class="text-end">{_score(u.self_total)}</td>'
        f'<td class="text-end">{_score(u.agreed_total) if u.agreed_submitted else DASH}</td>'
        f'<td class="text-end">{_score(u.difference)}</td>'
        f'<td class="text-end">{spread}</td>'
        f'<td data-testid="grade">{escape(ranked.grade) if ranked and ranked.grade else DASH}</td>'
        f"<td>{_score(u.recognition)}</td>"
        f'<td class="small">{note}</td>'
    )


#: the two switches of a row: (decision, label to set it, label to lift it)
SWITCHES = (("veto", "一票否决", "撤销否决"), ("fail", "评为不合格", "撤销不合格"))


def _decision_cell(
    u: moderation.UnitLine, *, action: str, hidden: str, error: str | None, typed: Mapping[str, str]
) -> str:
    """审定: 否决 and 不合格 (a reason is required to set either, STA-4.1 / ORG-12.3) and the 公认度 score, each
    its own form posting to ``action`` + decision; what was typed into a refused form is shown again."""
    parts = ['<td class="small">']
    if error:
        parts.append(f'<div class="text-danger" data-testid="unit-error">{escape(error)}</div>')
    # opened where a decision was just refused, so what was typed is in sight beside the message
    parts.append(f"<details{' open' if error else ''}><summary>否决 / 不合格 / 公认度</summary>")
    for (decision, on_label, off_label), is_on in zip(SWITCHES, (u.vetoed, u.judged_fail), strict=True):
        reason = (
            ""
            if is_on
            else '<input class="form-control form-control-sm mb-1" name="reason" maxlength="500" '
            f'placeholder="理由（必填）" aria-label="理由" value="{escape(typed.get(f"reason-{u.id}", ""))}">'
        )
        parts.append(
            f'<form method="post" action="{action}{decision}" class="mb-1">{hidden}'
            f'<input type="hidden" name="on" value="{"0" if is_on else "1"}">{reason}'
            f'<button class="btn btn-sm btn-outline-danger">{off_label if is_on else on_label}</button></form>'
        )
    typed_score = typed.get(f"score-{u.id}")
    score = typed_score if typed_score is not None else (u.recognition if u.recognition is not None else "")
    parts.append(
        f'<form method="post" action="{action}recognition" class="d-flex gap-1">{hidden}'
        f'<input class="form-control form-control-sm" name="score" size="5" value="{escape(score)}" '
        'aria-label="公认度评价得分"><button class="btn btn-sm btn-outline-secondary">记录</button></form>'
    )
    parts.append("</details></td>")
    return "".join(parts)


def unit_rows(
    board: moderation.Board,
    *,
    decide_at: str | None,
    csrf: str = "",
    errors: Mapping[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
) -> dict[int, Markup]:
    """Each shown unit's ``<tr>``; with ``decide_at`` (the address the decisions post under, ending in
    ``/units/``: the office moderating) the row carries its three forms."""
    errors, typed = errors or {}, typed or {}
    hidden = (
        f'<input type="hidden" name="csrf_token" value="{escape(csrf)}">'
        f'<input type="hidden" name="version" value="{board.campaign.version_id}">'
    )
    at = escape(decide_at) if decide_at is not None else ""
    rows = {}
    for u in board.units:
        decision = (
            _decision_cell(
                u,
                action=f"{at}{u.id}/",
                hidden=hidden,
                error=errors.get(f"unit-{u.id}"),
                typed=typed,
            )
            if decide_at is not None
            else ""
        )
        rows[u.id] = Markup(f'<tr id="unit-{u.id}" data-testid="board-row">{_line_cells(u)}{decision}</tr>')
    return rows
