"""Reads for learner pages, each a fixed number of queries whatever the course size.

course_state() costs three queries for any course (outline with this learner's lesson
progress, quizzes with an open-attempt flag, quiz results); course_states() costs the same
three for any number of courses.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from flask import has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Boolean, Float, String, and_, bindparam, cast, func, literal, null, select
from sqlalchemy.orm import load_only

from lms.catalog.estimates import quiz_minutes
from lms.catalog.models import Course, Lesson, Module, Question, Quiz
from lms.cohorts.models import CohortCourse
from lms.cohorts.permissions import visible_since_joining
from lms.core.content_cache import LRU, content_version
from lms.core.db import utcnow
from lms.extensions import db
from lms.learning import permissions
from lms.learning.models import Enrollment, LessonProgress
from lms.learning.state import AVAILABLE, DONE, IN_PROGRESS, CourseState, Item, ModuleState, gating
from lms.quizzes.models import FINISHED as ATTEMPT_FINISHED
from lms.quizzes.models import IN_PROGRESS as ATTEMPT_OPEN
from lms.quizzes.models import QuizAttempt
from lms.quizzes.results import summarise

__all__ = ["course_state", "course_states", "gating", "quiz_lock_reason", "load_lesson",
           "my_learning", "current_locale", "time_on_task", "time_on_task_by_course"]


def current_locale() -> str:
    if not has_request_context():
        return "en"
    return str(get_locale() or "en")


def _user_id(user) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.id


def _translated(column, locale: str, key: str = "title"):
    """The `key` of the learner's translation, read in SQL so bodies stay in the database."""
    if locale == "en":
        return literal(None)
    return column[(locale, key)].as_string()


def _outline_rows(course_ids: list[int], locale: str):
    return db.session.execute(
        select(Module.id, Module.course_id, Module.slug, Module.title, Module.summary,
               _translated(Module.translations, locale).label("module_title_tr"),
               Lesson.id.label("lesson_id"), Lesson.slug.label("lesson_slug"),
               Lesson.title.label("lesson_title"), Lesson.minutes,
               _translated(Lesson.translations, locale).label("lesson_title_tr"))
        .select_from(Module)
        .outerjoin(Lesson, and_(Lesson.module_id == Module.id, Lesson.archived.is_(False)))
        .where(Module.course_id.in_(course_ids), Module.archived.is_(False))
        .order_by(Module.course_id, Module.position, Module.id, Lesson.position, Lesson.id)
    ).all()


def _quiz_rows(course_ids: list[int], locale: str):
    questions = (select(func.count(Question.id)).where(Question.quiz_id == Quiz.id, Question.archived.is_(False))
                 .correlate(Quiz).scalar_subquery())
    return db.session.execute(
        select(Quiz.id, Quiz.course_id, Quiz.module_id, Quiz.slug, Quiz.kind, Quiz.title, Quiz.settings,
               questions.label("questions"), _translated(Quiz.translations, locale).label("title_tr"))
        .where(Quiz.course_id.in_(course_ids), Quiz.archived.is_(False))
        .order_by(Quiz.course_id, Quiz.id)
    ).all()


@dataclass(frozen=True)
class _Syllabus:
    """A course's live modules, lessons and quizzes in one language: the same for every learner
    until the next sync, so each process keeps it (lms.core.content_cache)."""
    modules: tuple        # (module row, (lesson row, ...)) in order
    quizzes: tuple        # quiz rows


_SYLLABI = LRU(512)


def _syllabi(course_ids: list[int], locale: str) -> dict[int, _Syllabus]:
    version = content_version()
    found = {cid: _SYLLABI.get((version, cid, locale)) for cid in course_ids}
    missing = [cid for cid, syllabus in found.items() if syllabus is None]
    if missing:
        modules: dict[int, list] = defaultdict(list)
        lessons: dict[int, list] = defaultdict(list)
        for row in _outline_rows(missing, locale):
            if row.id not in lessons:
                modules[row.course_id].append(row)
                lessons[row.id] = []
            if row.lesson_id is not None:
                lessons[row.id].append(row)
        quizzes: dict[int, list] = defaultdict(list)
        for row in _quiz_rows(missing, locale):
            quizzes[row.course_id].append(row)
        for cid in missing:
            found[cid] = _Syllabus(tuple((m, tuple(lessons[m.id])) for m in modules[cid]), tuple(quizzes[cid]))
            _SYLLABI.put((version, cid, locale), found[cid])
    return found


@cache
def _learner_query():
    lessons = select(literal("lesson").label("kind"), LessonProgress.lesson_id.label("id"),
                     LessonProgress.completed_at.label("finished_at"), LessonProgress.last_viewed_at.label("seen_at"),
                     cast(null(), Float).label("score"), cast(null(), Boolean).label("passed"),
                     cast(null(), String).label("state"), literal(0).label("number")
                     ).where(LessonProgress.user_id == bindparam("user_id"),
                             LessonProgress.course_id.in_(bindparam("course_ids", expanding=True)))
    attempts = select(literal("quiz"), QuizAttempt.quiz_id, QuizAttempt.finished_at, QuizAttempt.started_at,
                      QuizAttempt.score, QuizAttempt.passed, QuizAttempt.state, QuizAttempt.number
                      ).where(QuizAttempt.user_id == bindparam("user_id"),
                              QuizAttempt.quiz_id.in_(bindparam("quiz_ids", expanding=True)))
    return lessons.union_all(attempts)


def _learner_rows(user_id: int, course_ids: list[int], quiz_ids: list[int]):
    """This learner's lesson progress and quiz attempts in these courses: one query.
    finished_at is a lesson's completion or an attempt's end; seen_at a lesson's last view."""
    return db.session.execute(_learner_query(), {"user_id": user_id, "course_ids": course_ids,
                                                 "quiz_ids": quiz_ids or [0]}).all()


def _lesson_item(module_id: int, row, progress) -> Item:
    completed_at, last_viewed_at = progress if progress else (None, None)
    state = DONE if completed_at else (IN_PROGRESS if last_viewed_at else AVAILABLE)
    return Item(kind="lesson", id=row.lesson_id, slug=row.lesson_slug,
                title=row.lesson_title_tr or row.lesson_title, module_id=module_id, minutes=row.minutes,
                state=state, completed_at=completed_at, last_viewed_at=last_viewed_at)


def _quiz_item(row, attempts: list) -> Item:
    item = Item(kind="quiz", id=row.id, slug=row.slug, title=row.title_tr or row.title,
                module_id=row.module_id, quiz_kind="final" if row.module_id is None else "module",
                minutes=quiz_minutes(row.settings, row.questions),
                open_attempt=any(a.state == ATTEMPT_OPEN for a in attempts))
    result = summarise([a for a in attempts if a.state == ATTEMPT_FINISHED], row.settings)
    if result is not None:
        item.score, item.attempts, item.passed = result.score, result.attempts, result.passed
    if item.passed:
        item.state = DONE
    elif item.open_attempt or item.attempts:
        item.state = IN_PROGRESS
    return item


def course_states(user, courses, enrollments: dict | None = None, locale: str | None = None) -> dict:
    """{course.id: CourseState} for `user` (None or anonymous: no progress): the syllabi come
    from this process's cache, the learner's progress and attempts from one query."""
    locale = locale or current_locale()
    courses = list(courses)
    if not courses:
        return {}
    enrollments = enrollments or {}
    user_id = _user_id(user)
    syllabi = _syllabi([c.id for c in courses], locale)
    progress, attempts = {}, defaultdict(list)
    if user_id:
        quiz_ids = [q.id for syllabus in syllabi.values() for q in syllabus.quizzes]
        for row in sorted(_learner_rows(user_id, list(syllabi), quiz_ids), key=lambda r: r.number):
            if row.kind == "lesson":
                progress[row.id] = (row.finished_at, row.seen_at)
            else:
                attempts[row.id].append(row)
    states = {}
    for course in courses:
        state = states[course.id] = CourseState(course=course, enrollment=enrollments.get(course.id))
        modules = {}
        for number, (row, lessons) in enumerate(syllabi[course.id].modules, start=1):
            module = modules[row.id] = ModuleState(id=row.id, slug=row.slug, number=number,
                                                   title=row.module_title_tr or row.title, summary=row.summary)
            module.lessons = [_lesson_item(row.id, lesson, progress.get(lesson.lesson_id)) for lesson in lessons]
            state.modules.append(module)
        for row in syllabi[course.id].quizzes:
            item = _quiz_item(row, attempts.get(row.id, []))
            if row.module_id is None:
                state.final = state.final or item
            elif row.module_id in modules and modules[row.module_id].quiz is None:
                modules[row.module_id].quiz = item
        gating(state.modules, state.final, state.course.navigation)
    return states


def enrollment_for(user, course) -> Enrollment | None:
    user_id = _user_id(user)
    if user_id is None:
        return None
    return db.session.scalar(select(Enrollment).where(Enrollment.user_id == user_id,
                                                      Enrollment.course_id == course.id))


_UNSET = object()


def course_state(user, course, *, enrollment=_UNSET, locale: str | None = None) -> CourseState:
    """This learner's state in `course`; pass `enrollment` when it is already loaded."""
    if enrollment is _UNSET:
        enrollment = enrollment_for(user, course)
    return course_states(user, [course], {course.id: enrollment}, locale)[course.id]


def quiz_lock_reason(user, quiz) -> str | None:
    """Why `user` may not start `quiz` now, or None when they may (the quiz engine asks)."""
    course = db.session.get(Course, quiz.course_id)
    if quiz.archived or course is None:
        return _("This quiz is no longer part of the course.")
    enrollment = enrollment_for(user, course)
    if not permissions.is_active(enrollment):
        return _("Enrol in this course to take its quizzes.")
    item = course_state(user, course, enrollment=enrollment).quiz(quiz.id)
    if item is None:
        return _("This quiz is no longer part of the course.")
    return item.reason if item.locked else None


@dataclass
class LessonContext:
    course: Course
    enrollment: Enrollment | None
    lesson: Lesson
    progress: LessonProgress | None
    learner_last_view_at: datetime | None   # the learner's latest lesson view, any course


@cache
def _lesson_query():
    """Built once: a lesson page runs it on every view, and building costs more than running."""
    user_id, lesson_slug = bindparam("user_id"), bindparam("lesson_slug")
    latest = (select(func.max(LessonProgress.last_viewed_at))
              .where(LessonProgress.user_id == user_id).scalar_subquery())
    return (
        select(Course, Enrollment, Lesson, LessonProgress, latest.label("latest"))
        # The text (bodies in every language) is cached per process: lms.learning.content.
        .options(load_only(Lesson.id, Lesson.course_id, Lesson.module_id, Lesson.slug, Lesson.minutes,
                           Lesson.archived, raiseload=True))
        .outerjoin(Enrollment, and_(Enrollment.course_id == Course.id, Enrollment.user_id == user_id))
        .outerjoin(Lesson, and_(Lesson.course_id == Course.id, Lesson.slug == lesson_slug,
                                Lesson.archived.is_(False)))
        .outerjoin(LessonProgress, and_(LessonProgress.lesson_id == Lesson.id,
                                        LessonProgress.user_id == user_id))
        .where(Course.slug == bindparam("course_slug"))
    )


def load_lesson(user, course_slug: str, lesson_slug: str) -> LessonContext | None:
    """Course, enrolment, the lesson and this learner's view history in one query."""
    row = db.session.execute(_lesson_query(), {"user_id": _user_id(user) or 0, "course_slug": course_slug,
                                               "lesson_slug": lesson_slug}).first()
    if row is None or row.Lesson is None:
        return None
    return LessonContext(row.Course, row.Enrollment, row.Lesson, row.LessonProgress, row.latest)


ATTEMPT_CAP = timedelta(hours=2)


def time_on_task_by_course(user_ids, course_ids, *, cohort_id: int | None = None) -> dict[tuple[int, int], int]:
    """{(user_id, course_id): seconds} in two queries, for any number of learners and courses.

    Time on task is the lessons' estimated reading time (LessonProgress.seconds, see
    services) plus each finished quiz attempt's finished_at - started_at, capped at that
    attempt's time limit (deadline - started_at), or at 2 hours when it had none, so a quiz
    left open over lunch counts as a long attempt, not as an afternoon. Archived lessons and
    quizzes still count: the time was spent. `user_ids` and `course_ids` may be lists or
    SELECTs of ids (a cohort's learners). Attempt durations are summed in Python because date
    arithmetic differs between SQLite and PostgreSQL; a learner has few attempts per course.
    With `cohort_id`, only the time since each learner joined that cohort counts (what its
    facilitators may see): lessons first opened and attempts started after joining."""
    totals: dict[tuple[int, int], int] = defaultdict(int)
    lessons_since = quizzes_since = True
    if cohort_id is not None:
        lessons_since = visible_since_joining(cohort_id, LessonProgress.user_id, LessonProgress.first_viewed_at)
        quizzes_since = visible_since_joining(cohort_id, QuizAttempt.user_id, QuizAttempt.started_at)
    for user_id, course_id, seconds in db.session.execute(
            select(LessonProgress.user_id, LessonProgress.course_id, func.sum(LessonProgress.seconds))
            .where(LessonProgress.user_id.in_(user_ids), LessonProgress.course_id.in_(course_ids), lessons_since)
            .group_by(LessonProgress.user_id, LessonProgress.course_id)):
        totals[(user_id, course_id)] += int(seconds or 0)
    for user_id, course_id, started, finished, deadline in db.session.execute(
            select(QuizAttempt.user_id, QuizAttempt.course_id, QuizAttempt.started_at,
                   QuizAttempt.finished_at, QuizAttempt.deadline)
            .where(QuizAttempt.user_id.in_(user_ids), QuizAttempt.course_id.in_(course_ids),
                   QuizAttempt.state == ATTEMPT_FINISHED, QuizAttempt.finished_at.is_not(None), quizzes_since)):
        cap = deadline - started if deadline is not None and deadline > started else ATTEMPT_CAP
        spent = min(max(finished - started, timedelta(0)), cap)
        totals[(user_id, course_id)] += int(spent.total_seconds())
    return dict(totals)


def time_on_task(user_ids, course_id: int, *, cohort_id: int | None = None) -> dict[int, int]:
    """{user_id: seconds} on one course (see time_on_task_by_course); absent means none."""
    return {user_id: seconds for (user_id, _course), seconds
            in time_on_task_by_course(user_ids, [course_id], cohort_id=cohort_id).items()}


@dataclass
class LearningRow:
    state: CourseState
    due_on: date | None
    seconds: int = 0                   # time on task

    @property
    def course(self):
        return self.state.course

    @property
    def enrollment(self):
        return self.state.enrollment

    @property
    def overdue(self) -> bool:
        return bool(self.due_on and not self.state.completed_at and self.due_on < utcnow().date())


def my_learning(user) -> list[LearningRow]:
    """Active enrolments with their state, cohort due date and time on task: six queries."""
    rows = db.session.execute(
        select(Enrollment, Course, CohortCourse.due_on)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(CohortCourse, and_(CohortCourse.cohort_id == Enrollment.cohort_id,
                                      CohortCourse.course_id == Enrollment.course_id))
        .where(Enrollment.user_id == user.id, Enrollment.left_at.is_(None))
    ).all()
    states = course_states(user, [r.Course for r in rows], {r.Course.id: r.Enrollment for r in rows})
    spent = time_on_task_by_course([user.id], list(states)) if states else {}
    found = [LearningRow(states[r.Course.id], r.due_on, spent.get((user.id, r.Course.id), 0)) for r in rows]

    def order(row):  # unfinished courses first, most recently active first
        activity = row.enrollment.last_activity_at or row.enrollment.enrolled_at
        return (row.enrollment.completed_at is not None, -activity.timestamp())

    return sorted(found, key=order)


def recent_badges(user, limit: int = 3) -> list:
    """The learner's newest badges as (award, badge class, course), the course for the badge's
    name in the page's language (read-only look at the badges tables)."""
    from lms.badges.models import BadgeAward, BadgeClass

    return db.session.execute(
        select(BadgeAward, BadgeClass, Course).join(BadgeClass, BadgeClass.id == BadgeAward.badge_class_id)
        .join(Course, Course.id == BadgeClass.course_id)
        .where(BadgeAward.user_id == user.id, BadgeAward.revoked_at.is_(None))
        .order_by(BadgeAward.issued_on.desc(), BadgeAward.id.desc()).limit(limit)
    ).all()
