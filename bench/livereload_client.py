"""A minimal WebSocket client (RFC 6455, standard library only) that speaks the LiveReload protocol.

It does what a browser's livereload.js does: open ``/livereload``, say hello, say which page is open
(python-livereload sends reloads only to clients that sent ``info``), then wait for ``reload``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import struct
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class LiveReloadClient:
    """Connect and handshake, then record (in a reader thread) the perf_counter time of every reload message."""

    def __init__(self, host: str, port: int, page_url: str, path: str = "/livereload") -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buffer, self.lock, self.arrived = b"", threading.Lock(), threading.Condition()
        self.reloads: list[float] = []
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest())
        if not head.startswith(b"HTTP/1.1 101") or accept not in head:
            raise OSError(f"{path}: no WebSocket handshake: {head.splitlines()[0]!r}")
        self.send({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        if self.receive().get("command") != "hello":
            raise OSError("the LiveReload server did not answer hello")
        self.send({"command": "info", "plugins": {}, "url": page_url})
        self.connected = time.perf_counter()
        self.sock.settimeout(None)
        threading.Thread(target=self._read_forever, daemon=True).start()

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise OSError("the server closed the connection")
        self.buffer += data

    def _take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self._fill()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _frame(self, opcode: int, payload: bytes) -> None:
        """Send one frame; a client's frames are always masked (RFC 6455, 5.3)."""
        n, mask = len(payload), os.urandom(4)
        size = bytes([0x80 | n]) if n < 126 else bytes([0xFE]) + struct.pack("!H", n) if n < 65536 \
            else bytes([0xFF]) + struct.pack("!Q", n)
        with self.lock:
            self.sock.sendall(bytes([0x80 | opcode]) + size + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def send(self, message: dict[str, object]) -> None:
        self._frame(0x1, json.dumps(message).encode())

    def receive(self) -> dict[str, object]:
        """The next whole (possibly fragmented) data message; pings are answered on the way."""
        parts: list[bytes] = []
        while True:
            first, second = self._take(2)
            n = second & 0x7F
            n = struct.unpack("!H", self._take(2))[0] if n == 126 else struct.unpack("!Q", self._take(8))[0] if n == 127 else n
            mask = self._take(4) if second & 0x80 else b"\0\0\0\0"
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._take(n)))
            opcode = first & 0x0F
            if opcode == 0x8:
                raise OSError("the server closed the WebSocket")
            if opcode == 0x9:
                self._frame(0xA, payload)
            elif opcode in (0x0, 0x1, 0x2):
                parts.append(payload)
                if first & 0x80:
                    return json.loads(b"".join(parts))

    def _read_forever(self) -> None:
        try:
            while True:
                if self.receive().get("command") == "reload":
                    with self.arrived:
                        self.reloads.append(time.perf_counter())
                        self.arrived.notify_all()
        except (OSError, ValueError):
            return

    def reload_after(self, since: float, timeout: float) -> float | None:
        """The time of the first reload received after ``since``, waiting up to ``timeout`` seconds."""
        deadline = time.perf_counter() + timeout
        with self.arrived:
            while not (later := [t for t in self.reloads if t > since]):
                if (remaining := deadline - time.perf_counter()) <= 0:
                    return None
                self.arrived.wait(remaining)
            return later[0]

    def wait_quiet(self, seconds: float) -> None:
        """Wait until no reload has come for ``seconds`` (python-livereload's own watcher drops a change
        within 3 s of its previous reload, and sends one reload soon after it starts)."""
        while (remaining := max([self.connected, *self.reloads]) + seconds - time.perf_counter()) > 0:
            time.sleep(remaining)

    def close(self) -> None:
        try:
            self._frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()
