"""A local SMTP server (aiosmtpd) on a free port that keeps every message it receives, for the push tests."""
from __future__ import annotations

import email
import email.policy
import time

from aiosmtpd.controller import Controller

from tests.stack import free_port


class _Keep:
    def __init__(self, server: "LocalSMTP"):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.server.busy:  # a mailbox that answers "try again later"
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.server.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class LocalSMTP:
    def __init__(self):
        self.port = free_port()
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.busy: set[str] = set()
        self.controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> "LocalSMTP":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def env(self) -> dict:
        return {"PUSH_SMTP_HOST": "127.0.0.1", "PUSH_SMTP_PORT": str(self.port), "PUSH_SMTP_FROM": "policy@bureau.example",
                "PUSH_SMTP_TLS": "none"}

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.to(address)) >= count:
                return self.to(address)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages to {address}, got {len(self.to(address))}")
