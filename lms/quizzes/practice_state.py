"""Practice rounds: a module quiz's questions one at a time, marked at once, never graded.

A round lives only in the learner's signed session cookie (`Round`), never in the database,
so practice cannot reach attempts, dashboards, item analysis or course completion. The cookie
stays small: question ids, a position, a right count, a seed and the last answer.

Practice follows the graded quiz's disclosure rules: the right answers only when the quiz's
review would show them (`rules.answers_visible`); feedback per the quiz's feedback policy, where
each practice answer counts as "an attempt"; never while a graded attempt is open.
"""
import secrets
from dataclasses import dataclass
from types import SimpleNamespace

from flask_babel import gettext as _

from lms.catalog.models import Lesson, Question, Quiz
from lms.quizzes import display, rules
from lms.quizzes.queries import lessons_by_id
from lms.quizzes.services import plan_attempt
from lms.quizzes.types import TYPES, grade

KEY = "quiz_practice"
# However large the pool, a round asks at most this many questions (a random subset): the
# round must fit in the session cookie next to the login.
MAX_QUESTIONS = 40
# A short answer shown back in the feedback; longer text is still marked in full.
MAX_SHOWN_TEXT = 200
LARGEST = 2**31 - 1


@dataclass
class Round:
    quiz_id: int
    ids: list[int]
    seed: int
    position: int = 0               # index into ids; == len(ids) once the round is over
    right: int = 0                  # questions right at the first try
    answer: dict | None = None      # the last answer to the current question, once checked
    mark: float | None = None
    checked: bool = False           # the answer was checked and its feedback is showing

    @property
    def finished(self) -> bool:
        return self.position >= len(self.ids)

    @property
    def question_id(self) -> int | None:
        return None if self.finished else self.ids[self.position]

    def dump(self) -> dict:
        return {"q": self.quiz_id, "ids": self.ids, "s": self.seed, "p": self.position,
                "r": self.right, "a": self.answer, "m": self.mark, "c": self.checked}


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def load(stored, quiz_id: int, pool_ids: set[int]) -> Round | None:
    """The session's round for this quiz, or None when there is none or it no longer fits the
    quiz (another quiz's round, questions since archived, a malformed or outdated cookie)."""
    if not isinstance(stored, dict) or stored.get("q") != quiz_id:
        return None
    ids, position, right = stored.get("ids"), stored.get("p"), stored.get("r")
    if (not isinstance(ids, list) or not ids or len(ids) > MAX_QUESTIONS or len(set(ids)) != len(ids)
            or not all(_whole(i, 1, LARGEST) and i in pool_ids for i in ids)
            or not _whole(position, 0, len(ids)) or not _whole(right, 0, min(position + 1, len(ids)))
            or not _whole(stored.get("s"), 0, LARGEST)):
        return None
    answer, mark, checked = stored.get("a"), stored.get("m"), stored.get("c")
    if answer is not None and not (isinstance(answer, dict) and isinstance(mark, int | float)
                                   and not isinstance(mark, bool) and 0 <= mark <= 1):
        return None
    if not isinstance(checked, bool) or (checked and answer is None):
        return None
    return Round(quiz_id, ids, stored["s"], position, right, answer,
                 float(mark) if answer is not None else None, checked)


def new_round(quiz: Quiz, pool: list[Question], seed: int | None = None) -> Round:
    """The pool in a fresh order (unless the quiz keeps its questions in file order)."""
    seed = secrets.randbelow(LARGEST) if seed is None else seed
    settings = {**(quiz.settings or {}), "draw": min(len(pool), MAX_QUESTIONS)}
    ids, _orders = plan_attempt(pool, settings, seed)
    return Round(quiz.id, ids, seed)


def option_order(rnd: Round, question: Question, settings: dict) -> list[str]:
    """The question's options in this round's order, the same on the form and in the feedback."""
    _ids, orders = plan_attempt([question], {**settings, "draw": 0}, rnd.seed ^ question.id)
    return orders[str(question.id)]


def check(rnd: Round, question: Question, form) -> bool:
    """Mark the posted answer to the current question; False (nothing changes) when it is blank."""
    response = TYPES[question.type].parse_form(question.data or {}, form, f"q{question.id}")
    if not display.answered(question.type, response):
        return False
    mark = grade(question.type, question.data or {}, response)
    if rnd.answer is None and mark >= 1:
        rnd.right += 1  # only a first try counts: a retry after "wrong" is practice, not a score
    if "text" in response:
        response = {**response, "text": response["text"][:MAX_SHOWN_TEXT]}
    rnd.answer, rnd.mark, rnd.checked = response, mark, True
    return True


def retry(rnd: Round) -> None:
    """Back to the question's form, the last answer filled in to change."""
    if rnd.checked and (rnd.mark or 0) < 1:
        rnd.checked = False


def advance(rnd: Round) -> None:
    if rnd.checked:
        rnd.position += 1
        rnd.answer, rnd.mark, rnd.checked = None, None, False


# ---- what the page shows ---------------------------------------------------------------

@dataclass
class Disclosure:
    """What the graded quiz's rules let practice show to this learner now."""

    answers: bool
    feedback: bool
    notice: str | None = None       # why right answers (or feedback) are not shown


def disclosure(settings: dict, attempts) -> Disclosure:
    answers = rules.answers_visible(settings, attempts)
    feedback = (settings.get("feedback", "after_each_attempt") == "after_each_attempt"
                or rules.feedback_visible(settings, attempts))
    return Disclosure(answers, feedback, None if answers else _key_notice(settings, feedback))


def _key_notice(settings: dict, feedback: bool) -> str:
    policy = settings.get("feedback", "after_each_attempt")
    if policy == "never" or not settings.get("review_shows_answers", True):
        text = _("This quiz does not show its right answers, in practice either.")
    elif settings.get("answers_after") == "each_attempt" and policy == "after_each_attempt":
        text = _("Practice shows the right answers once you have finished an attempt at the quiz.")
    else:
        text = _("Practice shows the right answers once you pass the quiz or have used your last "
                 "attempt, so that the quiz still tests what you know.")
    if not feedback:
        text += " " + {"after_passing": _("Feedback on each question is shown once you pass."),
                       "after_last_attempt": _("Feedback on each question is shown after your last attempt."),
                       }.get(policy, _("This quiz does not show feedback on its questions."))
    return text + " " + _("If an answer is not right, try again.")


@dataclass
class Step:
    """The current question of a round: its form, or the feedback on the answer just checked."""

    number: int
    total: int
    form: display.QuestionView | None = None
    review: display.ReviewItem | None = None
    verdict: str = ""               # right | partly | wrong
    lesson: Lesson | None = None    # the lesson that teaches this question
    can_retry: bool = False
    last: bool = False


def step(rnd: Round, question: Question, quiz: Quiz, seen: Disclosure, shown_in: str) -> Step:
    settings = quiz.settings or {}
    order = option_order(rnd, question, settings)
    here = Step(number=rnd.position + 1, total=len(rnd.ids), last=rnd.position + 1 == len(rnd.ids))
    if not rnd.checked:
        here.form = display.question_view(question, here.number, order, rnd.answer, shown_in)
        return here
    mark = rnd.mark or 0.0
    here.review = display.review_item(question, here.number, order,
                                      SimpleNamespace(response=rnd.answer, mark=mark),
                                      marks=seen.feedback, answers=seen.answers, locale=shown_in)
    here.verdict = "right" if mark >= 1 else "partly" if mark > 0 else "wrong"
    here.can_retry = mark < 1 and not seen.answers
    here.review.lesson = here.lesson = lesson_of(question, quiz.course_id)
    return here


def lesson_of(question: Question, course_id: int) -> Lesson | None:
    """The live lesson of this course that teaches the question, when the quiz file names one."""
    lesson = lessons_by_id([question.lesson_id]).get(question.lesson_id)
    return lesson if lesson is not None and lesson.course_id == course_id else None
