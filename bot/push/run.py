"""The bureau's side: compare a catalogue directory with what every subscriber was last evaluated against,
preview the notifications (dry run), or record them in the outbox and send them."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, update

import policies_db
from policies_db import CompiledCatalogue, ProfileError, load_catalogue

from . import db, store
from .deliver import deliver
from .diff import Changes, compare, snapshot
from .text import notification_text


def catalogue_digest(directory: Path) -> str:
    """Same recipe as the policy database's build digest: sha256 over *.yml names and bytes."""
    h = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.yml")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@dataclass
class Planned:
    subscription: store.Subscription
    changes: Changes
    snapshot: dict
    text: str

    def to_dict(self) -> dict:
        new, changed = self.changes.ids()
        return {"recipient": self.subscription.address, "channel": self.subscription.channel,
                "new": new, "changed": changed, "text": self.text}


def plan(directory: Path, url: str | None = None, as_of: dt.date | None = None) -> tuple[str, list[Planned], list[str]]:
    """Every active subscriber re-evaluated against the catalogue in `directory` (validated first)."""
    compiled = CompiledCatalogue(load_catalogue(Path(directory)))  # CatalogueError: the officer's file is wrong
    digest = catalogue_digest(directory)
    planned, problems = [], []
    for sub in store.all_active(url):
        try:
            ev = policies_db.evaluate(sub.profile, as_of or dt.date.today(), catalogue=compiled)
        except ProfileError as exc:  # a profile stored under an older contract
            problems.append(f"订阅 {sub.id}：企业信息无法读取（{exc}）")
            continue
        changes = compare(sub.snapshot or {}, ev)
        text = notification_text(changes.new, changes.changed, sub.token, sub.channel) if changes else ""
        planned.append(Planned(sub, changes, snapshot(ev), text))
    return digest, planned, problems


def waiting(url: str | None = None) -> dict[str, int]:
    n = db.notifications
    with db.engine(url).connect() as conn:
        rows = conn.execute(select(n.c.status, func.count()).where(n.c.status != "sent").group_by(n.c.status)).all()
    return {status: count for status, count in rows}


def summary(digest: str, planned: list[Planned], problems: list[str], url: str | None) -> dict:
    notify = [p for p in planned if p.changes]
    return {"catalogue_digest": digest[:12], "subscribers": len(planned) + len(problems),
            "to_notify": len(notify), "unchanged": len(planned) - len(notify),
            "new": sum(len(p.changes.new) for p in notify), "changed": sum(len(p.changes.changed) for p in notify),
            "dropped_not_announced": sum(len(p.changes.dropped) for p in planned),
            "waiting": waiting(url), "problems": problems}


def preview(directory: Path, url: str | None = None, as_of: dt.date | None = None) -> dict:
    digest, planned, problems = plan(directory, url, as_of)
    return {"dry_run": True, "notifications": [p.to_dict() for p in planned if p.changes],
            "summary": summary(digest, planned, problems, url)}


def record(digest: str, planned: list[Planned], url: str | None = None) -> None:
    """Outbox rows and new snapshots, per subscriber in one transaction: a second run finds nothing new."""
    n, s = db.notifications, db.subscriptions
    engine = db.engine(url)
    for p in planned:
        with engine.begin() as conn:
            if p.changes:
                exists = conn.execute(select(n.c.id).where(n.c.subscription_id == p.subscription.id,
                                                           n.c.catalogue_digest == digest)).first()
                if not exists:
                    new, changed = p.changes.ids()
                    conn.execute(n.insert().values(subscription_id=p.subscription.id, catalogue_digest=digest,
                                                   new=new, changed=changed, text=p.text, status="pending",
                                                   attempts=0, created_at=db.now()))
            conn.execute(update(s).where(s.c.id == p.subscription.id)
                         .values(snapshot=p.snapshot, evaluated_digest=digest))


async def send(directory: Path, adapters: dict, url: str | None = None, as_of: dt.date | None = None,
               **deliver_options) -> dict:
    expired = store.purge_expired(url)
    digest, planned, problems = plan(directory, url, as_of)
    record(digest, planned, url)
    outcomes = await deliver(adapters, url, **deliver_options)
    result = {"dry_run": False, "notifications": [p.to_dict() for p in planned if p.changes],
              "deliveries": outcomes, "summary": summary(digest, planned, problems, url)}
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o["outcome"]] = counts.get(o["outcome"], 0) + 1
    result["summary"].update(delivered=counts, expired_removed=expired)
    return result
