"""CSV and XLSX exports of the progress matrix and of quiz results, streamed.

Every text cell that a spreadsheet would read as a formula (it starts with = + - @, a tab or a
carriage return) is prefixed with an apostrophe, so a learner named "=HYPERLINK(...)" stays text.
XLSX is written by openpyxl in write-only mode (rows go straight to a temporary file, so memory
stays flat) and the file is then streamed in chunks. Its header row is bold, frozen and carries
an autofilter; column widths come from the header and the first rows (a bounded sample).

Numbers carry the digits the pages show (lms.core.i18n.score_value, whole_minutes): a score the
matrix shows as 91.6 % is 91.6 in the file, never 91.7.
"""
import csv
import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from lms.auth.models import User
from lms.catalog.models import Quiz
from lms.cohorts.models import Organisation
from lms.cohorts.permissions import visible_since_joining
from lms.core.i18n import score_value, whole_minutes
from lms.dashboards import matrix
from lms.dashboards.queries import LearnerRow, Structure, learner_ids
from lms.dashboards.risks import DEFAULT_INACTIVE_DAYS, RISKS, is_overdue, risk_label
from lms.extensions import db
from lms.learning.queries import time_on_task
from lms.quizzes.models import FINISHED, QuizAttempt

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024
KINDS = ("matrix", "quiz")
WIDTH_SAMPLE = 200             # data rows read ahead to size the XLSX columns
MIN_WIDTH, MAX_WIDTH = 8, 50   # in characters


def neutralise(value):
    """Make a cell safe to open in a spreadsheet; numbers and dates pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XLSX cannot hold
    return neutralise(value)


def _csv_cell(value):
    """One CSV field: text neutralised, moments as "YYYY-MM-DD HH:MM" (UTC), nothing as empty."""
    kind = type(value)
    if kind is int or kind is float:  # most cells of a big export: checked first
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


# ---- rows --------------------------------------------------------------------------------

def matrix_rows(cohort, structure: Structure, learners: list[LearnerRow], *, due_on, now,
                inactive_days: int = DEFAULT_INACTIVE_DAYS) -> Iterator[list]:
    """A header, then one row per learner: totals, each module's state and each quiz's score."""
    counts = matrix.module_counts(cohort, structure)
    seconds = time_on_task(learner_ids(cohort.id), structure.course.id, cohort_id=cohort.id)
    columns = matrix.module_columns(structure)
    quizzes = list(structure.quizzes.values())
    quiz_ids = list(structure.quizzes)
    yield ([_("Name"), _("E-mail"), _("Organisation"), _("Country"), _("Progress (%)"), _("Lessons completed"),
            _("Quizzes passed"), _("Time on task (minutes)"), _("Last active (UTC)"), _("Completed (UTC)"),
            _("Overdue"), _("At risk")]
           + [c.title for c in columns] + [_("Score: %(quiz)s", quiz=q.title) for q in quizzes])
    # Translated once per export, not once per cell.
    states = {state: str(label) for state, (_symbol, label) in matrix.STATES.items()}
    reasons = {code: risk_label(code, inactive_days) for code in RISKS}
    yes, no = _("yes"), _("no")
    for learner in learners:
        cells = matrix.module_cells(structure, learner, counts)
        yield ([learner.name, learner.email, learner.organisation or "", learner.country or "",
                score_value(learner.progress, 0), learner.lessons_done, learner.quizzes_passed,
                whole_minutes(seconds.get(learner.id, 0)), learner.last_active,
                learner.completed_at, yes if is_overdue(learner, due_on, now) else no,
                ", ".join(reasons[code] for code in learner.risks)]
               + [states[cell.state] for cell in cells]
               + [_score(learner.results.get(qid)) for qid in quiz_ids])


def _score(result):
    return score_value(result.score) if result is not None else None


def quiz_rows(cohort, structure: Structure) -> Iterator[list]:
    """A header, then one row per finished attempt of the cohort's learners on the course."""
    yield [_("Name"), _("E-mail"), _("Organisation"), _("Quiz"), _("Attempt"), _("Started (UTC)"),
           _("Finished (UTC)"), _("Score (%)"), _("Passed")]
    if not structure.quizzes:
        return
    query = (select(User.name, User.email, Organisation.name, User.organisation_text, Quiz.title,
                    QuizAttempt.number, QuizAttempt.started_at, QuizAttempt.finished_at, QuizAttempt.score,
                    QuizAttempt.passed)
             .join(User, User.id == QuizAttempt.user_id).join(Quiz, Quiz.id == QuizAttempt.quiz_id)
             .outerjoin(Organisation, Organisation.id == User.organisation_id)
             .where(QuizAttempt.quiz_id.in_(list(structure.quizzes)), QuizAttempt.state == FINISHED,
                    visible_since_joining(cohort.id, QuizAttempt.user_id, QuizAttempt.started_at))
             .order_by(User.name, User.id, Quiz.id, QuizAttempt.number)
             .execution_options(yield_per=1000))
    yes, no = _("yes"), _("no")
    for name, email, org, org_text, title, number, started, finished, score, passed in db.session.execute(query):
        yield [name, email, org or org_text or "", title, number, started, finished,
               score_value(score), yes if passed else no]


# ---- formats -----------------------------------------------------------------------------

def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark (so spreadsheet programs read accents right), in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    for row in rows:
        writer.writerow(map(_csv_cell, row))
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _width(value) -> int:
    """Characters a cell needs: moments and dates as the spreadsheet shows them."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    return len(str(value))


def column_widths(header: list, sample: list[list]) -> list[float]:
    widths = []
    for n, title in enumerate(header):
        longest = max([_width(title) + 2, *(_width(row[n]) + 1 for row in sample if n < len(row))])
        widths.append(float(min(MAX_WIDTH, max(MIN_WIDTH, longest))))
    return widths


def xlsx_stream(rows: Iterable[list], title: str) -> Iterator[bytes]:
    """One sheet: a bold, frozen header with an autofilter over every row, then the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    rows = iter(rows)
    header = [_cell(v) for v in next(rows, [])]
    sample = [[_cell(v) for v in row] for row in itertools.islice(rows, WIDTH_SAMPLE)]
    # Views and column widths are written before the first row: set them now.
    sheet.freeze_panes = "A2"
    for n, width in enumerate(column_widths(header, sample), 1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E5E7EB")
    styled = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font, cell.fill = bold, fill
        styled.append(cell)
    sheet.append(styled)
    count = 1
    for row in itertools.chain(sample, ([_cell(v) for v in row] for row in rows)):
        sheet.append(row)
        count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count}"
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            yield chunk
