"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The live server is a second app instance on the test database with CSRF switched on, as in
production, served from a thread. Mail goes to a real local SMTP server.
"""
import socket
import threading

import pytest
from werkzeug.serving import make_server

from lms import create_app

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(app, smtp_server):
    port = _free_port()
    server_app = create_app({
        "TESTING": False,
        "SECRET_KEY": "browser-test-secret",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": True,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": app.config["MAIL_PORT"],
        "BASE_URL": f"http://127.0.0.1:{port}",
        "REDIS_URL": None,
    })
    server = make_server("127.0.0.1", port, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{port}"
    server.app = server_app
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(5)
        with server_app.app_context():
            from lms.extensions import db

            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()
