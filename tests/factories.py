"""Test data builders. Each flushes so ids exist; tests commit when a request must see it."""
import itertools

from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from lms.auth.models import User
from lms.extensions import db

PASSWORD = "correct horse battery staple"
# Hashing is deliberately slow; tests share one cheap hash of the same password.
_FAST_HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
_seq = itertools.count(1)


@event.listens_for(Session, "after_flush")
def _note_write(session, _context):
    session.info["wrote"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_write(session, transaction):
    if transaction.parent is None:
        session.info.pop("wrote", None)


def end_read_snapshot() -> None:
    """Tests read through their own session between requests; on SQLite an old read snapshot
    cannot become a write, so start a new transaction when this one has written nothing."""
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted
                                         or session.info.get("wrote")):
        session.rollback()


def user(role: str = "learner", email: str | None = None, name: str | None = None, **fields) -> User:
    end_read_snapshot()
    n = next(_seq)
    obj = User(email=email or f"user{n}@example.org", name=name or f"User {n}", role=role,
               password_hash=_FAST_HASH, **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def fresh(obj):
    """Re-read obj from the database, ending the test's own read snapshot first."""
    db.session.rollback()
    db.session.refresh(obj)
    return obj


# ---- course content -------------------------------------------------------------------
# Builds content rows the way `courses sync` stores them, without reading files.

def _question_raw(n: int, qtype: str) -> dict:
    raws = {
        "single": {"options": [{"text": f"Right {n}", "correct": True}, {"text": f"Wrong {n}a"}, {"text": f"Wrong {n}b"}]},
        "multiple": {"options": [{"text": f"Yes {n}a", "correct": True}, {"text": f"Yes {n}b", "correct": True},
                                 {"text": f"No {n}"}]},
        "truefalse": {"answer": True},
        "matching": {"pairs": [{"left": f"L{n}a", "right": f"R{n}a"}, {"left": f"L{n}b", "right": f"R{n}b"},
                               {"left": f"L{n}c", "right": f"R{n}c"}]},
        "ordering": {"items": [f"First {n}", f"Second {n}", f"Third {n}"], "scoring": "partial"},
        "short": {"answers": ["forty-seven", "47"]},
    }
    return {"type": qtype, "text": f"Question {n} ({qtype})?", "feedback": f"Because {n}.", **raws[qtype]}


QTYPES = ["single", "multiple", "truefalse", "matching", "ordering", "short"]


def quiz(course, module=None, *, slug=None, questions: int = 6, types=None, **settings):
    from lms.catalog.models import Question, Quiz
    from lms.quizzes.settings import resolve
    from lms.quizzes.types import BuildContext, build_question

    slug = slug or (module.slug if module else "final")
    obj = Quiz(course_id=course.id, module_id=module.id if module else None, slug=slug,
               kind="module" if module else "final", title=f"Quiz {slug}",
               settings=resolve(settings, course.quiz_defaults))
    db.session.add(obj)
    db.session.flush()
    types = types or QTYPES
    for n in range(questions):
        qtype = types[n % len(types)]
        key = f"q{n + 1}"
        built = build_question(_question_raw(n + 1, qtype), BuildContext(course.slug, slug, key))
        db.session.add(Question(quiz_id=obj.id, key=key, position=n, **built))
    db.session.commit()
    return obj


def course(slug=None, *, modules: int = 2, lessons: int = 2, questions: int = 6, final: bool = True,
           final_questions: int = 8, navigation: str = "sequential", enrolment: str = "open",
           audiences=("all",), **quiz_settings):
    """A course with `modules` modules of `lessons` lessons and one quiz each, plus a final."""
    from lms.catalog.models import Course, Lesson, Module

    end_read_snapshot()
    n = next(_seq)
    slug = slug or f"course-{n}"
    obj = Course(slug=slug, title=f"Course {n}", summary=f"Summary of course {n}.", audiences=list(audiences),
                 navigation=navigation, enrolment=enrolment, position=n,
                 completion={"lessons": "all", "module_quizzes": "passed", "final": "passed"},
                 badge={"name": f"Badge {n}", "description": "A badge.", "criteria": "Complete the course.",
                        "colour": "#1d4ed8", "emblem": "globe", "tags": ["upr"]},
                 quiz_defaults={"pass_mark": 70, "max_attempts": 3, **quiz_settings})
    db.session.add(obj)
    db.session.flush()
    for m in range(modules):
        module = Module(course_id=obj.id, slug=f"module-{m + 1}", position=m, title=f"Module {m + 1}")
        db.session.add(module)
        db.session.flush()
        for k in range(lessons):
            db.session.add(Lesson(course_id=obj.id, module_id=module.id, slug=f"lesson-{m + 1}-{k + 1}",
                                  position=k, title=f"Lesson {m + 1}.{k + 1}", minutes=5,
                                  body_html=f"<p>Body of lesson {m + 1}.{k + 1}.</p>", word_count=500,
                                  key_points=["A point."], glossary=[], sources=[]))
        db.session.flush()
        if questions:
            quiz(obj, module, questions=questions)
    if final:
        quiz(obj, None, questions=final_questions, draw=min(final_questions, 5))
    db.session.commit()
    return obj
