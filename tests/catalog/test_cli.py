"""`flask courses check|sync`, the shipped courses, and the demo seed step."""
import re

import pytest
from sqlalchemy import func, select

from lms import config
from lms.catalog import demo, importer, loader, validate
from lms.catalog.models import Course, GlossaryTerm, Lesson, Question, Quiz
from lms.extensions import db

pytestmark = pytest.mark.usefixtures("app")

GOOD_OK = "OK: 2 courses, 3 modules, 4 lessons, 5 quizzes, 14 questions"


def lines(result) -> list[str]:
    return result.output.rstrip("\n").split("\n")


def rows(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_check_prints_the_ok_line_last(runner, courses):
    result = runner.invoke(args=["courses", "check", "courses"])
    assert result.exit_code == 0, result.output
    assert lines(result)[-1] == GOOD_OK


def test_check_prints_every_problem_and_exits_1(runner, courses):
    courses.edit("alpha-course/course.yaml", "level: introductory", "level: expert")
    courses.edit("alpha-course/basics/first-lesson.md", "minutes: 4", "minutes: 0")
    result = runner.invoke(args=["courses", "check", "courses"])
    assert result.exit_code == 1
    assert lines(result) == [
        "courses/alpha-course/basics/first-lesson.md:4: 'minutes' must be a whole number above 0",
        "courses/alpha-course/course.yaml:5: 'level' must be one of: introductory, intermediate, advanced",
        "2 problems found.",
    ]


def test_check_uses_the_configured_directory_by_default(app, runner, courses):
    app.config["COURSES_DIR"] = str(courses.root)
    courses.edit("alpha-course/course.yaml", "level: introductory", "level: expert")
    result = runner.invoke(args=["courses", "check"])
    assert lines(result)[0].startswith("courses/alpha-course/course.yaml:5: ")


def test_the_shipped_courses_pass_the_check():
    tree = loader.load(config.ROOT / "courses")
    assert [str(p) for p in validate.check(tree)] == []
    counts = validate.counts(tree)
    assert counts["courses"] == 6 and counts["lessons"] >= 40 and counts["questions"] >= 300
    quizzes = [m.quiz() for c in tree.courses for m in c.ordered_modules()]
    assert any(q.format == "gift" for q in quizzes)
    assert all(c.final is not None and len(c.final.questions) >= 20 for c in tree.courses)
    assert all(len(q.questions) >= 6 for q in quizzes)


def test_the_shipped_courses_check_from_the_command_line(runner):
    result = runner.invoke(args=["courses", "check", str(config.ROOT / "courses")])
    assert result.exit_code == 0, result.output
    match = re.fullmatch(r"OK: (\d+) courses, (\d+) modules, (\d+) lessons, (\d+) quizzes, (\d+) questions",
                         lines(result)[-1])
    assert match, result.output
    courses, _modules, lessons, _quizzes, questions = map(int, match.groups())
    assert courses == 6 and lessons >= 40 and questions >= 300


def test_sync_imports_then_reports_no_changes(runner, courses):
    first = runner.invoke(args=["courses", "sync", "courses"])
    assert first.exit_code == 0, first.output
    out = lines(first)
    assert out[0] == GOOD_OK
    assert out[1] == "  created:   2 courses, 3 modules, 4 lessons, 5 quizzes, 14 questions, 3 glossary terms"
    assert out[2:4] == ["  updated:   none", "  archived:  none"]
    assert re.fullmatch(r"Synced in \d+\.\d\d s: 31 created, 0 updated, 0 archived\.", out[-1])
    assert rows(Course) == 2 and rows(Question) == 14

    second = runner.invoke(args=["courses", "sync", "courses"])
    assert second.exit_code == 0, second.output
    assert lines(second)[1] == "  created:   none"
    assert re.fullmatch(r"Synced in \d+\.\d\d s: 0 created, 0 updated, 0 archived \(no changes\)\.", lines(second)[-1])


def test_sync_with_problems_imports_nothing(runner, courses):
    courses.edit("alpha-course/basics/quiz.yaml", "type: short", "type: essay")
    result = runner.invoke(args=["courses", "sync", "courses"])
    assert result.exit_code == 1
    assert lines(result)[-1] == "Nothing was imported: fix the problems above first."
    assert lines(result)[0].startswith("courses/alpha-course/basics/quiz.yaml:41: unknown question type 'essay'")
    assert rows(Course) == 0 and rows(GlossaryTerm) == 0


def test_a_failure_half_way_leaves_the_database_as_it_was(runner, courses, monkeypatch):
    assert runner.invoke(args=["courses", "sync", "courses"]).exit_code == 0
    courses.edit("alpha-course/basics/second-lesson.md", "title: Second lesson", "title: Changed title")
    courses.edit("beta-course/course.yaml", "title: Beta course", "title: Changed beta")
    real = importer._quiz
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # after the first course's lessons and first quiz were written
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "_quiz", failing)
    result = runner.invoke(args=["courses", "sync", "courses"])
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    db.session.rollback()
    assert db.session.scalars(select(Lesson.title).where(Lesson.slug == "second-lesson")).one() == "Second lesson"
    assert db.session.scalars(select(Course.title).where(Course.slug == "beta-course")).one() == "Beta course"
    assert rows(Quiz) == 5


def test_a_failed_first_sync_leaves_no_rows(runner, courses, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(importer, "_lesson_fields", broken)
    result = runner.invoke(args=["courses", "sync", "courses"])
    assert isinstance(result.exception, RuntimeError)
    assert rows(Course) == 0 and rows(GlossaryTerm) == 0


def test_demo_seed_imports_the_courses_only_into_an_empty_database(app, courses):
    app.config["COURSES_DIR"] = str(courses.root)
    demo.seed({})
    db.session.commit()
    assert rows(Course) == 2
    courses.edit("alpha-course/course.yaml", "title: Alpha course", "title: Not imported by the demo")
    demo.seed({})
    db.session.commit()
    assert db.session.scalars(select(Course.title).where(Course.slug == "alpha-course")).one() == "Alpha course"


def test_demo_seed_refuses_a_broken_tree(app, courses):
    app.config["COURSES_DIR"] = str(courses.root)
    courses.edit("alpha-course/course.yaml", "level: introductory", "level: expert")
    with pytest.raises(RuntimeError, match="have problems"):
        demo.seed({})
    assert rows(Course) == 0


def test_every_shipped_question_names_the_lesson_that_teaches_it():
    tree = loader.load(config.ROOT / "courses")
    assert validate.check(tree) == []          # the names are lessons of the same course
    missing = [f"{quiz.path}:{q.line}: {q.key}" for course in tree.courses
               for quiz in [m.quiz() for m in course.ordered_modules()] + [course.final]
               for q in quiz.questions if not q.raw.get("lesson")]
    assert missing == []


def test_the_shipped_courses_come_beginner_first():
    tree = loader.load(config.ROOT / "courses")
    order = sorted(tree.courses, key=lambda c: c.meta["order"])
    assert [c.slug for c in order] == ["upr-essentials", "state-under-review", "recommending-states",
                                       "civil-society", "nhris", "implementation"]
