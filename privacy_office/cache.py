"""Django's Redis cache, storing JSON (never pickle) and reusing one client per connection pool.

Values are JSON, with datetimes and dates tagged so they come back as such: Django's
default serializer is pickle, and unpickling what a shared Redis hands back runs whatever
code anyone who can write to that Redis put there. A value that is not this JSON (an entry
pickled by an earlier version, or planted) reads as a miss and is never unpickled. Cache
plain data: anything else (a model instance, a dataclass) is refused when it is set.

Django 5.2 builds a new ``redis.Redis`` for every cache call; with redis-py 8
that costs about 0.15 ms (it rebuilds its table of response callbacks), which
on pages that read the cache a dozen times was a fifth of a request's time.
A client over a pool is thread-safe, so one per pool serves every call.
"""

import json
from datetime import date, datetime
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

UNREADABLE = object()  # what loads() gives for bytes that are not this cache's JSON
_DATETIME, _DATE = "__datetime__", "__date__"


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    raise TypeError(f"The cache stores JSON only, not {type(value).__name__}.")


def _decode(obj: dict) -> Any:
    if len(obj) == 1 and _DATETIME in obj:
        return datetime.fromisoformat(obj[_DATETIME])
    if len(obj) == 1 and _DATE in obj:
        return date.fromisoformat(obj[_DATE])
    return obj


class JSONSerializer:
    """Django's RedisSerializer without pickle: integers stay raw (for INCR), the rest JSON."""

    def dumps(self, obj: Any) -> int | bytes:
        if type(obj) is int:
            return obj
        return json.dumps(obj, default=_encode, separators=(",", ":")).encode()

    def loads(self, data: bytes) -> Any:
        try:
            return int(data)
        except ValueError:
            pass
        try:
            return json.loads(data, object_hook=_decode)
        except ValueError:  # UnicodeDecodeError and JSONDecodeError included
            return UNREADABLE


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options):
        options["serializer"] = JSONSerializer
        super().__init__(servers, **options)

    def get(self, key, default):
        value = self.get_client(key).get(key)
        if value is None:
            return default
        loaded = self._serializer.loads(value)
        return default if loaded is UNREADABLE else loaded

    def get_many(self, keys):
        values = self.get_client(None).mget(keys)
        loaded = {
            key: self._serializer.loads(value)
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }
        return {key: value for key, value in loaded.items() if value is not UNREADABLE}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def count(self, key: str, timeout: int) -> int:
        """Add one to a counter that expires ``timeout`` seconds after its first use; return it.

        One round trip (SET NX with expiry, then INCR, in a pipeline; Redis 6 and later),
        for rate limits on busy doors.
        """
        key = self.make_and_validate_key(key)
        pipeline = self._cache.get_client(key, write=True).pipeline()
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        _, used = pipeline.execute()
        return used
