"""Read a courses directory into plain dataclasses, with the line of everything that was read.

Nothing here judges content beyond syntax: the loader reports files it cannot read or parse
(YAML, front matter, GIFT) and hands everything else to lms.catalog.validate. Paths in problems
are shown as the directory was given (`courses/x/course.yaml`), so a terminal or an editor can
jump to them.
"""
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.catalog import files, gift
from lms.catalog.yamlines import LineDict, LineList, Problem, Problems, parse_yaml

__all__ = ["LineDict", "LineList", "Problem", "Problems", "load", "parse_yaml"]

LANGUAGES = ("fr", "es")                      # translations that may sit beside English files
_TRANSLATED = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2})$")


# ---- what a courses directory holds -------------------------------------------------------

@dataclass
class Lesson:
    slug: str                      # from the file name
    path: str
    meta: LineDict
    body: str
    body_line: int                 # file line of the body's first line
    translations: dict[str, "Lesson"] = field(default_factory=dict)


@dataclass
class Quiz:
    path: str
    format: str                    # yaml | gift
    meta: LineDict                 # title, settings (with lines); questions live below
    questions: list[gift.RawQuestion]
    translations: dict[str, "Quiz"] = field(default_factory=dict)


@dataclass
class Module:
    slug: str
    dir: Path
    path: str                      # module.yaml
    meta: LineDict
    lessons: dict[str, Lesson]     # every English lesson file in the folder, by slug
    quizzes: dict[str, Quiz]       # every quiz file in the folder, by file name
    translations: dict[str, LineDict] = field(default_factory=dict)
    stray: list[tuple[str, str]] = field(default_factory=list)  # (path, message) of odd files

    def ordered_lessons(self) -> list[Lesson]:
        names = self.meta.get("lessons") if isinstance(self.meta.get("lessons"), list) else []
        seen, ordered = set(), []
        for name in names:
            if isinstance(name, str) and name in self.lessons and name not in seen:
                seen.add(name)
                ordered.append(self.lessons[name])
        return ordered

    def quiz(self) -> Quiz | None:
        name = self.meta.get("quiz")
        return self.quizzes.get(name) if isinstance(name, str) else None


@dataclass
class Course:
    slug: str
    dir: Path
    path: str                      # course.yaml
    meta: LineDict
    modules: dict[str, Module]     # every module folder, by folder name
    final: Quiz | None
    position: int
    translations: dict[str, LineDict] = field(default_factory=dict)
    stray: list[tuple[str, str]] = field(default_factory=list)

    def ordered_modules(self) -> list[Module]:
        names = self.meta.get("modules") if isinstance(self.meta.get("modules"), list) else []
        seen, ordered = set(), []
        for name in names:
            if isinstance(name, str) and name in self.modules and name not in seen:
                seen.add(name)
                ordered.append(self.modules[name])
        return ordered


@dataclass
class Tree:
    root: Path
    display: str
    courses: list[Course]
    glossary: LineList | None
    glossary_path: str
    glossary_translations: dict[str, tuple[str, Any]]
    problems: Problems


# ---- reading -----------------------------------------------------------------------------

class Reader:
    def __init__(self, root: Path, display: str):
        self.root, self.display = root, display
        self.problems = Problems()
        self.refused: set[Path] = set()  # links and oversized files, reported and never read

    def show(self, path: Path) -> str:
        return os.path.join(self.display, path.relative_to(self.root).as_posix())

    def text(self, path: Path) -> str | None:
        if path in self.refused:
            return None
        try:
            return path.read_bytes().decode("utf-8").replace("\r\n", "\n").lstrip("\ufeff")
        except UnicodeDecodeError as error:
            line = path.read_bytes()[: error.start].count(b"\n") + 1
            self.problems.add(self.show(path), line, "the file is not valid UTF-8")
        except OSError as error:
            self.problems.add(self.show(path), 1, f"cannot read the file: {error.strerror}")
        return None

    def yaml_mapping(self, path: Path) -> LineDict | None:
        text = self.text(path)
        if text is None:
            return None
        data = parse_yaml(text, self.show(path), self.problems)
        if data is None and not text.strip():
            self.problems.add(self.show(path), 1, "the file is empty")
        elif data is not None and not isinstance(data, LineDict):
            self.problems.add(self.show(path), 1, "the file must hold a YAML mapping (key: value lines)")
            return None
        return data

    def lesson(self, path: Path, slug: str) -> Lesson | None:
        text = self.text(path)
        if text is None:
            return None
        shown = self.show(path)
        lines = text.split("\n")
        if not lines or lines[0].rstrip() != "---":
            self.problems.add(shown, 1, "a lesson starts with YAML front matter between two '---' lines")
            return None
        end = next((n for n in range(1, len(lines)) if lines[n].rstrip() in ("---", "...")), None)
        if end is None:
            self.problems.add(shown, 1, "the front matter is not closed with a '---' line")
            return None
        meta = parse_yaml("\n".join(lines[1:end]), shown, self.problems, offset=1)
        if meta is None:
            if not "\n".join(lines[1:end]).strip():
                self.problems.add(shown, 1, "the front matter is empty")
            return None
        if not isinstance(meta, LineDict):
            self.problems.add(shown, 2, "the front matter must be a YAML mapping (key: value lines)")
            return None
        return Lesson(slug, shown, meta, "\n".join(lines[end + 1:]), end + 2)

    def quiz(self, path: Path) -> Quiz | None:
        shown = self.show(path)
        if path.suffix == ".gift":
            text = self.text(path)
            if text is None:
                return None
            parsed = gift.parse(text)
            for line, message in parsed.problems:
                self.problems.add(shown, line, message)
            # `// title: ...` and `// <setting>: ...` lines take the shape of a YAML quiz file.
            meta, settings = LineDict(), LineDict()
            for key, value in parsed.header.items():
                target = meta if key == "title" else settings
                target[key], target.lines[key] = value, parsed.header_lines[key]
            if settings:
                meta["settings"], meta.lines["settings"] = settings, min(settings.lines.values())
                settings.line = meta.lines["settings"]
            return Quiz(shown, "gift", meta, parsed.questions)
        data = self.yaml_mapping(path)
        if data is None:
            return None
        questions = data.get("questions")
        raws = []
        if isinstance(questions, LineList):
            for n, raw in enumerate(questions):
                lines = raw.lines if isinstance(raw, LineDict) else {}
                raws.append(gift.RawQuestion(raw, questions.line_of(n), lines))
        meta = LineDict((k, v) for k, v in data.items() if k != "questions")
        meta.line, meta.lines = data.line, data.lines
        return Quiz(shown, "yaml", meta, raws)


def _split_language(name: str) -> tuple[str, str | None]:
    match = _TRANSLATED.match(name)
    return (match["stem"], match["lang"]) if match else (name, None)


def _originals_first(folder: Path) -> list[Path]:
    return sorted(folder.iterdir(), key=lambda p: (_split_language(p.stem)[1] is not None, p.name))


def _read_module(reader: Reader, folder: Path) -> Module | None:
    meta = reader.yaml_mapping(folder / "module.yaml")
    if meta is None:
        return None
    module = Module(folder.name, folder, reader.show(folder / "module.yaml"), meta, {}, {})
    translated_lessons: list[tuple[str, str, Path]] = []
    for path in _originals_first(folder):
        if path.name.startswith(".") or path.is_dir() or path in reader.refused:
            continue
        stem, lang = _split_language(path.stem)
        if path.suffix == ".md":
            if lang:
                translated_lessons.append((stem, lang, path))
            elif (lesson := reader.lesson(path, stem)) is not None:
                module.lessons[stem] = lesson
        elif path.suffix in (".yaml", ".yml", ".gift"):
            if stem == "module" and lang:
                if lang in LANGUAGES and (data := reader.yaml_mapping(path)) is not None:
                    module.translations[lang] = data
                elif lang not in LANGUAGES:
                    module.stray.append((reader.show(path), f"unknown language '{lang}' (use {' or '.join(LANGUAGES)})"))
            elif path.name != "module.yaml":
                _add_quiz(reader, module.quizzes, module.stray, path, stem, lang)
    for stem, lang, path in translated_lessons:
        if lang not in LANGUAGES:
            module.stray.append((reader.show(path), f"unknown language '{lang}' (use {' or '.join(LANGUAGES)})"))
        elif stem not in module.lessons:
            module.stray.append((reader.show(path), f"translation without an English original: {stem}.md is missing"))
        elif (lesson := reader.lesson(path, stem)) is not None:
            module.lessons[stem].translations[lang] = lesson
    return module


def _add_quiz(reader: Reader, quizzes: dict, stray: list, path: Path, stem: str, lang: str | None) -> None:
    if not lang:
        if (quiz := reader.quiz(path)) is not None:
            quizzes[path.name] = quiz
        return
    # A translation may be written in either quiz format, whichever the original uses.
    original = next((name for name in (f"{stem}{path.suffix}", f"{stem}.yaml", f"{stem}.gift") if name in quizzes),
                    f"{stem}{path.suffix}")
    if lang not in LANGUAGES:
        stray.append((reader.show(path), f"unknown language '{lang}' (use {' or '.join(LANGUAGES)})"))
    elif original not in quizzes:
        stray.append((reader.show(path), f"translation without an English original: {original} is missing"))
    elif (quiz := reader.quiz(path)) is not None:
        quizzes[original].translations[lang] = quiz


def _read_course(reader: Reader, folder: Path, position: int) -> Course | None:
    meta = reader.yaml_mapping(folder / "course.yaml")
    if meta is None:
        return None
    course = Course(folder.name, folder, reader.show(folder / "course.yaml"), meta, {}, None, position)
    finals: dict[str, Quiz] = {}
    for path in _originals_first(folder):
        if path.name.startswith(".") or path.is_symlink():
            continue
        if path.is_dir():
            if (path / "module.yaml").is_file():
                if (module := _read_module(reader, path)) is not None:
                    course.modules[path.name] = module
            elif path.name != "images":
                course.stray.append((reader.show(path), "a module folder needs a module.yaml"))
            continue
        stem, lang = _split_language(path.stem)
        if stem == "course" and lang and path.suffix in (".yaml", ".yml"):
            if lang in LANGUAGES and (data := reader.yaml_mapping(path)) is not None:
                course.translations[lang] = data
            elif lang not in LANGUAGES:
                course.stray.append((reader.show(path), f"unknown language '{lang}' (use {' or '.join(LANGUAGES)})"))
        elif stem == "final" and path.suffix in (".yaml", ".gift"):
            _add_quiz(reader, finals, course.stray, path, stem, lang)
    if len(finals) > 1:
        course.stray.append((course.path, "there must be one final assessment: final.yaml or final.gift, not both"))
    course.final = next(iter(finals.values()), None)
    return course


def load(directory: str | os.PathLike) -> Tree:
    """Everything under `directory`; problems found while reading are in Tree.problems."""
    display = os.path.normpath(os.fspath(directory))
    root = Path(directory)
    reader = Reader(root, display)
    courses, glossary, translations = [], None, {}
    glossary_path = reader.show(root / "glossary.yaml")
    if not root.is_dir():
        reader.problems.add(display, 1, "not a directory")
        return Tree(root, display, [], None, glossary_path, {}, reader.problems)
    for path, message in files.problems(root):
        reader.problems.add(reader.show(path), 1, message)
        reader.refused.add(path)
    folders = sorted(p for p in root.iterdir()
                     if p.is_dir() and not p.is_symlink() and not p.name.startswith((".", "_")))
    for position, folder in enumerate(folders):
        if not (folder / "course.yaml").is_file():
            reader.problems.add(reader.show(folder), 1, "a course folder needs a course.yaml")
        elif (course := _read_course(reader, folder, position)) is not None:
            courses.append(course)
    if (root / "glossary.yaml").is_file():
        glossary = _glossary(reader, root / "glossary.yaml")
    for path in sorted(root.glob("glossary.*.yaml")):
        lang = path.name.split(".")[1]
        if lang not in LANGUAGES:
            reader.problems.add(reader.show(path), 1, f"unknown language '{lang}' (use {' or '.join(LANGUAGES)})")
        elif (data := _glossary(reader, path)) is not None:
            translations[lang] = (reader.show(path), data)
    return Tree(root, display, courses, glossary, glossary_path, translations, reader.problems)


def _glossary(reader: Reader, path: Path) -> LineList | None:
    text = reader.text(path)
    if text is None:
        return None
    data = parse_yaml(text, reader.show(path), reader.problems)
    if data is not None and not isinstance(data, LineList):
        reader.problems.add(reader.show(path), 1, "the glossary must be a YAML list of terms")
        return None
    return data
