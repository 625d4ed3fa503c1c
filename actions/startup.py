"""Refuse to start on a policy database that is unreachable, unbuilt or out of date with the catalogue:
wrong results are worse than none."""
from __future__ import annotations

import sys

from policies_db import DatabaseError, built_digest, catalogue_digest, database_url

from .context import catalogue


def check_policy_database() -> None:
    url = database_url()
    try:
        compiled = catalogue()
        digest = built_digest(url)
    except DatabaseError as exc:
        sys.exit(f"自定义动作拒绝启动：{exc}")
    except Exception as exc:  # noqa: BLE001 - e.g. the database server is down
        sys.exit(f"自定义动作拒绝启动：无法读取政策数据库（{exc.__class__.__name__}: {exc}）")
    if digest != catalogue_digest():
        sys.exit("自定义动作拒绝启动：政策数据库与 policies_db/catalogue 不一致（目录已修改但未重新构建）。"
                 "请先运行 python -m policies_db build")
    if not compiled.measures:
        sys.exit("自定义动作拒绝启动：政策数据库中没有任何措施")
