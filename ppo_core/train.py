"""The PPO training loop, in the order of the algorithm (Lab 4).

This is the loop that runs: one process, ``torch.optim.Adam``, the library's own functions.
Learners plug their own ``compute_gae`` and ``ppo_update`` (or just the loss) in through the
``gae_fn`` / ``update_fn`` / ``loss_fn`` hooks, so Lab 4 trains a lander with code they wrote.
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
from ppo_core.envs import make_vec_env, reward_threshold
from ppo_core.exercises import resolve
from ppo_core.networks import ActorCritic
from ppo_core.rollout import EpisodeTracker, RolloutBuffer, collect_rollout


@dataclass
class TrainResult:
    """What :func:`train` returns."""

    policy: ActorCritic
    config: PPOConfig
    history: list[dict] = field(default_factory=list)  # one dict per update, CleanRL keys
    episode_returns: list[float] = field(default_factory=list)
    episode_lengths: list[int] = field(default_factory=list)
    episode_steps: list[int] = field(default_factory=list)  # global step at each episode end
    wall_time_s: float = 0.0
    time_to_threshold_s: float | None = None
    steps_to_threshold: int | None = None
    rollout_processes: int = 1  # processes that collected the rollouts (2 only with fast=True)

    @property
    def sps(self) -> float:
        """Environment steps per second of wall time."""
        steps = self.history[-1]["global_step"] if self.history else 0
        return steps / self.wall_time_s if self.wall_time_s else 0.0

    def mean_return(self, last: int = 100) -> float:
        """Mean return of the last ``last`` finished episodes (nan before the first)."""
        return float(np.mean(self.episode_returns[-last:])) if self.episode_returns else math.nan


@dataclass
class Reporting:
    """What :func:`train` does besides training, after every update (its keyword hooks)."""

    progress: bool = True
    checkpoint_path: str | Path | None = None
    stop_at_threshold: bool = False
    callback: Callable[[dict, ActorCritic], None] | None = None


def make_optimizer(policy: ActorCritic, learning_rate: float) -> torch.optim.Adam:
    """Adam with eps=1e-5, as in the PPO baselines (PyTorch's default is 1e-8).

    ``fused=True`` takes the Adam step for all of the network's tensors in one call to a fused
    kernel instead of a Python loop over them: the same Adam, and a cheaper step where PPO takes
    thousands of small ones and the loop's overhead is most of their cost."""
    return torch.optim.Adam(policy.parameters(), lr=learning_rate, eps=1e-5, fused=True)


def with_loss_fn(update_fn: Callable | None, loss_fn: Callable | None) -> Callable:
    """The update to run: ``update_fn`` if one is given, else ``ppo_update`` (the learner's, if
    plugged in), with the learner's loss if one is given."""
    if loss_fn is None:
        return update_fn or resolve("ppo_update")
    if update_fn is not None:
        raise ValueError(
            "pass either update_fn or loss_fn, not both: the loss_fn hook "
            "plugs a loss into ppo_update"
        )
    return functools.partial(resolve("ppo_update"), loss_fn=loss_fn)


class RunLog:
    """Everything :func:`train` records about a run: a history row per update (CleanRL's keys),
    when the reward threshold was first reached, and the :class:`Reporting` hooks."""

    def __init__(
        self,
        config: PPOConfig,
        policy: ActorCritic,
        tracker: EpisodeTracker,
        reporting: Reporting,
        rollout_processes: int = 1,
    ):
        self.config, self.policy, self.tracker, self.reporting = config, policy, tracker, reporting
        self.result = TrainResult(  # the episode lists grow with the tracker's
            policy=policy,
            config=config,
            rollout_processes=rollout_processes,
            episode_returns=tracker.returns,
            episode_lengths=tracker.lengths,
            episode_steps=tracker.end_steps,
        )
        self.threshold = reward_threshold(config.env_id)
        self.episodes_logged = 0  # episodes already summarised in a history row
        self.bar = None
        if reporting.progress:
            from tqdm.auto import tqdm  # notebook widget in Jupyter, text bar in a terminal

            self.bar = tqdm(
                total=config.num_iterations * config.batch_size,
                unit="step",
                unit_scale=True,
                dynamic_ncols=True,
                leave=True,
            )

    def history_row(
        self, iteration: int, global_step: int, lr: float, actions: np.ndarray, stats: dict | None
    ) -> dict:
        """One update's row: progress, the episodes that ended in its rollout, its diagnostics
        and, for discrete actions, how often each action was taken (Lab 4's heatmap)."""
        tracker = self.tracker
        elapsed = time.perf_counter() - tracker.start_time
        new_returns = tracker.returns[self.episodes_logged :]
        new_lengths = tracker.lengths[self.episodes_logged :]
        self.episodes_logged = len(tracker.returns)
        row = {
            "iteration": iteration,
            "global_step": global_step,
            "time/wall_s": elapsed,
            "charts/SPS": global_step / elapsed,
            "charts/learning_rate": lr,
            "charts/episodic_return": float(np.mean(new_returns)) if new_returns else math.nan,
            "charts/episodic_length": float(np.mean(new_lengths)) if new_lengths else math.nan,
            "charts/episodes": len(tracker.returns),
            "charts/mean_return_100": tracker.mean_return(100),
            **(stats or {}),
        }
        if self.policy.discrete:
            counts = np.bincount(actions.reshape(-1), minlength=self.policy.action_dim)
            row["charts/action_frequencies"] = (counts / counts.sum()).tolist()
        return row

    def _check_threshold(self) -> None:
        """Note when the mean of the last 100 returns first reached the reward threshold."""
        returns, result = self.tracker.returns, self.result
        if result.time_to_threshold_s is not None or self.threshold is None or len(returns) < 100:
            return
        means = np.convolve(returns, np.ones(100) / 100, mode="valid")  # means[k] ends at k + 99
        hits = np.flatnonzero(means >= self.threshold)
        if hits.size:
            result.time_to_threshold_s = self.tracker.end_times[hits[0] + 99]
            result.steps_to_threshold = self.tracker.end_steps[hits[0] + 99]

    def record(
        self,
        iteration: int,
        global_step: int,
        optimizer: torch.optim.Optimizer,
        actions: np.ndarray,
        stats: dict | None,
    ) -> bool:
        """Record one update and run the hooks; True when the run should stop early."""
        row = self.history_row(
            iteration, global_step, optimizer.param_groups[0]["lr"], actions, stats
        )
        self.result.history.append(row)
        self._check_threshold()
        reporting = self.reporting
        if reporting.checkpoint_path is not None:
            save_checkpoint(
                reporting.checkpoint_path, self.policy, self.config, {"global_step": global_step}
            )
        if reporting.callback is not None:
            reporting.callback(row, self.policy)
        if self.bar is not None:
            self.bar.update(self.config.batch_size)
            self.bar.set_postfix(
                ret100=f"{row['charts/mean_return_100']:.1f}",
                kl=f"{row.get('losses/approx_kl', math.nan):.3f}",
                refresh=False,
            )
        return reporting.stop_at_threshold and self.result.time_to_threshold_s is not None

    def close(self) -> None:
        """Close the progress bar."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def finish(self) -> TrainResult:
        """The result, with the wall time."""
        self.result.wall_time_s = time.perf_counter() - self.tracker.start_time
        return self.result


def train(
    config: PPOConfig | None = None,
    *,
    gae_fn: Callable | None = None,
    update_fn: Callable | None = None,
    loss_fn: Callable | None = None,
    policy: ActorCritic | None = None,
    progress: bool = True,
    checkpoint_path: str | Path | None = None,
    stop_at_threshold: bool = False,
    callback: Callable[[dict, ActorCritic], None] | None = None,
) -> TrainResult:
    """Train a PPO agent and return the policy with its full history.

    Args:
        config: hyperparameters; ``PPOConfig()`` (tuned for LunarLander-v3) if omitted. With
            ``config.fast`` the run goes to :func:`ppo_core.fast.train_fast` (same algorithm,
            two processes).
        gae_fn: ``compute_gae``-compatible function (Lab 2's); called with (T, N) numpy arrays.
            Default: ``compute_gae`` (the learner's, if plugged in).
        update_fn: ``ppo_update``-compatible function (Lab 4's). Default: ``ppo_update`` (the
            learner's, if plugged in).
        loss_fn: a ``ppo_loss``-compatible function (Lab 3's), handed to ``ppo_update``.
        policy: start from this network instead of a fresh one.
        progress: show a tqdm bar (a widget in notebooks).
        checkpoint_path: save the policy here after every update.
        stop_at_threshold: end as soon as the mean of the last 100 episodes reaches the
            environment's reward threshold.
        callback: called after every update with that update's history row and the policy.

    Returns:
        A :class:`TrainResult`. Raises ``FloatingPointError`` naming the update if a loss is NaN.
    """
    config = (config or PPOConfig()).validate()
    gae_fn = gae_fn or resolve("compute_gae")
    update_fn = with_loss_fn(update_fn, loss_fn)
    reporting = Reporting(progress, checkpoint_path, stop_at_threshold, callback)
    torch.set_num_threads(config.torch_threads)
    random.seed(config.seed)  # Python's, numpy's and torch's global generators
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    if config.fast:  # the opt-in speed layer; imported only when asked for
        from ppo_core.fast import train_fast

        return train_fast(config, gae_fn, update_fn, policy, reporting)

    envs = make_vec_env(config.env_id, config.num_envs)
    if policy is None:
        policy = ActorCritic.for_env(envs, config.hidden_size)
    optimizer = make_optimizer(policy, config.learning_rate)
    buffer = RolloutBuffer.allocate(config.num_steps, config.num_envs, envs)
    tracker = EpisodeTracker(config.num_envs)  # every finished episode's return and length
    run_log = RunLog(config, policy, tracker, reporting)
    next_obs, _ = envs.reset(seed=config.seed)  # env i gets seed + i
    global_step = 0
    try:
        for iteration in range(1, config.num_iterations + 1):
            # 1. Anneal the learning rate linearly towards 0 at the last update.
            if config.anneal_lr:
                frac = 1.0 - (iteration - 1.0) / config.num_iterations
                optimizer.param_groups[0]["lr"] = frac * config.learning_rate
            # 2. Roll out pi_theta_old for T steps in N envs.
            next_obs, global_step = collect_rollout(
                envs, policy, buffer, next_obs, tracker, global_step
            )
            # 3. Advantages and return targets (the critic learns scaled returns).
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
            # 4. Flatten (T, N) to (T * N,).
            batch = buffer.flatten(advantages, returns)
            # 5. Epochs x minibatches of the clipped loss.
            stats = update_fn(policy, optimizer, batch, config)
            # 6. Log: finished episodes, diagnostics, action frequencies.
            if run_log.record(iteration, global_step, optimizer, buffer.actions, stats):
                break
    except FloatingPointError as err:  # a NaN loss: say in which update it happened
        raise FloatingPointError(
            f"update {iteration} of {config.num_iterations} (global step {global_step}): {err}"
        ) from err
    finally:
        envs.close()
        run_log.close()
    return run_log.finish()
