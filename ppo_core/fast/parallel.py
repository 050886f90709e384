"""Training on two cores: the two-process rollout and the shared (split) update.

Two things take the time in a PPO iteration on a 2-core laptop, and both are split over two
processes here, this one and a worker (:mod:`ppo_core.fast.worker`) started once per run:

* **The rollout.** It alternates the policy's forward pass with the environments' physics,
  and LunarLander's Box2D step (~20 us per environment) is most of it. :class:`ParallelRollout`
  splits the N environments into shards: the first is collected here, each of the others by a
  worker holding those environments and a copy of the policy, which receives the current
  parameters before each rollout and runs the very same :func:`~ppo_core.rollout.collect_rollout`
  (both with the policy's rollout step of :mod:`ppo_core.fast.hotpath`: the same draws, fewer
  calls). The shards never wait for each other; their ``(T, n)`` buffers are put side by side.
* **The update.** With minibatches of 64, each of its thousand steps costs what PyTorch's
  per-operation overhead costs. The actor and the critic share no parameter, so
  :meth:`ParallelRollout.update` takes each step's actor half here and its critic half in the
  worker at the same time, swapping one number per step for the global gradient-norm clip: the
  same result as :func:`~ppo_core.update.ppo_update` (checked by ``tests/test_fast_parallel.py``),
  which stays the reference and is what runs whenever a learner's ``update_fn`` or ``loss_fn``
  is passed to :func:`~ppo_core.train.train`, or a function it calls is plugged in. Each
  epoch's minibatches are gathered once and their advantages normalised together
  (:mod:`ppo_core.fast.hotpath`); the critic's gradient and a categorical actor's are written
  out by hand (:mod:`ppo_core.fast.handgrad`), a Gaussian actor's goes through autograd.

Env i still gets seed + i. Each worker samples its actions from a torch generator of its own
(seeded from the run's seed), so a run is reproducible for a given ``env_workers``, but not
identical to the same run in one process. :func:`make_rollout` falls back to one process where
workers cannot be started (Windows, the grading sandbox) or the policy is not a plain
:class:`~ppo_core.networks.ActorCritic`. The messages between the two processes are those of
:mod:`ppo_core.fast.protocol`.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import warnings
from multiprocessing.connection import Connection
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch

from ppo_core.diagnostics import approx_kl
from ppo_core.envs import make_vec_env
from ppo_core.fast.handgrad import MLPGrad, categorical_actor_step, single_threaded_blas
from ppo_core.fast.hotpath import epoch_minibatches, for_rollout, score_actions
from ppo_core.fast.protocol import load_vector, parameters_vector, receive, send, swap_floats
from ppo_core.losses import clipped_surrogate_loss
from ppo_core.networks import ActorCritic
from ppo_core.rollout import RolloutBuffer, collect_rollout
from ppo_core.update import minibatch_indices, update_diagnostics

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
START_TIMEOUT_S = 120.0  # importing torch on a cold, busy machine can take tens of seconds


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def actor_parameters(policy: ActorCritic) -> list[torch.nn.Parameter]:
    """Every parameter of ``policy`` outside its critic (the actor MLP, a Gaussian's log-std)."""
    critic = {id(p) for p in policy.critic.parameters()}
    return [p for p in policy.parameters() if id(p) not in critic]


def shard_sizes(num_envs: int, num_shards: int) -> list[int]:
    """Split ``num_envs`` into ``num_shards`` parts differing by at most one."""
    base, extra = divmod(num_envs, num_shards)
    return [base + (1 if k < extra else 0) for k in range(num_shards)]


ACTOR_KEYS = ("obs", "actions", "log_probs", "advantages")  # what the actor's half reads


def _kl_exceeds(policy: ActorCritic, batch: dict, target_kl: float) -> bool:
    """Whether the policy moved past ``target_kl`` from the rollout's (early stopping, as in
    ``ppo_update``)."""
    with torch.no_grad():
        _, new_log_probs, _ = policy.get_action(batch["obs"], batch["actions"])
    return approx_kl(new_log_probs, batch["log_probs"]) > target_kl


def _actor_gradient(actor: MLPGrad | ActorCritic, optimizer, minibatch: tuple, config) -> float:
    """Put the actor's gradient on ``minibatch`` in ``optimizer``'s buffer; its squared norm
    (nan where the loss is not finite). ``actor``: the hand-written gradient of a categorical
    actor, or the policy itself (autograd)."""
    obs, actions, old_log_probs, advantages = minibatch  # advantages already normalised
    if isinstance(actor, MLPGrad):
        loss = categorical_actor_step(
            actor,
            obs.numpy(),
            actions.numpy(),
            old_log_probs.numpy(),
            advantages.numpy(),
            config.clip_coef,
            config.ent_coef,
        )
    else:
        new_log_probs, entropy = score_actions(actor, obs, actions)
        surrogate = clipped_surrogate_loss(
            new_log_probs, old_log_probs, advantages, config.clip_coef
        )
        loss_tensor = surrogate - config.ent_coef * entropy.mean()
        optimizer.zero_grad()
        loss = loss_tensor.item()
        if math.isfinite(loss):
            loss_tensor.backward()
    return optimizer.grad_sq_norm() if math.isfinite(loss) else math.nan


class _Worker:
    """One worker process and the two pipes to it."""

    def __init__(self):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, str(WORKER_SCRIPT), str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
            )
        except BaseException:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)
            raise
        os.close(to_child_r)
        os.close(from_child_w)
        self.writer = Connection(to_child_w, readable=False)
        self.reader = Connection(from_child_r, writable=False)

    def send(self, command: str, data=None) -> None:
        self.post((command, data))

    def receive(self, timeout_s: float | None = None):
        """The worker's next reply; ``RuntimeError`` if it failed, died or (with ``timeout_s``)
        did not answer in time."""
        if timeout_s is not None and not self.reader.poll(timeout_s):
            self.process.kill()
            raise RuntimeError(f"a rollout worker process did not start within {timeout_s:.0f} s")
        try:
            status, payload = receive(self.reader)
        except (EOFError, OSError) as err:
            raise RuntimeError(self._died()) from err
        if status == "error":
            raise RuntimeError(f"a rollout worker process failed:\n{payload}")
        return payload

    def post(self, message) -> None:
        """Send one message: a command, or a shared update's minibatch order."""
        try:
            send(self.writer, message)
        except OSError as err:
            raise RuntimeError(self._died()) from err

    def swap(self, value: float) -> float:
        try:
            return swap_floats(self.reader, self.writer, value)
        except (EOFError, OSError) as err:
            raise RuntimeError(self._died()) from err

    def _died(self) -> str:
        return (
            f"a rollout worker process exited (code {self.process.poll()}); its error, if "
            f"any, is printed above. Set env_workers=1 (or fast=False) to train in this "
            f"process only"
        )

    def close(self) -> None:
        try:
            send(self.writer, ("close", None))
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.writer.close()
        self.reader.close()


class ParallelRollout:
    """Collect each ``(T, N)`` rollout in ``len(sizes)`` processes at once: shard 0 here, every
    other shard in a worker process with its own environments and policy copy.

    Args:
        env_id, num_envs: as for :func:`~ppo_core.envs.make_vec_env`.
        num_shards: processes, this one included (at least 2).
        policy: the :class:`~ppo_core.networks.ActorCritic` being trained (its architecture is
            rebuilt in each worker).
        seed: seeds the workers' action sampling (worker k uses ``seed + k``).
        **env_kwargs: passed to ``gymnasium.make``.

    Raises ``OSError`` if a worker cannot be started, ``RuntimeError`` if one fails.
    """

    def __init__(
        self,
        env_id: str,
        num_envs: int,
        num_shards: int,
        policy: ActorCritic,
        seed: int,
        plugged: dict[str, str] | None = None,
        **env_kwargs,
    ):
        if not 2 <= num_shards <= num_envs:
            raise ValueError(f"num_shards={num_shards} must lie in [2, num_envs={num_envs}]")
        self.sizes = shard_sizes(num_envs, num_shards)
        self.readable = bool(plugged)  # the policy itself steps, so the plugged functions run
        self.processes = num_shards
        self.starts = np.cumsum([0, *self.sizes]).tolist()
        self.num_envs = num_envs
        self.workers: list[_Worker] = []
        self.envs: gym.vector.VectorEnv | None = None
        try:
            for _ in self.sizes[1:]:  # start them all first: each takes ~1 s to import torch
                self.workers.append(_Worker())
            self.envs = make_vec_env(env_id, self.sizes[0], **env_kwargs)
            for k, (worker, size) in enumerate(zip(self.workers, self.sizes[1:]), start=1):
                worker.send(
                    "init",
                    {
                        "env_id": env_id,
                        "num_envs": size,
                        "env_kwargs": env_kwargs,
                        "obs_dim": policy.obs_dim,
                        "action_space": policy.action_space,
                        "hidden": policy.hidden,
                        "torch_seed": seed + k,
                        "plugged": plugged or {},
                        "sys_path": sys.path if plugged else [],  # where the parent found them
                    },
                )
            for worker in self.workers:
                worker.receive(timeout_s=START_TIMEOUT_S)
        except BaseException:
            self.close()
            raise
        self.single_observation_space = self.envs.single_observation_space
        self.single_action_space = self.envs.single_action_space

    def _shards(self):
        return zip(self.workers, self.starts[1:], self.starts[2:])

    def _own_envs(self) -> gym.vector.VectorEnv:
        """The first shard's environments, stepped in this process (until :meth:`close`)."""
        if self.envs is None:
            raise RuntimeError("this ParallelRollout is closed")
        return self.envs

    def reset(self, seed: int) -> np.ndarray:
        """Reset every environment (env i gets ``seed + i``); the ``(N, obs_dim)`` observations."""
        for worker, start, _ in self._shards():
            worker.send("reset", seed + start)
        obs, _ = self._own_envs().reset(seed=seed)
        parts = [np.asarray(obs, dtype=np.float32)] + [w.receive() for w in self.workers]
        return np.concatenate(parts)

    def collect(
        self, policy: ActorCritic, buffer: RolloutBuffer, next_obs: np.ndarray
    ) -> np.ndarray:
        """Fill ``buffer`` like :func:`~ppo_core.rollout.collect_rollout` and return the next
        observations; the workers collect their shards meanwhile with ``policy``'s parameters."""
        T = buffer.shape[0]
        parameters = parameters_vector(policy.parameters())
        for worker, _, _ in self._shards():
            worker.send("collect", (parameters, T))
        n0 = self.sizes[0]
        local = RolloutBuffer(**{name: array[:, :n0] for name, array in vars(buffer).items()})
        next_obs = next_obs.copy()
        envs, rollout_policy = self._own_envs(), policy if self.readable else for_rollout(policy)
        next_obs[:n0], _ = collect_rollout(envs, rollout_policy, local, next_obs[:n0])
        for worker, a, b in self._shards():
            shard = worker.receive()
            for name, array in vars(buffer).items():
                array[:, a:b] = shard[name]
            next_obs[a:b] = shard["next_obs"]
        return next_obs

    def can_split_update(self, config) -> bool:
        """Whether :meth:`update` can stand in for ``ppo_update`` (not with value clipping,
        which the critic's half does not implement)."""
        return not config.clip_vloss

    def update(self, policy: ActorCritic, optimizer, batch: dict, config) -> dict:
        """:func:`~ppo_core.update.ppo_update`'s update, with each minibatch step split between
        two processes: the actor's half here, the critic's half in worker 1.

        The actor and the critic share no parameter, so the PPO loss's gradient splits exactly:
        the clipped surrogate and the entropy bonus reach only the actor, ``vf_coef`` times the
        value loss only the critic. The one coupling is the clip on the norm of the *whole*
        gradient: the two processes swap their squared norms every step. Same minibatch orders
        (drawn here from torch's generator and sent over), same Adam, same clip: the result is
        ``ppo_update``'s up to float rounding (``tests/test_fast_parallel.py`` checks it), in about
        the time of the actor's half alone.

        Args:
            optimizer: a :class:`~ppo_core.fast.optim.FlatAdam` over :func:`actor_parameters`.
        """
        worker = self.workers[0]
        critic = list(policy.critic.parameters())
        batch_size = len(batch["obs"])
        minibatch_size = batch_size // config.num_minibatches
        group = optimizer.param_groups[0]
        worker.send(
            "update",
            {
                "obs": batch["obs"].numpy(),
                "returns": batch["returns"].numpy(),
                "critic": parameters_vector(critic),
                "lr": group["lr"],
                "eps": group["eps"],
                "vf_coef": config.vf_coef,
                "max_grad_norm": config.max_grad_norm,
                "minibatch_size": minibatch_size,
            },
        )
        # A categorical actor's gradient is written out by hand (fast.handgrad); a Gaussian
        # one's goes through autograd.
        actor = MLPGrad(policy.actor) if policy.discrete else policy
        epochs_run = 0
        with single_threaded_blas():
            for epoch in range(config.update_epochs):
                order = torch.cat(minibatch_indices(batch_size, minibatch_size))
                worker.post(order.numpy())
                for minibatch in epoch_minibatches(
                    batch, ACTOR_KEYS, order, minibatch_size, config.norm_adv
                ):
                    self._actor_step(actor, optimizer, minibatch, config, epoch)
                epochs_run += 1
                if config.target_kl is not None and _kl_exceeds(policy, batch, config.target_kl):
                    break
        worker.post(None)
        load_vector(worker.receive(), critic)
        stats = update_diagnostics(policy, batch, config)
        stats["losses/epochs"] = epochs_run
        return stats

    def _actor_step(
        self, actor: MLPGrad | ActorCritic, optimizer, minibatch: tuple, config, epoch: int
    ) -> None:
        """One minibatch step of the actor's half: the gradient of the clipped surrogate minus
        the entropy bonus (PPO Eq. 9 without the value term), the global-norm clip with the
        worker's squared norm, one Adam step."""
        own = _actor_gradient(actor, optimizer, minibatch, config)
        total = math.sqrt(own + self.workers[0].swap(own))
        if not math.isfinite(total):
            raise FloatingPointError(
                f"the PPO loss became nan in epoch {epoch + 1}: lower learning_rate, "
                f"check the rewards for inf/nan, or keep max_grad_norm"
            )
        optimizer.scale_grads(total, config.max_grad_norm)
        optimizer.step()

    def close(self) -> None:
        for worker in self.workers:
            worker.close()
        self.workers = []
        if self.envs is not None:
            self.envs.close()
            self.envs = None


class LocalRollout:
    """The same interface with every environment in this process; ``readable``: the policy
    itself takes each step, as in the readable loop, instead of :func:`for_rollout`'s shortcut
    (which skips the entropy a rollout does not use)."""

    def __init__(self, env_id: str, num_envs: int, *, readable: bool = False, **env_kwargs):
        self.envs = make_vec_env(env_id, num_envs, **env_kwargs)
        self.num_envs = num_envs
        self.readable = readable
        self.processes = 1
        self.single_observation_space = self.envs.single_observation_space
        self.single_action_space = self.envs.single_action_space

    def reset(self, seed: int) -> np.ndarray:
        obs, _ = self.envs.reset(seed=seed)
        return np.asarray(obs, dtype=np.float32)

    def collect(self, policy, buffer: RolloutBuffer, next_obs: np.ndarray) -> np.ndarray:
        stepper = policy if self.readable else for_rollout(policy)
        return collect_rollout(self.envs, stepper, buffer, next_obs)[0]

    def can_split_update(self, config) -> bool:
        return False

    def close(self) -> None:
        self.envs.close()


def make_rollout(
    env_id: str,
    num_envs: int,
    workers: int,
    policy,
    seed: int,
    plugged: dict[str, str] | None = None,
    **env_kwargs,
):
    """A :class:`ParallelRollout` over ``workers`` processes where that can work, else a
    :class:`LocalRollout`. ``workers`` is clamped to ``num_envs`` and to the CPUs available,
    and is 1 on Windows, while nbgrader grades (kernels already run side by side) and for a
    policy that is not a plain :class:`ActorCritic` (a worker could not rebuild it)."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(
            f"env_workers must be a positive integer (1 = this process only), got {workers!r}"
        )
    workers = min(workers, num_envs, available_cpus())
    if (
        os.environ.get("NBGRADER_EXECUTION")
        or sys.platform == "win32"
        or type(policy) is not ActorCritic
    ):
        workers = 1
    if workers > 1:
        try:
            return ParallelRollout(env_id, num_envs, workers, policy, seed, plugged, **env_kwargs)
        except Exception as err:  # noqa: BLE001 -- one process always works
            warnings.warn(
                f"could not start rollout worker processes ({err}); collecting "
                f"rollouts in this process instead",
                stacklevel=2,
            )
    return LocalRollout(env_id, num_envs, readable=bool(plugged), **env_kwargs)


__all__ = ["LocalRollout", "ParallelRollout", "available_cpus", "make_rollout", "shard_sizes"]
