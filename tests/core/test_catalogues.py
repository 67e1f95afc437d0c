"""The French and Spanish message catalogues: every msgid translated, nothing fuzzy, the same
placeholders as the English, and in step with the code (`make messages`)."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lms import config

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")
TRANSLATIONS = Path(config.ROOT) / "translations"


def _catalogue(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", encoding="utf-8") as handle:
        return read_po(handle)


def _messages(lang):
    return [m for m in _catalogue(lang) if m.id]


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    missing = [m.id for m in _messages(lang)
               if m.fuzzy or any(not s for s in (m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert missing == []


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_placeholders_are_the_msgids_own(lang):
    wrong = []
    for m in _messages(lang):
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        wanted = [sorted(PLACEHOLDER.findall(i)) for i in ids]
        for text in m.string if isinstance(m.string, tuple) else (m.string,):
            if sorted(PLACEHOLDER.findall(text)) not in wanted:
                wrong.append((ids[0], text))
    assert wrong == []


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_catalogues_hold_exactly_the_template_messages(lang):
    with open(TRANSLATIONS / "messages.pot", encoding="utf-8") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert {m.id for m in _messages(lang)} == template


def test_the_template_is_in_step_with_the_code(tmp_path):
    """Every string marked in the code is in messages.pot: run `make messages` after adding one."""
    from babel.messages.frontend import CommandLineInterface

    out = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(Path(config.ROOT) / "babel.cfg"),
                                "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs=.venv tests bench",
                                "-o", str(out), str(config.ROOT)])
    with open(out, encoding="utf-8") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    with open(TRANSLATIONS / "messages.pot", encoding="utf-8") as handle:
        shipped = {m.id for m in read_po(handle) if m.id}
    assert sorted(map(str, extracted - shipped)) == []
