"""A Stripe key without the webhook's signing secret would take payments the webhook could not
record: every command refuses to start (jii.E001), except `stripe_setup`, which makes the secret."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def manage(*args, tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STRIPE_SECRET_KEY="sk_test_example",
        STRIPE_API_BASE="http://127.0.0.1:9",  # nothing listens: Stripe unreachable
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_key_without_a_webhook_secret_stops_every_command(tmp_path):
    result = manage("check", tmp_path=tmp_path)

    assert result.returncode != 0
    assert "jii.E001" in result.stderr
    assert "stripe_setup --apply" in result.stderr


def test_stripe_setup_still_runs_to_make_the_secret(tmp_path):
    result = manage("stripe_setup", tmp_path=tmp_path)

    output = result.stdout + result.stderr
    assert "jii.E001" not in output and "SystemCheckError" not in output
    assert "Stripe" in output  # it got as far as asking Stripe (unreachable here)


def test_the_web_process_does_not_start_without_it(tmp_path):
    # gunicorn imports the WSGI module and runs no system checks.
    result = subprocess.run(
        [sys.executable, "-c", "import jii_campaign.wsgi"],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")},
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "STRIPE_SECRET_KEY": "sk_test_example",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "STRIPE_WEBHOOK_SECRET is required" in result.stderr
