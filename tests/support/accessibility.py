"""axe-core in Chromium under the site's real CSP: a page with axe served same-origin, and its
violations in a line each."""

from pathlib import Path

from tests.support.html_checks import PROGRAMMES

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The browser answers this same-origin address itself, so script-src 'self' admits axe and the
# CSP stays exactly as the site sends it.
AXE_URL = "/__test-only__/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
# The public pages axe checks, in each language (the seed's programmes and information pages).
PUBLIC_PAGES = [
    "/",
    "/donate/",
    "/donate/manage/",
    "/testimonials/participants/",
    "/testimonials/volunteers/",
    *(f"/programs/{slug}/" for slug in PROGRAMMES),
    *(f"/pages/{slug}/" for slug in ["tokushoho", "privacy", "terms", "other-ways"]),
]


def new_page(browser, site, viewport="phone", javascript=True):
    context = browser.new_context(
        base_url=site, viewport=VIEWPORTS[viewport], java_script_enabled=javascript
    )
    page = context.new_page()
    page.route(
        f"**{AXE_URL}", lambda route: route.fulfill(path=AXE, content_type="text/javascript")
    )
    page.csp_errors = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text),
    )
    return page


def axe_violations(page):
    page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})"
        for v in result["violations"]
    ]


def fill_form(page, name="Ann Lee"):
    """The donation form's donor, e-mail and consent, as a donor fills them in."""
    page.fill("#id_donor_name", name)
    page.fill("#id_donor_email", "ann@example.org")
    page.check("#id_agree_terms")


def axe_violations_across_the_site(page, prefix="") -> dict[str, list[str]]:
    """What axe finds in the language at `prefix` (as "/en"), by page: each public page, the
    language menu open, then the steps of a gift (the form with mistakes, the confirmation, the
    thank-you page of the local test checkout). Only the pages with violations."""
    found = {}
    for url in PUBLIC_PAGES:
        page.goto(prefix + url)
        found[prefix + url] = axe_violations(page)
    page.click(".language-menu summary")
    found["menu"] = axe_violations(page)

    page.goto(f"{prefix}/")
    page.click("#donation-form button[type=submit]")
    found["mistakes"] = axe_violations(page)
    fill_form(page)
    page.click("#donation-form button[type=submit]")
    page.wait_for_selector("form[action$='/donate/pay/']")
    found["confirmation"] = axe_violations(page)
    page.click("form[action$='/donate/pay/'] button")
    page.click("button[value=pay]")
    page.wait_for_url("**/donate/thanks/**")
    found["thanks"] = axe_violations(page)
    return {url: problems for url, problems in found.items() if problems}


def tab_to(page, selector, limit=80):
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")
