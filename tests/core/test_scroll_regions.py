"""A table that scrolls sideways on a phone must be reachable and named: a keyboard user scrolls
it by focusing it (axe's scrollable-region-focusable), a screen reader says what it holds."""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_scrolling_table_is_a_focusable_named_region():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<div[^>]*class=\"table-scroll\"[^>]*>", path.read_text()):
            found.append(path.name)
            assert 'tabindex="0"' in tag and 'role="region"' in tag, (path, tag)
            assert "aria-label=" in tag or "aria-labelledby=" in tag, (path, tag)
    assert len(found) >= 15
