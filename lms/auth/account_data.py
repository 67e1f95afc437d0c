""""Download my data": everything the platform holds about one person, as JSON or as CSV files.

`collect(user)` reads one table per kind of record, each only for this user; the JSON nests the
answers inside their quiz attempts, the ZIP holds one CSV file per table (answers in their own
file, linked by attempt id). No password hash, session counter or other person's identity.
"""
import csv
import io
import json
import zipfile
from datetime import date, datetime

from sqlalchemy import and_, or_, select

from lms.auth.models import User
from lms.extensions import db

FORMAT_VERSION = 1


def collect(user: User) -> dict[str, list[dict]]:
    """{table: [row, ...]}, in the order the export shows them."""
    return {
        "account": [_account(user)],
        "enrolments": _enrolments(user),
        "lesson_progress": _lesson_progress(user),
        "quiz_attempts": _attempts(user),
        "quiz_responses": _responses(user),
        "cohort_memberships": _memberships(user),
        "badges": _badges(user),
        "reminders": _reminders(user),
        "audit_events": _audit(user),
        "failed_logins": _failed_logins(user),
    }


def _failed_logins(user: User) -> list[dict]:
    """The login counters about the account still in their window: per device address, and
    ("all devices") for the account as a whole."""
    from lms.auth import throttle
    from lms.core.db import utcnow

    return [{"client": row["client"] or "all devices", "failed_attempts": row["count"],
             "counted_until": row["until"]} for row in throttle.counts_for(user.email, now=utcnow())]


def _account(user: User) -> dict:
    from lms.cohorts.models import Organisation

    organisation = db.session.get(Organisation, user.organisation_id) if user.organisation_id else None
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "language": user.locale, "time_zone": user.timezone, "organisation_text": user.organisation_text,
            "organisation": organisation.name if organisation else None, "created_at": user.created_at,
            "last_login_at": user.last_login_at, "active": user.active}


def _enrolments(user: User) -> list[dict]:
    from lms.catalog.models import Course
    from lms.cohorts.models import Cohort
    from lms.learning.models import Enrollment

    rows = db.session.execute(
        select(Enrollment, Course.slug, Course.title, Cohort.name)
        .join(Course, Course.id == Enrollment.course_id).outerjoin(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.user_id == user.id).order_by(Enrollment.enrolled_at, Enrollment.id))
    return [{"course": slug, "course_title": title, "cohort": cohort, "source": e.source,
             "enrolled_at": e.enrolled_at, "completed_at": e.completed_at, "left_at": e.left_at,
             "last_activity_at": e.last_activity_at} for e, slug, title, cohort in rows]


def _lesson_progress(user: User) -> list[dict]:
    from lms.catalog.models import Course, Lesson
    from lms.learning.models import LessonProgress

    rows = db.session.execute(
        select(LessonProgress, Course.slug, Lesson.slug, Lesson.title)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id).join(Course, Course.id == LessonProgress.course_id)
        .where(LessonProgress.user_id == user.id).order_by(LessonProgress.first_viewed_at, LessonProgress.id))
    return [{"course": course, "lesson": lesson, "lesson_title": title, "first_viewed_at": p.first_viewed_at,
             "last_viewed_at": p.last_viewed_at, "completed_at": p.completed_at, "views": p.views,
             "seconds_on_task": p.seconds} for p, course, lesson, title in rows]


def _attempts(user: User) -> list[dict]:
    from lms.catalog.models import Course, Quiz
    from lms.quizzes.models import QuizAttempt

    rows = db.session.execute(
        select(QuizAttempt, Course.slug, Quiz.slug, Quiz.title)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id).join(Course, Course.id == QuizAttempt.course_id)
        .where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.started_at, QuizAttempt.id))
    return [{"attempt_id": a.id, "course": course, "quiz": quiz, "quiz_title": title, "number": a.number,
             "state": a.state, "language": a.language, "started_at": a.started_at, "deadline": a.deadline,
             "finished_at": a.finished_at, "points": a.points, "max_points": a.max_points, "score": a.score,
             "passed": a.passed} for a, course, quiz, title in rows]


def _responses(user: User) -> list[dict]:
    from lms.catalog.models import Question
    from lms.quizzes.models import QuestionResponse, QuizAttempt

    rows = db.session.execute(
        select(QuestionResponse, Question.key, Question.type)
        .join(QuizAttempt, QuizAttempt.id == QuestionResponse.attempt_id)
        .join(Question, Question.id == QuestionResponse.question_id)
        .where(QuizAttempt.user_id == user.id).order_by(QuestionResponse.attempt_id, QuestionResponse.id))
    return [{"attempt_id": r.attempt_id, "question": key, "question_type": kind, "response": r.response,
             "mark": r.mark, "saved_at": r.saved_at} for r, key, kind in rows]


def _memberships(user: User) -> list[dict]:
    from lms.cohorts.models import Cohort, CohortMember, Organisation

    rows = db.session.execute(
        select(CohortMember, Cohort.name, Organisation.name)
        .join(Cohort, Cohort.id == CohortMember.cohort_id).outerjoin(Organisation, Organisation.id == Cohort.organisation_id)
        .where(CohortMember.user_id == user.id).order_by(CohortMember.joined_at, CohortMember.id))
    return [{"cohort": cohort, "organisation": organisation, "role": m.role, "joined_at": m.joined_at,
             "removed_at": m.removed_at} for m, cohort, organisation in rows]


def _badges(user: User) -> list[dict]:
    from lms.badges.codes import display
    from lms.badges.models import BadgeAward, BadgeClass
    from lms.badges.openbadges import verify_url

    rows = db.session.execute(
        select(BadgeAward, BadgeClass.name, BadgeClass.slug).join(BadgeClass, BadgeClass.id == BadgeAward.badge_class_id)
        .where(BadgeAward.user_id == user.id).order_by(BadgeAward.issued_on, BadgeAward.id))
    return [{"badge": name, "course": slug, "status": a.status(), "issued_on": a.issued_on,
             "expires_on": a.expires_on, "revoked_at": a.revoked_at, "revocation_reason": a.revocation_reason,
             "award_reason": a.award_reason, "code": display(a.short_code), "show_name": a.show_name,
             "verify_url": verify_url(a.short_code),
             "evidence": a.evidence} for a, name, slug in rows]


def _reminders(user: User) -> list[dict]:
    from lms.cohorts.models import Cohort, Reminder

    rows = db.session.execute(
        select(Reminder, Cohort.name).join(Cohort, Cohort.id == Reminder.cohort_id)
        .where(Reminder.user_id == user.id).order_by(Reminder.sent_at, Reminder.id))
    return [{"cohort": cohort, "sent_at": r.sent_at, "reasons": r.reason} for r, cohort in rows]


def _audit(user: User) -> list[dict]:
    """Entries by them or about them. Who else acted is not theirs to know: only "you",
    "another account" or "automatic"."""
    from lms.core.models import AuditEvent

    about = or_(AuditEvent.actor_id == user.id,
                and_(AuditEvent.target_type == User.__tablename__, AuditEvent.target_id == user.id),
                AuditEvent.data["user_id"].as_integer() == user.id)
    events = db.session.scalars(select(AuditEvent).where(about).order_by(AuditEvent.at, AuditEvent.id))
    return [{"at": e.at, "action": e.action, "target_type": e.target_type, "target_id": e.target_id,
             "by": "you" if e.actor_id == user.id else "automatic" if e.actor_id is None else "another account",
             "details": e.data} for e in events]


# ---- output -------------------------------------------------------------------------------

def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


def as_json(data: dict[str, list[dict]], *, now: datetime) -> str:
    responses: dict[int, list[dict]] = {}
    for row in data["quiz_responses"]:
        responses.setdefault(row["attempt_id"], []).append({k: v for k, v in row.items() if k != "attempt_id"})
    document = {"format_version": FORMAT_VERSION, "exported_at": now, "account": data["account"][0]}
    for table, rows in data.items():
        if table == "quiz_attempts":
            rows = [{**row, "responses": responses.get(row["attempt_id"], [])} for row in rows]
        if table not in ("account", "quiz_responses"):
            document[table] = rows
    return json.dumps(document, default=_plain, ensure_ascii=False, indent=2)


def _cell(value):
    from lms.dashboards.exports import neutralise

    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(value)


def as_zip(data: dict[str, list[dict]]) -> bytes:
    """One CSV file per table (UTF-8 with a byte-order mark, which spreadsheets need), with a
    header line even when the table is empty."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, rows in data.items():
            text = io.StringIO()
            writer = csv.writer(text)
            header = list(rows[0]) if rows else _EMPTY_HEADERS.get(table, [])
            writer.writerow(header)
            writer.writerows([_cell(row.get(name)) for name in header] for row in rows)
            archive.writestr(f"{table}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


_EMPTY_HEADERS = {
    "enrolments": ["course", "course_title", "cohort", "source", "enrolled_at", "completed_at", "left_at",
                   "last_activity_at"],
    "lesson_progress": ["course", "lesson", "lesson_title", "first_viewed_at", "last_viewed_at", "completed_at",
                        "views", "seconds_on_task"],
    "quiz_attempts": ["attempt_id", "course", "quiz", "quiz_title", "number", "state", "language", "started_at",
                      "deadline", "finished_at", "points", "max_points", "score", "passed"],
    "quiz_responses": ["attempt_id", "question", "question_type", "response", "mark", "saved_at"],
    "cohort_memberships": ["cohort", "organisation", "role", "joined_at", "removed_at"],
    "badges": ["badge", "course", "status", "issued_on", "expires_on", "revoked_at", "revocation_reason",
               "award_reason", "code", "show_name", "verify_url", "evidence"],
    "reminders": ["cohort", "sent_at", "reasons"],
    "audit_events": ["at", "action", "target_type", "target_id", "by", "details"],
    "failed_logins": ["client", "failed_attempts", "counted_until"],
}
