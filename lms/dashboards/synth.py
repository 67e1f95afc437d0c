"""`flask --app wsgi demo synth --learners N`: a realistic synthetic cohort for demos and benchmarks.

Every run adds a NEW cohort (named with its size and creation time), so benchmarks can build
cohorts of several sizes side by side. The learners come from organisations of every kind and
several countries; each has an ability and a pace. They read lessons in order, take module
quizzes whose answers follow an item-response model (the chance of a right answer is a logistic
curve of ability minus the question's difficulty, so item analysis gives sensible numbers),
retry when they fail, sometimes drop out, and finish with the final assessment, a completed
enrolment and a badge. Rows go in with bulk inserts: 5,000 learners take well under a minute.
"""
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from lms.auth.models import User
from lms.badges.codes import new_code
from lms.badges.models import BadgeAward, BadgeClass
from lms.badges.openbadges import iso, recipient_identity
from lms.badges.services import ensure_badge_class
from lms.catalog.models import Course, Lesson, Question, Quiz
from lms.cohorts.models import Cohort, CohortCourse, CohortMember, Organisation
from lms.core.db import mark_write_transaction, utcnow
from lms.core.i18n import score_value
from lms.dashboards.queries import Structure, structures
from lms.dashboards.synth_learners import ORGANISATIONS, Learner, Rows, person, simulate
from lms.extensions import db
from lms.learning.models import Enrollment, LessonProgress
from lms.quizzes.models import QuestionResponse, QuizAttempt

FACILITATOR = "facilitator@example.org"
WEEKS = 12            # the cohort started this long ago
BATCH = 5000          # rows per INSERT round trip


@dataclass
class SynthResult:
    cohort: Cohort
    learners: int
    lesson_records: int
    attempts: int
    responses: int
    badges: int


def largest_course() -> Course | None:
    """The non-archived course with the most lessons and questions."""
    lessons = select(func.count(Lesson.id)).where(Lesson.course_id == Course.id, Lesson.archived.is_(False))
    questions = select(func.count(Question.id)).join(Quiz, Quiz.id == Question.quiz_id).where(
        Quiz.course_id == Course.id, Quiz.archived.is_(False), Question.archived.is_(False))
    size = lessons.scalar_subquery() + questions.scalar_subquery()
    return db.session.scalar(select(Course).where(Course.archived.is_(False))
                             .order_by(size.desc(), Course.position, Course.id).limit(1))


def _organisations() -> list[tuple[int, str]]:
    existing = {o.name: o for o in db.session.scalars(
        select(Organisation).where(Organisation.name.in_([o[0] for o in ORGANISATIONS])))}
    result = []
    for name, kind, country, language in ORGANISATIONS:
        org = existing.get(name)
        if org is None:
            org = Organisation(name=name, kind=kind, country=country)
            db.session.add(org)
            db.session.flush()
        result.append((org.id, language))
    return result


def _bulk(table, rows: list[dict], returning=None) -> list:
    ids = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        if returning is None:
            db.session.execute(insert(table), chunk)
        else:
            ids += db.session.execute(insert(table).returning(returning, sort_by_parameter_order=True),
                                      chunk).scalars().all()
    return ids


def _question_bank(structure: Structure, rng: random.Random) -> dict[int, list[tuple]]:
    """{quiz_id: [(question id, type, data, difficulty, slope)]}; a few questions discriminate poorly."""
    bank: dict[int, list[tuple]] = {qid: [] for qid in structure.quizzes}
    questions = db.session.scalars(select(Question).where(
        Question.quiz_id.in_(list(structure.quizzes)), Question.archived.is_(False))
        .order_by(Question.quiz_id, Question.position, Question.id)).all()
    for q in questions:
        slope = 0.15 if rng.random() < 0.08 else rng.uniform(0.7, 2.2)
        bank[q.quiz_id].append((q.id, q.type, q.data, rng.gauss(-0.9, 0.9), slope))
    return bank


def _badge_row(badge: BadgeClass, user_id: int, email: str, course: Course, when: datetime, score) -> dict:
    """An award as lms.badges.services.award_badge would store it (same code, hash and evidence)."""
    salt = secrets.token_hex(16)
    return {"user_id": user_id, "badge_class_id": badge.id, "uuid": str(uuid.uuid4()), "short_code": new_code(),
            "salt": salt, "recipient_hash": recipient_identity(email, salt), "issued_on": when, "show_name": False,
            "evidence": {"course_slug": course.slug, "course_title": course.title, "completed_at": iso(when),
                         "final_score": score_value(score), "manual": False}}


def build_cohort(course: Course, *, learners: int, facilitator: User, now: datetime | None = None,
                 seed: int | None = None, name: str | None = None) -> SynthResult:
    """Add a cohort of `learners` synthetic learners on `course`, facilitated by `facilitator`."""
    rng, now = random.Random(seed), now or utcnow()
    structure = structures([course])[course.id]
    bank, orgs = _question_bank(structure, rng), _organisations()
    start = now - timedelta(weeks=WEEKS)
    cohort = Cohort(name=name or f"Synthetic cohort, {learners} learners ({now:%Y-%m-%d %H:%M:%S})",
                    status="active", starts_on=start.date(), ends_on=(start + timedelta(weeks=16)).date(),
                    join_code=secrets.token_urlsafe(12), join_enabled=False, created_at=start,
                    description="Synthetic learners for demonstrations and benchmarks.")
    db.session.add(cohort)
    db.session.flush()
    db.session.add_all([
        CohortCourse(cohort_id=cohort.id, course_id=course.id, due_on=(start + timedelta(weeks=11)).date()),
        CohortMember(cohort_id=cohort.id, user_id=facilitator.id, role="facilitator", joined_at=start)])
    people = []
    for n in range(learners):
        org_id, language = rng.choice(orgs)
        people.append({"email": f"synth-{cohort.id}-{n + 1}@example.org", "name": person(rng, language),
                       "role": "learner", "locale": language, "organisation_id": org_id, "created_at": start})
    user_ids = _bulk(User.__table__, people, User.__table__.c.id)
    rows, badge, members = Rows(), ensure_badge_class(course), []
    for user_id, someone in zip(user_ids, people, strict=True):
        joined = start + timedelta(hours=rng.uniform(0, 24 * 14))
        members.append({"cohort_id": cohort.id, "user_id": user_id, "role": "learner", "joined_at": joined})
        learner = Learner(rng, user_id, joined, now, bank)
        completed_at, score = simulate(learner, structure, rows)
        rows.enrolments.append({"user_id": user_id, "course_id": course.id, "cohort_id": cohort.id,
                                "source": "cohort", "enrolled_at": joined, "completed_at": completed_at,
                                "last_activity_at": learner.last})
        if completed_at is not None:
            rows.badges.append(_badge_row(badge, user_id, someone["email"], course, completed_at, score))
    _bulk(CohortMember.__table__, members)
    _bulk(Enrollment.__table__, rows.enrolments)
    _bulk(LessonProgress.__table__, rows.progress)
    answers = [(a.pop("_answers"), a.pop("_end")) for a in rows.attempts]
    attempt_ids = _bulk(QuizAttempt.__table__, rows.attempts, QuizAttempt.__table__.c.id)
    rows.responses = [{"attempt_id": aid, "question_id": qid, "response": response, "mark": mark, "saved_at": end}
                      for aid, (given, end) in zip(attempt_ids, answers, strict=True)
                      for qid, response, mark in given]
    _bulk(QuestionResponse.__table__, rows.responses)
    _bulk(BadgeAward.__table__, rows.badges)
    db.session.flush()
    _analyse([User, CohortMember, Enrollment, LessonProgress, QuizAttempt, QuestionResponse, BadgeAward])
    return SynthResult(cohort, learners, len(rows.progress), len(attempt_ids), len(rows.responses), len(rows.badges))


def _analyse(models) -> None:
    """PostgreSQL plans from table statistics, which autovacuum refreshes only after a while (or
    never, where it is off). Right after a bulk load, a stale plan can turn a 100 ms dashboard
    query into nested loops over every learner, so refresh them now. (ANALYZE counts the rows
    this transaction inserted.)"""
    if db.session.get_bind().dialect.name == "postgresql":
        for model in models:
            db.session.execute(text(f'ANALYZE "{model.__tablename__}"'))


def _facilitator() -> User:
    user = db.session.scalar(select(User).where(User.email == FACILITATOR))
    if user is None:
        from lms.demo.services import DEMO_ACCOUNTS, ensure_user

        email, name, role, locale = next(a for a in DEMO_ACCOUNTS if a[0] == FACILITATOR)
        user = ensure_user(email, name, role, locale, current_app.config["DEMO_PASSWORD"])
    return user


@click.command("synth")
@click.option("--learners", type=click.IntRange(1, 100_000), default=200, show_default=True,
              help="How many learners the new cohort gets.")
@click.option("--course", "course_slug", help="Course slug (default: the largest course).")
@click.option("--seed", type=int, help="Random seed, for a reproducible cohort.")
@with_appcontext
def synth(learners: int, course_slug: str | None, seed: int | None):
    """Add a synthetic cohort facilitated by facilitator@example.org (a new cohort on every run)."""
    mark_write_transaction()
    if course_slug:
        course = db.session.scalar(select(Course).where(Course.slug == course_slug))
        if course is None:
            raise click.ClickException(f"No course with the slug '{course_slug}'.")
    else:
        course = largest_course()
        if course is None:
            raise click.ClickException("There is no course yet: run `flask --app wsgi courses sync` first.")
    result = build_cohort(course, learners=learners, facilitator=_facilitator(), seed=seed)
    db.session.commit()
    click.echo(f"Cohort {result.cohort.id} “{result.cohort.name}” on {course.slug}: {result.learners} learners, "
               f"{result.lesson_records} lesson records, {result.attempts} quiz attempts, {result.responses} "
               f"answers, {result.badges} badges.")
    click.echo(f"Dashboard: /cohorts/{result.cohort.id}/dashboard (log in as {FACILITATOR})")
