"""The Celery app's broker, as configured from the environment."""

import os

import pytest

from config.celery_app import app


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_celery_uses_redis_when_redis_url_is_set():
    assert app.conf.broker_url.startswith("redis://")
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
