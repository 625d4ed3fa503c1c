"""中小企业 from the head count, by the national size standard (policies_db/evaluation/sme_standard.yml). Pure."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional

import yaml

STANDARD_FILE = Path(__file__).with_name("sme_standard.yml")


@functools.lru_cache(maxsize=1)
def standard() -> dict:
    return yaml.safe_load(STANDARD_FILE.read_text(encoding="utf-8"))


def sme_by_size(employees: Optional[int]) -> Optional[bool]:
    """True below the head-count line, False (presumed) at or above it, None without a head count."""
    if employees is None or employees <= 0:
        return None
    return employees < int(standard()["employees_below"])
