"""The engine: three-valued logic, reasons, what-if, next_question, as-of, and the
vectorized evaluator agreeing with the reference evaluator."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from policies_db import FIELD_ORDER, CompiledCatalogue, ProfileError
from policies_db.authoring.schema import Catalogue, Contact, Document, ExtraBenefit, Measure, Node, Source
from policies_db.authoring.synthetic import random_profile, synthetic_catalogue
from policies_db.evaluation.engine import evaluate_compiled
from policies_db.evaluation.explain import reasons, what_if
from policies_db.evaluation.logic import FALSE, TRUE, UNKNOWN, missing_fields, tri

D = dt.date(2024, 6, 30)
# An outsourcing firm with offshore business, in Hangzhou and in Wuhan (read-only: the engine copies).
HZ_OFFSHORE_ITO = {"city": "杭州", "service_types": ["ITO"], "offshore": True}
WH_OFFSHORE_ITO = {"city": "武汉", "service_types": ["ITO"], "offshore": True}


def leaf(field, value=True, op="eq", text=None):
    return Node("leaf", field=field, op=op, value=value, text=text or f"{field} 条件")


OFFSHORE = leaf("offshore", text="承接离岸服务外包业务")
SENIOR = leaf("recruits_senior_talent", text="引进紧缺急需的高级人才")
FOREIGN = leaf("hires_foreign_talent", text="聘用外籍专业人才")
CERTIFIED = leaf("tech_advanced_certified", text="已认定为技术先进型服务企业")


# ---- three-valued logic ------------------------------------------------------------------

@pytest.mark.parametrize("profile, expected", [
    ({}, UNKNOWN),
    ({"offshore": True}, TRUE),
    ({"offshore": False}, FALSE),
])
def test_leaf_on_unknown_field_is_unknown_never_false(profile, expected):
    assert tri(OFFSHORE, profile) == expected


@pytest.mark.parametrize("kind, a, b, expected", [
    ("all", True, None, UNKNOWN), ("all", False, None, FALSE), ("all", True, True, TRUE),
    ("any", True, None, TRUE), ("any", False, None, UNKNOWN), ("any", False, False, FALSE),
])
def test_all_any_kleene_tables(kind, a, b, expected):
    node = Node(kind, (SENIOR, FOREIGN))
    profile = {k: v for k, v in (("recruits_senior_talent", a), ("hires_foreign_talent", b)) if v is not None}
    assert tri(node, profile) == expected


def test_not_inverts_and_keeps_unknown():
    node = Node("not", (CERTIFIED,), text="尚未获得认定")
    assert tri(node, {}) == UNKNOWN
    assert tri(node, {"tech_advanced_certified": True}) == FALSE
    assert tri(node, {"tech_advanced_certified": False}) == TRUE


def test_missing_fields_only_those_that_still_decide():
    node = Node("all", (OFFSHORE, Node("any", (SENIOR, FOREIGN))))
    assert missing_fields(node, {}) == {"offshore", "recruits_senior_talent", "hires_foreign_talent"}
    assert missing_fields(node, {"recruits_senior_talent": True}) == {"offshore"}
    assert missing_fields(node, {"offshore": False}) == set()  # already decided: ineligible


# ---- reasons -----------------------------------------------------------------------------

def test_reason_names_requirement_and_firm_value():
    assert reasons(Node("all", (OFFSHORE,)), {"offshore": False}) == ["需承接离岸服务外包业务（贵公司：暂无离岸业务）"]


def test_reasons_under_any_list_every_alternative():
    node = Node("any", (SENIOR, FOREIGN))
    [reason] = reasons(node, {"recruits_senior_talent": False, "hires_foreign_talent": False})
    assert reason.startswith("需满足以下任一条件：")
    assert "引进紧缺急需的高级人才（贵公司：暂无引进高级人才的计划）" in reason
    assert "聘用外籍专业人才（贵公司：暂无外籍人才）" in reason


def test_reasons_under_all_one_per_failing_requirement_only():
    node = Node("all", (OFFSHORE, SENIOR, FOREIGN))
    out = reasons(node, {"offshore": False, "recruits_senior_talent": True, "hires_foreign_talent": False})
    assert out == ["需承接离岸服务外包业务（贵公司：暂无离岸业务）", "需聘用外籍专业人才（贵公司：暂无外籍人才）"]


def test_reason_under_not_shows_the_fact_that_excludes():
    node = Node("not", (CERTIFIED,), text="尚未获得技术先进型服务企业认定")
    assert reasons(node, {"tech_advanced_certified": True}) == [
        "需尚未获得技术先进型服务企业认定（贵公司：已认定为技术先进型服务企业）"]


def test_no_reasons_when_not_failing():
    assert reasons(OFFSHORE, {}) == []
    assert reasons(OFFSHORE, {"offshore": True}) == []


# ---- what-if -------------------------------------------------------------------------------

def test_what_if_smallest_change_under_any():
    node = Node("all", (OFFSHORE, Node("any", (SENIOR, Node("all", (FOREIGN, CERTIFIED))))))
    profile = {"offshore": True, "recruits_senior_talent": False, "hires_foreign_talent": False, "tech_advanced_certified": False}
    result = what_if(node, profile)
    assert [c["field"] for c in result["changes"]] == ["recruits_senior_talent"]
    assert result["changes"][0]["to"] is True
    assert result["summary"] == "若贵公司引进紧缺急需的高级人才，即可符合条件。"


def test_what_if_for_undetermined_asks_to_confirm():
    result = what_if(Node("all", (OFFSHORE,)), {})
    assert result["changes"][0]["confirm_only"] is True
    assert "确认" in result["summary"]


def test_what_if_through_not():
    node = Node("not", (CERTIFIED,), text="尚未获得认定")
    result = what_if(node, {"tech_advanced_certified": True})
    assert result["changes"] == [{"field": "tech_advanced_certified", "from": True, "to": False,
                                  "text": "尚未获得认定", "confirm_only": False}]


def test_what_if_impossible_contradiction_is_none():
    node = Node("all", (OFFSHORE, Node("not", (OFFSHORE,), text="不承接离岸业务")))
    assert what_if(node, {}) is None


def test_what_if_list_field_adds_value(compiled):
    r = evaluate_compiled(compiled, {"city": "武汉", "fields": ["software_it"]}, D).result("wh-design")
    assert r.status == "ineligible"
    assert r.what_if["changes"][0]["to"] == ["software_it", "design"]


def test_region_what_if_is_flagged_not_suggested(compiled):
    r = evaluate_compiled(compiled, HZ_OFFSHORE_ITO, D).result("wh-export-credit")
    assert r.what_if["region_only"] is True
    assert r.what_if["summary"] == "本措施仅适用于在武汉市注册经营的企业。"


# ---- evaluate on the real catalogue ---------------------------------------------------------

def test_groups_partition_the_catalogue(compiled):
    ev = evaluate_compiled(compiled, HZ_OFFSHORE_ITO, D)
    ids = [r.id for r in ev.eligible + ev.undetermined + ev.ineligible]
    assert sorted(ids) == sorted(m.id for m in compiled.measures)
    assert "zj-offshore-zero-rate" in {r.id for r in ev.eligible}


def test_undetermined_entries_carry_missing_fields(compiled):
    ev = evaluate_compiled(compiled, {"city": "杭州"}, D)
    entry = ev.result("zj-global-talent").to_dict()
    assert entry["status"] == "undetermined"
    assert entry["missing"] == ["service_types", "hires_foreign_talent"]


def test_ineligible_entries_carry_reasons(compiled):
    ev = evaluate_compiled(compiled, {"city": "宁波", "service_types": ["ITO"], "offshore": False}, D)
    entry = ev.result("zj-offshore-zero-rate").to_dict()
    assert entry["reasons"] == ["需承接离岸服务外包业务（贵公司：暂无离岸业务）"]
    assert entry["what_if"]["changes"][0]["field"] == "offshore"


def test_zhejiang_contacts_resolve_to_the_firms_city_bureau(compiled):
    ev = evaluate_compiled(compiled, {"city": "宁波市", "service_types": ["ITO"], "offshore": True}, D)
    names = [c["name"] for c in ev.result("zj-offshore-zero-rate").contacts]
    assert names == ["浙江省商务厅", "宁波市商务局"]
    unknown_city = evaluate_compiled(compiled, {"service_types": ["ITO"], "offshore": True}, D).result("zj-offshore-zero-rate")
    assert [c["name"] for c in unknown_city.contacts] == ["浙江省商务厅", "所在设区市商务局"]


def test_extra_benefit_follows_its_own_condition(compiled):
    # 二（二）三是: 标准化试点 for every outsourcing firm; 企业、团体标准上升 only in the digital economy.
    base = {"city": "杭州", "service_types": ["ITO"]}
    unknown = evaluate_compiled(compiled, base, D).result("zj-standardization-pilot").extra_benefits[0]
    assert unknown["applies"] == "undetermined" and unknown["missing"] == ["fields"]
    digital = evaluate_compiled(compiled, {**base, "fields": ["digital_tech"]}, D).result("zj-standardization-pilot")
    assert digital.status == "eligible" and digital.extra_benefits[0]["applies"] == "eligible"
    design = evaluate_compiled(compiled, {**base, "fields": ["design"]}, D).result("zj-standardization-pilot")
    assert design.status == "eligible" and design.extra_benefits[0]["applies"] == "ineligible"


@pytest.mark.parametrize("as_of, in_force", [
    (dt.date(2022, 12, 31), False), (dt.date(2023, 1, 1), True), (dt.date(2025, 12, 31), True), (dt.date(2026, 1, 1), False),
])
def test_in_force_follows_the_as_of_date(compiled, as_of, in_force):
    r = evaluate_compiled(compiled, HZ_OFFSHORE_ITO, as_of).result("zj-offshore-zero-rate")
    assert r.in_force is in_force
    assert r.status == "eligible"  # validity is reported, it does not change eligibility


def test_expired_document_says_so_and_advises_confirming(compiled):
    entry = evaluate_compiled(compiled, HZ_OFFSHORE_ITO, dt.date(2026, 11, 22)).result("zj-offshore-zero-rate").to_dict()
    assert entry["in_force"] is False
    assert "已到期" in entry["validity"]["note"] and "确认" in entry["validity"]["note"]


def test_document_without_end_date_in_force_with_caveat(compiled):
    entry = evaluate_compiled(compiled, WH_OFFSHORE_ITO, dt.date(2026, 11, 22)).result("wh-export-credit").to_dict()
    assert entry["in_force"] is True
    assert entry["validity"]["stated_end"] is False
    assert "未规定" in entry["validity"]["note"] and "确认" in entry["validity"]["note"]


def test_profile_errors_are_clear(compiled):
    with pytest.raises(ProfileError, match="offshroe"):
        evaluate_compiled(compiled, {"offshroe": True}, D)
    with pytest.raises(ProfileError, match="fields"):
        evaluate_compiled(compiled, {"fields": ["cooking"]}, D)


# ---- next_question -------------------------------------------------------------------------

def test_next_question_starts_with_city(compiled):
    assert evaluate_compiled(compiled, {}, D).next_question() == "city"


def test_next_question_picks_field_deciding_most_measures(compiled):
    ev = evaluate_compiled(compiled, {"city": "杭州"}, D)
    counts = dict(zip(FIELD_ORDER, ev.missing_matrix.sum(axis=0)))
    assert ev.next_question() == "service_types"
    assert counts["service_types"] == max(counts.values()) > counts["offshore"]


def test_next_question_none_outside_coverage(compiled):
    assert evaluate_compiled(compiled, {"city": "上海"}, D).next_question() is None


def test_next_question_none_when_everything_decided(compiled):
    ev = evaluate_compiled(compiled, {"city": "武汉", "fields": ["pharma_rd"], "service_types": ["KPO"], "offshore": True,
                                      "onshore": False, "in_bonded_zone": False, "recruits_senior_talent": False,
                                      "hires_foreign_talent": False, "provides_training": False, "plans_listing": False,
                                      "tech_advanced_certified": False, "financial_institution": False,
                                      "overseas_expansion": False, "is_sme": True, "leading_firm": False,
                                      "runs_platform": False, "runs_park": False, "is_school": False,
                                      "soe_or_hospital": False, "covid_commissioned": False}, D)
    assert ev.counts()["undetermined"] == 0
    assert ev.next_question() is None


def test_next_question_asks_extra_benefit_fact_for_eligible_measure():
    region = Node("leaf", field="city", op="in_region", value="wuhan", text="在武汉")
    doc = Document("d", "i", "t", "wuhan", dt.date(2021, 1, 1), None, validity_note="无")
    measure = Measure("wh-m", "d", "t", "s", "b", "tax", Node("all", (region, leaf("offshore"))), (Contact("x"),),
                      Source("s", "e"), extra_benefits=(ExtraBenefit("综保区内另可享受", leaf("in_bonded_zone")),))
    compiled = CompiledCatalogue(Catalogue({"d": doc}, [measure]))
    ev = evaluate_compiled(compiled, WH_OFFSHORE_ITO, D)
    assert ev.counts()["undetermined"] == 0
    assert ev.next_question() == "in_bonded_zone"
    assert evaluate_compiled(compiled, {"city": "武汉", "offshore": False}, D).next_question() is None


def test_next_question_tie_break_is_stable_field_order():
    region = Node("leaf", field="city", op="in_region", value="wuhan", text="在武汉")
    doc = Document("d", "i", "t", "wuhan", dt.date(2021, 1, 1), None, validity_note="无")
    measures = [Measure(f"wh-m{i}", "d", "t", "s", "b", "tax", Node("all", (region, leaf(f))), (Contact("x"),), Source("s", "e"))
                for i, f in enumerate(["overseas_expansion", "offshore", "plans_listing"])]
    compiled = CompiledCatalogue(Catalogue({"d": doc}, measures))
    assert evaluate_compiled(compiled, {"city": "武汉"}, D).next_question() == "offshore"


# ---- vectorized evaluator == reference evaluator ------------------------------------------

def test_vectorized_matches_reference_on_real_catalogue(compiled):
    rng = random.Random(1)
    for _ in range(300):
        profile = random_profile(rng, known=rng.random())
        ev = evaluate_compiled(compiled, profile, D)
        for m in compiled.measures:
            assert ev.status_of(m.id) == {TRUE: "eligible", UNKNOWN: "undetermined", FALSE: "ineligible"}[tri(m.criteria, ev.profile)]


def test_vectorized_matches_reference_on_synthetic_trees():
    compiled = CompiledCatalogue(synthetic_catalogue(400, seed=3))
    rng = random.Random(5)
    for _ in range(60):
        ev = evaluate_compiled(compiled, random_profile(rng, known=rng.random()), D)
        main, extra = ev._matrices
        for i, m in enumerate(compiled.measures):
            value = tri(m.criteria, ev.profile)
            assert ev.statuses[i] == value
            assert {f for j, f in enumerate(FIELD_ORDER) if main[i, j]} == missing_fields(m.criteria, ev.profile)
            extra_expected = set()
            if value != FALSE:
                for benefit in m.extra_benefits:
                    extra_expected |= missing_fields(benefit.when, ev.profile)
            assert {f for j, f in enumerate(FIELD_ORDER) if extra[i, j]} == extra_expected


def test_next_question_skips_fields_the_firm_could_not_answer(compiled):
    ev = evaluate_compiled(compiled, {"city": "杭州"}, D)
    assert ev.next_question() == "service_types"
    assert ev.next_question(exclude=["service_types"]) == "offshore"


# ---- availability: the verdict on conditions and whether the document is in force --------------

EXPIRED_PHRASE = "符合条件；文件执行期已满（2025年底），请向部门确认是否延续"


@pytest.mark.parametrize("as_of, availability, phrase", [
    (dt.date(2022, 12, 31), "not_yet", "符合条件；文件自2023年1月1日起执行，目前尚未生效"),
    (dt.date(2025, 12, 31), "in_force", "符合条件"),
    (dt.date(2026, 1, 1), "expired", EXPIRED_PHRASE),
    (dt.date(2026, 11, 23), "expired", EXPIRED_PHRASE),
])
def test_expired_plan_is_never_presented_as_available(compiled, as_of, availability, phrase):
    entry = evaluate_compiled(compiled, HZ_OFFSHORE_ITO, as_of).result("zj-offshore-zero-rate").to_dict()
    assert entry["status"] == "eligible"  # the verdict on the conditions is unchanged
    assert entry["availability"] == availability
    assert entry["status_phrase"] == phrase
    assert entry["in_force"] is (availability == "in_force")


def test_open_ended_document_asks_to_confirm(compiled):
    entry = evaluate_compiled(compiled, WH_OFFSHORE_ITO, dt.date(2026, 11, 23)).result("wh-export-credit").to_dict()
    assert entry["availability"] == "open_ended" and entry["in_force"] is True
    assert "确认" in entry["status_phrase"]
    # Before the (reconstructed) signing date 2021-02-08 it was not yet in force.
    early = evaluate_compiled(compiled, WH_OFFSHORE_ITO, dt.date(2021, 2, 7)).result("wh-export-credit")
    assert early.availability == "not_yet" and early.in_force is False


def test_status_phrase_only_for_eligible(compiled):
    ev = evaluate_compiled(compiled, {"city": "杭州", "offshore": False}, dt.date(2026, 11, 23))
    assert ev.result("zj-offshore-zero-rate").to_dict()["status_phrase"] is None


def test_expiry_year_comes_from_valid_to():
    from policies_db.wording import status_phrase
    doc = Document("d", "i", "t", "wuhan", dt.date(2021, 1, 1), dt.date(2027, 6, 30))
    assert status_phrase("eligible", doc, dt.date(2028, 1, 1)) == "符合条件；文件执行期已满（2027年6月30日），请向部门确认是否延续"
    doc = Document("d", "i", "t", "wuhan", dt.date(2021, 1, 1), dt.date(2027, 12, 31))
    assert "（2027年底）" in status_phrase("eligible", doc, dt.date(2028, 1, 1))


# ---- kinds: apply → service → direction ----------------------------------------------------------

def test_results_lead_with_what_the_firm_can_apply_for(compiled):
    ev = evaluate_compiled(compiled, {"city": "杭州", "service_types": ["ITO"], "offshore": True, "hires_foreign_talent": True}, D)
    kinds = [r.kind for r in ev.by_kind("eligible")]
    assert kinds == sorted(kinds, key=["apply", "service", "direction"].index) and kinds[0] == "apply"
    counts = ev.kind_counts("eligible")
    assert list(counts) == ["apply", "service", "direction"]
    assert sum(counts.values()) == len(ev.eligible)
    assert counts == {k: kinds.count(k) for k in ("apply", "service", "direction")}
    data = ev.to_dict()
    assert data["kind_counts"]["eligible"] == counts
    assert [e["kind"] for e in data["eligible"]] == kinds
    assert all("kind" in e for group in ("eligible", "undetermined", "ineligible") for e in data[group])


def test_reorganised_unit_carries_its_current_name(compiled):
    contacts = evaluate_compiled(compiled, WH_OFFSHORE_ITO, D).result("wh-export-credit-insurance").contacts
    [cbirc] = [c for c in contacts if c["name"] == "湖北银保监局"]
    assert cbirc["current_name"] == "国家金融监督管理总局湖北监管局" and "2023" in cbirc["note"]
