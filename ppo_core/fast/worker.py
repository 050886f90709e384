"""The worker process of :mod:`ppo_core.fast.parallel`: it collects one shard of every rollout
and takes the critic's half of every shared update step.

Started as a script (``python worker.py READ_FD WRITE_FD``), not through ``multiprocessing``:
spawn and forkserver re-import the learner's ``__main__`` (which breaks any script without an
``if __name__ == "__main__":`` guard), and fork is unsafe in a multi-threaded Jupyter kernel. It
imports the very ``ppo_core`` its parent uses, builds its share of the environments and its own
copy of the policy, and then runs the library's :func:`~ppo_core.rollout.collect_rollout`
whenever asked, with the parent's current parameters. The messages are those of
:mod:`ppo_core.fast.protocol`, which the parent imports too.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":  # run by path: import the ppo_core this file belongs to, not a
    _here = os.path.dirname(os.path.abspath(__file__))  # module of the cwd or of ppo_core/fast/
    sys.path[:] = [os.path.dirname(os.path.dirname(_here))] + [
        p for p in sys.path if os.path.abspath(p or os.curdir) != _here
    ]

import math  # noqa: E402
import traceback  # noqa: E402
from multiprocessing.connection import Connection  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from ppo_core.envs import make_vec_env  # noqa: E402
from ppo_core.fast.handgrad import MLPGrad, critic_step, single_threaded_blas  # noqa: E402
from ppo_core.fast.hotpath import epoch_minibatches, for_rollout  # noqa: E402
from ppo_core.fast.optim import FlatAdam  # noqa: E402
from ppo_core.fast.protocol import (  # noqa: E402
    load_vector,
    parameters_vector,
    receive,
    send,
    swap_floats,
)
from ppo_core.networks import ActorCritic  # noqa: E402
from ppo_core.plug import plug_in_by_name  # noqa: E402
from ppo_core.rollout import RolloutBuffer, collect_rollout  # noqa: E402


class _Shard:
    """This worker's environments, policy copy and rollout buffer."""

    def __init__(self, spec: dict):
        torch.set_num_threads(1)
        single_threaded_blas()  # for this process's life (fast.handgrad says why)
        self.envs = make_vec_env(spec["env_id"], spec["num_envs"], **spec["env_kwargs"])
        self.policy = ActorCritic(spec["obs_dim"], spec["action_space"], spec["hidden"])
        # The learner's functions plugged in the parent, imported here by name; then the policy
        # itself takes each step (for_rollout's shortcut computes the library's own instead).
        sys.path += [p for p in spec.get("sys_path", []) if p not in sys.path]
        self.plugged = plug_in_by_name(spec.get("plugged", {}))
        self.rollout_policy = self.policy if self.plugged.plugged else for_rollout(self.policy)
        torch.manual_seed(spec["torch_seed"])  # this shard's own action-sampling stream
        self.buffer: RolloutBuffer | None = None
        self.next_obs: np.ndarray | None = None
        # For shared updates; built now so that torch.optim's first use (~1 s of imports)
        # happens while the parent starts up too, not in the first update. lr and eps come
        # with each update.
        self.critic_optimizer = FlatAdam(self.policy.critic)

    def reset(self, seed: int) -> np.ndarray:
        obs, _ = self.envs.reset(seed=seed)
        self.next_obs = np.asarray(obs, dtype=np.float32)
        return self.next_obs

    def collect(self, parameters: np.ndarray, num_steps: int) -> dict:
        if self.next_obs is None:
            raise RuntimeError("'collect' before 'reset': the parent must send 'reset' first")
        load_vector(parameters, self.policy.parameters())
        if self.buffer is None or self.buffer.shape[0] != num_steps:
            self.buffer = RolloutBuffer.allocate(num_steps, self.envs.num_envs, self.envs)
        self.next_obs, _ = collect_rollout(
            self.envs, self.rollout_policy, self.buffer, self.next_obs
        )
        return {**vars(self.buffer), "next_obs": self.next_obs}

    def update_critic(self, data: dict, reader: Connection, writer: Connection):
        """The critic's half of a PPO update shared with the parent (see
        :meth:`ppo_core.fast.parallel.ParallelRollout.update`): for each epoch, receive the
        minibatch order; per minibatch, take the value-loss gradient, swap squared gradient norms
        with the parent (the clip is on the norm of the whole network's gradient) and step.
        Returns the critic's new parameters, or None if either side's loss was not finite."""
        critic, optimizer = self.policy.critic, self.critic_optimizer
        optimizer.param_groups[0].update(lr=data["lr"], eps=data["eps"])
        load_vector(data["critic"], critic.parameters())
        gradient = MLPGrad(critic)  # the value loss's gradient, written out (fast.handgrad)
        batch = {"obs": torch.from_numpy(data["obs"]), "returns": torch.from_numpy(data["returns"])}
        while (order := receive(reader)) is not None:  # one epoch per order
            for obs, returns in epoch_minibatches(
                batch, ("obs", "returns"), torch.from_numpy(order), data["minibatch_size"]
            ):
                loss = critic_step(gradient, obs.numpy(), returns.numpy(), data["vf_coef"])
                own = optimizer.grad_sq_norm() if math.isfinite(loss) else math.nan
                total = math.sqrt(own + swap_floats(reader, writer, own))
                if not math.isfinite(total):
                    return None
                optimizer.scale_grads(total, data["max_grad_norm"])
                optimizer.step()
        return parameters_vector(critic.parameters())


def _answer(shard: _Shard | None, command: str, data, reader: Connection, writer: Connection):
    """Run one command; returns ``(shard, reply)``."""
    if command == "init":
        return _Shard(data), None
    if shard is None:
        raise RuntimeError(f"{command!r} before 'init': the parent must send 'init' first")
    if command == "reset":
        return shard, shard.reset(data)
    if command == "collect":
        return shard, shard.collect(*data)
    if command == "update":
        return shard, shard.update_critic(data, reader, writer)
    raise ValueError(f"unknown command {command!r}")


def serve(reader: Connection, writer: Connection) -> None:
    """Answer requests until told to close or the parent goes away."""
    shard = None
    try:
        while (message := receive(reader))[0] != "close":
            command, data = message
            shard, reply = _answer(shard, command, data, reader, writer)
            send(writer, ("ok", reply))
    except (EOFError, BrokenPipeError):  # the parent went away
        pass
    except Exception:  # noqa: BLE001 -- sent to the parent, which raises it
        try:
            send(writer, ("error", traceback.format_exc()))
        except (EOFError, BrokenPipeError, OSError):
            pass
    finally:
        if shard is not None:
            shard.envs.close()


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    serve(
        Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
    )
