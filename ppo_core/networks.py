"""The actor-critic network (Lab 1 uses it; Lab 4 trains it).

Two separate MLPs, as in the PPO paper's continuous-control experiments (Sec. 6.1: no
parameters shared between policy and value function) and in CleanRL: the *actor* maps an
observation to an action distribution pi_theta(.|s), the *critic* maps it to a scalar V_phi(s).
Keeping them separate avoids the value loss scale fighting the policy loss in shared layers
(with a shared trunk, the value coefficient c1 of Eq. 9 must balance the two). Discrete actions
get a categorical head, Box actions a diagonal Gaussian (:mod:`ppo_core.gaussian`).

Orthogonal initialisation with gain sqrt(2) in hidden layers, 0.01 for the policy output (so the
initial policy is close to uniform: entropy ~ ln|A|) and 1.0 for the value output, following
"Implementation Matters in Deep Policy Gradients" (Engstrom et al. 2020) and CleanRL.
"""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from ppo_core.envs import space_shape
from ppo_core.exercises import current


def layer_init(layer: nn.Linear, std: float = math.sqrt(2), bias_const: float = 0.0) -> nn.Linear:
    """Orthogonal weights with gain ``std`` and constant bias."""
    nn.init.orthogonal_(layer.weight, std)
    nn.init.constant_(layer.bias, bias_const)
    return layer


def mlp(in_dim: int, hidden: int, out_dim: int, out_std: float) -> nn.Sequential:
    return nn.Sequential(
        layer_init(nn.Linear(in_dim, hidden)),
        nn.Tanh(),
        layer_init(nn.Linear(hidden, hidden)),
        nn.Tanh(),
        layer_init(nn.Linear(hidden, out_dim), std=out_std),
    )


class ActorCritic(nn.Module):
    """Separate actor and critic MLPs for a flat observation space.

    Args:
        obs_dim: length of the observation vector (8 for LunarLander).
        action_space: a ``gymnasium.spaces.Discrete`` or ``Box``.
        hidden: width of both hidden layers of each MLP (64 in the PPO paper).
    """

    def __init__(self, obs_dim: int, action_space: gym.Space, hidden: int = 64):
        super().__init__()
        self.obs_dim = int(obs_dim)
        self.hidden = int(hidden)
        self.action_space = action_space
        self.discrete = isinstance(action_space, gym.spaces.Discrete)
        if isinstance(action_space, gym.spaces.Discrete):
            self.action_dim = int(action_space.n)
        elif isinstance(action_space, gym.spaces.Box) and len(action_space.shape) == 1:
            self.action_dim = int(action_space.shape[0])
        else:
            raise ValueError(
                f"unsupported action space {action_space}: ActorCritic handles Discrete and "
                f"1-D Box action spaces"
            )
        self.critic = mlp(self.obs_dim, self.hidden, 1, out_std=1.0)
        self.actor = mlp(self.obs_dim, self.hidden, self.action_dim, out_std=0.01)
        if not self.discrete:
            self.actor_logstd = nn.Parameter(torch.zeros(1, self.action_dim))

    @classmethod
    def for_env(cls, env: gym.Env | gym.vector.VectorEnv, hidden: int = 64) -> ActorCritic:
        """Build a network sized for ``env`` (single or vectorised)."""
        obs_space = getattr(env, "single_observation_space", env.observation_space)
        act_space = getattr(env, "single_action_space", env.action_space)
        return cls(int(np.prod(space_shape(obs_space))), act_space, hidden)

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        """V(s), shape ``(B,)``."""
        return self.critic(obs).squeeze(-1)

    def get_action(self, obs: torch.Tensor, action: torch.Tensor | None = None):
        """The actor alone: ``(action, log_prob, entropy)`` (see :meth:`get_action_and_value`)."""
        out = self.actor(obs)
        if self.discrete:
            if action is None:
                action = torch.multinomial(torch.softmax(out, -1), 1).squeeze(-1)
            return (
                action,
                current.categorical_log_prob(out, action),
                current.categorical_entropy(out),
            )
        log_std = self.actor_logstd.expand_as(out)  # (B, A): one sigma per dimension
        if action is None:
            action = out + log_std.exp() * torch.randn_like(out)  # mu + sigma * N(0, 1)
        # Diagonal Gaussian (Lab 6): both sum over the independent action dimensions.
        return (
            action,
            current.gaussian_log_prob(out, log_std, action),
            current.gaussian_entropy(log_std),
        )

    def get_action_and_value(self, obs: torch.Tensor, action: torch.Tensor | None = None):
        """Sample (or score) actions and evaluate the critic in one call.

        Args:
            obs: ``(B, obs_dim)`` float tensor.
            action: ``None`` to sample a new action, or the ``(B,)`` / ``(B, act_dim)`` actions
                taken at collection time, to get their log-probabilities under the current policy.

        Returns:
            ``(action, log_prob, entropy, value)``, each with leading dimension B.
        """
        action, log_prob, entropy = self.get_action(obs, action)
        return action, log_prob, entropy, self.get_value(obs)

    def act(self, obs: torch.Tensor, deterministic: bool = True) -> torch.Tensor:
        """Action for evaluation: the most likely action (or the Gaussian mean) if deterministic."""
        out = self.actor(obs)
        if deterministic:
            return out.argmax(-1) if self.discrete else out
        return self.get_action_and_value(obs)[0]
