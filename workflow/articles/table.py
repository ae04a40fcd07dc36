"""The information-article procedure (信息稿件报送): draft → 分管领导审阅 → 报送 → 编辑中 → 采用 / 不采用, as one table.

Each row names its AT id, the rule it implements, the article functions that may fire it, its guards, the
inputs a person types with it and its side effects. `PROCEDURE` builds the one shared machine from it
(`workflow.procedure`). Adoption records, forwarding (上报), instructions (批示), commissions (约稿) and urgent
reports hang off the article as records of their own (``webapp/articles``); only the article's way from the
writer's desk to the office's decision is a state machine.
"""

from __future__ import annotations

from collections.abc import Mapping

from workflow.articles.facts import FUNCTIONS, ArticleFacts
from workflow.articles.guards import decline_reason, has_text, leader_reason, office_reason, resubmit_answer
from workflow.articles.rules import ArticleRules
from workflow.procedure import Input, Procedure, Row, service_effect, set_date

ARTICLE_STATES: tuple[str, ...] = (
    "draft",  # A0 草稿
    "awaiting_signoff",  # A1 待分管领导审阅
    "returned",  # A2 退改 (by the leader or by the office)
    "submitted",  # A3 已报送
    "received",  # A4 编辑中
    "adopted",  # A5 已采用
    "not_adopted",  # A6 未采用
    "withdrawn",  # A7 已撤回
)
TERMINAL_STATES = frozenset({"adopted", "not_adopted", "withdrawn"})
#: States in which the unit still holds the article (it may edit a draft or a returned article).
EDITABLE_STATES = frozenset({"draft", "returned"})
#: States the office has it in (it may edit the text while it is being edited, 编辑中).
OFFICE_EDITABLE_STATES = frozenset({"received"})

EVENTS: tuple[str, ...] = (
    "submit",
    "sign_off",
    "leader_return",
    "resubmit",
    "withdraw",
    "receive",
    "office_return",
    "adopt",
    "decline",
)

STATE_LABELS: Mapping[str, str] = {
    "draft": "草稿",
    "awaiting_signoff": "待领导审阅",
    "returned": "退改",
    "submitted": "已报送",
    "received": "编辑中",
    "adopted": "已采用",
    "not_adopted": "未采用",
    "withdrawn": "已撤回",
}

EVENT_LABELS: Mapping[str, str] = {
    "submit": "送分管领导审阅",
    "sign_off": "审阅同意并报送",
    "leader_return": "领导退改",
    "resubmit": "修改后重新送审",
    "withdraw": "撤回稿件",
    "receive": "接收编辑",
    "office_return": "退回修改",
    "adopt": "采用",
    "decline": "不予采用",
}

#: Said once beside the withdrawn state instead of an arrow from each state it can be reached from.
WITHDRAW_NOTE = "办公室接收前，单位可随时撤回"

# -- side effects ------------------------------------------------------------------------------------------------

#: A return (退改) is a record with its reason; the resubmission writes the answer into it.
OPEN_LEADER_RETURN = service_effect("open_return", "leader")
OPEN_OFFICE_RETURN = service_effect("open_return", "office")
ANSWER_RETURN = service_effect("answer_return")
#: The adoption record (publication, class, form, date, editor): the service writes it from the form.
RECORD_ADOPTION = service_effect("record_adoption")

# -- inputs a person types -----------------------------------------------------------------------------------------

LEADER_REASON = Input("reason", leader_reason)
OFFICE_REASON = Input("reason", office_reason)
DECLINE_REASON = Input("reason", decline_reason)
ANSWER = Input("answer", resubmit_answer)

# fmt: off
TRANSITIONS: tuple[Row[ArticleFacts, ArticleRules], ...] = (
    Row("AT-01", "submit", ("draft",), "awaiting_signoff", ("author",), "ZG-6.1", guards=(has_text,)),
    Row("AT-02", "sign_off", ("awaiting_signoff",), "submitted", ("signer",), "ZG-6.1", guards=(has_text,),
        effects=(set_date("signed_off_on"), set_date("submitted_on"))),
    Row("AT-03", "leader_return", ("awaiting_signoff",), "returned", ("signer",), "ZG-6.1",
        inputs=(LEADER_REASON,), effects=(OPEN_LEADER_RETURN,)),
    Row("AT-04", "resubmit", ("returned",), "awaiting_signoff", ("author",), "ZG-6.1", guards=(has_text,),
        inputs=(ANSWER,), effects=(ANSWER_RETURN,)),
    Row("AT-05", "withdraw", ("awaiting_signoff", "returned", "submitted"), "withdrawn", ("author", "signer"),
        "PUB-5.1", effects=(set_date("withdrawn_on"),), note="[INTERPRETATION] text silent: before receipt"),
    Row("AT-06", "receive", ("submitted",), "received", ("editor", "head"), "PUB-5.3",
        effects=(set_date("received_on"),)),
    Row("AT-07", "office_return", ("submitted", "received"), "returned", ("editor", "head"), "PUB-2.4",
        inputs=(OFFICE_REASON,), effects=(OPEN_OFFICE_RETURN,)),
    Row("AT-08", "adopt", ("received",), "adopted", ("editor", "head"), "INF-2.0",
        effects=(set_date("decided_on"), RECORD_ADOPTION)),
    Row("AT-09", "decline", ("received",), "not_adopted", ("editor", "head"), "INF-2.0",
        inputs=(DECLINE_REASON,), effects=(set_date("decided_on"),)),
)
# fmt: on

PROCEDURE: Procedure[ArticleFacts, ArticleRules] = Procedure(
    name="articles",
    title="信息稿件报送流程",
    subject="稿件",
    states=ARTICLE_STATES,
    initial="draft",
    terminal=TERMINAL_STATES,
    events=EVENTS,
    functions=FUNCTIONS,
    rows=TRANSITIONS,
    state_labels=STATE_LABELS,
    event_labels=EVENT_LABELS,
    drawn_once={"withdraw": WITHDRAW_NOTE},
)
MACHINE = PROCEDURE.machine
