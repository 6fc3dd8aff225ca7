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
import tempfile
import threading
import time
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parents[2]


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


def site_environment(database_url: str, **environment: str) -> dict:
    """The environment of a production process on `database_url`, without this test run's
    Stripe and Redis settings unless given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "REDIS_"))}
    env.update(
        DEBUG="false",
        SECRET_KEY="test-only-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        STATIC_MANIFEST="false",
        DATABASE_URL=database_url,
        STRIPE_WEBHOOK_SECRET="whsec_test_secret",
    )
    env.update(environment)
    return env


def manage(*arguments: str, env: dict, timeout=120) -> str:
    """`manage.py <arguments>` as its own process; its standard output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {arguments[0]} failed:\n{done.stderr}")
    return done.stdout


class SiteProcess:
    """The web server in its own process: gunicorn as the Dockerfile runs it, or with
    `runserver=True` Django's development server as scripts/run starts it."""

    def __init__(self, database_url: str, *, runserver=False, **environment: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if runserver:  # without the autoreloader, which would fork a second server
            arguments = ["manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"]
        else:
            command = dockerfile_command()
            bind = command.index("--bind")
            command[bind + 1] = f"127.0.0.1:{self.port}"
            arguments = ["-m", *command]
        self.env = site_environment(database_url, SITE_URL=self.url, **environment)
        # A file, not a pipe (a server that logs every request would fill a pipe and stop),
        # appended to, so that reading it never moves where the server writes.
        self._log = tempfile.TemporaryFile(mode="a+")  # noqa: SIM115  (closed by stop())
        self.process = subprocess.Popen(
            [sys.executable, *arguments],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            text=True,
        )
        self._wait_until_serving()

    def _wait_until_serving(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log())
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

    def log(self) -> str:
        """What the server wrote to its standard error so far (its log lines)."""
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def csrf_cookie(response) -> str:
    """The CSRF cookie is Secure in production, so a client over plain HTTP would not send it
    back; the test sends it by hand."""
    return re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
