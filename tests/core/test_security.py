"""Route inventory, security headers and safe redirects over the whole URL map."""
import re

import pytest

from lms.core.security import is_public_endpoint, safe_next

# Every route reachable without login, on purpose. Adding a public route means adding it here.
PUBLIC = {
    "static", "catalog.media", "core.healthz", "core.set_language", "core.home", "auth.register", "auth.login",
    "auth.forgot", "auth.reset", "auth.confirm_email", "cohorts.join", "cohorts.welcome", "cohorts.join_by_code",
    "badges.issuer", "badges.badge_class", "badges.class_image", "badges.assertion", "badges.assertion_json",
    "badges.baked_png", "badges.baked_svg", "badges.verify", "badges.verify_form",
    "catalog.course", "catalog.glossary",
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
    assert "max-age=31536000" in response.headers["Cache-Control"]


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
