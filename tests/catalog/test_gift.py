"""GIFT as Moodle reads it: every supported type, feedback markers, escapes, refusals, round trip."""
from pathlib import Path

import pytest

from lms.catalog import gift
from lms.catalog.export import raw_question
from lms.quizzes.types import BuildContext, build_question

FIXTURE = Path(__file__).parent / "fixtures" / "every-type.gift"


def parsed():
    return gift.parse(FIXTURE.read_text())


def by_id(result):
    return {q.raw["id"]: q for q in result.questions}


def build(raw, key=None, course="course", quiz="quiz"):
    ctx = BuildContext(course, quiz, key or raw["id"])
    return build_question(raw, ctx), ctx.problems


def test_header_lines_give_title_and_settings_with_their_lines():
    result = parsed()
    assert result.problems == []
    assert result.header == {"title": "Every GIFT feature we read", "pass_mark": 80, "max_attempts": 2,
                             "shuffle_options": False}
    assert result.header_lines == {"title": 1, "pass_mark": 2, "max_attempts": 3, "shuffle_options": 4}


def test_every_question_is_read_and_the_category_and_comments_are_skipped():
    questions = by_id(parsed())
    assert list(questions) == ["single-choice", "multiple-weights", "true-short", "false-long",
                               "matching-pairs", "short-answers", "escapes-and-markdown", "missing-word"]
    assert {k: q.line for k, q in questions.items()} == {
        "single-choice": 9, "multiple-weights": 16, "true-short": 23, "false-long": 25,
        "matching-pairs": 30, "short-answers": 38, "escapes-and-markdown": 44, "missing-word": 50}


def test_single_choice_with_per_answer_and_general_feedback():
    raw = by_id(parsed())["single-choice"].raw
    assert raw == {
        "id": "single-choice", "type": "single", "text": "Which body runs the UPR?",
        "options": [{"text": "The Human Rights Council", "correct": True, "feedback": "Right: the Council runs it."},
                    {"text": "The Security Council", "feedback": "It deals with peace and security."},
                    {"text": "The General Assembly"}],
        "feedback": "The HRC, created by GA resolution 60/251, runs the review.",
    }
    assert raw["options"].lines == [10, 11, 12]


def test_multiple_response_keeps_weights_including_negative_ones():
    raw = by_id(parsed())["multiple-weights"].raw
    assert raw["type"] == "multiple"
    assert [(o["text"], o["fraction"]) for o in raw["options"]] == [
        ("The national report", 0.5), ("The stakeholders' summary", 0.5), ("A court judgment", -1.0)]
    built, problems = build(raw)
    assert problems == []
    assert [o["fraction"] for o in built["data"]["options"]] == [0.5, 0.5, -1.0]


def test_true_false_short_and_long_forms():
    questions = by_id(parsed())
    assert questions["true-short"].raw == {"id": "true-short", "type": "truefalse",
                                           "text": "The UPR reviews every UN Member State.", "answer": True,
                                           "feedback": "All 193 of them."}
    assert questions["false-long"].raw["answer"] is False
    assert questions["false-long"].raw["text"] == "Independent experts carry out the review."


def test_matching_keeps_pairs_and_a_distractor():
    raw = by_id(parsed())["matching-pairs"].raw
    assert raw["pairs"] == [{"left": "Troika", "right": "Prepares the review"},
                            {"left": "OHCHR", "right": "Secretariat"},
                            {"left": "", "right": "Delivers judgments"}]
    built, problems = build(raw)
    assert problems == []
    assert len(built["data"]["pairs"]) == 2 and len(built["data"]["rights"]) == 3


def test_short_answer_and_missing_word():
    questions = by_id(parsed())
    assert questions["short-answers"].raw["answers"] == ["47", "forty-seven"]
    missing = questions["missing-word"].raw
    assert missing["text"] == "The UPR was created in _____ by GA resolution 60/251."
    assert missing["answers"] == ["2006"] and missing["feedback"] == "In March 2006."


def test_escapes_become_literal_characters():
    raw = by_id(parsed())["escapes-and-markdown"].raw
    assert raw["text"] == "Which sign means {braces}: 50\\% = half ~ about # hash?"
    assert raw["options"][0] == {"text": "Write ~ = # { } and : with a backslash", "correct": True,
                                 "feedback": "Like this: \\ is a backslash."}
    assert raw["feedback"] == "Line one\nLine two."


def test_every_fixture_question_builds_without_problems():
    for question in parsed().questions:
        built, problems = build(question.raw)
        assert problems == [], question.raw["id"]
        assert built["feedback_html"]


@pytest.mark.parametrize("text, line, message", [
    ("::n:: What year? {#2006}", 1, "numerical questions ({#...}) are not supported"),
    ("::n:: Write an essay. {}", 1, "essay questions ({}) are not supported"),
    ("::n:: Just a description.", 1, "description questions (no answer block) are not supported"),
    ("Which body? {=HRC ~SC}", 1, "every GIFT question needs a ::name:: (its stable id)"),
    ("::n Which body? {=HRC ~SC}", 1, "the question name is not closed with '::'"),
    ("::n:: Which body?\n{=HRC ~SC", 2, "unbalanced braces: '{' and '}' must enclose the answers"),
    ("::n:: Which {=HRC ~SC} and {=x}", 1, "a question has one answer block; escape other braces as \\{ \\}"),
    ("::n:: True? {T#wrong#right}", 1, "per-answer feedback on true/false questions is not supported: use ####"),
    ("::n:: Match {\n=a -> b\n=c -> d #no\n}", 3, "per-answer feedback on matching questions is not supported: use ####"),
    ("::n:: Match {\n=a -> b\n=c d\n}", 3, "every matching answer is written '=left -> right'"),
    ("::n:: Year? {\n=2006\n=%50%2007\n}", 3, "partial credit on short answers is not supported: every answer is fully right"),
    ("::n:: Year? {=2006 #yes}", 1, "per-answer feedback on short answers is not supported: use ####"),
    ("::n:: [html] <b>Which</b>? {=a ~b}", 1, "[html] text is not supported: write Markdown"),
    ("// just a comment\n", 1, "the file has no questions"),
    ("// pass_mark: [80\n::n:: Q {T####f}", 1, "cannot read the value of 'pass_mark' (write it as in YAML)"),
    ("// pass_mark: 80\n// pass_mark: 90\n::n:: Q {T####f}", 2, "'pass_mark' is set twice (first at line 1)"),
])
def test_unsupported_or_broken_gift_is_refused_with_its_line(text, line, message):
    assert (line, message) in gift.parse(text).problems


def test_a_broken_question_does_not_hide_the_next_one():
    result = gift.parse("::bad:: Essay {}\n\n::good:: Fine? {T####Yes.}\n")
    assert [q.raw["id"] for q in result.questions] == ["good"]
    assert result.problems == [(1, "essay questions ({}) are not supported")]


def test_round_trip_parse_write_parse_gives_the_same_questions():
    first = parsed()
    text = gift.to_gift([q.raw for q in first.questions], title=first.header["title"],
                        settings={k: v for k, v in first.header.items() if k != "title"})
    second = gift.parse(text)
    assert second.problems == []
    assert second.header == first.header
    assert [q.raw for q in second.questions] == [q.raw for q in first.questions]


def test_yaml_questions_written_as_gift_build_to_the_same_stored_data():
    from lms.catalog import loader

    tree = loader.load(Path(__file__).parent / "fixtures" / "good")
    quiz = tree.courses[0].modules["basics"].quiz()
    raws = [q.raw for q in quiz.questions if q.raw["type"] != "ordering"]
    again = gift.parse(gift.to_gift(raws))
    assert again.problems == []
    for original, copy in zip(raws, again.questions, strict=True):
        before, _ = build(original)
        after, problems = build(copy.raw)
        assert problems == []
        assert after["type"] == before["type"] and after["text_html"] == before["text_html"]
        if before["type"] in ("single", "multiple"):
            assert [(o["id"], o["html"], o["feedback_html"]) for o in after["data"]["options"]] == \
                   [(o["id"], o["html"], o["feedback_html"]) for o in before["data"]["options"]]
            assert [o["fraction"] for o in after["data"]["options"]] == \
                   pytest.approx([o["fraction"] for o in before["data"]["options"]], abs=1e-6)
        else:
            assert after["data"] == before["data"]


def test_ordering_questions_cannot_be_written_unless_skipped():
    ordering = {"id": "steps", "type": "ordering", "text": "Order", "items": ["a", "b", "c"], "feedback": "f"}
    single = {"id": "one", "type": "single", "text": "Q", "options": [{"text": "a", "correct": True},
                                                                      {"text": "b"}], "feedback": "f"}
    with pytest.raises(gift.GiftExportError, match="GIFT has no ordering type"):
        gift.to_gift([ordering])
    text = gift.to_gift([ordering, single], skip_unsupported=True)
    assert "// skipped: question 'steps' is an ordering question" in text
    assert [q.raw["id"] for q in gift.parse(text).questions] == ["one"]


def test_stored_questions_export_to_gift_that_imports_to_the_same_html(make):
    from lms.catalog.models import Question, Quiz
    from lms.extensions import db

    course = make.course(modules=1, questions=6, final=False)
    quiz = db.session.query(Quiz).filter_by(course_id=course.id).one()
    rows = db.session.query(Question).filter_by(quiz_id=quiz.id).order_by(Question.position).all()
    text = gift.to_gift(rows, title=quiz.title, skip_unsupported=True)
    again = {q.key: q for q in gift.parse(text).questions}
    assert sorted(again) == sorted(r.key for r in rows if r.type != "ordering")
    assert raw_question(rows[0])["options"][0]["text"] == "Right 1"
    for row in rows:
        if row.type == "ordering":
            continue
        built, problems = build(again[row.key].raw, key=row.key, course=course.slug, quiz=quiz.slug)
        assert problems == []
        assert (built["text_html"], built["feedback_html"]) == (row.text_html, row.feedback_html)
        if row.type in ("single", "multiple"):
            assert [(o["html"], o["fraction"]) for o in built["data"]["options"]] == \
                   [(o["html"], pytest.approx(o["fraction"])) for o in row.data["options"]]
        else:
            assert built["data"] == row.data


LESSONS = """// title: Lessons named
// pass_mark: 80
// lesson: origins
::first:: Who reviews? {T####States.}

// Note - a reviewer's remark may sit between the lesson line and its question.
// lesson: the-review
// Note - checked against the 2023 rules
::second:: Which body? {=The HRC ~The GA ####The HRC.}

::third:: No lesson named here. {F####Right.}
"""


def test_a_lesson_comment_just_above_a_question_names_its_lesson_and_is_no_setting():
    result = gift.parse(LESSONS)
    assert result.problems == []
    assert result.header == {"title": "Lessons named", "pass_mark": 80}
    first, second, third = result.questions
    assert (first.raw["lesson"], first.lines["lesson"]) == ("origins", 3)
    assert (second.raw["lesson"], second.lines["lesson"]) == ("the-review", 7)
    assert "lesson" not in third.raw


@pytest.mark.parametrize("text, line, message", [
    ("// lesson: a\n\n::n:: Q {T####f}", 1, "a '// lesson:' comment goes on the line just above its question's ::name::"),
    ("::n:: Q {T####f}\n\n// lesson: a\n", 3, "a '// lesson:' comment goes on the line just above its question's ::name::"),
    ("::n:: Q {\n// lesson: a\nT####f}", 2, "a '// lesson:' comment goes on the line just above its question's ::name::"),
    ("// lesson: a\n// lesson: b\n::n:: Q {T####f}", 2, "one '// lesson:' line per question (first at line 1)"),
])
def test_a_misplaced_or_doubled_lesson_comment_is_reported_with_its_line(text, line, message):
    assert (line, message) in gift.parse(text).problems


def test_lessons_survive_parse_write_parse():
    first = gift.parse(LESSONS)
    text = gift.to_gift([q.raw for q in first.questions], title=first.header["title"])
    assert "// lesson: origins\n::first::" in text and "// lesson: the-review\n::second::" in text
    second = gift.parse(text)
    assert second.problems == []
    assert [q.raw for q in second.questions] == [q.raw for q in first.questions]


def test_stored_questions_export_their_lesson_as_a_comment(make):
    from lms.catalog.models import Lesson, Question, Quiz
    from lms.extensions import db

    course = make.course(modules=1, lessons=1, questions=2, final=False)
    lesson = db.session.query(Lesson).filter_by(course_id=course.id).one()
    quiz = db.session.query(Quiz).filter_by(course_id=course.id).one()
    rows = db.session.query(Question).filter_by(quiz_id=quiz.id).order_by(Question.position).all()
    rows[0].lesson_id = lesson.id
    text = gift.to_gift(rows, lessons={lesson.id: lesson.slug})
    again = gift.parse(text).questions
    assert [q.raw.get("lesson") for q in again] == [lesson.slug, None]
    assert "// lesson:" not in gift.to_gift(rows)    # without the map there is no slug to write
