"""How the web processes talk to PostgreSQL."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_does_not_jit_compile_a_pages_queries():
    """The dashboard's ten decisions ran in 0.9 ms and were JIT-compiled for 35 ms on every
    request (config/settings/base.py says why JIT is off)."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
