"""The presenter's notebook on any build of the library: each part that needs an exercise a
student build withholds says which lab unlocks it, instead of stopping Run All with a traceback.

``with part():`` runs one part; where it calls an exercise that this copy of ``ppo_core`` leaves
to the learner and no lab's function is plugged in (:class:`ppo_core.exercises.Withheld`), it
prints the function, the lab that teaches it, and how to bring the learner's own in. On the open
library nothing is withheld, and the block runs as plain code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ppo_core.exercises import Withheld


@contextlib.contextmanager
def part() -> Iterator[None]:
    """Run one part of the presenter's notebook; a withheld exercise ends it with a note."""
    try:
        yield
    except Withheld as missing:
        print(
            f"This part needs {missing.name}, an exercise of {missing.lab.name} that this student "
            f"build leaves to you. Finish {missing.lab.name} (its last cell saves your functions), "
            f"then run this notebook's cell 'Your saved functions' and this part again."
        )
