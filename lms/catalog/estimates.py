"""How long a course takes: the one rule behind every time shown to a learner.

A lesson takes its `minutes`. A quiz takes one minute per question a learner is shown (its
draw when it draws from a pool, else every question), or its time limit when it has one and
that is shorter. A course takes its lessons plus its module quizzes plus its final.

`courses sync` stores the course total in Course.estimated_minutes (catalogue cards and the
course page show it); the learner's "time left" adds up the same item minutes for what is
not done yet, so a fresh enrolment's time left equals the total.
"""
from collections.abc import Iterable


def _whole(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def quiz_minutes(settings: dict | None, questions: int) -> int:
    """Minutes for a quiz with these resolved settings and this many live questions."""
    settings = settings or {}
    draw = _whole(settings.get("draw"))
    shown = min(draw, questions) if draw else questions
    limit = _whole(settings.get("time_limit_minutes"))
    return min(shown, limit) if limit else shown


def course_minutes(lesson_minutes: Iterable[int], quizzes: Iterable[tuple[dict | None, int]]) -> int:
    """Lessons' minutes plus each quiz's minutes; quizzes are (resolved settings, questions)."""
    return sum(_whole(m) for m in lesson_minutes) + sum(quiz_minutes(s, n) for s, n in quizzes)


def minutes_left(items) -> int:
    """Minutes of the syllabus items (lessons and quizzes, each with .minutes) not done yet."""
    return sum(item.minutes or 0 for item in items if not item.done)
