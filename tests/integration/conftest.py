"""Real processes for the messaging tests: a Celery worker on the real Redis broker, reading
the test's PostgreSQL database, sending to an SMTP sink that this test process runs."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class SmtpSink:
    """Keeps every message it accepts; the outbox key is in the X-Familieliv-Message header."""

    port: int
    delay: float = 0.0
    keys: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        if self.delay:
            await asyncio.sleep(self.delay)
        self.keys.append(message_from_bytes(envelope.content)["X-Familieliv-Message"])
        return "250 OK"


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


def database_url() -> str:
    """The test database pytest-django made, for the worker process to read."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no chance to finish or clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(tmp_path, smtp_sink) -> Iterator[Callable[..., Worker]]:
    workers: list[Worker] = []

    def start(*, broker_url: str, beat: bool = False, concurrency: int = 2) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "SECRET_KEY": "worker-test",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
            # Rows claimed by a killed worker come back after 15 s instead of 5 minutes. The
            # lease must outlast any batch a live worker is still sending (here well under a
            # second, a few on a loaded machine), or that worker's rows are sent twice.
            "OUTBOX_CLAIM_LEASE_SECONDS": "15",
            "OUTBOX_SWEEP_SECONDS": "1",
            "DB_CONN_MAX_AGE": "0",
        }
        command = [
            str(CELERY),
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            str(concurrency),
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"test-{uuid.uuid4().hex[:8]}@%h",
        ]
        if beat:
            command += ["--beat", "--schedule", str(tmp_path / "beat-schedule")]
        with log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603 — our own venv's celery
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(process=process, log=log)
        workers.append(worker)
        wait_until(
            lambda: "ready." in log.read_text() or process.poll() is not None,
            timeout=60,
            what="the Celery worker to start",
        )
        assert process.poll() is None, log.read_text()
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def broker_url() -> Iterator[str]:
    """A Redis database of the machine's real Redis, emptied before and after."""
    url = "redis://127.0.0.1:6379/12"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def producer(url: str) -> Celery:
    """A client of the broker, as the web processes are, to hand tasks to the worker."""
    return Celery("familieliv-test-producer", broker=url)
