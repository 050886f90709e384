"""The sandbox a grading kernel runs in: ``python -m autograder.sandbox -- KERNEL_CMD ...``
(:mod:`.run`), the namespaces it enters (:mod:`.isolation`) and the seccomp filter
(:mod:`.seccomp_filter`). Kept free of imports: ``python -m autograder.sandbox`` starts fast."""
