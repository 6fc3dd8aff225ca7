"""/healthz tells a load balancer whether the site can reach its database."""

import socket
import time

import pytest
from django.db import connection
from django.db.utils import load_backend

from jii_campaign import views


@pytest.fixture
def unreachable_database(db, monkeypatch, tmp_path):
    """A real connection, configured like the site's own (pool included), to a database that is
    not there: nothing listens on the port (or the SQLite file's directory does not exist)."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free_port = probe.getsockname()[1]
        settings_dict.update(HOST="127.0.0.1", PORT=free_port)
    else:
        settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    # Its own alias, so that it gets its own pool rather than the test database's.
    dead = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "unreachable")
    monkeypatch.setattr(views, "connection", dead)
    yield
    dead.close()
    if getattr(dead, "pool", None):
        dead.close_pool()


def test_it_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response.headers["Cache-Control"]


def test_it_answers_503_when_the_database_does_not(client, unreachable_database):
    started = time.monotonic()
    response = client.get("/healthz")

    assert response.status_code == 503
    assert b"database unavailable" in response.content
    # The container health check gives up after 4 s (Dockerfile HEALTHCHECK).
    assert time.monotonic() - started < 4


def test_it_answers_any_host_over_plain_http(client, db):
    # Load balancers and the container health check call it by IP address, without TLS.
    response = client.get("/healthz", headers={"host": "10.0.0.7:8000"})

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert client.get("/", headers={"host": "10.0.0.7:8000"}).status_code == 400
