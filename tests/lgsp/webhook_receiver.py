"""A tiny real HTTP webhook receiver for the publish / subscribe tests: it records every request
(headers, raw body), checks nothing itself, and can be told to fail, to hang, or be started late on a
port chosen in advance (a subscriber that is down, then up)."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.requests: list[dict] = []
        self.status = 200
        self.hang = threading.Event()  # set: the next requests wait until ``release`` is set
        self.release = threading.Event()
        self.entered = threading.Event()
        self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                receiver.entered.set()
                if receiver.hang.is_set():
                    receiver.release.wait(60)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self.release.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def event_ids(self) -> list[str]:
        return [r["headers"].get("X-Congso-Event-Id") for r in self.requests]
