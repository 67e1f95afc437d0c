import json

import pytest
from sqlalchemy import JSON, String, Text, select

from lms.auth import erasure, services
from lms.auth.models import User
from lms.badges.codes import display
from lms.badges.models import BadgeAward
from lms.cohorts.models import CohortMember, Organisation
from lms.dashboards import items, queries, risks
from lms.extensions import db
from lms.quizzes.models import QuestionResponse, QuizAttempt
from tests.auth.conftest import EMAIL, NAME
from tests.dashboards.conftest import NOW


def _text_cells_mentioning(*needles: str) -> list[str]:
    """Every (table.column, id) whose text or JSON holds one of the needles, in any case."""
    found = []
    needles = [n.lower() for n in needles]
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        key = list(table.primary_key.columns)[0]
        for row in db.session.execute(select(key, *columns)):
            for column, value in zip(columns, row[1:], strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if text and any(n in text.lower() for n in needles):
                    found.append(f"{table.name}.{column.name}#{row[0]}")
    return found


def _statistics(h):
    ctx = queries.context(h.cohort, h.course.id)
    learners = queries.learner_rows(h.cohort, ctx.structure)
    headline = risks.headline(h.cohort, ctx.structure, learners, due_on=None, now=NOW)
    analysis = items.analyse_quiz(h.cohort, h.quiz)
    person = next(x for x in learners if x.id == h.person.id)
    return {"learners": headline.learners, "completed": headline.completed, "best": headline.average_best_score,
            "progress": person.progress, "results": person.results, "attempts": analysis.attempts,
            "items": [row.stats for row in analysis.rows], "average": analysis.average}


def _delete(user):
    db.session.rollback()
    user = db.session.get(User, user.id)
    erasure.delete_account(user, now=NOW)
    db.session.commit()
    return user


def test_after_deletion_no_text_column_of_any_table_holds_the_name_or_address(history):
    assert len(_text_cells_mentioning(NAME, EMAIL)) >= 5  # the fixture really spreads them around
    user = _delete(history.person)
    assert _text_cells_mentioning(NAME, EMAIL) == []
    assert (user.name, user.email) == ("Deleted account", f"deleted-{user.id}@invalid")
    assert user.password_hash is None and user.organisation_text is None and user.timezone is None
    assert user.active is False and user.deleted_at is not None
    # The classmate's records are untouched.
    assert _text_cells_mentioning("Kofi Mensah", "kofi.mensah@example.org")


def test_the_cohorts_statistics_still_count_the_deleted_persons_work(history):
    before = _statistics(history)
    _delete(history.person)
    after = _statistics(history)
    assert after == before
    assert after["attempts"] == 2 and after["learners"] == 2
    person_id = history.person.id
    assert db.session.scalar(select(db.func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id == person_id)) == 1
    assert db.session.scalar(select(db.func.count()).select_from(CohortMember).where(CohortMember.user_id == person_id)) == 1
    short = db.session.scalars(select(QuestionResponse.response).join(QuizAttempt)
                               .where(QuizAttempt.user_id == person_id)).all()
    assert {"text": f"Deleted account <deleted-{person_id}@invalid>"} in short


def test_badges_are_revoked_and_the_verify_page_says_so(history, client):
    code = display(history.award.short_code)
    assert "Valid" in client.get(f"/verify/{code}").get_data(as_text=True)
    _delete(history.person)
    award = db.session.get(BadgeAward, history.award.id)
    assert award.revocation_reason == "Account deleted" and award.revoked_by_id == history.person.id
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Revoked" in page and NAME not in page
    # The old address no longer matches the badge's recipient.
    check = client.post(f"/verify/{code}", data={"email": EMAIL}).get_data(as_text=True)
    assert "match-no" in check
    assert db.session.get(BadgeAward, history.classmate_award.id).revoked_at is None


def test_every_session_of_the_deleted_account_ends(history, client, login):
    other = login(history.person, c=client.application.test_client())
    assert other.get("/account").status_code == 200
    _delete(history.person)
    assert other.get("/account").status_code == 302


def test_the_last_administrator_cannot_delete_their_account(make):
    admin = make.user("admin")
    with pytest.raises(services.AccountError, match="only administrator"):
        erasure.delete_account(admin, now=NOW)
    second = make.user("admin")
    erasure.delete_account(admin, now=NOW)
    with pytest.raises(services.AccountError, match="only administrator"):
        erasure.delete_account(second, now=NOW)


def test_an_organisation_named_after_the_person_is_renamed_without_a_clash(make):
    person = make.user(name="Amara Okafor")
    db.session.add_all([Organisation(name="Amara Okafor Consulting"), Organisation(name="Deleted account Consulting")])
    db.session.commit()
    erasure.delete_account(person, now=NOW)
    db.session.commit()
    names = set(db.session.scalars(select(Organisation.name)))
    assert "Amara Okafor Consulting" not in names and len(names) == 2


def test_a_name_inside_another_word_is_left_alone(make):
    from lms.core.models import AuditEvent

    person = make.user(name="Ana")
    db.session.add(AuditEvent(action="note", target_type="cohort", data={"note": "Banana and Ana"}))
    db.session.commit()
    erasure.delete_account(person, now=NOW)
    db.session.commit()
    assert db.session.scalar(select(AuditEvent.data).where(AuditEvent.action == "note")) == {
        "note": "Banana and Deleted account"}


@pytest.mark.parametrize("typed, ok", [(EMAIL, True), (EMAIL.upper() + " ", True), ("correct horse battery staple", True),
                                       ("someone.else@example.org", False), ("", False)])
def test_confirmation_by_email_or_password(history, typed, ok):
    assert erasure.confirms(history.person, typed) is ok


def test_accented_names_are_found_in_json_too(make):
    from lms.core.models import AuditEvent

    person = make.user(name="José Pérez-Ñúñez", email="jose@example.org")
    db.session.add(AuditEvent(action="note", target_type="user", data={"who": ["José Pérez-Ñúñez"]}))
    db.session.add(Organisation(name="Fundación José Pérez-Ñúñez"))
    db.session.commit()
    erasure.delete_account(person, now=NOW)
    db.session.commit()
    assert _text_cells_mentioning("José Pérez-Ñúñez", "jose@example.org") == []


def test_only_whole_addresses_are_replaced(make):
    from lms.core.models import AuditEvent

    person = make.user(name="Ana Silva", email="ana@example.org")
    db.session.add(AuditEvent(action="note", target_type="user", data={
        "note": "Copy diana@example.org and ana@example.org.", "cc": "ana@example.org.uk"}))
    db.session.commit()
    assert erasure.scrub_copies(person.name, person.email, replacement_name="X", replacement_email="gone@invalid") == 1
    db.session.commit()
    assert db.session.scalar(select(AuditEvent.data).where(AuditEvent.action == "note")) == {
        "note": "Copy diana@example.org and gone@invalid.", "cc": "ana@example.org.uk"}
