"""Synthetic learners: who they are (organisation, country, name), the answers they might give,
and how one of them walks through a course."""
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lms.dashboards.queries import Structure
from lms.quizzes.models import FINISHED, IN_PROGRESS
from lms.quizzes.types import TYPES, grade

# (name, kind, ISO country, usual language)
ORGANISATIONS = [
    ("Ministry of Justice of Kenya", "sur_ministry", "KE", "en"),
    ("Ministry of Foreign Affairs of Senegal", "sur_ministry", "SN", "fr"),
    ("Ministry of Human Rights of Morocco", "sur_ministry", "MA", "fr"),
    ("Secretariat for Human Rights of Paraguay", "sur_ministry", "PY", "es"),
    ("National Human Rights Commission of Nepal", "nhri", "NP", "en"),
    ("Ombudsman of Peru", "nhri", "PE", "es"),
    ("National Human Rights Council of Cameroon", "nhri", "CM", "fr"),
    ("Women's Rights Coalition of Uganda", "cso", "UG", "en"),
    ("Colectivo por los Derechos Humanos de Guatemala", "cso", "GT", "es"),
    ("Ligue des droits humains du Bénin", "cso", "BJ", "fr"),
    ("Permanent Mission of Norway in Geneva", "rs_mission", "NO", "en"),
    ("Permanent Mission of Chile in Geneva", "rs_mission", "CL", "es"),
    ("UN Country Team in Fiji", "un_agency", "FJ", "en"),
    ("Independent journalists' network of Tunisia", "other", "TN", "fr"),
]

FIRST_NAMES = {
    "en": ["Grace", "Samuel", "Aisha", "Peter", "Mary", "David", "Ruth", "Joseph", "Esther", "John", "Priya",
           "Rajesh", "Sita", "Ingrid", "Lars", "Mele", "Sione", "Faith", "Brian", "Joyce"],
    "fr": ["Aminata", "Moussa", "Fatou", "Ibrahima", "Awa", "Cheikh", "Mariam", "Youssef", "Khadija", "Olivier",
           "Nadia", "Karim", "Rokhaya", "Serge", "Estelle", "Hamza", "Leila", "Ousmane", "Bintou", "Jean"],
    "es": ["María", "José", "Lucía", "Carlos", "Ana", "Diego", "Sofía", "Javier", "Valentina", "Miguel",
           "Camila", "Andrés", "Gabriela", "Luis", "Paula", "Mateo", "Isabel", "Jorge", "Elena", "Tomás"],
}
LAST_NAMES = {
    "en": ["Otieno", "Wanjiru", "Mwangi", "Okello", "Nakato", "Shrestha", "Gurung", "Thapa", "Hansen", "Berg",
           "Naidu", "Tuilagi", "Kamau", "Achieng", "Mugisha"],
    "fr": ["Diop", "Ndiaye", "Fall", "Sow", "Ba", "El Amrani", "Benali", "Mbarga", "Nkomo", "Houngbo",
           "Traoré", "Koné", "Ben Salah", "Gueye", "Faye"],
    "es": ["González", "Rodríguez", "Pérez", "Martínez", "López", "Quispe", "Mamani", "Flores", "Ramírez",
           "Torres", "Benítez", "Morales", "Castillo", "Rojas", "Vargas"],
}


def person(rng: random.Random, language: str) -> str:
    return f"{rng.choice(FIRST_NAMES[language])} {rng.choice(LAST_NAMES[language])}"


def right_response(qtype: str, data: dict) -> dict:
    return TYPES[qtype].correct_response(data)


def wrong_response(qtype: str, data: dict, rng: random.Random) -> dict:
    """A plausible wrong (or partly right) answer of the given type."""
    if qtype == "single":
        wrong = [o["id"] for o in data["options"] if o["fraction"] < 1.0] or [data["options"][0]["id"]]
        return {"choice": rng.choice(wrong)}
    if qtype == "multiple":
        right = [o["id"] for o in data["options"] if o["fraction"] > 0]
        wrong = [o["id"] for o in data["options"] if o["fraction"] <= 0]
        chosen = rng.sample(right, max(0, len(right) - 1)) + rng.sample(wrong, min(len(wrong), 1))
        return {"choices": chosen}
    if qtype == "truefalse":
        return {"choice": "false" if data["answer"] else "true"}
    if qtype == "matching":
        pairs = {p["id"]: p["right_id"] for p in data["pairs"]}
        keys = list(pairs)
        if len(keys) >= 2:
            a, b = rng.sample(keys, 2)
            pairs[a], pairs[b] = pairs[b], pairs[a]
        return {"pairs": pairs}
    if qtype == "ordering":
        order = [i["id"] for i in data["items"]]
        if len(order) >= 2:
            k = rng.randrange(len(order) - 1)
            order[k], order[k + 1] = order[k + 1], order[k]
        return {"order": order}
    return {"text": rng.choice(["not sure", "I do not know", "the Council"])}


@dataclass
class Rows:
    progress: list = field(default_factory=list)
    attempts: list = field(default_factory=list)
    responses: list = field(default_factory=list)    # filled in once attempt ids exist
    badges: list = field(default_factory=list)
    enrolments: list = field(default_factory=list)


class Learner:
    """One simulated learner walking through the course in order until done, stuck, out or out of time."""

    def __init__(self, rng: random.Random, user_id: int, joined: datetime, now: datetime, items: dict):
        self.rng, self.user_id, self.now, self.items = rng, user_id, now, items
        self.ability = rng.gauss(0.0, 1.0)
        self.gap_hours = rng.choice([10, 30, 60, 100, 160, 240])   # typical pause between two steps
        self.dropout = rng.choice([0.0, 0.0, 0.01, 0.02, 0.05])  # chance of leaving after any step
        self.t = joined + timedelta(hours=rng.uniform(1, 24 * 10))
        self.last = None

    def step(self, factor: float = 1.0) -> bool:
        """Advance the clock; False when the learner stops here (out of time or dropped out)."""
        self.t += timedelta(hours=self.rng.expovariate(1 / (self.gap_hours * factor)))
        return self.t < self.now and self.rng.random() >= self.dropout

    def lesson(self, lesson_id: int, course_id: int, rows: Rows) -> bool:
        if not self.step():
            return False
        seconds = self.rng.randint(120, 900)
        done = self.t + timedelta(seconds=seconds)
        finished = done < self.now and self.rng.random() > 0.02
        rows.progress.append({"user_id": self.user_id, "lesson_id": lesson_id, "course_id": course_id,
                              "first_viewed_at": self.t, "last_viewed_at": min(done, self.now),
                              "completed_at": done if finished else None, "views": 1, "seconds": seconds})
        self.last = min(done, self.now)
        return finished

    def quiz(self, quiz, course_id: int, rows: Rows) -> tuple[bool, float | None]:
        settings = quiz.settings or {}
        questions = self.items[quiz.id]
        draw = settings.get("draw") or 0
        for number in range(1, (settings.get("max_attempts") or 3) + 1):
            if not self.step(0.3 if number > 1 else 1.0):
                return False, None
            drawn = self.rng.sample(questions, draw) if 0 < draw < len(questions) else list(questions)
            if self.rng.random() < 0.03:     # left an attempt open
                rows.attempts.append(self._attempt(quiz, course_id, number, drawn, None, []))
                return False, None
            answers = [self._answer(q, number) for q in drawn]
            attempt = self._attempt(quiz, course_id, number, drawn, settings, answers)
            rows.attempts.append(attempt)
            if attempt["state"] != FINISHED:      # still answering at the moment the data stops
                return False, None
            if attempt["passed"]:
                return True, attempt["score"]
        return False, None

    def _answer(self, question, number: int) -> tuple:
        qid, qtype, data, difficulty, slope = question
        ability = self.ability + 0.35 * (number - 1)     # learners improve a little on a retry
        chance = 1 / (1 + math.exp(-slope * (ability - difficulty)))
        response = right_response(qtype, data) if self.rng.random() < chance else wrong_response(qtype, data, self.rng)
        return qid, response, grade(qtype, data, response)

    def _attempt(self, quiz, course_id, number, drawn, settings, answers) -> dict:
        finished = settings is not None
        end = self.t + timedelta(minutes=self.rng.randint(3, 25))
        finished = finished and end < self.now
        points = sum(mark for _, _, mark in answers) if finished else None
        score = 100.0 * points / len(drawn) if finished and drawn else None
        self.last = end if finished else self.t
        return {"user_id": self.user_id, "quiz_id": quiz.id, "course_id": course_id, "number": number,
                "state": FINISHED if finished else IN_PROGRESS, "started_at": self.t,
                "finished_at": end if finished else None, "seed": self.rng.randint(1, 2**31 - 1),
                "question_ids": [q[0] for q in drawn], "option_orders": {}, "sequence": len(answers),
                "points": points, "max_points": float(len(drawn)) if finished else None, "score": score,
                "passed": (score >= (settings or {}).get("pass_mark", 70)) if finished else None,
                "submit_key": None, "_answers": answers if finished else [], "_end": end}


def simulate(learner: Learner, structure: Structure, rows: Rows) -> tuple[datetime | None, float | None]:
    """Walks the course; returns (completed_at, final score) when the learner completes it."""
    course_id = structure.course.id
    if learner.rng.random() < 0.07:          # never starts
        return None, None
    for module in structure.modules:
        for lesson_id in module.lesson_ids:
            if not learner.lesson(lesson_id, course_id, rows):
                return None, None
        if module.quiz_id and not learner.quiz(structure.quizzes[module.quiz_id], course_id, rows)[0]:
            return None, None
    final = structure.final_quiz
    score = None
    if final is not None:
        passed, score = learner.quiz(final, course_id, rows)
        if not passed:
            return None, None
    return learner.last, score
