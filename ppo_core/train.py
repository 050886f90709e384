"""The PPO training loop, in the order of the algorithm (Lab 4).

For each iteration: anneal the learning rate, collect a (T, N) rollout, compute GAE, flatten,
run the update (epochs x minibatches), log diagnostics. Learners plug their own ``compute_gae``
and ``ppo_update`` (or just the loss) in through the ``gae_fn`` / ``update_fn`` / ``loss_fn``
hooks, so Lab 4 trains a lander with code they wrote.

Rollouts and updates use a second core through ``ppo_core.parallel`` (``config.env_workers``):
the same algorithm, and with the library's own functions the same update as ``ppo_update``.
"""

from __future__ import annotations

import functools
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ppo_core.checkpoint import save_checkpoint
from ppo_core.config import PPOConfig
from ppo_core.envs import make_env, reward_threshold
from ppo_core.gae import compute_gae
from ppo_core.networks import ActorCritic
from ppo_core.optim import FlatAdam
from ppo_core.parallel import actor_parameters, make_rollout
from ppo_core.rollout import EpisodeTracker, RolloutBuffer
from ppo_core.update import ppo_update


@dataclass
class TrainResult:
    """What :func:`train` returns."""

    policy: ActorCritic
    config: PPOConfig
    history: list[dict] = field(default_factory=list)   # one dict per update, CleanRL keys
    episode_returns: list[float] = field(default_factory=list)
    episode_lengths: list[int] = field(default_factory=list)
    episode_steps: list[int] = field(default_factory=list)  # global step at each episode end
    episode_times: list[float] = field(default_factory=list)  # seconds since the start
    wall_time_s: float = 0.0
    time_to_threshold_s: float | None = None
    steps_to_threshold: int | None = None
    rollout_processes: int = 1  # processes that collected the rollouts (env_workers, clamped)

    @property
    def sps(self) -> float:
        steps = self.history[-1]["global_step"] if self.history else 0
        return steps / self.wall_time_s if self.wall_time_s else 0.0

    def mean_return(self, last: int = 100) -> float:
        return float(np.mean(self.episode_returns[-last:])) if self.episode_returns else float("nan")


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_optimizer(policy, learning_rate: float) -> torch.optim.Optimizer:
    """Adam with eps=1e-5 (as in the PPO baselines), over one flat copy of the parameters
    (:class:`~ppo_core.optim.FlatAdam`): with minibatches this small, a step costs what its
    per-tensor bookkeeping costs, and one tensor has the least."""
    return FlatAdam(policy, lr=learning_rate, eps=1e-5)


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm.auto import tqdm  # notebook widget in Jupyter, text bar in a terminal

    return tqdm(total=total, unit="step", unit_scale=True, dynamic_ncols=True, leave=True)


def first_threshold_crossing(returns: list[float], threshold: float, window: int = 100) -> int | None:
    """Index of the first episode at which the mean of the last ``window`` returns >= threshold."""
    if len(returns) < window:
        return None
    r = np.asarray(returns, dtype=np.float64)
    means = np.convolve(r, np.ones(window) / window, mode="valid")  # means[k] ends at k+window-1
    hits = np.flatnonzero(means >= threshold)
    return int(hits[0]) + window - 1 if hits.size else None


def train(
    config: PPOConfig | None = None,
    *,
    gae_fn: Callable = compute_gae,
    update_fn: Callable = ppo_update,
    loss_fn: Callable | None = None,
    policy: ActorCritic | None = None,
    progress: bool = True,
    checkpoint_path: str | Path | None = None,
    stop_at_threshold: bool = False,
    callback: Callable[[dict, ActorCritic], None] | None = None,
) -> TrainResult:
    """Train a PPO agent and return the policy with its full history.

    Args:
        config: hyperparameters; ``PPOConfig()`` (tuned for LunarLander-v3) if omitted.
        gae_fn: ``compute_gae``-compatible function (Lab 2's); called with (T, N) numpy arrays.
        update_fn: ``ppo_update``-compatible function (Lab 4's). Left at ``ppo_update`` with
            a worker process running, the update is shared with the worker
            (:meth:`~ppo_core.parallel.ParallelRollout.update`, same result).
        loss_fn: a ``ppo_loss``-compatible function (Lab 3's), used by the library update.
        policy: start from this network instead of a fresh one.
        progress: show a tqdm bar (a widget in notebooks).
        checkpoint_path: save the policy here after every update and at the end.
        stop_at_threshold: end as soon as the mean of the last 100 episodes reaches the
            environment's reward threshold.
        callback: called after every update with that update's history row and the policy.

    Returns:
        A :class:`TrainResult`. Raises ``FloatingPointError`` naming the update if a loss is NaN.
    """
    config = (config or PPOConfig()).validate()
    if loss_fn is not None:
        if update_fn is not ppo_update:
            raise ValueError("pass either update_fn or loss_fn, not both: the loss_fn hook "
                             "plugs a loss into the library's ppo_update")
        update_fn = functools.partial(ppo_update, loss_fn=loss_fn)
    threshold = reward_threshold(config.env_id)
    torch.set_num_threads(config.torch_threads)
    seed_everything(config.seed)

    if policy is None:
        probe = make_env(config.env_id)  # just for the observation and action spaces
        policy = ActorCritic.for_env(probe, config.hidden_size)
        probe.close()
    # The environments, in config.env_workers processes (ppo_core.parallel).
    rollout = make_rollout(config.env_id, config.num_envs, config.env_workers, policy,
                           config.seed)
    # With a worker process and the library's own update, each minibatch step is shared: the
    # actor's half here, the critic's half in the worker (ParallelRollout.update, the same
    # numbers as ppo_update). The optimiser here then holds the actor's parameters only.
    shared_update = update_fn is ppo_update and rollout.can_split_update(config)
    optimizer = make_optimizer(actor_parameters(policy) if shared_update else policy,
                               config.learning_rate)
    buffer = RolloutBuffer.allocate(config.num_steps, config.num_envs, rollout)
    tracker = EpisodeTracker(config.num_envs)
    result = TrainResult(policy=policy, config=config,
                         rollout_processes=rollout.processes)

    next_obs = rollout.reset(config.seed)
    global_step = 0
    start = tracker.start_time
    bar = _progress_bar(config.num_iterations * config.batch_size, progress)
    num_actions = policy.action_dim if policy.discrete else 0
    try:
        for iteration in range(1, config.num_iterations + 1):
            if config.anneal_lr:  # linear decay to 0 at the last update
                frac = 1.0 - (iteration - 1.0) / config.num_iterations
                optimizer.param_groups[0]["lr"] = frac * config.learning_rate
            n_episodes_before = len(tracker.returns)
            next_obs = rollout.collect(policy, buffer, next_obs)
            tracker.record_rollout(buffer, global_step)  # finished episodes, in step order
            global_step += config.batch_size
            rewards = buffer.rewards * config.reward_scale  # the critic learns scaled returns
            advantages, returns = gae_fn(rewards, buffer.values, buffer.next_values,
                                         buffer.terminated, buffer.truncated,
                                         config.gamma, config.gae_lambda)
            batch = buffer.flatten(advantages, returns)
            try:
                if shared_update:
                    stats = rollout.update(policy, optimizer, batch, config)
                else:
                    stats = update_fn(policy, optimizer, batch, config)
            except FloatingPointError as err:
                raise FloatingPointError(f"update {iteration} of {config.num_iterations} "
                                         f"(global step {global_step}): {err}") from err
            elapsed = time.perf_counter() - start
            new_returns = tracker.returns[n_episodes_before:]
            row = {
                "iteration": iteration,
                "global_step": global_step,
                "time/wall_s": elapsed,
                "charts/SPS": global_step / elapsed,
                "charts/learning_rate": optimizer.param_groups[0]["lr"],
                "charts/episodic_return": float(np.mean(new_returns)) if new_returns else math.nan,
                "charts/episodic_length": (float(np.mean(tracker.lengths[n_episodes_before:]))
                                           if new_returns else math.nan),
                "charts/episodes": len(tracker.returns),
                "charts/mean_return_100": tracker.mean_return(100),
                **(stats or {}),
            }
            if num_actions:  # how often each action was taken: Lab 4's heatmap
                counts = np.bincount(buffer.actions.reshape(-1), minlength=num_actions)
                row["charts/action_frequencies"] = (counts / counts.sum()).tolist()
            result.history.append(row)
            if result.time_to_threshold_s is None and threshold is not None:
                k = first_threshold_crossing(tracker.returns, threshold)
                if k is not None:
                    result.time_to_threshold_s = tracker.end_times[k]
                    result.steps_to_threshold = tracker.end_steps[k]
            if checkpoint_path is not None:
                save_checkpoint(checkpoint_path, policy, config, {"global_step": global_step})
            if callback is not None:
                callback(row, policy)
            if bar is not None:
                bar.update(config.batch_size)
                bar.set_postfix(ret100=f"{row['charts/mean_return_100']:.1f}",
                                kl=f"{row.get('losses/approx_kl', math.nan):.3f}", refresh=False)
            if stop_at_threshold and result.time_to_threshold_s is not None:
                break
    finally:
        rollout.close()
        if bar is not None:
            bar.close()
    result.wall_time_s = time.perf_counter() - start
    result.episode_returns = tracker.returns
    result.episode_lengths = tracker.lengths
    result.episode_steps = tracker.end_steps
    result.episode_times = tracker.end_times
    return result
