"""Guards in the profile extractor that keep DIET's mistakes from trapping a firm."""
from rasa.shared.nlu.training_data.message import Message

from bot.profile_extractor import _last_of_each, _no_contact_without_one


def _message(text: str, ranking: list[tuple[str, float]]) -> Message:
    ranked = [{"name": n, "confidence": c} for n, c in ranking]
    return Message(data={"text": text, "intent": dict(ranked[0]), "intent_ranking": ranked})


def test_checklist_digits_are_not_a_phone_number():
    message = _message("1 3", [("leave_contact", 0.97), ("inform", 0.02), ("affirm", 0.01)])
    _no_contact_without_one(message, "1 3")
    assert message.get("intent")["name"] == "inform"
    assert message.get("intent")["confidence"] == 0.97  # not pushed under the fallback threshold
    assert [r["name"] for r in message.get("intent_ranking")] == ["inform", "affirm"]


def test_english_words_are_not_a_wechat_id():
    message = _message("We are in Shenzhen, 做ITO outsourcing", [("leave_contact", 0.6), ("inform", 0.3)])
    _no_contact_without_one(message, "We are in Shenzhen, 做ITO outsourcing")
    assert message.get("intent")["name"] == "inform"


def test_a_real_number_or_wechat_stays_a_contact():
    for text in ("13812345678", "我微信 zhangsan_88", "座机 027-85412367"):
        message = _message(text, [("leave_contact", 0.9), ("inform", 0.1)])
        _no_contact_without_one(message, text)
        assert message.get("intent")["name"] == "leave_contact", text


def test_repeated_facts_count_once_at_their_last_mention():
    entities = [{"entity": "city", "value": "杭州", "start": 0}, {"entity": "offshore", "value": True, "start": 3},
                {"entity": "city", "value": "宁波", "start": 5}, {"entity": "city", "value": "杭州", "start": 9},
                {"entity": "offshore", "value": False, "start": 12}] + \
               [{"entity": "fields", "value": "software_it", "start": 20 + i} for i in range(300)]
    kept = _last_of_each(entities)
    assert [(e["entity"], e["value"]) for e in kept] == [
        ("offshore", True), ("city", "宁波"), ("city", "杭州"), ("offshore", False), ("fields", "software_it")]
    assert kept[-1]["start"] == 319


def test_a_bare_no_is_deny():
    from bot.profile_extractor import _bare_no_is_deny
    for text in ("无", "冇得", "没有的", "木有～"):
        message = _message(text, [("affirm", 0.9), ("deny", 0.1)])
        _bare_no_is_deny(message, text)
        assert message.get("intent")["name"] == "deny", text
    message = _message("无锡", [("inform", 0.9)])
    _bare_no_is_deny(message, "无锡")
    assert message.get("intent")["name"] == "inform"


def test_a_service_type_named_is_an_answer_unless_asked_about():
    from bot.profile_extractor import _answer_not_question
    kpo = [{"entity": "service_types", "value": "KPO", "start": 0, "end": 3}]
    message = _message("KPO", [("explain", 1.0), ("inform", 0.0)])
    _answer_not_question(message, "KPO", kpo)
    assert message.get("intent")["name"] == "inform"
    for question in ("啥是KPO？", "KPO是什么意思", "不懂KPO"):
        message = _message(question, [("explain", 1.0), ("inform", 0.0)])
        _answer_not_question(message, question, kpo)
        assert message.get("intent")["name"] == "explain", question


def test_numbers_alone_answer_rather_than_thank():
    from bot.profile_extractor import _numbers_are_an_answer
    for text in ("3", "1 3", "2、4", "1，3"):
        message = _message(text, [("thanks", 1.0), ("inform", 0.0)])
        _numbers_are_an_answer(message, text)
        assert message.get("intent")["name"] == "inform", text
    message = _message("13812345678", [("leave_contact", 1.0)])
    _numbers_are_an_answer(message, "13812345678")
    assert message.get("intent")["name"] == "leave_contact"


def test_which_policies_is_a_topic_lookup():
    from bot.profile_extractor import _which_policies_is_a_topic
    message = _message("有哪些零税率政策", [("ask_conditions", 0.33), ("ask_topic", 0.31)])
    _which_policies_is_a_topic(message, "有哪些零税率政策")
    assert message.get("intent")["name"] == "ask_topic" and message.get("intent")["confidence"] >= 0.45
    message = _message("零税率需要什么条件", [("ask_conditions", 0.9)])
    _which_policies_is_a_topic(message, "零税率需要什么条件")
    assert message.get("intent")["name"] == "ask_conditions"
