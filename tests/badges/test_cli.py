"""`flask badges list|award|revoke` and the demo step."""
from sqlalchemy import func, select

from lms.badges import demo
from lms.badges.codes import display
from lms.badges.models import BadgeAward
from lms.core.models import AuditEvent
from lms.extensions import db


def _awards():
    db.session.rollback()
    return db.session.scalars(select(BadgeAward).order_by(BadgeAward.id)).all()


def test_award_list_and_revoke_from_the_command_line(runner, make, small_course):
    learner, course = make.user(email="mei@example.org"), small_course()
    result = runner.invoke(args=["badges", "award", "--email", "MEI@example.org", "--course", course.slug,
                                 "--reason", "Completed the course offline"])
    assert result.exit_code == 0, result.output
    (award,) = _awards()
    assert award.user_id == learner.id and award.award_reason == "Completed the course offline"
    assert display(award.short_code) in result.output

    listed = runner.invoke(args=["badges", "list"])
    assert listed.exit_code == 0
    assert "mei@example.org" in listed.output and "valid" in listed.output and "1 award(s)" in listed.output

    revoked = runner.invoke(args=["badges", "revoke", "--code", award.short_code.lower(),
                                  "--reason", "Duplicate account"])
    assert revoked.exit_code == 0, revoked.output
    (award,) = _awards()
    assert award.status() == "revoked" and award.revocation_reason == "Duplicate account"
    assert "revoked" in runner.invoke(args=["badges", "list", "--search", "mei"]).output
    events = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert events == ["badge.awarded", "badge.revoked"]


def test_command_line_errors_write_nothing(runner, make, small_course):
    learner, course = make.user(), small_course()
    for args, message in [
        (["award", "--email", "nobody@example.org", "--course", course.slug, "--reason", "x"], "no account"),
        (["award", "--email", learner.email, "--course", "nope", "--reason", "x"], "no course"),
        (["award", "--email", learner.email, "--course", course.slug, "--reason", " "], "reason"),
        (["revoke", "--code", "00000-00000", "--reason", "x"], "no badge"),
        (["revoke", "--code", "!!", "--reason", "x"], "no badge"),
    ]:
        result = runner.invoke(args=["badges", *args])
        assert result.exit_code != 0 and message in result.output.lower(), (args, result.output)
    assert _awards() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_demo_gives_the_demo_learner_one_valid_and_one_revoked_badge(app, make, small_course):
    learner = make.user(email="learner@example.org", name="Lena Learner")
    admin = make.user(email="admin@example.org", role="admin")
    small_course(), small_course(), small_course()
    users = {"learner@example.org": learner, "admin@example.org": admin}
    demo.seed(users)
    db.session.commit()
    demo.seed(users)          # idempotent
    db.session.commit()
    awards = _awards()
    assert sorted(a.status() for a in awards) == ["revoked", "valid"]
    assert all(a.user_id == learner.id for a in awards)
    revoked = next(a for a in awards if a.status() == "revoked")
    assert revoked.revocation_reason == demo.REVOCATION_REASON
    valid = next(a for a in awards if a.status() == "valid")
    assert valid.awarded_by_id is None  # earned by completing the course, not handed out


def test_demo_skips_without_three_courses(app, make, small_course):
    learner = make.user(email="learner@example.org")
    small_course(), small_course()
    demo.seed({"learner@example.org": learner})
    db.session.commit()
    assert _awards() == []


def test_demo_badges_are_listed_on_the_learners_page(client, login, make, small_course):
    learner = make.user(email="learner@example.org")
    admin = make.user(email="admin@example.org", role="admin")
    small_course(), small_course(), small_course()
    demo.seed({"learner@example.org": learner, "admin@example.org": admin})
    db.session.commit()
    login(learner)
    page = client.get("/badges").get_data(as_text=True)
    assert "Valid" in page and "Revoked" in page and demo.REVOCATION_REASON in page
