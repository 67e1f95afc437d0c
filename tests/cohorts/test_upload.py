"""CSV upload through the page: validation first, import, invitations, idempotency."""
import io
import re

from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from lms.auth.models import User
from lms.cohorts.models import CohortInvitation, Organisation
from lms.core.models import AuditEvent
from lms.extensions import db
from lms.learning.models import Enrollment
from tests.cohorts.conftest import active_learner_ids

GOOD = ("name,email,organisation,language\n"
        "Amina Diallo,amina.d@example.org,Ministry of Justice,fr\n"
        "Carlos Pérez,carlos.p@example.org,ministry of justice,es\n"
        "Mei Chen,mei.c@example.org,,\n")


def upload(client, cohort, text, only_good=False):
    data = {"file": (io.BytesIO(text.encode() if isinstance(text, str) else text), "learners.csv")}
    if only_good:
        data["only_good_rows"] = "y"
    return client.post(f"/cohorts/{cohort.id}/upload", data=data, content_type="multipart/form-data")


def count(model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def invitations(cohort):
    db.session.rollback()
    return {i.user_id: i for i in db.session.scalars(select(CohortInvitation).where(CohortInvitation.cohort_id == cohort.id))}


def test_good_file_invites_everyone_alike_and_nobody_joins_yet(client, login, make, make_cohort, smtp_server):
    facilitator = make.user(role="facilitator")
    course = make.course()
    cohort = make_cohort(facilitator=facilitator, courses=[course], name="Justice 2026")
    existing = make.user(email="mei.c@example.org", name="Mei Existing")
    login(facilitator)
    response = upload(client, cohort, GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 people invited: they join the cohort when they accept." in page
    assert "account" not in page.split("Import finished")[1].split("</section>")[0].lower()  # nothing on who had one
    db.session.rollback()
    users = {u.email: u for u in db.session.scalars(select(User))}
    amina, carlos = users["amina.d@example.org"], users["carlos.p@example.org"]
    assert amina.password_hash is None and amina.locale == "fr" and carlos.locale == "es"
    mei = users["mei.c@example.org"]
    assert (mei.name, mei.organisation_id, mei.organisation_text) == ("Mei Existing", None, None)  # untouched
    assert count(Organisation) == 1                                  # matched case-insensitively
    assert amina.organisation_id == carlos.organisation_id is not None
    assert active_learner_ids(cohort.id) == set() and count(Enrollment) == 0   # nobody joined
    invited = invitations(cohort)
    assert set(invited) == {amina.id, carlos.id, existing.id} and invited[existing.id].name == "Mei Chen"
    mails = {m["To"]: m for m in smtp_server.messages}
    assert sorted(mails) == ["amina.d@example.org", "carlos.p@example.org", "mei.c@example.org"]
    assert "/welcome/" in mails["amina.d@example.org"].get_content()
    assert "/invitations/" in mails["mei.c@example.org"].get_content()
    assert "Justice 2026" in mails["amina.d@example.org"]["Subject"]
    assert db.session.scalar(select(AuditEvent.data).where(AuditEvent.action == "cohort.roster_imported")) == \
        {"invited": 3, "organisations": ["Ministry of Justice"]}


def test_invitation_link_welcomes_logs_in_joins_and_lands_on_the_course(client, login, make, make_cohort,
                                                                        smtp_server, app):
    facilitator = make.user(role="facilitator")
    course = make.course(title="Working with the UPR")
    cohort = make_cohort(facilitator=facilitator, courses=[course])
    login(facilitator)
    upload(client, cohort, "name,email,language\nNew Learner,new.learner@example.org,fr\n")
    body = smtp_server.messages[0].get_content()
    link = re.search(r"http://localhost(/welcome/\S+)", body).group(1)
    learner = app.test_client()
    page = learner.get(link).get_data(as_text=True)
    assert '<html lang="fr">' in page and "new.learner@example.org" in page
    with app.test_request_context(), force_locale("fr"):
        assert gettext("Welcome to UPR Academy") in page and gettext("Choose a new password") not in page
    response = learner.post(link, data={"password": "a long new passphrase", "confirm": "a long new passphrase"})
    assert response.status_code == 303 and response.headers["Location"] == f"/courses/{course.slug}"
    assert "New Learner" in learner.get("/learning").get_data(as_text=True)   # logged in
    db.session.rollback()
    new = db.session.scalar(select(User).where(User.email == "new.learner@example.org"))
    assert active_learner_ids(cohort.id) == {new.id}
    assert invitations(cohort)[new.id].response == "accepted"
    assert db.session.scalar(select(Enrollment.course_id).where(Enrollment.user_id == new.id)) == course.id
    used = learner.get(link)
    assert used.status_code == 400 and "/login" in used.get_data(as_text=True)  # the link worked once


def test_uploading_the_same_file_again_changes_nothing_and_sends_nothing(client, login, make, make_cohort, smtp_server):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator, courses=[make.course()])
    login(facilitator)
    upload(client, cohort, GOOD)
    sent = len(smtp_server.messages)
    before = {model.__name__: count(model) for model in (User, Organisation, Enrollment, AuditEvent, CohortInvitation)}
    response = upload(client, cohort, GOOD)
    assert "Already in the cohort or already invited, unchanged: 3" in response.get_data(as_text=True)
    assert {model.__name__: count(model) for model in (User, Organisation, Enrollment, AuditEvent,
                                                       CohortInvitation)} == before
    assert len(smtp_server.messages) == sent


def test_bad_rows_block_the_import_and_are_listed(client, login, make, make_cohort, smtp_server):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator)
    login(facilitator)
    response = upload(client, cohort, GOOD + ",no.name@example.org,,\nDup,amina.d@example.org,,\nX,bad@,,\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "3 rows have problems. Nothing was imported." in page
    for line in ("<td>5</td>", "<td>6</td>", "<td>7</td>"):
        assert line in page
    assert count(User) == 1 and invitations(cohort) == {} and count(Organisation) == 0
    assert smtp_server.messages == []


def test_only_good_rows_when_ticked(client, login, make, make_cohort, smtp_server):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator)
    login(facilitator)
    response = upload(client, cohort, GOOD + "Bad,bad@,,\n", only_good=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Rows skipped because of a problem: 1" in page and "<td>5</td>" in page
    assert len(invitations(cohort)) == 3
    assert len(smtp_server.messages) == 3


def test_formula_and_script_names_are_stored_as_text_and_shown_escaped(client, login, make, make_cohort):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator)
    login(facilitator)
    upload(client, cohort, "name,email\n\"=cmd|' /C calc'!A0\",formula@example.org\n"
                           "<script>alert(1)</script>,script@example.org\n")
    db.session.rollback()
    names = set(db.session.scalars(select(User.name).where(User.email.in_(["formula@example.org", "script@example.org"]))))
    assert names == {"=cmd|' /C calc'!A0", "<script>alert(1)</script>"}
    page = client.get(f"/cohorts/{cohort.id}/members?state=invited").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "=cmd|&#39; /C calc&#39;!A0" in page


def test_capacity_counts_members_and_pending_invitations(client, login, make, make_cohort):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator, learners=[make.user()], capacity=2)
    login(facilitator)
    response = upload(client, cohort, GOOD)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count("The cohort is full (capacity 2)") == 2
    assert invitations(cohort) == {}
    upload(client, cohort, GOOD, only_good=True)
    assert len(invitations(cohort)) == 1
    response = upload(client, cohort, "name,email\nLate,late@example.org\n")   # the invitation holds the place
    assert "The cohort is full (capacity 2)" in response.get_data(as_text=True)


def test_upload_messages_never_tell_which_emails_have_accounts_or_are_staff(client, login, make, make_cohort,
                                                                             smtp_server):
    facilitator = make.user(role="facilitator", email="fac@example.org")
    make.user(email="gone@example.org", active=False)
    make.user(role="admin", email="boss@example.org")
    make.user(email="known@example.org")
    cohort = make_cohort(facilitator=facilitator)
    login(facilitator)
    rows = "Gone,gone@example.org\nBoss,boss@example.org\nKnown,known@example.org\nNew,new@example.org\n"
    page = upload(client, cohort, "name,email\nMe,fac@example.org\n" + rows).get_data(as_text=True)
    assert "fac@example.org facilitates this cohort." in page       # the uploader sees that on the cohort's page
    for hint in ("deactivated", "staff", "gone@example.org", "boss@example.org", "known@example.org"):
        assert hint not in page
    page = upload(client, cohort, "name,email\n" + rows, only_good=True).get_data(as_text=True)
    assert "4 people invited" in page
    assert active_learner_ids(cohort.id) == set() and len(invitations(cohort)) == 4
    assert "gone@example.org" not in {m["To"] for m in smtp_server.messages}   # it cannot log in: no mail


def test_non_utf8_and_oversized_files_are_refused(client, login, make, make_cohort, app):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator)
    login(facilitator)
    response = upload(client, cohort, "name,email\nÉlodie,elodie@example.org\n".encode("cp1252"))
    assert response.status_code == 400
    assert "The file is not UTF-8 text" in response.get_data(as_text=True)
    big = b"name,email\n" + b"x" * (app.config["MAX_UPLOAD_LENGTH"] + 1)
    assert upload(client, cohort, big).status_code == 413
    assert count(User) == 1


def test_upload_without_a_file_is_a_form_error(client, login, make, make_cohort):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator)
    login(facilitator)
    response = client.post(f"/cohorts/{cohort.id}/upload", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a CSV file." in response.get_data(as_text=True)


def test_import_costs_the_same_number_of_queries_for_5_or_200_rows(client, login, make, make_cohort,
                                                                   count_queries):
    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator, courses=[make.course(), make.course()])
    login(facilitator)
    db.session.rollback()
    assert cohort.id  # loaded now, not inside the counted requests

    def roster(size, tag):
        return "name,email,organisation\n" + "".join(
            f"P{tag}{n},p{tag}{n}@example.org,Org {tag} {n % 3}\n" for n in range(size))

    for n in range(200):
        make.user(email=f"pc{n}@example.org")   # existing accounts cost no more either
    db.session.rollback()
    assert cohort.id
    with count_queries() as small:
        assert "5 people invited" in upload(client, cohort, roster(5, "a")).get_data(as_text=True)
    with count_queries() as large:
        assert "200 people invited" in upload(client, cohort, roster(200, "b")).get_data(as_text=True)
    with count_queries() as known:
        assert "200 people invited" in upload(client, cohort, roster(200, "c")).get_data(as_text=True)
    assert small.count == large.count and known.count <= large.count
    assert len(invitations(cohort)) == 405
    db.session.rollback()


def test_learners_invited_by_csv_get_the_invitation_in_their_language(client, login, make, make_cohort, smtp_server):
    from flask_babel import force_locale, gettext

    facilitator = make.user(role="facilitator")
    cohort = make_cohort(facilitator=facilitator)
    login(facilitator)
    upload(client, cohort, GOOD)
    for email, lang in (("amina.d@example.org", "fr"), ("carlos.p@example.org", "es")):
        mail = next(m for m in smtp_server.messages if m["To"] == email)
        with force_locale(lang):
            subject = gettext("You are invited to %(cohort)s on UPR Academy", cohort=" ".join(cohort.name.split()))
        assert subject != f"You are invited to {' '.join(cohort.name.split())} on UPR Academy"
        assert mail["Subject"] == subject
        assert "You are invited" not in mail.get_content()
