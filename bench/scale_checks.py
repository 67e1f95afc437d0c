"""The database's side of the scale-out run: the learners it starts with, the course as the
learners will walk it, and afterwards what was recorded against what the clients were told."""
import email
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.scale_learner import ModulePlan, Plan, QuizPlan

COURSE = "upr-essentials"


def prepare(app, emails: list[str], password: str) -> dict[str, int]:
    """Learners enrolled in the course, one password hash for all; {e-mail: user id}."""
    from lms.auth.models import User
    from lms.auth.passwords import hash_password
    from lms.catalog.models import Course
    from lms.core.db import mark_write_transaction, utcnow
    from lms.extensions import db
    from lms.learning.models import Enrollment

    with app.app_context():
        mark_write_transaction()
        now, hashed = utcnow(), hash_password(password)
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        db.session.execute(insert(User), [{"email": e, "name": f"Scale-out learner {n}", "password_hash": hashed,
                                           "role": "learner"} for n, e in enumerate(emails)])
        ids = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all())
        db.session.execute(insert(Enrollment), [{"user_id": i, "course_id": course.id, "source": "self",
                                                 "enrolled_at": now, "last_activity_at": now} for i in ids.values()])
        db.session.commit()
        return ids


def course_plan(app) -> Plan:
    """Modules in order with their lessons and quiz, the final assessment, and every question's
    right response (the learners are people who studied: they know most answers)."""
    from lms.catalog.models import Course, Lesson, Module, Question, Quiz
    from lms.extensions import db
    from lms.quizzes.types import TYPES

    def quiz_plan(quiz):
        return QuizPlan(quiz.id, quiz.slug, int(quiz.settings.get("max_attempts") or 3)) if quiz else None

    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        modules = []
        for module in db.session.scalars(select(Module).where(Module.course_id == course.id,
                                                              Module.archived.is_(False)).order_by(Module.position)):
            lessons = db.session.execute(select(Lesson.id, Lesson.slug).where(
                Lesson.module_id == module.id, Lesson.archived.is_(False)).order_by(Lesson.position)).all()
            quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id, Quiz.archived.is_(False)))
            modules.append(ModulePlan([tuple(row) for row in lessons], quiz_plan(quiz)))
        final = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == "final",
                                                     Quiz.archived.is_(False)))
        questions = {q.id: (q.type, TYPES[q.type].correct_response(q.data),
                            [o["id"] for o in q.data.get("options", [])])
                     for q in db.session.scalars(select(Question).join(Quiz).where(Quiz.course_id == course.id))}
        return Plan(COURSE, modules, quiz_plan(final), questions)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Findings:
    checks: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    def check(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(name, ok, detail))


def records(app, learners, findings: Findings) -> None:
    """Every acknowledged completion and submission is in the database, once, and nothing else is."""
    with app.app_context():
        _lessons(learners, findings)
        _submissions(learners, findings)


def _lessons(learners, findings: Findings) -> None:
    from lms.extensions import db
    from lms.learning.models import LessonProgress

    acked = {(x.user_id, lesson): key for x in learners for lesson, key in x.completions}
    rows = db.session.execute(select(LessonProgress.user_id, LessonProgress.lesson_id, LessonProgress.completion_key)
                              .where(LessonProgress.user_id.in_([x.user_id for x in learners]),
                                     LessonProgress.completed_at.is_not(None))).all()
    recorded = {(u, lesson): key for u, lesson, key in rows}
    per_pair = Counter((u, lesson) for u, lesson, _key in rows)
    lost = [pair for pair in acked if pair not in recorded]
    other_key = [pair for pair, key in acked.items() if pair in recorded and recorded[pair] != key]
    findings.figures["completions"] = f"{len(acked)} acknowledged, {len(rows)} recorded"
    findings.check("completions: none lost", not lost and not other_key,
                   f"{len(lost)} lost, {len(other_key)} recorded under another key")
    findings.check("completions: none doubled or unasked",
                   max(per_pair.values(), default=1) == 1 and len(rows) == len(acked),
                   f"{sum(n - 1 for n in per_pair.values())} duplicate rows, {len(set(recorded) - set(acked))} unasked")


def _submissions(learners, findings: Findings) -> None:
    from lms.extensions import db
    from lms.quizzes.models import QuizAttempt

    acked = {key: attempt for x in learners for attempt, key in x.submissions}
    attempts = db.session.execute(select(QuizAttempt.id, QuizAttempt.state, QuizAttempt.submit_key)
                                  .where(QuizAttempt.user_id.in_([x.user_id for x in learners]))).all()
    finished = {a.submit_key: a.id for a in attempts if a.state == "finished"}
    per_key = Counter(a.submit_key for a in attempts if a.state == "finished")
    missing = [key for key, attempt in acked.items() if finished.get(key) != attempt]
    left_open = sum(1 for a in attempts if a.state != "finished")
    findings.figures["submissions"] = f"{len(acked)} acknowledged, {sum(per_key.values())} finished attempts recorded"
    findings.check("submissions: none lost", not missing, f"{len(missing)} acknowledged but not recorded")
    findings.check("submissions: none doubled", sum(per_key.values()) == len(acked) and not left_open
                   and max(per_key.values(), default=1) == 1 and None not in per_key,
                   f"{sum(per_key.values()) - len(acked)} finished attempts beyond the acknowledged, "
                   f"{sum(n - 1 for n in per_key.values())} sharing a submit key, {left_open} left open")


def completions(app, learners, findings: Findings) -> None:
    """A finished course gives one badge and one completion e-mail, whatever the retries."""
    from lms.badges.models import BadgeAward
    from lms.core.models import OutboxMessage
    from lms.extensions import db
    from lms.learning.models import Enrollment

    users = [learner.user_id for learner in learners]
    finished = sum(1 for learner in learners if learner.outcome == "finished the course")
    with app.app_context():
        completed = db.session.scalar(select(func.count()).select_from(Enrollment).where(
            Enrollment.user_id.in_(users), Enrollment.completed_at.is_not(None)))
        badges = db.session.scalar(select(func.count()).select_from(BadgeAward).where(BadgeAward.user_id.in_(users)))
        mails = Counter(db.session.scalars(select(OutboxMessage.to_address).where(
            OutboxMessage.kind == "completion", OutboxMessage.to_address.in_([x.email for x in learners]))))
    findings.figures["courses completed"] = (f"{finished} learners finished, {completed} enrolments completed, "
                                            f"{badges} badges, {sum(mails.values())} completion e-mails")
    findings.check("course completions: one badge and one e-mail each",
                   finished == completed == badges == sum(mails.values()) and max(mails.values(), default=1) == 1,
                   f"{finished}/{completed}/{badges}/{sum(mails.values())}")


def mail(app, mail_dirs: dict[str, Path], resets_acked: int, reset_addresses: set, findings: Findings) -> None:
    """Every outbox row sent, each exactly once: its Message-ID in exactly one .eml file."""
    from lms.core.models import OutboxMessage
    from lms.extensions import db

    with app.app_context():
        rows = db.session.execute(select(OutboxMessage.message_id, OutboxMessage.state, OutboxMessage.kind,
                                         OutboxMessage.to_address)).all()
    written, per_worker = Counter(), {}
    for name, folder in mail_dirs.items():
        files = sorted(Path(folder).glob("*.eml")) if Path(folder).exists() else []
        per_worker[name] = len(files)
        for path in files:
            written[email.message_from_bytes(path.read_bytes())["Message-ID"]] += 1
    states = Counter(r.state for r in rows)
    resets = sum(1 for r in rows if r.kind == "reset" and r.to_address in reset_addresses)
    unsent = [r for r in rows if written[r.message_id] == 0]
    doubled = [m for m, n in written.items() if n > 1]
    findings.figures["mail"] = (f"{len(rows)} in the outbox ({dict(states)}), .eml files per worker "
                                f"{per_worker}, {resets_acked} reset requests acknowledged, {resets} reset mails")
    findings.check("mail: every message sent once", states.get("sent", 0) == len(rows) and not unsent and not doubled
                   and sum(written.values()) == len(rows), f"{len(unsent)} not sent, {len(doubled)} sent twice")
    findings.check("mail: one reset mail per acknowledged request", resets == resets_acked,
                   f"{resets_acked} acknowledged, {resets} queued")
