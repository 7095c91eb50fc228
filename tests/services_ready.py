"""Say plainly, before the suite starts, whether its PostgreSQL and Redis answer.

Run as ``python -m tests.services_ready``; exits non-zero with the fix when one is down.
"""

import os
import sys

import psycopg
import redis

HINTS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
}


def main() -> int:
    database_url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    # Connect to the maintenance database: the test database is made by the suite itself.
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    failures = []
    try:
        psycopg.connect(admin_url, connect_timeout=5).close()
    except psycopg.Error as exc:
        failures.append(("PostgreSQL", database_url, exc))
    try:
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        failures.append(("Redis", os.environ["REDIS_URL"], exc))
    for name, url, exc in failures:
        print(f"{name} does not answer at {url}: {exc}", file=sys.stderr)
        print(f"  start it with: {HINTS[name]}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
