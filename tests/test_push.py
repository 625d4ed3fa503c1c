"""精准推送, the bureau's side: a catalogue change reaches exactly the firms it fits, once, through real
delivery (a local SMTP server, the WeCom stub), audited; nothing undelivered is lost. SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect, select, update

import policies_db
from bot.channels.wecom.api import WeComClient
from bot.push import db, kf, store
from bot.push.adapters import Email, Sms, WeComApp, WeComKf
from bot.push.deliver import RateLimiter
from bot.push.diff import snapshot
from bot.push.migrations import LATEST, migrate
from bot.push.run import preview, send
from bot.push.text import MAX_BYTES, notification_text
from policies_db import CompiledCatalogue, load_catalogue
from policies_db.authoring.loader import CATALOGUE_DIR
from tests.conftest import WECOM
from tests.smtp import LocalSMTP

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2024, 6, 30)  # inside the Zhejiang plan's period (2023–2025)
FIRM_A = {"city": "杭州", "offshore": True, "service_types": ["ITO"], "fields": ["software_it"]}
FIRM_B = {"city": "武汉", "service_types": ["KPO"], "fields": ["pharma_rd"]}
A_MAIL, B_WECOM = "firm-a@example.com", "firmb"
NEW_ID = "zj-push-test-offshore"
NEW_TITLE = "离岸服务外包专项支持（测试新增）"
ZJ = "zhejiang-2023-59.yml"


# ---- fixtures ---------------------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    target = f"sqlite:///{tmp_path / 'push.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    yield target
    db.dispose(target)


@pytest.fixture()
def smtp():
    server = LocalSMTP().start()
    yield server
    server.stop()


def catalogue_version(tmp_path: Path, name: str, edit=None) -> Path:
    """A copy of the real catalogue, as a policy officer would change it."""
    target = tmp_path / name
    target.mkdir()
    for path in CATALOGUE_DIR.glob("*.yml"):
        shutil.copy(path, target / path.name)
    if edit:
        data = yaml.safe_load((target / ZJ).read_text(encoding="utf-8"))
        edit(data)
        (target / ZJ).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def add_offshore_measure(data: dict) -> None:
    measure = dict(data["measures"][0])
    measure.update(id=NEW_ID, title=NEW_TITLE, benefit="对承接离岸服务外包业务的企业给予专项支持（测试用措施）。",
                   criteria={"all": [{"field": "offshore", "op": "eq", "value": True, "text": "承接离岸服务外包业务"}]},
                   conditions_to_confirm=[], extra_benefits=[], keywords=[])
    data["measures"].append(measure)


def subscribe(url: str, directory: Path, profile: dict, channel: str, address: str) -> store.Subscription:
    """What the subscribe action stores: the profile and its evaluation against the live catalogue."""
    ev = policies_db.evaluate(profile, AS_OF, catalogue=CompiledCatalogue(load_catalogue(directory)))
    return store.subscribe(f"web-{address}", channel, address, profile, snapshot(ev), "（告知内容）", url=url)


def adapters(client: WeComClient, smtp: LocalSMTP) -> dict:
    return {"email": Email(smtp.env()), "wecom_app": WeComApp(client, WECOM["WECOM_AGENT_ID"]),
            "wecom_kf": WeComKf(client), "sms": Sms()}


def run_send(url, directory, smtp, stub) -> dict:
    async def go():
        client = WeComClient(WECOM["WECOM_CORP_ID"], "test-secret", stub.base)
        try:
            return await send(directory, adapters(client, smtp), url, AS_OF, backoff=0.01)
        finally:
            await client.close()
    return asyncio.run(go())


def audit_rows(url: str) -> list[dict]:
    with db.engine(url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(db.audit).order_by(db.audit.c.id))]


def wecom_sent_to(stub, user: str, path: str = "message/send") -> list[dict]:
    return stub.sent(path, user)


# ---- schema ------------------------------------------------------------------------------------------

def test_migrations_create_the_declared_schema_once(url):
    engine = db.engine(url)
    assert migrate(engine) == LATEST  # a second run changes nothing
    with engine.connect() as conn:
        versions = conn.execute(select(db.schema_version.c.version)).scalars().all()
        inspector = inspect(conn)
        for table in (db.subscriptions, db.notifications, db.audit):
            assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.c.keys()), table.name
    assert versions == list(range(1, LATEST + 1))


# ---- the scenarios -----------------------------------------------------------------------------

def test_a_new_measure_reaches_the_firm_it_fits_once_and_is_audited(url, tmp_path, smtp, wecom_stub):
    v1 = catalogue_version(tmp_path, "v1")
    v2 = catalogue_version(tmp_path, "v2", add_offshore_measure)
    subscribe(url, v1, FIRM_A, "email", A_MAIL)
    subscribe(url, v1, FIRM_B, "wecom_app", B_WECOM)

    plan = preview(v2, url, AS_OF)
    assert [(n["recipient"], n["channel"], n["new"], n["changed"]) for n in plan["notifications"]] == \
        [(A_MAIL, "email", [NEW_ID], [])]
    text = plan["notifications"][0]["text"]
    assert NEW_TITLE in text and "专项支持" in text and "浙江省商务厅" in text and "杭州市商务局" in text
    assert "/webhooks/push/results/" in text and "/webhooks/push/unsubscribe/" in text
    assert len(text.encode()) <= MAX_BYTES
    assert plan["summary"]["subscribers"] == 2 and plan["summary"]["to_notify"] == 1
    assert smtp.to(A_MAIL) == [] and audit_rows(url) == []  # a dry run sends and writes nothing

    before_b = len(wecom_sent_to(wecom_stub, B_WECOM))
    result = run_send(url, v2, smtp, wecom_stub)
    assert result["summary"]["delivered"] == {"sent": 1}
    mail = smtp.wait_for(A_MAIL)[0]
    assert NEW_TITLE in mail.get_content() and mail["List-Unsubscribe"].startswith("<http")
    assert len(wecom_sent_to(wecom_stub, B_WECOM)) == before_b  # firm B: nothing
    rows = audit_rows(url)
    assert [(r["recipient"], r["channel"], r["measures"], r["outcome"]) for r in rows] == \
        [(A_MAIL, "email", [NEW_ID], "sent")]

    again = run_send(url, v2, smtp, wecom_stub)  # the same catalogue once more: nobody twice
    assert again["notifications"] == [] and again["deliveries"] == []
    assert len(smtp.to(A_MAIL)) == 1 and len(audit_rows(url)) == 1
    assert preview(v2, url, AS_OF)["notifications"] == []


def add_wuhan_document(directory: Path) -> None:
    """A new policy file, written the way the existing ones are (a document block and its measures)."""
    wuhan = yaml.safe_load((directory / "wuhan-2021.yml").read_text(encoding="utf-8"))
    document = {**wuhan["document"], "id": "wuhan-push-test", "title": "武汉市医药研发外包专项措施（测试）"}
    measure = {**wuhan["measures"][0], "id": "wh-push-test-pharma", "title": "医药研发外包专项支持（测试新增）",
               "criteria": {"all": [{"field": "fields", "op": "has", "value": "pharma_rd", "text": "从事医药研发外包"}]},
               "conditions_to_confirm": [], "extra_benefits": [], "keywords": []}
    (directory / "wuhan-push-test.yml").write_text(
        yaml.safe_dump({"document": document, "measures": [measure]}, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_new_policy_file_reaches_the_firm_it_fits_through_wecom(url, tmp_path, smtp, wecom_stub):
    v1 = catalogue_version(tmp_path, "v1")
    v2 = catalogue_version(tmp_path, "v2")
    add_wuhan_document(v2)
    user = f"firmb-{time.monotonic_ns()}"
    subscribe(url, v1, FIRM_A, "email", A_MAIL)
    subscribe(url, v1, FIRM_B, "wecom_app", user)
    plan = preview(v2, url, AS_OF)
    assert [(n["recipient"], n["new"]) for n in plan["notifications"]] == [(user, ["wh-push-test-pharma"])]
    assert [d["outcome"] for d in run_send(url, v2, smtp, wecom_stub)["deliveries"]] == ["sent"]
    [call] = wecom_sent_to(wecom_stub, user)
    assert "医药研发外包专项支持（测试新增）" in call["text"]["content"] and smtp.to(A_MAIL) == []
    assert [(r["recipient"], r["channel"], r["outcome"]) for r in audit_rows(url)] == [(user, "wecom_app", "sent")]
    assert run_send(url, v2, smtp, wecom_stub)["deliveries"] == []


def test_a_changed_condition_that_drops_a_measure_announces_nothing(url, tmp_path, smtp, wecom_stub):
    v1 = catalogue_version(tmp_path, "v1")
    ev = policies_db.evaluate(FIRM_A, AS_OF, catalogue=CompiledCatalogue(load_catalogue(v1)))
    dropped = next(r.id for r in ev.eligible if r.id.startswith("zj-"))

    def exclude_offshore(data):
        for m in data["measures"]:
            if m["id"] == dropped:
                m["criteria"] = {"all": [m["criteria"], {"field": "offshore", "op": "eq", "value": False,
                                                         "text": "不承接离岸服务外包业务"}]}
    v2 = catalogue_version(tmp_path, "v2", exclude_offshore)
    subscribe(url, v1, FIRM_A, "email", A_MAIL)
    plan = preview(v2, url, AS_OF)
    assert plan["notifications"] == [] and plan["summary"]["dropped_not_announced"] == 1
    sent_before = len(smtp.to(A_MAIL))
    assert run_send(url, v2, smtp, wecom_stub)["deliveries"] == []
    assert len(smtp.to(A_MAIL)) == sent_before


def test_a_changed_measure_is_announced_to_the_firm_that_had_it(url, tmp_path, smtp, wecom_stub):
    v1 = catalogue_version(tmp_path, "v1")
    ev = policies_db.evaluate(FIRM_A, AS_OF, catalogue=CompiledCatalogue(load_catalogue(v1)))
    had = next(r.id for r in ev.eligible if r.id.startswith("zj-"))

    def new_benefit(data):
        for m in data["measures"]:
            if m["id"] == had:
                m["benefit"] = m["benefit"] + "（测试：内容更新）"
    subscribe(url, v1, FIRM_A, "email", A_MAIL)
    subscribe(url, v1, FIRM_B, "wecom_app", B_WECOM)
    plan = preview(catalogue_version(tmp_path, "v2", new_benefit), url, AS_OF)
    assert [(n["recipient"], n["new"], n["changed"]) for n in plan["notifications"]] == [(A_MAIL, [], [had])]
    assert "内容有更新" in plan["notifications"][0]["text"]


def test_a_failed_delivery_stays_pending_and_goes_out_on_the_next_run(url, tmp_path, smtp, wecom_stub):
    v1, v2 = catalogue_version(tmp_path, "v1"), catalogue_version(tmp_path, "v2", add_offshore_measure)
    address = "busy@example.com"
    subscribe(url, v1, FIRM_A, "email", address)
    smtp.busy.add(address)  # 451: a transient refusal, retried within the run, then kept
    try:
        first = run_send(url, v2, smtp, wecom_stub)
    finally:
        smtp.busy.discard(address)
    assert [d["outcome"] for d in first["deliveries"]] == ["failed"]
    assert [r["outcome"] for r in audit_rows(url)] == ["retry", "retry", "failed"]
    assert first["summary"]["waiting"] == {"pending": 1}
    second = run_send(url, v2, smtp, wecom_stub)  # nothing new to record, the pending one goes out
    assert second["notifications"] == [] and [d["outcome"] for d in second["deliveries"]] == ["sent"]
    assert NEW_TITLE in smtp.wait_for(address)[0].get_content()
    assert run_send(url, v2, smtp, wecom_stub)["deliveries"] == []


def test_wecom_app_delivery_through_the_api(url, tmp_path, smtp, wecom_stub):
    v1, v2 = catalogue_version(tmp_path, "v1"), catalogue_version(tmp_path, "v2", add_offshore_measure)
    user = f"firma-{time.monotonic_ns()}"
    subscribe(url, v1, FIRM_A, "wecom_app", user)
    assert [d["outcome"] for d in run_send(url, v2, smtp, wecom_stub)["deliveries"]] == ["sent"]
    [call] = wecom_sent_to(wecom_stub, user)
    assert call["msgtype"] == "text" and call["agentid"] == int(WECOM["WECOM_AGENT_ID"])
    assert NEW_TITLE in call["text"]["content"] and "回复“退订”" in call["text"]["content"]


def test_the_kf_window_is_respected_and_held_notifications_go_out_when_the_firm_writes(url, tmp_path, smtp, wecom_stub, monkeypatch):
    v1, v2 = catalogue_version(tmp_path, "v1"), catalogue_version(tmp_path, "v2", add_offshore_measure)
    user = f"wm-kf-{time.monotonic_ns()}"
    sub = subscribe(url, v1, FIRM_A, "wecom_kf", user)
    with db.engine(url).begin() as conn:  # the firm last wrote 49 hours ago
        conn.execute(update(db.subscriptions).where(db.subscriptions.c.id == sub.id).values(
            open_kfid="wk-test", kf_last_inbound_at=db.now() - dt.timedelta(hours=49)))
    first = run_send(url, v2, smtp, wecom_stub)
    assert [d["outcome"] for d in first["deliveries"]] == ["held"]
    assert wecom_sent_to(wecom_stub, user, "kf/send_msg") == []
    assert run_send(url, v2, smtp, wecom_stub)["deliveries"] == [{**first["deliveries"][0]}]  # still held, not lost
    assert wecom_sent_to(wecom_stub, user, "kf/send_msg") == []

    # The firm writes: the window opens; the assistant answers with 5 messages — the window is used up.
    monkeypatch.setenv("PUSH_DB_URL", url)

    async def firm_writes(replies: int):
        client = WeComClient(WECOM["WECOM_CORP_ID"], "test-secret", wecom_stub.base)
        try:
            await kf.firm_wrote(user, "wk-test")
            await kf.replied(client, user, replies)
        finally:
            await client.close()
    asyncio.run(firm_writes(5))
    assert wecom_sent_to(wecom_stub, user, "kf/send_msg") == []
    asyncio.run(firm_writes(2))  # a short answer leaves room: the held notification follows it
    [call] = wecom_sent_to(wecom_stub, user, "kf/send_msg")
    assert call["open_kfid"] == "wk-test" and NEW_TITLE in call["text"]["content"]
    outcomes = [r["outcome"] for r in audit_rows(url)]
    assert outcomes.count("held") == 3 and outcomes[-1] == "sent"
    assert run_send(url, v2, smtp, wecom_stub)["deliveries"] == []


def test_sms_refuses_clearly_and_keeps_the_notification(url, tmp_path, smtp, wecom_stub):
    v1, v2 = catalogue_version(tmp_path, "v1"), catalogue_version(tmp_path, "v2", add_offshore_measure)
    subscribe(url, v1, FIRM_A, "sms", "13800000000")
    [delivery] = run_send(url, v2, smtp, wecom_stub)["deliveries"]
    assert delivery["outcome"] == "refused" and "短信通道未配置" in delivery["detail"]
    assert preview(v2, url, AS_OF)["summary"]["waiting"] == {"pending": 1}


def test_unsubscribing_deletes_the_profile_and_the_address(url, tmp_path, smtp, wecom_stub):
    v1, v2 = catalogue_version(tmp_path, "v1"), catalogue_version(tmp_path, "v2", add_offshore_measure)
    sub = subscribe(url, v1, FIRM_A, "email", A_MAIL)
    run_send(url, v2, smtp, wecom_stub)
    assert store.unsubscribe_token(sub.token, url) is True
    with db.engine(url).connect() as conn:
        assert conn.execute(select(db.subscriptions)).all() == []
        assert conn.execute(select(db.notifications)).all() == []
        recipients = conn.execute(select(db.audit.c.recipient)).scalars().all()
    assert recipients and all(A_MAIL not in r for r in recipients)
    assert store.unsubscribe_token(sub.token, url) is False
    assert preview(v2, url, AS_OF)["summary"]["subscribers"] == 0


def test_expired_subscriptions_are_removed(url, tmp_path, smtp, wecom_stub):
    v1 = catalogue_version(tmp_path, "v1")
    sub = subscribe(url, v1, FIRM_A, "email", A_MAIL)
    assert (sub.expires_at - sub.created_at).days in range(365, 367)  # 12 months by default
    with db.engine(url).begin() as conn:
        conn.execute(update(db.subscriptions).values(expires_at=db.now() - dt.timedelta(days=1)))
    assert run_send(url, v1, smtp, wecom_stub)["summary"]["expired_removed"] == 1
    assert store.get(sub.token, url) is None


# ---- pieces ------------------------------------------------------------------------------------------

def test_text_stays_within_wecom_limit_with_many_measures(compiled):
    ev = policies_db.evaluate({"city": "杭州", "service_types": ["ITO", "BPO", "KPO"], "offshore": True,
                               "foreign_invested": True, "hires_foreign_talent": True}, AS_OF, catalogue=compiled)
    many = ev.eligible + ev.undetermined
    assert len(many) > 10
    text = notification_text(many, [], "tok", "email")
    assert len(text.encode()) <= MAX_BYTES and "另有" in text and "/webhooks/push/unsubscribe/tok" in text


def test_rate_limiter_spaces_sends_and_caps_one_recipient():
    async def go():
        limiter = RateLimiter(per_second=20, per_recipient_per_minute=3)
        started = time.monotonic()
        for i in range(5):
            await limiter.acquire(f"user{i}")
        spread = time.monotonic() - started
        for _ in range(3):
            await limiter.acquire("same")
        blocked = asyncio.create_task(limiter.acquire("same"))
        await asyncio.sleep(0.3)
        return spread, blocked.done(), blocked
    spread, done, blocked = asyncio.run(_cancel_after(go()))
    assert spread >= 0.19  # 5 sends at 20/s
    assert not done  # the fourth message to one recipient within a minute waits


async def _cancel_after(coroutine):
    spread, done, blocked = await coroutine
    blocked.cancel()
    return spread, done, blocked


def test_cli_dry_run_prints_the_preview_json(tmp_path):
    url = f"sqlite:///{tmp_path / 'push.db'}"
    v1, v2 = catalogue_version(tmp_path, "v1"), catalogue_version(tmp_path, "v2", add_offshore_measure)
    subscribe(url, v1, FIRM_A, "email", A_MAIL)
    db.dispose(url)
    out = subprocess.run([sys.executable, "-m", "bot.push", "--catalogue", str(v2), "--dry-run", "--json",
                          "--db", url, "--as-of", AS_OF.isoformat()], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"notifications", "summary"}
    [n] = data["notifications"]
    assert set(n) >= {"recipient", "channel", "new", "changed", "text"} and n["new"] == [NEW_ID]


def test_cli_rejects_a_broken_catalogue(tmp_path):
    broken = catalogue_version(tmp_path, "bad")
    (broken / "extra.yml").write_text("document: {}\nmeasures: []\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "bot.push", "--catalogue", str(broken), "--dry-run",
                          "--db", f"sqlite:///{tmp_path / 'p.db'}"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "extra.yml" in out.stderr


def test_cli_sends_on_postgresql_as_in_the_cluster(pg_url, tmp_path, smtp):
    """The officer's command against PostgreSQL (the cluster's database): send, audit, and nothing twice."""
    v1, v2 = catalogue_version(tmp_path, "v1"), catalogue_version(tmp_path, "v2", add_offshore_measure)
    subscribe(pg_url, v1, FIRM_A, "email", A_MAIL)
    subscribe(pg_url, v1, FIRM_B, "email", "firm-b@example.com")
    db.dispose(pg_url)
    env = {**os.environ, "PUSH_DB_URL": pg_url, **smtp.env()}
    command = [sys.executable, "-m", "bot.push", "--catalogue", str(v2), "--as-of", AS_OF.isoformat(), "--json"]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["summary"]["delivered"] == {"sent": 1}
    assert NEW_TITLE in smtp.wait_for(A_MAIL)[0].get_content() and smtp.to("firm-b@example.com") == []
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert json.loads(second.stdout)["deliveries"] == [] and len(smtp.to(A_MAIL)) == 1
    assert [(r["recipient"], r["outcome"]) for r in audit_rows(pg_url)] == [(A_MAIL, "sent")]


def test_the_cluster_shares_one_push_database():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import cluster
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    env = cluster.env()
    assert env["PUSH_DB_URL"] == env["POLICIES_DB_URL"] and env["PUSH_DB_URL"].startswith("postgresql+psycopg2://")


def test_cli_wecom_menu_creates_the_subscribe_item(wecom_stub):
    """`python -m bot.push wecom-menu` against the WeCom stub: menu/create for the app's agent id, with the
    订阅新政策 item whose key the WeCom channel reads as the subscribe request."""
    agent = str(time.monotonic_ns() % 10**9)  # this test's own app: the stub is shared by the session
    env = {**os.environ, **WECOM, "WECOM_AGENT_ID": agent, "WECOM_API_BASE": wecom_stub.base}
    out = subprocess.run([sys.executable, "-m", "bot.push", "wecom-menu"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "订阅新政策" in out.stdout
    [menu] = [m for m in wecom_stub.sent("menu/create") if m["agentid"] == int(agent)]
    assert {"type": "click", "name": "订阅新政策", "key": "/subscribe_push"} in menu["button"]
    assert {"type": "click", "name": "退订提醒", "key": "/unsubscribe_push"} in menu["button"]
    domain = yaml.safe_load((ROOT / "domain" / "push.yml").read_text(encoding="utf-8"))
    assert {"subscribe_push", "unsubscribe_push"} <= set(domain["intents"])  # the keys are intent payloads

    refused = subprocess.run([sys.executable, "-m", "bot.push", "wecom-menu"], cwd=ROOT, capture_output=True, text=True,
                             env={**env, "WECOM_SECRET": "wrong"}, timeout=120)
    assert refused.returncode == 1 and "设置企业微信应用菜单失败" in refused.stderr and "40001" in refused.stderr
    unset = subprocess.run([sys.executable, "-m", "bot.push", "wecom-menu"], cwd=ROOT, capture_output=True, text=True,
                           env={**env, "WECOM_AGENT_ID": ""}, timeout=120)
    assert unset.returncode == 1 and "WECOM_AGENT_ID" in unset.stderr
