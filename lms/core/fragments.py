"""`{% cache "name", key, ... %}...{% endcache %}`: a template fragment rendered once per process
for each key, the language and the content version.

For what is the same for everyone who shares the key: a lesson's text, a course outline in one
learner state, the site's navigation for one role. A fragment must not hold anything personal
or per request (a CSRF token, a name, a flash message) unless that is part of its key.
"""
from flask_babel import get_locale
from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

from lms.core.content_cache import LRU, cached

FRAGMENTS = LRU(4096)


class FragmentCache(Extension):
    tags = {"cache"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        keys = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_fragment", [nodes.List(keys)]), [], [], body).set_lineno(lineno)

    def _fragment(self, keys: list, caller) -> Markup:
        return cached(FRAGMENTS, (str(get_locale()), *keys), lambda: Markup(caller()))
