"""Demo data. Every step looks before it writes, so seeding twice changes nothing."""
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

# Later features add their demo steps here: fn(users_by_email) -> None.
SEED_STEPS: list = []


def ensure_user(email: str, name: str, role: str, locale: str, password: str) -> User:
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(email=email, name=name, password=password, role=role, locale=locale)
    return user


def seed(password: str) -> list[User]:
    users = [ensure_user(email, name, role, locale, password) for email, name, role, locale in DEMO_ACCOUNTS]
    by_email = {user.email: user for user in users}
    for step in SEED_STEPS:
        step(by_email)
    return users
