"""Facts firms state in ways a phrase list cannot: negated afterwards, by their opposite, both at once, or implied.

Pure Python on the (normalized) text and the entities found so far; used by bot/nlu/profile_extractor.py.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from bot.nlu.assertion import CLAUSE_BREAK, STATED, modality

_Entity = dict[str, Any]

# A negation right after a yes/no phrase, in its clause: 「上市暂时没想」「外籍员工没有」「综保区不在」.
@functools.lru_cache(maxsize=1)
def _assertion_lexicon() -> dict:
    return yaml.safe_load((Path(__file__).with_name("lexicon") / "assertion.yml").read_text(encoding="utf-8"))


def _lexicon_words(key: str) -> str:
    """One list of bot/nlu/lexicon/assertion.yml as a regex alternation, longest first."""
    return "|".join(re.escape(w) for w in sorted(_assertion_lexicon()[key], key=len, reverse=True))


def _negation_after() -> re.Pattern:
    """A negation right after a yes/no phrase, in its clause."""
    return re.compile(f"^(?:{_lexicon_words('negation_after_fillers')})*(?:{_lexicon_words('negation_after')})")


_AFTER_NEGATION = _negation_after()
_NOT_NEGATION = re.compile(r"^(?:[的了呢吧啊嘛呀]|还|也|都)*(?:不少|不错|不多|不仅|不但|不光|无论|不管)")
_CONJUNCTION = re.compile(r"^(?:和|与|跟|及|以及|或|或者|还有|、|,|，|/)+$")

# (pattern, entity, value): facts stated by their opposite or two at once.
IMPLIED = [
    (r"(?:纯)?内资(?:企业|公司)?|民营企业|民企|国有企业|国企|央企|本土企业|不是台资|不是外资|本地企业", "foreign_invested", False),
    (r"(?:国内外|境内外|海内外|国内国外|国内和国外|国内和海外|境内和境外)(?:的)?(?:客户|业务|订单|市场|项目)?(?:都有|都做|都接)?",
     "offshore", True),
    (r"(?:国内外|境内外|海内外|国内国外|国内和国外|国内和海外|境内和境外)(?:的)?(?:客户|业务|订单|市场|项目)?(?:都有|都做|都接)?",
     "onshore", True),
    # (not 主要是: 「主要是国内客户」 leaves room for a few abroad — asked, not assumed)
    (r"(?:只做|只接|只有|都是|全是|全部是)(?:国内|境内)(?:的)?(?:客户|业务|订单|市场|项目)", "offshore", False),
    (r"(?:只做|只接|只有|只在|全是|全部是|都在)(?:国内|境内)", "offshore", False),  # 「没有，只做国内」
    (r"(?:只做|只接|只有|只在|全是|全部是|都在)(?:国内|境内)", "onshore", True),
    (r"(?:只做|只接|只有|都是|全是|全部是)(?:海外|境外|国外)(?:的)?(?:客户|业务|订单|市场|项目)", "onshore", False),
]

# Where the firm's clients are, and who works for it, named by country or region. 港澳台 count as 境外
# (离岸) as in the service-outsourcing statistics; 「一带一路」 projects are abroad.
FOREIGN = ("欧美|北美|欧洲|欧盟|日韩|东南亚|中东|非洲|拉美|南美|中亚|一带一路|海外|国外|境外|外国|国际|全球|"
           "日本|美国|韩国|德国|法国|英国|意大利|西班牙|荷兰|瑞士|瑞典|丹麦|挪威|芬兰|比利时|奥地利|爱尔兰|波兰|"
           "俄罗斯|加拿大|澳大利亚|澳洲|新西兰|新加坡|马来西亚|泰国|越南|印尼|印度尼西亚|菲律宾|印度|巴基斯坦|"
           "以色列|沙特|阿联酋|迪拜|卡塔尔|土耳其|埃及|南非|巴西|墨西哥|阿根廷|智利|"
           "阿拉伯|尼日利亚|希腊|塞浦路斯|肯尼亚|坦桑尼亚|埃塞俄比亚|葡萄牙|捷克|匈牙利|罗马尼亚|乌克兰|哈萨克斯坦|"
           "乌兹别克斯坦|蒙古|缅甸|柬埔寨|老挝|孟加拉|斯里兰卡|新西兰|秘鲁|哥伦比亚|"
           "东京|大阪|首尔|纽约|伦敦|巴黎|柏林|法兰克福|慕尼黑|悉尼|墨尔本|多伦多|温哥华|硅谷|胡志明|河内|曼谷|"
           "吉隆坡|雅加达|马尼拉|内罗毕|开罗|利雅得|多哈|伊斯坦布尔|莫斯科|"
           "香港|澳门|台湾|港澳台|港澳|港台|老外|外商")
DOMESTIC = "国内|境内|内地|大陆|本地|本省|省内|本市|市内|全国各地"
_CLIENT = (r"(?:客户|客戶|订单|单子|单|项目|甲方|业务|药企|车企|银行|保险公司|券商|证券公司|医院|App|APP)")
# (not 企业/公司: 「本地企业」 is the firm)
_CLIENT_LEAD = r"(?:客户|客戶|订单|单子|项目|甲方|业务)"
_STAFF = (r"(?:专家|工程师|设计师|建筑师|架构师|科学家|首席科学家|员工|雇员|技术人员|人员|人才|高管|经理|总经理|总监|"
          r"技术总监|主管|组长|顾问|程序员|研究员|审校|客服|翻译|老师|外教|同事|合伙人|小伙子|姑娘)")
NEGATION_BEFORE = re.compile(r"(?:没有|没|不是|无|未|并非|不)(?:接过|做过|有过|接|做|有)?(?:什么)?$")


def _client_patterns(places: str, clients: str = _CLIENT) -> list[re.Pattern]:
    return [
        # 「日本客户」「欧美客户为主」「海外的单子」「香港的银行」
        re.compile(rf"(?:{places})(?:地区|那边|方面|那块)?(?:的)?(?:一些|几家|很多|不少)?{clients}"),
        # 「东南亚那边有两个客户」「印尼有个工厂项目正在做」
        re.compile(rf"(?:{places})(?:地区|那边|方面|那块)?(?:也|还)?有(?:个|一个|几个|两个|[一二两三四五六七八九几]+家)?"
                   rf"[^，。；,;]{{0,4}}?{clients}"),
        # 「客户主要在台湾和日本」「客户有日本的」「订单来自欧洲」
        re.compile(rf"{_CLIENT_LEAD}(?:主要|大多|大部分|基本|多半|大都|都|也|还|一半|多数|少数|部分|多)?"
                   rf"(?:在|是|来自|集中在|分布在|有|遍布)"
                   rf"(?:[^，。；,;]{{0,6}}?)(?:{places})"),
        # 「给德国母公司做」「为海外的App做」「帮日本客户做」
        re.compile(rf"(?:给|为|帮|替)(?:{places})[^，。；,;]{{0,10}}?(?:做|开发|设计|提供|服务)"),
    ]


# Abroad, a brand or studio that hires the firm is a client (「意大利的品牌找我们设计」「海外片方的单子」).
_FOREIGN_CLIENTS = _CLIENT[:-1] + r"|品牌|厂商|片方|游戏厂商|买家|买方|采购商|客商|船东|业主|营收|收入|合同|外包)"
_FOREIGN_CLIENT = _client_patterns(FOREIGN, _FOREIGN_CLIENTS) + [
    re.compile(r"对(?:日|美|欧|韩|欧美|日韩)(?:软件)?(?:外包|业务|服务|项目|出口|开发)"),  # 对日外包: the trade's own word
    re.compile(rf"(?:接|做)(?:{FOREIGN})[^，。；,;]{{0,6}}?的(?:单|单子|订单|项目|活)"),  # 「主要接英国律所的单」
]


def _bare_market(places: str) -> re.Pattern:
    """「国内也做」「国外没有」「海外也有」 as a whole clause: the market named, then has / does / has not."""
    return re.compile(rf"(?:^|(?<=[，,。；;\s]))(?:{places})(?:的)?(?=(?:那块|这块|方面|那边|业务|市场)?(?:我们|我司)?"
                      rf"(?:也|还|都|倒是|暂时|目前|现在)?(?:有|做|接|没有|没|不做|不接)[^，,。；;]{{0,4}}(?:$|[，,。；;]))")
_FOREIGN_CLIENT += [
    _bare_market(r"国外|海外|境外"),
    re.compile(rf"(?:给|帮|替|为)(?:几家|一些|一家|两家|多家|几个)?(?:{FOREIGN})"),  # 「帮香港几家保险公司…」「替几家迪拜的…」
    re.compile(rf"(?:{FOREIGN})[^，。；,;]{{0,10}}?(?:找我们|委托我们|跟我们签|直接委托)"),  # 「欧洲的…厂也有找我们做设计的」
    re.compile(rf"(?:{FOREIGN})[^，。；,;]{{0,8}}?(?:也|还)(?:接|做|有)"),
]
_DOMESTIC_CLIENT = _client_patterns(DOMESTIC) + [_bare_market(r"国内|境内"),
    re.compile(rf"(?:{DOMESTIC})[^，。；,;]{{0,8}}?(?:也|还)(?:接|做|有)"),  # 「国内游戏公司的客服也接」
    # 「国内也有」「主要是国内」「国内的也接」「也给国内车企做」
    re.compile(rf"(?:{DOMESTIC})(?:的)?(?:也|还)(?:有|接|做)"),
    re.compile(rf"(?:主要是|都是|也有|还有|也做|也接)(?:{DOMESTIC})"),
]
# 「有几个日本籍员工」「总经理是德国人」「在招海外设计师」「有法国专家」
_FOREIGN_STAFF = re.compile(rf"(?:(?:{FOREIGN})籍?|外籍|外国籍)(?:的)?[^，。；,;]{{0,6}}?{_STAFF}"
                            rf"|{_STAFF}(?:是|有)(?:{FOREIGN})(?:籍)?人|(?:{FOREIGN})籍"
                            rf"|(?:{FOREIGN})的{_STAFF}")  # 一个尼日利亚的小伙子
# Any nationality (阿拉伯籍员工), but not 中国籍 / 本国籍 (returnees are no foreign talent).
_ANY_NATIONALITY = re.compile(rf"([\u4e00-\u9fff]{{1,5}})籍(?:的)?[^，。；,;]{{0,4}}?{_STAFF}")
# 「打算去德国开个办事处」「在东南亚设点」「到新加坡成立分公司」
_EXPANSION = re.compile(rf"(?:去|在|到|往)(?:{FOREIGN})[^，。；,;]{{0,4}}?(?:开|设|建|成立|办|注册|落地)"
                        rf"(?:个|一个|了|立)?(?:办事处|分公司|子公司|公司|分支|办公室|点|工厂|中心|团队|分部|分院|分所|工作室)")
# 「我们是洪山区的高校」「黄陂区一所民办的职业学校」 (not 「武汉大学孵化出来的」 nor 「和高校合作」)
_SCHOOL = re.compile(r"(?:(?:我们|我校|本单位)(?:是|属于)|一所|这所)[^，。；,;]{0,10}?"
                     r"(?:高校|大学|学院|职业学校|职校|技校|学校)(?![孵合])")
# 「新加坡独资的」「外方占三成股份」
_FOREIGN_OWNED = re.compile(rf"(?:{FOREIGN})(?:独资|合资|控股|投资的|资本|资)|外方(?:占|持股|控股|股份)")
# 「做园区运营的，管着一个…产业园」「搭了个…公共服务平台」
_PARK = re.compile(r"园区运营|运营(?:着)?(?:一个|个)?[^，。；,;]{0,10}?(?:园区|产业园|基地)|管(?:着|理)(?:一个|个)?"
                   r"[^，。；,;]{0,10}?(?:园区|产业园|基地)")
_PLATFORM = re.compile(r"(?:搭|建|运营|做|办)(?:了|着)?(?:个|一个)?[^，。；,;]{0,14}?公共服务平台")
# 「团队里…持有英国皇家建筑师学会RIBA的执业资格」
_QUALIFICATION = re.compile(rf"(?:{FOREIGN}|皇家|国际)[^，。；,;]{{0,14}}?(?:执业资格|职业资格|执业证|资格证|的证|证书)")
# 「今年还打算引进两三个高级工程师」
_SENIOR = re.compile(r"(?:引进|招|聘请?|挖)[^，。；,;]{0,6}?(?:高级|高端|资深|博士|专家|高层次|领军)")
# 「疫情那两年受一家疫苗企业委托，做过新冠疫苗的临床样本检测」
_COVID = re.compile(r"(?:疫情|新冠)[^。]{0,20}?(?:受[^，。；,;]{0,10}?委托|受托)|受[^，。；,;]{0,12}?委托[^。]{0,24}?(?:新冠|疫苗|疫情)")
# The outsourcing type named outright, whatever the tokenizer made of the words around it.
_TYPE_NAMES = [(re.compile(r"(?<![A-Za-z])ITO(?![A-Za-z])|信息技术外包", re.IGNORECASE), "ITO"),
               (re.compile(r"(?<![A-Za-z])BPO(?![A-Za-z])|业务流程外包", re.IGNORECASE), "BPO"),
               (re.compile(r"(?<![A-Za-z])KPO(?![A-Za-z])|知识流程外包", re.IGNORECASE), "KPO")]


def named_service_types(text: str, entities: list[_Entity]) -> list[_Entity]:
    """service_types named in the text that no entity covers (「应该归业务流程外包那一类」), unless denied."""
    have = {e["value"] for e in entities if e["entity"] == "service_types"}
    found = []
    for pattern, value in _TYPE_NAMES:
        match = pattern.search(text)
        denied = re.search(r"(?:不是|不算|不做|没有|非)$", text[max(0, match.start() - 3):match.start()]) if match else None
        if match and value not in have and not denied:
            found.append({"entity": "service_types", "start": match.start(), "end": match.end(), "value": value})
    return found


# Banks, foreign firms and cities named as clients say nothing about the firm itself.
ABOUT_CLIENTS = ("city", "foreign_invested", "financial_institution", "soe_or_hospital", "is_school")


def _hits(patterns: list[re.Pattern], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for p in patterns for m in p.finditer(text)]


def client_spans(text: str) -> list[tuple[int, int]]:
    """Where the text speaks of the firm's clients or staff (「客户主要是香港的银行」): places and firm types
    inside say nothing about the firm itself."""
    spans = _hits(_FOREIGN_CLIENT + _DOMESTIC_CLIENT, text)
    spans += [(m.start(), m.end()) for m in _FOREIGN_STAFF.finditer(text)]
    spans += [(m.start(), m.end()) for m in re.finditer(rf"{_CLIENT_LEAD}(?:主要|大多|也|都)?(?:是|有)[^，。；,;]{{0,12}}",
                                                         text)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"(?:给|为|帮|替)[^，。；,;]{0,12}?(?:做|提供|服务)", text)]
    # 「帮香港几家保险公司处理理赔单据」「做保险和银行的电话客服外包」: whom the work is for.
    spans += [(m.start(), m.end()) for m in re.finditer(r"(?:给|帮|替)[^，。；,;]{1,12}", text)]
    spans += [(m.start(), m.end()) for m in re.finditer(
        r"(?:做|接|承接)[^，。；,;的]{1,8}的[^，。；,;]{0,10}?(?:外包|业务|客服|项目|服务)", text)]
    return spans


def about_the_firm(text: str, entities: list[_Entity]) -> list[_Entity]:
    """Drop what is said about clients (「客户主要是香港的银行」 names no city or bank of the firm's) and foreigners
    the firm works for (「直接给老外干的活」 are clients, not staff)."""
    spans = client_spans(text)
    # 「帮新加坡、香港的几家公司做员工薪酬核算」: staff named inside whom the work is for are the clients' staff.
    work_for = [(m.start(), m.end()) for m in _WORK_FOR.finditer(text)]
    here = _city_roles()["here"]
    return [e for e in entities
            if not (e["entity"] in ABOUT_CLIENTS and any(a <= e["start"] and e["end"] <= b for a, b in spans)
                    and not (e["entity"] == "city" and here.match(text[e["end"]:])))
            and not (e["entity"] == "hires_foreign_talent" and (re.search(r"(?:给|帮|为|替)$", text[:e["start"]])
                                                               or any(a < e["start"] < b for a, b in work_for)))]


_WORK_FOR = re.compile(r"(?:给|为|帮|替)[^，。；,;]{0,12}?(?:做|提供|服务|处理|核算|管理)")


def bonded_zones_in_places(text: str, entities: list[_Entity]) -> list[_Entity]:
    """「舟山港综保区里面的公司」: the place name swallows the vocabulary's 综保区, so say it again."""
    return [{"entity": "in_bonded_zone", "start": e["start"], "end": e["end"], "value": True}
            for e in entities if e["entity"] == "city" and re.search(r"综保区|综合保税区|保税区", text[e["start"]:e["end"]])]


# 「也不是没有，有两个新加坡客户」: a double negative is a yes.
DOUBLE_NEGATIVE = re.compile(r"也不是没|不是没有")


def _negated_before(text: str, start: int) -> bool:
    window = CLAUSE_BREAK.split(text[max(0, start - 6):start])[-1]
    return bool(NEGATION_BEFORE.search(window)) and not DOUBLE_NEGATIVE.search(text[max(0, start - 6):start])


def _negated_after(text: str, end: int) -> bool:
    """「国外的单子没有」, but not 「日本籍员工没有上市计划」 (the negation belongs to the next fact)."""
    rest = CLAUSE_BREAK.split(text[end:])[0]
    match = _AFTER_NEGATION.match(rest)
    if match:
        return not _NOT_NEGATION.match(rest) and len(rest) - match.end() <= 3
    return clause_negated(rest) and not re.search(r"上市|外资|外籍|综保|培训|人才", rest)


# 「好像有个新加坡的项目在谈，还没签下来」「打算开拓海外」: not yet business, so not yet offshore.
_NOT_YET = re.compile(r"在谈|洽谈|还没签|没签|未签|还没落地|没落地|意向|打算|准备|计划|想(?:开拓|做|接|拓展)")


def _fact(text: str, start: int, end: int, entity: str) -> dict:
    negated = _negated_before(text, start) or _negated_after(text, end)
    if entity in ("offshore", "onshore") and _NOT_YET.search(re.split(r"[，,。；;！!？?\n]", text[end:end + 10])[0]):
        negated = True
    return {"entity": entity, "start": start, "end": end, "value": not negated}


# 「准备明年申报技术先进型」: applying is not being certified.
_APPLYING = re.compile(r"(?:准备|打算|计划|想|正在|还没|尚未|没有?)[^，。；,;]{0,6}?(?:申报|申请|评上|评|认定|争取)[^，。；,;]{0,3}$")
_APPLIED_FOR = ("tech_advanced_certified", "training_demo_recognized")


def applying_is_not_certified(text: str, entities: list[_Entity]) -> list[_Entity]:
    return [dict(e, value=False) if e["entity"] in _APPLIED_FOR and e["value"] is True
            and _APPLYING.search(text[max(0, e["start"] - 16):e["start"]]) else e for e in entities]


# 「给船厂做船舶设计」「帮本地的纺机厂做外观设计」: work done for manufacturers is producer services (生产性服务).
_FOR_MAKERS = re.compile(r"(?:给|帮|为|替)[^，。；,;]{0,10}?(?:厂|工厂|厂家|厂商|制造企业|制造业|车企|主机厂|船厂)"
                         r"[^，。；,;]{0,4}?(?:做|搞|干|提供)")


# Fields in words the vocabulary lacks (kept here: the vocabulary is compiled into the model).
_FIELD_WORDS = [(re.compile(r"记账外包|代账|跨境记账|财税外包"), "accounting_legal"),
                (re.compile(r"电销|电话销售|理赔回访|催收外包|坐席"), "business_operations"),
                (re.compile(r"系统运维|偏IT|IT方面|IT类"), "software_it")]


def described_fields(text: str) -> list[_Entity]:
    found = [{"entity": "fields", "start": m.start(), "end": m.end(), "value": "producer_services"}
             for m in _FOR_MAKERS.finditer(text)][:1]
    for pattern, value in _FIELD_WORDS:
        match = pattern.search(text)
        if match:
            found.append({"entity": "fields", "start": match.start(), "end": match.end(), "value": value})
    return found


def described_facts(text: str) -> list[_Entity]:
    """Facts stated as descriptions rather than with the vocabulary's words: clients' countries, foreign
    staff, an office abroad, 「我们是…高校」."""
    found = [_fact(text, s, e, "offshore") for s, e in _hits(_FOREIGN_CLIENT, text)]
    found += [_fact(text, s, e, "onshore") for s, e in _hits(_DOMESTIC_CLIENT, text)]
    found += [_fact(text, m.start(), m.end(), "hires_foreign_talent") for m in _FOREIGN_STAFF.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "hires_foreign_talent") for m in _ANY_NATIONALITY.finditer(text)
              if not re.search(r"中国|本国|国内|原|大陆|内地|港澳台?$", m.group(1)) and not m.group(1).endswith("外")]
    found += [_fact(text, m.start(), m.end(), "overseas_expansion") for m in _EXPANSION.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "is_school") for m in _SCHOOL.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "covid_commissioned") for m in _COVID.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "recruits_senior_talent") for m in _SENIOR.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "foreign_invested") for m in _FOREIGN_OWNED.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "runs_park") for m in _PARK.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "runs_platform") for m in _PLATFORM.finditer(text)]
    found += [_fact(text, m.start(), m.end(), "overseas_qualification") for m in _QUALIFICATION.finditer(text)]
    # One per fact and value: the widest mention.
    best: dict = {}
    for f in sorted(found, key=lambda f: f["start"] - f["end"]):
        best.setdefault((f["entity"], f["value"]), f)
    return sorted(best.values(), key=lambda f: f["start"])


_IMPLIED = [(re.compile(p), entity, value) for p, entity, value in IMPLIED]
# A negation just before 「国内外…」 is not handled: firms say 「没有国外客户」 instead, which the vocabulary reads.

# The outsourcing type a field implies, after the usual ITO/BPO/KPO split of China's service-outsourcing
# statistics (软件研发与信息技术服务 → ITO; 呼叫中心、客户服务、人力资源、供应链、金融后台 → BPO; 工业/工程设计、
# 医药和生物技术研发、数据分析 → KPO). Only unambiguous phrases: 设计 alone or 大数据 alone imply nothing.
INFERRED_TYPES = [
    (r"软件外包|软件开发|软件研发|软件服务|外包开发|应用开发|系统集成|IT运维|运维外包|信息技术服务|IT服务|软件测试|测试外包"
     r"|ERP实施|二次开发", "ITO"),
    (r"呼叫中心|客服外包|客服中心|客户服务外包|人力资源外包|人事外包|财务外包|代理记账|坐席外包|金融后台|供应链管理"
     r"|数据录入|文档处理|数据处理|数据标注|电销|电话销售|理赔回访|记账外包", "BPO"),
    (r"工业设计|工程设计|设计外包|研发外包|医药研发|药物研发|新药研发|生物医药研发|临床试验|临床研究|CRO|数据分析", "KPO"),
]
_INFERRED = [(re.compile(p), value) for p, value in INFERRED_TYPES]
# The firm says it does not outsource: nothing is implied (「不算外包企业，我们主要做服务外包人才培训」).
NO_OUTSOURCING = re.compile(r"(?:不做|(?<!算)不算|(?<!是)不是|不属于|没有|没做|不搞|不接|不承接|非)(?:服务)?外包"
                            r"|发包方|不承接|外包给别人|外包出去")


def negated_after(text: str, entities: list[_Entity], flags: list[str]) -> list[_Entity]:
    """Yes/no entities negated by what follows them; a list shares the negation of its last item."""
    result = [dict(e) for e in entities]
    for i, ent in enumerate(result):
        if ent["entity"] not in flags or ent["value"] is not True:
            continue
        # Walk over 「外资和上市」 to the last item of the list.
        j = i
        while j + 1 < len(result) and _CONJUNCTION.match(text[result[j]["end"]:result[j + 1]["start"]] or "x"):
            if re.search(r"[,，]", text[result[j]["end"]:result[j + 1]["start"]]) and not re.match(
                    r"^[^，。；,;]{0,6}?都", text[result[j + 1]["end"]:]):
                break  # 「有外籍员工，上市没有」: a comma ends the list unless a 都 gathers it (「外资，上市都没有」)
            j += 1
        rest = text[result[j]["end"]:]
        later = [e["start"] - result[j]["end"] for e in result[j + 1:]]
        if ent["entity"] in IDENTITY:
            # 「银行不接这类业务」: the bank does not, it is still a bank; 「外资和上市都没有」 is a no.
            match = _AFTER_NEGATION.match(rest)
            if match and not _NOT_NEGATION.match(rest) and _IDENTITY_NO.search(match.group()):
                ent["value"] = False
        elif clause_negated(rest, later):
            ent["value"] = False
    return result


# Facts that say what the firm is: only 「不是/没有/并非…」 right after them deny it.
IDENTITY = {"foreign_invested", "financial_institution", "is_school", "soe_or_hospital", "leading_firm", "is_sme",
            "runs_platform", "runs_park"}
_IDENTITY_NO = re.compile(f"(?:{_lexicon_words('identity_negation')})$")
# A no later in the clause: 「境外业务一点都没有」「境外客户暂时是零」「离岸的我们不接」「国外的项目暂无」.
_CLAUSE_NO = re.compile(r"没有|没(?!错)|暂无|是零|为零|无(?!论)|未|不接|不做|不沾|不涉及|不碰|不搞|不在|不是|不算|不打算|不考虑")
_CLAUSE_END_RE = CLAUSE_BREAK


def clause_negated(rest: str, later_starts: list[int] = ()) -> bool:
    """Is a yes/no phrase denied later in its clause? Not when the no belongs to a fact named after it
    (「日本籍员工没有上市计划」), nor 不少/不错/不多."""
    if _NOT_NEGATION.match(rest):
        return False
    if _AFTER_NEGATION.match(rest):
        return True
    clause = _CLAUSE_END_RE.split(rest, 1)[0][:12]  # a run-on message is no clause: only the next few words
    match = _CLAUSE_NO.search(clause)
    if not match or _NOT_NEGATION.match(clause[match.start():]) or re.match(r"不(?:少|错|多|仅|但|光)", clause[match.start():]):
        return False
    if any(match.end() <= s < len(clause) for s in later_starts):
        return False
    return not DOUBLE_NEGATIVE.search(clause)


def implied_facts(text: str) -> list[_Entity]:
    found = []
    for pattern, entity, value in _IMPLIED:
        for match in pattern.finditer(text):
            found.append({"entity": entity, "start": match.start(), "end": match.end(), "value": value})
    return found


def inferred_service_types(text: str, entities: list[_Entity]) -> list[_Entity]:
    """service_types entities implied by the field, each marked `inferred` with the phrase it comes from."""
    if NO_OUTSOURCING.search(text):
        return []
    stated = {e["value"] for e in entities if e["entity"] == "service_types"}
    found: dict[str, _Entity] = {}
    for pattern, value in _INFERRED:
        match = pattern.search(text)
        if match and value not in stated and value not in found:
            found[value] = {"entity": "service_types", "start": match.start(), "end": match.end(), "value": value,
                            "inferred": match.group()}
    return list(found.values())


# 「我们注册在武汉，杭州只是办事处」「总部在成都，按杭州的来」: which of two cities is the firm's.
def is_abroad(value: Any) -> bool:
    from policies_db.places import ABROAD, resolve

    return isinstance(value, str) and resolve(value).status == ABROAD


@functools.lru_cache(maxsize=1)
def _city_roles() -> dict[str, re.Pattern]:
    """The role cues of bot/nlu/lexicon/places_roles.yml, compiled once."""
    data = yaml.safe_load((Path(__file__).with_name("lexicon") / "places_roles.yml").read_text(encoding="utf-8"))

    def alt(key: str) -> str:
        return "|".join(re.escape(w) for w in sorted(data[key], key=len, reverse=True))

    between = f"(?:{alt('between')})*"
    return {"registered": re.compile(f"(?:{alt('registered_before')}){between}$"),
            "before": re.compile(f"(?:{alt('elsewhere_before')}){between}$"),
            "after": re.compile(f"^(?:的|那边|这边|那里|这里)?(?:只是|只有|仅是|就是|是|也|还)?(?:有|设有|开了|设了|租的|租了|租)?"
                                f"(?:一个|个|一家|家|一些|几个)?(?:小)?(?:{alt('elsewhere_after')})"),
            "after_not": re.compile(f"^(?:{alt('elsewhere_after_not')})"),
            "here": re.compile(f"^(?:{alt('here_after')})"),
            "abroad_located": re.compile(f"(?:{alt('abroad_located_before')})(?:{alt('between')})*$")}


def city_role(text: str, start: int, end: int) -> str:
    """registered | elsewhere | plain: what the words around a city say of it."""
    roles = _city_roles()
    window = re.split(r"[，。；,;！!？?\n]", text[max(0, start - 8):start])[-1]
    rest = text[end:]
    if roles["registered"].search(window):
        return "registered"
    if roles["before"].search(window) or (roles["after"].match(rest) and not roles["after_not"].match(rest)):
        return "elsewhere"
    return "plain"


def firm_cities(text: str, entities: list[_Entity]) -> list[_Entity]:
    """The firm's own city: the one it says it is registered in (or asks to be judged by) wins; a city it calls
    an office, a client's, a hometown or a plan (「打算在杭州设子公司」) is dropped, even alone."""
    cities = [e for e in entities if e["entity"] == "city"]
    if not cities:
        return entities
    if len({e["value"] for e in cities}) >= 2:
        # 「湖北襄阳的，不是武汉哈」: a city the firm says it is not in.
        denied = [e for e in cities if re.search(r"(?:不是|不在|并非|非)$", text[max(0, e["start"] - 2):e["start"]])]
        if denied and len(denied) < len(cities):
            entities = [e for e in entities if e not in denied]
            cities = [e for e in cities if e not in denied]
    roles = {id(e): city_role(text, e["start"], e["end"]) for e in cities}
    for e in cities:  # 「大阪那几家」: a foreign city is the firm's only when the firm says it is there
        window = CLAUSE_BREAK.split(text[max(0, e["start"] - 8):e["start"]])[-1]
        if is_abroad(e["value"]) and not _city_roles()["abroad_located"].search(window):
            roles[id(e)] = "elsewhere"
    # 「要是把执照迁到东湖高新」「如果在滨江注册个分公司」「计划明年在慈溪设立子公司」: not where the firm is today.
    moods = modality(text, [(e["start"], e["end"]) for e in cities], ["city"] * len(cities))
    for e, mood in zip(cities, moods):
        if mood != STATED:
            roles[id(e)] = "elsewhere"
    # 宁波慈溪, 武汉的青山区: names that follow each other are one place, with one role; so are the names of a
    # list (「客户都在汉阳 沌口那边」「客户在长沙、合肥」).
    ordered = sorted(cities, key=lambda e: e["start"])
    for a, b in zip(ordered, ordered[1:]):
        gap = text[a["end"]:b["start"]]
        if gap in ("", "的", "市"):  # one place
            for role in ("registered", "elsewhere"):
                if role in (roles[id(a)], roles[id(b)]):
                    roles[id(a)] = roles[id(b)] = role
                    break
        elif gap in (" ", "、", "和", "及", "跟", "与") and "registered" not in (roles[id(a)], roles[id(b)]) \
                and "elsewhere" in (roles[id(a)], roles[id(b)]):
            roles[id(a)] = roles[id(b)] = "elsewhere"  # a list of other people's places
    chosen = [e for e in cities if roles[id(e)] == "registered"]
    keep = chosen or [e for e in cities if roles[id(e)] != "elsewhere"]
    if not keep:
        return [e for e in entities if e["entity"] != "city"]
    # One city entity, the firm's: the last one kept, with the names right before it (舟山的普陀 → one span,
    # read whole by the place resolver). The form lets a registered city replace a known one (actions/form.py).
    last = max(keep, key=lambda e: e["start"])
    group = [last]
    for e in sorted(keep, key=lambda e: e["start"], reverse=True):
        if e is not last and text[e["end"]:group[0]["start"]] in ("", "的", "市"):
            group.insert(0, e)
    firm = {**last, "start": group[0]["start"]}
    if len({e["value"] for e in group}) > 1:
        firm["value"] = text[group[0]["start"]:last["end"]]
    if roles[id(last)] == "registered":
        firm["registered"] = True
    return [e for e in entities if e["entity"] != "city"] + [firm]
