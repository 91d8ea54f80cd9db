"""The gateway's HTTP/1.1 client to providers: asyncio streams and ``h11``, one pool of idle
keep-alive connections per provider origin.

Why not httpx: measured in the gateway (bench/README.md, "LGSP gateway"), httpx/httpcore spent most of
the event loop's time per request in its pool — every request checks every pooled connection through
anyio (``getpeername`` and ``poll`` per connection) — so one process served a few hundred requests a
second. Here a request takes an idle connection (one the provider has not closed) or opens one, sends,
streams the answer, and puts the connection back only when both sides ended their message cleanly.

Timeouts: ``connect`` for opening the connection, ``timeout`` for each write and each read.
"""

import asyncio
import ssl
from collections import deque
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import h11

READ_SIZE = 64 * 1024
MAX_IDLE_PER_ORIGIN = 200


class UpstreamError(Exception):
    """The provider could not be reached or broke the exchange."""


class ConnectError(UpstreamError):
    """No connection to the provider could be opened."""


class ConnectionClosed(ConnectError):
    """The provider closed or reset an open connection before its answer was complete."""


class ProtocolError(UpstreamError):
    """The provider's answer was not valid HTTP."""


class UpstreamTimeout(UpstreamError):
    """No connection, or no bytes, within the service's timeout."""


class _Connection:
    __slots__ = ("reader", "writer", "h11")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.h11 = h11.Connection(h11.CLIENT)

    def usable(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()

    def close(self) -> None:
        self.writer.close()


class Response:
    """A provider's answer: status, headers (lower-case byte names, as h11 gives them) and a body read
    with :meth:`aiter_raw` (transfer coding removed, content coding kept). Always :meth:`aclose` it."""

    def __init__(self, pool: "UpstreamPool", key, conn: _Connection, event: h11.Response, timeout: float):
        self.status_code = event.status_code
        self.headers: list[tuple[bytes, bytes]] = list(event.headers)
        self._pool, self._key, self._conn, self._timeout = pool, key, conn, timeout
        self._done = False

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        while not self._done:
            event = await _next_event(self._conn, self._timeout)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._done = True

    async def aclose(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._done and conn.h11.our_state is h11.DONE and conn.h11.their_state is h11.DONE:
            conn.h11.start_next_cycle()
            self._pool.release(self._key, conn)
        else:
            conn.close()


async def _next_event(conn: _Connection, timeout: float):
    hung_up = False
    while True:
        try:
            event = conn.h11.next_event()
        except h11.RemoteProtocolError as exc:
            # h11 calls a hang-up mid-answer a protocol error; for the caller it is a closed connection.
            raise (ConnectionClosed if hung_up else ProtocolError)(str(exc)) from exc
        if event is h11.NEED_DATA:
            try:
                async with asyncio.timeout(timeout):
                    data = await conn.reader.read(READ_SIZE)
            except TimeoutError:
                raise UpstreamTimeout("read") from None
            except OSError as exc:
                raise ConnectionClosed(str(exc)) from exc
            hung_up = not data
            conn.h11.receive_data(data)
            continue
        if event is h11.PAUSED:
            raise ProtocolError("the provider answered more than one message")
        if isinstance(event, h11.ConnectionClosed):
            raise ConnectionClosed("the provider closed the connection")
        return event


class UpstreamPool:
    """Idle keep-alive connections, per (scheme, host, port)."""

    def __init__(self):
        self.idle: dict[tuple, deque[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None

    def release(self, key, conn: _Connection) -> None:
        idle = self.idle.setdefault(key, deque())
        if len(idle) < MAX_IDLE_PER_ORIGIN:
            idle.append(conn)
        else:
            conn.close()

    async def aclose(self) -> None:
        for idle in self.idle.values():
            while idle:
                idle.pop().close()

    async def _open(self, key, connect: float) -> _Connection:
        scheme, host, port = key
        if scheme == "https" and self._tls is None:
            self._tls = ssl.create_default_context()
        try:
            async with asyncio.timeout(connect):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=self._tls if scheme == "https" else None, limit=READ_SIZE
                )
        except TimeoutError:
            raise UpstreamTimeout("connect") from None
        except OSError as exc:
            raise ConnectError(str(exc)) from exc
        return _Connection(reader, writer)

    def _idle(self, key) -> _Connection | None:
        idle = self.idle.get(key)
        while idle:
            conn = idle.pop()  # the most recently used: the least likely to have been closed
            if conn.usable():
                return conn
            conn.close()
        return None

    async def send(
        self,
        method: str,
        url: str,
        headers: list[tuple[bytes, bytes]],
        body: AsyncIterator[bytes] | None,
        timeout: float,
        connect: float,
    ) -> Response:
        """Send the request and return once the answer's head has arrived. ``headers`` must not carry
        Host, Content-Length or Transfer-Encoding except a Content-Length the body matches."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ConnectError(f"unsupported upstream URL {url!r}")
        port = parts.port or (443 if scheme == "https" else 80)
        key = (scheme, parts.hostname, port)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = parts.netloc.rpartition("@")[2].encode("ascii")
        head = [(b"host", host), *headers]
        if body is not None and not any(name.lower() == b"content-length" for name, _ in headers):
            head.append((b"transfer-encoding", b"chunked"))
        request = h11.Request(method=method, target=target.encode("ascii"), headers=head)
        conn = self._idle(key)
        if conn is not None and body is None:
            # A reused connection the provider closed meanwhile fails before any answer: a request
            # without a body is sent again once on a new connection.
            try:
                return await self._exchange(key, conn, request, None, timeout)
            except UpstreamTimeout:
                raise
            except UpstreamError:
                conn = None
        if conn is None:
            conn = await self._open(key, connect)
        return await self._exchange(key, conn, request, body, timeout)

    async def _exchange(self, key, conn: _Connection, request, body, timeout: float) -> Response:
        try:
            await self._write(conn, conn.h11.send(request), timeout)
            if body is not None:
                async for chunk in body:
                    await self._write(conn, conn.h11.send(h11.Data(data=chunk)), timeout)
            await self._write(conn, conn.h11.send(h11.EndOfMessage()), timeout)
            while True:
                event = await _next_event(conn, timeout)
                if isinstance(event, h11.Response):
                    return Response(self, key, conn, event, timeout)
                # InformationalResponse (100 Continue and the like): wait for the real answer.
        except h11.LocalProtocolError as exc:
            conn.close()
            raise ProtocolError(str(exc)) from exc
        except BaseException:
            conn.close()
            raise

    @staticmethod
    async def _write(conn: _Connection, data: bytes | None, timeout: float) -> None:
        if not data:
            return
        conn.writer.write(data)
        if conn.writer.transport.get_write_buffer_size() > READ_SIZE:
            try:
                async with asyncio.timeout(timeout):
                    await conn.writer.drain()
            except TimeoutError:
                raise UpstreamTimeout("write") from None
            except OSError as exc:
                raise ConnectionClosed(str(exc)) from exc
