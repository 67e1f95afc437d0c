"""`flask demo seed`: the demo learner is halfway through UPR essentials."""
from sqlalchemy import func, select

from lms.extensions import db
from lms.learning import demo
from lms.learning.models import Enrollment, LessonProgress
from lms.learning.queries import course_state
from tests.learning import helpers as h


def _snapshot():
    db.session.rollback()
    return sorted(db.session.execute(select(LessonProgress.lesson_id, LessonProgress.views, LessonProgress.seconds,
                                            LessonProgress.completed_at)).all())


def test_demo_learner_is_halfway_through_upr_essentials(make):
    learner = make.user(email="learner@example.org")
    course = make.course(slug="upr-essentials", modules=4, lessons=2)
    demo.seed({"learner@example.org": learner})
    db.session.commit()
    state = course_state(learner, course)
    assert [m.lessons_done for m in state.modules] == [True, True, False, False]
    assert state.modules[1].reason == "Pass the Module 1 quiz to unlock"             # until the quiz demo runs
    assert state.next_item.kind == "quiz" and state.next_item.slug == "module-1"   # the quiz demo comes next
    assert all(row[2] > 0 for row in _snapshot())                                 # time on task recorded

    before = _snapshot()
    demo.seed({"learner@example.org": learner})
    db.session.commit()
    assert _snapshot() == before
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1


def test_demo_skips_quietly_without_the_course(make):
    learner = make.user(email="learner@example.org")
    make.course(slug="another-course")
    demo.seed({"learner@example.org": learner})
    db.session.commit()
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0
    assert h.progress_rows(learner) == []
