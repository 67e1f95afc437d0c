"""The progress matrix: learners × modules (or one module's lessons and quiz), one page at a time.

Totals, filters and sorting by name, organisation, progress or last activity use the per-learner
aggregates of queries.learner_rows; then only the cells of the learners on the current page are
read (one more grouped query). Sorting by a column (a module, a lesson, a quiz) needs every
chosen learner's cell in it: the same grouped query then covers the whole cohort.
"""
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from lms.catalog.models import Lesson
from lms.cohorts.models import CohortMember
from lms.core.i18n import percent, translated
from lms.dashboards.queries import LearnerRow, QuizRollup, Structure, current_learner, learner_ids
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
SORTS = ("name", "organisation", "progress", "active")   # besides a column's key: "m<id>", "l<id>", "q<id>"
COLUMN_KEY = re.compile(r"[mlq][0-9]{1,9}")
PER_PAGE_CHOICES = (50, 100, 200)
# Sorting by a column orders its states from "nothing yet" to "finished", then by how far along.
RANK = {NOT_STARTED: 0, FAILED_TWICE: 1, IN_PROGRESS: 2, DONE: 3, PASSED: 4}


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
    value: float = 0.0  # orders cells of one state: lessons done, or the score

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
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args) -> "Options":
        """Unknown sort keys and page sizes fall back to the defaults (a stale link still works)."""
        sort = args.get("sort", "name")
        per_page = args.get("per", PER_PAGE, type=int)
        return cls(sort=sort if sort in SORTS or COLUMN_KEY.fullmatch(sort) else "name",
                   desc=args.get("dir") == "desc",
                   at_risk=args.get("at_risk") == "1", overdue=args.get("overdue") == "1",
                   organisation=args.get("org", type=int), q=(args.get("q") or "").strip()[:100],
                   page=max(1, args.get("page", 1, type=int) or 1),
                   per_page=per_page if per_page in PER_PAGE_CHOICES else PER_PAGE)

    def args(self, **changes) -> dict:
        """Query-string values for a link that keeps these options except `changes`."""
        values = {"q": self.q or None, "org": self.organisation, "at_risk": "1" if self.at_risk else None,
                  "overdue": "1" if self.overdue else None, "sort": None if self.sort == "name" else self.sort,
                  "dir": "desc" if self.desc else None,
                  "per": None if self.per_page == PER_PAGE else self.per_page}
        values.update(changes)
        return {k: v for k, v in values.items() if v is not None}

    def args_elsewhere(self, **changes) -> dict:
        """As `args`, for the other view (all modules, or one module's lessons): a column's sort
        does not carry over, the columns are not the same."""
        if self.sort not in SORTS:
            changes = {"sort": None, "dir": None, **changes}
        return self.args(**changes)


@dataclass
class MatrixPage:
    columns: list[Column]
    rows: list[tuple[LearnerRow, list[Cell]]]
    total: int                  # learners matching the filters
    page: int
    pages: int
    options: Options
    organisations: list[tuple[int, str]] = field(default_factory=list)

    @property
    def first(self) -> int:
        return (self.page - 1) * self.options.per_page + 1


def _tie(x: LearnerRow) -> tuple:
    return x.name.casefold(), x.id


def select_learners(learners: list[LearnerRow], options: Options, *, overdue_ids: set[int]) -> list[LearnerRow]:
    """The learners the filters keep, ordered by name, organisation, progress or last activity
    (a column's order is applied by `build`, which reads the cells)."""
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
        "name": _tie,
        "organisation": lambda x: ((x.organisation or "").casefold(), *_tie(x)),
        "progress": lambda x: (x.progress, *_tie(x)),
        "active": lambda x: (x.last_active or never, *_tie(x)),
    }
    ordered = sorted(chosen, key=keys.get(options.sort, _tie), reverse=options.desc)
    if options.sort == "organisation":     # learners without one come last either way
        ordered = [x for x in ordered if x.organisation] + [x for x in ordered if not x.organisation]
    return ordered


def build(cohort, structure: Structure, learners: list[LearnerRow], options: Options, *,
          module_slug: str | None, overdue_ids: set[int]) -> MatrixPage:
    """One page of the matrix. Sorting by a column reads the cells of every chosen learner (one
    grouped query either way); otherwise only the page's cells are read."""
    module = structure.module(module_slug) if module_slug else None
    columns = module_columns(structure) if module is None else lesson_columns(structure, module)
    index = {c.key: n for n, c in enumerate(columns)}
    if options.sort not in SORTS and options.sort not in index:
        options.sort, options.desc = "name", False       # a column of another view: ignored
    chosen = select_learners(learners, options, overdue_ids=overdue_ids)
    pages = max(1, math.ceil(len(chosen) / options.per_page))
    page = min(options.page, pages)
    window = slice((page - 1) * options.per_page, page * options.per_page)
    if options.sort in index:
        cells = _cells(cohort, structure, module, chosen, everyone=True)
        n = index[options.sort]
        chosen = sorted(chosen, key=lambda x: (RANK[cells[x.id][n].state], cells[x.id][n].value, *_tie(x)),
                        reverse=options.desc)
        shown = chosen[window]
    else:
        shown = chosen[window]
        cells = _cells(cohort, structure, module, shown, everyone=False)
    organisations = sorted({(x.organisation_id, x.organisation or "") for x in learners if x.organisation_id},
                           key=lambda pair: pair[1].casefold())
    options.page = page
    return MatrixPage(columns, [(x, cells[x.id]) for x in shown], len(chosen), page, pages, options,
                      organisations)


def quiz_cell(result: QuizRollup | None) -> Cell:
    if result is None:
        return Cell(NOT_STARTED)
    detail = percent(result.score) if result.score is not None else ""
    value = result.score if result.score is not None else -1.0
    if result.passed:
        return Cell(PASSED, detail, value)
    if result.failed_twice:
        return Cell(FAILED_TWICE, detail, value)
    return Cell(IN_PROGRESS, detail, value)


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
    done = func.count(case((LessonProgress.completed_at >= CohortMember.joined_at, 1)))
    rows = db.session.execute(  # since each learner joined the cohort
        select(LessonProgress.user_id, Lesson.module_id, done, func.count())
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(CohortMember, current_learner(cohort.id, LessonProgress.user_id))
        .where(LessonProgress.course_id == structure.course.id, LessonProgress.user_id.in_(who),
               LessonProgress.last_viewed_at >= CohortMember.joined_at, Lesson.id.in_(list(structure.lessons)))
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
        cells.append(Cell(state, detail, done / len(m.lesson_ids) if m.lesson_ids else 0.0))
    if structure.final_id is not None:
        cells.append(quiz_cell(learner.results.get(structure.final_id)))
    return cells


def lesson_columns(structure: Structure, module) -> list[Column]:
    columns = [Column(f"l{lid}", structure.lessons[lid].title, "lesson", lid) for lid in module.lesson_ids]
    if module.quiz_id:
        quiz = structure.quizzes[module.quiz_id]
        columns.append(Column(f"q{module.quiz_id}", translated(quiz), "quiz", module.quiz_id))
    return columns


def _cells(cohort, structure, module, learners: list[LearnerRow], *, everyone: bool) -> dict[int, list[Cell]]:
    """{user_id: cells} for `learners`: one grouped query over the cohort's learners (`everyone`)
    or over these ones (a page of them)."""
    if not learners:
        return {}
    who = None if everyone else [x.id for x in learners]
    if module is None:
        counts = module_counts(cohort, structure, who)
        return {x.id: module_cells(structure, x, counts) for x in learners}
    progress = {}
    if module.lesson_ids:
        rows = db.session.execute(
            select(LessonProgress.user_id, LessonProgress.lesson_id,
                   case((LessonProgress.completed_at >= CohortMember.joined_at, 1)))
            .join(CohortMember, current_learner(cohort.id, LessonProgress.user_id))
            .where(LessonProgress.user_id.in_(learner_ids(cohort.id) if who is None else who),
                   LessonProgress.last_viewed_at >= CohortMember.joined_at,
                   LessonProgress.lesson_id.in_(module.lesson_ids)))
        progress = {(u, lid): completed for u, lid, completed in rows}
    result = {}
    for learner in learners:
        cells = []
        for lid in module.lesson_ids:
            if (learner.id, lid) not in progress:
                cells.append(Cell(NOT_STARTED))
            else:
                cells.append(Cell(DONE if progress[(learner.id, lid)] else IN_PROGRESS))
        if module.quiz_id:
            cells.append(quiz_cell(learner.results.get(module.quiz_id)))
        result[learner.id] = cells
    return result
