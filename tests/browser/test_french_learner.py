"""A learner who works in French (then Spanish) takes UPR essentials end to end on a phone in
Chromium, lesson by lesson and quiz by quiz, earns its badge, and meets no English on the way:
no interface text from the catalogue's English side, no English course title, no block marked
as shown in English."""
import re

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from lms.catalog.models import Course, Lesson, Module, Question, Quiz
from lms.extensions import db
from lms.quizzes.models import QuizAttempt
from tests.browser.menu import open_menu
from tests.browser.test_quizzes import watch_errors
from tests.browser.test_shipped_quizzes import answer
from tests.core.test_crawl_languages import PUBLICATIONS, _english_fragments, _Text
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
COURSE = "upr-essentials"


def _english_titles(course) -> set[str]:
    titles = {course.title}
    for model in (Module, Lesson, Quiz):
        titles |= set(db.session.scalars(select(model.title).where(model.course_id == course.id)))
    return {t for t in titles if len(t) > 8}


def _check(page, lang, fragments, titles, seen):
    parser = _Text()
    # A lesson's sources name the documents as published: an English-only source keeps its title.
    parser.feed(page.evaluate("""() => { const copy = document.documentElement.cloneNode(true);
        copy.querySelectorAll('.sources').forEach(e => e.remove()); return copy.outerHTML; }"""))
    assert parser.page_lang == lang, page.url
    text = parser.text
    for title in PUBLICATIONS:
        text = text.replace(title, "")
    english = sorted(f for f in fragments | titles if f in text)
    assert english == [], (page.url, english)
    # Language names ("English" in the list of a course's languages) are rightly marked English.
    assert page.locator('[lang="en"]:not(option):not(.course-languages span)').count() == 0, page.url
    seen.append(page.url)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_learner_takes_upr_essentials_in_her_language_and_earns_the_badge(page, live_server, runner, make, app, lang):
    assert runner.invoke(args=["courses", "sync", app.config["COURSES_DIR"]]).exit_code == 0
    learner = make.user(name="Aïssatou Diop", locale=lang)
    course = db.session.scalar(select(Course).where(Course.slug == COURSE))
    assert lang in course.languages
    titles = _english_titles(course) - {(course.translations.get(lang) or {}).get("title")}
    fragments = _english_fragments(lang)
    with force_locale(lang):
        words = {k: gettext(k) for k in ("Log in", "Log out", "E-mail address", "Password", "Enrol in this course",
                                         "Mark as complete", "Start the quiz", "Submit answers")}
    db.session.rollback()
    errors, seen = watch_errors(page), []
    base = live_server.url
    page.goto(base + "/login")
    open_menu(page)
    page.select_option("#lang-select", lang)           # a visitor chooses her language first
    page.wait_for_selector(f'html[lang="{lang}"]')
    _check(page, lang, fragments, titles, seen)
    page.get_by_label(words["E-mail address"]).fill(learner.email)
    page.get_by_label(words["Password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=words["Log in"]).click()
    open_menu(page)
    expect(page.get_by_role("button", name=words["Log out"])).to_be_visible()
    page.goto(f"{base}/courses/{COURSE}")
    _check(page, lang, fragments, titles, seen)
    page.get_by_role("button", name=words["Enrol in this course"]).first.click()
    lessons = db.session.execute(select(Lesson.slug).join(Module, Module.id == Lesson.module_id)
                                 .where(Lesson.course_id == course.id, Lesson.archived.is_(False))
                                 .order_by(Module.position, Lesson.position)).scalars().all()
    quizzes = {q.module_id: q for q in db.session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()
    by_module = {m.id: [] for m in modules}
    for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)):
        by_module[lesson.module_id].append(lesson.slug)
    db.session.rollback()
    assert lessons
    for module in modules:
        for slug in by_module[module.id]:
            page.goto(f"{base}/courses/{COURSE}/lessons/{slug}")
            _check(page, lang, fragments, titles, seen)
            page.get_by_role("button", name=words["Mark as complete"]).click()
            expect(page.locator(".lesson-done")).to_be_visible()
        _take(page, base, quizzes[module.id], learner, lang, words, fragments, titles, seen)
    _take(page, base, quizzes[None], learner, lang, words, fragments, titles, seen)
    page.goto(f"{base}/badges")
    _check(page, lang, fragments, titles, seen)
    badge = (course.translations.get(lang) or {}).get("badge_name")
    assert badge and badge in page.content()
    assert errors == [], errors


def _take(page, base, quiz, learner, lang, words, fragments, titles, seen):
    page.goto(f"{base}/courses/{COURSE}/quizzes/{quiz.slug}")
    _check(page, lang, fragments, titles, seen)
    page.get_by_role("button", name=words["Start the quiz"]).click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    _check(page, lang, fragments, titles, seen)
    db.session.rollback()
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == learner.id, QuizAttempt.quiz_id == quiz.id)
                                .order_by(QuizAttempt.id.desc()))
    assert attempt.language == lang
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))}
    db.session.rollback()
    for question_id in attempt.question_ids:
        answer(page, questions[question_id], lang)
    page.get_by_role("button", name=words["Submit answers"]).click()
    expect(page.locator(".quiz-score-number")).to_contain_text("100")
    _check(page, lang, fragments, titles, seen)
