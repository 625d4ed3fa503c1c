"""Issue 20: no reply in any evaluation conversation invents a phone number or an amount of money the documents do not
give — the replay (tests/eval/replay.py) checks every turn of every batch with `invented`; this tests the check."""
from __future__ import annotations

import pytest

from tests.eval.replay import invented

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("reply, found", [
    ("可向杭州市商务局咨询，电话0571-87654321", ["0571-87654321"]),
    ("请拨打13912345678咨询", ["13912345678"]),
    ("每家企业补贴50万元", ["50万元"]),
    ("发展目标：服务外包执行额1500亿元", []),  # the Zhejiang plan's own figure
    ("报告：https://policy.example.gov.cn/report/Ab13912345678x ，链接有效期至2027年1月7日", []),  # a link's token
    ("补贴金额，政策原文未规定，请以部门通知为准", []),
    ("从业人员300人及以上的企业一般不属于中小企业（软件和信息技术服务业营业收入1亿元以下的除外）", []),  # the standard's
    ("请留下手机号、带区号的座机号或微信号，例如 13812345678、0571-88886666。", []),  # the format asked for
])
def test_invented_figures_are_found(reply, found):
    assert invented(reply) == found
