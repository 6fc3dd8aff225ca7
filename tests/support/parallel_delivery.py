"""Applying events from separate processes, as separate web servers do. Each process sets Django
up against the test database and applies its events one by one: each is released at the same
instant as the other process's event by a shared barrier, then waits its own few milliseconds,
so that across many pairs one event lands at every point of the other's transaction.

Run through multiprocessing's "spawn" context: this module imports nothing from Django before
the child has configured it."""

import os
import time


def deliver(database_url, barrier, deliveries):
    """Apply each (delay in seconds, event) once both processes reach the barrier."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "jii_campaign.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DATABASE_POOL"] = "false"
    import django

    django.setup()
    from django.db import connection

    from donations.stripe.applying import process_event

    try:
        for delay, event in deliveries:
            barrier.wait(timeout=30)
            time.sleep(delay)
            process_event(event)
    finally:
        connection.close()


def database_url(settings_dict):
    """The test database's address, for the processes to reach it."""
    user = settings_dict["USER"]
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host, port, name = settings_dict["HOST"], settings_dict["PORT"], settings_dict["NAME"]
    return f"postgres://{user}{password}@{host}:{port}/{name}"
