"""The Redis cache backend (core.cache): Django's, keeping one client per connection pool."""

import os
import secrets
import threading

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from core.cache import RedisCache

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"),
]


@pytest.fixture
def caches():
    """Ours and Django's on the same Redis and key prefix."""
    params = {"KEY_PREFIX": f"test-cache-{secrets.token_hex(4)}"}
    ours = RedisCache(os.environ["REDIS_URL"], params)
    theirs = DjangoRedisCache(os.environ["REDIS_URL"], params)
    yield ours, theirs
    # Not clear(): it empties the whole Redis database, the broker's queues with it.
    ours.delete_many(["progress", "a", "b", "stamp", *(f"thread-{n}" for n in range(8))])


def test_what_one_writes_the_other_reads_and_every_thread_too(caches):
    """The stored values are Django's own (a deployment can switch either way with a cache
    full of entries), and threads share the one client without mixing their answers."""
    ours, theirs = caches
    ours.set("progress", {"sessions": 3})
    ours.set_many({"a": 1, "b": [2, 3]})
    assert theirs.get("progress") == {"sessions": 3}
    theirs.set("stamp", 7)
    assert ours.get_many(["a", "b", "stamp", "missing"]) == {"a": 1, "b": [2, 3], "stamp": 7}

    answers = {}

    def read_and_write(n: int) -> None:
        for round_ in range(50):
            ours.set(f"thread-{n}", (n, round_))
            answers[n] = ours.get(f"thread-{n}")

    threads = [threading.Thread(target=read_and_write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {n: (n, 49) for n in range(8)}
    assert ours.incr("stamp") == 8
    ours.delete("stamp")
    assert theirs.get("stamp") is None


def test_one_client_serves_every_call(caches):
    """Django's makes a redis-py client per call, each filling ~170 response callbacks."""
    ours, theirs = caches
    assert ours._cache.get_client() is ours._cache.get_client(write=True)
    assert theirs._cache.get_client() is not theirs._cache.get_client()
