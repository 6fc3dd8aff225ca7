"""Phone and desktop screenshots of the pages a donor sees, into docs/screenshots/.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots] [--languages]

Runs the site on a throwaway SQLite database with the seed loaded and the local test checkout,
in Debian's Chromium (fonts-noto-cjk renders the Japanese)."""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
PROGRAMME = "/programs/otonarisan/"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_site(workdir):
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "MEDIA_ROOT": str(Path(workdir) / "media"),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["compilemessages", "--ignore=.venv"], ["migrate"], ["load_seed_content"]):
        subprocess.run([*manage, *command, "-v0"], env=env, check=True, cwd=ROOT)
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz")
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the site did not start")


def shoot(page, out, name, full_page=True):
    path = out / f"{name}.png"
    page.screenshot(path=path, full_page=full_page, type="png")
    if full_page:
        # A 256-colour palette keeps a long page's text crisp at a fraction of the size (the
        # hero's gradient shows bands, so first screens keep their full colour).
        with Image.open(path) as shot:
            palette = shot.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
            palette.save(path, optimize=True)
    print(path)


def give(page, base, prefix, name, out, donor="山田 花子"):
    """Form (with the amount a tier card chose), confirmation, test checkout, thank-you."""
    page.goto(f"{base}{prefix}/donate/?amount=5000#donation-form")
    shoot(page, out, f"{name}-form", full_page=False)
    page.fill("#id_donor_name", donor)
    page.fill("#id_donor_email", "ann@example.org")
    page.check("#id_agree_terms")
    page.click("form.donation-form button[type=submit]")
    page.wait_for_load_state()
    shoot(page, out, f"{name}-confirm")
    page.click("form[action$='/donate/pay/'] button")
    page.click("button[value=pay]")
    page.wait_for_load_state()
    shoot(page, out, f"{name}-thanks")


OTHER_LANGUAGES = ("ja-x-easy", "zh-hans", "vi", "ko", "pt-br", "tl", "ne")


def other_languages(page, base, device, out):
    for language in OTHER_LANGUAGES:
        page.goto(f"{base}/{language}/")
        shoot(page, out, f"{device}-{language}-home-top", full_page=False)
        shoot(page, out, f"{device}-{language}-home")
        page.goto(f"{base}/{language}{PROGRAMME}")
        shoot(page, out, f"{device}-{language}-programme")
    page.goto(f"{base}/ja-x-easy{PROGRAMME}")
    page.click("label:has(#show-readings)")
    shoot(page, out, f"{device}-ja-x-easy-programme-readings-off", full_page=False)
    give(page, base, "/ne", f"{device}-ne", out, donor="Sita Gurung")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument(
        "--languages",
        action="store_true",
        help="the campaign and a programme page in each of the other seven languages, and a gift "
        "in Nepali through the local test checkout, instead of the Japanese and English steps",
    )
    arguments = parser.parse_args()
    out = Path(arguments.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        server, base = start_site(workdir)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                    args=CHROMIUM_ARGS,
                )
                for device, viewport in VIEWPORTS.items():
                    page = browser.new_page(viewport=viewport)
                    if arguments.languages:
                        other_languages(page, base, device, out)
                        page.close()
                        continue
                    for prefix, language in [("", "ja"), ("/en", "en")]:
                        page.goto(f"{base}{prefix}/")
                        shoot(page, out, f"{device}-{language}-home-top", full_page=False)
                        shoot(page, out, f"{device}-{language}-home")
                        donor = "Ann Lee" if language == "en" else "山田 花子"
                        give(page, base, prefix, f"{device}-{language}", out, donor)
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
