"""Helpers that drive the quiz pages as a browser would, and read back what was stored."""
import re

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lms.catalog.models import Question
from lms.extensions import db
from lms.quizzes.demo import answer_fields
from lms.quizzes.models import QuestionResponse, QuizAttempt
from lms.quizzes.types import TYPES, BuildContext, build_question

# Every type, with feedback on options and texts a leak would reveal.
RICH = [
    {"id": "single", "type": "single", "text": "Which body holds the review?",
     "options": [{"text": "Alpha council", "correct": True, "feedback": "LEAK-OPT-alpha"},
                 {"text": "Beta committee", "feedback": "LEAK-OPT-beta"},
                 {"text": "Gamma court"}],
     "feedback": "LEAK-GENERAL-single"},
    {"id": "multiple", "type": "multiple", "text": "Which are documents of the review?",
     "options": [{"text": "National report", "correct": True, "feedback": "LEAK-OPT-national"},
                 {"text": "UN compilation", "correct": True},
                 {"text": "Court ruling", "feedback": "LEAK-OPT-ruling"}],
     "feedback": "LEAK-GENERAL-multiple"},
    {"id": "truefalse", "type": "truefalse", "text": "The troika is drawn by lot.", "answer": True,
     "feedback": "LEAK-GENERAL-truefalse"},
    {"id": "matching", "type": "matching", "text": "Match each text.",
     "pairs": [{"left": "Resolution 5/1", "right": "Institution building"},
               {"left": "Resolution 16/21", "right": "Review of work"},
               {"left": "Resolution 60/251", "right": "Creation of the Council"}],
     "feedback": "LEAK-GENERAL-matching"},
    {"id": "ordering", "type": "ordering", "text": "Put the steps in order.",
     "items": ["Reports are filed", "Dialogue in Geneva", "Outcome adopted", "Follow-up"],
     "scoring": "partial", "feedback": "LEAK-GENERAL-ordering"},
    {"id": "short", "type": "short", "text": "How many members does the Council have?",
     "answers": ["zanzibar-forty-seven", "zanzibar-47"], "feedback": "LEAK-GENERAL-short"},
]


def add_questions(quiz, course, raws) -> list[Question]:
    rows = []
    for position, raw in enumerate(raws, start=100):
        ctx = BuildContext(course.slug, quiz.slug, raw["id"])
        built = build_question(raw, ctx)
        assert not ctx.problems, ctx.problems
        rows.append(Question(quiz_id=quiz.id, key=raw["id"], position=position, **built))
    db.session.add_all(rows)
    db.session.commit()
    return rows



def start(client, world_) -> int:
    response = client.post(world_.quiz_url + "/start")
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def attempt(attempt_id: int) -> QuizAttempt:
    db.session.rollback()
    return db.session.get(QuizAttempt, attempt_id, populate_existing=True)


def responses(attempt_id: int) -> list[QuestionResponse]:
    db.session.rollback()
    return list(db.session.scalars(select(QuestionResponse).where(QuestionResponse.attempt_id == attempt_id)))


def answers_for(attempt_id: int) -> list[tuple[str, str]]:
    """Form fields that answer every question of the attempt rightly."""
    row = attempt(attempt_id)
    questions = db.session.scalars(select(Question).where(Question.id.in_(row.question_ids))).all()
    fields = []
    for question in questions:
        fields += answer_fields(question, TYPES[question.type].correct_response(question.data))
    return fields


def submit(client, attempt_id: int, fields=(), *, html: str | None = None, **extra):
    html = html if html is not None else client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    data = MultiDict([("sequence", hidden(html, "sequence")), ("submit_key", hidden(html, "submit_key")),
                      *fields])
    for key, value in extra.items():
        data[key] = value
    return client.post(f"/attempts/{attempt_id}/submit", data=data)
