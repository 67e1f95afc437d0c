"""Who may do what with badges. Assertions, badge classes, images and the verify page are
public by design (Open Badges hosted verification); these predicates cover the rest."""


def owns_award(user, award) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and award.user_id == user.id


def can_download_certificate(user, award) -> bool:
    return owns_award(user, award) or getattr(user, "role", None) == "admin"


def can_manage_badges(user) -> bool:
    return getattr(user, "role", None) == "admin"
