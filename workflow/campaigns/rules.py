"""The rules the campaign procedure cites (lead's first cut; H2 replaces it with the full set)."""

from __future__ import annotations

RULES: dict[str, tuple[str, str]] = {
    "STA-1.1": ("《统计基层基础工作考评办法》一", "各县(市)区统计局(含徐州经济技术开发区)"),
    "STA-4.2": ("《统计基层基础工作考评办法》四", "应按照顺序装订成册后上报市局"),
    "STA-4.3": ("《统计基层基础工作考评办法》四", "由市局办公室统一发文表彰"),
    "LRN-4.1": ("《创建学习型机关考评办法》", "自评总结、领导小组检查考评、通报"),
    "LRN-4.4": ("《创建学习型机关考评办法》", "对创学工作突出的站股室予以表扬,工作不扎实的给予批评"),
    "ORG-PR.1": ("《区组织工作考核办法》", "年末,由区绩效办发出通知"),
    "ORG-PR.8": ("《区组织工作考核办法》", "汇总成绩向部务会汇报审核后,适时在全区进行公示"),
    "ORG-PR.9": ("《区组织工作考核办法》", "区直单位和街道分开进行排序"),
    "SAF-2.1": ("《县区安监局机关基础工作考评办法》", "报表和总结等材料报送等12个方面"),
    "SAF-3.1": ("《县区安监局机关基础工作考评办法》", "由市局组织考评组进行考评"),
}


def quote(rule: str) -> str:
    """「依据《…》…：「quote」 · RULE」."""
    where, words = RULES[rule]
    return f"依据{where}：{words} · {rule}"
