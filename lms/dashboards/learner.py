"""One learner seen by a facilitator: timeline, progress per course, every attempt answer by answer."""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from lms.badges.models import BadgeAward, BadgeClass
from lms.catalog.models import Question, Quiz
from lms.cohorts.models import CohortMember, Reminder
from lms.core.i18n import percent
from lms.dashboards.queries import Assigned, Structure, assigned_courses, structures
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress
from lms.learning.queries import time_on_task_by_course
from lms.quizzes.models import FINISHED, QuestionResponse, QuizAttempt, QuizOverride
from lms.quizzes.overrides import overrides_of
from lms.quizzes.results import quiz_results
from lms.quizzes.types import TYPES


@dataclass
class Event:
    at: datetime
    kind: str
    text: str


@dataclass
class CourseProgress:
    course: object
    due_on: object
    lessons_done: int
    lessons: int
    quizzes_passed: int
    quizzes: int
    completed_at: datetime | None
    seconds: int = 0                    # time on task

    @property
    def percent(self) -> float:
        total = self.lessons + self.quizzes
        return 100.0 * (self.lessons_done + self.quizzes_passed) / total if total else 0.0


@dataclass
class AnswerRow:
    position: int
    text_html: Markup
    given: str
    correct: str
    mark: float | None


@dataclass
class AttemptView:
    attempt: QuizAttempt
    quiz: Quiz
    answers: list[AnswerRow] = field(default_factory=list)


@dataclass
class LearnerPage:
    member: CohortMember
    courses: list[CourseProgress]
    attempts: list[AttemptView]
    timeline: list[Event]
    overrides: list["OverrideRow"] = field(default_factory=list)


def _localised(question: Question) -> tuple[str, dict]:
    """The question's text and data in the reader's language when a translation exists."""
    extra = (question.translations or {}).get(str(get_locale() or "en"), {})
    return extra.get("text_html") or question.text_html, extra.get("data") or question.data


def answer_rows(attempt: QuizAttempt, questions: dict[int, Question], responses: dict[int, QuestionResponse]):
    rows = []
    for position, qid in enumerate(attempt.question_ids or [], start=1):
        question = questions.get(int(qid))
        if question is None:
            continue
        text_html, data = _localised(question)
        qtype = TYPES[question.type]
        response = responses.get(question.id)
        given = qtype.describe(data, response.response) if response and response.response else ""
        rows.append(AnswerRow(position, Markup(text_html), given, qtype.describe(data, qtype.correct_response(data)),
                              response.mark if response else None))
    return rows


def learner_page(cohort, learner, assigned: list[Assigned]) -> LearnerPage:
    """Everything the learner did in the cohort's courses since joining it: nothing earlier (not
    on their own, not in another cohort) is read."""
    member = db.session.scalar(select(CohortMember).where(
        CohortMember.cohort_id == cohort.id, CohortMember.user_id == learner.id, CohortMember.role == "learner",
        CohortMember.removed_at.is_(None)))
    since = member.joined_at
    content = structures([a.course for a in assigned])
    quiz_ids = [qid for s in content.values() for qid in s.quizzes]
    lesson_ids = [lid for s in content.values() for lid in s.lessons]
    progress = db.session.scalars(select(LessonProgress).where(
        LessonProgress.user_id == learner.id, LessonProgress.lesson_id.in_(lesson_ids),
        LessonProgress.last_viewed_at >= since)).all()
    attempts = db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == learner.id, QuizAttempt.quiz_id.in_(quiz_ids), QuizAttempt.started_at >= since)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())).all()
    responses = db.session.scalars(select(QuestionResponse).join(QuizAttempt).where(
        QuizAttempt.user_id == learner.id, QuizAttempt.quiz_id.in_(quiz_ids), QuizAttempt.started_at >= since)).all()
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.quiz_id.in_(quiz_ids)))}
    enrolments = {e.course_id: e for e in db.session.scalars(select(Enrollment).where(
        Enrollment.user_id == learner.id, Enrollment.course_id.in_([a.course.id for a in assigned])))}
    completed = {course_id: e.completed_at for course_id, e in enrolments.items()
                 if e.completed_at is not None and e.completed_at >= since}
    results = quiz_results([learner.id], quiz_ids, since=since)
    seconds = time_on_task_by_course([learner.id], [a.course.id for a in assigned], cohort_id=cohort.id)
    by_attempt: dict[int, dict[int, QuestionResponse]] = {}
    for response in responses:
        by_attempt.setdefault(response.attempt_id, {})[response.question_id] = response
    quizzes = {qid: q for s in content.values() for qid, q in s.quizzes.items()}
    views = []
    for attempt in attempts:
        view = AttemptView(attempt, quizzes[attempt.quiz_id])
        if attempt.state == FINISHED:
            view.answers = answer_rows(attempt, questions, by_attempt.get(attempt.id, {}))
        views.append(view)
    done = {p.lesson_id for p in progress if p.completed_at and p.completed_at >= since}
    courses = [_course_progress(a, content[a.course.id], done, results, learner.id, completed.get(a.course.id),
                                seconds.get((learner.id, a.course.id), 0)) for a in assigned]
    timeline = _timeline(cohort, learner, member, content, progress, attempts, completed)
    return LearnerPage(member, courses, views, timeline, overrides=override_rows(learner, content))


def _course_progress(assigned: Assigned, structure: Structure, done, results, user_id, completed_at, seconds):
    return CourseProgress(
        course=assigned.course, due_on=assigned.due_on,
        lessons_done=sum(1 for lid in structure.lessons if lid in done), lessons=len(structure.lessons),
        quizzes_passed=sum(1 for qid in structure.quizzes if results.get((user_id, qid)) and results[(user_id, qid)].passed),
        quizzes=len(structure.quizzes), completed_at=completed_at,
        seconds=seconds)


def _timeline(cohort, learner, member, content, progress, attempts, completed) -> list[Event]:
    since = member.joined_at
    lessons = {lid: lesson for s in content.values() for lid, lesson in s.lessons.items()}
    quizzes = {qid: q for s in content.values() for qid, q in s.quizzes.items()}
    titles = {s.course.id: s.course.title for s in content.values()}
    events = [Event(member.joined_at, "joined", str(_l("Joined the cohort")))]
    for p in progress:
        title = lessons[p.lesson_id].title
        if p.first_viewed_at >= since:
            events.append(Event(p.first_viewed_at, "lesson", str(_l("Opened the lesson “%(title)s”", title=title))))
        if p.completed_at and p.completed_at >= since:
            events.append(Event(p.completed_at, "lesson-done", str(_l("Completed the lesson “%(title)s”", title=title))))
    for a in attempts:
        title = quizzes[a.quiz_id].title
        events.append(Event(a.started_at, "quiz", str(_l("Started attempt %(n)s of “%(title)s”", n=a.number, title=title))))
        if a.finished_at:
            outcome = _l("passed") if a.passed else _l("not passed")
            events.append(Event(a.finished_at, "quiz-passed" if a.passed else "quiz-failed", str(_l(
                "Finished attempt %(n)s of “%(title)s”: %(score)s (%(outcome)s)", n=a.number, title=title,
                score=percent(a.score or 0), outcome=outcome))))
    for course_id, completed_at in completed.items():
        events.append(Event(completed_at, "course-done",
                            str(_l("Completed the course “%(title)s”", title=titles[course_id]))))
    badge_rows = db.session.execute(select(BadgeAward.issued_on, BadgeClass.name).join(BadgeClass).where(
        BadgeAward.user_id == learner.id, BadgeClass.course_id.in_(list(titles)), BadgeAward.issued_on >= since)).all()
    events += [Event(at, "badge", str(_l("Earned the badge “%(name)s”", name=name))) for at, name in badge_rows]
    reminders = db.session.scalars(select(Reminder.sent_at).where(
        Reminder.cohort_id == cohort.id, Reminder.user_id == learner.id)).all()
    events += [Event(at, "reminder", str(_l("Was sent a reminder"))) for at in reminders]
    return sorted((e for e in events if e.at), key=lambda e: e.at, reverse=True)


# ---- quiz overrides: extra attempts and time per quiz (lms/quizzes/overrides.py) -------------

@dataclass
class OverrideRow:
    course: object
    quiz: Quiz
    override: QuizOverride | None
    granted_by: str | None = None       # the name of who granted it


def override_rows(learner, content: dict[int, Structure]) -> list[OverrideRow]:
    """Every quiz of the cohort's courses, in course order, with the learner's override (one query)."""
    found = overrides_of(learner.id, [qid for s in content.values() for qid in s.quizzes])
    return [OverrideRow(s.course, quiz, *found.get(quiz.id, (None, None)))
            for s in content.values() for quiz in s.quizzes.values()]


def cohort_quiz(cohort, quiz_id: int) -> Quiz | None:
    """A live quiz of one of the cohort's courses (what the drill-down lists), or None."""
    content = structures([a.course for a in assigned_courses(cohort)])
    return next((s.quizzes[quiz_id] for s in content.values() if quiz_id in s.quizzes), None)
