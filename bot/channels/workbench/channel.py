"""The policy officer's workbench (政策录入工作台), served by the Rasa server behind its own token (docs/publishing.md).

    GET  /webhooks/workbench/                          the page (it asks for the officer's token and name)
    GET  /webhooks/workbench/api/choices               profile facts, operators, categories, kinds for the edit form
    GET  /webhooks/workbench/api/drafts                the officer's documents
    POST /webhooks/workbench/api/drafts                {"text", "name"?} → a new document drafted from its text
    GET  /webhooks/workbench/api/drafts/ID             the document: facts, sentences with drafts and decisions, progress
    POST /webhooks/workbench/api/drafts/ID/document    {"fields": {...}} → document facts (id, id_prefix, title…)
    POST /webhooks/workbench/api/drafts/ID/sentences/N {"decision": accept|edit|not_encoded|undo, "measure"?, "reason"?}
    POST /webhooks/workbench/api/drafts/ID/reasons     the drafter's reasons accepted for every sentence left undecided
    POST /webhooks/workbench/api/drafts/ID/explain     {"sentence", "reason"}: a sentence the draft did not isolate
    POST /webhooks/workbench/api/drafts/ID/try         {"profile"} → this document's measures for that firm
    POST /webhooks/workbench/api/drafts/ID/cases       {"name", "profile", "expect"}: a case kept with the document
    GET  /webhooks/workbench/api/drafts/ID/check       `policies_db check` on what would be published
    GET  /webhooks/workbench/api/drafts/ID/preview     the subscribers who would be notified (nothing is sent)
    POST /webhooks/workbench/api/drafts/ID/publish     files written, policy database rebuilt; servers reload it

Every /api/ call needs `Authorization: Bearer $OFFICER_TOKEN` (the policy officer's role; the hotline's
CONSOLE_TOKEN does not open it). Without OFFICER_TOKEN the API answers 503.
"""
from __future__ import annotations

import asyncio
import logging
import os
import shutil
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

import policies_db
from bot import rasa_patches
from bot.channels.console.auth import console_refusal
from bot.channels.static import SECURITY_HEADERS, serve
from policies_db.authoring.drafting.workspace import Workspace, WorkspaceError, choices, criteria_in_words
from policies_db.authoring.loader import CATALOGUE_DIR, CatalogueError

logger = logging.getLogger(__name__)
FILES = {"workbench.html", "workbench.js", "workbench.css", "staff.css"}
MAX_BODY = 1_000_000


def _json(data: Any, status: int = 200):
    return response.json(data, status=status, ensure_ascii=False,
                         headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})


def _body(request: Request) -> dict:
    if len(request.body or b"") > MAX_BODY:
        raise WorkspaceError("提交的内容过大（上限 1 MB）")
    try:
        data = request.json
    except Exception:  # noqa: BLE001 - sanic raises its own InvalidUsage for bad JSON
        raise WorkspaceError("请求体应为 JSON") from None
    if not isinstance(data, dict):
        raise WorkspaceError("请求体应为 JSON 对象")
    return data


def view(ws: Workspace) -> dict:
    """The document as the page shows it: the stored state, the progress and every criteria tree in words."""
    data = {k: v for k, v in ws.data.items() if k != "history"}
    data["progress"] = ws.progress()
    for s in data["sentences"]:
        measure = s["measure"] or (ws.measure_from_draft(s) if s["draft"] else None)
        s["proposed"] = measure
        s["criteria_words"] = criteria_in_words(measure["criteria"]) if measure else []
    return data


class PolicyWorkbenchInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "workbench"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "InputChannel":
        rasa_patches.apply()
        return cls((credentials or {}).get("token") or os.environ.get("OFFICER_TOKEN"))

    def __init__(self, token: Optional[str]) -> None:
        self.token = token or None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("policy_workbench", __name__)
        token = self.token

        def guarded(handler):
            async def wrapped(request: Request, *args, **kwargs):
                if refusal := console_refusal(token, request, variable="OFFICER_TOKEN"):
                    return refusal
                try:
                    return await handler(request, *args, **kwargs)
                except WorkspaceError as exc:
                    return _json({"error": str(exc)}, 400)
                except CatalogueError as exc:
                    return _json({"error": "目录有误", "problems": exc.problems}, 422)
            wrapped.__name__ = handler.__name__
            return wrapped

        @bp.route("/", methods=["GET"])
        async def page(request: Request):
            if not request.path.endswith("/"):
                return response.redirect(request.path + "/")
            return serve("workbench.html", FILES)

        @bp.route("/<name>", methods=["GET"])
        async def asset(request: Request, name: str):
            return serve(name or "workbench.html", FILES)

        @bp.route("/api/choices", methods=["GET"])
        @guarded
        async def api_choices(request: Request):
            return _json(choices())

        @bp.route("/api/drafts", methods=["GET"])
        @guarded
        async def drafts(request: Request):
            return _json({"drafts": await asyncio.to_thread(Workspace.all)})

        @bp.route("/api/drafts", methods=["POST"])
        @guarded
        async def create(request: Request):
            body = _body(request)
            ws = await asyncio.to_thread(Workspace.create, str(body.get("text") or ""), str(body.get("name") or ""))
            return _json(view(ws), 201)

        @bp.route("/api/drafts/<ws_id>", methods=["GET"])
        @guarded
        async def get(request: Request, ws_id: str):
            return _json(view(await asyncio.to_thread(Workspace.load, ws_id)))

        @bp.route("/api/drafts/<ws_id>/document", methods=["POST"])
        @guarded
        async def document(request: Request, ws_id: str):
            ws = Workspace.load(ws_id)
            problems = await asyncio.to_thread(ws.set_document, _body(request).get("fields") or {})
            return _json({"problems": problems, **view(ws)}, 422 if problems else 200)

        @bp.route("/api/drafts/<ws_id>/sentences/<index:int>", methods=["POST"])
        @guarded
        async def decide(request: Request, ws_id: str, index: int):
            body = _body(request)
            ws = Workspace.load(ws_id)
            problems = await asyncio.to_thread(ws.decide, index, str(body.get("decision") or ""), body.get("measure"),
                                               str(body.get("reason") or ""))
            return _json({"problems": problems, **view(ws)}, 422 if problems else 200)

        @bp.route("/api/drafts/<ws_id>/reasons", methods=["POST"])
        @guarded
        async def reasons(request: Request, ws_id: str):
            ws = Workspace.load(ws_id)
            n = await asyncio.to_thread(ws.accept_proposed_reasons)
            return _json({"accepted": n, **view(ws)})

        @bp.route("/api/drafts/<ws_id>/explain", methods=["POST"])
        @guarded
        async def explain(request: Request, ws_id: str):
            body = _body(request)
            ws = Workspace.load(ws_id)
            await asyncio.to_thread(ws.explain, str(body.get("sentence") or ""), str(body.get("reason") or ""))
            return _json(view(ws))

        @bp.route("/api/drafts/<ws_id>/try", methods=["POST"])
        @guarded
        async def try_profile(request: Request, ws_id: str):
            profile = _body(request).get("profile")
            if not isinstance(profile, dict):
                raise WorkspaceError("请填写企业情况（profile）")
            ws = Workspace.load(ws_id)
            return _json(await asyncio.to_thread(ws.try_profile, profile, CATALOGUE_DIR))

        @bp.route("/api/drafts/<ws_id>/cases", methods=["POST"])
        @guarded
        async def cases(request: Request, ws_id: str):
            body = _body(request)
            ws = Workspace.load(ws_id)
            await asyncio.to_thread(ws.add_case, str(body.get("name") or ""), body.get("profile"), body.get("expect"))
            return _json(view(ws), 201)

        @bp.route("/api/drafts/<ws_id>/check", methods=["GET"])
        @guarded
        async def check(request: Request, ws_id: str):
            ws = Workspace.load(ws_id)
            return _json(await asyncio.to_thread(ws.check, CATALOGUE_DIR))

        @bp.route("/api/drafts/<ws_id>/preview", methods=["GET"])
        @guarded
        async def preview(request: Request, ws_id: str):
            ws = Workspace.load(ws_id)
            return _json(await asyncio.to_thread(_preview, ws))

        @bp.route("/api/drafts/<ws_id>/publish", methods=["POST"])
        @guarded
        async def publish(request: Request, ws_id: str):
            ws = Workspace.load(ws_id)
            result = await asyncio.to_thread(ws.publish, CATALOGUE_DIR)
            if result.get("published"):
                result["measures"] = len(ws.measures())
                result["catalogue_measures"] = await asyncio.to_thread(policies_db.build, CATALOGUE_DIR)
                result["reload_seconds"] = policies_db.reload_seconds()
                logger.info("workbench published %s: %s", ws.data["document"].get("id"), result["files"])
            return _json({**result, **view(ws)}, 200 if result.get("published") else 422)

        return bp


def _preview(ws: Workspace) -> dict:
    """Who the push would notify if this document were published (bot/push dry run on a scratch catalogue)."""
    from bot.push.channel import as_of
    from bot.push.run import preview

    root = ws.scratch(CATALOGUE_DIR)
    try:
        return preview(root / "catalogue", None, as_of())
    finally:
        shutil.rmtree(root, ignore_errors=True)
