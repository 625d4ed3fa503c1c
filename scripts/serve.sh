#!/usr/bin/env bash
# Start Rasa (REST + socket.io + widget + console) on 127.0.0.1. Used by `make run`.
# Prints a handful of lines; everything the servers write goes to build/logs/ (named in the output).
# RASA_AUTH_TOKEN set → Rasa's HTTP API is enabled and requires it; unset → API off.
# Custom actions run inside each Rasa worker by default (ACTION_ENDPOINT_URL=inprocess:actions,
# bot/rasa_patches/actions_in_process.py). ACTIONS_SERVER=1: a separate action server on ACTION_PORT over HTTP
# instead, as the cluster runs them (scripts/cluster.py, deploy/). An ACTION_ENDPOINT_URL of your own is used as is.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTION_PORT=${ACTION_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
MODEL=${MODEL:-models/policy-assistant.tar.gz}
logs=build/logs
mkdir -p "$logs"
actions_server=${ACTIONS_SERVER:-0}
if [ "$actions_server" = 1 ]; then
  export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}
else
  actions_server=0
  export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-inprocess:actions}
fi
export TRACKER_DB_DIALECT=${TRACKER_DB_DIALECT:-sqlite}
export TRACKER_DB=${TRACKER_DB:-build/tracker.db}
export TRACKER_DB_URL=${TRACKER_DB_URL:-}
# WeCom: empty unless configured (the channel stays off without WECOM_TOKEN).
for v in WECOM_CORP_ID WECOM_SECRET WECOM_AGENT_ID WECOM_TOKEN WECOM_AES_KEY WECOM_API_BASE; do export "$v=${!v:-}"; done
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONWARNINGS=ignore

# Both cores by default: Sanic workers share conversation locks (and WeCom state) in a Redis of our own, from
# Debian's redis-server, started and stopped here. RASA_WORKERS=1: one process, locks in memory (development).
workers=${RASA_WORKERS:-$(nproc 2>/dev/null || echo 1)}
LOCAL_REDIS_PORT=${LOCAL_REDIS_PORT:-6390}
redis_bin=$(command -v redis-server || true)
if [ "$workers" -gt 1 ] && [ -z "$redis_bin" ]; then
  echo "redis-server is not installed: one process (for both cores: sudo apt-get install redis-server)."
  workers=1
fi
if [ "$workers" -gt 1 ]; then
  export LOCK_STORE_TYPE=redis REDIS_HOST=127.0.0.1 REDIS_PORT=$LOCAL_REDIS_PORT REDIS_DB=0 SANIC_WORKERS=$workers
  ports=("$RASA_PORT" "$LOCAL_REDIS_PORT")
else
  export LOCK_STORE_TYPE=in_memory REDIS_HOST=${REDIS_HOST:-} REDIS_PORT=${REDIS_PORT:-} REDIS_DB=${REDIS_DB:-} SANIC_WORKERS=1
  ports=("$RASA_PORT")
fi
if [ "$actions_server" = 1 ]; then
  ports+=("$ACTION_PORT")
fi

for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use. Choose others, e.g.: RASA_PORT=5105 ACTION_PORT=5155 LOCAL_REDIS_PORT=6391 make run" >&2
    exit 1
  fi
done

api=()
if [ -n "${RASA_AUTH_TOKEN:-}" ]; then
  api=(--enable-api --auth-token "$RASA_AUTH_TOKEN")
fi
token_note=""
if [ -z "${CONSOLE_TOKEN:-}" ]; then
  CONSOLE_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(16))')
  token_note=" (token for this run: $CONSOLE_TOKEN)"
fi
export CONSOLE_TOKEN

redis_pid=""
if [ "$workers" -gt 1 ]; then
  mkdir -p build/redis
  "$redis_bin" --port "$LOCAL_REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir build/redis \
    >"$logs/redis.log" 2>&1 &
  redis_pid=$!
fi
actions_pid=""
if [ "$actions_server" = 1 ]; then
  .venv/bin/rasa run actions --actions actions --port "$ACTION_PORT" >"$logs/actions.log" 2>&1 &
  actions_pid=$!
fi
.venv/bin/rasa run --model "$MODEL" --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml "${api[@]}" >"$logs/rasa.log" 2>&1 &
rasa_pid=$!
stop() { kill "$rasa_pid" $actions_pid $redis_pid 2>/dev/null || true; wait 2>/dev/null || true; echo; echo "Stopped."; }
trap stop EXIT
trap 'exit 0' INT TERM

base="http://127.0.0.1:$RASA_PORT"
server_logs=("$logs/rasa.log")
if [ "$actions_server" = 1 ]; then
  server_logs+=("$logs/actions.log")
fi
echo "Starting the assistant (about a minute; logs: ${server_logs[*]})…"
for _ in $(seq 1 600); do
  if ! kill -0 "$rasa_pid" 2>/dev/null || { [ -n "$actions_pid" ] && ! kill -0 "$actions_pid" 2>/dev/null; }; then
    echo "A server stopped while starting; the end of its log:" >&2
    tail -n 20 "${server_logs[@]}" >&2
    exit 1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$RASA_PORT") 2>/dev/null &&
     { [ "$actions_server" = 0 ] || (exec 3<>"/dev/tcp/127.0.0.1/$ACTION_PORT") 2>/dev/null; }; then
    break
  fi
  sleep 1
done
echo "Ready."
echo "  Website chat:    $base/webhooks/web/widget/"
echo "  Hotline console: $base/webhooks/console/$token_note"
if [ -n "$WECOM_TOKEN" ]; then
  echo "  WeCom callback:  $base/webhooks/wecom/webhook"
fi
if [ "$actions_server" = 1 ]; then
  echo "  Ports: Rasa $RASA_PORT (RASA_PORT), action server $ACTION_PORT (ACTION_PORT)"
else
  echo "  Port:  Rasa $RASA_PORT (RASA_PORT); custom actions run inside Rasa (ACTIONS_SERVER=1: a separate action server)"
fi
if [ "$workers" -gt 1 ]; then
  echo "  Rasa: $workers workers, conversation locks in Redis on $LOCAL_REDIS_PORT (one process: RASA_WORKERS=1 make run)"
else
  echo "  Rasa: one process"
fi
echo "  Logs:  ${server_logs[*]} (training and setup: $logs/setup.log)"
echo "Press Ctrl+C to stop."
# Ctrl+C ends the script in the trap above; Rasa ending by itself is a failure (with several workers the port opens
# before they load the model and the actions, so a refused policy database shows here, not while starting).
wait "$rasa_pid" || true
echo "Rasa stopped; the end of its log:" >&2
tail -n 20 "$logs/rasa.log" >&2
exit 1
