def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405


def _fresh(app):
    from lms import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})


def test_500_rolls_back_and_shows_a_reference_not_a_traceback(app, make):
    from lms.auth.models import User
    from lms.extensions import db

    def boom():
        db.session.add(User(email="half@example.org", name="Half"))
        db.session.flush()
        raise RuntimeError("secret internals")

    fresh = _fresh(app)
    fresh.add_url_rule("/__boom", "boom", boom)
    fresh.view_functions["boom"].is_public = True
    fresh.testing = False
    with fresh.app_context():
        response = fresh.test_client().get("/__boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Reference for support" in body
    assert "secret internals" not in body and "Traceback" not in body
    from sqlalchemy import select

    assert db.session.scalar(select(User).where(User.email == "half@example.org")) is None


def test_413_for_oversized_requests(app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = app.test_client().post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413


def test_error_page_with_message(app):
    from lms.core.errors import abort_with

    def conflict():
        abort_with(409, "That lesson is locked.")

    fresh = _fresh(app)
    fresh.add_url_rule("/__conflict", "conflict", conflict)
    fresh.view_functions["conflict"].is_public = True
    with fresh.app_context():
        response = fresh.test_client().get("/__conflict")
    assert response.status_code == 409
    assert "That lesson is locked." in response.get_data(as_text=True)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_language_switch_for_visitors(client):
    response = client.post("/language", data={"locale": "fr", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert 'lang="fr"' in client.get("/login").get_data(as_text=True)


def test_ids_beyond_the_database_range_are_not_found(client, make, login):
    login(make.user(role="admin"))
    assert client.get("/cohorts/99999999999999999999/dashboard").status_code == 404
    assert client.get("/attempts/3000000000").status_code == 404
