"""A completed course awards its badge (once per learner: see services.award_badge)."""
from lms.badges import services
from lms.core.signals import course_completed


@course_completed.connect
def award_course_badge(sender, *, user, course, enrollment=None, now, **_extra):
    services.award_on_completion(user, course, now=now, enrollment=enrollment)
