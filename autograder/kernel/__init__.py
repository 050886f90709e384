"""What touches the learner's notebook: the grader rebuilds it from the release (:mod:`.sanitize`,
run by the grader), and the grading kernel answers the checks' calls (:mod:`.remote`, over the
plain-data format of :mod:`.wire`; :mod:`.spies` for ppo_update). Kept free of imports: the
kernel imports :mod:`.remote` through this package."""
