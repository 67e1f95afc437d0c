"""No page scrolls sideways at 320 px: the glossary's long source URLs wrap."""
import pytest

pytestmark = pytest.mark.browser


def test_the_glossary_fits_a_320_px_screen(browser, live_server, runner, app):
    assert runner.invoke(args=["courses", "sync", app.config["COURSES_DIR"]]).exit_code == 0
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.goto(live_server.url + "/glossary")
    assert page.locator("dl.glossary a").count() > 5
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    context.close()
