"""The header menu: on a phone-wide page (under 40rem) it is folded behind the "Menu"
disclosure, so a test unfolds it before it uses a header link, "Log out" or the language."""


def open_menu(page):
    """Unfold the header menu where it is folded; nothing to do on a wide page."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("open") is None:
        toggle.locator("summary").click()
