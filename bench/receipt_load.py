"""Does a flood of receipt checks stall the site? gunicorn on 127.0.0.1 with the project's config
(gunicorn.conf.py), N clients posting made-up receipt codes as fast as they are answered, while
one more times a normal page (the sign-in page) every 100 ms. Prints figures; asserts nothing.

    .venv/bin/python bench/receipt_load.py [--clients 24] [--seconds 10]

Three runs on a throwaway SQLite database: sync workers (what gunicorn ran before), gthread
workers (gunicorn.conf.py), and gthread with the receipt rate limit on. The first two lift the
limit, to show what the threads alone change.
"""

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NO_LIMIT = {
    "PROXIMITY_RECEIPT_RATE_GLOBAL": "1000000000",
    "PROXIMITY_RECEIPT_RATE_PER_CODE": "1000",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, body: str = "", headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
        return response.status, cookies, response.read().decode()
    finally:
        connection.close()


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn did not start")
        try:
            request(port, "GET", "/accounts/login/")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 s")


def poster(port: int, stop: threading.Event, outcomes: Counter) -> None:
    """One client: fetch the form once (CSRF cookie and token), then post made-up codes."""
    _, cookies, page = request(port, "GET", "/frictions/receipt/")
    token = TOKEN.search(page).group(1)
    # The page also clears its follow cookie; only the CSRF cookie goes back (without it every
    # POST is a 403 answered before the floor, and the flood measures nothing).
    [csrf] = [c for c in cookies if c.startswith("csrftoken=")]
    headers = {
        "Cookie": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    while not stop.is_set():
        code = secrets.token_hex(8).upper()
        body = f"csrfmiddlewaretoken={token}&code={code}"
        status, _, _ = request(port, "POST", "/frictions/receipt/", body, headers)
        outcomes[status] += 1


def probe(port: int, seconds: float) -> list[float]:
    """The sign-in page, every 100 ms: how long a normal visitor waits, in milliseconds."""
    timings, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        request(port, "GET", "/accounts/login/")
        timings.append((time.perf_counter() - started) * 1000)
        time.sleep(0.1)
    return timings


def summary(timings: list[float]) -> str:
    timings = sorted(timings)
    p95 = timings[int(len(timings) * 0.95)]
    return (
        f"median {statistics.median(timings):7.1f} ms  p95 {p95:7.1f} ms  "
        f"max {timings[-1]:7.1f} ms  ({len(timings)} pages)"
    )


def run(label: str, env: dict, extra: list[str], clients: int, seconds: float) -> None:
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "config.wsgi", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port, server)
        probe(port, 1)  # every process loads its code on its first pages
        quiet = probe(port, 3)
        stop, outcomes = threading.Event(), Counter()
        threads = [
            threading.Thread(target=poster, args=(port, stop, outcomes), daemon=True)
            for _ in range(clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(1)  # let the flood build
        before = sum(outcomes.values())
        loaded = probe(port, seconds)
        rate = (sum(outcomes.values()) - before) / seconds
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        print(f"{label}:")
        print(f"  sign-in page, quiet:      {summary(quiet)}")
        print(f"  sign-in page, under load: {summary(loaded)}")
        answers = ", ".join(f"{status}: {count}" for status, count in sorted(outcomes.items()))
        print(f"  receipt POSTs: {rate:.0f}/s answered ({answers})")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="proximity-load-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "CELERY_FILESYSTEM_DIR": f"{folder}/celery",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)
        migrate = [PYTHON, "manage.py", "migrate", "-v0"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True)
        print(
            f"{args.clients} clients posting receipt codes for {args.seconds:.0f} s; "
            f"floor {os.environ.get('PROXIMITY_RECEIPT_MIN_SECONDS', '0.25')} s; "
            f"{os.environ.get('WEB_CONCURRENCY', '3')} gunicorn processes"
        )
        # gunicorn runs sync workers with more than one thread as gthread: one thread for sync.
        sync = ["-k", "sync", "--threads", "1"]
        # Without Redis each process counts its own (locmem), and the limit is per minute: a
        # lower one shows its effect within a short run.
        per_minute = os.environ.get("LIMIT", "100")
        limit = {"PROXIMITY_RECEIPT_RATE_GLOBAL": per_minute}
        runs = [
            ("sync workers (before), no rate limit", {**env, **NO_LIMIT}, sync),
            ("gthread workers (gunicorn.conf.py), no rate limit", {**env, **NO_LIMIT}, []),
            (
                f"gthread workers, rate limit {per_minute}/min per process",
                {**env, **limit},
                [],
            ),
        ]
        for label, run_env, extra in runs:
            run(label, run_env, extra, args.clients, args.seconds)


if __name__ == "__main__":
    main()
