from lms.badges import services
from lms.core.db import utcnow
from lms.extensions import db
def test_dbg(client, login, make):
    admin, learner = make.user(role="admin", name="Ada"), make.user(name="Lu")
    award, _ = services.award_badge(learner, make.course(modules=1, lessons=1, questions=2, final_questions=3), now=utcnow())
    db.session.commit()
    login(admin)
    page = client.post(f"/admin/badges/{award.uuid}/revoke").get_data(as_text=True)
    print(page[page.index("<h1"):page.index("</main")])
    client.post(f"/admin/badges/{award.uuid}/revoke", data={"confirmed": "1", "reason": "Oops <b>"})
    page = client.get("/admin/audit").get_data(as_text=True)
    print(page[page.index("<tbody"):page.index("</main")])
