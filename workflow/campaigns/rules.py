"""The rules the campaign procedure cites: where each is, what it says, so every refusal and decision quotes it.

Each `Rule` keeps the key phrase twice: `original` verbatim from the source (traditional script for STA, LRN,
ORG and SAF, whitespace and the ORG page's pinyin artefacts removed — the digests' 「」 quotes), and `quote`,
the same words in simplified Chinese with full-width punctuation, which is what people read. The conversion was
done once with OpenCC (t2s) when this table was written; it is data here, so the app needs no converter.

``quote("STA-4.1")`` reads 「依据《2017年统计基层基础工作考评办法》四、奖项设置：优秀2-3名、良好3-4名 · STA-4.1」,
the form `workflow.articles.rules.ArticleRules.cite` gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workflow.errors import Refusal


@dataclass(frozen=True)
class Rule:
    #: The document (``《2017年统计基层基础工作考评办法》``).
    source: str
    #: The part of it (``四、奖项设置``).
    article: str
    #: The key phrase, simplified Chinese: what people read.
    quote: str
    #: The same phrase verbatim from the source text (its own script).
    original: str
    #: What the rule says, in English (for developers; never shown).
    summary: str


_STA = "《2017年统计基层基础工作考评办法》"
_LRN = "《创建学习型机关考评办法》"
# The district's name is redacted in the source ("**").
_ORG = "《**区组织工作考核办法（2014年）》"
_SAF = "《县区安监局机关基础工作考评办法》"
_CAD = "《XX区干部实绩记分管理实施办法》"

#: rule id → its text. Ids are the digests' (shared/rules/*.md); GAP readings live in the code that applies them.
RULES: Mapping[str, Rule] = {
    "STA-1.1": Rule(
        _STA,
        "一、考评对象",
        "各县（市）区统计局（含徐州经济技术开发区）",
        "各縣(市)區統計局(含徐州經濟技術開發區)",
        "Who is assessed: the county/district statistics bureaus",
    ),
    "STA-4.1": Rule(
        _STA,
        "四、奖项设置",
        "优秀2-3名、良好3-4名",
        "優秀2-3名、良好3-4名",
        "Four grades; excellent 2–3 units, good 3–4 units, by rank",
    ),
    "STA-4.2": Rule(
        _STA,
        "四、奖项设置（一）",
        "计分标准中所涉及的反映各项工作开展情况的材料（以发文日期或上报时间为准），应按照顺序装订成册后上报市局",
        "計分標準中所涉及的反映各項工作開展情況的材料(以發文日期或上報時間為準),應按照順序裝訂成冊后上報市局",
        "Self-test and self-assessment; materials dated by issue or submission date, bound in order, sent to the city bureau (GAP-8: only materials dated in the period count)",
    ),
    "STA-4.3": Rule(
        _STA,
        "四、奖项设置（二）",
        "市局依据各地的自测自评情况和上报的材料以及相关行政记录等进行评比打分",
        "市局依據各地的自測自評情況和上報的材料以及相關行政記錄等進行評比打分",
        "The city bureau scores from self-assessment, materials and records, assigns grades; its office issues one commendation",
    ),
    "LRN-4.1": Rule(
        _LRN,
        "四、考评步骤",
        "建设学习型科室考评步骤为：自评总结、领导小组检查考评、通报",
        "建設學習型科室考評步驟為:自評總結、領導小組檢查考評、通報",
        "Three steps in order: self-evaluation, leading-group inspection, circulation",
    ),
    "LRN-4.2": Rule(
        _LRN,
        "四、考评步骤1、检查",
        "各站股室按照检查标准，对照创建学习型机关阶段性工作进行打分，提出下一步工作目标",
        "各站股室按照檢查標準,對照創建學習型機關階段性工作進行打分,提出下一步工作目標",
        "Self-check: each station scores its phase work and sets its next targets",
    ),
    "LRN-4.3": Rule(
        _LRN,
        "四、考评步骤2、检查考评",
        "考评组采取听汇报、查看记录和学习阵地等方式进行考核检查和评估",
        "考評組采取聽匯報、查看記錄和學習陣地等方式進行考核檢查和評估",
        "The leading group inspects each station and gives its assessment opinion",
    ),
    "LRN-4.4": Rule(
        _LRN,
        "四、考评步骤3、考评通报",
        "对创学工作突出的站股室予以表扬，工作不扎实的给予批评",
        "對創學工作突出的站股室予以表揚,工作不扎實的給予批評",
        "The leading group circulates the results: praise and criticism",
    ),
    "LRN-4.5": Rule(
        _LRN,
        "四、考评步骤",
        "考评时间为半年、年底各一次",
        "考評時間為半年、年底各一次",
        "Assessment twice a year: half-year and year-end",
    ),
    "ORG-PR.1": Rule(
        _ORG,
        "考核程序（一）申报认定",
        "年末，由区绩效办发出通知，各单位根据《通知》要求将本单位的业绩情况、过错情况的有关材料报区绩效办进行核查认定",
        "年末,由區績效辦發出通知,各單位根據《通知》要求將本單位的業績情況、過錯情況的有關材料報區績效辦進行核查認定",
        "Year-end declaration of performance and faults, verified by the performance office",
    ),
    "ORG-PR.2": Rule(
        _ORG,
        "考核程序（一）申报认定",
        "发生过错未上报的，经区委组织部查实后直接确定为过错，按照相应规定加倍扣分或进行一票否决",
        "發生過錯未上報的,經區委組織部查實后直接確定為過錯,按照相應規定加倍扣分或進行一票否決",
        "An unreported fault found by the department counts double or vetoes",
    ),
    "ORG-PR.3": Rule(
        _ORG,
        "考核程序（二）组织考核",
        "每月过完后的第一周",
        "每月過完后的第一周",
        "Monthly scoring in the first week after each month",
    ),
    "ORG-PR.4": Rule(
        _ORG,
        "考核程序（二）组织考核",
        "区直机关党工委所属的机关党委、总支、支部由区直机关党工委进行考核（占40分",
        "區直機關黨工委所屬的機關黨委、總支、支部由區直機關黨工委進行考核(占40分",
        "District-direct organ committees scored by the working committee (40 points)",
    ),
    "ORG-PR.5": Rule(
        _ORG,
        "考核程序（二）组织考核",
        "区委直属党委由区直机关党工委和组织部组织科联合进行考核（各占20分）",
        "區委直屬黨委由區直機關黨工委和組織部組織科聯合進行考核(各占20分)",
        "Directly-subordinate party committees scored jointly, 20 points each",
    ),
    "ORG-PR.6": Rule(
        _ORG,
        "考核程序（二）组织考核",
        "原则上应于当月的第一周考核结束，于10日前将考核评分结果报至区绩效办进行汇总",
        "原則上應于當月的第一周考核結束,于10日前將考核評分結果報至區績效辦進行匯總",
        "Scoring within the first week; results to the performance office before the 10th",
    ),
    "ORG-PR.7": Rule(
        _ORG,
        "考核程序（三）确认公示",
        "年末，区绩效办对各单位组织工作责任目标考核成绩、取得业绩加分、出现过错扣分和公认度评价得分四项成绩进行汇总",
        "年末,區績效辦對各單位組織工作責任目標考核成績、取得業績加分、出現過錯扣分和公認度評價得分四項成績進行匯總",
        "Year-end aggregate: targets + performance bonus − faults + recognition",
    ),
    "ORG-PR.8": Rule(
        _ORG,
        "考核程序（三）确认公示",
        "汇总成绩向部务会汇报审核后，适时在全区进行公示",
        "匯總成績向部務會匯報審核后,適時在全區進行公示",
        "Results reviewed by the executive meeting, then published",
    ),
    "ORG-PR.9": Rule(
        _ORG,
        "考核程序（四）确定排序",
        "按得分结果由高到低进行排序，区直单位和街道分开进行排序",
        "按得分結果由高到低進行排序,區直單位和街道分開進行排序",
        "Ranked high to low; district-direct units and streets separately",
    ),
    "ORG-6.2": Rule(
        _ORG,
        "第六条",
        "在考核中加分最多不超过50分",
        "在考核中加分最多不超過50分",
        "Performance bonus at most 50 points",
    ),
    "ORG-6.3": Rule(
        _ORG,
        "第六条",
        "同一内容业绩加分按最高项核算，不重复加分",
        "同一內容業績加分按最高項核算,不重復加分",
        "Same content: only the highest bonus counts",
    ),
    "ORG-6.4": Rule(
        _ORG,
        "第六条",
        "重大创新项目和创新项目的分别加20分、10分",
        "重大創新項目和創新項目的分別加20分、10分",
        "Major innovation project +20, innovation project +10",
    ),
    "ORG-12.3": Rule(
        _ORG,
        "第十二条",
        "组织工作考核被否决的单位，不得评为组织系统先进",
        "組織工作考核被否決的單位,不得評為組織系統先進",
        "A vetoed unit cannot be rated advanced",
    ),
    "ORG-12.6": Rule(
        _ORG,
        "第十二条",
        "月考核连续2次排后两名的单位，第一次由区委组织部副部长对该单位党组织主要负责人进行组织约谈",
        "月考核連續2次排后兩名的單位,第一次由區委組織部副部長對該單位黨組織主要負責人進行組織約談",
        "Bottom two twice in a row: a formal talk, the first time",
    ),
    "ORG-12.7": Rule(
        _ORG,
        "第十二条",
        "累计3次排后两名的单位，由该单位党组织主要负责人写出书面报告",
        "累計3次排后兩名的單位,由該單位黨組織主要負責人寫出書面報告",
        "Bottom two 3 times in total: a written report",
    ),
    "SAF-2.1": Rule(
        _SAF,
        "二、考评内容",
        "报表和总结等材料报送等12个方面",
        "報表和總結等材料報送等12個方面",
        "Twelve areas assessed quantitatively (score sheet in the missing annex)",
    ),
    "SAF-3.2": Rule(
        _SAF,
        "三、考评方式",
        "由市局组织考评组进行考评，每季度考评一次",
        "由市局組織考評組進行考評,每季度考評一次",
        "Assessed once per quarter by the city bureau's team",
    ),
    "SAF-3.4": Rule(
        _SAF,
        "三、考评方式",
        "100分为基础分",
        "100分為基礎分",
        "Scored on the score sheet, 100 as the base score",
    ),
    "SAF-3.5": Rule(
        _SAF,
        "三、考评方式",
        "考评组依据考评结果，综合确定各县区得分并进行通报",
        "考評組依據考評結果,綜合確定各縣區得分并進行通報",
        "The team determines each county's score and circulates the results",
    ),
    "SAF-4.1": Rule(
        _SAF,
        "四、考评结果的运用",
        "全年综合分值按20%加权计入县区安全生产目标考评分",
        "全年綜合分值按20%加權計入縣區安全生產目標考評分",
        "Annual composite weighted 20 % into the work-safety target assessment",
    ),
    "CAD-7.1": Rule(
        _CAD,
        "（五）工作排名",
        "每半年对各单位（部门）在市四大班子联席会议月例会点评奖惩情况进行汇总排名，第15名，分别奖励主要领导、分管副职和主要作用人实绩各3分；第610名，分别奖励主要领导、分管副职和主要作用人实绩各2分",
        "每半年对各单位(部门)在市四大班子联席会议月例会点评奖惩情况进行汇总排名,第15名,分别奖励主要领导、分管副职和主要作用人实绩各3分;第610名,分别奖励主要领导、分管副职和主要作用人实绩各2分",
        "Half-year ranking: ranks 1–5 +3, 6–10 +2 to L, D and M; 11–20 truncated",
    ),
}


def quote(rule_id: str, detail: str | None = None) -> str:
    """「依据《…》四、奖项设置：优秀2-3名、良好3-4名 · STA-4.1」, with the case's detail in （） when given.

    An unknown id is a programming error (KeyError): every id the procedure cites is in `RULES` (tested)."""
    rule = RULES[rule_id]
    message = f"依据{rule.source}{rule.article}：{rule.quote} · {rule_id}"
    return f"{message}（{detail}）" if detail else message


def refusal(code: str, rule_id: str, detail: str | None = None) -> Refusal:
    """A refusal that names and quotes its rule (the shape the guards and the API use)."""
    return Refusal(code, quote(rule_id, detail), rule_id)
