"""Familieliv load benchmark: seed → serve → load → check → summary.

Run by hand, never in CI (see bench/README.md):

    bench/run.sh                      # the whole benchmark, about four minutes
    bench/run.sh --duration 5 --only health,sessions --concurrency 50

It resets the PostgreSQL database ``familieliv_bench``, migrates and seeds it, serves the
site with gunicorn, drives it with wrk at each concurrency, checks that no session is
over capacity, prints a summary table with PASS/FAIL per target and stops gunicorn at the
end, also on failure or Ctrl-C. Exit status: 0 all targets pass, 1 a target failed,
2 the benchmark could not run.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
TMP_DIR = BENCH_DIR / ".tmp"
LUA = BENCH_DIR / "wrk" / "bench.lua"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Targets of the issue, as ratios to the health view at the same concurrency.
PAGE_P95_MAX_RATIO = 3.0
RUSH_RPS_MIN_RATIO = 0.4
RUSH_CAPACITY = 15
# Form errors in a response body: Django's error lists and the page's danger alerts.
ERROR_BLOCK = (
    r'<(ul|div|span)[^>]*class="[^"]*(?:errorlist|alert-danger|invalid-feedback)[^"]*"[^>]*>'
    r"(.*?)</\1>"
)

SCENARIOS = ["health", "sessions", "home", "programme", "book-rush", "book-spread"]
LABELS = {
    "health": "GET /healthz",
    "sessions": "GET /sessions/",
    "home": "GET /",
    "programme": "GET /programmes/<slug>/",
    "book-rush": "POST /sessions/<id>/ rush",
    "book-spread": "POST /sessions/<id>/ spread",
}


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


@dataclass
class Result:
    scenario: str
    concurrency: int
    rps: float
    p50: float  # milliseconds
    p95: float
    p99: float
    requests: int
    codes: dict[int, int]
    socket_errors: int
    cpu: dict[str, float] = field(default_factory=dict)
    sample: str = ""

    @property
    def bad(self) -> int:
        """Responses that are not 2xx or 3xx."""
        return sum(n for code, n in self.codes.items() if not 200 <= code < 400)

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.codes.items() if code >= 500)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(cmd: list[str], *, env: dict, cwd: Path, what: str) -> str:
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise BenchError(f"{what} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


# --- the database --------------------------------------------------------------------


def reset_database(name: str) -> None:
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise BenchError(f"unsafe database name {name!r}")
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


CHECK_SQL = """
    SELECT s.id, s.capacity,
           COALESCE(SUM(b.places) FILTER (WHERE b.status = 'confirmed'), 0) AS confirmed
    FROM programmes_session s LEFT JOIN bookings_booking b ON b.session_id = s.id
    GROUP BY s.id
    HAVING COALESCE(SUM(b.places) FILTER (WHERE b.status = 'confirmed'), 0) > s.capacity
"""
RUSH_SQL = """
    SELECT s.id, s.capacity,
           COALESCE(SUM(b.places) FILTER (WHERE b.status = 'confirmed'), 0),
           COUNT(b.id) FILTER (WHERE b.status = 'confirmed'),
           COUNT(b.id) FILTER (WHERE b.status = 'waitlisted')
    FROM programmes_session s LEFT JOIN bookings_booking b ON b.session_id = s.id
    WHERE s.id = %s GROUP BY s.id
"""


def check_database(url: str, rush_ids: list[int], bookings_before: int) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        over = conn.execute(CHECK_SQL).fetchall()
        checked = conn.execute("SELECT COUNT(*) FROM programmes_session").fetchone()[0]
        bookings = conn.execute("SELECT COUNT(*) FROM bookings_booking").fetchone()[0]
        outbox = conn.execute("SELECT COUNT(*) FROM notifications_outbox").fetchone()[0]
        rush = []
        for pk in rush_ids:
            sid, capacity, places, confirmed, waitlisted = conn.execute(RUSH_SQL, [pk]).fetchone()
            rush.append(
                {
                    "id": sid,
                    "capacity": capacity,
                    "confirmed_places": places,
                    "confirmed": confirmed,
                    "waitlisted": waitlisted,
                }
            )
    return {
        "sessions_checked": checked,
        "over_capacity": [{"id": r[0], "capacity": r[1], "confirmed": r[2]} for r in over],
        "bookings_made": bookings - bookings_before,
        "outbox_rows": outbox,
        "rush": rush,
    }


# --- CPU accounting --------------------------------------------------------------------


def _proc_stat(pid: str) -> tuple[int, int] | None:
    """(parent pid, CPU ticks) of a process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def cpu_snapshot(gunicorn_pid: int, db_name: str) -> dict:
    """CPU ticks so far of each gunicorn process (master and workers) and each PostgreSQL
    backend of the benchmark database, and of the whole machine (busy and total)."""
    app: dict[str, int] = {}
    db: dict[str, int] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        stat = _proc_stat(pid)
        if stat is None:
            continue
        ppid, ticks = stat
        if int(pid) == gunicorn_pid or ppid == gunicorn_pid:
            app[pid] = ticks
        else:
            cmdline = _cmdline(pid)
            if cmdline.startswith("postgres:") and f" {db_name} " in cmdline:
                db[pid] = ticks
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return {"app": app, "db": db, "busy": sum(values) - idle, "total": sum(values)}


def _ticks(before: dict[str, int], after: dict[str, int]) -> int:
    """Ticks used between two snapshots by the processes alive at the second (a process
    that ended in between, such as a database connection Django recycled, is left out)."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items())


def cpu_usage(before: dict, after: dict, seconds: float, wrk_seconds: float) -> dict:
    """Per cent of one core for app, db, wrk and other programs; the machine's busy share
    of all cores in per cent."""
    per_core = CLOCK_TICKS * seconds / 100
    total = after["total"] - before["total"] or 1
    usage = {
        "app": _ticks(before["app"], after["app"]) / per_core,
        "db": _ticks(before["db"], after["db"]) / per_core,
        "wrk": wrk_seconds / seconds * 100,
        "machine": (after["busy"] - before["busy"]) / total * 100,
    }
    # Whatever else kept the cores busy (other programs on a shared machine), per cent of
    # one core: a large figure means the run was disturbed.
    busy_cores = usage["machine"] / 100 * (os.cpu_count() or 1) * 100
    usage["other"] = max(busy_cores - usage["app"] - usage["db"] - usage["wrk"], 0)
    return usage


def wait_idle(server: Server, db_name: str, quiet_wait: float, limit: float = 120) -> float:
    """Wait until gunicorn and the database are idle, and (at most ``quiet_wait`` seconds)
    until nothing else keeps the machine busy: requests a client gave up on are still
    served after wrk stops, and must not slow down the next run; nor should other
    programs on a shared machine."""
    started = time.monotonic()
    cores = os.cpu_count() or 1
    while time.monotonic() - started < limit:
        before = cpu_snapshot(server.proc.pid, db_name)
        time.sleep(0.5)
        after = cpu_snapshot(server.proc.pid, db_name)
        server_busy = _ticks(before["app"], after["app"]) + _ticks(before["db"], after["db"])
        machine_busy = (after["busy"] - before["busy"]) / max(after["total"] - before["total"], 1)
        other = machine_busy * cores - server_busy / (CLOCK_TICKS * 0.5)  # in cores
        if server_busy / (CLOCK_TICKS * 0.5) < 0.1 and (
            other < 0.25 or time.monotonic() - started > quiet_wait
        ):
            break
    return time.monotonic() - started


# --- the server --------------------------------------------------------------------------


class Server:
    def __init__(self, args: argparse.Namespace, env: dict, log_file: Path) -> None:
        self.args, self.env, self.log_file = args, env, log_file
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.args.port}"

    def start(self) -> None:
        cmd = [
            str(self.args.venv / "bin" / "gunicorn"),
            "config.wsgi",
            "--chdir",
            str(self.args.app_dir),
            "--bind",
            f"127.0.0.1:{self.args.port}",
            "--workers",
            str(self.args.workers),
            "--worker-class",
            self.args.worker_class,
            "--threads",
            str(self.args.threads),
            "--timeout",
            "60",
            "--no-control-socket",  # gunicorn's default socket in ~ is shared by all
            "--worker-tmp-dir",
            "/dev/shm",  # noqa: S108 — gunicorn's heartbeat files, in memory
        ]
        log(f"starting gunicorn: {' '.join(cmd[1:])}")
        out = self.log_file.open("w")
        self.proc = subprocess.Popen(  # noqa: S603
            cmd,
            env=self.env,
            cwd=self.args.app_dir,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it in order
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"gunicorn exited at start; see {self.log_file}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise BenchError(f"gunicorn did not answer /healthz within 30 s; see {self.log_file}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        log(f"stopping gunicorn (pid {self.proc.pid})")
        self.proc.terminate()  # the master stops its workers gracefully
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group it leads: it and its workers
            self.proc.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])


def fetch_csrf_token(base: str, path: str) -> str:
    """GET a page once; Django sets the csrftoken cookie, which POSTs send back."""
    with urllib.request.urlopen(base + path, timeout=10) as r:  # noqa: S310
        for header in r.headers.get_all("Set-Cookie") or []:
            match = re.match(r"csrftoken=([A-Za-z0-9]+)", header)
            if match:
                return match.group(1)
    raise BenchError(f"GET {path} set no csrftoken cookie")


# --- wrk -------------------------------------------------------------------------------------


def body_excerpt(body: str) -> str:
    """The form errors of a response body if it has any, else the start of its text."""
    errors = [m[1] for m in re.findall(ERROR_BLOCK, body, re.S)]
    text = " | ".join(errors) if errors else body
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(text.split())[:600]


def run_wrk(
    *,
    args: argparse.Namespace,
    server: Server,
    scenario: str,
    concurrency: int,
    path: str,
    duration: float,
    post: dict | None = None,
) -> Result:
    name = f"{scenario}-c{concurrency}"
    sample_file = TMP_DIR / "results" / f"{name}.error-body.html"
    sample_file.unlink(missing_ok=True)
    env = {**os.environ, "BENCH_SAMPLE_FILE": str(sample_file)}
    if post:
        env.update(BENCH_MODE="post", **post)
    cmd = [
        args.wrk,
        f"--threads={args.wrk_threads}",
        f"--connections={concurrency}",
        f"--duration={duration:g}s",
        "--timeout=30s",
        f"--script={LUA}",
        server.base + path,
    ]
    ru_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = cpu_snapshot(server.proc.pid, args.db_name)
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    elapsed = time.monotonic() - started
    cpu_after = cpu_snapshot(server.proc.pid, args.db_name)
    ru_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    (TMP_DIR / "results" / f"{name}.wrk.txt").write_text(proc.stdout + proc.stderr)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
    if proc.returncode != 0 or line is None:
        raise BenchError(f"wrk failed for {name}:\n{proc.stdout}\n{proc.stderr}")
    data = json.loads(line.removeprefix("BENCHJSON "))
    wrk_cpu = (ru_after.ru_utime - ru_before.ru_utime) + (ru_after.ru_stime - ru_before.ru_stime)
    result = Result(
        scenario=scenario,
        concurrency=concurrency,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        requests=data["requests"],
        codes={int(k): v for k, v in data["codes"].items()},
        socket_errors=sum(
            data[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")
        ),
        cpu=cpu_usage(cpu_before, cpu_after, elapsed, wrk_cpu),
    )
    if sample_file.exists():
        result.sample = body_excerpt(sample_file.read_text(errors="replace"))
    return result


def write_targets(path: Path, targets: list[dict]) -> Path:
    path.write_text("".join(f"{t['id']} {t['birth_month']} {t['birth_year']}\n" for t in targets))
    return path


# --- the report ------------------------------------------------------------------------------


def ratio(value: float, base: float) -> float:
    return value / base if base else float("nan")


def print_table(results: list[Result]) -> None:
    health = {r.concurrency: r for r in results if r.scenario == "health"}
    head = (
        f"{'c':>3}  {'endpoint':<30} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'non-2/3xx':>9} {'5xx':>4} {'sock':>4}  {'rps/hz':>6} {'p95/hz':>6}  "
        f"{'CPU% app/db/wrk/other':<22}"
    )
    print(head)
    print("-" * len(head))
    few = False
    for r in results:
        h = health.get(r.concurrency)
        rps_ratio = ratio(r.rps, h.rps) if h else float("nan")
        p95_ratio = ratio(r.p95, h.p95) if h else float("nan")
        cpu = r.cpu
        cpu_text = f"{cpu['app']:.0f}/{cpu['db']:.0f}/{cpu['wrk']:.0f}/{cpu['other']:.0f}"
        mark = "*" if r.requests < 2 * r.concurrency else " "
        few = few or mark == "*"
        print(
            f"{r.concurrency:>3}  {LABELS[r.scenario]:<30} {r.rps:>8.1f} {r.p50:>8.1f} "
            f"{r.p95:>8.1f}{mark}{r.p99:>8.1f} {r.bad:>9} {r.server_errors:>4} "
            f"{r.socket_errors:>4}  {rps_ratio:>6.2f} {p95_ratio:>6.2f}  {cpu_text:<22}"
        )
    print(
        "rps/hz, p95/hz: ratio to GET /healthz at the same concurrency. sock: connect, read,"
        " write errors and timeouts.\nCPU%: per cent of one core (the machine has"
        f" {os.cpu_count()}) used by gunicorn, by the benchmark database's PostgreSQL"
        " backends, by wrk, and by anything else on the machine (other > 20 means the run"
        " was disturbed)."
    )
    if few:
        print(
            "* fewer than two requests per connection finished within the run: wrk counts"
            " only finished requests, so these latencies are underestimates."
        )
    for r in results:
        if r.bad:
            codes = ", ".join(f"{k}: {v}" for k, v in sorted(r.codes.items()))
            print(f"\n{LABELS[r.scenario]} at c={r.concurrency}: status codes {codes}")
            if r.sample:
                print(f"  sample error body: {r.sample}")


def evaluate(results: list[Result], check: dict) -> list[tuple[str, bool, str]]:
    verdicts: list[tuple[str, bool, str]] = []
    health = {r.concurrency: r for r in results if r.scenario == "health"}
    for r in results:
        h = health.get(r.concurrency)
        if h is None:
            continue
        if r.scenario in ("sessions", "home", "programme"):
            limit = PAGE_P95_MAX_RATIO * h.p95
            verdicts.append(
                (
                    f"{LABELS[r.scenario]} p95 <= {PAGE_P95_MAX_RATIO:g}x health p95"
                    f" (c={r.concurrency})",
                    r.p95 <= limit,
                    f"{r.p95:.1f} ms vs limit {limit:.1f} ms ({ratio(r.p95, h.p95):.2f}x)",
                )
            )
        if r.scenario == "book-rush":
            floor = RUSH_RPS_MIN_RATIO * h.rps
            verdicts.append(
                (
                    f"rush booking req/s >= {RUSH_RPS_MIN_RATIO:g}x health req/s"
                    f" (c={r.concurrency})",
                    r.rps >= floor,
                    f"{r.rps:.1f} req/s vs floor {floor:.1f} ({ratio(r.rps, h.rps):.2f}x)",
                )
            )
    errors_5xx = sum(r.server_errors for r in results)
    verdicts.append(("zero 5xx responses", errors_5xx == 0, f"{errors_5xx} 5xx"))
    over = check["over_capacity"]
    verdicts.append(
        (
            "zero overbooking (confirmed places <= capacity, every session)",
            not over,
            f"{len(over)} of {check['sessions_checked']} sessions over capacity",
        )
    )
    for rush in check["rush"]:
        verdicts.append(
            (
                f"rush session {rush['id']} has exactly {RUSH_CAPACITY} confirmed places",
                rush["confirmed_places"] == RUSH_CAPACITY,
                f"{rush['confirmed_places']} confirmed places ({rush['confirmed']} bookings),"
                f" {rush['waitlisted']} waitlisted",
            )
        )
    return verdicts


# --- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Familieliv load benchmark (see bench/README.md).")
    p.add_argument("--app-dir", type=Path, default=REPO_DIR, help="the app to serve")
    p.add_argument("--venv", type=Path, default=REPO_DIR / ".venv")
    p.add_argument("--db-name", default="familieliv_bench")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--duration", type=float, default=10, help="seconds per run")
    p.add_argument("--warmup", type=float, default=2, help="seconds per GET endpoint, once")
    p.add_argument("--concurrency", default="10,50")
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=15,
        help="before each run, wait up to this many seconds for other programs to leave"
        " the cores idle",
    )
    p.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, comma-separated")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--worker-class", default="sync")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    p.add_argument("--wrk-threads", type=int, default=1)
    p.add_argument("--sessions", type=int, default=10_000)
    p.add_argument("--bookings", type=int, default=100_000)
    p.add_argument(
        "--skip-seed",
        action="store_true",
        help="reuse the database and bench/.tmp/seed.json of the last run (rush sessions"
        " are then already full)",
    )
    args = p.parse_args()
    args.app_dir = args.app_dir.resolve()
    args.venv = args.venv.resolve()
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.only) - set(SCENARIOS)
    if unknown:
        p.error(f"unknown scenarios {sorted(unknown)}; known: {SCENARIOS}")
    return args


def preflight(args: argparse.Namespace) -> None:
    if not shutil.which(args.wrk):
        raise BenchError("wrk is not installed: apt-get install -y wrk")
    if not (args.venv / "bin" / "gunicorn").exists():
        raise BenchError(f"no gunicorn in {args.venv}: run make install first")
    if not (args.app_dir / "manage.py").exists():
        raise BenchError(f"{args.app_dir} has no manage.py")
    import socket

    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", args.port)) == 0:
            raise BenchError(f"port {args.port} is in use; pick another with --port")


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    phases: dict[str, float] = {}
    TMP_DIR.mkdir(exist_ok=True)
    (TMP_DIR / "results").mkdir(exist_ok=True)
    db_url = f"postgres://postgres@127.0.0.1:5432/{args.db_name}"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "bench",
        "REDIS_URL": args.redis_url,
        "RATELIMIT_ENABLE": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "false",
        "HTTPS": "false",  # plain HTTP on the loopback, whatever the shell says
        "STATIC_ROOT": str(TMP_DIR / "static"),
        "DATA_DIR": str(TMP_DIR / "data"),
    }
    python = str(args.venv / "bin" / "python")
    commit = subprocess.run(  # noqa: S603
        ["git", "-C", str(args.app_dir), "describe", "--always", "--dirty"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    server = Server(args, env, TMP_DIR / "gunicorn.log")

    def on_term(signum, frame):  # noqa: ARG001
        raise SystemExit(2)

    signal.signal(signal.SIGTERM, on_term)
    results: list[Result] = []
    singles: list[Result] = []
    try:
        preflight(args)
        seed_file = TMP_DIR / "seed.json"
        if args.skip_seed:
            log(f"reusing database {args.db_name} and {seed_file}")
        else:
            t = time.monotonic()
            log(f"resetting database {args.db_name} and migrating")
            reset_database(args.db_name)
            run(
                [python, "manage.py", "migrate", "--noinput"],
                env=env,
                cwd=args.app_dir,
                what="migrate",
            )
            log(f"seeding {args.sessions} sessions and {args.bookings} bookings")
            out = run(
                [
                    python,
                    str(BENCH_DIR / "seed.py"),
                    "--app-dir",
                    str(args.app_dir),
                    "--out",
                    str(seed_file),
                    "--sessions",
                    str(args.sessions),
                    "--bookings",
                    str(args.bookings),
                    "--rush",
                    str(len(args.concurrency)),
                ],
                env=env,
                cwd=args.app_dir,
                what="seed",
            )
            log(out.strip())
            phases["reset, migrate and seed"] = time.monotonic() - t
        if not seed_file.exists():
            raise BenchError(f"{seed_file} is missing: run without --skip-seed")
        seed = json.loads(seed_file.read_text())

        t = time.monotonic()
        run(
            [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            env=env,
            cwd=args.app_dir,
            what="collectstatic",
        )
        flush_redis(args.redis_url)
        server.start()
        phases["collectstatic and start"] = time.monotonic() - t

        import psycopg

        with psycopg.connect(db_url) as conn:
            bookings_before = conn.execute("SELECT COUNT(*) FROM bookings_booking").fetchone()[0]

        rush_sessions = seed["rush"]
        if len(rush_sessions) < len(args.concurrency):
            raise BenchError("fewer rush sessions than concurrency levels: run without --skip-seed")
        csrf = fetch_csrf_token(server.base, f"/sessions/{rush_sessions[0]['id']}/")
        spread_file = write_targets(TMP_DIR / "spread-targets.txt", seed["spread"])
        get_paths = {
            "health": "/healthz",
            "sessions": "/sessions/",
            "home": "/",
            "programme": f"/programmes/{seed['programme_slug']}/",
        }

        t = time.monotonic()
        if args.warmup > 0:
            log("warming up with one client per GET endpoint (also the single-client baseline)")
            for scenario, path in get_paths.items():
                if scenario in args.only:
                    wait_idle(server, args.db_name, args.quiet_wait)
                    singles.append(
                        run_wrk(
                            args=args,
                            server=server,
                            scenario=scenario,
                            concurrency=1,
                            path=path,
                            duration=args.warmup,
                        )
                    )
        tag = time.strftime("%H%M%S")
        for i, concurrency in enumerate(args.concurrency):
            rush_file = write_targets(
                TMP_DIR / f"rush-targets-c{concurrency}.txt", [rush_sessions[i]]
            )
            for scenario in [s for s in SCENARIOS if s in args.only]:
                post = None
                path = get_paths.get(scenario, "/")
                if scenario.startswith("book-"):
                    targets = rush_file if scenario == "book-rush" else spread_file
                    post = {
                        "BENCH_TARGETS": str(targets),
                        "BENCH_CSRF": csrf,
                        "BENCH_TAG": f"{tag}-{scenario}-c{concurrency}",
                    }
                waited = wait_idle(server, args.db_name, args.quiet_wait)
                if waited > 1:
                    log(f"  waited {waited:.0f} s for queued requests / a quiet machine")
                log(f"{LABELS[scenario]} with {concurrency} connections for {args.duration:g} s")
                result = run_wrk(
                    args=args,
                    server=server,
                    scenario=scenario,
                    concurrency=concurrency,
                    path=path,
                    duration=args.duration,
                    post=post,
                )
                results.append(result)
                log(
                    f"  {result.rps:.1f} req/s, p95 {result.p95:.1f} ms,"
                    f" codes {dict(sorted(result.codes.items()))}"
                )
        wait_idle(server, args.db_name, 0)  # let it answer what is still queued
        phases["load"] = time.monotonic() - t
    except BenchError as exc:
        log(f"ERROR: {exc}")
        if server.proc is not None:
            print(f"--- last lines of {server.log_file} ---\n{server.log_tail()}")
        return 2
    finally:
        server.stop()
        try:
            flush_redis(args.redis_url)  # the queued e-mail tasks nobody will run
        except Exception as exc:  # noqa: BLE001 — cleanup only
            log(f"could not flush {args.redis_url}: {exc}")

    t = time.monotonic()
    rush_ids = (
        [r["id"] for r in rush_sessions[: len(args.concurrency)]]
        if "book-rush" in args.only
        else []
    )
    check = check_database(db_url, rush_ids, bookings_before)
    phases["check"] = time.monotonic() - t
    total = time.monotonic() - started

    print()
    print(
        f"Familieliv load benchmark: {seed['sessions']} sessions, {seed['bookings']} seeded"
        f" bookings; app {args.app_dir} ({commit or 'no git'});"
        f" gunicorn {args.workers} x {args.worker_class}"
        f"{f' ({args.threads} threads)' if args.threads > 1 else ''}; wrk {args.duration:g} s"
        " per run with keep-alive clients"
        + (" (sync workers close after each response)" if args.worker_class == "sync" else "")
    )
    print()
    print_table(results)
    if singles:
        print(
            "Single client (warm-up, one connection): "
            + "; ".join(f"{LABELS[r.scenario]} p50 {r.p50:.1f} ms" for r in singles)
        )
    print()
    print(
        f"Overcapacity check: {check['sessions_checked']} sessions checked,"
        f" {len(check['over_capacity'])} over capacity"
        + (f": {check['over_capacity'][:10]}" if check["over_capacity"] else "")
        + f"; {check['bookings_made']} bookings made during the run,"
        f" {check['outbox_rows']} messages in the outbox"
    )
    for rush in check["rush"]:
        print(
            f"Rush session {rush['id']}: capacity {rush['capacity']},"
            f" {rush['confirmed_places']} confirmed places ({rush['confirmed']} bookings),"
            f" {rush['waitlisted']} waitlisted"
        )
    print()
    verdicts = evaluate(results, check)
    for name, ok, detail in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    print()
    print(
        "Time: " + ", ".join(f"{k} {v:.0f} s" for k, v in phases.items()) + f"; total {total:.0f} s"
    )
    (TMP_DIR / "results.json").write_text(
        json.dumps(
            {
                "results": [r.__dict__ for r in results],
                "single_client": [r.__dict__ for r in singles],
                "check": check,
                "verdicts": verdicts,
                "phases": phases,
                "total_seconds": total,
                "app": {"dir": str(args.app_dir), "commit": commit},
                "server": {
                    "workers": args.workers,
                    "worker_class": args.worker_class,
                    "threads": args.threads,
                },
            },
            indent=1,
        )
    )
    return 0 if all(ok for _, ok, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
