"""ppo_core: the small PPO library the course is built on.

Each student-facing function lives in exactly one module and maps to one lab step and one
equation: :mod:`ppo_core.exercises` declares them (``python -m ppo_core.exercises`` prints the
table).

``train`` (:mod:`ppo_core.train`) runs them in Lab 4's loop, one process, ``torch.optim.Adam``:
the loop you read is the loop that runs. The opt-in speed layer :mod:`ppo_core.fast`
(``fast=True``, ``--fast``) is imported only when asked for. ``plug_in`` (:mod:`ppo_core.plug`)
makes the library's own parts call a learner's version of one.
"""

from ppo_core.checkpoint import load_checkpoint, save_checkpoint
from ppo_core.config import PPOConfig
from ppo_core.diagnostics import approx_kl, clip_fraction, explained_variance
from ppo_core.distributions import categorical_entropy, categorical_log_prob
from ppo_core.envs import make_env, make_vec_env, reward_threshold
from ppo_core.evaluate import evaluate
from ppo_core.gae import compute_gae, td_residuals
from ppo_core.gaussian import clip_action, gaussian_entropy, gaussian_log_prob
from ppo_core.losses import clipped_surrogate_loss, ppo_loss, probability_ratio, value_loss
from ppo_core.networks import ActorCritic
from ppo_core.plug import (
    plug_in,
    plug_in_withheld,
    reference_available,
    use_earlier_functions,
)
from ppo_core.pretrained import load_pretrained
from ppo_core.returns import discounted_return, returns_to_go
from ppo_core.rollout import EpisodeTracker, RolloutBuffer, collect_rollout
from ppo_core.train import TrainResult, train
from ppo_core.update import (
    minibatch_indices,
    normalize_advantages,
    ppo_update,
    update_diagnostics,
)

__version__ = "0.1.0"

__all__ = [
    "ActorCritic",
    "EpisodeTracker",
    "PPOConfig",
    "RolloutBuffer",
    "TrainResult",
    "approx_kl",
    "categorical_entropy",
    "categorical_log_prob",
    "clip_action",
    "clip_fraction",
    "clipped_surrogate_loss",
    "collect_rollout",
    "compute_gae",
    "discounted_return",
    "evaluate",
    "explained_variance",
    "gaussian_entropy",
    "gaussian_log_prob",
    "load_checkpoint",
    "load_pretrained",
    "make_env",
    "make_vec_env",
    "minibatch_indices",
    "normalize_advantages",
    "plug_in",
    "plug_in_withheld",
    "ppo_loss",
    "ppo_update",
    "probability_ratio",
    "reference_available",
    "returns_to_go",
    "reward_threshold",
    "save_checkpoint",
    "td_residuals",
    "train",
    "update_diagnostics",
    "use_earlier_functions",
    "value_loss",
]
