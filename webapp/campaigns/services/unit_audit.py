"""How the campaign's trail names the unit's and the team's entries (materials, claims, sheets)."""

UNIT_AUDIT_LABELS: dict[str, str] = {
    "evidence_added": "上传佐证材料",
    "evidence_removed": "删除佐证材料",
    "evidence_reordered": "调整佐证材料顺序",
    "claim_declared": "申报业绩或过错",
    "claim_withdrawn": "撤回申报",
    "claim_verified": "认定申报",
    "claim_rejected": "申报不予认定",
    "fault_found": "记录查实的未上报过错",
    "sheet_submitted": "提交评分表",
    "sheet_reopened": "重新打开评分表",
}
