"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's RedisCacheClient makes a new `redis.Redis` for every cache call, and redis-py fills each
new client's table of about 170 response callbacks as it is made: an executive's home, with eight
cache calls, spent more on making clients than on talking to Redis. A client is a thin handle on
its pool (the pool holds the connections and is shared by threads, as redis-py documents), so
one per pool is kept and used by every thread of the process.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    """settings.CACHES' BACKEND for Redis: Django's, with `_ClientPerPool`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientPerPool
