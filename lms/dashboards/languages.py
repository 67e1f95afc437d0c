"""Item analysis across languages: the same question taken in English, French and Spanish.

A translation fault (a French option that gives the answer away, an ambiguous Spanish stem)
shows as a facility in one language unlike the others'. Each language is compared with all
other attempts pooled, by a two-proportion z-test on the share of marks obtained; a difference
counts only with at least MIN_ATTEMPTS attempts on each side and |z| above the 1 % two-sided
critical value, so ordinary noise in small groups raises no flag.
"""
import math
from dataclasses import dataclass, field

from lms.dashboards import stats

MIN_ATTEMPTS = 20
Z_CRITICAL = 2.576           # two-sided, 1 %


@dataclass
class LanguageStats:
    language: str
    stats: stats.ItemStats
    z: float | None = None        # against the other languages pooled; None when too few
    flagged: bool = False


@dataclass
class LanguageComparison:
    rows: list[LanguageStats] = field(default_factory=list)
    too_few: bool = False         # several languages, but not enough attempts to compare them

    @property
    def flagged(self) -> list[str]:
        return [row.language for row in self.rows if row.flagged]


def two_proportion_z(successes_a: float, n_a: int, successes_b: float, n_b: int) -> float | None:
    if not n_a or not n_b:
        return None
    pooled = (successes_a + successes_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if spread == 0:
        return 0.0
    return (successes_a / n_a - successes_b / n_b) / spread


def compare(marks: dict[int, dict[int, float]], languages: dict[int, str], drawn: bool,
            live: set[int]) -> dict[int, LanguageComparison]:
    """marks: {attempt_id: {question_id: mark}}; languages: {attempt_id: language}.
    Returns {question_id: LanguageComparison} for questions seen in more than one language."""
    by_language: dict[str, list[dict[int, float]]] = {}
    for attempt_id, per in marks.items():
        by_language.setdefault(languages.get(attempt_id, "en"), []).append(
            {q: m for q, m in per.items() if q in live})
    if len(by_language) < 2:
        return {}
    analysed = {lang: stats.analyse(rows, drawn=drawn) for lang, rows in by_language.items()}
    result: dict[int, LanguageComparison] = {}
    for question_id in live:
        seen = {lang: per[question_id] for lang, per in analysed.items() if question_id in per}
        if len(seen) < 2:
            continue
        sums = {lang: sum(m[question_id] for m in by_language[lang] if question_id in m) for lang in seen}
        comparison = LanguageComparison()
        for lang in sorted(seen, key=lambda code: ("en", "fr", "es").index(code) if code in ("en", "fr", "es") else 9):
            n = seen[lang].attempts
            rest_n = sum(s.attempts for other, s in seen.items() if other != lang)
            rest_sum = sum(total for other, total in sums.items() if other != lang)
            row = LanguageStats(lang, seen[lang])
            if n >= MIN_ATTEMPTS and rest_n >= MIN_ATTEMPTS:
                row.z = two_proportion_z(sums[lang], n, rest_sum, rest_n)
                row.flagged = row.z is not None and abs(row.z) > Z_CRITICAL
            comparison.rows.append(row)
        comparison.too_few = all(row.z is None for row in comparison.rows)
        result[question_id] = comparison
    return result
