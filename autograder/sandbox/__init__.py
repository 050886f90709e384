"""The sandbox a grading kernel runs in: ``python -m autograder.sandbox -- KERNEL_CMD ...``
(:mod:`.run`), the namespaces it enters (:mod:`.isolation`) and the seccomp filters
(:mod:`.seccomp_filter`, also loaded in the kernel by :mod:`autograder.kernel.remote`). Kept free
of imports: the kernel imports :mod:`.seccomp_filter` through this package."""
