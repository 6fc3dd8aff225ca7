"""Adding the seven languages' columns keeps every Japanese and English text as it was: the new
columns start empty, so each language falls back until staff or the seed write it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
BEFORE = [("programs", "0002_english_translations")]


def migrate(targets=None):
    """Migrate to `targets` (every app's latest migration when None); the apps as they were."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_japanese_and_english_texts_stay_and_the_new_languages_start_empty():
    old_apps = migrate(BEFORE)
    old_apps.get_model("programs", "Program").objects.create(
        slug="hanamaru",
        name="はなまるクラス",
        name_ja="はなまるクラス",
        name_en="Hanamaru Class",
        summary="学び",
        summary_ja="学び",
        summary_en="Learning",
    )

    new_apps = migrate()

    program = new_apps.get_model("programs", "Program").objects.get(slug="hanamaru")
    assert (program.name_ja, program.name_en) == ("はなまるクラス", "Hanamaru Class")
    assert (program.summary_ja, program.summary_en) == ("学び", "Learning")
    assert program.name_vi is None and program.summary_ja_x_easy is None
