"""Grading a class's submissions: ``python -m autograder grade`` (:mod:`.grade`), its worker
processes (:mod:`.worker`), the submissions it finds (:mod:`.discover`), its journal, the
course it grades (:mod:`.course`), the nbgrader preprocessors and the feedback pages."""
