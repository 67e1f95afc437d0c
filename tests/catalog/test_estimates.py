"""The one time rule: lessons' minutes, a minute per question shown, capped by a time limit."""
import pytest

from lms.catalog import estimates
from lms.learning.state import DONE, Item


@pytest.mark.parametrize("settings, questions, minutes", [
    ({"draw": 0, "time_limit_minutes": 0}, 12, 12),     # every question is shown
    ({"draw": 5, "time_limit_minutes": 0}, 30, 5),      # a pool: only the drawn ones count
    ({"draw": 12, "time_limit_minutes": 10}, 30, 10),   # the time limit is shorter
    ({"draw": 0, "time_limit_minutes": 45}, 12, 12),    # a generous limit changes nothing
    ({"draw": 40}, 30, 30),                             # never more than the pool holds
    (None, 6, 6),
])
def test_a_quiz_takes_a_minute_per_question_shown_or_its_shorter_time_limit(settings, questions, minutes):
    assert estimates.quiz_minutes(settings, questions) == minutes


def test_a_course_is_its_lessons_plus_its_module_quizzes_plus_its_final():
    lessons = [6, 7, 8]
    quizzes = [({"draw": 0}, 12), ({"draw": 0}, 13), ({"draw": 12, "time_limit_minutes": 30}, 33)]
    assert estimates.course_minutes(lessons, quizzes) == 21 + 12 + 13 + 12


def test_minutes_left_counts_every_item_not_done():
    items = [Item("lesson", 1, "a", "A", minutes=6, state=DONE), Item("lesson", 2, "b", "B", minutes=7),
             Item("quiz", 3, "q", "Q", minutes=12), Item("quiz", 4, "f", "F", minutes=10, state=DONE)]
    assert estimates.minutes_left(items) == 7 + 12
