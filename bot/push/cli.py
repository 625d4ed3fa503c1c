"""python -m bot.push — preview or send the notifications a catalogue change brings to subscribers.

    python -m bot.push --catalogue DIR --dry-run --json   who would be told what (nothing is written)
    python -m bot.push --catalogue DIR                     record and send; retries what is still waiting
    python -m bot.push migrate                             create or upgrade the push tables
    python -m bot.push wecom-menu                          put 订阅新政策 / 退订提醒 in the WeCom app's menu

PUSH_DB_URL selects the database (default sqlite:///build/push.db); see docs/publishing.md.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from pathlib import Path

from policies_db import CatalogueError
from policies_db.authoring.loader import CATALOGUE_DIR

from . import db
from .adapters import default_adapters, wecom_client
from .migrations import LATEST, migrate
from .run import preview, send

# The app's menu. A click reaches the WeCom channel as an event whose key it reads as the firm's message
# (bot/channels/wecom/channel.py), so each key is an intent payload. WeCom: names up to 16 bytes, 1–3 items.
MENU = [{"type": "click", "name": "订阅新政策", "key": "/subscribe_push"},
        {"type": "click", "name": "退订提醒", "key": "/unsubscribe_push"}]


def _print_text(result: dict) -> None:
    s = result["summary"]
    verb = "将通知" if result["dry_run"] else "已记录并发送"
    print(f"订阅企业 {s['subscribers']} 家；{verb} {s['to_notify']} 家（新适用 {s['new']} 项次，内容有更新 "
          f"{s['changed']} 项次）；不再适用 {s['dropped_not_announced']} 项次（不通知）。")
    for n in result["notifications"]:
        print(f"\n→ {n['channel']} {n['recipient']}  新：{', '.join(n['new']) or '—'}  更新：{', '.join(n['changed']) or '—'}")
        print("  " + n["text"].replace("\n", "\n  "))
    if "delivered" in s:
        print(f"\n投递结果：{s['delivered'] or '无'}")
    if s["waiting"]:
        print(f"待发送：{s['waiting']}（下次运行时重试；微信客服的提醒在企业下次发消息时发送）")
    for p in s["problems"]:
        print(f"问题：{p}")


async def _menu() -> int:
    import os

    import aiohttp

    from bot.channels.wecom.api import WeComAPIError  # loaded here: the other commands start without it

    client, agent = wecom_client(), os.environ.get("WECOM_AGENT_ID")
    if client is None or not (agent or "").isdigit():
        print("企业微信未配置：请设置 WECOM_CORP_ID、WECOM_SECRET 和 WECOM_AGENT_ID（应用的 AgentId，数字）。", file=sys.stderr)
        return 1
    try:
        await client.create_menu(agent, MENU)
    except (WeComAPIError, aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
        print(f"设置企业微信应用菜单失败：{exc}\n请检查上述配置，以及该应用是否已设置接收消息的回调地址。", file=sys.stderr)
        return 1
    finally:
        await client.close()
    print("已设置企业微信应用菜单：" + "、".join(b["name"] for b in MENU))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.push", description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="run", choices=["run", "migrate", "wecom-menu"])
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE_DIR, help="catalogue directory (*.yml)")
    parser.add_argument("--dry-run", action="store_true", help="show who would be notified; send and write nothing")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--db", help="push database URL (default PUSH_DB_URL or sqlite:///build/push.db)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, help="evaluate as of YYYY-MM-DD (default today)")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        print(f"push schema version {migrate(db.engine(args.db))} (latest {LATEST})")
        return 0
    if args.command == "wecom-menu":
        return asyncio.run(_menu())
    try:
        if args.dry_run:
            result = preview(args.catalogue, args.db, args.as_of)
        else:
            result = asyncio.run(_send(args))
    except CatalogueError as exc:
        print(f"{exc}\n请先修正政策文件并运行 python -m policies_db check。", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_text(result)
    return 0


async def _send(args) -> dict:
    adapters = default_adapters()
    try:
        return await send(args.catalogue, adapters, args.db, args.as_of)
    finally:
        client = adapters["wecom_app"].client
        if client is not None:
            await client.close()
