"""The training loop of the speed layer: :func:`ppo_core.train.train` with ``config.fast``.

The same algorithm, in the same order, as the readable loop in :mod:`ppo_core.train` (anneal,
roll out, GAE, flatten, update, log) and with its bookkeeping (:class:`~ppo_core.train.RunLog`);
what differs is where the work runs:

* the rollout is collected by :func:`~ppo_core.fast.parallel.make_rollout`: half of the
  environments here, half in a worker process (one process where that cannot work);
* with the library's own ``ppo_update`` the update is shared with that worker
  (:meth:`~ppo_core.fast.parallel.ParallelRollout.update`: the actor's half here, the critic's
  half there; equal to ``ppo_update``'s up to float rounding); a learner's ``update_fn`` runs
  here as given;
* the optimiser is :class:`~ppo_core.fast.optim.FlatAdam`, Adam over one flat buffer.

The worker imports the library afresh, and the shared update writes the losses' gradients out by
hand. So where a learner's version of a function that the rollout or the update calls is plugged
in (:func:`ppo_core.plug_in`), that part runs the readable way: the policy itself takes each
step, in the worker too when the worker can import the learner's functions by name (a module of
the learner's; one defined in a notebook cell keeps the whole rollout here), and ``ppo_update``
runs here. The learner's function then runs as given, on every environment and minibatch.
"""

from __future__ import annotations

from collections.abc import Callable

from ppo_core import exercises, plug
from ppo_core.config import PPOConfig
from ppo_core.envs import make_env
from ppo_core.fast.optim import FlatAdam
from ppo_core.fast.parallel import LocalRollout, actor_parameters, make_rollout
from ppo_core.networks import ActorCritic
from ppo_core.rollout import EpisodeTracker, RolloutBuffer
from ppo_core.train import Reporting, RunLog, TrainResult

# The exercise functions the readable rollout and update call (the policy's through
# ActorCritic.get_action): with any of them plugged in, that part runs the readable way.
# tests/test_plug_paths.py fails where a call is missing here.
_POLICY = "networks.ActorCritic.get_action"
ROLLOUT_CALLS = exercises.called_from(_POLICY, "rollout.collect_rollout")
UPDATE_CALLS = (
    "ppo_update",
    *exercises.called_from(_POLICY, "update.ppo_update", "update.update_diagnostics"),
)


def _new_policy(config: PPOConfig) -> ActorCritic:
    probe = make_env(config.env_id)  # just for the observation and action spaces
    policy = ActorCritic.for_env(probe, config.hidden_size)
    probe.close()
    return policy


def train_fast(
    config: PPOConfig,
    gae_fn: Callable,
    update_fn: Callable,
    policy: ActorCritic | None,
    reporting: Reporting,
) -> TrainResult:
    """Run :func:`ppo_core.train.train`'s loop on the speed layer (called by ``train`` when
    ``config.fast``; its arguments are ``train``'s, already checked and seeded)."""
    if policy is None:
        policy = _new_policy(config)
    # A worker imports the library afresh: it can run the learner's plugged functions only where
    # it can import them by name; one defined in a notebook cell keeps the rollout here.
    plugged = plug.plugged_names(*ROLLOUT_CALLS)
    if plugged is not None:
        rollout = make_rollout(
            config.env_id, config.num_envs, config.env_workers, policy, config.seed, plugged
        )
    else:
        rollout = LocalRollout(config.env_id, config.num_envs, readable=True)
    # With a worker process and the library's own update, each minibatch step is shared; the
    # optimiser here then holds the actor's parameters only. The default update_fn is whatever
    # is plugged in, hence the comparison with the library's own.
    shared_update = (
        update_fn is plug.LIBRARY["ppo_update"]
        and plug.calls_its_own(*UPDATE_CALLS)
        and rollout.can_split_update(config)
    )
    update = rollout.update if shared_update else update_fn
    optimizer = FlatAdam(
        actor_parameters(policy) if shared_update else policy, lr=config.learning_rate, eps=1e-5
    )
    buffer = RolloutBuffer.allocate(config.num_steps, config.num_envs, rollout)
    tracker = EpisodeTracker(config.num_envs)
    run_log = RunLog(config, policy, tracker, reporting, rollout_processes=rollout.processes)
    next_obs = rollout.reset(config.seed)
    global_step = 0
    try:
        for iteration in range(1, config.num_iterations + 1):
            if config.anneal_lr:
                frac = 1.0 - (iteration - 1.0) / config.num_iterations
                optimizer.param_groups[0]["lr"] = frac * config.learning_rate
            next_obs = rollout.collect(policy, buffer, next_obs)
            tracker.record_rollout(buffer, global_step)  # finished episodes, in step order
            global_step += config.batch_size
            rewards = buffer.rewards * config.reward_scale
            advantages, returns = gae_fn(
                rewards,
                buffer.values,
                buffer.next_values,
                buffer.terminated,
                buffer.truncated,
                config.gamma,
                config.gae_lambda,
            )
            batch = buffer.flatten(advantages, returns)
            stats = update(policy, optimizer, batch, config)
            if run_log.record(iteration, global_step, optimizer, buffer.actions, stats):
                break
    except FloatingPointError as err:
        raise FloatingPointError(
            f"update {iteration} of {config.num_iterations} (global step {global_step}): {err}"
        ) from err
    finally:
        rollout.close()
        run_log.close()
    return run_log.finish()
