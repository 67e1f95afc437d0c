"""htmx helpers: one template serves the full page and the swapped fragment."""
from flask import render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def render_page_or_fragment(page: str, fragment: str, **context):
    """Render the fragment for htmx requests and the whole page otherwise."""
    return render_template(fragment if is_htmx() else page, **context)
