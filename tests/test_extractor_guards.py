"""NLU guards (bot/nlu/guards.py) that keep DIET's mistakes from trapping a firm. Pure: no Rasa, no model."""
import pytest

from bot.nlu.guards import after_entities, before_entities, last_of_each, requests_and_manners


def _parse(ranking: list[tuple[str, float]]):
    ranked = [{"name": n, "confidence": c} for n, c in ranking]
    return dict(ranked[0]), ranked


def _before(text: str, ranking: list[tuple[str, float]]):
    return before_entities(text, *_parse(ranking))


def _before_name(text: str, ranking: list[tuple[str, float]]) -> str:
    return _before(text, ranking)[0]["name"]


def _routed(text: str, guess: str, confidence: float = 0.9, entities=(), **spans) -> str:
    """The intent a question ends with when DIET guessed `guess` (the rest on inform)."""
    ranking = [(guess, confidence), ("inform", round(1 - confidence, 2))]
    return requests_and_manners(text, *_parse(ranking), list(entities), **spans)[0]["name"]


def test_checklist_digits_are_not_a_phone_number():
    intent, ranking = _before("1 3", [("leave_contact", 0.97), ("inform", 0.02), ("affirm", 0.01)])
    assert intent["name"] == "inform"
    assert intent["confidence"] >= 0.97  # not pushed under the fallback threshold
    assert [r["name"] for r in ranking] == ["inform", "affirm"]


def test_english_words_are_not_a_wechat_id():
    intent, _ = _before("We are in Shenzhen, 做ITO outsourcing", [("leave_contact", 0.6), ("inform", 0.3)])
    assert intent["name"] == "inform"


def test_a_real_number_or_wechat_stays_a_contact():
    for text in ("13812345678", "我微信 zhangsan_88", "座机 027-85412367"):
        intent, _ = _before(text, [("leave_contact", 0.9), ("inform", 0.1)])
        assert intent["name"] == "leave_contact", text


def test_repeated_facts_count_once_at_their_last_mention():
    entities = [{"entity": "city", "value": "杭州", "start": 0}, {"entity": "offshore", "value": True, "start": 3},
                {"entity": "city", "value": "宁波", "start": 5}, {"entity": "city", "value": "杭州", "start": 9},
                {"entity": "offshore", "value": False, "start": 12}] + \
               [{"entity": "fields", "value": "software_it", "start": 20 + i} for i in range(300)]
    kept = last_of_each(entities)
    assert [(e["entity"], e["value"]) for e in kept] == [
        ("offshore", True), ("city", "宁波"), ("city", "杭州"), ("offshore", False), ("fields", "software_it")]
    assert kept[-1]["start"] == 319


def test_a_bare_no_is_deny():
    for text in ("无", "冇得", "没有的", "木有～"):
        assert _before(text, [("affirm", 0.9), ("deny", 0.1)])[0]["name"] == "deny", text
    assert _before_name("无锡", [("inform", 0.9)]) == "inform"


def test_a_service_type_named_is_an_answer_unless_asked_about():
    kpo = [{"entity": "service_types", "value": "KPO", "start": 0, "end": 3}]
    assert after_entities("KPO", *_parse([("explain", 1.0), ("inform", 0.0)]), kpo)[0]["name"] == "inform"
    for question in ("啥是KPO？", "KPO是什么意思", "不懂KPO"):
        assert after_entities(question, *_parse([("explain", 1.0), ("inform", 0.0)]), kpo)[0]["name"] == "explain"


def test_numbers_alone_answer_rather_than_thank():
    for text in ("3", "1 3", "2、4", "1，3"):
        assert _before(text, [("thanks", 1.0), ("inform", 0.0)])[0]["name"] == "inform", text
    assert _before_name("13812345678", [("leave_contact", 1.0)]) == "leave_contact"


def test_which_policies_is_a_topic_lookup():
    intent, _ = _before("有哪些零税率政策", [("ask_conditions", 0.33), ("ask_topic", 0.31)])
    assert intent["name"] == "ask_topic" and intent["confidence"] >= 0.45
    assert _before_name("零税率需要什么条件", [("ask_conditions", 0.9)]) == "ask_conditions"


def test_the_clauses_that_state_are_read_in_a_question():
    """「没有海外客户 人才这块找哪个部门？」 states a fact and asks: the asking clause is blanked, offsets kept."""
    from bot.nlu.guards import asking_part, statement_clauses

    text = "没有海外客户 人才这块找哪个部门？"
    kept = statement_clauses(text)
    assert len(kept) == len(text) and kept.startswith("没有海外客户") and "部门" not in kept
    assert statement_clauses("那个外资企业的政策能享受吗") == ""
    assert "这个算不算" not in statement_clauses("疫情那年受药企委托做过药效评价 这个算不算")
    assert asking_part(text) == "人才这块找哪个部门？"  # what a search for the measure should read


def test_an_answer_about_the_past_only():
    """At a yes/no question about business: 「…就断了」 is a no today; 「以前…很多」 says nothing of today."""
    from bot.nlu.assertion import past_answer

    assert past_answer("疫情那年以后就断了", "offshore") == "gone"
    assert past_answer("以前日本的单子很多的", "offshore") == "past"
    assert past_answer("以前有，现在还在做", "offshore") is None
    assert past_answer("以前日本的单子很多的", "foreign_invested") is None  # a status, not business


@pytest.mark.parametrize("text,expected", [("全部不符合", "deny"), ("以上全部都有", "affirm")])
def test_a_blanket_list_answer_beats_an_unbacked_request_for_results(text, expected):

    ranking = [{"name": "show_results", "confidence": 0.65}, {"name": "deny", "confidence": 0.2}]
    intent, _ = before_entities(text, dict(ranking[0]), ranking)
    assert intent["name"] == expected


def test_a_deny_without_a_word_of_negation_is_no_no():
    # 「这个算外包吧」 at the service-type question was read as 「none」.
    intent, _ = after_entities("这个算外包吧", *_parse([("deny", 0.51), ("affirm", 0.3)]), [])
    assert intent["name"] == "inform"
    intent, _ = after_entities("这个没有", *_parse([("deny", 0.9), ("affirm", 0.05)]), [])
    assert intent["name"] == "deny"


def test_the_runner_up_of_a_wrong_form_ending_guess_needs_its_words_too():
    # 「四新那边」 (an area of Wuhan) was a hand-off by DIET, then a restart by its runner-up.
    intent, _ = after_entities("四新那边", *_parse([("human_handoff", 0.5), ("restart", 0.3), ("inform", 0.1)]), [])
    assert intent["name"] == "inform"
    intent, _ = after_entities("重新开始吧", *_parse([("human_handoff", 0.5), ("restart", 0.3), ("inform", 0.1)]), [])
    assert intent["name"] == "restart"


def test_a_measure_named_beside_which_measures_is_asked_about():

    text = "外汇收支便利化 我们能不能用"
    intent, _ = requests_and_manners(text, *_parse([("show_results", 0.9), ("inform", 0.05)]), [],
                                     measure_spans=[(0, 7)])
    assert intent["name"] == "ask_conditions"
    intent, _ = requests_and_manners("那我们能享受哪些", *_parse([("show_results", 0.9), ("inform", 0.05)]), [])
    assert intent["name"] == "show_results"


def test_an_unsure_guess_yields_to_the_question_words_the_message_holds():

    # 「四川那边的政策去哪查」: DIET unsure of ask_contact; 去哪查 asks where the text is.
    intent, _ = requests_and_manners("四川那边的政策去哪查", *_parse([("ask_contact", 0.38), ("out_of_scope", 0.3)]), [])
    assert intent["name"] == "ask_document"


def test_a_guess_its_cue_word_confirms_stands_against_a_close_runner_up():
    # 「行 谢了」: thanks 0.51 against acknowledge 0.47 was 「没有理解」 (the FallbackClassifier's ambiguity).
    intent, ranking = after_entities("行 谢了", *_parse([("thanks", 0.51), ("acknowledge", 0.47)]), [])
    assert intent["name"] == "thanks" and ranking[1]["confidence"] <= intent["confidence"] - 0.05


@pytest.mark.parametrize("text,guess", [
    ("文件里说组织去开拓新兴市场 是去哪些地方", "ask_document"),
    ("組織開拓新興市場 是去哪些地方", "ask_contact"),
    ("文件里鼓励哪些单位把业务外包出来", "ask_contact"),
    ("平台建设的钱从哪里出", "ask_why_not"),
    ("外资利润再投资 具体有什么支持", "ask_topic"),
])
def test_a_question_about_what_the_text_says_is_answered_from_the_measure(text, guess):

    # Where, who, whose money: the measure's own sentence answers, not its contacts or the document's dates.
    assert _routed(text, guess, 0.6) == "ask_conditions"


def test_content_words_leave_the_other_question_kinds_alone():

    for text, guess in (("零税率要准备什么文件", "ask_process"), ("这个文件是哪年发的", "ask_document"),
                        ("出口信保找哪个部门", "ask_contact")):
        assert _routed(text, guess) == guess, text
    # 「是啥东西」 asks what a measure is only beside its name: alone it is a term for the glossary.
    intent, _ = requests_and_manners("外国高端人才确认函是啥东西", *_parse([("ask_process", 0.8), ("explain", 0.1)]), [],
                                     measure_spans=[(0, 9)])
    assert intent["name"] == "ask_conditions"
    assert _routed("KPO是啥东西", "explain") == "explain"


def test_a_fact_said_as_a_measure_attribute_is_no_statement():

    # 「请问离岸业务的税收优惠是零税率还是免税」 (a caller's question): 离岸业务 is the measure's, the firm states nothing.
    text = "请问离岸业务的税收优惠是零税率还是免税"
    entities = [{"entity": "offshore", "value": True, "start": 2, "end": 6}]
    intent, _ = requests_and_manners(text, *_parse([("inform", 1.0)]), entities,
                                     measure_spans=[(7, 11), (12, 15), (17, 19)])
    assert intent["name"] == "ask_conditions"


def test_a_plan_action_asked_about_is_a_topic_not_the_plan():

    for text, guess in (("青鸾那个什么行动是啥？跟我们有关系吗", "nlu_fallback"), ("文鳐行动又是什么？", "ask_document")):
        assert _routed(text, guess) == "ask_topic", text
    assert _routed("这个行动计划什么时候到期", "ask_document") == "ask_document"


def test_how_much_without_a_question_mark_asks_the_amount():

    assert _routed("一个人能补贴好多钱", "ask_topic", 0.78) == "ask_process"


def test_colloquial_a_not_a_and_who_issued_it_ask():
    from bot.nlu.guards import QUESTION_CUES

    assert QUESTION_CUES.search("我们也想给新人搞培训 有支持不")
    assert not QUESTION_CUES.search("有外籍员工 不多")
    from bot.nlu.aspects import cue

    assert cue("validity", "发文的是省商务厅对伐")


def test_manners_diet_is_unsure_of_are_settled_by_the_words():
    # DIET's confidence on short manners moves from one training to the next; the words decide when it is unsure.
    for text, expected in (("ok", "affirm"), ("行 谢了", "thanks"), ("好的，来电人说谢谢，电话挂了", "thanks"),
                           ("好的 我转给老板", "acknowledge")):
        intent, _ = after_entities(text, *_parse([("greet", 0.4), ("affirm", 0.38)]), [])
        assert intent["name"] == expected, text
    # a question is no manners: 「好的，那让他们去问哪里比较合适？」
    intent, _ = after_entities("好的，那让他们去问哪里比较合适？", *_parse([("greet", 0.4), ("affirm", 0.38)]), [])
    assert intent["name"] not in ("affirm", "thanks", "acknowledge")


def test_tell_me_the_results_is_no_subscription():
    intent, _ = after_entities("好的，请告诉我结果", *_parse([("subscribe_push", 0.53), ("show_results", 0.3)]), [])
    assert intent["name"] == "show_results"
    intent, _ = after_entities("有新政策告诉我一声", *_parse([("subscribe_push", 0.9), ("show_results", 0.05)]), [])
    assert intent["name"] == "subscribe_push"


def test_a_question_at_the_consent_prompt_is_no_yes():
    from bot.nlu.consent import agrees_to_subscription

    assert not agrees_to_subscription("还有个事 我们客户武汉农商行那边问 他们作为发包方有冇得鼓励政策")
    for text in ("好的", "订阅", "那就订阅吧", "是的 帮我订阅", "ok"):
        assert agrees_to_subscription(text), text


def test_a_question_only_a_definition_answers_is_explained():

    # 「请问中小企业是怎样界定吗 有没有标准」 (Cantonese 點樣…㗎, normalised) was a topic list of 「标准」 measures.
    intent, _ = requests_and_manners("请问中小企业是怎样界定吗 有没有标准", *_parse([("ask_topic", 0.57), ("explain", 0.3)]), [])
    assert intent["name"] == "explain"


def test_a_preamble_read_as_dont_know_is_a_greeting_but_a_deferral_is_not():

    assert requests_and_manners("问个事", *_parse([("dont_know", 0.54), ("greet", 0.3)]), [])[0]["name"] == "greet"
    for text in ("这个要问下财务", "这个要问一下日本那边", "要问下财务"):
        assert requests_and_manners(text, *_parse([("dont_know", 0.9), ("greet", 0.05)]), [])[0]["name"] == "dont_know"


def test_see_you_later_is_an_acknowledgement():

    intent, _ = requests_and_manners("等明年吉隆坡真的设起来了 到时候再来问", *_parse([("nlu_fallback", 0.45), ("inform", 0.3)]), [])
    assert intent["name"] == "acknowledge"


def test_impatience_with_the_questions_is_an_acknowledgement():
    # 「还要问几个啊 我等下还有个会」 (nlu_fallback) got 「没有理解」; 「好的 那等真接到了再来问你」 the capabilities.
    for text in ("还要问几个啊 我等下还有个会", "好的 那等真接到了再来问你", "唉 差一点点 行吧"):
        intent, _ = requests_and_manners(text, *_parse([("nlu_fallback", 0.45), ("ask_capabilities", 0.3)]), [])
        assert intent["name"] == "acknowledge", text


def test_a_report_guess_without_a_word_of_a_report_is_not_the_report():
    # 「RCEP跟我们有关系吗」 (ask_report 0.5) got 「结果还没有生成」: a term asked about is explained.
    intent, _ = requests_and_manners("RCEP跟我们有关系吗", *_parse([("ask_report", 0.5), ("human_handoff", 0.25)]), [])
    assert intent["name"] == "explain"
    intent, _ = requests_and_manners("能导出来吗", *_parse([("ask_report", 0.5), ("human_handoff", 0.25)]), [])
    assert intent["name"] == "ask_report"


def test_a_blanket_no_opening_an_answer_is_no_question():
    # 「啥也没有 就是正经接电话的」 at the checklist: DIET took its 啥 for a question (explain 0.53) and the list came back.
    assert _before_name("啥也没有 就是正经接电话的", [("explain", 0.53), ("leave_contact", 0.2)]) == "deny"
    assert _before_name("都没有 这个零税率是什么意思", [("explain", 0.6), ("deny", 0.2)]) == "explain"


def test_whether_business_counts_as_offshore_is_the_definitions():
    # 「客户在上海 这个算不算离岸啊」 (ask_conditions 1.0) was answered with the zero-rate measure, not what offshore is.
    assert _routed("客户在上海 这个算不算离岸啊", "ask_conditions", 1.0) == "explain"


def test_an_answer_to_the_list_with_nothing_that_asks_is_no_question():
    assert _before_name("外国人那个有 别的没有", [("ask_process", 0.7), ("inform", 0.2)]) == "inform"
    assert _before_name("都没有 要准备什么材料", [("ask_process", 0.7), ("inform", 0.2)]) == "ask_process"


def test_a_type_offered_with_a_question_mark_after_a_hedge_answers():
    # 「动画加工算文化创意那种外包吧，KPO？」 was explain four times: the firm offers its guess, it asks nothing.
    assert _before_name("动画加工算文化创意那种外包吧，KPO？", [("explain", 0.8), ("inform", 0.1)]) == "inform"
    assert _before_name("KPO是啥？", [("explain", 0.8), ("inform", 0.1)]) == "explain"


def test_a_compliment_is_thanked_for_whatever_question_diet_guessed():
    # 「你们这个机器人还挺好用哈哈」 was ask_document (0.5) and got the Wuhan document's dates.
    assert _routed("你们这个机器人还挺好用哈哈", "ask_document", 0.5) == "thanks"
    assert _routed("好的 这个文件哪年发的", "ask_document", 0.9) == "ask_document"


def test_whether_the_policy_can_be_used_asks_whether_the_document_applies():
    from bot.nlu.aspects import aspects

    text = "黄陂这边算不算武汉市的 政策能用不"
    assert [a["value"] for a in aspects(text)] == ["applies"]
    assert _routed(text, "inform", 1.0, entities=aspects(text)) == "ask_document"


def test_what_the_text_says_of_something_is_no_question_about_the_document():
    text = "听说文件里鼓励国企银行把业务外包出来 我们这种能接不"
    assert _routed(text, "ask_document", 0.71) == "ask_conditions"
    assert _routed("这个文件现在还有效吗", "ask_document", 0.9) == "ask_document"
    assert _routed("文韬行动又是什么？文件里看到的", "ask_document", 1.0) == "ask_topic"  # a plan's action


@pytest.mark.parametrize("text,guess", [
    ("我们从国外进口研发用的试剂和耗材 听说综保区可以免许可证 这个找海关还是商务局", "inform"),
    ("离岸零税率是不是马上可以用 要找税务局还是商务局", "inform"),
])
def test_which_of_two_departments_asks_whom_to_contact(text, guess):
    assert _routed(text, guess, 1.0) == "ask_contact"


def test_a_not_a_without_a_term_asks_about_the_measure_not_a_definition():
    # 「是不是所有品种都能免」 right after the bonded-zone measure was explained what offshore means.
    assert _before_name("是不是所有品种都能免", [("deny", 0.6), ("affirm", 0.3)]) == "ask_conditions"
    assert _before_name("是不是KPO", [("deny", 0.6), ("affirm", 0.3)]) == "explain"


def test_a_measure_missing_from_the_results_asks_why():
    assert _routed("为啥结果里没有技术先进型企业申报那条", "ask_conditions", 0.94) == "ask_why_not"


def test_a_places_policy_asked_around_its_name_asks_whether_it_applies():
    from bot.nlu.aspects import aspects

    assert [a["value"] for a in aspects("义乌是金华下面的 算浙江吧 能用浙江省的政策吗")] == ["applies"]
    assert aspects("我们能享受哪些政策") == []  # which measures: the results, not a document's reach


def test_this_or_that_about_a_measure_is_a_question():
    text = "园区想争创国家数字服务出口基地 是市里统一报还是我们自己报"
    assert _routed(text, "inform", 1.0, measure_spans=[(3, 15)]) == "ask_conditions"


def test_the_support_for_a_plan_just_stated_is_its_topic():
    expansion = [{"entity": "overseas_expansion", "value": True, "start": 0, "end": 8}]
    # (DIET's show_results reaches this guard as inform: after_entities reads a stated fact first)
    assert _routed("去东南亚设分公司 浙江这边有什么支持", "inform", 1.0, entities=expansion) == "ask_topic"
    city = [{"entity": "city", "value": "杭州", "start": 2, "end": 4}]
    assert _routed("我们在杭州做软件外包 有什么支持", "show_results", 1.0, entities=city) == "show_results"


def test_an_unsure_out_of_scope_that_asks_goes_to_the_catalogue_search():
    assert _routed("国家科技计划项目那个怎么争取", "out_of_scope", 0.5) == "nlu_fallback"
    assert _routed("今天天气怎么样", "out_of_scope", 0.95) == "out_of_scope"


def test_a_topic_guess_its_named_topic_confirms_stands():
    text = "我们是发包方，不是外包企业，也能在这里查到相关政策吗"
    assert _routed(text, "ask_topic", 0.42, measure_spans=[(2, 5)]) == "ask_topic"


@pytest.mark.parametrize("text", ["宜昌的不能用武汉那个文件啊？都是湖北的嘛", "客户都在武汉，武汉那个文件里的真的一条都不行吗？"])
def test_a_document_that_cannot_be_used_asks_whether_it_applies(text):
    from bot.nlu.aspects import aspects

    assert [a["value"] for a in aspects(text)] == ["applies"]
    assert _routed(text, "show_results", 0.9, entities=aspects(text)) == "ask_document"


def test_giving_up_is_a_goodbye_not_a_no():
    """「搞半天冇得钱 算了算了」 (deny 0.98): resignation, said with a goodbye's words — not a no to anything asked."""
    assert _routed("搞半天冇得钱 算了算了", "deny", 0.98) == "goodbye"
    assert _routed("没有", "deny", 0.98) == "deny"
    assert _routed("好的好的 打扰了", "inform", 0.9) == "goodbye"


def test_a_department_asked_about_is_a_contact_question():
    """「那跟市国资委有关系吗 要不要报备」 (fallback): whether that department handles the firm's measures; 「归人行管还是
    银保监管啊」 (inform, a bank named): the departments to choose between."""
    assert _routed("那跟市国资委有关系吗 要不要报备", "nlu_fallback", 0.45) == "ask_contact"
    assert _routed("这种银行发包的事 政策里归人行管还是银保监管啊", "inform", 0.9,
                   entities=[{"entity": "financial_institution", "value": True, "start": 2, "end": 4}]) == "ask_contact"


def test_what_can_we_get_is_the_results_question():
    """「那我们到底能拿到啥 啥都没有吗」 (explain): what the firm can get — the results, or for a firm outside coverage
    whom to ask."""
    assert _routed("那我们到底能拿到啥 啥都没有吗", "explain", 0.8) == "show_results"


def test_support_for_a_kind_of_firm_stated_is_a_topic_question():
    """「我们是外资 有没有专门给外资的条款」 (inform, foreign-invested stated): the measures for foreign-invested firms."""
    assert _routed("我们是外资 有没有专门给外资的条款", "inform", 0.9,
                   entities=[{"entity": "foreign_invested", "value": True, "start": 2, "end": 4}]) == "ask_topic"


def test_send_this_to_our_boss_is_the_report_not_a_subscription():
    """「把这个发给我们王总 他邮箱我给你」 (subscribe_push): the report to pass on; 「好 我截图发给老板」 stays the firm's own."""
    assert _routed("把这个发给我们王总 他邮箱我给你", "subscribe_push", 0.9) == "ask_report"
    assert _routed("就这 没钱拿？", "inform", 0.9) == "ask_process"


def test_what_a_term_means_whether_the_result_is_official_and_when_a_plan_ends():
    """Sealed V: a term asked about (「技术先进型是个啥」, fallback), whether the result is an official answer (ask_contact,
    a department named) and the plan's end (「这个计划到啥时候截止」, read as a deadline)."""
    assert _routed("你们说的技术先进型是个啥 要咋认定", "nlu_fallback", 0.45) == "explain"
    official = [{"entity": "aspect", "value": "official", "start": 9, "end": 13}]
    assert _routed("来电人问 你们给的结果算不算商务厅的正式答复", "ask_contact", 0.9, entities=official) == "ask_document"
    assert _routed("他还问 这个计划到啥时候截止", "ask_process", 0.9) == "ask_document"


def test_a_no_inside_a_questions_a_not_a_form_denies_nothing():
    # 「那湖北省里的政策你们这有没有」 (deny 0.49): its only 没 is the question's 有没有 — no answer no.
    text = "那湖北省里的政策你们这有没有"
    intent, _ = after_entities(text, *_parse([("deny", 0.49), ("inform", 0.3)]), [])
    assert intent["name"] != "deny"
    assert _routed(text, "inform", entities=[{"entity": "aspect", "value": "applies", "start": 11, "end": 14}]) \
        == "ask_document"


def test_facts_set_aside_as_someone_elses_are_a_statement_understood():
    # 「客户主要是东风系的几个主机厂…」, DIET unsure: the reader understood it (the clients'), so it informs.
    aside = [{"entity": "aside", "value": "others", "start": 0, "end": 20}]
    intent, _ = after_entities("客户主要是东风系的几个主机厂，还有几家湖南、江西的零部件厂",
                               *_parse([("nlu_fallback", 0.3), ("inform", 0.2)]), aside)
    assert intent["name"] == "inform"


def test_a_measure_named_then_an_a_not_a_about_the_firm_asks_its_conditions():
    text = "那个人工智能元宇宙的创新型特色企业 我们做标注的算不算啊"
    entities = [{"entity": "fields", "value": "digital_tech", "start": 22, "end": 24},
                {"entity": "policy", "value": "创新型特色企业", "start": 10, "end": 17}]
    assert _routed(text, "inform", entities=entities, measure_spans=[(10, 17)]) == "ask_conditions"


def test_has_it_landed_yet_asks_about_a_measures_validity():
    # 「这个现在落地没有」 (dont_know): V(了)没有 at the end asks whether the measure is in force.
    assert _routed("这个现在落地没有", "dont_know", entities=[{"entity": "aspect", "value": "validity", "start": 4, "end": 8}]) \
        == "ask_document"
