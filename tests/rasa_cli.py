"""Run the rasa CLI of this venv from the repository root, quietly, for the tests."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "policy-assistant.tar.gz"
RASA = str(Path(sys.executable).with_name("rasa"))
# endpoints.yml's lock store: one process, in memory, unless a test asks for Redis (tests/stack.py workers=…).
ENV = {"LOCK_STORE_TYPE": "in_memory", "REDIS_HOST": "", "REDIS_PORT": "", "REDIS_DB": "",
       **os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
       "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore::DeprecationWarning"}


def require_model() -> Path:
    assert MODEL.exists(), f"{MODEL} is missing: run `make train` (make test does it first)"
    return MODEL


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)
