"""Moodle's item statistics on a small example worked out by hand.

Five learners, first attempts, four questions each worth 1 mark:

    learner   q1 q2 q3 q4   X (total)
    L1         1  1  1  1   4
    L2         1  1  0  1   3
    L3         1  0  1  1   3
    L4         0  1  0  1   2
    L5         0  0  0  1   1

q1: x = 1,1,1,0,0 (mean .6); Y = X - x = 3,2,2,2,1 (mean 2)
    Cov = [(.4)(1) + (.4)(0) + (.4)(0) + (-.6)(0) + (-.6)(-1)] / 4 = 1.0 / 4 = .25
    Var(x) = (3 x .16 + 2 x .36) / 4 = .3 ; Var(Y) = (1 + 0 + 0 + 0 + 1) / 4 = .5
    D = .25 / sqrt(.3 x .5) = .645497 ; facility .6
q2: x = 1,1,0,1,0 (mean .6); Y = 3,2,3,1,1 (mean 2)
    Cov = [(.4)(1) + (.4)(0) + (-.6)(1) + (.4)(-1) + (-.6)(-1)] / 4 = 0 -> D = 0 ; facility .6
q3: x = 1,0,1,0,0 (mean .4); Y = 3,3,2,2,1 (mean 2.2)
    Cov = [(.6)(.8) + (-.4)(.8) + (.6)(-.2) + (-.4)(-.2) + (-.4)(-1.2)] / 4 = .6 / 4 = .15
    Var(x) = (2 x .36 + 3 x .16) / 4 = .3 ; Var(Y) = (.64 + .64 + .04 + .04 + 1.44) / 4 = .7
    D = .15 / sqrt(.21) = .327327 ; facility .4
q4: everyone right: Var(x) = 0 -> D is None ; facility 1
"""
import math

import pytest

from lms.dashboards import stats

MARKS = [  # q1..q4 per learner
    [1, 1, 1, 1],
    [1, 1, 0, 1],
    [1, 0, 1, 1],
    [0, 1, 0, 1],
    [0, 0, 0, 1],
]
ATTEMPTS = [{q + 1: float(m) for q, m in enumerate(row)} for row in MARKS]


def test_facility_and_discrimination_match_the_hand_computed_example():
    result = stats.analyse(ATTEMPTS)
    assert result[1].facility == pytest.approx(0.6)
    assert result[1].discrimination == pytest.approx(0.25 / math.sqrt(0.15))
    assert result[1].discrimination == pytest.approx(0.645497, abs=1e-6)
    assert result[2].facility == pytest.approx(0.6)
    assert result[2].discrimination == pytest.approx(0.0, abs=1e-12)
    assert result[3].facility == pytest.approx(0.4)
    assert result[3].discrimination == pytest.approx(0.327327, abs=1e-6)
    assert result[4].facility == 1.0
    assert result[4].discrimination is None
    assert all(r.attempts == 5 for r in result.values())


def test_sample_statistics_use_s_minus_one():
    assert stats.variance([1, 1, 1, 0, 0]) == pytest.approx(0.3)      # population variance would be .24
    assert stats.covariance([1, 2, 3], [1, 2, 3]) == pytest.approx(1.0)
    assert stats.standard_deviation([0, 1]) == pytest.approx(math.sqrt(0.5))
    assert stats.variance([1.0]) is None
    assert stats.mean([]) is None


def test_the_sd_is_a_fraction_of_the_max_mark():
    assert stats.item_stats([1, 1, 1, 0, 0], [3, 2, 2, 1, 0]).sd == pytest.approx(math.sqrt(0.3))


def test_a_question_drawn_from_a_pool_is_compared_with_the_whole_total():
    # With Y = X the correlation includes the question itself, so it is higher than rest-of-test.
    drawn = stats.item_stats([1, 1, 1, 0, 0], [4, 3, 3, 2, 1], drawn=True)
    rest = stats.item_stats([1, 1, 1, 0, 0], [4, 3, 3, 2, 1])
    assert rest.discrimination == pytest.approx(0.645497, abs=1e-6)
    # x = 1,1,1,0,0 and X = 4,3,3,2,1 (mean 2.6): Cov = (.4)(1.4)+(.4)(.4)+(.4)(.4)+(-.6)(-.6)+(-.6)(-1.6)
    #   = .56+.16+.16+.36+.96 = 2.2 / 4 = .55 ; Var(X) = (1.96+.16+.16+.36+2.56)/4 = 1.3
    #   D = .55 / sqrt(.3 x 1.3) = .880705
    assert drawn.discrimination == pytest.approx(0.880705, abs=1e-6)


def test_no_discrimination_when_the_rest_of_the_test_does_not_vary():
    assert stats.discrimination([1, 0, 1], [2, 2, 2]) is None
    assert stats.discrimination([0.1, 0.1, 0.1], [1, 2, 3]) is None  # rounding must not fake a variance


def test_flags_need_ten_attempts():
    few = stats.item_stats([0] * 8 + [1], [1] * 8 + [5])
    assert few.too_few and not few.hard and not few.weak
    hard = stats.item_stats([0] * 8 + [1, 1], [1, 2, 1, 2, 1, 2, 1, 2, 5, 6])
    assert not hard.too_few and hard.facility == pytest.approx(0.2) and hard.hard and not hard.weak
    # a question the weaker learners get right and the stronger get wrong: negative discrimination
    weak = stats.item_stats([1] * 5 + [0] * 5, [1] * 5 + [8] * 5)
    assert weak.weak and weak.discrimination < 0 and not weak.hard


def test_a_partial_mark_counts_as_its_fraction():
    result = stats.analyse([{1: 0.5, 2: 1.0}, {1: 0.0, 2: 0.0}, {1: 1.0, 2: 1.0}])
    assert result[1].facility == pytest.approx(0.5)
