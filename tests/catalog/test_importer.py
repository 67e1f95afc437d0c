"""Importing a checked tree: upsert by slug, idempotence, archive-not-delete, translations."""
import shutil

import pytest
from sqlalchemy import func, select

from lms.catalog import importer, validate
from lms.catalog.models import Course, GlossaryTerm, Lesson, Module, Question, Quiz
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning.models import LessonProgress
from lms.quizzes.models import FINISHED, QuestionResponse, QuizAttempt
from tests.catalog.conftest import GOOD

pytestmark = pytest.mark.usefixtures("app")


def sync(courses):
    tree = courses.load()
    assert validate.check(tree) == []
    counts = importer.sync(tree)
    db.session.commit()
    return counts


def one(model, **where):
    return db.session.scalars(select(model).filter_by(**where)).one()


def test_first_sync_creates_every_row(courses):
    counts = sync(courses)
    assert dict(counts.created) == {"courses": 2, "modules": 3, "lessons": 4, "quizzes": 5, "questions": 14,
                                    "glossary terms": 3}
    assert not counts.updated and not counts.archived


def test_course_fields_come_from_course_yaml(courses):
    sync(courses)
    alpha, beta = one(Course, slug="alpha-course"), one(Course, slug="beta-course")
    assert (alpha.title, alpha.level, alpha.navigation) == ("Alpha course", "introductory", "sequential")
    assert alpha.audiences == ["all"] and alpha.derived_from == ["guide"]
    assert alpha.completion == {"lessons": "all", "module_quizzes": "passed", "final": "passed"}
    assert beta.completion == {"lessons": "all", "module_quizzes": "none", "final": "passed"}
    assert alpha.badge == {"name": "Alpha badge", "description": "Awarded for the alpha course.",
                           "criteria": "Complete every lesson and pass every quiz.", "colour": "#1d4ed8",
                           "emblem": "globe", "tags": ["upr", "tests"]}
    assert alpha.quiz_defaults == {"pass_mark": 60, "max_attempts": 2}
    assert alpha.translations == {"fr": {"title": "Cours alpha", "summary": "Un petit cours pour les tests.",
                                         "badge_name": "Badge alpha", "badge_description": "Décerné pour le cours alpha.",
                                         "badge_criteria": "Terminer chaque leçon et réussir chaque quiz."}}
    assert alpha.enrolment == "open" and len(alpha.content_hash) == 64
    # `order` decides the catalogue position, whatever the folders' alphabetical order.
    assert (alpha.position, beta.position) == (2, 1)


def test_modules_lessons_and_order(courses):
    sync(courses)
    alpha = one(Course, slug="alpha-course")
    modules = db.session.scalars(select(Module).where(Module.course_id == alpha.id).order_by(Module.position)).all()
    assert [(m.slug, m.position, m.title) for m in modules] == [("basics", 0, "Basics"), ("practice", 1, "Practice")]
    assert modules[0].translations == {"fr": {"title": "Les bases", "summary": "Ce qu'est l'examen."}}
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == alpha.id)
                                 .order_by(Lesson.module_id, Lesson.position)).all()
    assert [(lesson.slug, lesson.position) for lesson in lessons] == [
        ("first-lesson", 0), ("second-lesson", 1), ("third-lesson", 0)]
    first = lessons[0]
    assert first.module_id == modules[0].id and first.minutes == 4 and first.glossary == ["upr", "hrc"]
    assert first.key_points == ["The UPR is a peer review.", "Every State is reviewed: no exceptions."]
    assert first.sources == [{"title": "OHCHR – Universal Periodic Review", "url": "https://www.ohchr.org/en/hr-bodies/upr"}]
    assert "<h2>What the UPR is</h2>" in first.body_html and "<table>" in first.body_html
    assert '<img src="/course-media/alpha-course/images/cycle.png" alt="The cycle of the review">' in first.body_html
    assert first.word_count == 27
    french = first.translations["fr"]
    assert french["title"] == "Première leçon" and french["key_points"] == ["L'EPU est un examen par les pairs.",
                                                                         "Chaque État est examiné : aucune exception."]
    assert "<h2>Ce qu'est l'EPU</h2>" in french["body_html"]


def test_quizzes_questions_and_resolved_settings(courses):
    sync(courses)
    alpha = one(Course, slug="alpha-course")
    quizzes = {q.slug: q for q in db.session.scalars(select(Quiz).where(Quiz.course_id == alpha.id))}
    assert set(quizzes) == {"basics", "practice", "final"}
    basics, practice, final = quizzes["basics"], quizzes["practice"], quizzes["final"]
    assert (basics.kind, basics.title, basics.source_format) == ("module", "Basics quiz", "yaml")
    assert basics.settings["pass_mark"] == 80 and basics.settings["max_attempts"] == 2
    assert basics.settings["shuffle_options"] is False and basics.settings["feedback"] == "after_each_attempt"
    assert basics.translations == {"fr": {"title": "Quiz des bases"}}
    assert (practice.source_format, practice.title, practice.settings["pass_mark"]) == ("gift", "Practice quiz", 75)
    assert (final.kind, final.module_id, final.settings["draw"], final.settings["time_limit_minutes"]) == ("final", None, 3, 20)
    assert final.settings["pass_mark"] == 60
    questions = db.session.scalars(select(Question).where(Question.quiz_id == basics.id).order_by(Question.position)).all()
    assert [(q.key, q.type) for q in questions] == [
        ("which-body", "single"), ("documents", "multiple"), ("experts", "truefalse"),
        ("match-roles", "matching"), ("order-steps", "ordering"), ("cycle-years", "short")]
    which = questions[0]
    assert which.text_html == "<p>Which body runs the UPR?</p>\n"
    assert [o["fraction"] for o in which.data["options"]] == [1.0, 0.0]
    french = which.translations["fr"]
    assert french["text_html"] == "<p>Quel organe conduit l'EPU ?</p>\n"
    assert [o["html"] for o in french["data"]["options"]] == ["Le Conseil des droits de l'homme", "Le Conseil de sécurité"]
    assert questions[5].translations["fr"]["data"]["answers"] == ["quatre ans et demi", "4.5", "four and a half"]
    assert questions[5].translations["fr"]["feedback_html"] == "<p>Environ quatre ans et demi.</p>\n"
    assert questions[3].translations["fr"]["data"]["pairs"][0]["left_html"] == "Troïka"


def test_glossary_terms_and_translations(courses):
    sync(courses)
    terms = {t.slug: t for t in db.session.scalars(select(GlossaryTerm))}
    assert set(terms) == {"upr", "troika", "hrc"}
    assert terms["hrc"].definition_html == "<p>The UN body of <strong>47</strong> Member States that runs the UPR.</p>\n"
    assert terms["upr"].source == "https://www.ohchr.org/en/hr-bodies/upr"
    assert terms["upr"].translations["fr"]["term"] == "Examen périodique universel (EPU)"


def test_second_sync_changes_nothing(courses):
    sync(courses)
    stamps = {c.slug: c.updated_at for c in db.session.scalars(select(Course))}
    counts = sync(courses)
    assert counts.changes == 0
    assert dict(counts.unchanged) == {"courses": 2, "modules": 3, "lessons": 4, "quizzes": 5, "questions": 14,
                                      "glossary terms": 3}
    assert {c.slug: c.updated_at for c in db.session.scalars(select(Course))} == stamps


def test_an_edited_lesson_is_the_only_update(courses):
    sync(courses)
    before = one(Course, slug="alpha-course").content_hash
    courses.edit("alpha-course/basics/second-lesson.md", "Three States drawn by lot", "Three States, drawn by lot,")
    counts = sync(courses)
    assert dict(counts.updated) == {"lessons": 1} and not counts.created and not counts.archived
    assert one(Course, slug="alpha-course").content_hash != before
    assert "Three States, drawn by lot," in one(Lesson, slug="second-lesson").body_html


def test_a_no_change_sync_runs_a_fixed_number_of_queries(courses, count_queries):
    sync(courses)
    with count_queries() as small:
        sync(courses)
    shutil.copytree(GOOD / "beta-course", courses.path("gamma-course"))
    courses.edit("gamma-course/course.yaml", "slug: beta-course", "slug: gamma-course")
    courses.edit("gamma-course/course.yaml", "order: 1", "order: 3")
    sync(courses)
    with count_queries() as large:
        counts = sync(courses)
    assert counts.unchanged["courses"] == 3
    assert small.count == large.count


def _learner_history(make):
    user = make.user()
    lesson = one(Lesson, slug="second-lesson")
    basics = one(Quiz, slug="basics")
    documents = one(Question, key="documents", quiz_id=basics.id)
    progress = LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id, completed_at=utcnow())
    attempt = QuizAttempt(user_id=user.id, quiz_id=basics.id, course_id=basics.course_id, state=FINISHED,
                          question_ids=[documents.id], score=100.0, passed=True, finished_at=utcnow())
    db.session.add_all([progress, attempt])
    db.session.flush()
    db.session.add(QuestionResponse(attempt_id=attempt.id, question_id=documents.id,
                                    response={"choices": []}, mark=1.0))
    db.session.commit()
    return lesson.id, documents.id


def test_removed_content_is_archived_and_learner_history_survives(courses, make):
    sync(courses)
    lesson_id, question_id = _learner_history(make)
    ids_before = {(m.__name__, row.id) for m in (Module, Lesson, Quiz, Question) for row in db.session.scalars(select(m))}
    courses.edit("alpha-course/basics/module.yaml", "  - second-lesson\n", "")
    courses.delete("alpha-course/basics/second-lesson.md")
    text = courses.path("alpha-course/basics/quiz.yaml").read_text()
    start, end = text.index("  - id: documents"), text.index("  - id: experts")
    courses.path("alpha-course/basics/quiz.yaml").write_text(text[:start] + text[end:])
    text = courses.path("alpha-course/basics/quiz.fr.yaml").read_text()
    start, end = text.index("  - id: documents"), text.index("  - id: experts")
    courses.path("alpha-course/basics/quiz.fr.yaml").write_text(text[:start] + text[end:])
    courses.edit("alpha-course/course.yaml", "  - practice\n", "")
    courses.delete("alpha-course/practice")

    counts = sync(courses)
    assert dict(counts.archived) == {"modules": 1, "lessons": 2, "quizzes": 1, "questions": 3}
    # The questions after 'documents' moved up; the course is shorter, so its time estimate fell.
    assert dict(counts.updated) == {"courses": 1, "questions": 4}
    assert not counts.created
    assert db.session.get(Lesson, lesson_id).archived and db.session.get(Question, question_id).archived
    assert one(Module, slug="practice").archived and one(Quiz, slug="practice").archived
    assert not one(Lesson, slug="first-lesson").archived
    # Nothing was deleted: every content row and all learner history is still there.
    assert {(m.__name__, row.id) for m in (Module, Lesson, Quiz, Question) for row in db.session.scalars(select(m))} == ids_before
    assert db.session.scalar(select(func.count()).select_from(LessonProgress).where(LessonProgress.lesson_id == lesson_id)) == 1
    assert db.session.scalar(select(func.count()).select_from(QuestionResponse)
                             .where(QuestionResponse.question_id == question_id)) == 1
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1

    shutil.rmtree(courses.root)
    shutil.copytree(GOOD, courses.root)
    counts = sync(courses)
    # 3 questions come back; the 4 that followed 'documents' move back to their old positions.
    assert dict(counts.updated) == {"courses": 1, "modules": 1, "lessons": 2, "quizzes": 1, "questions": 7}
    assert not counts.created and not counts.archived
    assert not db.session.get(Lesson, lesson_id).archived and not db.session.get(Question, question_id).archived


def test_a_lesson_moved_to_another_module_keeps_its_row(courses):
    sync(courses)
    lesson = one(Lesson, slug="second-lesson")
    lesson_id = lesson.id
    shutil.move(courses.path("alpha-course/basics/second-lesson.md"), courses.path("alpha-course/practice/second-lesson.md"))
    courses.edit("alpha-course/basics/module.yaml", "  - second-lesson\n", "")
    courses.edit("alpha-course/practice/module.yaml", "[third-lesson]", "[second-lesson, third-lesson]")
    counts = sync(courses)
    assert dict(counts.updated) == {"lessons": 2} and not counts.archived and not counts.created
    moved = db.session.get(Lesson, lesson_id)
    assert (moved.module_id, moved.position) == (one(Module, slug="practice").id, 0)
    assert one(Lesson, slug="third-lesson").position == 1


def test_a_removed_course_is_archived_and_comes_back(courses):
    sync(courses)
    shutil.move(courses.path("beta-course"), courses.root.parent / "beta-course")
    counts = sync(courses)
    assert dict(counts.archived) == {"courses": 1}
    assert one(Course, slug="beta-course").archived
    assert not one(Module, slug="only-module").archived  # the course's own flag hides it
    shutil.move(courses.root.parent / "beta-course", courses.path("beta-course"))
    counts = sync(courses)
    assert dict(counts.updated) == {"courses": 1} and not one(Course, slug="beta-course").archived


def _lesson_of(quiz_slug: str, key: str):
    quiz = one(Quiz, slug=quiz_slug, course_id=one(Course, slug="alpha-course").id)
    question = one(Question, key=key, quiz_id=quiz.id)
    return db.session.get(Lesson, question.lesson_id).slug if question.lesson_id else None


def test_questions_point_at_the_lessons_they_name_even_in_later_modules(courses):
    # A first sync: 'third-lesson' (module 2) does not exist yet when module 1's quiz is read.
    courses.edit("alpha-course/basics/quiz.yaml", "  - id: which-body\n", "  - id: which-body\n    lesson: third-lesson\n")
    courses.edit("alpha-course/practice/quiz.gift", "::responses::", "// lesson: third-lesson\n::responses::")
    courses.edit("alpha-course/final.yaml", "  - id: final-one\n", "  - id: final-one\n    lesson: first-lesson\n")
    sync(courses)
    assert _lesson_of("basics", "which-body") == "third-lesson"
    assert _lesson_of("practice", "responses") == "third-lesson"
    assert _lesson_of("final", "final-one") == "first-lesson"
    assert _lesson_of("basics", "documents") is None

    courses.edit("alpha-course/basics/quiz.yaml", "    lesson: third-lesson\n", "    lesson: second-lesson\n")
    courses.edit("alpha-course/final.yaml", "    lesson: first-lesson\n", "")
    counts = sync(courses)
    assert dict(counts.updated) == {"questions": 2} and not counts.created and not counts.archived
    assert _lesson_of("basics", "which-body") == "second-lesson"
    assert _lesson_of("final", "final-one") is None
    assert sync(courses).changes == 0


def test_the_course_time_is_computed_from_lessons_and_quizzes(courses):
    sync(courses)
    # Lessons 4 + 3 + 5; basics quiz 6 questions, practice quiz 2; the final draws 3 (limit 20).
    assert one(Course, slug="alpha-course").estimated_minutes == 12 + 6 + 2 + 3
    courses.edit("alpha-course/final.yaml", "time_limit_minutes: 20", "time_limit_minutes: 2")
    courses.edit("alpha-course/basics/second-lesson.md", "minutes: 3", "minutes: 13")
    sync(courses)
    assert one(Course, slug="alpha-course").estimated_minutes == 22 + 6 + 2 + 2


def test_an_old_database_gets_its_times_and_positions_without_a_file_change(courses):
    sync(courses)
    alpha = one(Course, slug="alpha-course")
    alpha.estimated_minutes, alpha.position = 0, 0     # as the migration left existing rows
    db.session.commit()
    counts = sync(courses)
    assert dict(counts.updated) == {"courses": 1}
    assert (alpha.estimated_minutes, alpha.position) == (23, 2)
