"""A worker process for :mod:`ppo_core.parallel`: it collects one shard of every rollout and
takes the critic's half of every shared update step.

Started as a script (``python _rollout_worker.py READ_FD WRITE_FD``), not through
``multiprocessing``: spawn and forkserver re-import the learner's ``__main__`` (which breaks any
script without an ``if __name__ == "__main__":`` guard), and fork is unsafe in a multi-threaded
Jupyter kernel. It imports the very ``ppo_core`` its parent uses, builds its share of the
environments and its own copy of the policy, and then runs the library's
:func:`~ppo_core.rollout.collect_rollout` whenever asked, with the parent's current parameters.

Messages (pickled, over two pipes): ``("init", spec)``, ``("reset", seed)``,
``("collect", (parameters, num_steps))``, ``("update", data)`` and ``("close", None)``; every
reply is ``("ok", result)`` or ``("error", traceback_text)``. During an update the parent also
sends one minibatch order per epoch (then None), and both sides swap one float per minibatch.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":  # run by path: import the ppo_core this file belongs to, not a
    _here = os.path.dirname(os.path.abspath(__file__))  # module of the cwd or of ppo_core/
    sys.path[:] = [os.path.dirname(_here)] + [
        p for p in sys.path if os.path.abspath(p or os.curdir) != _here]

import math  # noqa: E402
import pickle  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from multiprocessing.connection import Connection  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from ppo_core.envs import make_vec_env  # noqa: E402
from ppo_core.losses import value_loss  # noqa: E402
from ppo_core.networks import ActorCritic  # noqa: E402
from ppo_core.optim import FlatAdam  # noqa: E402
from ppo_core.rollout import RolloutBuffer, collect_rollout  # noqa: E402

SPIN_S = 0.002  # wait for a message this long by polling before sleeping in the kernel


def _wait(conn: Connection) -> None:
    """Poll ``conn`` for up to ``SPIN_S``: a process asleep in the kernel takes tens of
    microseconds to wake (more in a VM). Polling stops after that, so an idle peer -- e.g.
    during a long pause -- costs no CPU."""
    deadline = time.perf_counter() + SPIN_S
    while not conn.poll() and time.perf_counter() < deadline:
        pass


def receive(conn: Connection):
    """``conn.recv()``, after :func:`_wait`."""
    _wait(conn)
    return pickle.loads(conn.recv_bytes())


def send(conn: Connection, message) -> None:
    """``conn.send(message)`` with plain ``pickle`` (``Connection.send`` builds a
    ``ForkingPickler`` for every message)."""
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def swap_floats(reader: Connection, writer: Connection, value: float) -> float:
    """Send one float to the other process and receive its float (both sides call this once
    per minibatch step of a shared update, to combine their squared gradient norms)."""
    writer.send_bytes(struct.pack("d", value))
    _wait(reader)
    return struct.unpack("d", reader.recv_bytes())[0]


def parameters_vector(params) -> np.ndarray:
    """The values of ``params``, concatenated into one float32 numpy vector."""
    with torch.no_grad():
        return torch.nn.utils.parameters_to_vector(params).numpy()


def load_vector(vector: np.ndarray, params) -> None:
    """Copy a flat vector into ``params`` in place (``vector_to_parameters`` would replace
    their storage, which FlatAdam shares)."""
    offset = 0
    with torch.no_grad():
        for p in params:
            p.copy_(torch.as_tensor(vector[offset:offset + p.numel()]).view_as(p))
            offset += p.numel()


class _Shard:
    """This worker's environments, policy copy and rollout buffer."""

    def __init__(self, spec: dict):
        torch.set_num_threads(1)
        self.envs = make_vec_env(spec["env_id"], spec["num_envs"], **spec["env_kwargs"])
        self.policy = ActorCritic(spec["obs_dim"], spec["action_space"], spec["hidden"])
        torch.manual_seed(spec["torch_seed"])  # this shard's own action-sampling stream
        self.buffer = None
        self.next_obs = None
        # For shared updates; built now so that torch.optim's first use (~1 s of imports)
        # happens while the parent starts up too, not in the first update. lr and eps come
        # with each update.
        self.critic_optimizer = FlatAdam(self.policy.critic)

    def reset(self, seed) -> np.ndarray:
        obs, _ = self.envs.reset(seed=seed)
        self.next_obs = np.asarray(obs, dtype=np.float32)
        return self.next_obs

    def collect(self, parameters: np.ndarray, num_steps: int) -> dict:
        load_vector(parameters, self.policy.parameters())
        if self.buffer is None or self.buffer.shape[0] != num_steps:
            self.buffer = RolloutBuffer.allocate(num_steps, self.envs.num_envs, self.envs)
        self.next_obs, _ = collect_rollout(self.envs, self.policy, self.buffer, self.next_obs)
        return {**vars(self.buffer), "next_obs": self.next_obs}

    def update_critic(self, data: dict, reader: Connection, writer: Connection):
        """The critic's half of a PPO update shared with the parent (see
        :meth:`ppo_core.parallel.ParallelRollout.update`): for each epoch, receive the minibatch
        order; per minibatch, take the value-loss gradient, swap squared gradient norms with the
        parent (the clip is on the norm of the whole network's gradient) and step. Returns the
        critic's new parameters, or None if either side's loss was not finite."""
        critic, optimizer = self.policy.critic, self.critic_optimizer
        optimizer.param_groups[0].update(lr=data["lr"], eps=data["eps"])
        load_vector(data["critic"], critic.parameters())
        obs, returns = torch.from_numpy(data["obs"]), torch.from_numpy(data["returns"])
        while (order := receive(reader)) is not None:  # one epoch per order
            for mb_inds in torch.from_numpy(order).split(data["minibatch_size"]):
                loss = data["vf_coef"] * value_loss(self.policy.get_value(obs[mb_inds]),
                                                    returns[mb_inds])
                optimizer.zero_grad()
                own = math.nan
                if math.isfinite(loss.item()):
                    loss.backward()
                    own = optimizer.grad_sq_norm()
                total = math.sqrt(own + swap_floats(reader, writer, own))
                if not math.isfinite(total):
                    return None
                optimizer.scale_grads(total, data["max_grad_norm"])
                optimizer.step()
        return parameters_vector(critic.parameters())


def serve(reader: Connection, writer: Connection) -> None:
    """Answer requests until told to close or the parent goes away."""
    shard = None
    try:
        while True:
            command, data = receive(reader)
            if command == "init":
                shard = _Shard(data)
                send(writer, ("ok", None))
            elif command == "reset":
                send(writer, ("ok", shard.reset(data)))
            elif command == "collect":
                send(writer, ("ok", shard.collect(*data)))
            elif command == "update":
                send(writer, ("ok", shard.update_critic(data, reader, writer)))
            elif command == "close":
                break
            else:
                raise ValueError(f"unknown command {command!r}")
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
    serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
