import pytest

from lms.core.signals import course_completed


@pytest.fixture
def completions(app):
    """Every course_completed signal sent during the test, as (user_id, course_id)."""
    seen = []

    def receiver(sender, user, course, enrollment, now, **_):
        seen.append((user.id, course.id, now))

    course_completed.connect(receiver)
    try:
        yield seen
    finally:
        course_completed.disconnect(receiver)
