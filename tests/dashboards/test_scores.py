"""One score, one number: the learner's pages, the facilitator's dashboards and the exports all
show a quiz score the same way (lms.core.i18n.percent / score_value: cut to one decimal)."""
import csv
import io

import pytest
from sqlalchemy import select

from lms.catalog.models import Module, Question, Quiz
from lms.extensions import db
from lms.learning.models import Enrollment

from .conftest import NOW


@pytest.fixture
def scored(make, dash, frozen):
    """One learner of a cohort with one finished attempt at the first module's quiz."""

    def build(marks: tuple[float, float, float]):
        course = make.course(modules=1, lessons=1, questions=3, final=False)
        module = db.session.scalar(select(Module).where(Module.course_id == course.id))
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
        questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
        facilitator = make.user(role="facilitator")
        cohort = dash.cohort(course, facilitator=facilitator)
        learner = dash.learner(cohort, name="Amina Diallo")
        db.session.add(Enrollment(user_id=learner.id, course_id=course.id, cohort_id=cohort.id, source="cohort",
                                  enrolled_at=NOW))
        db.session.commit()
        attempt = dash.attempt(learner, quiz, dict(zip(questions, marks, strict=True)))
        return course, cohort, facilitator, learner, attempt

    return build


def _csv(response) -> list[dict]:
    header, *rows = csv.reader(io.StringIO(response.data.decode("utf-8-sig")))
    return [dict(zip(header, row, strict=True)) for row in rows]


SCORES = [((1.0, 1.0, 0.75), "91.6%", "91.6"),      # 2.75 of 3: 91.666…
          ((1.0, 0.9988, 0.1), "69.9%", "69.9")]    # 69.96: not passed, so never "70"


@pytest.mark.parametrize("marks, shown, cell", SCORES)
def test_a_score_reads_the_same_on_every_page_and_export(client, login, scored, marks, shown, cell):
    course, cohort, facilitator, learner, attempt = scored(marks)
    assert attempt.passed == (cell == "91.6")
    wrong = ("91.7", "92%") if cell == "91.6" else ("70.0", ">70%")

    login(learner)
    learner_pages = {
        "result": client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True),
        "course page": client.get(f"/courses/{course.slug}").get_data(as_text=True),
    }
    assert f'<p class="quiz-score-number">{shown}</p>' in learner_pages["result"]
    assert f"Result: {shown}" in learner_pages["course page"]
    client.post("/logout")

    login(facilitator)
    base = f"/cohorts/{cohort.id}"
    facilitator_pages = {
        "cohort page": client.get(f"{base}/dashboard").get_data(as_text=True),
        "drill-down": client.get(f"{base}/learners/{learner.id}").get_data(as_text=True),
        "matrix": client.get(f"{base}/matrix?module=module-1").get_data(as_text=True),
        "items": client.get(f"{base}/items").get_data(as_text=True),
    }
    for name, page in {**learner_pages, **facilitator_pages}.items():
        assert shown in page, name
        assert not any(w in page for w in wrong), name
    assert f"Finished attempt 1 of “Quiz module-1”: {shown}" in facilitator_pages["drill-down"]

    matrix = _csv(client.get(f"{base}/export.csv?what=matrix"))
    assert matrix[0]["Score: Quiz module-1"] == cell
    attempts = _csv(client.get(f"{base}/export.csv?what=quiz"))
    assert [row["Score (%)"] for row in attempts] == [cell]


def test_french_pages_use_the_french_number_format(client, login, scored):
    course, cohort, facilitator, learner, attempt = scored(SCORES[0][0])
    learner.locale = "fr"
    facilitator.locale = "fr"
    db.session.commit()
    login(learner)
    assert "91,6\xa0%" in client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    client.post("/logout")
    login(facilitator)
    assert "91,6\xa0%" in client.get(f"/cohorts/{cohort.id}/learners/{learner.id}").get_data(as_text=True)
    # exports carry numbers, not text: the same 91.6 in every language
    assert _csv(client.get(f"/cohorts/{cohort.id}/export.csv?what=quiz"))[0]["Score (%)"] == "91.6"
