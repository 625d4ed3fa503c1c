"""The documents, the report and manners through the REST channel with the trained model (issue 20)."""
from __future__ import annotations

from tests.test_e2e import Chat


def _texts(replies) -> str:
    return "\n".join(m.get("text") or "" for m in replies)


def _has_results(replies) -> bool:
    return any((m.get("custom") or {}).get("type") == "eligibility_results" for m in replies)


def _to_results(chat: Chat) -> None:
    replies = chat.say("我们是杭州的软件外包公司，做对日离岸开发，内资，国内客户也有")
    for _ in range(15):
        if _has_results(replies):
            return
        replies = chat.say("都没有" if chat.slots()["requested_slot"] == "situations" else "这个没有")
    raise AssertionError("no results")


def test_document_questions_mid_form_are_answered_and_the_form_resumes(servers):
    chat = Chat(servers["api"])
    chat.say("我们是杭州的软件外包公司")
    asked = chat.slots()["requested_slot"]
    replies = chat.say("这个行动计划什么时候到期？")
    text = _texts(replies)
    assert "2025年12月31日" in text and "浙商务发〔2023〕59号" in text
    assert chat.slots()["requested_slot"] == asked  # the same question comes back
    assert not _has_results(replies)


def test_is_it_official_after_the_results(servers):
    chat = Chat(servers["api"])
    _to_results(chat)
    replies = chat.say("这个结论是政府正式认定吗？")
    assert "不是政府的正式认定" in _texts(replies) and not _has_results(replies)


def test_the_report_link_on_request_and_manners_after_the_results(servers):
    chat = Chat(servers["api"])
    _to_results(chat)
    replies = chat.say("能导出来吗，我发给老板")
    text = _texts(replies)
    assert "/report/" in text and "/pdf" in text and not _has_results(replies)
    for said in ("收到", "好的 我整理一下给领导", "嗯嗯明白"):
        replies = chat.say(said)
        text = _texts(replies)
        assert text and not _has_results(replies), said
        assert "没有理解" not in text and "没有听明白" not in text, said
    replies = chat.say("再发一遍结果")
    assert not _has_results(replies) and "/report/" in _texts(replies)


def test_follow_ups_by_position_and_by_ellipsis_after_the_results(servers):
    # sealed Y: 「那第二个呢」「那出口信保呢」 ask the previous question again of another item
    chat = Chat(servers["api"])
    _to_results(chat)
    text = _texts(chat.say("零税率是文件哪一条"))
    assert "「离岸服务外包零税率或免税优惠」出自" in text
    replies = chat.say("那出口信保呢")
    assert "「出口信用保险与信贷支持」出自" in _texts(replies) and not _has_results(replies)
    text = _texts(chat.say("零税率和出口信保分别找哪个部门"))
    assert text.index("「离岸服务外包零税率或免税优惠」") < text.index("「出口信用保险与信贷支持」")
    text = _texts(chat.say("第二个是文件哪一条"))
    assert "「出口信用保险与信贷支持」出自" in text and "「离岸服务外包零税率或免税优惠」出自" not in text
