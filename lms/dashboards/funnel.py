"""The per-module funnel: of the cohort's learners, how many reached each module (any lesson
opened or quiz attempt started in it), completed its lessons, and passed its quiz; the final
assessment last (reached = attempted, passed).

Computed from the per-learner rows of queries.learner_rows and one grouped query of lessons
done and seen per (learner, module) (matrix.module_counts): two figures per module whatever the
cohort size, and the same number of queries.
"""
from dataclasses import dataclass

from lms.core.i18n import translated
from lms.dashboards.matrix import module_counts
from lms.dashboards.queries import LearnerRow, Structure

WIDTH = 640
LABEL_H, BAR_H, BAR_GAP, GROUP_GAP, TOP = 18, 12, 3, 14, 28
LABEL_CHARS = 90            # a module title longer than this is cut with "…" in the bar view
STAGES = ("reached", "completed", "passed")


@dataclass(frozen=True)
class Layout:
    """The SVG scales to its box: the wide layout (12-unit text) in a 640 px box, the narrow
    one on phones (13-unit text in 300 units stays at least 12 px tall in a 288 px box)."""
    width: int
    font: int
    label_chars: int        # module titles are cut to this many characters
    label_room: int         # room after the longest bar for its "1,234 (100%)" label
    legend: tuple[int, int]     # (dx, dy) from one legend entry to the next
    label_h: int
    bar_h: int
    bar_gap: int


WIDE = Layout(WIDTH, 12, LABEL_CHARS, 150, (190, 0), LABEL_H, BAR_H, BAR_GAP)
NARROW = Layout(300, 13, 38, 100, (0, 18), 20, 14, 4)


@dataclass
class Step:
    title: str
    slug: str | None        # None for the final assessment
    reached: int
    completed: int | None   # None: no lessons to complete
    passed: int | None      # None: no quiz to pass

    def count(self, stage: str) -> int | None:
        return getattr(self, stage)


@dataclass
class Funnel:
    learners: int
    steps: list[Step]

    def rate(self, count: int | None) -> float | None:
        """The share of the cohort's learners, 0..100 (None when there is nothing to count)."""
        if count is None or not self.learners:
            return None
        return 100.0 * count / self.learners


def build(cohort, structure: Structure, learners: list[LearnerRow]) -> Funnel:
    counts = module_counts(cohort, structure) if learners else {}
    steps = []
    for m in structure.modules:
        reached = completed = passed = 0
        for x in learners:
            done, seen = counts.get((x.id, m.id), (0, 0))
            result = x.results.get(m.quiz_id) if m.quiz_id else None
            reached += bool(seen or result is not None)
            completed += bool(m.lesson_ids and done >= len(m.lesson_ids))
            passed += bool(result is not None and result.passed)
        steps.append(Step(translated(m), m.slug, reached, completed if m.lesson_ids else None,
                          passed if m.quiz_id else None))
    final = structure.final_quiz
    if final is not None:
        results = [x.results.get(final.id) for x in learners]
        steps.append(Step(translated(final), None, sum(1 for r in results if r is not None), None,
                          sum(1 for r in results if r is not None and r.passed)))
    return Funnel(len(learners), steps)


@dataclass
class Bar:
    stage: str
    count: int
    y: float
    width: int
    label_x: int


def geometry(funnel: Funnel, layout: Layout = WIDE) -> dict:
    """Positions for templates/dashboards/funnel.svg: the legend (in a row, or one entry a line),
    then per step a title line and up to three bars, each as long as its share of the cohort's
    learners."""
    plot_w = layout.width - layout.label_room
    legend = [(n * layout.legend[0], n * layout.legend[1]) for n in range(len(STAGES))]
    y, groups = TOP + legend[-1][1], []
    for step in funnel.steps:
        cut = layout.label_chars
        title = step.title if len(step.title) <= cut else step.title[:cut - 1] + "…"
        bars, top = [], y + layout.label_h
        for stage in STAGES:
            count = step.count(stage)
            if count is None:
                continue
            width = round(plot_w * (funnel.rate(count) or 0) / 100)     # whole SVG units
            bars.append(Bar(stage, count, top, width, width + 6))
            top += layout.bar_h + layout.bar_gap
        groups.append({"step": step, "title": title, "y": y + layout.label_h - 5, "bars": bars})
        y = top + GROUP_GAP
    return {"width": layout.width, "height": round(y), "groups": groups, "bar_h": layout.bar_h,
            "font": layout.font, "legend": legend}
