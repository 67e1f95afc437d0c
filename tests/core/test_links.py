"""Links point at the origin the app is served on: BASE_URL follows PORT, and a mismatch is said."""
import logging

from lms import config
from lms.core.mail import send_mail


def test_base_url_follows_port(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5501")
    assert config.load()["BASE_URL"] == "http://127.0.0.1:5501"


def test_base_url_defaults_to_port_5000_and_explicit_value_wins(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert config.load()["BASE_URL"] == "http://127.0.0.1:5000"
    monkeypatch.setenv("PORT", "5501")
    monkeypatch.setenv("BASE_URL", "https://academy.example.org/")
    assert config.load()["BASE_URL"] == "https://academy.example.org"


def test_a_request_on_another_origin_is_warned_about_once(app, client, caplog):
    app.extensions.pop("lms.origins_warned", None)
    with caplog.at_level(logging.WARNING):
        client.get("/healthz", base_url="http://127.0.0.1:5501")
        client.get("/healthz", base_url="http://127.0.0.1:5501")
        client.get("/healthz", base_url="http://localhost")
    warnings = [r.getMessage() for r in caplog.records if "BASE_URL" in r.getMessage()]
    assert len(warnings) == 1
    assert "http://127.0.0.1:5501" in warnings[0] and "BASE_URL is http://localhost" in warnings[0]


def test_logged_mail_is_readable(app, caplog):
    link = "http://localhost/welcome/" + "x" * 120
    with app.test_request_context(), caplog.at_level(logging.INFO, logger="lms.mail"):
        send_mail("ana@example.org", "Bienvenue à l'UPR Academy", f"Cliquez ici : {link}\n")
    logged = caplog.records[-1].getMessage()
    assert "Subject: Bienvenue à l'UPR Academy" in logged
    assert link in logged  # on one line, not encoded or wrapped
