"""The one list of environment variables (docs/environment.toml) against the code that reads them
and the two files written from it: README.md's table and .env.example."""

import collections
import re

import pytest

from jii_campaign import environment_docs as docs
from jii_campaign.environment_docs import COMPUTED, REQUIRED

LISTED = docs.variables()
READS = docs.all_reads()


def test_readme_and_env_example_are_written_from_the_list():
    readme, example = docs.README.read_text(), docs.ENV_EXAMPLE.read_text()
    assert readme == docs.with_readme_table(readme, LISTED), "run scripts/env-docs"
    assert example == docs.env_example(LISTED), "run scripts/env-docs"
    assert docs.main(["--check"]) == 0


def test_the_code_is_read_where_it_reads_the_environment():
    # Each source really is looked through: a parser that found nothing would pass the rest.
    where = collections.defaultdict(set)
    for read in READS:
        where[read.where].add(read.name)
    assert {"STRIPE_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= where["settings.py"]
    assert {"WEB_CONCURRENCY", "GUNICORN_THREADS"} <= where["gunicorn.conf.py"]
    assert {"POSTGRES_PASSWORD", "BASE_IMAGE"} <= where["compose.yaml"]
    # settings.py reads each variable through django-environ: all of its env.*() calls are seen.
    calls = re.findall(r"\benv\.\w+\(\s*\"([A-Z0-9_]+)\"", docs.SETTINGS.read_text())
    assert set(calls) == where["settings.py"]


def test_every_variable_read_is_listed():
    listed = {variable.name for variable in LISTED}
    unlisted = sorted({f"{read.name} ({read.where})" for read in READS if read.name not in listed})
    assert unlisted == [], "add them to docs/environment.toml"


def test_every_listed_variable_is_read_somewhere():
    read = {read.name for read in READS}
    assert [variable.name for variable in LISTED if variable.name not in read] == []


def test_each_variable_is_documented_once():
    def twice(names):
        return [name for name, count in collections.Counter(names).items() if count > 1]

    assert twice(variable.name for variable in LISTED) == []
    readme_rows = re.findall(r"^\| `([A-Z0-9_]+)` \|", docs.README.read_text(), re.M)
    example_lines = re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", docs.ENV_EXAMPLE.read_text(), re.M)
    assert sorted(readme_rows) == sorted(example_lines) == sorted(v.name for v in LISTED)


def test_the_listed_defaults_are_the_codes():
    by_name = {variable.name: variable for variable in LISTED}
    wrong = []
    for read in READS:
        variable = by_name.get(read.name)
        if variable is None:
            continue  # test_every_variable_read_is_listed names it
        if read.default in (COMPUTED, REQUIRED):
            # The code computes it (from DEBUG, BASE_DIR, the CPU count) or has none: words.
            if variable.default is not None or not variable.default_text:
                wrong.append(f"{read.name}: give default_text, not default ({read.where})")
        elif variable.default != read.default:
            wrong.append(f"{read.name}: {read.where} says {read.default!r}")
    assert wrong == []
    assert all((v.default is None) != (v.default_text is None) for v in LISTED)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('env.int("N", default=5 * 1024 * 1024)', "5242880"),
        ('env.float("N", default=1.0)', "1"),
        ('env.bool("N", default=False)', "false"),
        ('env.list("N", default=["a", "b"])', "a,b"),
        ('env.list("N", default=[])', ""),
        ('env.bool("N", default=DEBUG)', COMPUTED),
        ('env.str("N", default="text" if DEBUG else "json")', COMPUTED),
        ('env.str("N")', REQUIRED),
    ],
)
def test_a_default_is_read_as_it_would_be_written_in_env(tmp_path, source, expected):
    (tmp_path / "settings.py").write_text(f"X = {source}\n")
    assert docs.settings_reads(tmp_path / "settings.py") == [
        docs.Read("N", "settings.py", expected)
    ]


def test_compose_defaults_and_required_variables(tmp_path):
    compose = tmp_path / "compose.yaml"
    compose.write_text("a: ${A:-x:1}\nb: ${B:?set B}\nc: $${NOT_READ}\nd: ${D}\n")
    assert docs.compose_reads(compose) == [
        docs.Read("A", "compose.yaml", "x:1"),
        docs.Read("B", "compose.yaml", REQUIRED),
        docs.Read("D", "compose.yaml", ""),
    ]


def test_adding_a_variable_is_one_line_in_the_list(tmp_path):
    listed = tmp_path / "environment.toml"
    listed.write_text(
        docs.LIST.read_text()
        + '\n["New section"]\nNEW_ONE = { default = "3", meaning = "A new `knob`." }\n'
    )
    added = docs.variables(listed)
    assert added[-1] == docs.Variable("NEW_ONE", "New section", "A new `knob`.", default="3")
    assert "| `NEW_ONE` | `3` | A new `knob`. |" in docs.readme_table(added)
    assert docs.env_example(added).endswith("# --- New section ---\n# A new knob.\nNEW_ONE=3\n")
