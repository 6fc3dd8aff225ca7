"""A member of staff signed in to the admin in Chromium (password, then the second factor when
asked), with the Content Security Policy errors the page reports collected in `csp_errors`."""

from tests.support.staff_personas import current_code

DESKTOP = {"width": 1280, "height": 800}


def signed_in_admin(browser, base_url, username, password, phone, viewport=DESKTOP):
    context = browser.new_context(base_url=base_url, viewport=viewport)
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text),
    )
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    if page.locator("#id_code").count():
        page.fill("#id_code", current_code(phone))
        page.click("input[type=submit]")
    return page
