"""A tiny HTTP proxy in front of the moto server, for the S3 tests: it records every request
(method, path) and can fail some of them on purpose.

``fail(rule)`` where ``rule(method, path, seen)`` returns a status (or ``(status, error code)``) to
answer instead of forwarding (``seen`` counts earlier requests of the same kind), or None to forward.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional, Tuple

def free_port() -> int:
    """A port nothing listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


Rule = Callable[[str, str, int], Optional[int]]


def request_kind(method: str, path: str) -> str:
    """What a request does, for "the first request of each kind": method + the layout part of the
    key (run.json, DONE, blobs, ...)."""
    name = path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    if re.fullmatch(r"[0-9a-f]{64}", name):
        name = "blob"
    elif name.isdigit():
        name = "<id>"
    query = "?" + path.split("?", 1)[1].split("=")[0] if "?" in path else ""
    return "%s %s%s" % (method, name, query)


class Proxy:
    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.requests: List[Tuple[str, str, int]] = []  # (method, path, status answered)
        self.rule: Optional[Rule] = None
        self._seen: Dict[str, int] = {}
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                kind = request_kind(self.command, self.path)
                with proxy._lock:
                    seen = proxy._seen.get(kind, 0)
                    proxy._seen[kind] = seen + 1
                status = proxy.rule(self.command, self.path, seen) if proxy.rule else None
                if status is not None:
                    status, code = status if isinstance(status, tuple) else (status, "ServiceUnavailable")
                    payload = ("<?xml version='1.0' encoding='UTF-8'?><Error><Code>%s</Code>"
                               "<Message>injected by the test proxy</Message></Error>" % code).encode()
                    with proxy._lock:
                        proxy.requests.append((self.command, self.path, status))
                    self.send_response(status)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                    return
                conn = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                with proxy._lock:
                    proxy.requests.append((self.command, self.path, response.status))
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in ("connection", "transfer-encoding", "content-length", "server", "date"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data) if self.command != "HEAD" else
                                                       response.getheader("Content-Length") or 0))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def fail(self, rule: Optional[Rule]) -> None:
        self.rule = rule
        self._seen = {}

    def clear(self) -> None:
        with self._lock:
            self.requests = []

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
