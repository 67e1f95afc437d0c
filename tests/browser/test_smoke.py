"""Register, log out, log in, reset the password through the mail that arrived."""
import re

import pytest

from tests.browser.menu import open_menu

pytestmark = pytest.mark.browser


def test_account_journey(page, live_server, smtp_server):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Form errors answer 400 on purpose; what must never happen is a blocked or failing script.
    page.on("console", lambda msg: errors.append(msg.text) if "Refused" in msg.text or "Security Policy" in msg.text else None)
    base = live_server.url
    page.goto(base + "/")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("Full name").fill("Zoë Browser")
    page.get_by_label("E-mail address").fill("zoe@example.org")
    page.get_by_label("Password").fill("a browser passphrase")
    page.get_by_role("button", name="Create account").click()
    assert "Zoë Browser" in page.content()

    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    assert page.get_by_role("link", name="Log in").first.is_visible()

    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill("zoe@example.org")
    page.get_by_label("Password").fill("wrong passphrase!")
    page.get_by_role("button", name="Log in").click()
    assert "Wrong e-mail address or password." in page.content()
    page.get_by_label("Password").fill("a browser passphrase")
    page.get_by_role("button", name="Log in").click()
    assert "Welcome back, Zoë Browser" in page.content()
    open_menu(page)
    page.get_by_role("button", name="Log out").click()

    page.goto(base + "/forgot")
    page.get_by_label("E-mail address").fill("zoe@example.org")
    page.get_by_role("button", name="Send the link").click()
    assert "If an account uses that address" in page.content()
    mail = smtp_server.messages[-1].get_content()
    link = re.search(r"(http://127\.0\.0\.1:\d+/reset/\S+)", mail).group(1)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("another passphrase here")
    page.get_by_label("Repeat the new password").fill("another passphrase here")
    page.get_by_role("button", name="Save the new password").click()
    page.get_by_label("E-mail address").fill("zoe@example.org")
    page.get_by_label("Password").fill("another passphrase here")
    page.get_by_role("button", name="Log in").click()
    assert "Welcome back, Zoë Browser" in page.content()
    assert errors == [], errors  # no CSP violations or script errors
