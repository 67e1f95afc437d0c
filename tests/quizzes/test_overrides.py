"""Per-learner quiz overrides: a facilitator gives one learner extra attempts or extra time at a
quiz from the drill-down, and every limit of the quiz then follows it."""
import secrets
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from sqlalchemy import func, select

from lms.catalog.models import Module, Quiz
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.core.db import utcnow
from lms.core.models import AuditEvent
from lms.extensions import db
from lms.quizzes import overrides
from lms.quizzes.models import FINISHED, IN_PROGRESS, QuizOverride
from tests.quizzes import helpers as h

REASON = "Ill during the first week of the course"


def _cohort(make, course, *members):
    cohort = Cohort(name=f"Cohort {secrets.token_hex(3)}", join_code=secrets.token_hex(8))
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortCourse(cohort_id=cohort.id, course_id=course.id))
    for user, role in members:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, role=role))
    db.session.commit()
    return cohort


@pytest.fixture
def setup(world, make, login, app):
    """setup(**settings): the quiz world, plus a cohort on its course with the learner in it and a
    facilitator logged in on `w.fac`."""

    def _setup(rich=False, **settings):
        w = world(types=["short"], questions=2, rich=rich, **settings)
        w.facilitator = make.user(role="facilitator", name="Amina Facilitator")
        w.cohort = _cohort(make, w.course, (w.facilitator, "facilitator"), (w.learner, "learner"))
        w.fac = login(w.facilitator, c=app.test_client())
        w.drill = f"/cohorts/{w.cohort.id}/learners/{w.learner.id}"
        w.override_url = f"{w.drill}/quizzes/{w.quiz.id}/override"
        return w

    return _setup


def grant(w, attempts=0, minutes=0, reason=REASON, client=None, url=None, **extra):
    prefix = f"override-{w.quiz.id}-"
    data = {prefix + "extra_attempts": attempts, prefix + "extra_minutes": minutes, prefix + "reason": reason,
            prefix + "save": "1"}
    data.update({prefix + k: v for k, v in extra.items()})
    return (client or w.fac).post(url or w.override_url, data=data)


def fail_attempt(w) -> int:
    attempt_id = h.start(w.client, w)
    assert h.submit(w.client, attempt_id, []).status_code == 303
    return attempt_id


def stored_override(w):
    db.session.rollback()
    return overrides.override_for(w.learner.id, w.quiz.id)


def audit_events(action):
    db.session.rollback()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


# ---- extra attempts ----------------------------------------------------------------------

def test_an_extra_attempt_allows_exactly_one_more(setup):
    w = setup(max_attempts=2)
    fail_attempt(w)
    fail_attempt(w)
    refused = w.client.post(w.quiz_url + "/start")
    assert refused.status_code == 409 and "used all your attempts" in refused.get_data(as_text=True)
    assert "used all your attempts" in w.client.get(w.quiz_url).get_data(as_text=True)

    response = grant(w, attempts=1)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#override-{w.quiz.id}")
    page = w.client.get(w.quiz_url).get_data(as_text=True)
    assert "Your facilitator gave you 1 more attempt." in page
    assert "Attempts: 2 used, 1 left." in page and "Start a new attempt" in page

    third = h.start(w.client, w)
    assert h.submit(w.client, third, h.answers_for(third)).status_code == 303
    assert h.attempt(third).state == FINISHED and h.attempt(third).number == 3
    refused = w.client.post(w.quiz_url + "/start")
    assert refused.status_code == 409 and "used all your attempts" in refused.get_data(as_text=True)
    assert "Attempts: 3 used, 0 left." in w.client.get(w.quiz_url).get_data(as_text=True)


def test_the_right_answers_wait_for_the_last_attempt_the_override_allows(setup, make):
    w = setup(rich=True, max_attempts=2)
    first = fail_attempt(w)
    grant(w, attempts=1)
    second = fail_attempt(w)
    review = w.client.get(f"/attempts/{second}/review").get_data(as_text=True)
    assert "once you pass or have used your last attempt" in review      # one attempt is still left
    third = fail_attempt(w)
    for attempt_id in (first, third):
        review = w.client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
        assert "(a right answer)" in review


def test_practice_keeps_the_key_hidden_while_an_extra_attempt_is_left(make, enrol, login, client, app):
    course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    quiz = make.quiz(course, module, questions=3, types=["single"], max_attempts=1)
    learner, facilitator = make.user(), make.user(role="facilitator")
    enrol(learner, course)
    cohort = _cohort(make, course, (facilitator, "facilitator"), (learner, "learner"))
    login(learner)
    w = SimpleNamespace(quiz_url=f"/courses/{course.slug}/quizzes/{quiz.slug}", client=client, quiz=quiz)
    fail_attempt(w)
    hidden_key = "Practice shows the right answers once you pass the quiz or have used your last attempt"
    assert hidden_key not in client.get(w.quiz_url + "/practice").get_data(as_text=True)
    w.fac = login(facilitator, c=app.test_client())
    assert grant(w, attempts=1, url=f"/cohorts/{cohort.id}/learners/{learner.id}/quizzes/{quiz.id}/override") \
        .status_code == 303
    assert hidden_key in client.get(w.quiz_url + "/practice").get_data(as_text=True)


# ---- extra time --------------------------------------------------------------------------

def test_extra_time_lengthens_a_new_attempt_and_a_late_sheet_within_it_is_marked(setup):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = setup(time_limit_minutes=10)
        assert grant(w, minutes=15).status_code == 303
        page = w.client.get(w.quiz_url).get_data(as_text=True)
        assert "Your facilitator gave you 15 more minutes for each attempt." in page and "25 minutes" in page
        attempt_id = h.start(w.client, w)
        assert h.attempt(attempt_id).deadline == start + timedelta(minutes=25)
        answers = h.answers_for(attempt_id)
        page = w.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
        assert 'data-remaining="1500"' in page
        clock.move_to(start + timedelta(minutes=20))    # past the quiz's 10 minutes and its grace
        assert h.submit(w.client, attempt_id, answers, html=page).status_code == 303
    attempt = h.attempt(attempt_id)
    assert attempt.state == FINISHED and attempt.score == 100.0
    assert attempt.finished_at == start + timedelta(minutes=20)


def test_extra_time_given_during_an_attempt_extends_it_and_the_sweeper_respects_it(setup, runner):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = setup(time_limit_minutes=10)
        attempt_id = h.start(w.client, w)
        assert h.attempt(attempt_id).deadline == start + timedelta(minutes=10)
        clock.move_to(start + timedelta(minutes=5))
        assert grant(w, minutes=15).status_code == 303
        assert h.attempt(attempt_id).deadline == start + timedelta(minutes=25)
        [event] = audit_events("quiz.override_granted")
        assert event.data["attempt_deadline"] == (start + timedelta(minutes=25)).isoformat()

        clock.move_to(start + timedelta(minutes=13))    # the quiz's own deadline and grace are over
        assert runner.invoke(args=["quizzes", "close-overdue"]).output.strip() == "Closed 0 overdue attempts."
        assert h.attempt(attempt_id).state == IN_PROGRESS
        assert "Submit it by" in w.client.get(w.quiz_url).get_data(as_text=True)

        # Less time later does not cut the running attempt short; it applies to the next one.
        assert grant(w, minutes=5).status_code == 303
        assert h.attempt(attempt_id).deadline == start + timedelta(minutes=25)

        clock.move_to(start + timedelta(minutes=28))
        assert runner.invoke(args=["quizzes", "close-overdue"]).output.strip() == "Closed 1 overdue attempt."
    attempt = h.attempt(attempt_id)
    assert attempt.state == FINISHED and attempt.finished_at == start + timedelta(minutes=25)


def test_extra_time_does_not_revive_an_attempt_whose_time_is_over(setup):
    start = utcnow().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        w = setup(time_limit_minutes=10)
        attempt_id = h.start(w.client, w)
        clock.move_to(start + timedelta(minutes=13))
        assert grant(w, minutes=15).status_code == 303
        assert h.attempt(attempt_id).deadline == start + timedelta(minutes=10)
        w.client.get(f"/attempts/{attempt_id}")
    assert h.attempt(attempt_id).state == FINISHED


# ---- the drill-down, the audit log, clearing -----------------------------------------------

def test_the_override_shows_in_the_drill_down_and_the_audit_log(setup):
    w = setup(max_attempts=2, time_limit_minutes=10)
    page = w.fac.get(w.drill).get_data(as_text=True)
    assert "Extra attempts and time" in page and "Give extra attempts or time" in page
    assert "2 attempts allowed" in page and "10 minutes per attempt" in page
    assert grant(w, attempts=2, minutes=15).status_code == 303
    page = w.fac.get(w.drill).get_data(as_text=True)
    assert "2 extra attempts, 15 extra minutes, by Amina Facilitator on" in page and REASON in page
    assert "Remove the exception" in page
    row = stored_override(w)
    assert (row.extra_attempts, row.extra_minutes, row.cohort_id, row.granted_by_id) == \
        (2, 15, w.cohort.id, w.facilitator.id)
    [event] = audit_events("quiz.override_granted")
    assert event.actor_id == w.facilitator.id and event.subject_id == w.learner.id
    assert event.target_type == "quiz" and event.target_id == w.quiz.id
    assert event.data["before"] is None
    assert event.data["after"] == {"extra_attempts": 2, "extra_minutes": 15, "reason": REASON}

    assert grant(w, attempts=1, reason="One is enough").status_code == 303
    changed = audit_events("quiz.override_granted")[-1]
    assert changed.data["before"]["extra_attempts"] == 2 and changed.data["after"]["extra_minutes"] == 0
    assert db.session.scalar(select(func.count()).select_from(QuizOverride)) == 1


def test_clearing_restores_the_quizs_limit(setup):
    w = setup(max_attempts=1)
    fail_attempt(w)
    grant(w, attempts=1)
    assert "1 left" in w.client.get(w.quiz_url).get_data(as_text=True)
    response = grant(w, clear="1", reason="")
    assert response.status_code == 303
    assert stored_override(w) is None
    [event] = audit_events("quiz.override_cleared")
    assert event.subject_id == w.learner.id and event.data["before"]["extra_attempts"] == 1
    assert event.data["after"] is None
    page = w.client.get(w.quiz_url).get_data(as_text=True)
    assert "Your facilitator gave you" not in page and "used all your attempts" in page
    assert w.client.post(w.quiz_url + "/start").status_code == 409


def test_zero_and_zero_clears_it_too(setup):
    w = setup(max_attempts=1)
    grant(w, attempts=3)
    assert grant(w, attempts=0, minutes=0).status_code == 303
    assert stored_override(w) is None and len(audit_events("quiz.override_cleared")) == 1


@pytest.mark.parametrize("fields, message", [
    ({"attempts": 11}, "from 0 to 10"),
    ({"attempts": -1}, "from 0 to 10"),
    ({"attempts": "two"}, "Not a valid integer value"),
    ({"minutes": 601}, "from 0 to 600"),
    ({"attempts": 1, "reason": ""}, "Say why this learner gets an exception"),
    ({"attempts": 1, "reason": "  "}, "Say why this learner gets an exception"),
    ({"attempts": 1, "reason": "x" * 501}, "to 500 characters"),
])
def test_bad_values_are_a_400_form_error_and_nothing_is_written(setup, fields, message):
    w = setup(max_attempts=2, time_limit_minutes=10)
    response = grant(w, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert stored_override(w) is None and audit_events("quiz.override_granted") == []


def test_what_the_quiz_does_not_limit_cannot_be_extended(setup):
    w = setup(max_attempts=0, time_limit_minutes=0)
    assert "limits neither attempts nor time" in w.fac.get(w.drill).get_data(as_text=True)
    response = grant(w, attempts=1, minutes=5)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "allows unlimited attempts" in page and "has no time limit" in page
    assert stored_override(w) is None


# ---- who may ---------------------------------------------------------------------------

def test_only_a_facilitator_of_the_learners_cohort_or_an_admin_may(setup, make, login, app):
    w = setup(max_attempts=1)
    other_facilitator, outsider = make.user(role="facilitator"), make.user()
    other = _cohort(make, w.course, (other_facilitator, "facilitator"), (outsider, "learner"))
    theirs = login(other_facilitator, c=app.test_client())
    assert grant(w, attempts=1, client=theirs).status_code == 403
    # Through their own cohort, the learner (not a member there) is not found.
    assert grant(w, attempts=1, client=theirs,
                 url=f"/cohorts/{other.id}/learners/{w.learner.id}/quizzes/{w.quiz.id}/override").status_code == 404
    # The facilitator of the learner's cohort cannot reach a learner of another cohort either.
    assert grant(w, attempts=1, url=f"/cohorts/{w.cohort.id}/learners/{outsider.id}/quizzes/{w.quiz.id}/override") \
        .status_code == 404
    # The learner cannot give themselves an extra attempt.
    assert grant(w, attempts=1, client=w.client).status_code == 403
    assert stored_override(w) is None

    admin = login(make.user(role="admin"), c=app.test_client())
    assert grant(w, attempts=1, client=admin).status_code == 303
    assert stored_override(w).granted_by_id != w.facilitator.id


def test_a_quiz_outside_the_cohorts_courses_is_not_found(setup, make):
    w = setup(max_attempts=1)
    elsewhere = make.course(modules=1, lessons=1, final=True)
    final = db.session.scalar(select(Quiz).where(Quiz.course_id == elsewhere.id, Quiz.kind == "final"))
    response = grant(w, attempts=1, url=f"{w.drill}/quizzes/{final.id}/override")
    assert response.status_code == 404
    assert grant(w, attempts=1, url=f"{w.drill}/quizzes/999999/override").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(QuizOverride)) == 0


def test_a_removed_learner_can_no_longer_be_given_an_override(setup):
    w = setup(max_attempts=1)
    member = db.session.scalar(select(CohortMember).where(CohortMember.user_id == w.learner.id))
    member.removed_at = utcnow()
    db.session.commit()
    assert grant(w, attempts=1).status_code == 404


# ---- query counts ----------------------------------------------------------------------

def test_quiz_pages_cost_the_same_with_an_override(setup, count_queries):
    w = setup(max_attempts=3, time_limit_minutes=10)
    attempt_id = fail_attempt(w)
    paths = (w.quiz_url, f"/attempts/{attempt_id}/result", f"/attempts/{attempt_id}/review")

    def counts():
        found = []
        for path in paths:
            with count_queries() as counter:
                assert w.client.get(path).status_code == 200
            found.append(counter.count)
        return found

    before = counts()
    grant(w, attempts=1, minutes=5)
    assert counts() == before
