"""How firms type → the text the rest of the NLU pipeline reads. The first component of config.yml.

  - traditional characters → simplified with OpenCC `t2s`, after a few Cantonese words (係, 喺, 冇…) and before a
    short list of Taiwan/Hong Kong terms of this domain (軟體→软件, 資訊→信息, 外判→外包). Not `tw2sp`: it also turns
    資料 (materials) into 数据 and 智慧財產 into 智能财产, which changes what a firm asked;
  - full-width letters, digits and spaces → ASCII (ＫＰＯ, ３００人), Chinese punctuation kept;
  - emoji and pictographs → a space (the tokenizer drops it);
  - English words firms mix in (offshore, call center, SaaS) → the Chinese term the vocabulary knows;
  - typos of the domain's key terms (离案→离岸, 外宝→外包, 航州→杭州).
The function is pure and idempotent: actions call it too on the text they read. No Rasa import here
(the action server loads it); the NLU component is bot/nlu/text_normalizer.py.
"""
from __future__ import annotations

import functools
import re

# Cantonese words, only in traditional text (applied before t2s, which would turn 係 into 系).
CANTONESE = {"係": "是", "喺": "在", "我哋": "我们", "哋": "们", "冇": "没有", "唔係": "不是", "唔": "不", "嘅": "的",
             "啲": "些", "咗": "了", "乜嘢": "什么", "點解": "为什么", "邊度": "哪里"}
# Taiwan / Hong Kong terms of this domain, after t2s.
REGIONAL = {"软体": "软件", "资讯科技": "信息技术", "资讯": "信息", "外判": "外包", "委外": "外包", "网路": "网络",
            "云端运算": "云计算", "人工智慧": "人工智能", "行销": "营销", "程式": "程序", "数位": "数字", "晶片": "芯片",
            "积体电路": "集成电路"}
# English the firms mix in (case-insensitive, whole words).
ENGLISH = {"offshore": "离岸", "onshore": "在岸", "outsourcing": "外包", "outsource": "外包", "call center": "呼叫中心",
           "call centre": "呼叫中心", "callcenter": "呼叫中心", "saas": "软件服务", "software": "软件",
           "big data": "大数据", "cloud": "云计算", "foreign-invested": "外资", "foreign invested": "外资",
           "data annotation": "数据标注", "r&d": "研发", "hr": "人力资源",
           "wfoe": "外商独资企业", "startup": "初创公司", "start-up": "初创公司", "we are in": "我们在",
           "we're in": "我们在", "based in": "在", "we are": "我们是",
           # Place names typed in pinyin or English (the covered cities, and those firms compare with).
           "optics valley": "光谷", "optical valley": "光谷", "wuhan": "武汉", "hubei": "湖北", "zhejiang": "浙江",
           "hangzhou": "杭州", "ningbo": "宁波", "wenzhou": "温州", "shaoxing": "绍兴", "jiaxing": "嘉兴",
           "huzhou": "湖州", "jinhua": "金华", "quzhou": "衢州", "zhoushan": "舟山",  # not taizhou: 台州 or 泰州
           "lishui": "丽水", "shenzhen": "深圳", "shanghai": "上海", "beijing": "北京", "guangzhou": "广州",
           "chengdu": "成都", "nanjing": "南京", "suzhou": "苏州", "xi'an": "西安", "chongqing": "重庆",
           # Words of a mixed-language message that carry a fact.
           "clients": "客户", "client": "客户", "customers": "客户", "customer": "客户", "team": "团队",
           "uk": "英国", "japan": "日本", "korea": "韩国", "korean": "韩国",
           "japanese": "日本", "europe": "欧洲", "singapore": "新加坡", "none": "都没有", "overseas": "海外",
           "localization": "本地化", "data labeling": "数据标注", "staff": "员工", "employees": "员工",
           "filipino": "菲律宾籍", "malaysian": "马来西亚籍", "indian": "印度籍", "vietnamese": "越南籍",
           "the rest no": "其他没有", "nothing else": "其他没有", "the rest": "其他", "only": "只有", "just": "只有"}
# Typos of key terms (pinyin input slips), longest first when applied.
TYPOS = {"离案": "离岸", "离按": "离岸", "里岸": "离岸", "离暗": "离岸", "在案业务": "在岸业务", "在案外包": "在岸外包",
         "外宝": "外包", "外保": "外包", "歪包": "外包", "服务外苞": "服务外包", "外姿": "外资", "外咨": "外资",
         "航州": "杭州", "宁坡": "宁波", "温洲": "温州", "绍星": "绍兴", "武漢": "武汉", "综宝区": "综保区",
         "综合报税区": "综合保税区", "报税区": "保税区", "技术先进形": "技术先进型", "呼叫钟心": "呼叫中心",
         "呼教中心": "呼叫中心", "软见": "软件", "人工只能": "人工智能", "医要研发": "医药研发", "外藉": "外籍",
         "冇得": "没有", "冇": "没有",  # 冇 (no) is dialect in simplified text too: 「都冇得」
         "二次开法": "二次开发", "软件开法": "软件开发"}

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})
_FULLWIDTH[0x3000] = 0x20
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U00002B00-\U00002BFF\uFE0F\u200D\u20E3]+")
_THUMBS = re.compile("(?:[\U0001F44D\U0001F44C\U0001F646\u2705\u2714\u2611]\uFE0F?[\U0001F3FB-\U0001F3FF]?)+")
_SPACES = re.compile(r"[ \t]{2,}")
_US_RE = re.compile(r"(?<![A-Za-z])(?:US|USA|U\.S\.)(?![A-Za-z])")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")


def _alternation(words) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_CANTONESE_RE = _alternation(CANTONESE)
_REGIONAL_RE = _alternation(REGIONAL)
_TYPOS_RE = _alternation(TYPOS)
# English words: not inside a longer ASCII word ("software" yes, "softwareX" no).
_ENGLISH_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in sorted(ENGLISH, key=len, reverse=True))
                         + r")(?![A-Za-z])", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    if not text or text.startswith("/"):  # button payloads (/affirm, /inform{…}) stay as sent
        return text or ""
    text = text.translate(_FULLWIDTH)
    if _THUMBS.fullmatch(text.strip()):
        return "是的"  # 👍 alone answers yes
    text = _EMOJI.sub(" ", text)
    simplified = _t2s().convert(text)
    if simplified != text:  # traditional input: Cantonese words first, then characters, then regional terms
        text = _t2s().convert(_CANTONESE_RE.sub(lambda m: CANTONESE[m.group()], text))
        text = _REGIONAL_RE.sub(lambda m: REGIONAL[m.group()], text)
    text = _ENGLISH_RE.sub(lambda m: ENGLISH[m.group().lower()], text)
    text = _US_RE.sub("美国", text)  # capitals only: 「客户在US」, not the pronoun
    text = _TYPOS_RE.sub(lambda m: TYPOS[m.group()], text)
    text = _CJK_GAP.sub("", text)  # 人力资源 外包 → 人力资源外包 (English replaced inside Chinese)
    return _SPACES.sub(" ", text).strip()
