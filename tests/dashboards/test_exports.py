"""CSV and XLSX exports: streamed, complete, and safe to open in a spreadsheet."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.catalog.models import Module, Question, Quiz
from lms.dashboards.exports import neutralise
from lms.extensions import db

from .conftest import NOW

EVIL = "=cmd|' /C calc'!A0"


@pytest.fixture
def exported(make, dash, frozen):
    course = make.course(modules=2, lessons=1, questions=2, final=False)
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == modules[0].id))
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, due_on=(NOW - timedelta(days=1)).date())
    evil = dash.learner(cohort, name=EVIL, email="evil@example.org", organisation_text="@SUM(A1:A9)")
    zoe = dash.learner(cohort, name="Zoë Ndiaye", email="zoe@example.org")
    dash.learner(cohort, name="+Plus Minus", email="plus@example.org")
    dash.module_lessons(zoe, modules[0])
    dash.attempt(zoe, quiz, {questions[0]: 1.0, questions[1]: 0.0}, at=NOW - timedelta(days=3))
    dash.attempt(zoe, quiz, dict.fromkeys(questions, 1.0), at=NOW - timedelta(days=2))
    dash.attempt(evil, quiz, dict.fromkeys(questions, 0.0), state="in_progress")
    other = dash.cohort(course, name="Other")
    dash.attempt(dash.learner(other, name="Outsider"), quiz, dict.fromkeys(questions, 1.0))
    return cohort, course, facilitator


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_matrix_csv_is_streamed_with_one_row_per_learner(client, login, exported):
    cohort, course, facilitator = exported
    login(facilitator)
    response = client.get(f"/cohorts/{cohort.id}/export.csv?what=matrix")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cohort-{cohort.id}-{course.slug}-matrix-20260302.csv"')
    assert response.data.startswith("\ufeff".encode())
    header, *rows = _csv(response)
    assert header[:5] == ["Name", "E-mail", "Organisation", "Country", "Progress (%)"]
    assert header[7] == "Time on task (minutes)"
    assert header[12:] == ["Module 1", "Module 2", "Score: Quiz module-1", "Score: Quiz module-2"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_name) == {"'" + EVIL, "'+Plus Minus", "Zoë Ndiaye"}
    zoe = by_name["Zoë Ndiaye"]
    assert zoe["Progress (%)"] == "50" and zoe["Lessons completed"] == "1" and zoe["Quizzes passed"] == "1"
    assert zoe["Time on task (minutes)"] == "20"           # two finished 10-minute attempts
    assert zoe["Module 1"] == "Passed" and zoe["Module 2"] == "Not started"
    assert zoe["Score: Quiz module-1"] == "100" and zoe["Overdue"] == "yes"
    assert zoe["Last active (UTC)"] == "2026-03-01 12:00"
    evil = by_name["'" + EVIL]
    assert evil["Organisation"] == "'@SUM(A1:A9)" and evil["At risk"] == "overdue"
    assert evil["Time on task (minutes)"] == "0"           # an attempt still open counts nothing yet
    assert by_name["'+Plus Minus"]["At risk"] == "not started, overdue"


def test_quiz_csv_lists_every_finished_attempt_of_the_cohort(client, login, exported):
    cohort, course, facilitator = exported
    login(facilitator)
    header, *rows = _csv(client.get(f"/cohorts/{cohort.id}/export.csv?what=quiz"))
    assert header == ["Name", "E-mail", "Organisation", "Quiz", "Attempt", "Started (UTC)", "Finished (UTC)",
                      "Score (%)", "Passed"]
    assert [(r[0], r[4], r[7], r[8]) for r in rows] == [("Zoë Ndiaye", "1", "50", "no"),
                                                         ("Zoë Ndiaye", "2", "100", "yes")]


def test_xlsx_reads_back_with_formulas_neutralised(client, login, exported):
    cohort, course, facilitator = exported
    login(facilitator)
    response = client.get(f"/cohorts/{cohort.id}/export.xlsx?what=matrix")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "Name" and len(rows) == 4
    cells = {row[0].value: row for row in rows[1:]}
    assert set(cells) == {"'" + EVIL, "'+Plus Minus", "Zoë Ndiaye"}
    assert all(row[0].data_type == "s" for row in rows)        # text, never a formula
    assert cells["'" + EVIL][2].value == "'@SUM(A1:A9)"
    zoe = cells["Zoë Ndiaye"]
    assert zoe[4].value == 50 and zoe[4].data_type == "n"      # numbers stay numbers
    assert rows[0][7].value == "Time on task (minutes)" and zoe[7].value == 20 and zoe[7].data_type == "n"
    quiz = load_workbook(io.BytesIO(client.get(f"/cohorts/{cohort.id}/export.xlsx?what=quiz").data)).active
    assert [row[7].value for row in quiz.iter_rows(min_row=2)] == [50.0, 100.0]


@pytest.mark.parametrize("what", ["matrix", "quiz"])
def test_xlsx_header_is_bold_frozen_filtered_and_columns_are_sized(client, login, exported, what):
    cohort, course, facilitator = exported
    login(facilitator)
    book = load_workbook(io.BytesIO(client.get(f"/cohorts/{cohort.id}/export.xlsx?what={what}").data))
    sheet = book.active
    header = next(sheet.iter_rows(max_row=1))
    assert header[0].value == "Name" and all(cell.font.bold for cell in header)
    assert not any(cell.font.bold for row in sheet.iter_rows(min_row=2) for cell in row)
    assert sheet.freeze_panes == "A2"                                  # the header stays in view
    last = header[-1].column_letter
    assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"        # a filter on every column
    widths = {letter: sheet.column_dimensions[letter].width for letter in ("A", "B", last)}
    assert all(8 <= width <= 50 for width in widths.values()), widths
    assert widths["B"] >= len("evil@example.org")                     # e-mails fit


def test_xlsx_column_widths_follow_the_header_and_a_bounded_sample():
    from datetime import datetime

    from lms.dashboards.exports import column_widths

    header = ["Name", "A very long column title for a quiz score", "Last active (UTC)"]
    rows = [["Ana", 5, datetime(2026, 1, 1, 10, 0)], ["Bartholomew " * 10, None, None]]
    assert column_widths(header, rows) == [50.0, 43.0, 20.0]


@pytest.mark.parametrize("value, safe", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), ("a=b", "a=b"), ("", ""), (-3, -3), (2.5, 2.5), (None, None)])
def test_neutralise(value, safe):
    assert neutralise(value) == safe
