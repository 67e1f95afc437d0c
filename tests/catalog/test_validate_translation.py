"""A translated file is checked against its English original: structure, answer key, numbers,
every field; `courses check` reports how much of each language is there."""
import pytest

from lms.catalog import validate_translation
from lms.catalog.validate_translation import numbers

FR_QUIZ = "alpha-course/basics/quiz.fr.yaml"
FR_LESSON = "alpha-course/basics/first-lesson.fr.md"
B = "courses/alpha-course/basics"

CASES = [
    ("number-dropped", [("glossary.fr.yaml", "**47** États", "**quarante-sept** États")],
     ["courses/glossary.fr.yaml:11: 'definition': the number(s) 47 of the English text are missing"]),
    ("correct-option-moved", [(FR_QUIZ, "      - text: Le Conseil de sécurité\n",
                               "      - text: Le Conseil de sécurité\n        correct: true\n")],
     [f"{B}/quiz.fr.yaml:3: question 'which-body': the correct options differ from the English "
      "(options 1 in English, 2 here)"]),
    ("truefalse-flipped", [(FR_QUIZ, "  - id: experts\n", "  - id: experts\n    answer: true\n")],
     [f"{B}/quiz.fr.yaml:22: question 'experts': the answer is False in English"]),
    ("question-missing", [(FR_QUIZ, "  - id: experts\n    text: Des experts indépendants conduisent l'EPU.\n"
                                    "    feedback: Des États examinent des États.\n", "")],
     [f"{B}/quiz.fr.yaml:2: question 'experts' of the English quiz is not translated here"]),
    ("feedback-missing", [(FR_QUIZ, "    feedback: Rapport, examen, adoption.\n", "")],
     [f"{B}/quiz.fr.yaml:31: 'feedback' of question 'order-steps' is in the English file but not translated here"]),
    ("pair-side-missing", [(FR_QUIZ, "{left: HCDH, right: Secrétariat}", "{left: HCDH}")],
     [f"{B}/quiz.fr.yaml:28: question 'match-roles': pair 2 has no 'right' here"]),
    ("key-point-missing", [(FR_LESSON, '  - "Chaque État est examiné : aucune exception."\n', "")],
     [f"{B}/first-lesson.fr.md:5: 'key_points' must list 2 points as in English, not 1"]),
    ("minutes-changed", [(FR_LESSON, "title: Première leçon\n", "title: Première leçon\nminutes: 9\n")],
     [f"{B}/first-lesson.fr.md:4: 'minutes' must stay 4 as in English"]),
    ("badge-criteria-missing", [("alpha-course/course.fr.yaml", "  criteria: Terminer chaque leçon et réussir chaque quiz.\n", "")],
     ["courses/alpha-course/course.fr.yaml:5: 'criteria' of the badge is in the English file but not translated here"]),
    ("sources-missing", [(FR_LESSON, "sources:\n  - title: HCDH – Examen périodique universel\n"
                                     "    url: https://www.ohchr.org/fr/hr-bodies/upr\n", "")],
     [f"{B}/first-lesson.fr.md:2: 'sources' is in the English file but not translated here"]),
]


@pytest.mark.parametrize("edits, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_translation_that_differs_from_english_is_reported(courses, edits, expected):
    for name, old, new in edits:
        courses.edit(name, old, new)
    assert courses.problems() == expected


def test_numbers_keep_their_value_across_decimal_and_thousands_marks():
    assert numbers("3.5 hours, 2,815 words, res. 60/251") == numbers("3,5 heures, 2 815 mots, rés. 60/251")
    assert numbers("2815 palabras") == numbers("2,815 words")
    assert numbers("4th cycle") == numbers("4e cycle") == numbers("4.º ciclo")
    assert numbers("15 March 2006") != numbers("15 mars 2007")


def test_coverage_counts_each_language_and_complete_courses(courses):
    tree = courses.load()
    assert validate_translation.coverage(tree) == [
        "fr: 1/4 lessons, 1/5 quizzes, 0/2 courses complete, glossary 3/3",
        "es: 0/4 lessons, 0/5 quizzes, 0/2 courses complete, glossary 0/3"]
    alpha = next(c for c in tree.courses if c.slug == "alpha-course")
    assert validate_translation.course_languages(alpha) == ["en"]


def test_check_prints_coverage_before_the_ok_line(runner, courses):
    result = runner.invoke(args=["courses", "check", "courses"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        "fr: 1/4 lessons, 1/5 quizzes, 0/2 courses complete, glossary 3/3",
        "es: 0/4 lessons, 0/5 quizzes, 0/2 courses complete, glossary 0/3"]
