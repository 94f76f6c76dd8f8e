"""`make bench`: every main page, as the role that opens it, served by gunicorn under production
settings and loaded from this second process by locust, each page measured beside a bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale make bench
    .venv/bin/python bench/pages.py [--users 8] [--seconds 6] [--only board,dashboard]

Steps: collectstatic (production's hashed files), bench/pages_plan.py (the people, the pages,
each page's queries counted in-process), gunicorn with gunicorn.conf.py and
config/settings/bench.py (DEBUG off, persistent connections, cached templates; plain HTTP on
127.0.0.1), a sign-in per role, then per page two timed phases of `--users` concurrent clients
asking as fast as they are answered: the bare view (/bench/bare/, signed in, same middleware)
and the page. The bare phase just before each page is its yardstick, so the machine's drift
over the run touches both alike. Prints one table and writes the same as JSON
(var/bench/pages.json). Asserts nothing: tests never assert wall time.
"""

# locust patches the standard library for gevent on import: first, before anything that opens
# sockets or threads.
import locust  # noqa: F401, I001
import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.log import setup_logging

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
BARE = "/bench/bare/"
MAX_PHASE_SECONDS = 60
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def server_environment(port: int) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        # The API's per-integration throttle would measure itself, not the page.
        PROXIMITY_API_RATE="1000000/minute",
    )
    environment.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    return environment


def prepare() -> tuple[str, dict[str, str]]:
    """Quiet locust, print lines as they come, choose a port and the server's environment,
    and collect the static files production's manifest storage needs: (address, environment)."""
    setup_logging("WARNING")
    sys.stdout.reconfigure(line_buffering=True)
    port = free_port()
    environment = server_environment(port)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    return f"http://127.0.0.1:{port}", environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(environment: dict[str, str], base: str, log: Path) -> subprocess.Popen:
    """gunicorn with its access log dropped (a line per request) and its error log in a file:
    a pipe nobody reads would fill and stop the server."""
    server = subprocess.Popen(
        [GUNICORN, "config.wsgi", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn did not start:\n{log.read_text()}")
        try:
            requests.get(f"{base}/accounts/login/", timeout=30)
            return server
        except requests.RequestException:  # not listening yet, or a loaded machine is slow
            time.sleep(0.3)
    stop(server)
    sys.exit("gunicorn did not answer within 120 s")


def sign_in(base: str, email: str, password: str) -> str:
    """The session cookie of one person, signed in through the real form."""
    browser = requests.Session()
    form = browser.get(f"{base}/accounts/login/", timeout=30)
    token = TOKEN.search(form.text).group(1)
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    session = browser.cookies.get("sessionid")
    if answer.status_code != 302 or not session:
        sys.exit(f"Could not sign in as {email} (answered {answer.status_code}).")
    return f"sessionid={session}"


def phase(
    base: str, page: dict, cookie: str | None, *, users: int, seconds: float, keep_alive: bool
) -> dict:
    """`users` clients asking for one address as fast as it answers, for `seconds` after a
    second of warming up; what locust measured."""
    headers = dict(page.get("headers", {}))
    if cookie:
        headers["Cookie"] = cookie
    if not keep_alive:
        # Each request on a new connection, as a proxy in front (nginx's default upstream)
        # sends them: kept alive, the 8 clients' connections stay with whichever of the three
        # processes accepted them, and a phase with five on one process (one GIL) ran at a
        # third of the next one's speed (the board: 4%, 13%, 13% of bare in three rounds;
        # each new connection: 12.7%, 13.5%, 14.6%).
        headers["Connection"] = "close"
    method, path, body = page["method"], page["path"], page.get("json")

    class Person(FastHttpUser):
        host = base
        wait_time = constant(0)

        @task
        def ask(self):
            # Timed to the last byte of the body as sent: a compressed answer (the programme
            # feed, 1.4 MB for 13 MB of text) is not inflated on the cores gunicorn uses, as
            # locust does by default, which made the feed look four times slower than it is.
            started = time.perf_counter()
            with self.client.request(
                method,
                path,
                headers=headers,
                json=body,
                name=page["name"],
                stream=True,
                catch_response=True,
            ) as answer:
                sent = answer.read()
                answer.release()
                answer.request_meta["response_time"] = (time.perf_counter() - started) * 1000
                answer.request_meta["response_length"] = len(sent)

    environment = Environment(user_classes=[Person])
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(1)
    environment.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(seconds)
    stats = environment.stats.total
    # A page slower than the phase would show nothing: wait for one answer per client (at
    # most a minute), so that its percentiles say how slow it is.
    while stats.num_requests < users and time.monotonic() - started < MAX_PHASE_SECONDS:
        gevent.sleep(0.5)
    elapsed = time.monotonic() - started
    figures = {
        "requests": stats.num_requests,
        "errors": stats.num_failures,
        "rps": stats.num_requests / elapsed,
        "p50_ms": stats.get_response_time_percentile(0.50),
        "p95_ms": stats.get_response_time_percentile(0.95),
        "p99_ms": stats.get_response_time_percentile(0.99),
        "bytes": round(stats.avg_content_length),
    }
    runner.quit()
    return figures


def run_json(script: str, environment: dict[str, str], *args: str, stdin: str | None = None):
    """What a bench script in its own Django process (bench/pages_plan.py, bench/soak_db.py)
    prints as JSON; the run stops with its errors if it fails."""
    done = subprocess.run(
        [PYTHON, script, *args],
        cwd=ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"{script} {' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def plan(environment: dict[str, str]) -> dict:
    return run_json("bench/pages_plan.py", environment)


def table(rows: list[dict]) -> str:
    head = (
        f"{'page':34} {'role':10} {'req/s':>7} {'of bare':>8} {'p50':>6} {'p95':>6} "
        f"{'p99':>6} {'KB':>7} {'queries':>7} {'demo q':>6} {'errors':>6}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        page = row["page"]
        lines.append(
            f"{page['name'][:34]:34} {(page['role'] or 'token')[:10]:10} "
            f"{page['rps']:7.1f} {page['rps'] / row['bare']['rps']:8.1%} "
            f"{page['p50_ms']:6.0f} {page['p95_ms']:6.0f} {page['p99_ms']:6.0f} "
            f"{page['bytes'] / 1024:7.1f} {row['queries']:>7} {row.get('demo_queries', ''):>6} "
            f"{page['errors']:>6}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--seconds", type=float, default=6, help="timed seconds per phase (6)")
    parser.add_argument(
        "--only", default="", help="comma-separated words: pages whose name has one"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="bare-then-page pairs per page; the round with the median share is printed (1)",
    )
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="clients keep their connections (by default each request opens its own)",
    )
    parser.add_argument("--password", default="proximity-bench", help="everyone's password")
    parser.add_argument("--json", default="var/bench/pages.json", help="where the JSON goes")
    parser.add_argument(
        "--demo-database",
        default=os.environ.get("BENCH_DEMO_DATABASE_URL", ""),
        help="a demo-sized database (seed_demo) whose queries per page are printed beside",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database to serve (make bench-data fills one).")
    base, environment = prepare()
    planned = plan(environment)
    if args.demo_database:
        # The same pages in the same order on the demo's data: the queries must be the same.
        demo = plan({**environment, "DATABASE_URL": args.demo_database})
        for page, small in zip(planned["pages"], demo["pages"], strict=True):
            page["demo_queries"] = small["queries"]
    wanted = [word.strip() for word in args.only.split(",") if word.strip()]
    pages = [p for p in planned["pages"] if not wanted or any(w in p["name"] for w in wanted)]
    print(
        f"database {planned['database']}: {len(pages)} pages, {args.users} clients, "
        f"{args.seconds:g} s a phase, {max(1, args.rounds)} round(s)"
    )
    output = ROOT / args.json
    output.parent.mkdir(parents=True, exist_ok=True)
    server = start_gunicorn(environment, base, output.with_name("gunicorn.log"))
    try:
        cookies = {
            role: sign_in(base, email, args.password) for role, email in planned["people"].items()
        }
        bare_page = {"name": "bare view", "method": "GET", "path": BARE}
        rows = []
        for page in pages:
            cookie = cookies.get(page["role"]) if page["role"] else None
            # Warm both (templates compile once per process) before timing.
            for _ in range(3):
                phase_free_request(base, page, cookie)
            # Bare and page in pairs, the median pair kept: on a shared (virtual) machine one
            # 6-second phase now and then runs at a quarter of its speed for reasons outside
            # the app; a single pair made the same page 4% one run and 15% the next.
            rounds = []
            for _ in range(max(1, args.rounds)):
                bare = phase(
                    base,
                    bare_page,
                    cookies[page["role"] or "executive"],
                    users=args.users,
                    seconds=args.seconds,
                    keep_alive=args.keep_alive,
                )
                measured = phase(
                    base,
                    page,
                    cookie,
                    users=args.users,
                    seconds=args.seconds,
                    keep_alive=args.keep_alive,
                )
                rounds.append((measured["rps"] / bare["rps"], bare, measured))
            rounds.sort(key=lambda pair: pair[0])
            _, bare, measured = rounds[len(rounds) // 2]
            row = {
                "page": {**page, **measured},
                "bare": bare,
                "shares": [round(share, 4) for share, _, _ in rounds],
                "queries": page["queries"],
                "demo_queries": page.get("demo_queries", ""),
                "status": page["status"],
            }
            rows.append(row)
            print(table([row]).splitlines()[-1] if rows[:-1] else table([row]))
            written = {"database": planned["database"], "users": args.users, "rows": rows}
            output.write_text(json.dumps({**written, "seconds": args.seconds}, indent=2))
    finally:
        stop(server)
    print(f"\nwritten: {output.resolve()}")


def stop(server: subprocess.Popen) -> None:
    """gunicorn lets running requests finish (up to its 30 s timeout); then it is killed."""
    server.terminate()
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def phase_free_request(base: str, page: dict, cookie: str | None) -> None:
    headers = dict(page.get("headers", {}))
    if cookie:
        headers["Cookie"] = cookie
    requests.request(
        page["method"], base + page["path"], headers=headers, json=page.get("json"), timeout=120
    )


if __name__ == "__main__":
    main()
