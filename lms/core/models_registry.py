"""Imports every feature's models so that metadata (and Alembic) sees all tables."""
from lms.auth import models as auth_models  # noqa: F401
from lms.badges import models as badges_models  # noqa: F401
from lms.catalog import models as catalog_models  # noqa: F401
from lms.cohorts import models as cohorts_models  # noqa: F401
from lms.core import models as core_models  # noqa: F401
from lms.learning import models as learning_models  # noqa: F401
from lms.quizzes import models as quizzes_models  # noqa: F401
