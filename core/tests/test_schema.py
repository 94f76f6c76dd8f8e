"""core.schema: the concurrent index builds that migrations share."""

import pytest
from django.db import connection

from core.schema import index_create_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NAME = "core_schema_test_title"


def _valid() -> bool | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [NAME])
        found = cursor.fetchone()
    return None if found is None else found[0]


def test_a_failed_concurrent_build_is_built_again_not_taken_for_done():
    """A build that a lock timeout cut short leaves an INVALID index behind; the migration's
    next run (README, Upgrades: run it again) must not skip it as existing."""
    if connection.vendor != "postgresql":
        pytest.skip("CREATE INDEX CONCURRENTLY is PostgreSQL's")
    definition = "frictions_frictionreport (title)"
    try:
        with connection.cursor() as cursor:
            index_create_concurrently(cursor, NAME, definition)
            assert _valid() is True
            # What an interrupted CONCURRENTLY build leaves (the test runs as a superuser).
            cursor.execute(
                "UPDATE pg_index SET indisvalid = false WHERE indexrelid = to_regclass(%s)",
                [NAME],
            )
            assert _valid() is False
            index_create_concurrently(cursor, NAME, definition)
            assert _valid() is True
            index_create_concurrently(cursor, NAME, definition)  # a valid one is kept
            assert _valid() is True
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {NAME}")
