"""Beat's reminder scan over 10,000 due reminders, then over half as many: how long `scans_run`
takes and how many queries it makes (the same number at both sizes, but for the INSERTs, which
go 1,000 rows a statement); then how long the relay takes to hand them to the broker. Prints
figures; asserts nothing.

    .venv/bin/python bench/bench_notification_scan.py [--reminders 10000]
    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/bench_notification_scan.py

Runs against a throwaway test database (SQLite in memory, or PostgreSQL when DATABASE_URL is
set); the broker is Redis when REDIS_URL is set (the filesystem transport otherwise), and the
messages the relay put on it are purged at the end. The issue's target: the scan in at most
30 seconds on PostgreSQL.

Each executive (one for every ten reminders, in groups of four sharing their sessions) has
four sessions starting within the day (4 session reminders), two that just ended unconfirmed
(2 attendance reminders), two that ended three and four days ago without a reflection (2
overdue reflections) and two commitments due today (2 commitment reminders). Quiet hours are
off and everyone lives where it is now between 09:00 and midnight, so every reminder is due at
once and the relay has them all.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

# People are spread over those of these zones where it is now past 09:00 and before midnight,
# so that a commitment due today there has its reminder due.
ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Pacific/Auckland",
    "America/Los_Angeles",
    "America/New_York",
]
PER_EXECUTIVE = 10
GROUP = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.reminders)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(reminders: int) -> None:
    from datetime import time as clock

    from django.conf import settings

    from notifications.models import NotificationSettings

    now = timezone.now().replace(second=0, microsecond=0)
    NotificationSettings(pk=1, lead_hours=[24, 1], quiet_from=clock(0), quiet_until=clock(0)).save()
    broker = settings.CELERY_BROKER_URL.split("://")[0]
    print(f"database: {connection.vendor}, broker: {broker}, scan at {now:%Y-%m-%d %H:%M} UTC")
    print(f"zones: {', '.join(awake(now))}")
    print()
    print(f"{'reminders':>10}{'written':>9}{'scan':>9}{'queries':>9}{'reads':>7}{'inserts':>9}")
    full = scan_once(now, reminders)
    relay(now)
    clear()
    half = scan_once(now, reminders // 2)
    print()
    grew = "grew" if half["reads"] != full["reads"] else "did not grow"
    print(
        f"reads: {full['reads']} for {full['written']:,} reminders, {half['reads']} for "
        f"{half['written']:,}: {grew}. The rest are the INSERTs, in batches of 1,000 rows "
        "(services.notify_many; fewer on SQLite, which takes 999 parameters a statement), "
        "and on SQLite the BEGIN/COMMIT around them."
    )


def scan_once(now, reminders: int) -> dict:
    from notifications.models import Notification
    from notifications.scans import scans_run

    build(now, reminders)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        done = scans_run(now=now)
    seconds = time.perf_counter() - started
    inserts = sum(1 for q in queries if q["sql"].startswith("INSERT"))
    reads = sum(1 for q in queries if q["sql"].startswith("SELECT"))
    if os.environ.get("BENCH_SQL"):
        for q in queries:
            print("   ", q["sql"][:150])
    written = Notification.objects.count()
    print(
        f"{reminders:>10,}{written:>9,}{seconds:>8.2f}s{len(queries):>9}"
        f"{reads:>7}{inserts:>9}   {done}"
    )
    with CaptureQueriesContext(connection) as again:
        started = time.perf_counter()
        repeat = sum(scans_run(now=now).values())
    print(
        f"{'again':>10}{repeat:>9}{time.perf_counter() - started:>8.2f}s{len(again):>9}"
        "   (a second scan of the same moment writes nothing)"
    )
    return {"written": written, "reads": reads}


def relay(now) -> None:
    from notifications.services import notifications_relay

    started = time.perf_counter()
    handed = notifications_relay(now=now)
    first = time.perf_counter() - started
    total = handed
    # The relay hands again what was handed more than RESEND_AFTER before `now`: with the real
    # time as `now`, each row is handed once.
    while batch := notifications_relay(now=now):
        total += batch
    print(
        f"{'relay':>10}{handed:>9,}{first:>8.2f}s   one notifications_relay (RELAY_BATCH); "
        f"all {total:,} handed in {time.perf_counter() - started:.2f}s"
    )
    from celery import current_app

    current_app.control.purge()


def awake(now) -> list[str]:
    """The zones where it is now between 09:05 and 23:55."""
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    return [z for z in ZONES if clock(9, 5) <= now.astimezone(ZoneInfo(z)).time() <= clock(23, 55)]


def clear() -> None:
    from accounts.models import User
    from immersion.models import Commitment, Participant, Reflection, Session
    from notifications.models import Notification

    for model in (Notification, Commitment, Reflection, Participant, Session):
        model.objects.all().delete()
    User.objects.filter(email__endswith="@bench.example").delete()


def build(now, reminders: int) -> None:
    """Executives and their sessions, places, reflections and commitments, in bulk."""
    from datetime import timedelta

    from accounts.models import FrontlineTeam, User
    from immersion.models import ActivityType, Commitment, Participant, Reflection, Session

    count = max(GROUP, reminders // PER_EXECUTIVE // GROUP * GROUP)
    zones = awake(now)
    User.objects.bulk_create(
        User(
            email=f"exec{n}@bench.example",
            display_name=f"Executive {n}",
            time_zone=zones[n % len(zones)],
            password="!",  # noqa: S106 - an unusable password, as Django writes it
        )
        for n in range(count)
    )
    people = list(User.objects.filter(email__endswith="@bench.example").order_by("pk"))
    lead = people[0]
    team = FrontlineTeam.objects.get_or_create(
        name="Team Nord", defaults={"channel": "phone", "weekly_listener_capacity": 20}
    )[0]
    listening = ActivityType.objects.get(slug="call-listening")
    hour = timedelta(hours=1)
    starts = {
        "coming": [now + timedelta(hours=2 + 3 * k) for k in range(4)],
        "ended": [now - 2 * hour, now - 5 * hour],
        "overdue": [now - timedelta(days=3), now - timedelta(days=4)],
        "reflected": [now - timedelta(days=5)],
    }
    sessions = [
        Session(
            activity_type=listening,
            host_team=team,
            starts_at=start,
            ends_at=start + hour,
            created_by=lead,
            notes=f"{label} {group}",
        )
        for group in range(count // GROUP)
        for label, moments in starts.items()
        for start in moments
    ]
    Session.objects.bulk_create(sessions, batch_size=2000)
    places = []
    for session in sessions:
        label, group = session.notes.split()
        attendance = "attended" if label in ("overdue", "reflected") else "invited"
        for person in people[int(group) * GROUP : (int(group) + 1) * GROUP]:
            places.append(
                Participant(
                    session=session,
                    person=person,
                    starts_at=session.starts_at,
                    ends_at=session.ends_at,
                    attendance=attendance,
                )
            )
    Participant.objects.bulk_create(places, batch_size=2000)
    reflected = [p for p in places if p.session.notes.startswith("reflected")]
    reflections = Reflection.objects.bulk_create(
        [Reflection(participant=p, surprised="…", would_change="…") for p in reflected],
        batch_size=2000,
    )
    Reflection.objects.update(updated_at=now - timedelta(days=5))
    Commitment.objects.bulk_create(
        [
            Commitment(
                reflection=reflection,
                person=reflection.participant.person,
                text=f"Commitment {n}",
                due_date=now.astimezone(reflection.participant.person.zone).date(),
            )
            for reflection in reflections
            for n in range(2)
        ],
        batch_size=2000,
    )


if __name__ == "__main__":
    main()
