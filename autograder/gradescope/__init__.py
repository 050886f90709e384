"""The course's autograder on Gradescope: one container per submission.

* :mod:`~autograder.gradescope.build`: ``python -m autograder gradescope LAB --out FILE.zip``
  writes the zip an instructor uploads (``setup.sh``, ``run_autograder``, the pinned
  requirements, the full library and the lab's nbgrader source);
* :mod:`~autograder.gradescope.run`: what ``run_autograder`` starts in the container: it grades
  ``submission/`` with the pipeline of ``python -m autograder grade`` and writes
  ``results/results.json``;
* :mod:`~autograder.gradescope.results`: that file's format, built from the grader's CSVs, and a
  checker of Gradescope's documented format.
"""
