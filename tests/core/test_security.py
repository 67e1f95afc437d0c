"""Route inventory, security headers and safe redirects over the whole URL map."""
import re
import time

import pytest

from lms.core.security import is_public_endpoint, safe_next
from lms.extensions import db

# Every route reachable without login, on purpose. Adding a public route means adding it here.
PUBLIC = {
    "static", "catalog.media", "core.healthz", "core.set_language", "core.home", "auth.register", "auth.login",
    "auth.forgot", "auth.reset", "auth.confirm_email", "cohorts.join", "cohorts.welcome", "cohorts.invitation", "cohorts.join_by_code",
    "badges.issuer", "badges.badge_class", "badges.class_image", "badges.assertion", "badges.assertion_json",
    "badges.baked_png", "badges.baked_svg", "badges.verify", "badges.verify_form",
    "catalog.course", "catalog.glossary",
    "offline.manifest", "offline.worker", "offline.shell", "offline.page",
}


def _fill(rule) -> str:
    def value(match):
        converter, name = match.group(1) or "", match.group(2)
        if converter.startswith("uuid"):
            return "00000000-0000-4000-8000-000000000000"
        return "1" if converter.startswith("int") or "id" in name else "x"

    return re.sub(r"<(?:([^:>]+):)?([^>]+)>", value, rule.rule)


def test_every_route_is_public_on_purpose_or_requires_login(app):
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        public = is_public_endpoint(app, rule.endpoint)
        assert public == (rule.endpoint in PUBLIC), f"{rule.endpoint} public={public}"
        if public:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        response = client.open(_fill(rule), method=method)
        assert response.status_code in (302, 401), (rule.rule, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], rule.rule


def test_security_headers_on_every_get_route(app):
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        response = client.get(_fill(rule))
        csp = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, rule.rule
        assert "frame-ancestors 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]


def test_production_cookie_and_hsts(app, make):
    app.config.update(PRODUCTION=True, SESSION_COOKIE_SECURE=True)
    user = make.user()
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": make.PASSWORD},
                           base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example",
                                    "\\\\evil.example", "http:/evil", "javascript:alert(1)", "/\tevil"])
def test_safe_next_refuses_other_sites(target):
    assert safe_next(target, "/home") == "/home"


def test_safe_next_keeps_local_paths():
    assert safe_next("/courses/a?x=1", "/home") == "/courses/a?x=1"


def test_static_urls_are_fingerprinted_and_cached(client):
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{10})"', page).group(1)
    response = client.get(css)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_static_url_with_another_hash_is_not_served_nor_cached(client):
    wrong = client.get("/static/css/app.css?v=0123456789")
    assert wrong.status_code == 404 and wrong.headers["Cache-Control"] == "no-store"
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-cache"   # revalidated


def test_pages_and_static_text_are_compressed_for_browsers_that_accept_it(client):
    import brotli

    page = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert page.headers["Content-Encoding"] == "br" and "Accept-Encoding" in page.headers["Vary"]
    assert b"UPR Academy" in brotli.decompress(page.data)
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{10})"', client.get("/").get_data(as_text=True)).group(1)
    styles = client.get(css, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert styles.headers["Content-Encoding"] == "br" and b".tabs" in brotli.decompress(styles.data)
    old = client.get("/", headers={"Accept-Encoding": "gzip"})              # an older client
    assert old.headers["Content-Encoding"] == "gzip"
    assert client.get("/").headers.get("Content-Encoding") is None      # nothing asked, nothing done


def test_htmx_is_vendored_with_its_licence(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in page
    assert "//" not in re.sub(r'(href|src)="/[^/]', "", "".join(re.findall(r'(?:href|src)="//[^"]*"', page)))
    assert client.get("/static/vendor/htmx-2.0.11/LICENSE").status_code == 200


def test_production_settings_from_the_environment(monkeypatch, database_url):
    from lms import create_app

    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "a production secret")
    monkeypatch.setenv("BASE_URL", "https://upr-academy.example")
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["TRUSTED_HOSTS"] == ["upr-academy.example"]
    client = app.test_client()
    assert client.get("/healthz", base_url="https://upr-academy.example").status_code == 200
    assert client.get("/healthz", base_url="https://evil.example").status_code == 400


# ---- input edges: NUL characters and body limits ------------------------------------------

NUL_MESSAGE = "contains a NUL character"


def _nul_path(rule) -> str:
    """The rule's URL with a NUL in a text segment, or after the last one."""
    filled = _fill(rule)
    if re.search(r"<(?:(?:string|path|default):)?[^:>]+>", rule.rule) and "/x" in filled:
        return filled.replace("/x", "/x%00", 1)
    return filled + "%00"


def _nul_requests(rule):
    methods = sorted(rule.methods - {"OPTIONS", "HEAD"})
    for method in methods:
        yield method, _nul_path(rule), {}
        yield method, _fill(rule) + "?q=a%00b", {}
        yield method, _fill(rule) + "?a%00=1", {}
        if method != "GET":
            yield method, _fill(rule), {"data": {"email": "a\x00@example.org", "name": "x", "text": "x"}}
            yield method, _fill(rule), {"data": {"note\x00": "x"}}


@pytest.mark.parametrize("role", [None, "learner", "facilitator", "admin"])
def test_a_nul_character_anywhere_is_a_400_on_every_route(app, make, login, role):
    client = app.test_client()
    if role:
        login(make.user(role=role), c=client)
    seen = 0
    for rule in app.url_map.iter_rules():
        for method, url, kwargs in _nul_requests(rule):
            response = client.open(url, method=method, **kwargs)
            assert response.status_code == 400, (method, url, kwargs, response.status_code)
            if method != "HEAD":
                assert NUL_MESSAGE in response.get_data(as_text=True), (method, url)
            seen += 1
    assert seen > 300


def test_a_nul_in_an_uploaded_file_name_is_a_400(app, make, login):
    from io import BytesIO

    client = login(make.user(role="admin"))
    response = client.post("/verify", data={"image": (BytesIO(b"\x89PNG"), "badge\x00.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)


def test_a_huge_urlencoded_login_post_is_refused_at_once(client):
    body = b"&".join([b"ab="] * 1_150_000)  # 4.6 MB, 1.15 M fields
    assert len(body) > 4_500_000
    started = time.perf_counter()
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert time.perf_counter() - started < 1.0
    assert "at most 256 KB" in response.get_data(as_text=True)


def test_a_small_body_with_too_many_fields_is_refused_too(app, client):
    body = b"&".join([b"a"] * 100_000)  # 200 KB: under the size limit, far over MAX_FORM_PARTS
    assert len(body) < app.config["MAX_CONTENT_LENGTH"]
    started = time.perf_counter()
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and time.perf_counter() - started < 1.0
    assert "more than 1000 fields" in response.get_data(as_text=True)
    fields = b"&".join([b"email=someone%40example.org", b"password=wrong"] + [b"x=1"] * 900)
    assert client.post("/login", data=fields, content_type="application/x-www-form-urlencoded").status_code == 400


def test_the_largest_quiz_form_fits_the_small_limit(app, make, login):
    """40 short answers of the full 500 characters, in a script that takes 9 bytes a character
    once URL-encoded, are saved and graded, not refused."""
    from lms.learning.models import Enrollment
    from tests.quizzes import helpers as h

    course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
    quiz = make.quiz(course, None, slug="long", questions=40, types=["short"])
    learner = make.user()
    db.session.add(Enrollment(user_id=learner.id, course_id=course.id, source="self"))
    db.session.commit()
    client = login(learner)
    db.session.rollback()
    world = type("World", (), {"quiz_url": f"/courses/{course.slug}/quizzes/{quiz.slug}"})
    attempt_id = h.start(client, world)
    ids = h.attempt(attempt_id).question_ids
    answers = [(f"q{qid}", "答" * 500) for qid in ids]
    assert len(answers) == 40
    response = h.submit(client, attempt_id, answers)
    assert response.status_code == 303, response.status_code
    assert len(h.responses(attempt_id)) == 40


def test_upload_views_take_larger_bodies_than_forms(app, make, login):
    from io import BytesIO

    from lms.cohorts.services import create_cohort
    from lms.core.db import utcnow

    facilitator = make.user(role="facilitator")
    cohort = create_cohort(user=facilitator, now=utcnow(), name="Large roster")
    db.session.commit()
    client = login(facilitator)
    rows = "name,email\n" + "".join(f"Learner {n},learner{n}@example.org\n" for n in range(20_000))
    assert 256 * 1024 < len(rows) < 5 * 1024 * 1024
    response = client.post(f"/cohorts/{cohort.id}/upload", content_type="multipart/form-data",
                           data={"file": (BytesIO(rows.encode()), "roster.csv")})
    assert response.status_code != 413
    huge = BytesIO(b"name,email\n" + b"x" * (6 * 1024 * 1024))
    response = client.post(f"/cohorts/{cohort.id}/upload", content_type="multipart/form-data",
                           data={"file": (huge, "roster.csv")})
    assert response.status_code == 413 and "at most 5 MB" in response.get_data(as_text=True)


def test_badge_verify_takes_an_image_above_the_form_limit(client):
    from io import BytesIO

    image = BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * (600 * 1024))
    response = client.post("/verify", data={"image": (image, "badge.png")}, content_type="multipart/form-data")
    assert response.status_code == 400  # read and refused for what it is, not for its size
    huge = BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * (6 * 1024 * 1024))
    response = client.post("/verify", data={"image": (huge, "badge.png")}, content_type="multipart/form-data")
    assert response.status_code == 413 and "larger than 1 MB" in response.get_data(as_text=True)
