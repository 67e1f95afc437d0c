"""`flask quizzes close-overdue` and `flask quizzes export-gift`."""
import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from lms.catalog import gift
from lms.catalog.models import Question, Quiz
from lms.core.db import utcnow
from lms.extensions import db
from lms.quizzes import services
from lms.quizzes.models import FINISHED, IN_PROGRESS, QuizAttempt
from lms.quizzes.types import BuildContext, build_question
from tests.quizzes.helpers import RICH, add_questions

COURSES = Path(__file__).resolve().parents[2] / "courses"


def test_close_overdue_closes_each_overdue_attempt_once(make, runner):
    course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
    quiz = make.quiz(course, None, slug="timed", questions=3, time_limit_minutes=5)
    started = utcnow() - timedelta(minutes=30)
    overdue = [services.start_attempt(make.user(), quiz, now=started) for _ in range(2)]
    running = services.start_attempt(make.user(), quiz, now=utcnow())
    db.session.commit()
    first = runner.invoke(args=["quizzes", "close-overdue"])
    assert first.exit_code == 0 and first.output.strip() == "Closed 2 overdue attempts."
    second = runner.invoke(args=["quizzes", "close-overdue"])
    assert second.exit_code == 0 and second.output.strip() == "Closed 0 overdue attempts."
    db.session.rollback()
    states = {a.id: a for a in db.session.scalars(select(QuizAttempt))}
    for attempt in overdue:
        assert states[attempt.id].state == FINISHED
        assert states[attempt.id].finished_at == started + timedelta(minutes=5)
    assert states[running.id].state == IN_PROGRESS


def test_export_gift_writes_every_expressible_question(make, runner):
    course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
    quiz = make.quiz(course, None, slug="rich", questions=0, pass_mark=80)
    add_questions(quiz, course, RICH)
    result = runner.invoke(args=["quizzes", "export-gift", f"{course.slug}/rich"])
    assert result.exit_code == 0, result.output
    assert "skipped: question 'ordering' is an ordering question" in result.stderr
    parsed = gift.parse(result.stdout)
    assert parsed.problems == []
    assert parsed.header["title"] == "Quiz rich" and parsed.header["pass_mark"] == 80
    stored = {q.key: q for q in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id))}
    assert [q.key for q in parsed.questions] == ["single", "multiple", "truefalse", "matching", "short"]
    for question in parsed.questions:
        built = build_question(question.raw, BuildContext(course.slug, "rich", question.key))
        original = stored[question.key]
        assert (built["type"], built["data"], built["feedback_html"]) == (
            original.type, original.data, original.feedback_html), question.key


def test_export_gift_refuses_unknown_quizzes(make, runner):
    course = make.course(modules=1, lessons=1, questions=3, final=False)
    for target in (f"{course.slug}/nope", "nope/module-1", course.slug):
        result = runner.invoke(args=["quizzes", "export-gift", target])
        assert result.exit_code != 0 and "no quiz" in result.output


def test_exported_gift_passes_courses_check_again(runner, tmp_path):
    """The round trip on a shipped course: sync it, export a module quiz, put the GIFT file in
    place of the YAML one, and `courses check` accepts the tree."""
    tree = tmp_path / "courses"
    tree.mkdir()
    shutil.copy(COURSES / "glossary.yaml", tree / "glossary.yaml")
    shutil.copytree(COURSES / "upr-essentials", tree / "upr-essentials")
    synced = runner.invoke(args=["courses", "sync", str(tree)])
    assert synced.exit_code == 0, synced.output
    module = tree / "upr-essentials" / "what-the-upr-is"
    out = module / "quiz.gift"
    exported = runner.invoke(args=["quizzes", "export-gift", "upr-essentials/what-the-upr-is", "--output", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "skipped:" in exported.stderr  # the module quiz has an ordering question
    (module / "quiz.yaml").unlink()
    for lang in ("fr", "es"):
        # The export drops the ordering question, which the translations still hold: they go too.
        (module / f"quiz.{lang}.yaml").unlink()
    (module / "module.yaml").write_text((module / "module.yaml").read_text().replace("quiz: quiz.yaml",
                                                                                    "quiz: quiz.gift"))
    checked = runner.invoke(args=["courses", "check", str(tree)])
    assert checked.exit_code == 0, checked.output
    assert checked.output.strip().splitlines()[-1].startswith("OK: 1 courses")
    db.session.rollback()
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "what-the-upr-is"))
    keys = {q.key for q in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id,
                                                                     Question.type != "ordering"))}
    assert {q.key for q in gift.parse(out.read_text()).questions} == keys
