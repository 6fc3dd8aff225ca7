"""gunicorn's settings for production (`gunicorn jii_campaign.wsgi` reads this file).

Threaded workers: requests are short (the campaign page is served from the cache, a webhook is a
few statements), but a donor's checkout may wait on Stripe for up to its timeouts; with threads
such a wait holds one thread, not a whole worker, so `/` keeps answering
(tests/site/test_outages.py).
A worker accepts connections whether or not a thread is free, and queues them for its threads:
8 threads keep a worker whose threads all wait on Stripe unlikely (4 made it happen in a test
run, with 4 donors waiting). The database pool (DATABASE_POOL_MAX_SIZE) must be at least
`threads` per worker."""

import gc
import logging
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 8))
timeout = 30  # a request stuck this long is killed and its worker replaced
graceful_timeout = 30
keepalive = 5  # behind a load balancer that reuses connections
# No periodic recycling: at a thousand cached pages a second it would restart a worker (a second
# of importing Django, seen as p99 spikes) every few seconds; nothing here grows without bound.
max_requests = 0
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # stdout; "" turns it off
# One JSON object per line. %(U)s is the path without the query string, and every value passes
# the site's log redaction (jii_campaign/access_log.py): no e-mail address or token from a link,
# in the query or in the path (old manage links, receipt links), ends up in the logs.
logger_class = "jii_campaign.access_log.RedactingAccessLogger"
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
    '"bytes": "%(B)s", "duration_ms": %(M)s, "user_agent": "%(a)s"}'
)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    _open_database_connections(worker)
    _freeze_startup_objects()


def _open_database_connections(worker):
    """One database connection per thread before the worker takes requests: opened on
    demand, the first burst's threads queued behind each other's connecting, and on a loaded
    machine some waited out DATABASE_POOL_TIMEOUT and answered 503 (bench/burst saw it)."""
    from django.db import connection
    from psycopg_pool import PoolTimeout

    pool = connection.pool  # None on SQLite or with DATABASE_POOL=false
    if pool is None:
        return
    pool.open()
    pool.resize(min_size=min(threads, pool.max_size))
    try:
        pool.wait(timeout=10)
    except PoolTimeout:
        worker.log.warning("database connections not all open yet; continuing")


def _freeze_startup_objects():
    """What the worker loads to serve its first requests (Django, every view the URLconf imports,
    the templates and each language's catalogue: some 140,000 objects that live as long as it
    does) is left out of Python's garbage collection from now on. Each full collection walked
    them all with every thread of the worker stopped: at c=32 on the benchmarks' machine such a
    pause lasted 40-750 ms, a few times a minute, and it was the p99 of a page and of its static
    copy alike. Frozen before the templates and catalogues were loaded, 35,000 objects were still
    walked (and paused a worker for up to 100 ms); frozen after, a few hundred."""
    from pathlib import Path

    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports the views
    for language, _ in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("")  # loads the catalogue
    for engine in engines.all():
        for directory in map(Path, engine.template_dirs):
            for path in directory.rglob("*.*"):
                if path.suffix in (".html", ".txt"):
                    try:
                        engine.get_template(str(path.relative_to(directory)))
                    except Exception as error:  # its page will say so: the worker starts anyway
                        logging.getLogger(__name__).error("%s: %r", path, error)
    gc.collect()
    gc.freeze()
