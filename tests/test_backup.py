"""Backups: what README's Deployment section tells an operator to run (`pg_dump --format=custom`,
then `pg_restore` into a new database) gives back a database that answers the same."""

import shutil
import subprocess
import uuid
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from frictions.models import AnonymousWrite, FrictionReport
from frictions.services import friction_report_file, friction_report_support

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REPORT = {
    "title": "Refunds need a second call after the chat",
    "description": "Customers are told to call back to confirm a refund the chat already took.",
    "area": "pricing",
    "channel": "chat",
    "customers_per_week": 40,
    "severity": "medium",
}


def _url(name: str) -> str:
    """A database on the test database's server, as pg_dump and psql take it."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "localhost"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


def _snapshot(url: str) -> dict:
    """What a restored database must answer alike: every table's rows, where each id sequence
    stands (the next row must not reuse an id), the migrations applied."""
    with psycopg.connect(url) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        rows = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608 - names from pg_tables
        sequences = {
            name: db.execute(f'SELECT last_value FROM "{name}"').fetchone()[0]  # noqa: S608
            for (name,) in db.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
            )
        }
        migrations = db.execute(
            "SELECT app, name FROM django_migrations ORDER BY app, name"
        ).fetchall()
    return {"rows": rows, "sequences": sequences, "migrations": migrations}


@pytest.fixture
def restored_database():
    """The name of a new, empty database on the same server, dropped after the test."""
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL, the production database (set DATABASE_URL)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    connection.close()  # nothing of this test keeps a connection to it, but be sure
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_pg_dump_restored_with_pg_restore_answers_the_same(
    restored_database, frontline, executive, client, tmp_path
):
    named, _ = friction_report_file(reporter=frontline, anonymous=False, **REPORT)
    _, code = friction_report_file(
        reporter=frontline,
        anonymous=True,
        **{**REPORT, "title": "The renewal price shows after the card is charged"},
    )
    friction_report_support(report=named, supporter=executive)
    client.force_login(executive)  # a session row, which the dump carries too
    assert code
    source = _snapshot(_url(connection.settings_dict["NAME"]))
    assert source["rows"]["frictions_frictionreport"] == 1
    assert source["rows"]["frictions_anonymouswrite"] == 1  # waiting for its hour
    assert source["rows"]["frictions_frictionsupport"] == 1
    assert source["rows"]["django_session"] == 1

    dump = tmp_path / "proximity.dump"
    subprocess.run(  # noqa: S603 - the documented command, our own arguments
        [
            shutil.which("pg_dump"),
            "--format=custom",
            f"--file={dump}",
            _url(connection.settings_dict["NAME"]),
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(  # noqa: S603
        [
            shutil.which("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            f"--dbname={_url(restored_database)}",
            str(dump),
        ],
        check=True,
        capture_output=True,
    )

    restored = _snapshot(_url(restored_database))
    assert restored == source
    with psycopg.connect(_url(restored_database)) as db:
        title, description, support_count = db.execute(
            "SELECT title, description, support_count FROM frictions_frictionreport WHERE id = %s",
            [named.pk],
        ).fetchone()
        held = db.execute("SELECT kind, data->>'title' FROM frictions_anonymouswrite").fetchall()
    assert (title, description, support_count) == (REPORT["title"], REPORT["description"], 1)
    # The anonymous report still waits: the holding table is in the dump, release and all.
    assert held == [
        (AnonymousWrite.Kind.REPORT.value, "The renewal price shows after the card is charged")
    ]
    assert FrictionReport.objects.count() == 1  # the source is untouched
