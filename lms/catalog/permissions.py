"""Which courses a visitor or learner may see in the catalogue and on a course page."""
from lms.catalog.models import Course
from lms.learning.permissions import is_active


def visible_courses(query):
    """Filter a select(Course) down to the catalogue: archived courses are gone."""
    return query.where(Course.archived.is_(False))


def can_view_course(user, course, enrollment) -> bool:
    """Everyone sees live courses; a retired course stays visible to its enrolled learners."""
    if not course.archived:
        return True
    return is_active(enrollment) or bool(getattr(user, "is_admin", False))
