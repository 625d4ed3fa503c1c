"""Run the custom actions inside each Rasa process when the action endpoint's URL is `inprocess:<package>`.

Why: a turn cost about four bare parses, and half of it was the custom actions' HTTP round trips to the action
server: Rasa encodes the whole tracker and the 19 KB domain as JSON for every call (the form's validation runs one
per turn, the after-form actions more), a new aiohttp session posts it, the action server decodes it, runs the
action, encodes the answer, and Rasa decodes that. Under load the single action-server process was also where
turns queued (bench/turn_profile.py: `validate_profile_form` 7 ms alone, 102 ms with six firms at once).
With `ACTION_ENDPOINT_URL=inprocess:actions` (scripts/serve.sh's default) `EndpointConfig.request` of that
endpoint hands the call's payload to rasa_sdk's `ActionExecutor` in this process — no HTTP, no JSON encoding of
the tracker and domain — and every Sanic worker runs the actions itself, so they scale with the workers.
Gain: see bench/README.md (2026-12-06, issue 21) — measured with bench/turn_profile.py and
bench/conversation_bench.py against the HTTP path in the same session.

Behaviour: everything after the request is Rasa's own `RemoteAction.run`, unchanged: the executor's exceptions
become the HTTP errors the action server (rasa_sdk/endpoint.py) answers with — ActionExecutionRejection → 400
with its `action_name` and `error` (Rasa raises its own ActionExecutionRejection and the form's policies predict
something else), ActionNotFoundException → 404, any other error → 500 (Rasa raises "Failed to execute custom
action"; action_failures.py records it so the channel apologises). The reply is validated by Rasa as before
(action_response_validator.py). The reply goes through one JSON encode/decode (a few KB, tens of µs): what Rasa
gets is exactly what the action server would have sent — tuples as lists, no object shared with the actions'
own module state, and a value JSON cannot carry fails the action as the server's 500 did, instead of failing
later when the tracker is saved. The request is not copied: the actions get Rasa's tracker state and domain
dict themselves and must not change them in place (tests/test_rasa_patches.py checks the project's actions).
Differences: the action server's 5-minute request timeout does not apply (a synchronous action cannot be
interrupted in the event loop either way), and an action's CPU time is spent in the Rasa worker that runs the
turn, not in a separate process.

Start-up: the actions package is imported when the Agent is built with such an endpoint (in each Sanic worker,
when it loads the model), so a policy database the actions refuse (actions/startup.py) stops Rasa at start, as it
stopped the action server, not at the first turn. One ActionExecutor per process and package.
An http(s) URL keeps the action server and the HTTP path exactly as before (the cluster, deploy/).
"""
from __future__ import annotations

import importlib
import json
import logging
from typing import Any

logger = logging.getLogger(__name__)

SCHEME = "inprocess:"

_executors: dict[str, Any] = {}  # package name → rasa_sdk ActionExecutor of this process


def package_of(endpoint: Any) -> str | None:
    """The actions package an endpoint names with `inprocess:<package>`, or None for any other endpoint."""
    url = getattr(endpoint, "url", None)
    if not isinstance(url, str) or not url.startswith(SCHEME):
        return None
    return url[len(SCHEME):].strip().strip("/") or "actions"


def executor_for(package: str):
    """This process's ActionExecutor with `package` registered; built (the package imported) on first use."""
    executor = _executors.get(package)
    if executor is None:
        import rasa
        from rasa_sdk import utils
        from rasa_sdk.executor import ActionExecutor

        utils.check_version_compatibility(rasa.__version__)  # the action server checks it on every call
        importlib.import_module(package)  # an ImportError is raised here, not swallowed into "no actions"
        executor = ActionExecutor()
        executor.register_package(package)
        logger.info("Custom actions run in this process: package %s, %d actions", package, len(executor.actions))
        _executors[package] = executor
    return executor


def _error(status: int, reason: str, body: dict):
    from rasa.utils.endpoints import ClientResponseError

    return ClientResponseError(status, reason, json.dumps(body, ensure_ascii=False))


async def run_in_process(package: str, payload: dict) -> Any:
    """What the action server's /webhook does with `payload`, as Rasa's EndpointConfig.request returns it: the
    reply as decoded JSON, or ClientResponseError with the status and body the server would have answered."""
    from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

    try:
        result = await executor_for(package).run(payload)
    except ActionExecutionRejection as e:
        logger.debug(e)
        raise _error(400, "Bad Request", {"error": e.message, "action_name": e.action_name}) from e
    except ActionNotFoundException as e:
        logger.error(e)
        raise _error(404, "Not Found", {"error": e.message, "action_name": e.action_name}) from e
    except Exception as e:  # the action server's exception handler: any error is a 500
        logger.error("Exception occurred while running action %r in process", payload.get("next_action"),
                     exc_info=e)
        raise _error(500, "Internal Server Error", {"error": str(e)}) from e
    try:
        return json.loads(json.dumps(result))  # the reply as the action server would have sent it
    except (TypeError, ValueError) as e:
        logger.error("Action %r returned a reply JSON cannot carry", payload.get("next_action"), exc_info=e)
        raise _error(500, "Internal Server Error", {"error": str(e)}) from e


def apply() -> None:
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    original_request = EndpointConfig.request
    if not getattr(original_request, "_in_process", False):
        async def request(self, method="post", subpath=None, content_type="application/json", compress=False,
                          **kwargs):
            package = package_of(self)
            if package is None:
                return await original_request(self, method, subpath, content_type, compress, **kwargs)
            if method.lower() != "post" or subpath or "json" not in kwargs:
                raise ValueError(f"{self.url} runs custom actions only (a POST with the action call as json)")
            return await run_in_process(package, kwargs["json"])

        request._in_process = True  # type: ignore[attr-defined]
        EndpointConfig.request = request

    original_init = Agent.__init__
    if not getattr(original_init, "_loads_actions", False):
        def __init__(self, *args, **kwargs):
            original_init(self, *args, **kwargs)
            package = package_of(self.action_endpoint)
            if package is not None:
                executor_for(package)  # import the actions (and their start-up check) now, not at the first turn

        __init__._loads_actions = True  # type: ignore[attr-defined]
        Agent.__init__ = __init__
