"""When a turn fails halfway (e.g. the action server is down), the firm gets an apology, not silence.

Rasa logs a failing custom action and carries on, so the channel cannot see the failure in its reply. The
Rasa server records each failed action call here (per conversation, with the time), and a channel asks after
its turn whether one failed since the turn began — no second read of the tracker on the hot path.
The recording hook into Rasa is bot/rasa_patches/action_failures.py.
"""
from __future__ import annotations

import logging
import time
from typing import Optional

logger = logging.getLogger(__name__)

APOLOGY = ("抱歉，系统暂时无法完成这次查询，您刚才的信息已经记下。请稍后再发一次；"
           "如需人工帮助，请联系所在地商务主管部门的咨询热线。")

_failed_at: dict[str, float] = {}  # sender id → monotonic time of its last failed action call
_MAX_ENTRIES = 10_000


def record_failure(sender_id: Optional[str]) -> None:
    if sender_id is None:
        return
    if len(_failed_at) >= _MAX_ENTRIES:  # entries of channels that never ask (socket.io): forget the oldest
        for key in sorted(_failed_at, key=_failed_at.get)[: _MAX_ENTRIES // 2]:
            del _failed_at[key]
    _failed_at[sender_id] = time.monotonic()


def turn_failed(sender_id: Optional[str], since: float) -> bool:
    """Did an action of this conversation fail after `since` (time.monotonic() when the turn began)?"""
    failed = _failed_at.pop(sender_id, None) if sender_id else None
    return failed is not None and failed >= since

