"""The default cache's Redis backend (REDIS_URL): Django's, with one client kept per
connection pool.

Django's RedisCacheClient builds a new `redis.Redis` for every call, and building one fills its
table of ~170 response callbacks: on a cached page's hit, which asks Redis for the page
version alone, that cost more than the round trip (jii_campaign/page_cache.py). A `redis.Redis`
is safe to share between threads: it takes a connection from its pool for each command.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class HeldClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class HeldClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = HeldClientRedisCacheClient
