"""A worker process that collects one shard of every rollout, for :mod:`ppo_core.parallel`.

Started as a script (``python _rollout_worker.py READ_FD WRITE_FD``), not through
``multiprocessing``: spawn and forkserver re-import the learner's ``__main__`` (which breaks any
script without an ``if __name__ == "__main__":`` guard), and fork is unsafe in a multi-threaded
Jupyter kernel. It imports the very ``ppo_core`` its parent uses, builds its share of the
environments and its own copy of the policy, and then runs the library's
:func:`~ppo_core.rollout.collect_rollout` whenever asked, with the parent's current parameters.

Messages (pickled, over two pipes): ``("init", spec)``, ``("reset", seed)``,
``("collect", (parameters, num_steps))`` and ``("close", None)``; every reply is
``("ok", result)`` or ``("error", traceback_text)``.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
import traceback
from multiprocessing.connection import Connection

SPIN_S = 0.002  # wait for a message this long by polling before sleeping in the kernel


def receive(conn: Connection, spin_s: float = SPIN_S):
    """``conn.recv()``, polling first for up to ``spin_s``: a process asleep in the kernel takes
    tens of microseconds to wake (more in a VM). Polling stops early so an idle peer costs no
    CPU."""
    deadline = time.perf_counter() + spin_s
    while not conn.poll() and time.perf_counter() < deadline:
        pass
    return pickle.loads(conn.recv_bytes())


def send(conn: Connection, message) -> None:
    """``conn.send(message)`` with plain ``pickle`` (``Connection.send`` builds a
    ``ForkingPickler`` for every message)."""
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


class _Shard:
    """This worker's environments, policy copy and rollout buffer."""

    def __init__(self, spec: dict):
        import torch

        from ppo_core.envs import make_vec_env
        from ppo_core.networks import ActorCritic
        from ppo_core.rollout import RolloutBuffer

        torch.set_num_threads(1)
        self.envs = make_vec_env(spec["env_id"], spec["num_envs"], **spec["env_kwargs"])
        self.policy = ActorCritic(spec["obs_dim"], spec["action_space"], spec["hidden"])
        torch.manual_seed(spec["torch_seed"])  # this shard's own action-sampling stream
        self.buffer_type = RolloutBuffer
        self.buffer = None
        self.next_obs = None

    def reset(self, seed):
        import numpy as np

        obs, _ = self.envs.reset(seed=seed)
        self.next_obs = np.asarray(obs, dtype=np.float32)
        return self.next_obs

    def collect(self, parameters, num_steps: int) -> dict:
        import torch

        from ppo_core.rollout import collect_rollout

        torch.nn.utils.vector_to_parameters(torch.from_numpy(parameters), self.policy.parameters())
        if self.buffer is None or self.buffer.shape[0] != num_steps:
            self.buffer = self.buffer_type.allocate(num_steps, self.envs.num_envs, self.envs)
        self.next_obs, _ = collect_rollout(self.envs, self.policy, self.buffer, self.next_obs)
        return {**vars(self.buffer), "next_obs": self.next_obs}


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
    # Run by path: import the ppo_core this file belongs to, not whatever the cwd holds.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [os.path.dirname(here)] + [
        p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
