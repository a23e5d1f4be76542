"""Servers that misbehave, for real on 127.0.0.1: a raw TCP server whose handler hangs, cuts a body
off or trickles bytes, and a TLS context no client trusts. Used by the network-fault tests and by
bench/network_faults.py and bench/hostile_network.py."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

URL_FORMATS = ("samhsa-json", "hsds", "meeting-guide", "airs-xml")


# ------------------------------------------------------------------------------ a raw TCP server

@contextmanager
def raw_server(handle: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    """A bare TCP server on 127.0.0.1 that does exactly what `handle` does with each connection
    (hang, cut a body off): faults a well-behaved HTTP server library will not produce."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    port = listener.getsockname()[1]
    threads: list[threading.Thread] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            t = threading.Thread(target=_handle_quietly, args=(handle, conn, stop), daemon=True)
            t.start()
            threads.append(t)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}/export"
    finally:
        stop.set()
        server.join(5)
        listener.close()
        for t in threads:
            t.join(5)


def _handle_quietly(handle, conn: socket.socket, stop: threading.Event) -> None:
    with conn:
        conn.settimeout(5)
        try:
            conn.recv(65536)  # the request
            handle(conn, stop)
        except OSError:
            pass


def hang(conn: socket.socket, stop: threading.Event) -> None:
    """Accept, read the request, never answer."""
    stop.wait(120)


def cut_off(conn: socket.socket, stop: threading.Event) -> None:
    """Promise 5,000 bytes, send a few, close."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
                 b'{"page": 1, "totalPages": 1, "rows": [{"name1": "Half')


def oversize_header(conn: socket.socket, stop: threading.Event) -> None:
    """Declare a 300 MB body (over the default 200 MB cap), send a little, then wait."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 314572800\r\n\r\n[")
    stop.wait(120)


# The start of an answer, then the byte sent again and again: each arrives well within the read
# timeout, so only a deadline on the whole transfer ends it.
TRICKLES = {
    "body": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n[", b" "),
    "chunked body": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                     b"1\r\n \r\n"),
    "headers": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ", b"a"),
}


def trickle(part: str, every: float = 5.0, ticks: int = 10_000):
    """A handler that trickles `part` (a key of TRICKLES): one byte every `every` seconds,
    `ticks` times, then closes."""
    head, tick = TRICKLES[part]

    def handle(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head)
        for _ in range(ticks):
            if stop.wait(every):
                return
            conn.sendall(tick)

    return handle


def self_signed_context():
    """A server-side TLS context with a certificate no client trusts, or None without trustme."""
    try:
        import trustme
    except ImportError:
        return None
    cert = trustme.CA().issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context
