"""Which exercise functions this copy of the library leaves to the learner: none in the open
library. A student build (``python -m autograder build-student-package``) rewrites this file
with those whose reference code it replaced by a ``NotImplementedError`` naming the lab."""

WITHHELD: frozenset[str] = frozenset()
