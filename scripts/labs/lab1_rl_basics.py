"""Lab 1 (skeleton)."""
from labkit import code, colab_install, md, setup, solution, test, written


def cells():
    return [
        md("# Lab 1"),
        colab_install(),
        setup("import ppo_core.grading\nimport numpy as np\nimport torch"),
        solution("discounted_return"),
        test("discounted_return", "basic", 1),
        test("discounted_return", "random", 1, args="seed=0, n_cases=3", hidden="seed=1, n_cases=20"),
        *written("discount", 2, "Why discount?", "Because."),
        code("print(discounted_return([1, 1], 0.5))"),
    ]
