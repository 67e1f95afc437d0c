"""Ingredients of synthetic cohorts: organisations, names, and answers a learner might give."""
import random

from lms.quizzes.types import TYPES

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
