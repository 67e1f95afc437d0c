"""Ten requests completing the last lesson at once: one completion, one signal."""
import threading

from sqlalchemy import func, select

from lms.extensions import db
from lms.learning.models import LessonProgress
from tests.learning import helpers as h


def test_ten_concurrent_completions_of_the_last_item_complete_the_course_once(app, make, login, completions):
    user = make.user()
    course = make.course(modules=1, lessons=2, questions=0, final=False)
    h.enrol(user, course)
    first, last = h.lessons(course)
    h.complete(user, first)
    url = f"/courses/{course.slug}/lessons/{last.slug}/complete"
    clients = [login(user, c=app.test_client()) for _ in range(10)]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def click(client):
        barrier.wait()
        statuses.append(client.post(url, headers={"HX-Request": "true"}).status_code)

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert statuses == [200] * 10
    assert len(completions) == 1
    enrollment = h.enrollment_of(user, course)
    assert enrollment.completed_at == completions[0][2]
    assert db.session.scalar(select(func.count(LessonProgress.id)).where(
        LessonProgress.lesson_id == last.id)) == 1
