"""axe-core on every page type, as each role, in each language, at 1280 and 360 px; no page
scrolls sideways at 320 px. With SCREENSHOT_DIR set, a full-page screenshot of each page type
at 360 px (English) lands there.

The sweep runs once for the module (one browser, one context per role) over the demo data set
and a few additions (tests/browser/a11y_data.py); the tests below read its report."""
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from lms import create_app
from lms.extensions import db
from tests.browser import a11y_crawl, a11y_data
from tests.conftest import _empty_tables

pytestmark = pytest.mark.browser

# What each role must at least reach: a crawl that lost its way fails here, not silently.
EXPECTED = {
    "anonymous": {"core.home", "catalog.course", "catalog.glossary", "auth.login", "auth.register",
                  "auth.forgot", "auth.reset", "badges.verify_form", "cohorts.welcome", "cohorts.join",
                  "auth.reset (400)", "cohorts.welcome (400)", "badges.assertion", "error page (404)",
                  "form: register form with errors"},
    "learner": {"learning.my_learning", "learning.lesson", "quizzes.quiz", "quizzes.attempt",
                "quizzes.result", "quizzes.review", "quizzes.practice", "badges.mine", "badges.assertion",
                "badges.badge_class", "cohorts.inbox", "cohorts.inbox_message", "cohorts.invitation",
                "cohorts.join_by_code", "auth.account", "auth.delete_account", "auth.confirm_email (400)",
                "form: join code not found", "form: quiz summary before marking"},
    "facilitator": {"cohorts.index", "cohorts.new", "cohorts.members", "cohorts.manage", "cohorts.messages",
                    "cohorts.message", "cohorts.new_message", "cohorts.upload", "dashboards.cohort",
                    "dashboards.matrix", "dashboards.items", "dashboards.learner", "dashboards.at_risk",
                    "cohorts.move_member", "form: confirm removing a learner", "form: message preview"},
    "admin": {"cohorts.admin_home", "cohorts.admin_users", "cohorts.admin_user", "cohorts.admin_cohorts",
              "cohorts.admin_organisations", "cohorts.admin_organisation", "core.admin_audit",
              "core.admin_mail", "badges.admin", "auth.delete_account (409)",
              "form: confirm anonymising an account", "form: confirm deleting an organisation",
              "form: confirm revoking a badge"},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def report(_app, browser):
    port = _free_port()
    server_app = create_app({
        "TESTING": False, "SECRET_KEY": "browser-test-secret", "WTF_CSRF_ENABLED": True,
        "SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": None,
        "MAIL_DIR": _app.config["MAIL_DIR"], "BASE_URL": f"http://127.0.0.1:{port}", "REDIS_URL": None,
    })
    server = make_server("127.0.0.1", port, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with server_app.test_request_context():
            data = a11y_data.build()
            db.session.remove()
        result = a11y_crawl.Report()
        crawler = a11y_crawl.Crawler(browser, f"http://127.0.0.1:{port}", server_app.url_map, result,
                                     a11y_crawl.screenshot_dir())
        for role, email in a11y_data.ROLES.items():
            crawler.sweep_role(role, email, data.password, data.extra_paths.get(role, []),
                               data.actions.get(role, []))
        print(f"a11y sweep: {len(result.page_types())} page types, "
              f"{sum(len(p) for p in result.pages.values())} role x page pairs, seconds {result.seconds}")
        yield result
    finally:
        server.shutdown()
        thread.join(5)
        with server_app.app_context():
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


def test_each_role_reaches_its_page_types(report):
    for role, expected in EXPECTED.items():
        missing = expected - set(report.pages.get(role, {}))
        assert not missing, f"{role} never reached {sorted(missing)}; found {a11y_crawl.summary(report)}"


def test_every_page_loads_without_an_error_or_a_blocked_script(report):
    assert report.problems == [], "\n".join(report.problems)


def test_axe_finds_no_wcag_21_aa_violation_at_1280_and_360_px(report):
    assert report.violations == [], (f"{len(report.violations)} violations:\n"
                                     + "\n".join(str(v) for v in report.violations))


def test_no_page_scrolls_sideways_at_320_px(report):
    assert report.overflows == [], "\n".join(report.overflows)


def test_each_page_type_has_its_screenshot_at_360_px_when_asked(report):
    target = a11y_crawl.screenshot_dir()
    if target is None:
        pytest.skip("SCREENSHOT_DIR is not set")
    shots = sorted(p.name for p in Path(target).glob("*.png"))
    assert report.screenshots == len(report.page_types()), shots
    assert {name.split("--")[0] for name in shots} >= {"dashboards.matrix", "learning.lesson", "core.home"}
