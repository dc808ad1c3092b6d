"""A TCP proxy for fault injection: forwards to a server until told to cut every connection.

>>> import socket
>>> srv = socket.create_server(("127.0.0.1", 0)); port = srv.getsockname()[1]
>>> with FaultProxy(port) as proxy:
...     proxy.port > 0
True
"""

from __future__ import annotations

import socket
import threading
import time


class FaultProxy:
    """Listens on 127.0.0.1 (a free port) and forwards every connection to ``target_port``.

    :meth:`cut` drops every open connection and refuses new ones (accepts and closes
    them at once) for some seconds: what a network blip or a restarting server looks
    like to a client. :meth:`blackhole` accepts connections and never answers.
    """

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._down_until = 0.0
        self._mute = False
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self.cuts = 0
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self) -> "FaultProxy":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._drop_all()

    def cut(self, seconds: float) -> None:
        """Drop every connection now, and refuse new ones for ``seconds``."""
        with self._lock:
            self._down_until = time.monotonic() + seconds
            self.cuts += 1
        self._drop_all()

    def blackhole(self, on: bool = True) -> None:
        """Accept connections but never forward or answer anything."""
        self._mute = on

    def _drop_all(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self._mute:
                with self._lock:
                    self._conns.append(client)  # held open, never answered
                continue
            if time.monotonic() < self._down_until:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
