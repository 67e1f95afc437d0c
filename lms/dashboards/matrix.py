"""The progress matrix: learners × modules (or one module's lessons and quiz), one page at a time.

Totals, filters and sorting use the per-learner aggregates of queries.learner_rows; only the
cells of the learners on the current page are read in detail (one more grouped query).
"""
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.catalog.models import Lesson
from lms.core.i18n import percent, translated
from lms.dashboards.queries import LearnerRow, QuizRollup, Structure, learner_ids
from lms.extensions import db
from lms.learning.models import LessonProgress

PER_PAGE = 50
NOT_STARTED, IN_PROGRESS, DONE, PASSED, FAILED_TWICE = "not_started", "in_progress", "done", "passed", "failed_twice"
STATES = {
    NOT_STARTED: ("○", _l("Not started")),
    IN_PROGRESS: ("◐", _l("In progress")),
    DONE: ("✓", _l("Done")),
    PASSED: ("★", _l("Passed")),
    FAILED_TWICE: ("✗", _l("Failed twice")),
}
SORTS = ("name", "progress", "active")


@dataclass
class Column:
    key: str            # "m<id>", "l<id>" or "q<id>"
    title: str
    kind: str           # module | lesson | quiz
    id: int


@dataclass
class Cell:
    state: str
    detail: str = ""    # e.g. a quiz score

    @property
    def symbol(self) -> str:
        return STATES[self.state][0]

    @property
    def label(self) -> str:
        return str(STATES[self.state][1])


@dataclass
class Options:
    sort: str = "name"
    desc: bool = False
    at_risk: bool = False
    overdue: bool = False
    organisation: int | None = None
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "Options":
        sort = args.get("sort", "name")
        return cls(sort=sort if sort in SORTS else "name", desc=args.get("dir") == "desc",
                   at_risk=args.get("at_risk") == "1", overdue=args.get("overdue") == "1",
                   organisation=args.get("org", type=int), q=(args.get("q") or "").strip()[:100],
                   page=max(1, args.get("page", 1, type=int) or 1))

    def args(self, **changes) -> dict:
        """Query-string values for a link that keeps these options except `changes`."""
        values = {"q": self.q or None, "org": self.organisation, "at_risk": "1" if self.at_risk else None,
                  "overdue": "1" if self.overdue else None, "sort": None if self.sort == "name" else self.sort,
                  "dir": "desc" if self.desc else None}
        values.update(changes)
        return {k: v for k, v in values.items() if v is not None}


@dataclass
class MatrixPage:
    columns: list[Column]
    rows: list[tuple[LearnerRow, list[Cell]]]
    total: int                  # learners matching the filters
    page: int
    pages: int
    organisations: list[tuple[int, str]] = field(default_factory=list)


def select_learners(learners: list[LearnerRow], options: Options, *, overdue_ids: set[int]) -> list[LearnerRow]:
    chosen = learners
    if options.q:
        needle = options.q.casefold()
        chosen = [x for x in chosen if needle in x.name.casefold() or needle in x.email.casefold()]
    if options.organisation is not None:
        chosen = [x for x in chosen if x.organisation_id == options.organisation]
    if options.at_risk:
        chosen = [x for x in chosen if x.risks]
    if options.overdue:
        chosen = [x for x in chosen if x.id in overdue_ids]
    never = datetime.min.replace(tzinfo=UTC)
    keys = {
        "name": lambda x: (x.name.casefold(), x.id),
        "progress": lambda x: (x.progress, x.name.casefold(), x.id),
        "active": lambda x: (x.last_active or never, x.name.casefold(), x.id),
    }
    return sorted(chosen, key=keys[options.sort], reverse=options.desc)


def build(cohort, structure: Structure, learners: list[LearnerRow], options: Options, *,
          module_slug: str | None, overdue_ids: set[int]) -> MatrixPage:
    chosen = select_learners(learners, options, overdue_ids=overdue_ids)
    pages = max(1, math.ceil(len(chosen) / PER_PAGE))
    page = min(options.page, pages)
    shown = chosen[(page - 1) * PER_PAGE: page * PER_PAGE]
    module = structure.module(module_slug) if module_slug else None
    if module is None:
        columns, rows = _module_rows(cohort, structure, shown)
    else:
        columns, rows = _lesson_rows(structure, module, shown)
    organisations = sorted({(x.organisation_id, x.organisation or "") for x in learners if x.organisation_id},
                           key=lambda pair: pair[1].casefold())
    return MatrixPage(columns, rows, len(chosen), page, pages, organisations)


def quiz_cell(result: QuizRollup | None) -> Cell:
    if result is None:
        return Cell(NOT_STARTED)
    detail = percent(result.score) if result.score is not None else ""
    if result.passed:
        return Cell(PASSED, detail)
    if result.failed_twice:
        return Cell(FAILED_TWICE, detail)
    return Cell(IN_PROGRESS, detail)


def module_state(done: int, seen: int, lessons: int, result: QuizRollup | None, has_quiz: bool) -> str:
    if has_quiz and result is not None and result.failed_twice:
        return FAILED_TWICE
    if done >= lessons and (not has_quiz or (result is not None and result.passed)):
        return PASSED if has_quiz else DONE
    if seen or result is not None:
        return IN_PROGRESS
    return NOT_STARTED


def module_counts(cohort, structure: Structure, user_ids=None) -> dict[tuple[int, int], tuple[int, int]]:
    """{(user_id, module_id): (lessons done, lessons seen)} for the given learners (default: all)."""
    if not structure.lessons:
        return {}
    who = learner_ids(cohort.id) if user_ids is None else list(user_ids)
    rows = db.session.execute(
        select(LessonProgress.user_id, Lesson.module_id, func.count(LessonProgress.completed_at), func.count())
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.course_id == structure.course.id, LessonProgress.user_id.in_(who),
               Lesson.id.in_(list(structure.lessons)))
        .group_by(LessonProgress.user_id, Lesson.module_id))
    return {(user_id, module_id): (done, seen) for user_id, module_id, done, seen in rows}


def module_columns(structure: Structure) -> list[Column]:
    columns = [Column(f"m{m.id}", translated(m), "module", m.id) for m in structure.modules]
    final = structure.final_quiz
    if final is not None:
        columns.append(Column(f"q{final.id}", translated(final), "quiz", final.id))
    return columns


def module_cells(structure: Structure, learner: LearnerRow, counts) -> list[Cell]:
    cells = []
    for m in structure.modules:
        done, seen = counts.get((learner.id, m.id), (0, 0))
        result = learner.results.get(m.quiz_id) if m.quiz_id else None
        state = module_state(done, seen, len(m.lesson_ids), result, m.quiz_id is not None)
        detail = f"{done}/{len(m.lesson_ids)}" if state == IN_PROGRESS and m.lesson_ids else ""
        cells.append(Cell(state, detail))
    if structure.final_id is not None:
        cells.append(quiz_cell(learner.results.get(structure.final_id)))
    return cells


def _module_rows(cohort, structure, shown):
    counts = module_counts(cohort, structure, [x.id for x in shown]) if shown else {}
    return module_columns(structure), [(x, module_cells(structure, x, counts)) for x in shown]


def _lesson_rows(structure, module, shown):
    columns = [Column(f"l{lid}", structure.lessons[lid].title, "lesson", lid) for lid in module.lesson_ids]
    if module.quiz_id:
        columns.append(Column(f"q{module.quiz_id}", translated(structure.quizzes[module.quiz_id]), "quiz", module.quiz_id))
    progress = {}
    if shown and module.lesson_ids:
        rows = db.session.execute(
            select(LessonProgress.user_id, LessonProgress.lesson_id, LessonProgress.completed_at)
            .where(LessonProgress.user_id.in_([x.id for x in shown]),
                   LessonProgress.lesson_id.in_(module.lesson_ids)))
        progress = {(u, lid): completed for u, lid, completed in rows}
    result = []
    for learner in shown:
        cells = []
        for lid in module.lesson_ids:
            if (learner.id, lid) not in progress:
                cells.append(Cell(NOT_STARTED))
            else:
                cells.append(Cell(DONE if progress[(learner.id, lid)] else IN_PROGRESS))
        if module.quiz_id:
            cells.append(quiz_cell(learner.results.get(module.quiz_id)))
        result.append((learner, cells))
    return columns, result
