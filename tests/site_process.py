"""The site as production runs it, in its own process: gunicorn started with the Dockerfile's
command, against the test database, optionally through a TCP proxy that a test can cut to play a
database outage. Lets a test watch what a visitor sees when PostgreSQL or Stripe misbehaves."""

import contextlib
import json
import os
import re
import selectors
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target port; `cut()` drops every connection and refuses
    new ones (as a database that went away), `restore()` lets them through again."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._up = True
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self._up:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._open += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a, b):
        selector = selectors.DefaultSelector()
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            for sock in (a, b):
                sock.close()

    def cut(self):
        self._up = False
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self._open.clear()

    def restore(self):
        self._up = True

    def close(self):
        self._closed = True
        self.cut()
        self.listener.close()


def dockerfile_command() -> list[str]:
    """The production command (the Dockerfile's CMD), so the test runs what production runs."""
    line = next(
        line
        for line in (BASE_DIR / "Dockerfile").read_text().splitlines()
        if line.startswith("CMD")
    )
    return json.loads(line.removeprefix("CMD"))


class SiteProcess:
    def __init__(self, database_url: str, **environment: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = dockerfile_command()
        bind = command.index("--bind")
        command[bind + 1] = f"127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "REDIS_"))}
        env.update(
            DEBUG="false",
            SECRET_KEY="test-only-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            STATIC_MANIFEST="false",
            SITE_URL=self.url,
            DATABASE_URL=database_url,
            STRIPE_WEBHOOK_SECRET="whsec_test_secret",
            **environment,
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._wait_until_serving()

    def _wait_until_serving(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read())
            try:
                requests.get(self.url + "/healthz", timeout=5)
                return
            except requests.RequestException:  # not listening yet, or still loading the app
                time.sleep(0.2)
        raise RuntimeError("the site did not start")

    def get(self, path, **kwargs):
        return requests.get(self.url + path, timeout=15, allow_redirects=False, **kwargs)

    def post(self, path, **kwargs):
        return requests.post(self.url + path, timeout=40, allow_redirects=False, **kwargs)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def csrf_cookie(response) -> str:
    """The CSRF cookie is Secure in production, so a client over plain HTTP would not send it
    back; the test sends it by hand."""
    return re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
