"""Links point at the origin the app is served on: BASE_URL follows PORT, and a mismatch is said."""
import logging

from lms import config


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
