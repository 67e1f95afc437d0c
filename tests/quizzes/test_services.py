"""The attempt lifecycle through the services, with explicit clocks."""
import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from lms.catalog.models import Question
from lms.core.db import utcnow
from lms.core.signals import quiz_passed, quiz_submitted
from lms.extensions import db
from lms.quizzes import queries, services
from lms.quizzes.models import FINISHED, IN_PROGRESS, QuestionResponse, QuizAttempt
from lms.quizzes.types import TYPES
from tests.quizzes.helpers import answers_for

NOW = utcnow().replace(microsecond=0)


@pytest.fixture
def setup(make):
    def _setup(questions=6, **settings):
        course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
        quiz = make.quiz(course, None, slug="check", questions=questions, **settings)
        return quiz, make.user()

    return _setup


@pytest.fixture
def received():
    """The quiz signals sent during the test, as (name, attempt id)."""
    seen = []

    def on_submitted(sender, attempt, **_):
        seen.append(("submitted", attempt.id))

    def on_passed(sender, attempt, **_):
        seen.append(("passed", attempt.id))

    with quiz_submitted.connected_to(on_submitted), quiz_passed.connected_to(on_passed):
        yield seen


def submit(attempt, fields=(), *, now, key=None):
    graded = services.submit_attempt(attempt, sequence=attempt.sequence, submit_key=key or f"key-{attempt.id:012d}",
                                     form=MultiDict(list(fields)), now=now)
    db.session.commit()
    return graded


# ---- drawing and shuffling --------------------------------------------------------------

def test_same_seed_same_attempt_and_different_seeds_differ(setup):
    quiz, _user = setup(questions=12)
    pool = queries.pool(quiz.id)
    assert services.plan_attempt(pool, quiz.settings, 1234) == services.plan_attempt(pool, quiz.settings, 1234)
    plans = {repr(services.plan_attempt(pool, quiz.settings, seed)) for seed in range(8)}
    assert len(plans) == 8


def test_attempt_stores_its_order_and_two_attempts_differ(setup):
    quiz, user = setup(questions=12, max_attempts=0)
    first = services.start_attempt(user, quiz, now=NOW)
    submit(first, now=NOW + timedelta(minutes=1))
    second = services.start_attempt(user, quiz, now=NOW + timedelta(minutes=2))
    db.session.commit()
    assert sorted(first.question_ids) == sorted(second.question_ids)
    assert (first.question_ids, first.option_orders) != (second.question_ids, second.option_orders)
    assert (first.question_ids, first.option_orders) == services.plan_attempt(queries.pool(quiz.id), quiz.settings,
                                                                              first.seed)


def test_draw_takes_n_live_questions(setup):
    quiz, user = setup(questions=10, draw=4)
    archived = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id).limit(3)).all()
    for question in archived:
        question.archived = True
    db.session.commit()
    seen = set()
    for seed in range(30):
        ids, orders = services.plan_attempt(queries.pool(quiz.id), quiz.settings, seed)
        assert len(ids) == len(set(ids)) == 4 and set(orders) == {str(i) for i in ids}
        seen.update(ids)
    assert not seen & {q.id for q in archived}
    assert len(seen) == 7  # over many attempts the whole live pool is used


def test_no_shuffling_keeps_file_order(setup):
    quiz, _user = setup(questions=6, shuffle_questions=False, shuffle_options=False)
    pool = queries.pool(quiz.id)
    ids, orders = services.plan_attempt(pool, quiz.settings, 99)
    assert ids == [q.id for q in pool]
    for question in pool:
        if question.type in ("single", "multiple"):
            assert orders[str(question.id)] == [o["id"] for o in question.data["options"]]


def test_ordering_items_are_never_shown_in_the_right_order(setup):
    quiz, _user = setup(questions=3, types=["ordering"], shuffle_options=False)
    pool = queries.pool(quiz.id)
    for seed in range(200):
        _ids, orders = services.plan_attempt(pool, quiz.settings, seed)
        for question in pool:
            assert orders[str(question.id)] != [i["id"] for i in question.data["items"]]


# ---- starting ---------------------------------------------------------------------------

def test_start_resumes_the_open_attempt(setup):
    quiz, user = setup()
    first = services.start_attempt(user, quiz, now=NOW)
    db.session.commit()
    again = services.start_attempt(user, quiz, now=NOW + timedelta(minutes=5))
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_max_attempts(setup):
    quiz, user = setup(max_attempts=2)
    for n in range(2):
        submit(services.start_attempt(user, quiz, now=NOW + timedelta(minutes=n)), now=NOW + timedelta(minutes=n))
    with pytest.raises(services.QuizError) as refused:
        services.start_attempt(user, quiz, now=NOW + timedelta(hours=1))
    assert refused.value.code == 409 and "used all your attempts" in refused.value.message


def test_delay_between_attempts(setup):
    quiz, user = setup(attempt_delay_minutes=60)
    submit(services.start_attempt(user, quiz, now=NOW), now=NOW + timedelta(minutes=5))
    with pytest.raises(services.QuizError) as refused:
        services.start_attempt(user, quiz, now=NOW + timedelta(minutes=64))
    assert refused.value.code == 409 and "opens on" in refused.value.message
    later = services.start_attempt(user, quiz, now=NOW + timedelta(minutes=65))
    assert later.number == 2


def test_many_starts_in_a_short_time_are_throttled(setup):
    quiz, user = setup(max_attempts=0)
    for n in range(10):
        submit(services.start_attempt(user, quiz, now=NOW + timedelta(seconds=n)), now=NOW + timedelta(seconds=n))
    with pytest.raises(services.QuizError) as refused:
        services.start_attempt(user, quiz, now=NOW + timedelta(minutes=1))
    assert refused.value.code == 429
    assert services.start_attempt(user, quiz, now=NOW + timedelta(minutes=11)).number == 11


def test_a_quiz_without_questions_cannot_start(setup):
    quiz, user = setup(questions=0)
    with pytest.raises(services.QuizError):
        services.start_attempt(user, quiz, now=NOW)


# ---- answering and grading --------------------------------------------------------------

def test_submit_grades_and_stores_one_response_per_question(setup, received):
    quiz, user = setup(questions=6, pass_mark=50)
    attempt = services.start_attempt(user, quiz, now=NOW)
    db.session.commit()
    fields = answers_for(attempt.id)
    half = [f for f in fields if f[0].split("-")[0] in {f"q{qid}" for qid in attempt.question_ids[:3]}]
    assert submit(attempt, half, now=NOW + timedelta(minutes=3)) is True
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert attempt.state == FINISHED and attempt.finished_at == NOW + timedelta(minutes=3)
    assert attempt.points == 3.0 and attempt.max_points == 6.0 and attempt.score == 50.0 and attempt.passed
    rows = queries.responses_of(attempt.id)
    assert set(rows) == set(attempt.question_ids)
    assert sorted(r.mark for r in rows.values()) == [0, 0, 0, 1, 1, 1]
    questions = queries.questions_by_id(attempt.question_ids)
    blank = {qid for qid, r in rows.items()
             if r.response == TYPES[questions[qid].type].parse_form(questions[qid].data, MultiDict(), f"q{qid}")}
    assert blank == set(attempt.question_ids[3:])  # unanswered: stored as the empty form gives them
    assert received == [("submitted", attempt.id), ("passed", attempt.id)]


def test_failed_attempt_sends_only_submitted(setup, received):
    quiz, user = setup()
    attempt = services.start_attempt(user, quiz, now=NOW)
    submit(attempt, now=NOW)
    assert received == [("submitted", attempt.id)] and attempt.passed is False and attempt.score == 0.0


def test_save_then_stale_save_is_refused(setup):
    quiz, user = setup(types=["short"])
    attempt = services.start_attempt(user, quiz, now=NOW)
    qid = attempt.question_ids[0]
    services.save_answer(attempt, question_id=qid, sequence=0, form=MultiDict({f"q{qid}": "47"}), now=NOW)
    db.session.commit()
    with pytest.raises(services.QuizError) as refused:
        services.save_answer(attempt, question_id=qid, sequence=0, form=MultiDict({f"q{qid}": "old"}), now=NOW)
    assert refused.value.code == 409
    db.session.rollback()
    assert queries.responses_of(attempt.id)[qid].response == {"text": "47"}
    assert db.session.get(QuizAttempt, attempt.id).sequence == 1


def test_save_refuses_a_question_of_another_attempt(setup):
    quiz, user = setup()
    attempt = services.start_attempt(user, quiz, now=NOW)
    other = db.session.scalar(select(func.max(Question.id))) + 1000
    with pytest.raises(services.QuizError) as refused:
        services.save_answer(attempt, question_id=other, sequence=0, form=MultiDict(), now=NOW)
    assert refused.value.code == 400


def test_replayed_submit_is_not_graded_twice(setup):
    quiz, user = setup()
    attempt = services.start_attempt(user, quiz, now=NOW)
    db.session.commit()
    assert submit(attempt, answers_for(attempt.id), now=NOW, key="k" * 20) is True
    assert submit(attempt, (), now=NOW + timedelta(minutes=1), key="k" * 20) is False
    assert attempt.score == 100.0 and attempt.finished_at == NOW
    with pytest.raises(services.QuizError) as refused:
        submit(attempt, (), now=NOW, key="another-key-000000")
    assert refused.value.code == 409


# ---- time limits ------------------------------------------------------------------------

def test_deadline_is_stored_and_late_answers_are_not_graded(setup):
    quiz, user = setup(types=["short"], questions=2, time_limit_minutes=10)
    attempt = services.start_attempt(user, quiz, now=NOW)
    assert attempt.deadline == NOW + timedelta(minutes=10)
    first, second = attempt.question_ids
    services.save_answer(attempt, question_id=first, sequence=0, form=MultiDict({f"q{first}": "47"}),
                         now=NOW + timedelta(minutes=9))
    db.session.commit()
    with pytest.raises(services.QuizError, match="Time is up"):   # inside the grace period
        services.save_answer(attempt, question_id=second, sequence=1, form=MultiDict({f"q{second}": "47"}),
                             now=NOW + timedelta(minutes=11))
    with pytest.raises(services.TimeUp):                           # after it
        services.save_answer(attempt, question_id=second, sequence=1, form=MultiDict({f"q{second}": "47"}),
                             now=NOW + timedelta(minutes=12, seconds=1))
    db.session.commit()
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert attempt.state == FINISHED and attempt.finished_at == attempt.deadline
    assert attempt.score == 50.0
    assert queries.responses_of(attempt.id)[second].response == {}


def test_sweeper_closes_overdue_attempts_once(setup, make):
    quiz, user = setup(time_limit_minutes=5)
    overdue = services.start_attempt(user, quiz, now=NOW)
    other_user = make.user()
    running = services.start_attempt(other_user, quiz, now=NOW + timedelta(minutes=4))
    untimed_quiz, untimed_user = setup(time_limit_minutes=0)
    untimed = services.start_attempt(untimed_user, untimed_quiz, now=NOW - timedelta(days=3))
    db.session.commit()
    assert services.close_overdue(now=NOW + timedelta(minutes=6)) == 0   # the grace period runs
    assert services.close_overdue(now=NOW + timedelta(minutes=8)) == 1
    db.session.commit()
    assert services.close_overdue(now=NOW + timedelta(minutes=8)) == 0
    states = {a.id: (a.state, a.finished_at) for a in db.session.scalars(select(QuizAttempt))}
    assert states[overdue.id] == (FINISHED, NOW + timedelta(minutes=5))
    assert states[running.id][0] == states[untimed.id][0] == IN_PROGRESS
    assert db.session.scalar(select(func.count()).select_from(QuestionResponse)
                             .where(QuestionResponse.attempt_id == overdue.id)) == 6


def test_matching_answers_are_never_listed_in_the_key_order(make):
    from lms.quizzes import services as quiz_services
    from lms.quizzes.types import TYPES

    course = make.course(modules=1, lessons=1, questions=0, final=False)
    quiz = make.quiz(course, None, slug="m", questions=1, types=["matching"], shuffle_options=False)
    question = quiz.questions[0]
    key = TYPES["matching"].display_ids(question.data)
    for seed in range(20):
        order = quiz_services._display_order(question, quiz.settings, random.Random(seed))
        assert sorted(order) == sorted(key) and order != key
