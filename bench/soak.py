"""The soak test: 50 simulated people reading and writing through the real forms for two
minutes against gunicorn on PostgreSQL, then a count in the database: zero errors, and every
write that was answered is stored.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale .venv/bin/python bench/soak.py
    .venv/bin/python bench/soak.py [--users 50] [--seconds 120] [--password proximity-bench]

Runs on the issue's volume (make bench-data) and on a demo-sized database (`seed_demo` into a
PostgreSQL database, `--password proximity-demo`). gunicorn serves as `make bench` does
(gunicorn.conf.py, config/settings/bench.py: production settings over plain HTTP); no Celery
worker runs, so anonymous writes stay in their holding table (counted there) and notifications
in the outbox.

The people, in the organisation's proportions (at least one of each): frontline agents (68%)
read the board and reports, file reports (a third anonymous) and add "me too" (a quarter
anonymous); executives (20%) read their home, schedule and reflections, confirm attendance on
their recent places and write the reflection on those that ask for one; CX leads (6%) read the
board and triage: acknowledge a new report, set an owner with dates, move an acknowledged report
on; leadership viewers (6%) read the dashboard, the decision log and the board. Each signs in
through the sign-in form as a person of that role (everyone first: the timed part starts when
the last one is in), and thinks 1-4 s between actions. Redis is REDIS_URL's, else
redis://127.0.0.1:6379/0, as for `make bench`.

Every write GETs its form (the CSRF token), POSTs, and follows the redirect. A write is
answered when the POST answers 302 to the page it should (and, for "me too", whose redirect is
the same either way, the page says so); a form shown again with its reason (two CX leads
acknowledging one report at once, a "me too" given already) is refused, not an error. Any other
answer, a 5xx or a dropped connection is an error. After the run, bench/soak_db.py finds each
answered write by what it wrote (a title or a text carrying the run's token, a supporter and
report, a place confirmed since the start) and counts the rows added since the start. PASS:
no errors, and for every kind answered = stored = rows added. Prints one table and writes it as
JSON (var/bench/soak.json). Tests never assert wall time: this prints figures.
"""

# locust patches the standard library for gevent on import: first, before anything that opens
# sockets or threads.
import locust  # noqa: I001
import gevent
import gevent.event
from locust import FastHttpUser, between, task
from locust.env import Environment

import argparse
import itertools
import json
import os
import random
import re
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from pages import ROOT, prepare, run_json, start_gunicorn, stop

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REPORT_LINK = re.compile(r'href="/frictions/(\d+)/"')
OWNER_OPTION = re.compile(r'<option value="(\d+)"')
SESSION_LINK = re.compile(r'href="(/immersion/sessions/\d+/)"')
SHARES = {"frontline": 0.68, "executive": 0.20, "cx_lead": 0.06, "leadership": 0.06}
KINDS = [
    "file, named",
    "file, anonymous",
    "me too, named",
    "me too, anonymous",
    "triage: acknowledge",
    "triage: owner",
    "triage: status",
    "confirm attendance",
    "reflect",
]
AREAS = ["pricing", "product_roadmap", "platform", "incentives", "policy", "other"]
CHANNELS = ["phone", "chat", "email", "field", "social"]
SEVERITIES = ["low", "medium", "high", "critical"]
SUBJECTS = [
    "Refunds need a second call after the chat",
    "The renewal price is only shown after the card is charged",
    "Password reset e-mails arrive after the link has expired",
    "Field visits cannot be moved once booked online",
    "The bonus counts calls closed, so transfers go up",
]


class Run:
    """What the run has asked and been answered, shared by every simulated person."""

    def __init__(self, plan: dict) -> None:
        self.token = f"soak-{secrets.token_hex(3)}"
        self.plan = plan
        self.serial = itertools.count(1)
        self.writes: dict[str, list[dict]] = {kind: [] for kind in KINDS}
        self.refused: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.reasons: dict[str, set[str]] = {kind: set() for kind in KINDS}
        self.people = {
            role: itertools.cycle(plan["people"][role]) for role in SHARES if plan["people"][role]
        }
        # Places already confirmed or reflected on in this run: two simulated people signed in
        # as one executive (a small database) never write on one place twice.
        self.claimed: set[int] = set()
        # Everyone signs in first (a password hash each, seconds of CPU in all); the timed part
        # starts when the last one has.
        self.expected = 0
        self.signed_in = 0
        self.sign_in_failures = 0
        self.everyone_in = gevent.event.Event()

    def claim(self, place: int) -> bool:
        """Whether `place` is still free to write on in this run (and now taken)."""
        if place in self.claimed:
            return False
        self.claimed.add(place)
        return True

    def arrived(self, *, signed_in: bool) -> None:
        self.signed_in += 1
        self.sign_in_failures += not signed_in
        if self.signed_in >= self.expected:
            self.everyone_in.set()

    def text(self, kind: str) -> str:
        """A text no other write has: the run's token, the kind and a serial number."""
        return f"{self.token} {kind} {next(self.serial)}"


RUN: Run  # set in main() before any simulated person starts


def _today():
    return datetime.now(UTC).date()


def _form_token(response) -> str | None:
    found = TOKEN.search(response.text or "")
    return found.group(1) if found else None


def _reason(text: str) -> str:
    """The first message or field error of a page shown again, for the table's notes."""
    patterns = (
        r'class="invalid-feedback[^"]*"[^>]*>\s*(?:<strong>)?\s*([^<\s][^<]*)',
        r'class="alert alert-(?:danger|warning)[^>]*>\s*([^<\s][^<]*)',
    )
    for pattern in patterns:
        if found := re.search(pattern, text or ""):
            return " ".join(found.group(1).split())[:90]
    return "(no message found)"


class Person(FastHttpUser):
    abstract = True
    wait_time = between(1, 4)
    role = ""

    def on_start(self) -> None:
        person = next(RUN.people[self.role])
        self.me = person if isinstance(person, dict) else {"email": person}
        self.places_to_reflect = list(self.me.get("reflect", []))
        self.places_to_confirm = [
            p for p in self.me.get("confirm", []) if p not in self.places_to_reflect
        ]
        signed_in = False
        try:
            form = self.read("/accounts/login/", "sign in (form)")
            answer = self.client.post(
                "/accounts/login/",
                data={
                    "username": self.me["email"],
                    "password": RUN.plan["password"],
                    "csrfmiddlewaretoken": _form_token(form) or "",
                },
                allow_redirects=False,
                name="sign in",
            )
            signed_in = answer.status_code == 302
        finally:  # whatever happened, the others stop waiting for this one
            RUN.arrived(signed_in=signed_in)
        if not signed_in:
            raise locust.exception.StopUser()
        RUN.everyone_in.wait()

    # Reading

    def read(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: {response.status_code}")
            return response

    # Writing: GET the form, POST, follow the redirect

    def write(self, kind: str, path: str, data: dict, *, expect: str, form_path: str | None = None):
        """POST `data` with the token of the form at `form_path` (default `path`); a 302 to an
        address starting with `expect` is answered, a page shown again (200) refused. Returns
        the followed page, or None."""
        form = self.read(form_path or path, f"form: {kind}")
        token = _form_token(form)
        if token is None:
            return None
        body = urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        with self.client.post(
            path,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
            name=f"write: {kind}",
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code == 302 and location.startswith(expect):
                response.success()
            elif response.status_code == 200:
                response.success()
                RUN.refused[kind] += 1
                RUN.reasons[kind].add(_reason(response.text))
                return None
            else:
                response.failure(f"{kind}: {response.status_code} to {location or '-'}")
                return None
        return self.read(location, f"follow: {kind}")

    def answered(self, kind: str, **what) -> None:
        RUN.writes[kind].append(what)

    def report_on_board(self, query: str, pages: int) -> int | None:
        board = self.read(f"/frictions/?{query}&page={random.randint(1, pages)}", "board, filtered")
        found = REPORT_LINK.findall(board.text or "")
        return int(random.choice(found)) if found else None


class Frontline(Person):
    role = "frontline"

    @task(4)
    def board(self):
        self.read("/frictions/", "board")

    @task(3)
    def report(self):
        if pk := self.report_on_board("status=open", 40):
            self.read(f"/frictions/{pk}/", "report")

    @task(2)
    def home(self):
        self.read("/", "home")

    @task(2)
    def file(self):
        anonymous = random.random() < 1 / 3
        kind = "file, anonymous" if anonymous else "file, named"
        title = f"{random.choice(SUBJECTS)} ({RUN.text(kind)})"
        data = {
            "title": title,
            "description": f"Customers tell us so every week. {title}",
            "area": random.choice(AREAS),
            "channel": random.choice(CHANNELS),
            "customers_per_week": random.randint(1, 400),
            "severity": random.choice(SEVERITIES),
        }
        if anonymous:
            data["anonymous"] = "on"
        if self.write(kind, "/frictions/new/", data, expect="/frictions/filed/") is not None:
            self.answered(kind, title=title)

    @task(2)
    def me_too(self):
        pk = self.report_on_board("status=open", 40)
        if pk is None:
            return
        anonymous = random.random() < 0.25
        kind = "me too, anonymous" if anonymous else "me too, named"
        data = {"anonymous": "yes"} if anonymous else {}
        followed = self.write(
            kind,
            f"/frictions/{pk}/support/",
            data,
            expect=f"/frictions/{pk}/",
            form_path=f"/frictions/{pk}/",
        )
        if followed is None:
            return
        if "support is counted" in (followed.text or ""):
            self.answered(kind, report=pk, email=self.me["email"])
        else:  # the same redirect carries a refusal ("You already support this report.")
            RUN.refused[kind] += 1
            RUN.reasons[kind].add(_reason(followed.text))


class Executive(Person):
    role = "executive"

    @task(3)
    def home(self):
        self.read("/", "home")

    @task(2)
    def schedule(self):
        schedule = self.read("/immersion/schedule/", "schedule")
        if found := SESSION_LINK.findall(schedule.text or ""):
            self.read(random.choice(found), "session")

    @task(1)
    def reflections(self):
        self.read("/immersion/reflections/", "reflections")

    @task(2)
    def confirm_attendance(self):
        if not self.places_to_confirm:
            return self.home()
        place = self.places_to_confirm.pop(0)
        if not RUN.claim(place):
            return None
        if self._attend(place) is not None:
            self.answered("confirm attendance", place=place)
        return None

    @task(2)
    def attend_and_reflect(self):
        """Confirm a place that asks for a reflection (which leads to its form), then write it."""
        if not self.places_to_reflect:
            return self.schedule()
        place = self.places_to_reflect.pop(0)
        if not RUN.claim(place):
            return None
        if self._attend(place) is None:
            return None
        self.answered("confirm attendance", place=place)
        text = RUN.text("reflect")
        empty = {"TOTAL_FORMS": 2, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 20}
        data = {
            "surprised": text,
            "would_change": "Give the agent the refund button instead of a second call.",
            "customer_quote": "I was told twice it was done.",
            "visibility": "leadership",
            **{f"frictions-{k}": v for k, v in empty.items()},
            **{f"commitments-{k}": v for k, v in empty.items()},
            "frictions-0-text": f"The refund is only confirmed by phone ({text})",
            "commitments-0-text": "Ask finance why refunds need a call",
            "commitments-0-due_date": (_today() + timedelta(days=14)).isoformat(),
        }
        if (
            self.write(
                "reflect",
                f"/immersion/places/{place}/reflection/",
                data,
                expect="/immersion/sessions/",
            )
            is not None
        ):
            self.answered("reflect", place=place, text=text)
        return None

    def _attend(self, place: int):
        return self.write(
            "confirm attendance",
            f"/immersion/places/{place}/attendance/",
            {"attended": "yes", "minutes": "", "interactions": random.randint(0, 12)},
            expect="/immersion/",
        )


class CxLead(Person):
    role = "cx_lead"

    @task(3)
    def board(self):
        self.read("/frictions/?status=new&sort=newest", "board, new")

    @task(2)
    def acknowledge(self):
        if pk := self.report_on_board("status=new&sort=newest", 3):
            self._move(pk, "acknowledged", "triage: acknowledge")

    @task(2)
    def set_owner(self):
        pk = self.report_on_board("status=acknowledged", 40)
        if pk is None:
            return
        page = self.read(f"/frictions/{pk}/", "report")
        owners = OWNER_OPTION.findall(page.text or "")
        if not owners:
            return
        text = RUN.text("triage")
        today = _today()
        data = {
            "triage-owner": random.choice(owners),
            "triage-acknowledge_by": (today + timedelta(days=5)).isoformat(),
            "triage-decide_by": (today + timedelta(days=30)).isoformat(),
            "triage-response": text,
        }
        followed = self.write(
            "triage: owner",
            f"/frictions/{pk}/triage/",
            data,
            expect=f"/frictions/{pk}/",
            form_path=f"/frictions/{pk}/",
        )
        if followed is not None:
            self.answered("triage: owner", report=pk, text=text)

    @task(1)
    def move_on(self):
        if pk := self.report_on_board("status=acknowledged", 40):
            self._move(pk, random.choice(["in_progress", "resolved"]), "triage: status")

    def _move(self, pk: int, status: str, kind: str) -> None:
        text = RUN.text(kind)
        data = {"respond-status": status, "respond-response": text}
        if status == "resolved":
            data["respond-resolution"] = "process_change"
        followed = self.write(
            kind,
            f"/frictions/{pk}/status/",
            data,
            expect=f"/frictions/{pk}/",
            form_path=f"/frictions/{pk}/",
        )
        if followed is not None:
            self.answered(kind, report=pk, text=text)


class Leadership(Person):
    role = "leadership"

    @task(3)
    def dashboard(self):
        self.read("/metrics/", "dashboard")

    @task(2)
    def decisions(self):
        self.read("/frictions/decisions/", "decision log")

    @task(2)
    def board(self):
        self.read("/frictions/", "board")

    @task(1)
    def home(self):
        self.read("/", "home")


CLASSES = {
    "frontline": Frontline,
    "executive": Executive,
    "cx_lead": CxLead,
    "leadership": Leadership,
}


def head_counts(users: int) -> dict[str, int]:
    """`users` people in the organisation's proportions, at least one of each role."""
    counts = {role: max(1, round(users * share)) for role, share in SHARES.items()}
    counts["frontline"] += users - sum(counts.values())
    return counts


def db_step(environment: dict[str, str], step: str, stdin: str | None = None) -> dict:
    return run_json("bench/soak_db.py", environment, step, stdin=stdin)


def figures(stats, name: str) -> tuple[int, int, float, float]:
    entry = stats.entries.get((name, "POST")) or stats.entries.get((name, "GET"))
    if entry is None or not entry.num_requests:
        return 0, 0, 0, 0
    return (
        entry.num_requests,
        entry.num_failures,
        entry.get_response_time_percentile(0.50),
        entry.get_response_time_percentile(0.95),
    )


def table(rows: list[dict]) -> str:
    head = (
        f"{'write':22} {'answered':>8} {'refused':>7} {'errors':>6} {'stored':>6} "
        f"{'rows added':>10} {'p50 ms':>6} {'p95 ms':>6}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        lines.append(
            f"{row['kind']:22} {row['answered']:8} {row['refused']:7} {row['errors']:6} "
            f"{row['stored']:6} {row['added']:10} {row['p50_ms']:6.0f} {row['p95_ms']:6.0f}"
        )
    return "\n".join(lines)


def main() -> None:
    global RUN  # the locust users read it; set once, before they start
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="simulated people (50)")
    parser.add_argument("--seconds", type=float, default=120, help="how long they work (120)")
    parser.add_argument("--password", default="proximity-bench", help="everyone's password")
    parser.add_argument("--json", default="var/bench/soak.json", help="where the JSON goes")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (make bench-data, or seed_demo).")
    base, environment = prepare()
    plan = db_step(environment, "plan")
    plan["password"] = args.password
    RUN = Run(plan)
    counts = head_counts(args.users)
    print(
        f"database {plan['database']}: {args.users} people "
        f"({', '.join(f'{n} {role}' for role, n in counts.items())}) for {args.seconds:g} s, "
        f"run {RUN.token}"
    )
    output = ROOT / args.json
    output.parent.mkdir(parents=True, exist_ok=True)
    log = output.with_name("soak-gunicorn.log")
    server = start_gunicorn(environment, base, log)
    try:
        for role, cls in CLASSES.items():
            cls.host = base
            cls.fixed_count = counts[role]
        load = Environment(user_classes=list(CLASSES.values()), stop_timeout=60)
        runner = load.create_local_runner()
        RUN.expected = args.users
        signing_in = time.monotonic()
        runner.start(args.users, spawn_rate=max(1, args.users / 10))
        RUN.everyone_in.wait(timeout=600)
        signed_in_after = time.monotonic() - signing_in
        load.stats.reset_all()  # the timed part: everyone signed in, reading and writing
        started = time.monotonic()
        gevent.sleep(args.seconds)
        runner.stop()  # each person finishes what they are doing (stop_timeout), then stops
        elapsed = time.monotonic() - started
        runner.quit()
    finally:
        stop(server)
    stored = db_step(
        environment,
        "count",
        json.dumps(
            {"watermark": plan["watermark"], "started": plan["started"], "writes": RUN.writes}
        ),
    )
    stats = load.stats
    rows = []
    for kind in KINDS:
        posted, failed, p50, p95 = figures(stats, f"write: {kind}")
        rows.append(
            {
                "kind": kind,
                "answered": len(RUN.writes[kind]),
                "refused": RUN.refused[kind],
                "errors": failed,
                "posted": posted,
                "stored": stored[kind]["stored"],
                "added": stored[kind]["added"],
                "held": stored[kind].get("held"),
                "p50_ms": p50,
                "p95_ms": p95,
                "refused_because": sorted(RUN.reasons[kind]),
            }
        )
    total = stats.total
    errors = total.num_failures + RUN.sign_in_failures
    server_errors = sum(1 for line in log.read_text().splitlines() if "Traceback" in line)
    passed = (
        errors == 0
        and server_errors == 0
        and all(r["answered"] == r["stored"] == r["added"] for r in rows)
    )
    print(
        f"\n{RUN.signed_in - RUN.sign_in_failures} of {args.users} signed in, in "
        f"{signed_in_after:.0f} s; then {total.num_requests} requests in {elapsed:.0f} s "
        f"({total.num_requests / elapsed:.1f}/s), "
        f"{errors} errors; every request p50 "
        f"{total.get_response_time_percentile(0.5):.0f} ms, p95 "
        f"{total.get_response_time_percentile(0.95):.0f} ms; tracebacks in gunicorn's log: "
        f"{server_errors}\n"
    )
    if RUN.sign_in_failures:
        print(f"{RUN.sign_in_failures} could not sign in (is --password right?)\n")
    print(table(rows))
    held = {r["kind"]: r["held"] for r in rows if r["held"]}
    if held:
        print(f"\nin the anonymous holding table now (released after their hour): {held}")
    for row in rows:
        for reason in row["refused_because"]:
            print(f"refused, {row['kind']}: {reason}")
    for error in stats.errors.values():
        print(f"error: {error.occurrences} × {error.name}: {error.error}")
    reads = sorted(
        (e for e in stats.entries.values() if not e.name.startswith("write:")),
        key=lambda e: e.name,
    )
    print("\nreads:")
    for entry in reads:
        if not entry.num_requests:  # signing in, before the timed part
            continue
        print(
            f"  {entry.name:28} {entry.num_requests:6} "
            f"p50 {entry.get_response_time_percentile(0.5):5.0f} ms "
            f"p95 {entry.get_response_time_percentile(0.95):5.0f} ms  errors {entry.num_failures}"
        )
    print("\nPASS" if passed else "\nFAIL")
    output.write_text(
        json.dumps(
            {
                "database": plan["database"],
                "run": RUN.token,
                "users": args.users,
                "seconds": args.seconds,
                "requests": total.num_requests,
                "errors": errors,
                "signed_in_seconds": signed_in_after,
                "tracebacks": server_errors,
                "p50_ms": total.get_response_time_percentile(0.5),
                "p95_ms": total.get_response_time_percentile(0.95),
                "writes": rows,
                "passed": passed,
            },
            indent=2,
        )
    )
    print(f"written: {output.relative_to(ROOT)}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
