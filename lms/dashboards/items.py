"""Quiz item analysis for one cohort: which attempts count, per-question numbers, option counts.

Each current learner contributes one finished attempt, chosen by `attempts` (first by
default, as Moodle's design notes recommend; or last, highest, or all attempts as separate
learners). Three queries whatever the cohort size: questions, chosen attempts, their responses.
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.catalog.models import Question, Quiz
from lms.cohorts.permissions import visible_since_joining
from lms.dashboards import languages as language_stats
from lms.dashboards import stats
from lms.extensions import db
from lms.quizzes.models import FINISHED, QuestionResponse, QuizAttempt
from lms.quizzes.types import plain

ATTEMPT_CHOICES = {"first": _l("First attempts"), "last": _l("Last attempts"),
                   "highest": _l("Highest-scoring attempts"), "all": _l("All attempts")}
CHOICE_TYPES = ("single", "multiple", "truefalse")


@dataclass
class OptionCount:
    label: str
    correct: bool
    count: int
    share: float          # of the attempts that saw the question, 0..1


@dataclass
class ItemRow:
    question: Question
    stats: stats.ItemStats
    options: list[OptionCount] = field(default_factory=list)
    marks: dict = field(default_factory=dict)    # right / partly / wrong counts, for other types
    languages: language_stats.LanguageComparison | None = None   # when taken in several languages


@dataclass
class ItemAnalysis:
    quiz: Quiz
    attempts: int
    average: float | None     # mean total as a percent of the marks available
    rows: list[ItemRow]
    drawn: bool


def _chosen_attempts(cohort_id: int, quiz_id: int, mode: str):
    order = {"first": [QuizAttempt.number], "last": [QuizAttempt.number.desc()],
             "highest": [func.coalesce(QuizAttempt.score, 0).desc(), QuizAttempt.number]}.get(mode)
    ranked = select(QuizAttempt.id, QuizAttempt.question_ids, QuizAttempt.language,
                    func.row_number().over(partition_by=QuizAttempt.user_id,
                                           order_by=order or [QuizAttempt.number]).label("rank")) \
        .where(QuizAttempt.quiz_id == quiz_id, QuizAttempt.state == FINISHED,
               visible_since_joining(cohort_id, QuizAttempt.user_id, QuizAttempt.started_at)).subquery()
    columns = (ranked.c.id, ranked.c.question_ids, ranked.c.language)
    return select(*columns).where(ranked.c.rank == 1) if order else select(*columns)


def is_drawn(quiz: Quiz, question_count: int) -> bool:
    draw = (quiz.settings or {}).get("draw") or 0
    return 0 < draw < question_count


def analyse_quiz(cohort, quiz: Quiz, mode: str = "first") -> ItemAnalysis:
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id, Question.archived.is_(False))
                                   .order_by(Question.position, Question.id)).all()
    chosen = _chosen_attempts(cohort.id, quiz.id, mode).subquery()
    chosen_rows = db.session.execute(select(chosen)).all()
    attempts = {row.id: row.question_ids or [] for row in chosen_rows}
    spoken = {row.id: row.language for row in chosen_rows}
    responses = db.session.execute(
        select(QuestionResponse.attempt_id, QuestionResponse.question_id, QuestionResponse.response,
               QuestionResponse.mark).join(chosen, chosen.c.id == QuestionResponse.attempt_id)).all()
    marks: dict[int, dict[int, float]] = {aid: {int(q): 0.0 for q in qids} for aid, qids in attempts.items()}
    answers: dict[int, list[dict]] = {}
    for attempt_id, question_id, response, mark in responses:
        marks[attempt_id][question_id] = float(mark or 0.0)
        answers.setdefault(question_id, []).append(response or {})
    live = {q.id for q in questions}
    analysed = stats.analyse([{q: m for q, m in per.items() if q in live} for per in marks.values()],
                             drawn=is_drawn(quiz, len(questions)))
    by_language = language_stats.compare(marks, spoken, is_drawn(quiz, len(questions)), live)
    rows = []
    empty = stats.item_stats([], [])
    for question in questions:
        item = analysed.get(question.id, empty)
        row = ItemRow(question, item, languages=by_language.get(question.id))
        if question.type in CHOICE_TYPES:
            row.options = option_counts(question, answers.get(question.id, []), item.attempts)
        else:
            row.marks = _mark_bands([m[question.id] for m in marks.values() if question.id in m])
        rows.append(row)
    totals = [sum(per.values()) / len(per) for per in marks.values() if per]
    average = 100 * sum(totals) / len(totals) if totals else None
    return ItemAnalysis(quiz, len(attempts), average, rows, is_drawn(quiz, len(questions)))


def option_counts(question: Question, responses: list[dict], seen: int) -> list[OptionCount]:
    """How many analysed attempts chose each option (a multiple-response choice counts each tick)."""
    if question.type == "truefalse":
        right = "true" if question.data.get("answer") else "false"
        options = [("true", str(_l("True")), right == "true"), ("false", str(_l("False")), right == "false")]
    else:
        options = [(o["id"], plain(o["html"]), o.get("fraction", 0) > 0) for o in question.data.get("options", [])]
    counts = dict.fromkeys((key for key, _, _ in options), 0)
    for response in responses:
        picked = response.get("choices") if question.type == "multiple" else [response.get("choice")]
        for key in set(picked or []):
            if key in counts:
                counts[key] += 1
    return [OptionCount(label, correct, counts[key], counts[key] / seen if seen else 0.0)
            for key, label, correct in options]


def _mark_bands(values: list[float]) -> dict:
    return {"right": sum(1 for v in values if v >= 1.0), "partly": sum(1 for v in values if 0 < v < 1.0),
            "wrong": sum(1 for v in values if v <= 0)}

