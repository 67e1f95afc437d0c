"""Keyboard users keep their place through the remaining htmx swaps (test_focus.py has the lesson
toggle, the badge privacy toggle and the matrix sort and pager): the searches that update a list
as one types (focus stays in the box), filter links and pagers (focus on the same link, or on the
list's heading when that link is gone), the matrix filters and module drill-down, the verify
page's e-mail check and the quiz's autosave. Each time the polite live region says what changed,
except where the swapped region is a live region itself."""
import re

import pytest
from sqlalchemy import select

from lms.badges import services as badges
from lms.badges.codes import display
from lms.catalog.models import Question, Quiz
from lms.extensions import db
from lms.learning.models import Enrollment
from tests.browser.test_badges import _completed_course
from tests.browser.test_focus import _focused_name, _log_in, _press_enter, _watch
from tests.dashboards.conftest import Dash

pytestmark = pytest.mark.browser


def _announced(page, act) -> str:
    """Run `act` (keys pressed) and wait until the live region speaks; return what it said."""
    page.evaluate("document.getElementById('swap-announcer').textContent = ''")
    act()
    page.wait_for_function("() => document.getElementById('swap-announcer').textContent !== ''")
    return page.locator("#swap-announcer").inner_text()


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def _cohort(make, learners=(), count=0):
    dash = Dash(make)
    course = make.course(modules=2, lessons=1, questions=0, final=False)
    facilitator = make.user(role="facilitator", name="Fatou Facilitator")
    cohort = dash.cohort(course, facilitator=facilitator, learners=count)
    for name in learners:
        dash.learner(cohort, name=name)
    return cohort, facilitator


def test_member_search_and_filters_keep_focus(page, live_server, make):
    errors = _watch(page)
    cohort, facilitator = _cohort(make, ["Amina Diallo", "Carlos Pérez"])
    _log_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/members")

    page.get_by_label("Search by name or e-mail").focus()
    said = _announced(page, lambda: page.keyboard.type("amina"))
    page.wait_for_url("**q=amina**")
    assert _focused_id(page) == "member-search"                       # still typing in the box
    assert said == "Learners. 1 result for “amina”"
    assert page.locator("#members tbody tr").count() == 1

    said = _press_enter(page, page.locator("#members").get_by_role("link", name="All (2)"), "members")
    page.wait_for_url("**state=all**")
    assert _focused_name(page) == "All (2)" and said == "Learners. 1 result for “amina”"

    page.get_by_label("Search by name or e-mail").focus()
    said = _announced(page, lambda: page.keyboard.type("zz"))
    assert _focused_id(page) == "member-search" and said == "Learners. No learner matches “aminazz”."
    assert errors == [], errors


def test_member_pager_moves_focus_to_the_list_heading(page, live_server, make):
    errors = _watch(page)
    cohort, facilitator = _cohort(make, count=51)
    _log_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/members")
    next_link = page.locator("#members").get_by_role("link", name="Next")
    said = _announced(page, lambda: (next_link.focus(), page.keyboard.press("Enter")))
    page.wait_for_url("**page=2**")
    # The last page has no Next link: focus goes to the heading of the list, just above it.
    assert _focused_id(page) == "learners-heading" and said == "Learners. In the cohort (51)"
    page.keyboard.press("Tab")
    assert _focused_id(page) == "member-search"
    assert errors == [], errors


def test_admin_user_search_and_role_filter_keep_focus(page, live_server, make):
    errors = _watch(page)
    admin = make.user(role="admin", name="Ada Admin")
    make.user(name="Kwame Mensah")
    make.user(role="facilitator", name="Fatou Facilitator")
    _log_in(page, live_server.url, admin)
    page.goto(live_server.url + "/admin/users")

    page.get_by_label("Search by name or e-mail").focus()
    said = _announced(page, lambda: page.keyboard.type("kwame"))
    page.wait_for_url("**q=kwame**")
    assert _focused_id(page) == "user-search" and said == "1 user"

    page.get_by_label("Search by name or e-mail").fill("")
    role = page.get_by_label("Role", exact=True)
    role.focus()
    said = _announced(page, lambda: role.select_option("facilitator"))
    page.wait_for_url("**role=facilitator**")
    assert _focused_id(page) == "role-filter" and said == "1 user"
    assert page.locator("#users tbody tr").count() == 1
    assert errors == [], errors


def test_award_search_announces_the_awards_found(page, live_server, make):
    errors = _watch(page)
    _completed_course(make)
    admin = make.user(role="admin", name="Ada Admin")
    _log_in(page, live_server.url, admin)
    page.goto(live_server.url + "/admin/badges")
    box = page.get_by_label("Find by learner, e-mail, course or code")
    box.focus()
    said = _announced(page, lambda: page.keyboard.type("nobody-like-this"))
    assert _focused_id(page) == "award-search" and said == "Awards. 0 awards"
    said = _announced(page, lambda: (page.keyboard.press("Control+A"), page.keyboard.type("amelie")))
    assert _focused_id(page) == "award-search" and said == "Awards. 1 award"
    assert errors == [], errors


def test_catalogue_filters_keep_focus_on_the_control(page, live_server, make):
    errors = _watch(page)
    make.course(audiences=("sur",))
    make.course(audiences=("cso",))
    page.goto(live_server.url + "/")
    audience = page.locator("main").get_by_label("For")
    audience.focus()
    said = _announced(page, lambda: page.keyboard.press("ArrowDown"))    # the next audience, at once
    assert _focused_name(page) and page.evaluate("document.activeElement.tagName") == "SELECT"
    assert re.match(r"Courses\. \d+ courses? · Show all courses$", said), said
    assert errors == [], errors


def test_verify_email_check_keeps_focus_and_says_the_result(page, live_server, make):
    errors = _watch(page)
    learner, course = _completed_course(make)
    award = badges.find_award(learner.id, badges.ensure_badge_class(course).id)
    page.goto(f"{live_server.url}/verify/{display(award.short_code)}")
    box = page.get_by_label("E-mail address", exact=True)
    box.fill("amelie@example.org")
    box.focus()
    said = _announced(page, lambda: page.keyboard.press("Enter"))
    page.locator(".match-yes").wait_for()
    assert page.evaluate("document.activeElement.type") == "email"      # the box, back in the new result
    assert said.endswith("Match: this badge was issued to that e-mail address."), said
    assert errors == [], errors


def test_matrix_filters_and_module_drill_down_move_focus(page, live_server, make):
    errors = _watch(page)
    cohort, facilitator = _cohort(make, ["Amina Diallo", "Carlos Pérez"])
    _log_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/cohorts/{cohort.id}/matrix")

    page.get_by_label("Name or e-mail").fill("carlos")
    said = _press_enter(page, page.get_by_role("button", name="Apply"), "matrix")
    page.wait_for_url("**q=carlos**")
    assert _focused_name(page) == "Apply" and said == "Learners 1–1 of 1"

    drill = page.locator("#matrix thead a.drill").first
    said = _press_enter(page, drill, "matrix")
    page.wait_for_url("**module=module-1**")
    # The Lessons link is gone in the module's view: focus is on the view's heading.
    assert page.evaluate("document.activeElement.tagName") == "H2"
    assert _focused_name(page) == "Module: Module 1" and said == "Module: Module 1. Learners 1–1 of 1"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Progress matrix"

    said = _press_enter(page, page.get_by_role("link", name="All modules"), "matrix")
    page.wait_for_url(lambda url: "module=" not in url)
    assert _focused_id(page) == "matrix" and said == "Learners 1–1 of 1"
    assert errors == [], errors


def test_quiz_autosave_leaves_focus_on_the_answer(page, live_server, make):
    errors = _watch(page)
    course = make.course(modules=1, lessons=1, questions=0, final=False, navigation="free")
    quiz = make.quiz(course, None, slug="keys", questions=1, types=["single"], shuffle_options=False)
    learner = make.user(name="Kofi Keyboard")
    db.session.add(Enrollment(user_id=learner.id, course_id=course.id, source="self"))
    db.session.commit()
    question = db.session.scalar(select(Question).join(Quiz).where(Quiz.id == quiz.id))
    _log_in(page, live_server.url, learner)
    page.goto(f"{live_server.url}/courses/{course.slug}/quizzes/{quiz.slug}")
    page.get_by_role("button", name="Start the quiz").click()
    first = page.locator(".quiz-options input[type=radio]").first
    first.focus()
    page.evaluate("document.getElementById('swap-announcer').textContent = ''")
    page.keyboard.press("Space")
    saved = page.locator(f"#saved-{question.id}")
    saved.get_by_text("Saved").wait_for()
    assert saved.get_attribute("role") == "status"                       # it speaks for itself
    assert page.evaluate("document.activeElement.checked") is True
    assert page.evaluate("document.activeElement.type") == "radio"
    page.wait_for_timeout(300)
    assert page.locator("#swap-announcer").inner_text() == ""             # said once, not twice
    assert errors == [], errors
