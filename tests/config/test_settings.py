"""The settings read the environment: embedded defaults with no variables, services with them.

Each case imports the real settings module in a fresh interpreter with a controlled
environment, as a newcomer's shell or a production unit file would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
import django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "db_name": str(db["NAME"]),
    "db_host": db.get("HOST", ""),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "celery_eager": __import__("config").celery_app.conf.task_always_eager,
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST,
    "email_port": settings.EMAIL_PORT,
    "email_tls": settings.EMAIL_USE_TLS,
    "email_file_path": settings.EMAIL_FILE_PATH,
    "debug": settings.DEBUG,
    "secret_key": settings.SECRET_KEY,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "language": settings.LANGUAGE_CODE,
}))
"""


def run_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(  # noqa: S603 — our own interpreter and code
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        check=False,
    )


def read_settings(tmp_path: Path, **env: str) -> dict:
    result = run_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_variables_means_embedded_sqlite_without_redis(tmp_path):
    s = read_settings(tmp_path)

    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["db_name"] == str(tmp_path / "db.sqlite3")
    assert s["cache"].endswith("LocMemCache")
    assert s["broker"] == "memory://"
    assert s["eager"] is True
    assert s["celery_eager"] is True  # the Celery app itself runs tasks in-process
    assert s["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert s["debug"] is False
    assert s["allowed_hosts"] == ["localhost", "127.0.0.1", "[::1]"]
    assert s["language"] == "da"


def test_embedded_secret_key_is_made_once_and_kept(tmp_path):
    first = read_settings(tmp_path)["secret_key"]
    second = read_settings(tmp_path)["secret_key"]

    assert len(first) >= 50
    assert first == second
    assert (tmp_path / "secret_key").read_text() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    other_install = tmp_path / "other"
    assert read_settings(other_install)["secret_key"] != first


def test_services_mode_uses_postgresql_and_redis(tmp_path):
    s = read_settings(
        tmp_path,
        DATABASE_URL="postgres://app:secret@db.internal:5432/familieliv",
        REDIS_URL="redis://cache.internal:6379/0",
        SECRET_KEY="from-the-vault",
        ALLOWED_HOSTS="familieliv.example,www.familieliv.example",
        DEBUG="false",
    )

    assert s["engine"] == "django.db.backends.postgresql"
    assert s["db_host"] == "db.internal"
    assert s["db_name"] == "familieliv"
    assert s["cache"].endswith("RedisCache")
    assert s["cache_location"] == "redis://cache.internal:6379/0"
    assert s["broker"] == "redis://cache.internal:6379/0"
    assert s["eager"] is False
    assert s["celery_eager"] is False
    assert s["secret_key"] == "from-the-vault"
    assert s["allowed_hosts"] == ["familieliv.example", "www.familieliv.example"]


def test_services_mode_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_settings(tmp_path, DATABASE_URL="postgres://app@db.internal/familieliv")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DATABASE_URL is set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("email_url", "backend", "host", "port", "tls"),
    [
        ("smtp+tls://mailer:pw@smtp.example:587", "smtp.EmailBackend", "smtp.example", 587, True),
        ("smtp://relay.example:25", "smtp.EmailBackend", "relay.example", 25, False),
        ("consolemail://", "console.EmailBackend", "localhost", 25, False),
    ],
)
def test_email_settings_come_from_email_url(tmp_path, email_url, backend, host, port, tls):
    s = read_settings(tmp_path, EMAIL_URL=email_url)

    assert s["email_backend"] == f"django.core.mail.backends.{backend}"
    assert (s["email_host"], s["email_port"], s["email_tls"]) == (host, port, tls)


def test_file_email_backend_writes_under_the_data_dir_by_default(tmp_path):
    s = read_settings(tmp_path, EMAIL_URL="filemail://")

    assert s["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert s["email_file_path"] == str(tmp_path / "mail")


def test_a_live_worker_never_loses_the_messages_it_is_sending():
    """The outbox lease outlasts the hard time limit of the task that sends."""
    from django.conf import settings

    assert settings.OUTBOX_CLAIM_LEASE_SECONDS > settings.CELERY_TASK_TIME_LIMIT


def test_the_production_settings_of_the_readme_pass_the_deploy_check(tmp_path):
    """README's "Services mode" variables, as a production unit file sets them."""
    result = subprocess.run(  # noqa: S603 — our own interpreter and code
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://familieliv:secret@db.invalid:5432/familieliv",
            "REDIS_URL": "redis://redis.invalid:6379/0",
            "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
            "ALLOWED_HOSTS": "familieliv.example",
            "HTTPS": "true",
            "EMAIL_URL": "smtp+tls://user:password@smtp.example:587",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
