"""A learner's position in one course as plain data: the syllabus with a state per item,
module gating, percentages and the completion rule.

Nothing here touches the database: lms.learning.queries loads rows and builds these objects,
so pages, services and the quiz engine all read progress the same way. Percentages are
derived every time (done items over items in the current syllabus) and never stored.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from lms.catalog import estimates

DONE, IN_PROGRESS, AVAILABLE, LOCKED = "done", "in_progress", "available", "locked"
DEFAULT_RULE = {"lessons": "all", "module_quizzes": "passed", "final": "passed"}


@dataclass
class Item:
    """A lesson or a quiz in the syllabus, with this learner's state."""

    kind: str                        # "lesson" | "quiz"
    id: int
    slug: str
    title: str
    module_id: int | None = None     # None: the final assessment
    minutes: int = 0
    state: str = AVAILABLE
    reason: str | None = None        # why it is locked
    completed_at: datetime | None = None
    last_viewed_at: datetime | None = None
    quiz_kind: str | None = None     # "module" | "final"
    score: float | None = None
    attempts: int = 0
    passed: bool = False
    open_attempt: bool = False

    @property
    def done(self) -> bool:
        return self.state == DONE

    @property
    def locked(self) -> bool:
        return self.state == LOCKED

    @property
    def is_lesson(self) -> bool:
        return self.kind == "lesson"

    def mark_viewed(self, now: datetime) -> None:
        self.last_viewed_at = now
        if self.state == AVAILABLE:
            self.state = IN_PROGRESS


@dataclass
class ModuleState:
    id: int
    slug: str
    number: int                      # 1-based position among the live modules
    title: str
    summary: str = ""
    lessons: list[Item] = field(default_factory=list)
    quiz: Item | None = None
    state: str = AVAILABLE
    reason: str | None = None

    @property
    def items(self) -> list[Item]:
        return self.lessons + ([self.quiz] if self.quiz else [])

    @property
    def lessons_done(self) -> bool:
        return all(item.done for item in self.lessons)

    @property
    def complete(self) -> bool:
        """Every lesson completed and the quiz (if any) passed: what unlocks the next module."""
        return self.lessons_done and (self.quiz is None or self.quiz.done)

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def percent(self) -> int:
        return _percent(self.done_count, len(self.items))


@dataclass
class CourseState:
    course: object
    enrollment: object | None
    modules: list[ModuleState] = field(default_factory=list)
    final: Item | None = None

    @property
    def enrolled(self) -> bool:
        return self.enrollment is not None and self.enrollment.left_at is None

    @property
    def completed_at(self) -> datetime | None:
        return self.enrollment.completed_at if self.enrollment is not None else None

    @property
    def items(self) -> list[Item]:
        found = [item for module in self.modules for item in module.items]
        return found + ([self.final] if self.final else [])

    @property
    def lessons(self) -> list[Item]:
        return [item for module in self.modules for item in module.lessons]

    @property
    def quizzes(self) -> list[Item]:
        return [item for item in self.items if item.kind == "quiz"]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def percent(self) -> int:
        return _percent(self.done_count, self.total)

    @property
    def started(self) -> bool:
        return any(item.state in (DONE, IN_PROGRESS) for item in self.items)

    @property
    def signature(self) -> tuple:
        """What the outline and the syllabus show of this learner's state: learners who share it
        (and the content version) share one rendered outline and syllabus."""
        return (tuple((m.state, m.reason) for m in self.modules),
                tuple((i.kind, i.id, i.state, i.reason, i.score, bool(i.attempts)) for i in self.items))

    @property
    def next_item(self) -> Item | None:
        """The first item that is neither done nor locked: where "Continue" goes."""
        return next((item for item in self.items if item.state in (AVAILABLE, IN_PROGRESS)), None)

    @property
    def minutes_left(self) -> int:
        """Lessons and quizzes not done, by the rule behind the course's total time."""
        return estimates.minutes_left(self.items)

    def lesson(self, lesson_id: int) -> Item | None:
        return next((item for item in self.lessons if item.id == lesson_id), None)

    def quiz(self, quiz_id: int) -> Item | None:
        return next((item for item in self.quizzes if item.id == quiz_id), None)

    def module_of(self, item: Item) -> ModuleState | None:
        return next((m for m in self.modules if m.id == item.module_id), None)

    def neighbours(self, item: Item, include_quizzes: bool = True) -> tuple[Item | None, Item | None]:
        """The items before and after `item` in syllabus order, across modules."""
        order = [i for i in self.items if include_quizzes or i.is_lesson]
        at = next((n for n, i in enumerate(order) if i is item), None)
        if at is None:
            return None, None
        return (order[at - 1] if at > 0 else None), (order[at + 1] if at + 1 < len(order) else None)

    def rule_met(self) -> bool:
        """The course's completion rule (course.yaml `completion`), over the current syllabus."""
        rule = {**DEFAULT_RULE, **(getattr(self.course, "completion", None) or {})}
        if not self.items:
            return False
        lessons_ok = rule["lessons"] == "none" or all(item.done for item in self.lessons)
        module_quizzes = [m.quiz for m in self.modules if m.quiz]
        finals = [self.final] if self.final else []
        return (lessons_ok and _quizzes_meet(module_quizzes, rule["module_quizzes"])
                and _quizzes_meet(finals, rule["final"]))


def _quizzes_meet(quizzes: list[Item], requirement: str) -> bool:
    if requirement == "none":
        return True
    if requirement == "attempted":
        return all(q.attempts > 0 or q.done for q in quizzes)
    return all(q.done for q in quizzes)


def _percent(done: int, total: int) -> int:
    return int(100 * done / total) if total else 0


def _module_reason(previous: ModuleState) -> str:
    n = previous.number
    if previous.quiz is not None and not previous.quiz.done:
        if previous.lessons_done:
            return _("Pass the Module %(n)d quiz to unlock", n=n)
        return _("Finish Module %(n)d and pass its quiz to unlock", n=n)
    return _("Finish the lessons of Module %(n)d to unlock", n=n)


def gating(modules: list[ModuleState], final: Item | None, navigation: str) -> None:
    """Lock what the course's navigation forbids, in place.

    sequential: module 1 is open; module N opens when every lesson of module N-1 is complete
    and its quiz passed; lessons (and the quiz) inside an open module are free; the final
    assessment opens when every module is complete. free: nothing is locked.
    Items already done are never locked, so a learner can always re-read what they finished.
    Items already opened (a lesson viewed, a quiz attempted) stay open too: marking an earlier
    lesson not done, or a re-sync adding a lesson to an earlier module, must not shut a learner
    out of work they had started; items they never opened lock again until the rule is met.
    """
    for module in modules:
        module.reason = None
    previous = None
    for module in modules:
        if navigation != "free" and previous is not None and not previous.complete:
            module.reason = _module_reason(previous)
            for item in module.items:
                if not _opened(item):
                    item.state, item.reason = LOCKED, module.reason
        previous = module
    if final is not None and navigation != "free" and not _opened(final) and not all(m.complete for m in modules):
        final.state, final.reason = LOCKED, _("Finish every module to unlock the final assessment")
    for module in modules:
        module.state = _module_state(module)


def _opened(item: Item) -> bool:
    return item.state in (DONE, IN_PROGRESS)


def _module_state(module: ModuleState) -> str:
    if module.items and module.complete:
        return DONE
    if module.reason:
        return LOCKED
    if any(item.state in (DONE, IN_PROGRESS) for item in module.items):
        return IN_PROGRESS
    return AVAILABLE
