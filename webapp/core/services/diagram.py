"""The procedure diagram of the case page, drawn once per ruleset and state as inline SVG by Graphviz.

Drawn on the server so the page needs no 3.6 MB script and no layout in the browser; laid out top to bottom so it
fits the page's width and is read without scrolling sideways. Needs the ``dot`` program (Debian ``graphviz``,
installed by the Makefile) and the PyPI ``graphviz`` package; the CJK font (``fonts-wqy-microhei``) makes
Graphviz measure the Chinese labels as the browser draws them.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

import graphviz
from markupsafe import Markup

from workflow.procedure import Procedure

log = logging.getLogger(__name__)

#: Fonts Graphviz measures with (the first installed one wins) and the browser draws with.
FONT = "WenQuanYi Micro Hei"
CURRENT_FILL, CURRENT_LINE = "#fde68a", "#b45309"
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
#: Graphviz titles every node and edge with its internal name (``in_notice->in_review``), which browsers show
#: on hover; people get the Chinese tooltips set below instead.
_TITLE = re.compile(r"<title>[^<]*</title>\s*")


def procedure_dot(procedure: Procedure[Any, Any], state: str | None = None) -> graphviz.Digraph:
    """A procedure's machine as a Graphviz graph, top to bottom, ``state`` highlighted; an event drawn once
    (withdrawal) is said in words beside its target instead of an arrow from every state."""
    if state is not None and state not in procedure.states:
        raise ValueError(f"unknown state {state!r}")
    notes = {
        row.target: procedure.drawn_once[row.event]
        for row in procedure.rows
        if row.event in procedure.drawn_once
    }
    graph = graphviz.Digraph("procedure", engine="dot")
    graph.attr(rankdir="TB", bgcolor="transparent", nodesep="0.25", ranksep="0.32", fontname=FONT)
    graph.attr("node", shape="box", style="rounded,filled", fillcolor="white", color="#8a94a3", fontname=FONT)
    graph.attr("node", fontsize="12", height="0.36", margin="0.12,0.05")
    graph.attr("edge", fontname=FONT, fontsize="10", color="#8a94a3", fontcolor="#4b5563", arrowsize="0.7")
    for name in procedure.states:
        label = procedure.state_label(name)
        attrs = {"id": f"state-{name}", "tooltip": label}
        if name in notes:
            label = f"{label}\n（{notes[name]}）"
            attrs["fontsize"] = "11"
        if name in procedure.terminal:
            attrs["peripheries"] = "2"
        if name == state:
            attrs.update(fillcolor=CURRENT_FILL, color=CURRENT_LINE, penwidth="2", fontcolor="#000000")
        graph.node(name, label, **attrs)
    with graph.subgraph() as ends:  # the outcomes side by side at the bottom
        ends.attr(rank="sink")
        for name in sorted(procedure.terminal):
            ends.node(name)
    for source, dest, label in procedure.edges():
        graph.edge(source, dest, label=f" {label} ", tooltip=label)
    return graph


def procedure_svg(procedure: Procedure[Any, Any], state: str | None = None) -> Markup:
    """Inline SVG of the procedure, ``state`` highlighted; rendered once per state and kept (Graphviz takes
    ~50 ms). Sized in CSS pixels by its viewBox so it scales down on narrow screens and never scrolls.

    Empty when Graphviz cannot draw it (``dot`` missing or failing): the page then says the diagram is not
    available and shows everything else; a missing program never makes a case or article page fail. Not
    remembered, so installing Graphviz needs no restart."""
    try:
        return _drawn(procedure, state)
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, OSError):
        log.warning("the procedure diagram could not be drawn (is Graphviz's dot installed?)", exc_info=True)
        return Markup("")


@lru_cache(maxsize=64)
def _drawn(procedure: Procedure[Any, Any], state: str | None) -> Markup:
    svg = procedure_dot(procedure, state).pipe(format="svg", encoding="utf-8")
    svg = _TITLE.sub("", _COMMENT.sub("", _PROLOGUE.sub("", svg, count=1)))
    return Markup(svg)  # Graphviz escapes the labels, which come from our own tables, never from users
