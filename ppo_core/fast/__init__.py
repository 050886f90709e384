"""The speed layer: opt-in, switched on by ``PPOConfig(fast=True)`` (``--fast`` on the CLI).

No lab asks for any of it, and nothing of it is in the functions the labs teach: the readable
loop of :mod:`ppo_core.train` is the default, and the reference. This package runs the same
algorithm faster on a 2-core machine:

==========================  ===============================================================
module                      what it does
==========================  ===============================================================
:mod:`.train`               :func:`train_fast`, the loop ``train`` hands a fast run to
:mod:`.parallel`            the two-process rollout and the shared (actor/critic split) update
:mod:`.worker`              the script the worker process runs
:mod:`.protocol`            the pipe messages both sides use (the parent never imports the
                            worker script)
:mod:`.optim`               ``FlatAdam``: Adam over one flat parameter buffer
:mod:`.hotpath`             the per-step work of both loops with fewer calls (the rollout's
                            forward pass, the actor's scores, each epoch's minibatches)
:mod:`.handgrad`            the shared update's two gradients written out in numpy (no
                            autograd graph per minibatch)
==========================  ===============================================================

``tests/test_fast_parallel.py``, ``tests/test_fast_optim.py``, ``tests/test_fast_hotpath.py`` and
``tests/test_fast_handgrad.py`` prove each piece equal to the readable one (``collect_rollout``,
``ppo_update``, ``torch.optim.Adam``, the network's and the update's own calls, autograd through
the library's losses).
"""

from ppo_core.fast.train import train_fast

__all__ = ["train_fast"]
