"""Demo data. Every step looks before it writes, so seeding twice changes nothing."""
import importlib
import importlib.util

from lms.auth import services as accounts
from lms.auth.models import User

DEMO_ACCOUNTS = [
    ("admin@example.org", "Ada Admin", "admin", "en"),
    ("facilitator@example.org", "Fatou Facilitator", "facilitator", "fr"),
    ("learner@example.org", "Lena Learner", "learner", "en"),
    ("amina@example.org", "Amina Diallo", "learner", "fr"),
    ("carlos@example.org", "Carlos Pérez", "learner", "es"),
    ("mei@example.org", "Mei Chen", "learner", "en"),
]

# Each feature's demo step, in order: lms.<feature>.demo.seed(users_by_email) -> None.
# Courses come first (imported from courses/ when the database has none).
SEED_STEPS = ["catalog", "learning", "quizzes", "cohorts", "badges"]


def ensure_user(email: str, name: str, role: str, locale: str, password: str) -> User:
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(email=email, name=name, password=password, role=role, locale=locale)
    return user


def seed(password: str) -> list[User]:
    users = [ensure_user(email, name, role, locale, password) for email, name, role, locale in DEMO_ACCOUNTS]
    by_email = {user.email: user for user in users}
    for feature in SEED_STEPS:
        name = f"lms.{feature}.demo"
        if importlib.util.find_spec(name):
            importlib.import_module(name).seed(by_email)
    return users
