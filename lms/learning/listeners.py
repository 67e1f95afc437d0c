"""Progress follows quiz results: a graded attempt may complete the course."""
from lms.auth.models import User
from lms.catalog.models import Course
from lms.core.db import utcnow
from lms.core.signals import quiz_submitted
from lms.extensions import db
from lms.learning import services


@quiz_submitted.connect
def on_quiz_submitted(sender, attempt, **_kwargs) -> None:
    """Record the activity and check the completion rule for the attempt's learner and course.
    The quiz view commits after sending the signal."""
    user = db.session.get(User, attempt.user_id)
    course = db.session.get(Course, attempt.course_id)
    if user is None or course is None:
        return
    now = attempt.finished_at or utcnow()
    services.touch_enrollment(user, course.id, now)
    services.check_completion(user, course, now=now)
