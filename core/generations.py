"""Generations: a token in the shared cache naming the current state of some data, so that what
is computed from that data can be remembered under it and is never read after the data changed.

A write that changes the data calls `generation_bump(name)` inside its transaction: the token
changes at once (the writer's own later reads recompute) and again when the transaction commits,
so an answer computed meanwhile from the rows as they were before the commit is remembered under
a token nobody asks for any more. Entries under old tokens are never deleted; they time out.

The shared cache is Redis in production and files beside the embedded broker otherwise, so every
web and worker process sees the same token. When the cache cannot be reached, `remembered`
computes and keeps nothing: a page never fails, nor shows a stale figure, because of the cache.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from secrets import token_hex
from typing import TypeVar

from django.core.cache import caches
from django.db import transaction

logger = logging.getLogger(__name__)

CACHE_ALIAS = "shared"
T = TypeVar("T")


def generation_key(name: str) -> str:
    return f"generation:{name}"


def generation(name: str, *, cache=None) -> str:
    """The current token of `name` (a new one when none is kept). Raises when the cache is
    away; `remembered` catches that."""
    cache = cache or caches[CACHE_ALIAS]
    key = generation_key(name)
    token = cache.get(key)
    if token is None:
        cache.add(key, token_hex(8), timeout=None)
        token = cache.get(key)
    return token


def _new_tokens(names: tuple[str, ...]) -> None:
    try:
        tokens = {generation_key(name): token_hex(8) for name in names}
        caches[CACHE_ALIAS].set_many(tokens, timeout=None)
    except Exception:  # noqa: BLE001 - the writer's transaction must not fail on the cache
        logger.warning("Shared cache unavailable; generations %s not renewed", ", ".join(names))


@dataclass(frozen=True)
class _Renewal:
    """The on-commit renewal of some generations (one per transaction, however many writes)."""

    names: tuple[str, ...]

    def __call__(self) -> None:
        _new_tokens(self.names)


def generation_bump(*names: str) -> None:
    """The data each of `names` stands for changed: new tokens now, and again once this
    commits; several names in one call are renewed in one round trip each time (a rotation's
    hundreds of people)."""
    if not names:
        return
    _new_tokens(names)
    connection = transaction.get_connection()
    renewal = _Renewal(names)
    if connection.in_atomic_block and any(f == renewal for _, f, _ in connection.run_on_commit):
        return
    transaction.on_commit(renewal)


def remembered(
    names: str | tuple[str, ...],
    key: str,
    compute: Callable[[], T],
    *,
    timeout: int | Callable[[T], int],
) -> T:
    """`compute()`, kept in the shared cache under `key` and the current generation of each of
    `names` (what it is computed from) for `timeout` seconds at most: a number, or a function
    of the value computed, for a value that says itself how long it stays true (0: not kept)."""
    names = (names,) if isinstance(names, str) else names
    try:
        cache = caches[CACHE_ALIAS]
        tokens = ":".join(f"{name}={generation(name, cache=cache)}" for name in names)
        full_key = f"{tokens}:{key}"
        found = cache.get(full_key)
    except Exception:  # noqa: BLE001 - the cache down must not refuse the page: compute
        logger.warning("Shared cache unavailable; %s computed without it", key)
        return compute()
    if found is not None:
        return found
    value = compute()
    seconds = timeout(value) if callable(timeout) else timeout
    if seconds <= 0:
        return value
    try:
        cache.set(full_key, value, timeout=seconds)
    except Exception:  # noqa: BLE001 - remembered next time, then
        logger.warning("Shared cache unavailable; %s not remembered", key)
    return value
