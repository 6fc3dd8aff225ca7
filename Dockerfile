# syntax=docker/dockerfile:1
# Base image as a build argument: any Debian bookworm image with or without Python works
# (python:3.11-slim-bookworm by default; a local debootstrap image where no registry is reachable).
# Offline builds: put wheels in ./wheelhouse and they are installed with --no-index:
#   pip wheel -r requirements.lock -w wheelhouse
#   pip download --no-deps -d wheelhouse async-timeout==5.0.1  # Debian's Python 3.11.2 needs it
# Checked here (no registry): a debootstrap bookworm base, `buildah bud --isolation chroot
# --build-arg BASE_IMAGE=localhost/debian:bookworm`, then `buildah run` served /healthz.
ARG BASE_IMAGE=python:3.11-slim-bookworm

# Builder: a venv with exactly requirements.lock, compiled messages, static files.
FROM ${BASE_IMAGE} AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
        $(python3 -c 'import venv, ensurepip' 2>/dev/null || echo python3 python3-venv) \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock wheelhouse* /tmp/build/
RUN python3 -m venv /venv \
    && if ls /tmp/build/*.whl >/dev/null 2>&1; then \
        /venv/bin/pip install --no-index --find-links /tmp/build -r /tmp/build/requirements.lock; \
    else \
        /venv/bin/pip install --no-cache-dir -r /tmp/build/requirements.lock; \
    fi
WORKDIR /app
COPY . .
RUN export SECRET_KEY=build-only DEBUG=false ALLOWED_HOSTS=localhost \
        DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    && /venv/bin/python manage.py compilemessages --ignore=.venv \
    && /venv/bin/python manage.py collectstatic --noinput

# Final image: no gettext, no build files; runs as `app`.
FROM ${BASE_IMAGE}
RUN (python3 -c '' 2>/dev/null || (apt-get update \
        && apt-get install -y --no-install-recommends python3 \
        && rm -rf /var/lib/apt/lists/*)) \
    && useradd --create-home app
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# PDF receipts: WeasyPrint renders through Pango, with fonts for Japanese, Chinese and Korean
# (Noto CJK) and Nepali (Noto Sans Devanagari, in fonts-noto-core).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
        fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*
COPY --from=builder /venv /venv
COPY --from=builder /app /app
WORKDIR /app
RUN mkdir -p media && chown app:app media
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# gunicorn.conf.py: workers (WEB_CONCURRENCY), threads, timeouts, JSON access lines on stdout.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "jii_campaign.wsgi:application"]
