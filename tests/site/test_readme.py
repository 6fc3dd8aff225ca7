"""README.md: each document listed once, and the production steps in an order that works."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_the_documentation_list_names_each_doc_once():
    section = README[README.index("## Documentation") :]
    listed = re.findall(r"^- \[docs/([\w.-]+\.md)\]\(docs/\1\)", section, re.M)

    assert sorted(listed) == sorted(path.name for path in (ROOT / "docs").glob("*.md"))


def test_production_checks_the_deployment_once_every_variable_is_exported():
    steps = README[README.index("## Running it in production") :].split("```")[1].splitlines()
    check = next(n for n, line in enumerate(steps) if "check --deploy" in line)
    exported = [n for n, line in enumerate(steps) if line.startswith("export ")]

    assert exported and max(exported) < check
    assert any("REDIS_URL=" in steps[n] for n in exported)  # jii.W004 reads it
