"""Switching language keeps what was typed, and the page then speaks that language."""
import pytest

from tests.browser.menu import open_menu

pytestmark = pytest.mark.browser


def test_switching_language_keeps_the_form_input(page, live_server):
    page.goto(live_server.url + "/register")
    page.get_by_label("Full name").fill("Aminata Touré")
    page.get_by_label("E-mail address").fill("aminata@example.org")
    page.get_by_label("Password").fill("a secret passphrase")
    open_menu(page)
    page.select_option("#lang-select", "fr")
    page.wait_for_selector('html[lang="fr"]')
    assert page.locator("#lang-select").input_value() == "fr"
    assert page.input_value('input[name="name"]') == "Aminata Touré"
    assert page.input_value('input[name="email"]') == "aminata@example.org"
    assert page.input_value('input[name="password"]') == ""          # passwords are never kept
    open_menu(page)
    page.select_option("#lang-select", "es")
    page.wait_for_selector('html[lang="es"]')
    assert page.input_value('input[name="name"]') == "Aminata Touré"
