"""Short answers read against the question just asked, and the cues of a correction. Pure Python.

「有的」「没」「不算吧」「对的」「嗯」「是滴」「没有的」 say yes or no only next to a question: the form reads them
for the yes/no question it asked when the intent classifier could not.
"""
from __future__ import annotations

import re

from bot.nlu.assertion import is_unsure

_PARTICLES = re.compile(r"[的吧呢啊呀哦哈嘛啦哒滴噢喔~～。.!！,，、\s]+$")
YES = {"是", "是的", "对", "对的", "有", "有的", "嗯", "嗯嗯", "恩", "恩恩", "算", "算是", "算是的", "当然", "当然是",
       "当然有", "没错", "有哈", "对呀", "是呀", "有呀", "有啊", "👍",
       "确实", "有一些", "有几个", "有一点", "是滴", "对滴", "有滴", "是哒", "对头", "必须的", "yes",
       "y", "要", "会", "打算", "计划有", "在", "在的", "属于", "是啊"}
NO = {"不", "不是", "不对", "没", "没有", "没有的", "无", "否", "不算", "不算是", "算不上", "不太算", "不属于", "还没",
      "还没有", "暂时没有", "暂无", "目前没有", "没呢", "木有", "没得", "没的", "不会", "不打算", "不考虑", "没打算",
      "没想过", "暂时不考虑", "不在", "不用", "no", "n", "并没有", "没有哦", "都没有", "都不是", "一个都没有", "尚无",
      "尚未", "不涉及", "没涉及", "皆无", "以上皆无", "均无", "全无", "都无", "以上都没有", "以上都不是",
      "不沾边", "没做", "没做过", "没接过", "还没做", "现阶段没有", "现在还没", "目前还没有", "谈不上", "没这回事",
      "没有这回事", "对不上", "都对不上", "这个我们没有", "我们没有", "这个没有", "统统没有"}
_ALREADY_SAID = re.compile(r"[，,\s]*(?:前面|刚才|上面|之前)(?:已经)?(?:说过|讲过|提过|说了|讲了)(?:了)?$")

# 「说错了」「更正一下」「其实是…」: the new value replaces the old one (otherwise lists are added to).
CORRECTION = re.compile(r"说错|搞错|弄错|写错|打错|填错|更正|纠正|改一下|改成|改为|应该是|其实是|其实不是|不对[，,]|重新说|订正"
                        r"|其实在|其实我们在|实际上在|实际在|准确地说|搬到|迁到了|已经迁|已经搬")
# 「我们其实也做…」「另外还有…」: the new values join the old.
ADDITION = re.compile(r"也|还|另外|此外|同时|以及|再加上|补充")


def yes_no(text: str) -> bool | None:
    """True/False for a short yes/no answer, None otherwise (long texts say more than yes or no)."""
    core = _PARTICLES.sub("", (text or "").strip().lower())
    core = _ALREADY_SAID.sub("", core) or core  # 「是的，前面说过了」
    core = re.sub(r"^(?:嗯|呃|额|哦|噢|这个|我们|我司|公司)[，, ]*", "", core) or core
    lead = re.match(r"^([^，,。；;\s]{1,5})[，,。；;\s]", core)
    if is_unsure(lead.group(1) if lead else core):
        return None  # 「可能有吧」; but 「有，不过具体几个人不清楚」 is a yes
    if lead and core not in YES and core not in NO and not CORRECTION.search(core):
        # 「没有，只做国内」「有的，我们是外资」: the first words answer, the rest adds facts.
        head = _PARTICLES.sub("", lead.group(1))
        return True if head in YES else False if head in NO else None
    if not core or len(core) > 8:
        return None
    if core in YES:
        return True
    if core in NO:
        return False
    core = _PARTICLES.sub("", core)
    return True if core in YES else False if core in NO else None


def is_correction(text: str) -> bool:
    return bool(CORRECTION.search(text or ""))
