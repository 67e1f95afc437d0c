"""Catalogue filters, course text and glossary reads."""
from flask_login import AnonymousUserMixin

from lms.catalog import queries
from lms.catalog.models import GlossaryTerm, Module
from lms.core.db import utcnow
from lms.extensions import db
from tests.learning import helpers as h


def _slugs(cards):
    return [card.course.slug for card in cards]


def _courses(make):
    everyone = make.course("everyone", audiences=["all"])
    states = make.course("for-states", audiences=["sur", "rs"])
    civil = make.course("civil-society", audiences=["cso"])
    civil.title, civil.summary = "Civil society engagement", "Écrire une contribution"
    civil.translations = {"fr": {"title": "La société civile", "summary": "Participer à l'Examen périodique"}}
    civil.languages = ["en", "fr"]
    # Translated in part only: not offered under the Spanish filter.
    states.translations = {"es": {"title": "Para los Estados"}}
    retired = make.course("retired", audiences=["all"])
    retired.archived = True
    db.session.commit()
    return everyone, states, civil


def test_catalogue_lists_live_courses_in_order_with_their_module_count(make):
    everyone, states, civil = _courses(make)
    db.session.add(Module(course_id=everyone.id, slug="old", title="Old", archived=True))
    db.session.commit()
    cards = queries.catalogue()
    assert _slugs(cards) == ["everyone", "for-states", "civil-society"]
    assert cards[0].modules == 2 and cards[0].text.badge_name == everyone.badge["name"]


def test_audience_filter_includes_courses_for_everyone(make):
    _courses(make)
    assert _slugs(queries.catalogue(audience="sur")) == ["everyone", "for-states"]
    assert _slugs(queries.catalogue(audience="cso")) == ["everyone", "civil-society"]
    assert _slugs(queries.catalogue(audience="all")) == ["everyone"]
    assert _slugs(queries.catalogue(audience="nhri")) == ["everyone"]


def test_language_filter_lists_only_courses_complete_in_that_language(make):
    _courses(make)
    assert _slugs(queries.catalogue(language="en")) == ["everyone", "for-states", "civil-society"]
    assert _slugs(queries.catalogue(language="fr")) == ["civil-society"]
    assert _slugs(queries.catalogue(language="es")) == []


def test_keyword_search_ignores_case_and_accents_and_reads_translations(make):
    _courses(make)
    assert _slugs(queries.catalogue(q="CIVIL")) == ["civil-society"]
    assert _slugs(queries.catalogue(q="ecrire")) == ["civil-society"]
    assert _slugs(queries.catalogue(q="examen PÉRIODIQUE")) == ["civil-society"]
    assert _slugs(queries.catalogue(q="civil nothing-like-this")) == []
    assert _slugs(queries.catalogue(q="summary of course")) == ["everyone", "for-states"]


def test_search_input_is_never_sql(make):
    _courses(make)
    for hostile in ("%", "_", "' OR 1=1--", "1;DROP TABLE course", "\u2019 OR \u20181\u2019=\u20181"):
        assert queries.catalogue(q=hostile) == []
    assert len(queries.catalogue()) == 3


def test_cards_show_the_learners_enrolments(make):
    everyone, states, _civil = _courses(make)
    user = make.user()
    h.enrol(user, everyone, completed_at=utcnow())
    h.enrol(user, states, left_at=utcnow())
    cards = {c.course.slug: c for c in queries.catalogue(user=user)}
    assert cards["everyone"].enrollment.completed_at is not None
    assert cards["for-states"].enrollment is None
    assert all(c.enrollment is None for c in queries.catalogue(user=AnonymousUserMixin()))


def test_course_text_uses_the_translation_where_it_exists(make):
    _e, _s, civil = _courses(make)
    french = queries.course_text(civil, "fr")
    assert (french.title, french.translated) == ("La société civile", True)
    assert french.badge_name == civil.badge["name"]                  # not translated: English
    assert queries.course_text(civil, "es").title == "Civil society engagement"


def test_course_with_enrollment_reads_both_in_one_go(make, count_queries):
    user, course = make.user(), make.course("one-go")
    h.enrol(user, course)
    assert user.id
    with count_queries() as counter:
        found, enrollment = queries.course_with_enrollment("one-go", user)
    assert counter.count == 1 and found.id == course.id and enrollment.user_id == user.id
    assert queries.course_with_enrollment("nope", user) is None
    assert queries.course_with_enrollment("one-go", AnonymousUserMixin())[1] is None


def test_glossary_is_sorted_clean_and_skips_retired_terms(make):
    db.session.add_all([
        GlossaryTerm(slug="troika", term="Troika", definition_html='<p>Three <a href="javascript:x()">States</a></p>',
                     source="javascript:alert(1)"),
        GlossaryTerm(slug="ahrc", term="A/HRC documents", definition_html="<p>Symbols.</p>",
                     source="https://www.ohchr.org", translations={"fr": {"term": "Documents A/HRC"}}),
        GlossaryTerm(slug="gone", term="Gone", archived=True)])
    db.session.commit()
    terms = queries.glossary()
    assert [t.slug for t in terms] == ["ahrc", "troika"]
    assert "javascript" not in terms[1].definition and terms[1].source is None
    assert terms[0].source == "https://www.ohchr.org"
    assert [t.term for t in queries.glossary_terms(["troika", "gone", "ahrc"], "fr")] == ["Troika", "Documents A/HRC"]
    assert queries.glossary_terms([]) == []
