"""A benchmark site: a throw-away database with the real courses, the demo accounts, a crowd of
learners ready to start a quiz, and logged-in sessions made without paying a password check each."""
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-key-0123456789abcdef"
PASSWORD = "bench passphrase 2026"


@dataclass
class Site:
    url: str
    env: dict
    pages: dict = field(default_factory=dict)          # label -> (path, cookie)
    crowd: list = field(default_factory=list)          # (cookie, csrf token) per learner
    quiz_start: str = ""                               # POST path that starts the crowd's quiz
    logins: list = field(default_factory=list)         # e-mails of learners with PASSWORD


def server_env(url: str, workdir: Path, port_hint: str = "127.0.0.1") -> dict:
    """Production settings: LMS_ENV=production, a set secret, the public origin."""
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "LMS_ENV": "production",
           "BASE_URL": f"http://{port_hint}", "TRUSTED_HOSTS": "127.0.0.1,localhost",
           "MAIL_DIR": str(workdir / "mail"), "PYTHONWARNINGS": "ignore"}
    return env


def _app(url: str):
    os.environ.update({"LMS_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": url,
                       "TRUSTED_HOSTS": "127.0.0.1,localhost", "BASE_URL": "http://127.0.0.1"})
    from lms import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url})


def session_cookie(app, user) -> tuple[str, str]:
    """(Cookie header, CSRF token) of a session in which `user` has logged in, as after /login."""
    from flask import g, session
    from flask_wtf.csrf import generate_csrf

    from lms.auth import sessions

    # From the address and without the User-Agent that wrk sends, so the session matches them.
    with app.test_request_context("/login", method="POST", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        sessions.start(user)
        # A browser stores the cookie each answer refreshes; wrk replays this one, so it is
        # stamped as seen a few hours ahead, and the server has no reason to re-sign it.
        session["seen"] += 4 * 3600
        g.pop("csrf_token", None)  # a login starts a new CSRF secret: sign with the session's own
        token = generate_csrf()
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return f"{app.config['SESSION_COOKIE_NAME']}={value}", token


def build(url: str, workdir: Path, *, crowd: int, logins: int) -> Site:
    """Schema, courses, demo accounts, `crowd` learners whose first module's quiz is open to
    them, `logins` learners with a known password, and the pages to drive."""
    app = _app(url)
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["courses", "sync", str(ROOT / "courses")], ["demo", "seed"]):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            sys.exit(f"{' '.join(args)} failed:\n{result.output}\n{result.exception!r}")
    site = Site(url=url, env=server_env(url, workdir))
    with app.app_context():
        _pages(app, site)
        _crowd(app, site, crowd, logins)
        from lms.extensions import db

        db.engine.dispose()
    return site


def _pages(app, site: Site) -> None:
    from lms.auth.models import User
    from lms.catalog.models import Course, Quiz
    from lms.cohorts.models import Cohort
    from lms.core.db import mark_write_transaction, utcnow
    from lms.extensions import db
    from lms.learning.queries import course_state
    from lms.quizzes import services as quizzes

    mark_write_transaction()
    learner = db.session.scalar(select(User).where(User.email == "learner@example.org"))
    facilitator = db.session.scalar(select(User).where(User.email == "facilitator@example.org"))
    course = db.session.scalar(select(Course).where(Course.slug == "upr-essentials"))
    state = course_state(learner, course)
    lesson = state.modules[0].lessons[1]
    quiz = next(item for item in state.items if item.kind == "quiz" and not item.locked)
    attempt = quizzes.start_attempt(learner, db.session.get(Quiz, quiz.id), now=utcnow())
    cohort = db.session.scalar(select(Cohort).order_by(Cohort.id))
    db.session.commit()
    mine, staff = session_cookie(app, learner)[0], session_cookie(app, facilitator)[0]
    site.pages = {
        "lesson": (f"/courses/{course.slug}/lessons/{lesson.slug}", mine),
        "course page": (f"/courses/{course.slug}", mine),
        "catalogue": ("/", mine),
        "quiz attempt": (f"/attempts/{attempt.id}", mine),
        "dashboard": (f"/cohorts/{cohort.id}/dashboard", staff),
    }


def _crowd(app, site: Site, size: int, logins: int) -> None:
    """Learners enrolled in the course with its first module's lessons done, so its quiz is open."""
    from lms.auth.models import User
    from lms.auth.passwords import hash_password
    from lms.catalog.models import Course, Lesson, Quiz
    from lms.core.db import mark_write_transaction, utcnow
    from lms.extensions import db
    from lms.learning.models import Enrollment, LessonProgress

    if size + logins == 0:
        return
    mark_write_transaction()
    now, hashed = utcnow(), hash_password(PASSWORD)
    course = db.session.scalar(select(Course).where(Course.slug == "upr-essentials"))
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.module_id.is_not(None),
                                                Quiz.archived.is_(False)).order_by(Quiz.id))
    lessons = db.session.scalars(select(Lesson.id).where(Lesson.module_id == quiz.module_id,
                                                         Lesson.archived.is_(False))).all()
    start = time.perf_counter()
    db.session.execute(insert(User), [{"email": f"crowd{n}@example.org", "name": f"Crowd Learner {n}",
                                       "password_hash": hashed, "role": "learner"} for n in range(size + logins)])
    users = db.session.scalars(select(User).where(User.email.like("crowd%@example.org")).order_by(User.id)).all()
    db.session.execute(insert(Enrollment), [{"user_id": u.id, "course_id": course.id, "source": "self",
                                             "enrolled_at": now, "last_activity_at": now} for u in users])
    db.session.execute(insert(LessonProgress), [
        {"user_id": u.id, "lesson_id": lesson, "course_id": course.id, "first_viewed_at": now,
         "last_viewed_at": now, "completed_at": now, "views": 1, "seconds": 60}
        for u in users[:size] for lesson in lessons])
    db.session.commit()
    site.crowd = [session_cookie(app, user) for user in users[:size]]
    site.logins = [user.email for user in users[size:]]
    site.quiz_start = f"/courses/{course.slug}/quizzes/{quiz.slug}/start"
    print(f"site: {size} learners ready for a quiz and {logins} to log in, in {time.perf_counter() - start:.1f} s",
          flush=True)
