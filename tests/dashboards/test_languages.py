"""Cross-language item analysis: a question much easier in one language than in the others is
flagged once there are enough attempts; a small sample is not."""
from sqlalchemy import select

from lms.catalog.models import Module, Question
from lms.dashboards import languages
from lms.extensions import db


def _marks(spec):
    """spec: [(language, attempts, right)] -> (marks, languages) for one question id 1 (and a
    second question 2 everyone gets right, so totals vary)."""
    marks, spoken, n = {}, {}, 0
    for lang, count, right in spec:
        for k in range(count):
            n += 1
            marks[n] = {1: 1.0 if k < right else 0.0, 2: 1.0}
            spoken[n] = lang
    return marks, spoken


def test_ninety_percent_in_english_and_thirty_in_french_is_flagged():
    marks, spoken = _marks([("en", 40, 36), ("fr", 40, 12)])
    result = languages.compare(marks, spoken, drawn=False, live={1, 2})
    assert set(result[1].flagged) == {"en", "fr"}
    rows = {r.language: r for r in result[1].rows}
    assert rows["fr"].stats.facility == 0.3 and rows["en"].stats.facility == 0.9
    assert rows["fr"].z < -languages.Z_CRITICAL
    assert result[2].flagged == []              # the same in both languages: no flag


def test_a_small_sample_is_not_flagged_but_said_to_be_too_few():
    marks, spoken = _marks([("en", 8, 7), ("fr", 8, 2)])
    result = languages.compare(marks, spoken, drawn=False, live={1, 2})
    assert result[1].flagged == [] and result[1].too_few


def test_ordinary_noise_between_languages_is_not_flagged():
    marks, spoken = _marks([("en", 60, 42), ("es", 50, 33), ("fr", 50, 36)])
    result = languages.compare(marks, spoken, drawn=False, live={1, 2})
    assert result[1].flagged == [] and not result[1].too_few


def test_one_language_only_shows_no_language_table():
    marks, spoken = _marks([("en", 40, 30)])
    assert languages.compare(marks, spoken, drawn=False, live={1, 2}) == {}


def test_the_item_analysis_page_flags_the_question_in_french(client, login, make, dash):
    course = make.course(modules=1, lessons=1, questions=0, final=False)
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    quiz = make.quiz(course, module, slug="bilingual", questions=2, types=["single"])
    faulty, fine = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)).all()
    facilitator = make.user(role="facilitator")
    cohort = dash.cohort(course, facilitator=facilitator)
    for lang, right in (("en", 27), ("fr", 9)):
        for k in range(30):
            attempt = dash.attempt(dash.learner(cohort), quiz, {faulty: 1.0 if k < right else 0.0, fine: 1.0})
            attempt.language = lang
    db.session.commit()
    login(facilitator)
    html = client.get(f"/cohorts/{cohort.id}/items?quiz={quiz.id}").get_data(as_text=True)
    items = html.split('<li class="item')[1:]
    assert "By language of the attempt" in items[0] and "Français" in items[0]
    assert "differs from the other languages by more than chance explains" in items[0]
    assert "differs from the other languages" not in items[1]
