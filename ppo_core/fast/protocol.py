"""The pipe protocol between the training process and its worker (:mod:`ppo_core.fast.worker`).

Both sides import this module; neither imports the other. Messages are pickled tuples over two
one-way pipes (``multiprocessing.connection.Connection`` around plain file descriptors):

* parent -> worker: ``("init", spec)``, ``("reset", seed)``,
  ``("collect", (parameters, num_steps))``, ``("update", data)``, ``("close", None)``;
* worker -> parent: ``("ok", result)`` or ``("error", traceback_text)`` for each command.

During a shared update the parent also sends one minibatch order per epoch (a numpy array, then
``None``), and both sides call :func:`swap_floats` once per minibatch step.
"""

from __future__ import annotations

import pickle
import struct
import time
from collections.abc import Iterable
from multiprocessing.connection import Connection

import numpy as np
import torch

SPIN_S = 0.002  # wait for a message this long by polling before sleeping in the kernel


def wait(conn: Connection) -> None:
    """Poll ``conn`` for up to ``SPIN_S``: a process asleep in the kernel takes tens of
    microseconds to wake (more in a VM), and a shared update exchanges thousands of messages.
    Polling stops after that, so an idle peer -- e.g. during a long pause -- costs no CPU."""
    deadline = time.perf_counter() + SPIN_S
    while not conn.poll() and time.perf_counter() < deadline:
        pass


def receive(conn: Connection):
    """The next message on ``conn`` (after :func:`wait`)."""
    wait(conn)
    return pickle.loads(conn.recv_bytes())


def send(conn: Connection, message) -> None:
    """Send one message with plain ``pickle`` (``Connection.send`` builds a ``ForkingPickler``
    for every message)."""
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def swap_floats(reader: Connection, writer: Connection, value: float) -> float:
    """Send one float to the other process and receive its float (both sides call this once
    per minibatch step of a shared update, to combine their squared gradient norms)."""
    writer.send_bytes(struct.pack("d", value))
    wait(reader)
    return struct.unpack("d", reader.recv_bytes())[0]


def parameters_vector(params: Iterable[torch.Tensor]) -> np.ndarray:
    """The values of ``params``, concatenated into one float32 numpy vector."""
    with torch.no_grad():
        return torch.nn.utils.parameters_to_vector(params).numpy()


def load_vector(vector: np.ndarray, params: Iterable[torch.Tensor]) -> None:
    """Copy a flat vector into ``params`` in place (``vector_to_parameters`` would replace
    their storage, which :class:`~ppo_core.fast.optim.FlatAdam` shares)."""
    offset = 0
    with torch.no_grad():
        for p in params:
            p.copy_(torch.as_tensor(vector[offset : offset + p.numel()]).view_as(p))
            offset += p.numel()


__all__ = ["load_vector", "parameters_vector", "receive", "send", "swap_floats", "wait"]
