"""The per-request memo (``core.request_cache``): one value per key inside a request, none outside."""

from congso.core import request_cache


def test_outside_a_request_every_call_computes():
    calls = []
    for _n in range(2):
        request_cache.remember(("test", 1), lambda: calls.append(1) or len(calls))
    assert calls == [1, 1]
    request_cache.store(("test", 1), "ignored")
    assert request_cache.peek(("test", 1)) is None


def test_inside_a_request_a_key_is_computed_once_until_forgotten():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with request_cache.bound():
        assert request_cache.remember(("test", 1), compute) == 1
        assert request_cache.remember(("test", 1), compute) == 1
        assert request_cache.remember(("test", 2), compute) == 2
        request_cache.store(("other", 1), "kept")
        request_cache.forget("test")
        assert request_cache.remember(("test", 1), compute) == 3
        assert request_cache.peek(("other", 1)) == "kept"
    with request_cache.bound():  # the next request starts empty
        assert request_cache.peek(("other", 1)) is None


def test_the_middleware_gives_each_request_its_own_memo(rf):
    from congso.core.middleware import RequestContextMiddleware

    seen = []

    def view(request):
        seen.append(request_cache.remember(("test",), lambda: len(seen)))
        return None

    middleware = RequestContextMiddleware(view)
    middleware(rf.get("/"))
    middleware(rf.get("/"))
    assert seen == [0, 1]
    assert request_cache.peek(("test",)) is None  # nothing outlives the request
