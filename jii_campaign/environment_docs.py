"""The one list of environment variables (docs/environment.toml): README.md's table and
`.env.example` written from it, and what the code reads, with the defaults it uses.

`scripts/env-docs` rewrites both files; tests/site/test_environment_docs.py holds them, settings.py,
gunicorn.conf.py and compose.yaml to the list. Standard library only: it runs without Django.
"""

import argparse
import ast
import re
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "docs" / "environment.toml"
README = ROOT / "README.md"
ENV_EXAMPLE = ROOT / ".env.example"
# Where the code reads the environment: Django's settings (django-environ), gunicorn's settings,
# compose's interpolations; the apps' modules are looked through too, should one read it directly.
SETTINGS = ROOT / "jii_campaign" / "settings.py"
GUNICORN = ROOT / "gunicorn.conf.py"
COMPOSE = ROOT / "compose.yaml"
APPS = ("jii_campaign", "campaigns", "programs", "testimonials", "donations", "pages", "seed")

TABLE_START = "<!-- env-docs: start (generated from docs/environment.toml by scripts/env-docs) -->"
TABLE_END = "<!-- env-docs: end -->"
EXAMPLE_HEADER = """\
# Copy to .env (never commit it) or set these in the environment; compose reads .env too.
# All are optional locally. Written from docs/environment.toml by scripts/env-docs: edit that.
"""


@dataclass(frozen=True)
class Variable:
    name: str
    section: str
    meaning: str
    default: str | None = None  # as written in .env; None when the code computes it
    default_text: str | None = None  # the README's words for a computed default
    example: str | None = None


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


COMPUTED = _Marker("COMPUTED")  # a default the code computes (from DEBUG, BASE_DIR, the CPU...)
REQUIRED = _Marker("REQUIRED")  # no default at all


@dataclass(frozen=True)
class Read:
    name: str
    where: str
    default: object  # a str as written in .env, COMPUTED or REQUIRED


def variables(path=LIST) -> list[Variable]:
    with path.open("rb") as file:
        sections = tomllib.load(file)
    return [
        Variable(name=name, section=section, **fields)
        for section, names in sections.items()
        for name, fields in names.items()
    ]


# --- writing the README table and .env.example ----------------------------------------------


def readme_table(listed: list[Variable]) -> str:
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for variable in listed:
        if variable.default is None:
            default = variable.default_text
        else:
            default = f"`{variable.default}`" if variable.default else "empty"
        rows.append(f"| `{variable.name}` | {default} | {variable.meaning} |")
    return "\n".join(rows) + "\n"


def with_readme_table(readme: str, listed: list[Variable]) -> str:
    """README.md with its table between the markers replaced by the list's."""
    start, end = readme.index(TABLE_START) + len(TABLE_START), readme.index(TABLE_END)
    return readme[:start] + "\n" + readme_table(listed) + readme[end:]


def env_example(listed: list[Variable]) -> str:
    lines = [EXAMPLE_HEADER.rstrip("\n")]
    section = None
    for variable in listed:
        if variable.section != section:
            section = variable.section
            lines += ["", f"# --- {section} ---"]
        comment = variable.meaning.replace("`", "")
        lines += textwrap.wrap(
            comment, 98, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False
        )
        if variable.example is not None:
            lines.append(f"{variable.name}={variable.example}")
        elif variable.default is not None:
            lines.append(f"{variable.name}={variable.default}")
        else:
            lines.append(f"# {variable.name}=")  # unset: the code's own default
    return "\n".join(lines) + "\n"


# --- what the code reads ------------------------------------------------------------------


def as_written(node: ast.expr | None) -> object:
    """A default from the code as it would be written in .env, or COMPUTED."""
    if node is None:
        return REQUIRED
    try:
        value = _constant(node)
    except ValueError:
        return COMPUTED
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _constant(node):
    """A literal, or arithmetic on literals (`5 * 1024 * 1024`); ValueError for anything else."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Add):
        left, right = _constant(node.left), _constant(node.right)
        if not all(isinstance(side, int) for side in (left, right)):
            raise ValueError("not arithmetic on numbers")
        return left * right if isinstance(node.op, ast.Mult) else left + right
    return ast.literal_eval(node)


def settings_reads(path=SETTINGS) -> list[Read]:
    """Every `env.<kind>("NAME", default=...)` in the settings."""
    reads = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            if default is None and len(node.args) > 2:
                default = node.args[2]  # env.str(name, cast, default)
            reads.append(Read(node.args[0].value, path.name, as_written(default)))
    return reads


def os_environ_reads(path: Path) -> list[Read]:
    """Every `os.environ.get("NAME", default)`, `os.getenv(...)` and `os.environ["NAME"]`."""
    reads = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and _names(node.func) in ("os.environ.get", "os.getenv"):
            name, default = node.args[0], node.args[1] if len(node.args) > 1 else None
        elif isinstance(node, ast.Subscript) and _names(node.value) == "os.environ":
            if not isinstance(node.ctx, ast.Load):
                continue  # setting a variable for a child process is not reading one
            name, default = node.slice, None
        else:
            continue
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            reads.append(Read(name.value, str(path.relative_to(ROOT)), as_written(default)))
    return reads


def _names(node) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_names(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}; $$ is a literal $.
COMPOSE_VARIABLE = re.compile(r"(?<!\$)\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def compose_reads(path=COMPOSE) -> list[Read]:
    reads = []
    for name, operator, value in COMPOSE_VARIABLE.findall(path.read_text()):
        default = value if operator.endswith("-") else "" if not operator else REQUIRED
        reads.append(Read(name, path.name, default))
    return reads


def all_reads() -> list[Read]:
    modules = [path for app in APPS for path in sorted((ROOT / app).rglob("*.py"))]
    return [
        *settings_reads(),
        *os_environ_reads(GUNICORN),
        *(read for path in modules for read in os_environ_reads(path)),
        *compose_reads(),
    ]


# --- scripts/env-docs ---------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="Change nothing; exit 1 if a file is out of date."
    )
    check = parser.parse_args(argv).check
    listed = variables()
    stale = []
    for path, text in (
        (README, with_readme_table(README.read_text(), listed)),
        (ENV_EXAMPLE, env_example(listed)),
    ):
        if path.read_text() != text:
            stale.append(path.name)
            if not check:
                path.write_text(text)
    verb = "out of date" if check else "rewritten"
    for name in stale:
        print(f"{name}: {verb} (docs/environment.toml)")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
