"""A local HTTP receiver standing in for a team's webhook: records every POST, answers with queued statuses
(then 200)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answered in order, then 200
    received: list[tuple[str, bytes]] = field(default_factory=list)  # (Content-Type, body) of each POST
    gets: int = 0  # GET requests (a client that followed a redirect)
    retry_after: list[str] = field(default_factory=list)  # Retry-After headers sent with the queued statuses, in order


@contextmanager
def webhook_receiver(path: str = "/hook/rahasia") -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((self.headers["Content-Type"], body))
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", state.url)
            if status in (429, 503) and state.retry_after:
                self.send_header("Retry-After", state.retry_after.pop(0))
            self.end_headers()

        def do_GET(self):  # noqa: N802 - the http.server API
            state.gets += 1
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
