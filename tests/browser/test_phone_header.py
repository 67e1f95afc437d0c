"""The header on a phone is one short line, the brand and a "Menu" disclosure that opens
without JavaScript into a list of 44 px rows (the language switch included); on a wide screen
the links stay in the row, each at least 24 px tall."""
import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
# Every tap target in the header: links, "Log out", the language list and its button.
TARGETS = ".site-header nav a, .site-header nav button, .lang-switch select, .lang-switch button"


def _log_in(page, base, user):
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _boxes(page):
    return [page.locator(TARGETS).nth(n).bounding_box() for n in range(page.locator(TARGETS).count())]


def test_the_phone_header_is_one_line_and_its_menu_opens_without_javascript(browser, live_server, make):
    admin = make.user(role="admin", name="Ada Admin")
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    _log_in(page, live_server.url, admin)
    page.goto(live_server.url + "/")
    assert page.locator(".site-header").bounding_box()["height"] <= 56
    log_out = page.get_by_role("button", name="Log out")
    assert log_out.is_hidden() and page.get_by_role("link", name="My badges").is_hidden()
    menu = page.locator(".site-header summary")
    assert menu.inner_text().strip() == "Menu" and menu.bounding_box()["height"] >= 44

    menu.click()
    assert log_out.is_visible()
    names = [page.locator(TARGETS).nth(n).inner_text().strip() for n in range(page.locator(TARGETS).count())]
    assert names[:7] == ["Courses", "My learning", "My badges", "Cohorts", "Admin", "Account", "Log out"]
    boxes = _boxes(page)
    assert len(boxes) == 9                                               # and the language list and button
    assert all(box["height"] >= 44 for box in boxes), boxes
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] for box in boxes), boxes
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    # The language switch works from the open menu, without JavaScript; the next page starts closed.
    page.locator("#lang-select").select_option("fr")
    page.locator(".lang-switch button").click()
    page.wait_for_selector('html[lang="fr"]')
    assert page.locator(".site-header").bounding_box()["height"] <= 56
    assert page.get_by_role("button", name="Se déconnecter").is_hidden()
    context.close()


def test_the_menu_opens_from_the_keyboard(browser, live_server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/")
    for _ in range(3):                                                  # skip link, brand, Menu
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator(".menu-toggle").get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Courses"
    assert page.locator(".site-header").get_by_role("link", name="Log in").is_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")                                        # closes it again
    assert page.locator(".site-header").get_by_role("link", name="Log in").is_hidden()
    context.close()


def test_the_wide_header_keeps_its_links_in_the_row(browser, live_server, make):
    learner = make.user(name="Lena Learner")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    _log_in(page, live_server.url, learner)
    page.goto(live_server.url + "/")
    assert page.locator(".site-header summary").is_hidden()
    assert page.get_by_role("button", name="Log out").is_visible()
    boxes = _boxes(page)
    assert len(boxes) == 7 and all(box["height"] >= 24 for box in boxes), boxes
    first = page.get_by_role("link", name="Courses", exact=True).first.bounding_box()
    assert abs(first["y"] - page.get_by_role("button", name="Log out").bounding_box()["y"]) < 2   # one row
    context.close()
