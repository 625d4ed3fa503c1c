"""The profile contract: normalization of cities and values, clear errors."""
from __future__ import annotations

import pytest

from policies_db import ProfileError, load_catalogue, normalize_profile
from policies_db.evaluation import coverage


@pytest.mark.parametrize("raw, city", [
    ("杭州", "杭州"), ("杭州市", "杭州"), ("浙江杭州", "杭州"), ("浙江省杭州市", "杭州"), ("杭州市滨江区", "杭州"),
    ("宁波", "宁波"), ("温州", "温州"), ("嘉兴", "嘉兴"), ("湖州", "湖州"), ("绍兴", "绍兴"), ("金华", "金华"),
    ("衢州", "衢州"), ("舟山", "舟山"), ("台州", "台州"), ("丽水", "丽水"), ("义乌", "金华"),
    ("武汉", "武汉"), ("武汉市", "武汉"), ("东湖高新区", "武汉"), ("江汉区", "武汉"), ("湖北省武汉市洪山区", "武汉"),
    ("上海市", "上海"), (" 成都 ", "成都"),
])
def test_city_normalization(raw, city):
    assert normalize_profile({"city": raw})["city"] == city


def test_all_eleven_zhejiang_cities_are_covered():
    regions = {r.name: r for r in coverage.regions(load_catalogue())}
    assert len(regions["浙江省"].cities) == 11
    assert coverage.is_covered(load_catalogue(), {"city": "上海"}) is False
    assert coverage.is_covered(load_catalogue(), {"city": "武汉"}) is True


def test_missing_and_none_mean_unknown():
    assert normalize_profile({"offshore": None}) == {}
    assert normalize_profile(None) == {}


def test_values_are_normalized():
    profile = normalize_profile({"offshore": "是", "service_types": ["ito", "BPO", "ito"], "employees": "350"})
    assert profile == {"offshore": True, "service_types": ["ITO", "BPO"], "employees": 350}


@pytest.mark.parametrize("raw, fragment", [
    ({"offshore": "maybe"}, "offshore"),
    ({"service_types": ["XPO"]}, "XPO"),
    ({"fields": "cooking"}, "cooking"),
    ({"employees": -3}, "负数"),
    ({"employees": "many"}, "employees"),
    ({"city": 42}, "city"),
    ({"colour": "red"}, "未知字段：colour"),
])
def test_bad_values_raise_clear_errors(raw, fragment):
    with pytest.raises(ProfileError, match=fragment):
        normalize_profile(raw)


def test_profile_must_be_an_object():
    with pytest.raises(ProfileError, match="JSON 对象"):
        normalize_profile(["city", "杭州"])
