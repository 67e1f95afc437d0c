"""Each validator rule: a broken copy of the good tree gives exactly one `path:line: message`."""
import pytest

from lms.catalog import validate
from lms.quizzes.settings import DEFAULTS

A = "alpha-course"
COURSE = f"{A}/course.yaml"
BASICS = f"{A}/basics"
QUIZ = f"{BASICS}/quiz.yaml"
LESSON = f"{BASICS}/first-lesson.md"
KNOWN_COURSE = ", ".join(validate.COURSE_KEYS)

LESSON_TEXT = """---
slug: extra
title: Extra
minutes: 2
key_points: [A point.]
sources: [{title: S, url: "https://example.org"}]
---
Body.
"""

# (id, edits, expected problems). An edit is (file, old, new), (file, None, text) to write a
# file, or (file,) to delete it.
CASES = [
    ("required-field", [(COURSE, "title: Alpha course\n", "")],
     [f"{COURSE}:1: 'title' is required"]),
    ("slug-not-folder", [(COURSE, "slug: alpha-course", "slug: other-course")],
     [f"{COURSE}:1: slug 'other-course' must equal the folder name 'alpha-course'"]),
    ("slug-rule", [(COURSE, "slug: alpha-course", "slug: Alpha_Course")],
     [f"{COURSE}:1: 'Alpha_Course' is not a valid slug (lowercase letters, digits and single hyphens)"]),
    ("audience", [(COURSE, "audiences: [all]", "audiences: [all, diplomats]")],
     [f"{COURSE}:4: 'diplomats' is not a valid audiences value (use one of: sur, rs, cso, nhri, un, all)"]),
    ("level", [(COURSE, "level: introductory", "level: expert")],
     [f"{COURSE}:5: 'level' must be one of: introductory, intermediate, advanced"]),
    ("order-missing", [(COURSE, "order: 2\n", "")],
     [f"{COURSE}:1: 'order' is required"]),
    ("order-not-positive", [(COURSE, "order: 2", "order: 0")],
     [f"{COURSE}:6: 'order' must be a whole number above 0 (1 comes first in the catalogue)"]),
    ("order-taken", [(COURSE, "order: 2", "order: 1")],
     ["beta-course/course.yaml:8: order 1 is already the order of course 'alpha-course' "
      "(courses/alpha-course/course.yaml): give each course its own"]),
    ("hours-are-computed", [(COURSE, "order: 2\n", "order: 2\nestimated_hours: 1.5\n")],
     [f"{COURSE}:7: 'estimated_hours' is computed now from the lessons' minutes and the quizzes: remove it"]),
    ("derived-from", [(COURSE, "derived_from: [guide]", "derived_from: [handbook]")],
     [f"{COURSE}:7: 'handbook' is not a valid derived_from value (use one of: guide, compendium, sur-training, nhri-training)"]),
    ("navigation", [(COURSE, "navigation: sequential", "navigation: random")],
     [f"{COURSE}:8: 'navigation' must be one of: sequential, free"]),
    ("unknown-key", [(COURSE, "summary:", "sumary: typo\nsummary:")],
     [f"{COURSE}:3: unknown key 'sumary' (known: {KNOWN_COURSE})"]),
    ("badge-colour", [(COURSE, 'colour: "#1d4ed8"', "colour: blue")],
     [f'{COURSE}:13: badge \'colour\' must be a hex colour like "#1d4ed8"']),
    ("badge-emblem", [(COURSE, "emblem: globe", "emblem: star")],
     [f"{COURSE}:14: badge 'emblem' must be one of: globe, scales, people, document, chart, shield"]),
    ("badge-required", [(COURSE, "  criteria: Complete every lesson and pass every quiz.\n", "")],
     [f"{COURSE}:10: 'criteria' is required"]),
    ("quiz-defaults", [(COURSE, "pass_mark: 60", "pass_mark: 160")],
     [f"{COURSE}:17: quiz setting 'pass_mark' must be a number from 0 to 100"]),
    ("completion", [("beta-course/course.yaml", "module_quizzes: none", "module_quizzes: some")],
     ["beta-course/course.yaml:9: completion 'module_quizzes' must be one of: passed, none"]),
    ("module-missing", [(COURSE, "  - practice\n", "  - practice\n  - missing-module\n")],
     [f"{COURSE}:22: module 'missing-module' has no folder missing-module/ with a module.yaml"]),
    ("module-unlisted", [(COURSE, "  - practice\n", "")],
     [f"{A}/practice/module.yaml:1: module 'practice' is not listed in course.yaml 'modules'"]),
    ("module-twice", [(COURSE, "  - practice\n", "  - practice\n  - basics\n")],
     [f"{COURSE}:22: module 'basics' is listed twice"]),
    ("module-final", [(COURSE, "  - practice\n", "  - practice\n  - final\n"), (f"{A}/final/module.yaml", None, "title: F\n")],
     [f"{COURSE}:22: a module cannot be called 'final': the final assessment uses that name",
      f"{A}/final/module.yaml:1: 'lessons' is required", f"{A}/final/module.yaml:1: 'quiz' is required"]),
    ("folder-without-module-yaml", [(f"{A}/drafts/notes.md", None, "notes\n")],
     [f"{A}/drafts:1: a module folder needs a module.yaml"]),
    ("course-without-course-yaml", [("gamma/readme.md", None, "x\n")],
     ["gamma:1: a course folder needs a course.yaml"]),
    ("final-missing", [(f"{A}/final.yaml",)],
     [f"{COURSE}:1: a course needs a final assessment: final.yaml or final.gift"]),
    ("draw-over-pool", [(f"{A}/final.yaml", "draw: 3", "draw: 9")],
     [f"{A}/final.yaml:3: draw 9 is more than the 4 questions in final.yaml"]),
    ("lesson-missing", [(f"{BASICS}/module.yaml", "  - second-lesson\n", "  - second-lesson\n  - ghost-lesson\n")],
     [f"{BASICS}/module.yaml:6: lesson 'ghost-lesson' has no file ghost-lesson.md in this folder"]),
    ("lesson-twice", [(f"{A}/practice/module.yaml", "[third-lesson]", "[third-lesson, first-lesson]")],
     [f"{A}/practice/module.yaml:2: lesson 'first-lesson' is already listed in module 'basics'"]),
    ("lesson-unlisted", [(f"{BASICS}/extra.md", None, LESSON_TEXT)],
     [f"{BASICS}/extra.md:1: lesson 'extra' is not listed in module.yaml 'lessons'"]),
    ("quiz-file-missing", [(f"{BASICS}/module.yaml", "quiz: quiz.yaml", "quiz: quizz.yaml")],
     [f"{BASICS}/module.yaml:6: quiz file 'quizz.yaml' not found in this folder",
      f"{QUIZ}:1: quiz file 'quiz.yaml' is not used: module.yaml names 'quizz.yaml'"]),
    ("module-required", [(f"{A}/practice/module.yaml", "quiz: quiz.gift\n", "")],
     [f"{A}/practice/module.yaml:1: 'quiz' is required",
      f"{A}/practice/quiz.gift:1: quiz file 'quiz.gift' is not used: module.yaml names 'None'"]),
    ("lesson-slug", [(LESSON, "slug: first-lesson", "slug: first")],
     [f"{LESSON}:2: slug 'first' must equal the file name 'first-lesson'"]),
    ("lesson-minutes", [(LESSON, "minutes: 4", "minutes: four")],
     [f"{LESSON}:4: 'minutes' must be a whole number above 0"]),
    ("lesson-required", [(LESSON, "key_points:\n  - The UPR is a peer review.\n  - \"Every State is reviewed: no exceptions.\"\n", "")],
     [f"{LESSON}:2: 'key_points' is required"]),
    ("lesson-glossary", [(LESSON, "glossary: [upr, hrc]", "glossary: [upr, nope]")],
     [f"{LESSON}:9: glossary term 'nope' is not in glossary.yaml"]),
    ("lesson-source-url", [(LESSON, "url: https://www.ohchr.org/en/hr-bodies/upr", "url: ftp://example.org/x")],
     [f"{LESSON}:12: source url 'ftp://example.org/x' must be an http(s) URL"]),
    ("lesson-key-point-colon", [(LESSON, '"Every State is reviewed: no exceptions."', "Every State is reviewed: no exceptions.")],
     [f"{LESSON}:8: each key point must be text"]),
    ("lesson-empty-body", [(f"{A}/practice/third-lesson.md", "States respond to each recommendation: *supported* or *noted*.\n", "")],
     [f"{A}/practice/third-lesson.md:9: the lesson has no text below the front matter"]),
    ("single-two-correct", [(QUIZ, "      - text: The Security Council\n", "      - text: The Security Council\n        correct: true\n")],
     [f"{QUIZ}:6: a single-choice question needs exactly one correct option"]),
    ("multiple-none-correct", [(QUIZ, "{text: The national report, correct: true}", "{text: The national report}"),
                               (QUIZ, "{text: The UN compilation, correct: true}", "{text: The UN compilation}")],
     [f"{QUIZ}:15: a multiple-response question needs at least one correct option"]),
    ("matching-right-twice", [(QUIZ, "{left: OHCHR, right: Secretariat}", "{left: OHCHR, right: Prepares the review}")],
     [f"{QUIZ}:28: matching: 'Prepares the review' is used by more than one pair"]),
    ("ordering-duplicate", [(QUIZ, "[National report, Working Group review, Plenary adoption]", "[National report, National report, Plenary adoption]")],
     [f"{QUIZ}:35: every item of an ordering question must be different"]),
    ("truefalse-answer", [(QUIZ, "    answer: false\n", "")],
     [f"{QUIZ}:23: a true/false question needs 'answer: true' or 'answer: false'"]),
    ("question-type", [(QUIZ, "type: short", "type: essay")],
     [f"{QUIZ}:41: unknown question type 'essay' (use one of: single, multiple, truefalse, matching, ordering, short)"]),
    ("question-feedback", [(QUIZ, "    feedback: About four and a half years.\n", "")],
     [f"{QUIZ}:41: a question needs feedback that explains the right answer"]),
    ("question-id-twice", [(QUIZ, "id: cycle-years", "id: experts")],
     [f"{BASICS}/quiz.fr.yaml:10: question 'cycle-years' is not in the English quiz",
      f"{QUIZ}:41: question id 'experts' is used twice in this quiz (first at line 23)"]),
    ("question-id-slug", [(QUIZ, "id: cycle-years", "id: Cycle Years")],
     [f"{BASICS}/quiz.fr.yaml:10: question 'cycle-years' is not in the English quiz",
      f"{QUIZ}:41: question id 'Cycle Years' is not a valid slug (lowercase letters, digits and single hyphens)"]),
    ("option-comma", [(QUIZ, "{text: A newspaper editorial}", "{text: A newspaper editorial, feedback: Opinion, not evidence.}")],
     [f"{QUIZ}:21: unknown key 'not evidence.' in option (known: text, correct, feedback, fraction); "
      "quote text that contains ', ' or ': '"]),
    ("option-read-as-boolean", [(QUIZ, "{text: A newspaper editorial}", "{text: No}")],
     [f"{QUIZ}:21: 'text' is read as false: put the text in quotes"]),
    ("quiz-setting", [(QUIZ, "shuffle_options: false", "shufle_options: false")],
     [f"{QUIZ}:4: unknown quiz setting 'shufle_options' (known: {', '.join(DEFAULTS)})"]),
    ("question-lesson-unknown", [(QUIZ, "  - id: which-body\n", "  - id: which-body\n    lesson: no-such-lesson\n")],
     [f"{QUIZ}:7: question 'which-body' names lesson 'no-such-lesson', which is not in this course"]),
    ("question-lesson-other-course", [(f"{A}/final.yaml", "  - id: final-two\n", "  - id: final-two\n    lesson: only-lesson\n")],
     [f"{A}/final.yaml:12: question 'final-two' names lesson 'only-lesson', which is not in this course"]),
    ("question-lesson-empty", [(QUIZ, "  - id: experts\n", "  - id: experts\n    lesson:\n")],
     [f"{QUIZ}:24: question 'experts': 'lesson' is empty; name a lesson slug or remove the key"]),
    ("gift-lesson-unknown", [(f"{A}/practice/quiz.gift", "::who-recommends::", "// lesson: ghost-lesson\n::who-recommends::")],
     [f"{A}/practice/quiz.gift:10: question 'who-recommends' names lesson 'ghost-lesson', which is not in this course"]),
    ("gift-lesson-detached", [(f"{A}/practice/quiz.gift", "::who-recommends::", "// lesson: third-lesson\n\n::who-recommends::")],
     [f"{A}/practice/quiz.gift:10: a '// lesson:' comment goes on the line just above its question's ::name::"]),
    ("translation-lesson-differs", [(QUIZ, "  - id: which-body\n", "  - id: which-body\n    lesson: first-lesson\n"),
                                    (f"{BASICS}/quiz.fr.yaml", "  - id: which-body\n", "  - id: which-body\n    lesson: second-lesson\n")],
     [f"{BASICS}/quiz.fr.yaml:4: question 'which-body': 'lesson' must be 'first-lesson' as in English"]),
    ("quiz-no-questions", [("beta-course/only-module/quiz.yaml", None, "title: Empty\nquestions: []\n")],
     ["beta-course/only-module/quiz.yaml:2: 'questions' must be a list with at least one question"]),
    ("gift-numeric", [(f"{A}/practice/quiz.gift", "::who-recommends::", "::year:: Which year? {#2006}\n\n::who-recommends::")],
     [f"{A}/practice/quiz.gift:10: numerical questions ({{#...}}) are not supported"]),
    ("gift-setting", [(f"{A}/practice/quiz.gift", "// pass_mark: 75", "// pass_mark: lots")],
     [f"{A}/practice/quiz.gift:2: quiz setting 'pass_mark' must be a number from 0 to 100"]),
    ("translation-unknown-question", [(f"{BASICS}/quiz.fr.yaml", "id: cycle-years", "id: cycle-length")],
     [f"{BASICS}/quiz.fr.yaml:2: question 'cycle-years' of the English quiz is not translated here",
      f"{BASICS}/quiz.fr.yaml:10: question 'cycle-length' is not in the English quiz"]),
    ("translation-option-count", [(f"{BASICS}/quiz.fr.yaml", "      - text: Le Conseil des droits de l'homme\n", "")],
     [f"{BASICS}/quiz.fr.yaml:3: 'options' must list the same 2 entries as the English question, in the same order"]),
    ("translation-settings", [(f"{BASICS}/quiz.fr.yaml", "title: Quiz des bases\n", "title: Quiz des bases\nsettings: {pass_mark: 50}\n")],
     [f"{BASICS}/quiz.fr.yaml:2: settings come from the English quiz; remove them here"]),
    ("translation-slug", [(f"{BASICS}/first-lesson.fr.md", "slug: first-lesson", "slug: premiere-lecon")],
     [f"{BASICS}/first-lesson.fr.md:2: slug 'premiere-lecon' must equal the English slug 'first-lesson'"]),
    ("translation-without-original", [(f"{BASICS}/ghost.fr.md", None, LESSON_TEXT)],
     [f"{BASICS}/ghost.fr.md:1: translation without an English original: ghost.md is missing"]),
    ("translation-language", [(f"{BASICS}/second-lesson.de.md", None, LESSON_TEXT)],
     [f"{BASICS}/second-lesson.de.md:1: unknown language 'de' (use fr or es)"]),
    ("glossary-duplicate", [("glossary.yaml", "- slug: hrc", "- slug: troika")],
     [f"{LESSON}:9: glossary term 'hrc' is not in glossary.yaml",
      "glossary.fr.yaml:9: glossary slug 'hrc' is not in glossary.yaml",
      "glossary.yaml:11: glossary slug 'troika' is used twice (first at line 6)"]),
    ("glossary-required", [("glossary.yaml", "  term: Troika\n", "")],
     ["glossary.yaml:6: 'term' is required"]),
    ("glossary-translation", [("glossary.fr.yaml", "slug: upr", "slug: epu")],
     ["glossary.fr.yaml:1: glossary slug 'epu' is not in glossary.yaml",
      "glossary.fr.yaml:1: glossary term 'upr' is not translated here"]),
    ("title-too-long", [(f"{BASICS}/module.yaml", "title: Basics", "title: " + "B" * 201)],
     [f"{BASICS}/module.yaml:1: 'title' is longer than 200 characters"]),
    ("quiz-title-not-text", [(QUIZ, "title: Basics quiz", "title: [Basics]")],
     [f"{QUIZ}:1: 'title' must be text"]),
    ("yaml-duplicate-key", [(COURSE, "level: introductory\n", "level: introductory\nlevel: advanced\n")],
     [f"{COURSE}:6: duplicate key 'level' (first at line 5)"]),
]


def _apply(courses, edits):
    for edit in edits:
        if len(edit) == 1:
            courses.delete(edit[0])
        elif edit[1] is None:
            courses.write(edit[0], edit[2])
        else:
            courses.edit(*edit)


def test_the_good_tree_has_no_problems(courses):
    assert courses.problems() == []
    assert validate.counts(courses.load()) == {"courses": 2, "modules": 3, "lessons": 4, "quizzes": 5, "questions": 14}


@pytest.mark.parametrize("edits, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_reports_path_line_and_message(courses, edits, expected):
    _apply(courses, edits)
    assert courses.problems() == [f"courses/{line}" for line in expected]


def test_every_problem_is_reported_not_just_the_first(courses):
    for case in ("level", "lesson-minutes", "single-two-correct", "glossary-required"):
        edits, expected = next(c[1:] for c in CASES if c[0] == case)
        _apply(courses, edits)
    assert len(courses.problems()) == 4


def test_checked_questions_carry_their_built_form_for_the_importer(courses):
    tree = courses.load()
    assert validate.check(tree) == []
    quiz = tree.courses[0].modules["basics"].quiz()
    assert [q.built["type"] for q in quiz.questions] == ["single", "multiple", "truefalse", "matching", "ordering", "short"]
    french = quiz.translations["fr"].questions[0].built
    assert [o["html"] for o in french["data"]["options"]] == ["Le Conseil des droits de l'homme", "Le Conseil de sécurité"]
    english = quiz.questions[0].built["data"]["options"]
    assert [o["fraction"] for o in french["data"]["options"]] == [o["fraction"] for o in english]
    assert [o["id"] for o in french["data"]["options"]] == [o["id"] for o in english]


def test_a_question_may_name_a_lesson_of_any_module_and_a_translation_may_repeat_or_omit_it(courses):
    courses.edit(QUIZ, "  - id: which-body\n", "  - id: which-body\n    lesson: third-lesson\n")
    courses.edit(QUIZ, "  - id: documents\n", "  - id: documents\n    lesson: second-lesson\n")
    courses.edit(f"{BASICS}/quiz.fr.yaml", "  - id: which-body\n", "  - id: which-body\n    lesson: third-lesson\n")
    courses.edit(f"{A}/practice/quiz.gift", "::responses::", "// lesson: first-lesson\n::responses::")
    courses.edit(f"{A}/final.yaml", "  - id: final-one\n", "  - id: final-one\n    lesson: first-lesson\n")
    assert courses.problems() == []
    tree = courses.load()
    basics = tree.courses[0].modules["basics"].quiz()
    assert [q.raw.get("lesson") for q in basics.questions[:3]] == ["third-lesson", "second-lesson", None]
    practice = tree.courses[0].modules["practice"].quiz()
    assert (practice.questions[0].raw["lesson"], practice.questions[0].lines["lesson"]) == ("first-lesson", 4)
