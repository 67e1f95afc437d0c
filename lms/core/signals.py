"""The few cross-feature signals. Senders never import their listeners.

- course_completed(sender=app, user=..., course=..., enrollment=..., now=...):
  fired once per enrolment when the completion rule is first met (badges award on it).
- quiz_submitted(sender=app, attempt=...): every graded attempt (progress recalculates).
- quiz_passed(sender=app, attempt=...): a graded attempt that reached the pass mark.
"""
from blinker import Namespace

_signals = Namespace()

course_completed = _signals.signal("course-completed")
quiz_submitted = _signals.signal("quiz-submitted")
quiz_passed = _signals.signal("quiz-passed")
