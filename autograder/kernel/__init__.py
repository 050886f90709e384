"""What the grader puts into the learner's kernel: the cells it rebuilds the notebook from
(:mod:`.sanitize`, run by the grader) and the guard those cells load (:mod:`.guard`, run in the
kernel). Kept free of imports: the kernel imports :mod:`.guard` through this package."""
