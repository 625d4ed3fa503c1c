"""When a turn fails halfway (e.g. the action server is down), the firm gets an apology, not silence."""
from __future__ import annotations

import logging
from typing import Any, Optional

logger = logging.getLogger(__name__)

APOLOGY = ("抱歉，系统暂时无法完成这次查询，您刚才的信息已经记下。请稍后再发一次；"
           "如需人工帮助，请联系所在地商务主管部门的咨询热线。")


async def turn_failed(app: Any, sender_id: Optional[str]) -> bool:
    """A completed turn ends with the assistant listening; anything else means an action failed."""
    if not sender_id or app is None:
        return False
    try:
        tracker = await app.ctx.agent.tracker_store.retrieve(sender_id)
    except Exception:  # noqa: BLE001 - the tracker store itself is down: that is a failure too
        logger.exception("cannot read tracker of %s", sender_id)
        return True
    return tracker is not None and tracker.latest_action_name not in (None, "action_listen")
