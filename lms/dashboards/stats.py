"""Quiz item analysis as Moodle computes it (question/classes/statistics/questions/calculator.php).

Pure functions over plain numbers, so the maths can be checked by hand.

- Each learner contributes one attempt (the first by default); `s` is the number analysed.
- x_i is the mark on question i (fraction × max mark; every question here is worth 1 mark),
  X the attempt total, Y_i = X − x_i the "rest of test" mark. For a question drawn at random
  from a pool, Moodle analyses the sub-question against the full total: Y = X.
- Facility F_i = x̄_i / maxmark_i (shown as a percentage).
- Discrimination D_i = Cov(x_i, Y_i) / sqrt(Var(x_i) · Var(Y_i)), the Pearson correlation;
  None when either variance is 0. Every variance and covariance uses the s − 1 denominator.
"""
import math
from collections.abc import Sequence
from dataclasses import dataclass

HARD_FACILITY = 0.3          # flag questions fewer than 30 % get right
WEAK_DISCRIMINATION = 0.2    # flag questions that separate strong from weak learners poorly
MIN_ATTEMPTS = 10            # below this, say "too few attempts to judge"
_EPSILON = 1e-12


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Sample covariance with the s − 1 denominator; None for fewer than 2 values."""
    if len(xs) != len(ys):
        raise ValueError("covariance needs two series of the same length")
    s = len(xs)
    if s < 2:
        return None
    mx, my = sum(xs) / s, sum(ys) / s
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (s - 1)


def variance(xs: Sequence[float]) -> float | None:
    return covariance(xs, xs)


def standard_deviation(xs: Sequence[float]) -> float | None:
    var = variance(xs)
    return math.sqrt(var) if var is not None else None


def facility(marks: Sequence[float], max_mark: float = 1.0) -> float | None:
    average = mean(marks)
    return average / max_mark if average is not None and max_mark else None


def discrimination(marks: Sequence[float], rest: Sequence[float]) -> float | None:
    """Pearson correlation of question marks with rest-of-test marks; None if a variance is 0."""
    var_x, var_y = variance(marks), variance(rest)
    # A variance of (numerically) zero: everyone got the same mark, nothing to correlate.
    if var_x is None or var_y is None or var_x <= _EPSILON or var_y <= _EPSILON:
        return None
    return covariance(marks, rest) / math.sqrt(var_x * var_y)


@dataclass(frozen=True)
class ItemStats:
    attempts: int
    facility: float | None        # 0..1
    sd: float | None              # of the mark, as a fraction of the max mark
    discrimination: float | None  # -1..1

    @property
    def too_few(self) -> bool:
        return self.attempts < MIN_ATTEMPTS

    @property
    def hard(self) -> bool:
        return not self.too_few and self.facility is not None and self.facility < HARD_FACILITY

    @property
    def weak(self) -> bool:
        return not self.too_few and self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION


def item_stats(marks: Sequence[float], totals: Sequence[float], *, drawn: bool = False,
               max_mark: float = 1.0) -> ItemStats:
    """Statistics of one question over the attempts that contained it.

    marks[k] is the question's mark in attempt k and totals[k] that attempt's total mark.
    """
    rest = list(totals) if drawn else [t - x for x, t in zip(marks, totals, strict=True)]
    sd = standard_deviation(marks)
    return ItemStats(attempts=len(marks), facility=facility(marks, max_mark),
                     sd=sd / max_mark if sd is not None else None,
                     discrimination=discrimination(marks, rest))


def analyse(attempts: Sequence[dict[int, float]], *, drawn: bool = False) -> dict[int, ItemStats]:
    """attempts: one {question_id: mark} per analysed attempt (the questions it contained).

    Returns {question_id: ItemStats} for every question seen at least once.
    """
    totals = [sum(marks.values()) for marks in attempts]
    per_question: dict[int, tuple[list[float], list[float]]] = {}
    for marks, total in zip(attempts, totals, strict=True):
        for question_id, mark in marks.items():
            xs, ts = per_question.setdefault(question_id, ([], []))
            xs.append(mark)
            ts.append(total)
    return {qid: item_stats(xs, ts, drawn=drawn) for qid, (xs, ts) in per_question.items()}
