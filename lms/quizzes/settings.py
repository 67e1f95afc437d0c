"""Quiz settings: built-in defaults < course `quiz_defaults` < the quiz file's own settings."""
FEEDBACK_POLICIES = ("after_each_attempt", "after_passing", "after_last_attempt", "never")
GRADING_METHODS = ("highest", "last", "first", "average")
# When the review may show the right answers: after every attempt, or only once the learner
# passed or has no attempt left (so a retake of the same questions is not copied from the key).
ANSWER_POLICIES = ("each_attempt", "passing_or_last_attempt")

DEFAULTS = {
    "pass_mark": 70,              # percent
    "max_attempts": 3,            # 0 = unlimited
    "attempt_delay_minutes": 0,
    "time_limit_minutes": 0,      # 0 = no limit
    "shuffle_questions": True,
    "shuffle_options": True,
    "draw": 0,                    # 0 = every question
    "feedback": "after_each_attempt",
    "grading": "highest",
    "review_shows_answers": True,
    "answers_after": "passing_or_last_attempt",
    "grace_minutes": 2,           # after a deadline, a submitted answer sheet is still graded
    "retake_after_completion": False,  # may a learner whose course is complete try to improve?
}

_CHECKS = {
    "pass_mark": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 100,
    "max_attempts": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "attempt_delay_minutes": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "time_limit_minutes": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "shuffle_questions": lambda v: isinstance(v, bool),
    "shuffle_options": lambda v: isinstance(v, bool),
    "draw": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "feedback": lambda v: v in FEEDBACK_POLICIES,
    "grading": lambda v: v in GRADING_METHODS,
    "review_shows_answers": lambda v: isinstance(v, bool),
    "answers_after": lambda v: v in ANSWER_POLICIES,
    "grace_minutes": lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 30,
    "retake_after_completion": lambda v: isinstance(v, bool),
}

_EXPECTED = {
    "pass_mark": "a number from 0 to 100",
    "max_attempts": "a whole number, 0 for unlimited",
    "attempt_delay_minutes": "a whole number of minutes",
    "time_limit_minutes": "a whole number of minutes, 0 for none",
    "shuffle_questions": "true or false",
    "shuffle_options": "true or false",
    "draw": "a whole number, 0 for every question",
    "feedback": "one of " + ", ".join(FEEDBACK_POLICIES),
    "grading": "one of " + ", ".join(GRADING_METHODS),
    "review_shows_answers": "true or false",
    "answers_after": "one of " + ", ".join(ANSWER_POLICIES),
    "grace_minutes": "a whole number of minutes from 0 to 30",
    "retake_after_completion": "true or false",
}


def problems(settings: dict | None) -> list[tuple[str, str]]:
    """(key, message) for every unknown key or bad value."""
    found = []
    for key, value in (settings or {}).items():
        if key not in DEFAULTS:
            found.append((key, f"unknown quiz setting '{key}' (known: {', '.join(DEFAULTS)})"))
        elif not _CHECKS[key](value):
            found.append((key, f"quiz setting '{key}' must be {_EXPECTED[key]}"))
    return found


def resolve(file_settings: dict | None, course_defaults: dict | None) -> dict:
    resolved = dict(DEFAULTS)
    for layer in (course_defaults or {}, file_settings or {}):
        resolved.update({k: v for k, v in layer.items() if k in DEFAULTS})
    return resolved
