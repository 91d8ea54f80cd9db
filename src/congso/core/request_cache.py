"""A memo that lives for one HTTP request: what several parts of one request ask for (the officer's
memberships, the procedure version in force) is read from the database once, not once per caller.

``core.middleware.RequestContextMiddleware`` opens a fresh memo for every request and drops it at the
end, so nothing outlives the request that read it and no cross-request invalidation is needed. Outside a
request (the worker, management commands, tests calling services directly) there is no memo and every
call reads the database, exactly as before.

Keys are tuples whose first item names the owner (``("agencies.memberships", user_id, day)``);
``forget(owner)`` drops an owner's entries when the request itself changes what they were read from.
"""

import contextvars
from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("congso_request_cache", default=None)


@contextmanager
def bound():
    """Give the code run inside the block its own, empty memo (one per request)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remember(key: tuple, compute: Callable[[], T]) -> T:
    """The value memoised under ``key`` in this request, computed by ``compute()`` the first time.
    Without a request memo, ``compute()`` every time."""
    memo = _memo.get()
    if memo is None:
        return compute()
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = compute()
        return value


def peek(key: tuple, default=None):
    """The value memoised under ``key`` in this request, or ``default``."""
    memo = _memo.get()
    return default if memo is None else memo.get(key, default)


def store(key: tuple, value) -> None:
    """Memoise ``value`` under ``key`` for the rest of this request (nothing outside a request)."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value


def forget(owner: str) -> None:
    """Drop every entry of ``owner`` (the first item of its keys) memoised in this request."""
    memo = _memo.get()
    if memo:
        for key in [key for key in memo if key[0] == owner]:
            del memo[key]
