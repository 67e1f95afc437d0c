import csv
import io
import json
import zipfile

from lms.auth import account_data
from lms.auth.models import LoginCounter
from lms.extensions import db
from tests.auth.conftest import EMAIL, NAME

TABLES = ["enrolments", "lesson_progress", "quiz_attempts", "cohort_memberships", "badges", "reminders",
          "audit_events", "failed_logins"]


def _login_after_a_failed_attempt(login, user, **kwargs):
    """Logging in clears this device's count only: the failures from another device (in the
    `history` fixture) stay in the export."""
    return login(user, **kwargs)


def _zip_tables(body: bytes) -> dict[str, list[dict]]:
    archive = zipfile.ZipFile(io.BytesIO(body))
    return {name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()}


def test_json_export_holds_every_kind_of_record_about_the_person(history, client, login):
    _login_after_a_failed_attempt(login, history.person)
    response = client.get("/account/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="upr-academy-my-data-')
    data = json.loads(response.get_data(as_text=True))
    assert set(data) == {"format_version", "exported_at", "account", *TABLES}
    assert data["account"]["email"] == EMAIL and data["account"]["name"] == NAME
    assert data["account"]["organisation_text"] == "Quillfeather Consulting"
    assert "password_hash" not in data["account"] and "session_epoch" not in data["account"]
    assert data["enrolments"][0]["course"] == history.course.slug
    assert data["lesson_progress"][0]["seconds_on_task"] == 95
    attempt = data["quiz_attempts"][0]
    assert attempt["score"] == 100.0 and attempt["passed"] is True
    assert len(attempt["responses"]) == 6 and {r["mark"] for r in attempt["responses"]} == {1.0}
    assert {"text": f"{NAME} <{EMAIL}>"} in [r["response"] for r in attempt["responses"]]
    assert data["cohort_memberships"][0]["cohort"] == history.cohort.name
    badge = data["badges"][0]
    assert badge["status"] == "valid" and badge["verify_url"].startswith("http://localhost/verify/")
    assert data["reminders"][0]["reasons"] == "inactive"
    actions = {e["action"] for e in data["audit_events"]}
    assert {"badge.awarded", "user.note"} <= actions
    assert {e["by"] for e in data["audit_events"] if e["action"] == "user.note"} == {"another account"}
    assert [(row["client"], row["failed_attempts"]) for row in data["failed_logins"]] == [("203.0.113.9", 2)]


def test_nothing_of_another_person_is_in_the_export(history, client, login):
    _login_after_a_failed_attempt(login, history.person)
    for fmt in ("json", "zip"):
        body = client.get(f"/account/data.{fmt}").get_data()
        text = body.decode() if fmt == "json" else json.dumps(_zip_tables(body))
        for other in ("Kofi Mensah", "kofi.mensah@example.org", "Ada Admin", history.classmate_award.short_code):
            assert other not in text, (fmt, other)
    classmate = client.application.test_client()
    login(history.classmate, c=classmate)
    data = json.loads(classmate.get("/account/data.json").get_data(as_text=True))
    assert data["account"]["name"] == "Kofi Mensah" and len(data["quiz_attempts"]) == 1
    assert NAME not in json.dumps(data) and data["reminders"] == [] and data["failed_logins"] == []


def test_csv_export_is_a_zip_of_one_file_per_table_with_a_row_per_record(history, client, login):
    _login_after_a_failed_attempt(login, history.person)
    response = client.get("/account/data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].endswith('.zip"')
    tables = _zip_tables(response.get_data())
    assert set(tables) == {"account", "quiz_responses", *TABLES}
    assert tables["account"][0]["email"] == EMAIL and "password_hash" not in tables["account"][0]
    for table in ["enrolments", "lesson_progress", "quiz_attempts", "cohort_memberships", "badges", "reminders",
                  "failed_logins"]:
        assert len(tables[table]) == 1, table
    assert len(tables["quiz_responses"]) == 6
    assert tables["quiz_responses"][0]["attempt_id"] == tables["quiz_attempts"][0]["attempt_id"]
    assert tables["lesson_progress"][0]["seconds_on_task"] == "95"


def test_empty_tables_still_have_their_header_and_the_same_columns_as_full_ones(history, make):
    assert db.session.query(LoginCounter).count() == 1
    full = account_data.collect(history.person)
    empty = account_data.collect(make.user())
    archive = zipfile.ZipFile(io.BytesIO(account_data.as_zip(empty)))
    for table, rows in full.items():
        if table == "account":
            continue
        assert rows and not empty[table], table
        lines = archive.read(f"{table}.csv").decode("utf-8-sig").splitlines()
        assert lines == [",".join(rows[0])], table


def test_spreadsheet_formulas_in_text_are_neutralised(make, client, login):
    user = make.user(name="=HYPERLINK(\"http://evil.example\")")
    login(user)
    tables = _zip_tables(client.get("/account/data.zip").get_data())
    assert tables["account"][0]["name"].startswith("'=")


def test_export_needs_login(client):
    response = client.get("/account/data.json")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
