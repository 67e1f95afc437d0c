"""Every dashboard view issues the same number of queries for 10, 100 and 1,000 learners,
time on task included (the drill-down and the matrix export read it for everyone at once)."""
import csv
import io

from sqlalchemy import select

from lms.cohorts.models import CohortMember
from lms.dashboards.synth import build_cohort
from lms.extensions import db
from lms.quizzes.models import QuizAttempt

SIZES = (10, 100, 1000)


def _urls(cohort_id: int, learner_id: int) -> dict[str, str]:
    base = f"/cohorts/{cohort_id}"
    return {
        "dashboard": f"{base}/dashboard",
        "matrix": f"{base}/matrix",
        "matrix, sorted and filtered": f"{base}/matrix?sort=progress&dir=desc&at_risk=1&q=a&page=2",
        "matrix, one module": f"{base}/matrix?module=module-2",
        "at risk": f"{base}/at-risk",
        "learner": f"{base}/learners/{learner_id}",
        "item analysis": f"{base}/items",
        "item analysis, all attempts": f"{base}/items?attempts=all",
        "chart": f"{base}/chart.svg",
        "export matrix csv": f"{base}/export.csv?what=matrix",
        "export quiz csv": f"{base}/export.csv?what=quiz",
        "export matrix xlsx": f"{base}/export.xlsx?what=matrix",
        "export quiz xlsx": f"{base}/export.xlsx?what=quiz",
    }


def test_query_counts_do_not_grow_with_the_cohort(app, client, make, login, count_queries):
    course = make.course(modules=3, lessons=3, questions=5, final_questions=8)
    facilitator = make.user(role="facilitator")
    cohorts = {n: build_cohort(course, learners=n, facilitator=facilitator, seed=n).cohort.id for n in SIZES}
    db.session.commit()
    # a learner with quiz attempts in each cohort, for the drill-down page
    learners = {n: db.session.scalar(
        select(QuizAttempt.user_id).join(CohortMember, CohortMember.user_id == QuizAttempt.user_id)
        .where(CohortMember.cohort_id == cohort_id).limit(1)) for n, cohort_id in cohorts.items()}
    login(facilitator)
    counts: dict[str, dict[int, int]] = {}
    for n, cohort_id in cohorts.items():
        for name, url in _urls(cohort_id, learners[n]).items():
            with count_queries() as counter:
                response = client.get(url)
                body = response.data            # streamed exports run their queries while read
            assert response.status_code == 200 and body, (name, n)
            counts.setdefault(name, {})[n] = counter.count
            if name == "learner":
                assert b'class="num time-on-task"' in body and b"less than 1 min" not in body
            if name == "export matrix csv":
                rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
                assert sum(int(row["Time on task (minutes)"]) for row in rows) > 0
    for name, by_size in counts.items():
        assert len(set(by_size.values())) == 1, f"{name}: {by_size}"
    # Ceilings include the content version read once per page (lms/core/content_cache.py).
    assert counts["dashboard"][10] <= 12, counts["dashboard"]    # the module funnel is one grouped query
    # The drill-down is the busiest page (progress, attempts, answers, time, badges, reminders, overrides).
    assert counts["learner"][10] <= 22, counts["learner"]
    assert max(c[10] for name, c in counts.items() if name != "learner") <= 12, \
        " ".join(f"{name}={c[10]}" for name, c in counts.items())


def test_sorting_the_matrix_by_any_column_and_the_funnel_keep_query_counts_fixed(client, make, login, count_queries):
    """A column sort reads every learner's cells; the funnel reads every learner's modules: still
    one grouped query each, whatever the cohort size."""
    from lms.catalog.models import Lesson, Module

    course = make.course(modules=3, lessons=3, questions=5, final_questions=8)
    facilitator = make.user(role="facilitator")
    cohorts = {n: build_cohort(course, learners=n, facilitator=facilitator, seed=n).cohort.id for n in (20, 400)}
    db.session.commit()
    module = db.session.scalar(select(Module).where(Module.course_id == course.id).order_by(Module.position))
    lesson = db.session.scalar(select(Lesson).where(Lesson.module_id == module.id).order_by(Lesson.position))
    login(facilitator)
    counts: dict[str, dict[int, int]] = {}
    for n, cohort_id in cohorts.items():
        base = f"/cohorts/{cohort_id}"
        for name, url in {"dashboard and funnel": f"{base}/dashboard",
                          "matrix by a module": f"{base}/matrix?sort=m{module.id}&dir=desc",
                          "matrix by organisation, 200 a page": f"{base}/matrix?sort=organisation&per=200",
                          "one module by a lesson": f"{base}/matrix?module={module.slug}&sort=l{lesson.id}"}.items():
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200, (name, n)
            counts.setdefault(name, {})[n] = counter.count
    for name, by_size in counts.items():
        assert len(set(by_size.values())) == 1, f"{name}: {by_size}"
