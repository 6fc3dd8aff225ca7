# syntax=docker/dockerfile:1

# Builder: production venv (the lock minus dev tools), compiled messages, static files.
FROM python:3.11-slim AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock /tmp/
RUN grep -viE '^(pytest[-_a-z]*|playwright|ruff|greenlet|pyee|werkzeug|markupsafe|iniconfig|pluggy|pygments)==' \
        /tmp/requirements.lock >/tmp/requirements-prod.txt \
    && python -m venv /venv \
    && /venv/bin/pip install --no-cache-dir -r /tmp/requirements-prod.txt
WORKDIR /app
COPY . .
RUN export SECRET_KEY=build-only DEBUG=false ALLOWED_HOSTS=localhost \
        DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    && /venv/bin/python manage.py compilemessages \
    && /venv/bin/python manage.py collectstatic --noinput

# Final image: no compilers, no gettext, no dev tools; runs as `app`.
FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# PDF receipts: WeasyPrint renders through Pango, with a Japanese font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home app
COPY --from=builder /venv /venv
COPY --from=builder /app /app
WORKDIR /app
RUN mkdir -p media && chown app:app media
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "jii_campaign.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--access-logfile", "-"]
