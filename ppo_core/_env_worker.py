"""A worker process that steps one shard of environments for :mod:`ppo_core.vector`.

Run as a script (``python _env_worker.py READ_FD WRITE_FD``), not through ``multiprocessing``:
spawn and forkserver re-import the learner's ``__main__``, which breaks any script without an
``if __name__ == "__main__":`` guard, and fork is unsafe in a multi-threaded Jupyter kernel. The
script imports gymnasium and numpy only (not ppo_core, which would import torch), so a worker
starts in a fraction of a second.

Protocol, over ``multiprocessing.connection.Connection`` objects wrapping two pipes: the first
message is ``(env_id, num_envs, make_kwargs)``; then ``("reset", kwargs)``, ``("step", actions)``
or ``("close", None)``. Every reply is ``("ok", result)`` or ``("error", traceback_text)``.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":  # run by path: keep this package's modules off the import path
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]

import pickle  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from multiprocessing.connection import Connection  # noqa: E402

import gymnasium as gym  # noqa: E402
from gymnasium.vector import AutoresetMode  # noqa: E402


def make_sync_vec_env(env_id: str, num_envs: int, **kwargs) -> gym.vector.VectorEnv:
    """``num_envs`` copies of ``env_id`` in this process, same-step autoreset."""
    return gym.make_vec(env_id, num_envs=num_envs, vectorization_mode="sync",
                        vector_kwargs={"autoreset_mode": AutoresetMode.SAME_STEP}, **kwargs)


SPIN_S = 0.002  # wait for a message this long by polling before sleeping in the kernel


def receive(conn: Connection, spin_s: float = SPIN_S):
    """``conn.recv()``, but poll first: a sleeping process takes tens of microseconds to wake
    (more in a VM), as long as a LunarLander step. Polling stops after ``spin_s`` so that an
    idle peer -- e.g. during the PPO update -- costs no CPU."""
    deadline = time.perf_counter() + spin_s
    while not conn.poll() and time.perf_counter() < deadline:
        pass
    return pickle.loads(conn.recv_bytes())


def send(conn: Connection, message) -> None:
    """``conn.send(message)``, pickled with plain ``pickle`` (``Connection.send`` builds a
    ``ForkingPickler`` for every message: a few microseconds more per step)."""
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def serve(reader: Connection, writer: Connection) -> None:
    """Answer requests for one shard until told to close or the main process goes away."""
    envs = None
    try:
        env_id, num_envs, kwargs = receive(reader)
        envs = make_sync_vec_env(env_id, num_envs, **kwargs)
        send(writer, ("ok", None))
        while True:
            command, data = receive(reader)
            if command == "step":
                send(writer, ("ok", envs.step(data)))
            elif command == "reset":
                send(writer, ("ok", envs.reset(**data)))
            elif command == "close":
                break
            else:
                raise ValueError(f"unknown command {command!r}")
    except (EOFError, BrokenPipeError):  # the main process went away
        pass
    except Exception:  # noqa: BLE001 -- sent to the main process, which raises it
        try:
            send(writer, ("error", traceback.format_exc()))
        except (EOFError, BrokenPipeError, OSError):
            pass
    finally:
        if envs is not None:
            envs.close()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
