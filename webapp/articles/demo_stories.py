"""The quarter's articles of the article demo (`webapp.articles.demo` plays them through the services): who
wrote what, and each step with its day, counted back from the day the demo is loaded.

Every state of the procedure appears; returns carry their reasons and the resubmissions their answers; the
office edits some texts; adoptions go into the city's own publication (P3), the provincial and national ones (P2,
P1, as the office records them) and the department's Weibo/WeChat (P4). Two units wrote near-identical texts
(红色物业), so the office's duplicate check has something to find.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# -- the quarter's articles ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One act on the article, ``after`` days after the previous one, by ``who``: ``officer`` / ``signer`` of the
    unit, ``editor`` / ``head`` of the office, or a username. ``action`` is an event of the procedure (``text``:
    the reason, the answer or a comment) or ``revise``: a new version with ``text`` added as a paragraph and
    ``note`` saying what changed."""

    after: int
    who: str
    action: str
    text: str = ""
    adoption: tuple[str, str, str] | None = None
    note: str = ""


@dataclass(frozen=True)
class Story:
    unit: str
    title: str
    #: paragraphs of the text
    body: tuple[str, ...]
    #: the draft was written this many days before the demo's day
    start: int
    steps: tuple[Step, ...] = ()
    secrecy: str = "none"
    #: the state the story ends in, whatever the load day (tests compare)
    ends: str = field(default="", compare=False)


def _sent(after: int = 1, signed: int = 1) -> tuple[Step, ...]:
    """The officer sends it to the leader in charge, who signs it off (ZG-6.1)."""
    return (Step(after, "officer", "submit"), Step(signed, "signer", "sign_off"))


def _adopted(pub: str, klass: str, form: str, received: int = 1, decided: int = 1) -> tuple[Step, ...]:
    return (
        Step(received, "editor", "receive"),
        Step(decided, "editor", "adopt", adoption=(pub, klass, form)),
    )


# fmt: off
STORIES: list[Story] = [
    # 夷陵区委组织部 (county group)
    Story("zg-yl", "夷陵区推行村（社区）党组织书记“擂台比武”激发基层活力", (
        "今年以来，夷陵区在全区村（社区）党组织书记中开展“擂台比武”活动，围绕发展集体经济、基层治理、服务群众三个方面晒实绩、比思路。",
        "活动采取“现场述职+实地观摩+群众测评”的方式，评选出“擂台之星”12名，对排名靠后的5名书记进行约谈提醒。",
        "目前，全区村级集体经济收入10万元以上的村达到86%，较去年同期提高14个百分点。",
    ), 86, (*_sent(), Step(2, "editor", "receive"),
            Step(1, "editor", "revise", "比武评分由乡镇党委评价、群众测评和现场评委打分三部分组成，权重分别为40%、30%、30%。",
                 note="编辑修改：补充比武评分办法"),
            Step(1, "head", "adopt", adoption=("P3", "exp", "single"))), ends="adopted"),
    Story("zg-yl", "夷陵区建立年轻干部“墩苗”台账实行跟踪培养", (
        "夷陵区委组织部对全区45岁以下科级干部建立“墩苗”台账，选派到信访、征迁、乡村振兴一线岗位锻炼。",
        "每名干部明确一名导师，每季度开展一次实绩分析，锻炼表现作为提拔使用的重要依据。",
    ), 80, (Step(1, "officer", "submit"),
            Step(2, "signer", "leader_return", "请补充已选派人数和锻炼岗位分布，数据以部务会通过的名单为准。"),
            Step(1, "officer", "revise", "目前已选派68名年轻干部，其中信访岗位15名、征迁岗位21名、乡村振兴岗位32名。",
                 note="补充选派人数和岗位分布"),
            Step(0, "officer", "resubmit", "已按意见补充选派人数和岗位分布，数据与部务会名单核对一致。"),
            Step(1, "signer", "sign_off"), *_adopted("P3", "exp", "single", 2, 3)), ends="adopted"),
    Story("zg-yl", "夷陵区以“三个清单”压实基层党建工作责任", (
        "夷陵区将基层党建责任细化为书记责任清单、班子成员责任清单和问题整改清单，实行销号管理。",
        "区委组织部每月通报清单完成情况，对连续两个月进度滞后的乡镇党委书记进行提醒谈话。",
    ), 70, (*_sent(), *_adopted("P3", "ref", "single")), ends="adopted"),
    Story("zg-yl", "夷陵区探索“党建+网格”治理模式打通服务群众“最后一米”", (
        "夷陵区以村（社区）网格为单元建立党小组，推动党员到网格报到、在网格服务。",
        "全区划分网格1026个，配备网格党小组长1026名，今年以来收集解决群众诉求3400余件。",
    ), 62, (*_sent(), Step(1, "editor", "receive"),
            Step(2, "editor", "office_return", "诉求解决的数据口径请说明，并补充一个具体事例。"),
            Step(1, "officer", "revise", "（数据来源：区网格化服务中心。）小溪塔街道某社区网格党小组组织党员上门调解邻里纠纷，10天内化解积案3件。",
                 note="说明数据口径，补充事例"),
            Step(0, "officer", "resubmit", "已说明数据口径，补充一个社区网格党小组化解矛盾的事例。"),
            Step(1, "signer", "sign_off"), *_adopted("P1", "exp", "composite", 1, 4)), ends="adopted"),
    Story("zg-yl", "夷陵区“红色物业”助力老旧小区治理", (
        "夷陵区在老旧小区推行“红色物业”，由社区党组织牵头，引导物业企业成立党支部、业委会成员中党员比例不低于50%。",
        "通过“党组织+物业+业委会”三方议事，全区58个老旧小区的停车、环境等问题得到解决，群众满意度达到93%。",
    ), 52, (*_sent(), *_adopted("P3", "exp", "single", 1, 2)), ends="adopted"),
    Story("zg-yl", "夷陵区大学生村官履职情况", (
        "夷陵区现有大学生村官21名，其中进入村“两委”班子14名。",
    ), 41, (*_sent(), Step(1, "officer", "withdraw", text="人数需与区人社局重新核实，撤回后另报。")), ends="withdrawn"),
    Story("zg-yl", "夷陵区开展软弱涣散村党组织集中整顿", (
        "经排查，全区确定软弱涣散村党组织7个，逐村制定整顿方案，由区级领导包联。",
        "整顿名单及问题清单按规定不公开。",
    ), 10, (*_sent(), Step(1, "editor", "receive")), secrecy="secret", ends="received"),
    Story("zg-yl", "夷陵区优化村干部报酬结构的做法", (
        "夷陵区将村干部报酬分为基本报酬、绩效报酬和集体经济发展创收奖励三部分，绩效部分占比提高到40%。",
    ), 9, (Step(0, "officer", "submit"),), ends="awaiting_signoff"),
    Story("zg-yl", "夷陵区组织干部下沉包保重点项目", (
        "夷陵区委组织部选派32名干部下沉全区重点项目，实行一个项目一名包保干部。",
    ), 3, (Step(0, "officer", "revise", "包保干部的表现由项目单位评价，结果纳入年度考核。", note="补充考核办法"),
           Step(1, "officer", "revise", "截至目前，包保干部协调解决项目用地、用工等问题47个。", note="补充成效")), ends="draft"),
    # 西陵区委组织部 (county group)
    Story("zg-xl", "西陵区实施“社区书记工作室”品牌建设", (
        "西陵区在全区45个社区建立“社区书记工作室”，由优秀社区书记领衔，开展传帮带和难题会诊。",
        "工作室运行以来，培养社区后备干部90名，帮助解决社区治理难题210个。",
    ), 76, (*_sent(), *_adopted("P3", "exp", "special", 1, 3)), ends="adopted"),
    Story("zg-xl", "西陵区干部人事档案专项审核中发现的问题", (
        "西陵区在干部人事档案专项审核中，发现“三龄二历一身份”记载不一致等问题，已逐人整改。",
    ), 66, (*_sent(), Step(1, "editor", "receive"),
            Step(2, "head", "decline", "属工作情况，与本刊用稿方向不符，建议作为内部参考。")),
          secrecy="internal", ends="not_adopted"),
    Story("zg-xl", "西陵区党员教育“微课堂”覆盖全部社区", (
        "西陵区依托新时代文明实践站开设党员教育“微课堂”，每月一主题、每周一课。",
    ), 12, (*_sent(), Step(1, "editor", "receive"),
            Step(2, "editor", "office_return", "请补充参学党员人次和群众反响，标题可更具体。")), ends="returned"),
    Story("zg-xl", "西陵区“红色物业”助力老旧小区治理", (
        "西陵区在老旧小区推行“红色物业”，由社区党组织牵头，引导物业企业成立党支部、业委会成员中党员比例不低于50%。",
        "通过“党组织+物业+业委会”三方议事，全区40个老旧小区的停车、环境等问题得到解决，群众满意度达到92%。",
    ), 2, _sent(0, 1), ends="submitted"),
    Story("zg-xl", "西陵区开展“两新”组织党建百日攻坚", (
        "西陵区集中百日开展“两新”组织党建攻坚，新组建党组织23个。",
    ), 1, (Step(0, "officer", "submit"),), ends="awaiting_signoff"),
    # 宜昌高新区党工委组织人事部 (zone group)
    Story("zg-gx", "宜昌高新区建立园区企业人才服务专员制度", (
        "高新区为园区重点企业配备人才服务专员，一对一协调人才落户、子女入学、住房保障等事项。",
        "制度实行以来，帮助企业引进高层次人才57名，办理服务事项300余件。",
    ), 56, (*_sent(), *_adopted("P3", "ref", "example")), ends="adopted"),
    Story("zg-gx", "高新区人才公寓建设进展", (
        "高新区第二批人才公寓主体完工，预计年底交付。",
    ), 36, (*_sent(), Step(1, "editor", "receive"),
            Step(1, "editor", "decline", "属工程进度信息，缺少组织工作的做法和成效，本刊不予采用。")), ends="not_adopted"),
    Story("zg-gx", "高新区非公企业党组织覆盖情况", (
        "高新区规模以上非公企业党组织覆盖率达到95%。",
    ), 6, (Step(0, "officer", "submit"),
           Step(2, "signer", "leader_return", "覆盖率请按最新统计口径核实，并说明未覆盖企业的工作计划。")),
          ends="returned"),
    Story("zg-gx", "高新区“党建联盟”推动园区企业抱团发展", (
        "高新区组建产业链党建联盟6个，推动上下游企业在技术攻关、人才共享等方面合作。",
    ), 4, _sent(0, 1), ends="submitted"),
    # 宜昌市委组织部研究室 (sections, group 1)
    Story("zg-yjs", "关于基层减负情况的调研与思考", (
        "研究室对全市8个县市区、24个乡镇开展基层减负专题调研，发现会议文件精简成效明显，但督查检查考核仍存在变相增加的情况。",
        "建议建立督查检查考核计划统筹机制，实行年度总量控制。",
    ), 68, (*_sent(), *_adopted("P3", "ref", "single", 2, 2)), ends="adopted"),
    Story("zg-yjs", "市委组织部开展“走基层、察实情”专题调研", (
        "市委组织部班子成员带队，分赴各县市区开展专题调研，形成调研报告11篇。",
    ), 5, (*_sent(), Step(2, "editor", "receive")), ends="received"),
    Story("zg-yjs", "全市组织系统信息工作季度分析", (
        "本季度全市组织系统报送信息稿件情况分析（草稿）。",
    ), 1, (), ends="draft"),
    # 宜昌市委组织部干部监督室 (sections, group 2)
    Story("zg-jd", "全市推行干部选拔任用“一报告两评议”全程纪实", (
        "干部监督室指导各地在干部选拔任用中全面推行“一报告两评议”，实行选任工作全程纪实。",
        "今年以来，全市开展选人用人专项检查8次，发现并督促整改问题26个。",
    ), 63, (*_sent(), *_adopted("P2", "ref", "example", 1, 3)), ends="adopted"),
    Story("zg-jd", "个人有关事项报告抽查核实情况", (
        "本季度对领导干部个人有关事项报告开展随机抽查核实，具体情况按规定报送。",
    ), 45, (*_sent(), Step(1, "editor", "receive"),
            Step(1, "head", "decline", "涉及个人有关事项，不宜在刊物刊发，已转交干部监督室存档。")),
          secrecy="secret", ends="not_adopted"),
    Story("zg-jd", "干部监督工作中运用大数据比对的探索", (
        "干部监督室联合市大数据中心，对干部档案与社保、房产等信息开展比对。",
    ), 30, (Step(1, "officer", "submit"),
            Step(1, "signer", "withdraw", text="比对工作尚在试点，暂不报送。")), ends="withdrawn"),
    # 宜昌市委组织部组织科 (sections, group 3)
    Story("zg-zzk", "全市发展党员工作质量稳步提升", (
        "组织科严格落实发展党员工作规程，全市今年发展党员中35岁以下的占比达到78%，具有大专以上学历的占62%。",
    ), 78, (*_sent(), *_adopted("P3", "exp", "composite")), ends="adopted"),
    Story("zg-zzk", "全市村级党组织换届“回头看”工作综述", (
        "组织科对全市村级党组织换届情况开展“回头看”，新一届村“两委”班子平均年龄下降6.2岁。",
    ), 48, (*_sent(), *_adopted("P4", "exp", "single")), ends="adopted"),
    Story("zg-zzk", "推行党支部标准化规范化建设“星级评定”", (
        "组织科在全市推行党支部标准化规范化建设“星级评定”，评定结果与党支部书记考核挂钩。",
    ), 20, (*_sent(), Step(1, "editor", "office_return", "请补充评定标准和首批评定结果。"),
            Step(2, "officer", "revise", "评定标准包括组织设置、班子建设、党员管理、组织生活、阵地建设五项；首批评出五星支部42个、四星支部115个。",
                 note="补充评定标准和首批结果"),
            Step(0, "officer", "resubmit", "已补充评定标准和首批评定的五星、四星支部数量。"),
            Step(1, "signer", "sign_off")), ends="submitted"),
    Story("zg-zzk", "全市党组织书记轮训工作情况", (
        "组织科分四期对全市村（社区）党组织书记开展全覆盖轮训，累计培训1480人次。",
    ), 8, (*_sent(), Step(1, "editor", "receive"),
           Step(1, "editor", "revise", "轮训安排三分之一课时到先进村现场教学，学员反映实用管用。",
                 note="编辑修改：突出实践教学")), ends="received"),
    Story("zg-zzk", "农村党员冬春训工作安排", (
        "今冬明春全市农村党员集中培训工作安排（草稿）。",
    ), 0, (), ends="draft"),
]
# fmt: on
