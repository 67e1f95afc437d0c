"""Admin writes on organisations: create, edit, merge, delete. Each change is audited.

What refers to an organisation is found from the schema (every foreign key to its table), so a
table added later that names an organisation moves with a merge and blocks a plain delete too.
"""
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from lms.auth.models import User
from lms.cohorts.countries import CODES
from lms.cohorts.models import ORGANISATION_KINDS, Organisation
from lms.cohorts.services import CohortError
from lms.core import audit
from lms.extensions import db


def _check_name(name: str, organisation: Organisation | None) -> str:
    name = name.strip()
    clash = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if clash is not None and clash is not organisation:
        raise CohortError(_("An organisation with this name already exists."), 400)
    return name


def save_organisation(organisation: Organisation | None, *, user, now, name: str, kind: str,
                      country: str | None) -> Organisation:
    """Create (organisation=None) or edit an organisation."""
    if kind not in ORGANISATION_KINDS:
        raise CohortError(_("Unknown kind of organisation."), 400)
    country = (country or "").upper() or None
    if country is not None and country not in CODES:
        raise CohortError(_("Choose one of the UN Member and Observer States, or none."), 400)
    name = _check_name(name, organisation)
    if organisation is None:
        organisation = Organisation(created_at=now)
        db.session.add(organisation)
        action = "organisation.created"
    else:
        action = "organisation.updated"
    organisation.name, organisation.kind, organisation.country = name, kind, country
    db.session.flush()
    audit.record(user, action, organisation, name=name, kind=kind, country=country)
    db.session.flush()
    return organisation


def reference_columns() -> list:
    """Every column, in any table, that holds an organisation id."""
    table = Organisation.__table__
    return [fk.parent for other in db.metadata.sorted_tables for fk in other.foreign_keys
            if fk.column.table is table and other is not table]


def reference_counts(organisation: Organisation) -> dict[str, int]:
    """{table name: rows that refer to the organisation}, tables with none left out. One query."""
    columns = reference_columns()
    counts = db.session.execute(select(*(
        select(func.count()).select_from(column.table).where(column == organisation.id).scalar_subquery()
        for column in columns))).one()
    found: dict[str, int] = {}
    for column, count in zip(columns, counts, strict=True):
        if count:
            found[column.table.name] = found.get(column.table.name, 0) + count
    return found


def _move_references(source_id: int, target_id: int | None) -> dict[str, int]:
    moved: dict[str, int] = {}
    for column in reference_columns():
        result = db.session.execute(update(column.table).where(column == source_id)
                                    .values({column.name: target_id})
                                    .execution_options(synchronize_session=False))
        if result.rowcount:
            moved[column.table.name] = moved.get(column.table.name, 0) + result.rowcount
    return moved


def merge_organisations(source: Organisation, target: Organisation, *, user) -> dict[str, int]:
    """Move everything that refers to `source` to `target`, then delete `source`. `target`
    keeps its own name, kind and country. Returns the counts moved, by table."""
    if source.id == target.id:
        raise CohortError(_("Choose another organisation to merge with."), 400)
    moved = _move_references(source.id, target.id)
    audit.record(user, "organisation.merged", target, merged_id=source.id, merged_name=source.name,
                 people=moved.get("user", 0), cohorts=moved.get("cohort", 0),
                 **{f"moved_{name}": n for name, n in moved.items() if name not in ("user", "cohort")})
    db.session.delete(source)
    db.session.flush()
    db.session.expire_all()  # loaded people and cohorts still hold the old id
    return moved


def delete_organisation(organisation: Organisation, *, user, detach: bool = False) -> dict[str, int]:
    """Delete an organisation nothing refers to. With `detach`, delete it anyway: people keep its
    name as the organisation written on their account (unless they wrote one themselves),
    cohorts name no organisation. CohortError (409) when refused."""
    counts = reference_counts(organisation)
    if counts and not detach:
        raise CohortError(_("People or cohorts still belong to this organisation: merge it with "
                            "another, or delete it and detach them."), 409)
    if counts:
        db.session.execute(update(User).where(User.organisation_id == organisation.id,
                                              func.coalesce(User.organisation_text, "") == "")
                           .values(organisation_text=organisation.name)
                           .execution_options(synchronize_session=False))
    detached = _move_references(organisation.id, None) if counts else {}
    audit.record(user, "organisation.deleted", organisation, name=organisation.name,
                 people=detached.get("user", 0), cohorts=detached.get("cohort", 0))
    db.session.delete(organisation)
    db.session.flush()
    db.session.expire_all()
    return detached
