"""Reads behind the facilitator dashboards, at a fixed number of queries whatever the cohort size.

A cohort's learners are its CohortMember rows with role "learner" and no removed_at. Their
progress on one course comes from two grouped queries: the roster (joined with enrolment and
per-learner lesson and quiz activity aggregates) and a per-(learner, quiz) attempt aggregate;
plus, only when a quiz grades by its first or last attempt, the scores of those attempts.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import and_, case, func, select, type_coerce
from sqlalchemy.orm import load_only

from lms.auth.models import User
from lms.catalog.models import Course, Lesson, Module, Quiz
from lms.cohorts.models import CohortCourse, CohortMember, Organisation
from lms.cohorts.permissions import visible_since_joining
from lms.core.db import UTCDateTime
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress
from lms.quizzes.models import FINISHED, IN_PROGRESS, QuizAttempt
from lms.quizzes.results import combine

# ---- structure ---------------------------------------------------------------------------

@dataclass
class ModuleInfo:
    id: int
    slug: str
    title: str
    lesson_ids: list[int] = field(default_factory=list)
    quiz_id: int | None = None
    translations: dict = field(default_factory=dict)   # {"fr": {"title": ...}}


@dataclass
class Structure:
    """The non-archived content of a course, in display order."""

    course: Course
    modules: list[ModuleInfo]
    lessons: dict[int, Lesson]
    quizzes: dict[int, Quiz]
    final_id: int | None = None     # the final assessment, a quiz outside every module

    @property
    def item_count(self) -> int:
        return len(self.lessons) + len(self.quizzes)

    @property
    def final_quiz(self) -> Quiz | None:
        return self.quizzes.get(self.final_id) if self.final_id else None

    def module(self, slug: str) -> ModuleInfo | None:
        return next((m for m in self.modules if m.slug == slug), None)


@dataclass
class Assigned:
    course: Course
    due_on: date | None


def assigned_courses(cohort) -> list[Assigned]:
    rows = db.session.execute(
        select(Course, CohortCourse.due_on).join(CohortCourse, CohortCourse.course_id == Course.id)
        .where(CohortCourse.cohort_id == cohort.id).order_by(Course.position, Course.id)).all()
    return [Assigned(course, due_on) for course, due_on in rows]


def pick_course(assigned: list[Assigned], course_id: int | None) -> Assigned | None:
    """The course asked for (None if it is not one of the cohort's), else the first one."""
    if course_id is None:
        return assigned[0] if assigned else None
    return next((a for a in assigned if a.course.id == course_id), None)


_MODULE_COLUMNS = load_only(Module.id, Module.course_id, Module.slug, Module.title, Module.position,
                            Module.archived, Module.translations)


def structures(courses: list[Course]) -> dict[int, Structure]:
    """{course_id: Structure} for several courses in two queries (modules come along with the
    lessons and quizzes they hold; a module with neither has nothing to show)."""
    ids = [c.id for c in courses]
    result = {c.id: Structure(c, [], {}, {}) for c in courses}
    if not ids:
        return result
    # Titles and order only: lesson bodies (and their translations) stay in the database.
    lessons = db.session.execute(
        select(Lesson, Module).join(Module, Module.id == Lesson.module_id)
        .options(load_only(Lesson.id, Lesson.course_id, Lesson.module_id, Lesson.slug, Lesson.title,
                           Lesson.position, Lesson.archived), _MODULE_COLUMNS)
        .where(Lesson.course_id.in_(ids), Lesson.archived.is_(False), Module.archived.is_(False))
        .order_by(Module.position, Lesson.position, Lesson.id)).all()
    quizzes = db.session.execute(
        select(Quiz, Module).outerjoin(Module, Module.id == Quiz.module_id)
        .options(load_only(Quiz.id, Quiz.course_id, Quiz.module_id, Quiz.slug, Quiz.kind, Quiz.title,
                           Quiz.settings, Quiz.archived, Quiz.translations), _MODULE_COLUMNS)
        .where(Quiz.course_id.in_(ids), Quiz.archived.is_(False),
               (Quiz.module_id.is_(None)) | (Module.archived.is_(False)))
        .order_by(Quiz.module_id.is_(None), Module.position, Quiz.id)).all()
    modules: dict[int, tuple[Module, ModuleInfo]] = {}
    for module in [m for _, m in lessons] + [m for _, m in quizzes if m is not None]:
        modules.setdefault(module.id, (module, ModuleInfo(module.id, module.slug, module.title,
                                                                  translations=module.translations or {})))
    for module, info in sorted(modules.values(), key=lambda pair: (pair[0].position, pair[0].id)):
        result[module.course_id].modules.append(info)
    for lesson, module in lessons:
        result[lesson.course_id].lessons[lesson.id] = lesson
        modules[module.id][1].lesson_ids.append(lesson.id)
    for quiz, module in quizzes:
        result[quiz.course_id].quizzes[quiz.id] = quiz
        if module is not None:
            modules[module.id][1].quiz_id = quiz.id
        elif result[quiz.course_id].final_id is None:
            result[quiz.course_id].final_id = quiz.id
    return result


@dataclass
class Context:
    """The cohort, its assigned courses, and the course a dashboard page is about."""

    cohort: object
    assigned: list[Assigned]
    chosen: Assigned | None
    structure: Structure | None

    @property
    def course(self) -> Course | None:
        return self.chosen.course if self.chosen else None

    @property
    def due_on(self) -> date | None:
        return self.chosen.due_on if self.chosen else None


def context(cohort, course_id: int | None) -> Context | None:
    """None when `course_id` names a course the cohort does not have."""
    assigned = assigned_courses(cohort)
    chosen = pick_course(assigned, course_id)
    if course_id is not None and chosen is None:
        return None
    structure = structures([chosen.course])[chosen.course.id] if chosen else None
    return Context(cohort, assigned, chosen, structure)


# ---- learners and their progress ---------------------------------------------------------

def learner_ids(cohort_id: int):
    """A subquery of the current learners' user ids (never a list: cohorts can be large)."""
    return select(CohortMember.user_id).where(
        CohortMember.cohort_id == cohort_id, CohortMember.role == "learner", CohortMember.removed_at.is_(None))


class QuizRollup(NamedTuple):
    """A learner's standing on one quiz; the same meaning as lms.quizzes.results.QuizResult."""

    score: float | None       # per the quiz's grading method
    passed: bool
    attempts: int             # finished attempts
    failed_attempts: int
    best: float | None
    open: bool                # an attempt is in progress

    @property
    def failed_twice(self) -> bool:
        return not self.passed and self.failed_attempts >= 2


@dataclass(slots=True)
class LearnerRow:
    id: int
    name: str
    email: str
    organisation_id: int | None
    organisation: str | None
    country: str | None
    completed_at: datetime | None
    lessons_done: int
    lessons_seen: int
    results: dict[int, QuizRollup]
    last_active: datetime | None
    joined_at: datetime | None = None     # of this cohort: nothing earlier is shown
    quizzes_passed: int = 0
    progress: float = 0.0     # percent of lessons completed and quizzes passed
    risks: list[str] = field(default_factory=list)    # at-risk codes, the status first (risks.mark_risks)
    status: str | None = None                           # statuses.STATUSES, set by risks.mark_risks
    expected: float | None = None                       # progress needed by now to finish by the due date

    @property
    def started(self) -> bool:
        return self.last_active is not None

    @property
    def failed_twice(self) -> list[int]:
        return [qid for qid, r in self.results.items() if r.failed_twice]


def quiz_rollups(cohort_id: int, structure: Structure, user_ids=None) -> dict[tuple[int, int], QuizRollup]:
    """{(user_id, quiz_id): QuizRollup} for the cohort's learners (or the given ids)."""
    quizzes = structure.quizzes
    if not quizzes:
        return {}
    who = learner_ids(cohort_id) if user_ids is None else list(user_ids)
    since = visible_since_joining(cohort_id, QuizAttempt.user_id, QuizAttempt.started_at)
    finished = QuizAttempt.state == FINISHED
    score = func.coalesce(QuizAttempt.score, 0.0)
    rows = db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id, func.count(case((finished, 1))),
               func.count(case((and_(finished, QuizAttempt.passed.is_not(True)), 1))),
               func.max(case((finished, score))), func.avg(case((finished, score))),
               func.count(case((QuizAttempt.state == IN_PROGRESS, 1))))
        .where(QuizAttempt.quiz_id.in_(list(quizzes)), QuizAttempt.user_id.in_(who), since)
        .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)).tuples().all()
    ordered = _ordered_scores(quizzes, who, since)
    rules = {qid: ((q.settings or {}).get("grading", "highest"), (q.settings or {}).get("pass_mark", 70))
             for qid, q in quizzes.items()}
    result = {}
    for user_id, quiz_id, done, failed, best, average, open_ in rows:
        method, pass_mark = rules[quiz_id]
        if not done:
            graded = None
        elif method in ("first", "last"):
            graded = combine(ordered.get((user_id, quiz_id), []), method)
        else:
            graded = float(average if method == "average" else best)
        result[(user_id, quiz_id)] = QuizRollup(graded, graded is not None and graded >= pass_mark, done, failed,
                                                float(best) if best is not None else None, bool(open_))
    return result


def _ordered_scores(quizzes: dict[int, Quiz], who, since) -> dict[tuple[int, int], list[float]]:
    """Finished scores in attempt order, only for quizzes graded by the first or last attempt."""
    ids = [qid for qid, q in quizzes.items() if (q.settings or {}).get("grading") in ("first", "last")]
    if not ids:
        return {}
    rows = db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.quiz_id, QuizAttempt.score)
        .where(QuizAttempt.quiz_id.in_(ids), QuizAttempt.user_id.in_(who), QuizAttempt.state == FINISHED, since)
        .order_by(QuizAttempt.user_id, QuizAttempt.quiz_id, QuizAttempt.number)).tuples()
    ordered: dict[tuple[int, int], list[float]] = {}
    for user_id, quiz_id, score in rows:
        ordered.setdefault((user_id, quiz_id), []).append(score or 0.0)
    return ordered


def current_learner(cohort_id: int, user_id):
    """A join condition to the cohort's current learner membership of `user_id` (a column), whose
    joined_at then bounds what may be shown (see visible_since_joining)."""
    return and_(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id,
                CohortMember.role == "learner", CohortMember.removed_at.is_(None))


def _roster(cohort, course_id: int):
    """One row per current learner: identity, organisation, completion, lessons done and seen, and
    the latest lesson view or quiz attempt (the later of the two, computed in SQL); all of it
    since the learner joined the cohort."""
    live = Lesson.archived.is_(False)
    member = current_learner(cohort.id, LessonProgress.user_id)
    lessons = (
        select(LessonProgress.user_id,
               func.count(case((and_(live, LessonProgress.completed_at >= CohortMember.joined_at), 1))).label("done"),
               func.count(case((live, 1))).label("seen"),
               func.max(LessonProgress.last_viewed_at).label("last_seen"))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(CohortMember, member)
        .where(LessonProgress.course_id == course_id, LessonProgress.last_viewed_at >= CohortMember.joined_at)
        .group_by(LessonProgress.user_id).subquery())
    quizzes = (
        select(QuizAttempt.user_id, func.max(func.coalesce(QuizAttempt.finished_at, QuizAttempt.started_at))
               .label("last_quiz"))
        .where(QuizAttempt.course_id == course_id,
               visible_since_joining(cohort.id, QuizAttempt.user_id, QuizAttempt.started_at))
        .group_by(QuizAttempt.user_id).subquery())
    completed = case((Enrollment.completed_at >= CohortMember.joined_at, Enrollment.completed_at))
    seen, quiz = lessons.c.last_seen, quizzes.c.last_quiz
    last_active = case((seen.is_(None), quiz), (quiz.is_(None), seen), (seen > quiz, seen), else_=quiz)
    return db.session.execute(
        select(User.id, User.name, User.email, User.organisation_id,
               func.coalesce(Organisation.name, User.organisation_text), Organisation.country,
               type_coerce(completed, UTCDateTime()), lessons.c.done, lessons.c.seen,
               type_coerce(last_active, UTCDateTime()),
               CohortMember.joined_at)
        .join(CohortMember, CohortMember.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Enrollment, and_(Enrollment.user_id == User.id, Enrollment.course_id == course_id))
        .outerjoin(lessons, lessons.c.user_id == User.id)
        .outerjoin(quizzes, quizzes.c.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.role == "learner",
               CohortMember.removed_at.is_(None))
        .order_by(User.name, User.id)).tuples()


def learner_rows(cohort, structure: Structure) -> list[LearnerRow]:
    """Every current learner of the cohort with their progress on one course, by name."""
    rows = _roster(cohort, structure.course.id)
    by_user: dict[int, dict[int, QuizRollup]] = {}
    for (user_id, quiz_id), rollup in quiz_rollups(cohort.id, structure).items():
        by_user.setdefault(user_id, {})[quiz_id] = rollup
    items = structure.item_count
    learners = []
    for user_id, name, email, org_id, org, country, completed, done, seen, last, joined in rows:
        results = by_user.get(user_id, {})
        passed = sum(1 for r in results.values() if r.passed)
        learners.append(LearnerRow(
            user_id, name, email, org_id, org, country, completed, done or 0, seen or 0, results, last,
            joined, passed, 100.0 * ((done or 0) + passed) / items if items else 0.0))
    return learners


