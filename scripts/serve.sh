#!/usr/bin/env bash
# Start the action server and Rasa (REST + socket.io) on 127.0.0.1. Used by `make run`.
# RASA_AUTH_TOKEN set → Rasa's HTTP API is enabled and requires it; unset → API off.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTION_PORT=${ACTION_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
MODEL=${MODEL:-models/policy-assistant.tar.gz}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}
export TRACKER_DB_DIALECT=${TRACKER_DB_DIALECT:-sqlite}
export TRACKER_DB=${TRACKER_DB:-build/tracker.db}
export TRACKER_DB_URL=${TRACKER_DB_URL:-}
# WeCom: empty unless configured (the channel stays off without WECOM_TOKEN).
for v in WECOM_CORP_ID WECOM_SECRET WECOM_AGENT_ID WECOM_TOKEN WECOM_AES_KEY WECOM_API_BASE; do export "$v=${!v:-}"; done
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1

.venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT INT TERM

api=()
if [ -n "${RASA_AUTH_TOKEN:-}" ]; then
  api=(--enable-api --auth-token "$RASA_AUTH_TOKEN")
fi
if [ -z "${CONSOLE_TOKEN:-}" ]; then
  CONSOLE_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(16))')
  echo "CONSOLE_TOKEN was not set; this run's console token: $CONSOLE_TOKEN"
fi
export CONSOLE_TOKEN
base="http://127.0.0.1:$RASA_PORT"
echo "Website chat: $base/webhooks/web/widget/"
echo "Hotline console: $base/webhooks/console/"
if [ -n "$WECOM_TOKEN" ]; then
  echo "WeCom callback: $base/webhooks/wecom/webhook"
else
  echo "WeCom callback: $base/webhooks/wecom/webhook (off: set WECOM_TOKEN, WECOM_AES_KEY, WECOM_CORP_ID, WECOM_SECRET, WECOM_AGENT_ID)"
fi
echo "REST: $base/webhooks/rest/webhook · socket.io: $base/socket.io · actions on :$ACTION_PORT (starting, ~40 s)"
.venv/bin/rasa run --model "$MODEL" --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml "${api[@]}"
