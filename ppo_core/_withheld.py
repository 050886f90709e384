"""Which exercise functions this copy of the library leaves to the learner.

In the open library (self-study) nothing is withheld. The student build of a graded class
(``python -m autograder build-student-package``) rewrites this file: every exercise function
named here had its reference code replaced by a ``NotImplementedError`` that names its lab.
"""

WITHHELD: frozenset[str] = frozenset()
