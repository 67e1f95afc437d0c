"""One learner's way through a course, as the pages offer it: log in, open each lesson and mark it
complete, take the module quiz (again, when it is not passed and attempts are left), and at the
end the final assessment. What the server acknowledged is written down for the checks."""
import random
import re
import secrets
import time
from dataclasses import dataclass, field

from bench.scale_client import Browser, GaveUp, Page

_SEQUENCE = re.compile(r'name="sequence"[^>]*value="(\d+)"')
_SUBMIT_KEY = re.compile(r'name="submit_key" value="([^"]+)"')
_QUESTION = re.compile(r'<li id="q(\d+)" class="quiz-question">')


@dataclass(frozen=True)
class QuizPlan:
    id: int
    slug: str
    max_attempts: int


@dataclass(frozen=True)
class ModulePlan:
    lessons: list        # (lesson id, slug), in order
    quiz: QuizPlan | None


@dataclass(frozen=True)
class Plan:
    course: str
    modules: list
    final: QuizPlan | None
    questions: dict      # question id -> (type, correct response, every option id)
    skill: float = 0.85  # how often a learner knows the answer


@dataclass
class Learner:
    index: int
    user_id: int
    email: str
    password: str
    browser: Browser
    login_server: str = ""
    completions: list = field(default_factory=list)   # (lesson id, key) acknowledged
    submissions: list = field(default_factory=list)   # (attempt id, submit key) acknowledged
    outcome: str = "not started"
    replayable: dict = field(default_factory=dict)    # kind -> (path, fields) of the last such POST
    problem: str | None = None

    def run(self, plan: Plan, pace: float) -> None:
        rng = random.Random(self.index)
        try:
            self.log_in()
            for module in plan.modules:
                for lesson_id, slug in module.lessons:
                    self.study(plan, lesson_id, slug, rng, pace)
                if module.quiz and not self.pass_quiz(plan, module.quiz, rng, pace):
                    self.outcome = "out of attempts"
                    return
            if plan.final and not self.pass_quiz(plan, plan.final, rng, pace):
                self.outcome = "out of attempts"
                return
            self.outcome = "finished the course"
        except (GaveUp, Unexpected) as error:
            self.outcome, self.problem = "stopped", str(error)

    def log_in(self) -> None:
        self.outcome = "logging in"
        expect(self.browser.get("/login"), 200, "the login page")
        page = self.browser.post("/login", {"email": self.email, "password": self.password})
        if page.status != 302 or page.location.startswith("/login"):
            raise Unexpected(f"login answered {page.status}")
        self.login_server = page.server
        self.outcome = "learning"

    def study(self, plan: Plan, lesson_id: int, slug: str, rng, pace: float) -> None:
        path = f"/courses/{plan.course}/lessons/{slug}"
        expect(self.browser.get(path), 200, f"lesson {slug}")
        time.sleep(rng.uniform(0, pace))  # reading
        key = secrets.token_urlsafe(24)   # what the offline queue would send: one key per action
        expect(self.browser.post(f"{path}/complete", {"key": key}), 303, f"completing {slug}")
        self.completions.append((lesson_id, key))
        self.replayable["completion"] = (f"{path}/complete", [("key", key)])

    def pass_quiz(self, plan: Plan, quiz: QuizPlan, rng, pace: float) -> bool:
        base = f"/courses/{plan.course}/quizzes/{quiz.slug}"
        expect(self.browser.get(base), 200, f"quiz {quiz.slug}")
        for _attempt in range(quiz.max_attempts):
            started = expect(self.browser.post(f"{base}/start", {}), 303, f"starting {quiz.slug}")
            page = expect(self.browser.get(started.location), 200, f"attempt of {quiz.slug}")
            time.sleep(rng.uniform(0, pace))  # answering
            attempt_id = int(started.location.rstrip("/").rsplit("/", 1)[1])
            key = _SUBMIT_KEY.search(page.body).group(1)
            fields = [("sequence", _SEQUENCE.search(page.body).group(1)), ("submit_key", key), ("check", "1")]
            for question_id in map(int, _QUESTION.findall(page.body)):
                fields += answer(question_id, plan.questions[question_id], rng.random() < plan.skill, rng)
            done = expect(self.browser.post(f"{started.location}/submit", fields), 303, f"submitting {quiz.slug}")
            if not done.location.endswith(f"/attempts/{attempt_id}/result"):
                raise Unexpected(f"submitting {quiz.slug} led to {done.location}")
            self.submissions.append((attempt_id, key))
            self.replayable["submission"] = (f"{started.location}/submit", fields)
            result = expect(self.browser.get(done.location), 200, f"result of {quiz.slug}")
            if "quiz-passed" in result.body:
                return True
        return False


class Unexpected(Exception):
    """The server answered, but not as the page promised."""


def expect(page: Page, status: int, what: str) -> Page:
    if page.status != status:
        raise Unexpected(f"{what}: expected {status}, got {page.status} from host {page.server or '?'}")
    return page


def answer(question_id: int, known: tuple, right: bool, rng) -> list:
    """Form fields for one question: the right response, or a wrong one that is still an answer
    (an unanswered question would send the learner to the summary page first)."""
    kind, response, ids = known
    name = f"q{question_id}"
    if kind in ("single", "truefalse"):
        choices = [c for c in (ids if kind == "single" else ["true", "false"]) if c != response["choice"]]
        return [(name, response["choice"] if right or not choices else rng.choice(choices))]
    if kind == "multiple":
        wrong = [c for c in ids if c not in response["choices"]]
        return [(name, c) for c in (response["choices"] if right or not wrong else wrong[:1])]
    if kind == "matching":
        pairs = list(response["pairs"].items())
        rights = [r for _p, r in pairs] if right else [r for _p, r in pairs[1:] + pairs[:1]]
        return [(f"{name}-{p}", r) for (p, _r), r in zip(pairs, rights, strict=True)]
    if kind == "ordering":
        order = response["order"] if right else response["order"][::-1]
        return [(f"{name}-{item}", str(n)) for n, item in enumerate(order, 1)]
    return [(name, response["text"] if right else "I do not know")]
