"""Every variable the settings read is documented in .env.example and the README's table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_variable_is_documented():
    settings_source = (ROOT / "jii_campaign" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', settings_source))
    example = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    readme = set(re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "README.md").read_text(), re.M))

    assert "STRIPE_SECRET_KEY" in read
    assert read - example == set()
    assert read - readme == set()
