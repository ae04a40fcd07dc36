"""What the article procedure's guards read about one article (`ArticleFacts`) and who acts (`Actor`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflow import procedure

#: Functions a person can hold on one article; the web layer derives them from role × organisation.
#: ``author``: an information officer (信息员) of the writing unit; ``signer``: the unit's leader in charge
#: (分管领导, ZG-6.1); ``editor`` / ``head``: the receiving office's editor and its head; ``upper_editor``: an
#: editor of an office the article was forwarded to (上报, INF-2.5); ``reader``: a leader reading (领导阅览).
FUNCTIONS = frozenset({"author", "signer", "editor", "head", "upper_editor", "reader"})

#: 密级: 非密 / 内部 / 秘密. A secret article is shown only to the people who must handle it.
SECRECY_LEVELS: tuple[str, ...] = ("none", "internal", "secret")
SECRECY_LABELS = {"none": "非密", "internal": "内部", "secret": "秘密"}


@dataclass(frozen=True)
class Actor(procedure.Actor):
    """The functions the acting person holds on this article."""

    def __post_init__(self) -> None:
        unknown = self.functions - FUNCTIONS
        if unknown:
            raise ValueError(f"unknown article functions: {', '.join(sorted(unknown))}")


@dataclass
class ArticleFacts:
    """What the guards need about one article, gathered once per request; `fire` changes ``state`` and the dates
    the fired row's effects name."""

    state: str = "draft"
    title: str = ""
    body_length: int = 0
    secrecy: str = "none"
    #: Open returns (退改) not yet answered: a resubmission must answer the latest (ZG-6.1 / PUB-2.4).
    open_return: bool = False
    #: Adoption records on the article (an article may be adopted several times, INF-2.8).
    adoptions: int = 0
    submitted_on: date | None = None
    signed_off_on: date | None = None
    received_on: date | None = None
    decided_on: date | None = None
    withdrawn_on: date | None = None
