"""The student build: ``python -m autograder build-student-package``, the library without the
answers (:mod:`.build`), its visible checks (:mod:`.checks`), metadata, recorded runs, the leak
scan and the wheel (:mod:`.package`)."""
