"""中小企业 from the head count by the national size standard (policies_db/evaluation/sme.py, sme_standard.yml). Pure."""
from __future__ import annotations

import pytest

from policies_db.evaluation.sme import sme_by_size, standard


def test_the_standard_is_named_with_its_number():
    assert "工信部联企业〔2011〕300号" in standard()["standard"]
    assert standard()["employees_below"] == 300


@pytest.mark.parametrize("employees, sme", [(8, True), (25, True), (299, True), (300, False), (8000, False),
                                            (None, None), (0, None)])
def test_the_head_count_line(employees, sme):
    assert sme_by_size(employees) is sme
