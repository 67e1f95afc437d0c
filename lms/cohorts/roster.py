"""CSV enrolment: read and check a roster of learners, then import the good rows.

The file has a header line naming its columns (name, email, organisation, language; the last
two optional, extra columns ignored). Every problem is reported with the line it is on, and
`import_roster` only ever receives rows that passed every check.
"""
import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import insert, select

from lms.auth.models import User
from lms.cohorts import services
from lms.cohorts.models import Cohort, CohortInvitation, CohortMember, Organisation
from lms.extensions import db

MAX_ROWS = 2000
NAME_MAX, EMAIL_MAX, ORGANISATION_MAX = 120, 254, 200
HEADERS = {
    "name": {"name", "full name", "fullname", "nom", "nombre"},
    "email": {"email", "e-mail", "email address", "e-mail address", "mail", "courriel", "correo"},
    "organisation": {"organisation", "organization", "org", "organisme", "organización", "organizacion"},
    "language": {"language", "lang", "locale", "langue", "idioma"},
}
LANGUAGES = {"en": "en", "english": "en", "anglais": "en", "inglés": "en",
             "fr": "fr", "french": "fr", "français": "fr", "francais": "fr", "francés": "fr",
             "es": "es", "spanish": "es", "espagnol": "es", "español": "es", "espanol": "es"}


@dataclass
class Row:
    line: int
    name: str
    email: str
    organisation: str
    language: str


@dataclass
class Problem:
    line: int
    message: str


@dataclass
class Roster:
    rows: list[Row] = field(default_factory=list)          # rows with no problem
    problems: list[Problem] = field(default_factory=list)  # one per bad row (or file problem)
    fatal: bool = False                                    # the file itself is unusable

    @property
    def bad_lines(self) -> int:
        return len({p.line for p in self.problems})

    def importable(self, only_good_rows: bool) -> bool:
        if self.fatal or not (self.rows or self.problems):
            return False
        return not self.problems or only_good_rows


@dataclass
class ImportResult:
    invited: int = 0                                       # invitations sent by this upload
    already: int = 0                                       # already in the cohort or already invited
    organisations: list[str] = field(default_factory=list)  # organisations created, by name
    invitation_ids: list[int] = field(default_factory=list)


def read_roster(data: bytes, *, max_rows: int = MAX_ROWS) -> Roster:
    """Parse and check the file on its own (no database)."""
    roster = Roster()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _fatal(roster, 0, _("The file is not UTF-8 text. In your spreadsheet, save it as "
                                   "\"CSV UTF-8\" and upload it again."))
    if "\x00" in text:
        return _fatal(roster, 0, _("The file is not a CSV text file."))
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return _fatal(roster, 0, _("The file is empty."))
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter)
    try:
        header = next(reader)
        columns = _columns(header)
        if "name" not in columns or "email" not in columns:
            return _fatal(roster, 1, _("The first line must name the columns: name, email, and "
                                       "optionally organisation and language."))
        _read_rows(reader, columns, roster, max_rows)
    except csv.Error as error:
        return _fatal(roster, reader.line_num, _("The file is not valid CSV (%(error)s).", error=str(error)))
    return roster


def _fatal(roster: Roster, line: int, message: str) -> Roster:
    roster.rows.clear()
    roster.problems.append(Problem(line, message))
    roster.fatal = True
    return roster


def _columns(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, title in enumerate(header):
        key = " ".join(title.strip().lower().replace("_", " ").split())
        for column, names in HEADERS.items():
            if key in names and column not in columns:
                columns[column] = index
    return columns


def _read_rows(reader, columns: dict[str, int], roster: Roster, max_rows: int) -> None:
    seen: dict[str, int] = {}
    count = 0
    line = reader.line_num + 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        count += 1
        if count > max_rows:
            _fatal(roster, start, _("The file has more than %(n)d learners. Split it into files of "
                                    "at most %(n)d rows.", n=max_rows))
            return
        values = {name: record[index].strip() if index < len(record) else "" for name, index in columns.items()}
        row = Row(start, values.get("name", ""), values.get("email", "").lower(),
                  values.get("organisation", ""), values.get("language", ""))
        problem = _row_problem(row, seen)
        if problem:
            roster.problems.append(Problem(start, problem))
        else:
            seen.setdefault(row.email, start)
            roster.rows.append(row)


def _row_problem(row: Row, seen: dict[str, int]) -> str | None:
    if not row.name:
        return _("The name is missing.")
    if len(row.name) > NAME_MAX:
        return _("The name is longer than %(n)d characters.", n=NAME_MAX)
    if any(ord(ch) < 32 for ch in row.name):
        return _("The name contains a line break or a control character.")
    if not row.email:
        return _("The e-mail address is missing.")
    try:
        validate_email(row.email, check_deliverability=False)
    except EmailNotValidError:
        return _("\"%(email)s\" is not a valid e-mail address.", email=row.email)
    if len(row.email) > EMAIL_MAX:
        return _("The e-mail address is too long.")
    if row.email in seen:
        return _("%(email)s appears twice in the file (first on line %(line)d).",
                 email=row.email, line=seen[row.email])
    if len(row.organisation) > ORGANISATION_MAX:
        return _("The organisation name is longer than %(n)d characters.", n=ORGANISATION_MAX)
    language = LANGUAGES.get(row.language.lower()) if row.language else "en"
    if language is None:
        return _("Unknown language \"%(language)s\". Use en, fr or es.", language=row.language)
    row.language = language
    return None


def check_against_cohort(roster: Roster, cohort: Cohort) -> None:
    """Problems that depend on the database: people who facilitate this cohort (the uploader sees
    them on the cohort's page) and rows beyond the cohort's capacity. Nothing here tells whether
    an e-mail has an account, or what kind: every other row is invited alike. Three queries
    whatever the file size."""
    if roster.fatal or not roster.rows:
        return
    emails = [row.email for row in roster.rows]
    users = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).tuples().all())
    ids = list(users.values())
    taken: dict[int, str] = {}
    if ids:
        taken.update((user_id, "invited") for user_id in db.session.scalars(select(CohortInvitation.user_id).where(
            CohortInvitation.cohort_id == cohort.id, CohortInvitation.response.is_(None),
            CohortInvitation.user_id.in_(ids))))
        taken.update(db.session.execute(select(CohortMember.user_id, CohortMember.role).where(
            CohortMember.cohort_id == cohort.id, CohortMember.removed_at.is_(None),
            CohortMember.user_id.in_(ids))).tuples().all())
    room = services.room_left(cohort)
    good = []
    for row in roster.rows:
        place = taken.get(users.get(row.email))
        if place == "facilitator":
            roster.problems.append(Problem(row.line, _("%(email)s facilitates this cohort.", email=row.email)))
        elif place is None and room is not None and room <= 0:
            roster.problems.append(Problem(row.line, _("The cohort is full (capacity %(n)d).", n=cohort.capacity)))
        else:
            if place is None and room is not None:
                room -= 1
            good.append(row)
    roster.rows = good
    roster.problems.sort(key=lambda problem: problem.line)


def import_roster(cohort: Cohort, rows: list[Row], *, user, now) -> ImportResult:
    """Create the accounts that do not exist yet, and invite everyone listed. Nobody joins the
    cohort until they accept, and no existing account's profile is written. Running it twice
    changes nothing. The number of statements depends on the number of new organisations, not on
    the number of rows."""
    from lms.cohorts import consent
    from lms.core import audit

    result = ImportResult()
    services.lock_cohort(cohort)
    emails = [row.email for row in rows]
    users = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).tuples().all())
    new = [row for row in rows if row.email not in users]
    if new:
        organisations = _organisations([row.organisation for row in new if row.organisation], result, now)
        db.session.execute(insert(User), [
            {"email": row.email, "name": row.name, "role": "learner", "locale": row.language,
             "organisation_text": row.organisation or None, "password_hash": None, "created_at": now,
             "organisation_id": organisations[row.organisation.casefold()].id if row.organisation else None}
            for row in new])
        users.update(db.session.execute(select(User.email, User.id).where(
            User.email.in_([row.email for row in new]))).tuples().all())
    result.invitation_ids, result.already = consent.invite_many(
        cohort, [(users[row.email], row.name) for row in rows], user=user, now=now)
    result.invited = len(result.invitation_ids)
    if result.invited or result.organisations:
        audit.record(user, "cohort.roster_imported", cohort, invited=result.invited,
                     organisations=result.organisations)
    db.session.flush()
    return result


def _organisations(names: list[str], result: ImportResult, now) -> dict[str, Organisation]:
    """Organisations by case-folded name: matched case-insensitively, else created (kind other)."""
    wanted = {name.casefold(): name for name in reversed(names)}  # first spelling in the file wins
    if not wanted:
        return {}
    # Organisations are few; comparing in Python folds non-ASCII case too (SQLite's lower() does not).
    found = {org.name.casefold(): org for org in db.session.scalars(select(Organisation))}
    for key, name in wanted.items():
        if key not in found:
            found[key] = Organisation(name=name, kind="other", created_at=now)
            db.session.add(found[key])
            result.organisations.append(name)
    db.session.flush()
    return found
