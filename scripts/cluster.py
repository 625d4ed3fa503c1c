"""The production topology on this machine: nginx → N Rasa replicas (PostgreSQL tracker store, Redis lock
store) → nginx → M action servers; policy database and hand-off queue on PostgreSQL.

    python scripts/cluster.py start | stop | status
    python scripts/cluster.py stop-actions | start-actions | kill-replica N | start-replica N

Settings (environment): CLUSTER_DIR (build/cluster), CLUSTER_PORT (8080, the entry; actions on +1),
REPLICAS (2), ACTION_SERVERS (2), CLUSTER_DB (policy_assistant), PG_URL (postgresql://postgres@127.0.0.1:5432),
REDIS_HOST (127.0.0.1), REDIS_PORT (6379), REDIS_DB (1), CONSOLE_TOKEN, RASA_AUTH_TOKEN, WECOM_*,
CLUSTER_MODEL (models/policy-assistant.tar.gz), CLUSTER_START_SECONDS (300: each server's time to answer).
A start that fails stops everything it started.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

from scripts.local_servers import stop_group, wait_http  # noqa: E402

CLUSTER_DIR = Path(os.environ.get("CLUSTER_DIR", ROOT / "build" / "cluster")).resolve()
PORT = int(os.environ.get("CLUSTER_PORT", "8080"))
REPLICAS = int(os.environ.get("REPLICAS", "2"))
ACTION_SERVERS = int(os.environ.get("ACTION_SERVERS", "2"))
DB_NAME = os.environ.get("CLUSTER_DB", "policy_assistant")
PG_URL = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
# Empty means the default (tests define them empty for endpoints.yml's in-memory lock store).
REDIS = (os.environ.get("REDIS_HOST") or "127.0.0.1", os.environ.get("REDIS_PORT") or "6379",
         os.environ.get("REDIS_DB") or "1")
MODEL = Path(os.environ.get("CLUSTER_MODEL", ROOT / "models" / "policy-assistant.tar.gz"))
START_SECONDS = float(os.environ.get("CLUSTER_START_SECONDS", "300"))
WECOM_VARS = ("WECOM_CORP_ID", "WECOM_SECRET", "WECOM_AGENT_ID", "WECOM_TOKEN", "WECOM_AES_KEY", "WECOM_API_BASE")


def rasa_port(i: int) -> int:
    return PORT + 10 + i


def action_port(i: int) -> int:
    return PORT + 30 + i


def env() -> dict:
    db_url = f"{PG_URL}/{DB_NAME}"
    e = {**os.environ,
         "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
         "POLICY_SKIP_STARTUP_CHECK": "0",
         "POLICIES_DB_URL": db_url.replace("postgresql://", "postgresql+psycopg2://", 1),
         "HANDOFF_DB_URL": db_url.replace("postgresql://", "postgresql+psycopg2://", 1),
         "PUSH_DB_URL": db_url.replace("postgresql://", "postgresql+psycopg2://", 1),
         "TRACKER_DB_URL": db_url, "TRACKER_DB": DB_NAME,
         "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{PORT + 1}/webhook",
         "REDIS_HOST": REDIS[0], "REDIS_PORT": REDIS[1], "REDIS_DB": REDIS[2]}
    for v in WECOM_VARS:
        e.setdefault(v, "")
    return e


def nginx_conf() -> str:
    rasa = "\n".join(f"    server 127.0.0.1:{rasa_port(i)} max_fails=0;" for i in range(REPLICAS))
    actions = "\n".join(f"    server 127.0.0.1:{action_port(i)} max_fails=0;" for i in range(ACTION_SERVERS))
    d = CLUSTER_DIR
    return f"""worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log {d}/nginx-access.log;
  client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;
  uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
  client_max_body_size 1m;
  # Keep bodies in memory: nginx's workers run as an unprivileged user that cannot write to CLUSTER_DIR.
  client_body_buffer_size 1m;
  proxy_max_temp_file_size 0;
  upstream rasa {{
{rasa}
  }}
  upstream actions {{
{actions}
  }}
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen 127.0.0.1:{PORT};
    location / {{
      proxy_pass http://rasa;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_read_timeout 60s;
    }}
    location /socket.io/ {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
    }}
  }}
  server {{
    listen 127.0.0.1:{PORT + 1};
    location / {{ proxy_pass http://actions; proxy_next_upstream error timeout http_502; }}
  }}
}}
"""


def _pidfile(name: str) -> Path:
    return CLUSTER_DIR / f"{name}.pid"


def _spawn(name: str, args: list[str]) -> None:
    log = (CLUSTER_DIR / f"{name}.log").open("a")
    process = subprocess.Popen(args, cwd=ROOT, env=env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    _pidfile(name).write_text(str(process.pid))


def _stop(name: str) -> None:
    path = _pidfile(name)
    if not path.exists():
        return
    try:
        stop_group(int(path.read_text()))
    except ValueError:
        pass
    path.unlink(missing_ok=True)


def _wait(url: str, name: str) -> None:
    try:
        wait_http(url, START_SECONDS, log=CLUSTER_DIR / f"{name}.log", name=name)
    except RuntimeError as error:
        raise SystemExit(str(error)) from None


def _prepare_database() -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{PG_URL.replace('postgresql://', 'postgresql+psycopg2://', 1)}/postgres",
                          isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": DB_NAME}).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    except Exception as exc:  # noqa: BLE001
        raise SystemExit(f"PostgreSQL at {PG_URL} is not reachable ({exc.__class__.__name__}): start it, or set PG_URL") from None
    finally:
        admin.dispose()
    build = subprocess.run([str(VENV_BIN / "python"), "-m", "policies_db", "build"], cwd=ROOT, env=env(),
                           capture_output=True, text=True)
    if build.returncode != 0:
        raise SystemExit(f"policy database build failed:\n{build.stderr}")
    # Rasa's events table, created once here: replicas starting together would race to create it.
    from rasa.core.tracker_store import SQLTrackerStore

    tracker_db = create_engine(f"{PG_URL.replace('postgresql://', 'postgresql+psycopg2://', 1)}/{DB_NAME}")
    try:
        SQLTrackerStore.Base.metadata.create_all(tracker_db)
    finally:
        tracker_db.dispose()


def start_actions() -> None:
    for i in range(ACTION_SERVERS):
        _spawn(f"actions-{i}", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                "--port", str(action_port(i))])
    for i in range(ACTION_SERVERS):
        _wait(f"http://127.0.0.1:{action_port(i)}/health", f"actions-{i}")


def stop_actions() -> None:
    for i in range(ACTION_SERVERS):
        _stop(f"actions-{i}")


def start_replica(i: int, wait: bool = True) -> None:
    args = [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL),
            "--interface", "127.0.0.1", "--port", str(rasa_port(i)), "--credentials", "credentials.yml",
            "--endpoints", "deploy/endpoints.cluster.yml"]
    if os.environ.get("RASA_AUTH_TOKEN"):
        args += ["--enable-api", "--auth-token", os.environ["RASA_AUTH_TOKEN"]]
    _spawn(f"rasa-{i}", args)
    if wait:
        _wait(f"http://127.0.0.1:{rasa_port(i)}/", f"rasa-{i}")


def start() -> None:
    if not shutil.which("nginx"):
        raise SystemExit("nginx is not installed: apt-get install nginx-light (make cluster does it)")
    (CLUSTER_DIR / "tmp").mkdir(parents=True, exist_ok=True)
    try:
        _start()
    except BaseException:
        stop()  # a failed start leaves nothing running
        raise


def _start() -> None:
    _prepare_database()
    (CLUSTER_DIR / "nginx.conf").write_text(nginx_conf())
    for i in range(REPLICAS):
        start_replica(i, wait=False)
    start_actions()
    for i in range(REPLICAS):
        _wait(f"http://127.0.0.1:{rasa_port(i)}/", f"rasa-{i}")
    subprocess.run(["nginx", "-c", str(CLUSTER_DIR / "nginx.conf"), "-p", str(CLUSTER_DIR)], check=True)
    _wait(f"http://127.0.0.1:{PORT}/", "nginx-error")
    print(f"Cluster entry: http://127.0.0.1:{PORT}/  ({REPLICAS} Rasa replicas on "
          f"{', '.join(str(rasa_port(i)) for i in range(REPLICAS))}; {ACTION_SERVERS} action servers behind "
          f":{PORT + 1}; PostgreSQL database {DB_NAME}; Redis db {REDIS[2]})")
    print(f"Website chat: http://127.0.0.1:{PORT}/webhooks/web/widget/")
    print(f"Hotline console: http://127.0.0.1:{PORT}/webhooks/console/")
    print(f"WeCom callback: http://127.0.0.1:{PORT}/webhooks/wecom/webhook")


def stop() -> None:
    pid = CLUSTER_DIR / "nginx.pid"
    if pid.exists():
        subprocess.run(["nginx", "-c", str(CLUSTER_DIR / "nginx.conf"), "-p", str(CLUSTER_DIR), "-s", "quit"],
                       capture_output=True)
    for path in CLUSTER_DIR.glob("*.pid"):
        if path.name != "nginx.pid":
            _stop(path.stem)
    print("Cluster stopped")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command == "start":
        start()
    elif command == "stop":
        stop()
    elif command == "stop-actions":
        stop_actions()
    elif command == "start-actions":
        start_actions()
    elif command == "kill-replica":
        path = _pidfile(f"rasa-{int(argv[1])}")
        os.killpg(int(path.read_text()), signal.SIGKILL)
        path.unlink()
    elif command == "start-replica":
        start_replica(int(argv[1]))
    elif command == "status":
        for path in sorted(CLUSTER_DIR.glob("*.pid")):
            print(path.stem, path.read_text().strip())
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
