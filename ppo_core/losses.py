"""The PPO objective (Lab 3), written as losses to *minimise*.

PPO paper (Schulman et al. 2017, arXiv:1707.06347):

    r_t(theta) = pi_theta(a_t|s_t) / pi_theta_old(a_t|s_t)                              (Eq. 6)
    L^CLIP     = E_t[ min( r_t A_t, clip(r_t, 1 - eps, 1 + eps) A_t ) ]                  (Eq. 7)
    L^VF       = E_t[ (V_theta(s_t) - V_t^targ)^2 ]                                      (Eq. 9)
    L^{CLIP+VF+S} = E_t[ L^CLIP - c1 L^VF + c2 S[pi_theta](s_t) ]                        (Eq. 9)

The paper *maximises* Eq. 9; an optimiser minimises, so every sign below is flipped.

Case analysis of Eq. 7 (why the min makes the clip one-sided):

* A_t > 0 (a good action): the objective grows with r_t until r_t = 1 + eps, then is flat.
  Past that point the gradient is exactly zero -- no incentive to make the action even likelier.
  Below 1 - eps the *unclipped* term is the smaller one, so a step that made a good action less
  likely is still fully corrected.
* A_t < 0 (a bad action): flat (zero gradient) once r_t < 1 - eps, but unclipped above 1 + eps,
  so a step that made a bad action more likely is always pulled back.
"""

from __future__ import annotations

import torch

from ppo_core._checks import check_clip_eps, check_same_tensor_shape
from ppo_core.exercises import current


def probability_ratio(new_log_probs: torch.Tensor, old_log_probs: torch.Tensor) -> torch.Tensor:
    """``r_t(theta) = exp(log pi_theta(a|s) - log pi_old(a|s))`` (PPO Eq. 6). Lab 3, step 1.

    Computed from log-probabilities: dividing two tiny probabilities loses precision, and the
    old log-probabilities are exactly what the rollout stored. Gradients flow through
    ``new_log_probs`` only; ``old_log_probs`` are constants from collection time.

    Shapes: ``(B,)`` in, ``(B,)`` out. Equal to 1 wherever the policy has not changed.
    """
    check_same_tensor_shape(
        new_log_probs=new_log_probs,
        old_log_probs=old_log_probs,
    )
    return torch.exp(new_log_probs - old_log_probs.detach())


def clipped_surrogate_loss(
    new_log_probs: torch.Tensor,
    old_log_probs: torch.Tensor,
    advantages: torch.Tensor,
    clip_eps: float,
) -> torch.Tensor:
    """Negative clipped surrogate objective ``-L^CLIP`` (PPO Eq. 7). Lab 3, step 2.

    Args:
        new_log_probs: ``(B,)`` log pi_theta(a_t|s_t) under the policy being optimised.
        old_log_probs: ``(B,)`` log pi_theta_old(a_t|s_t) stored during the rollout.
        advantages: ``(B,)`` advantage estimates A_t (usually normalised per minibatch).
        clip_eps: the clip range, written epsilon; 0.2 in the paper, usually 0.1 to 0.3.

    Returns:
        A scalar tensor to minimise: the mean over the batch of ``-min(r A, clip(r) A)``.
    """
    check_same_tensor_shape(
        new_log_probs=new_log_probs,
        old_log_probs=old_log_probs,
        advantages=advantages,
    )
    check_clip_eps(clip_eps)
    ratio = current.probability_ratio(new_log_probs, old_log_probs)
    unclipped = ratio * advantages
    clipped = torch.clamp(ratio, 1.0 - clip_eps, 1.0 + clip_eps) * advantages
    return -torch.min(unclipped, clipped).mean()  # Eq. 7: pessimistic bound, sign flipped


def value_loss(values: torch.Tensor, returns: torch.Tensor) -> torch.Tensor:
    """Mean squared error ``L^VF = mean((V(s_t) - V_t^targ)^2)`` (PPO Eq. 9). Lab 3, step 3.

    Args:
        values: ``(B,)`` critic predictions V_phi(s_t), with gradient.
        returns: ``(B,)`` targets V_t^targ (GAE's lambda-returns), treated as constants.
    """
    check_same_tensor_shape(values=values, returns=returns)
    return ((values - returns.detach()) ** 2).mean()


def ppo_loss(
    new_log_probs: torch.Tensor,
    old_log_probs: torch.Tensor,
    advantages: torch.Tensor,
    values: torch.Tensor,
    returns: torch.Tensor,
    entropy: torch.Tensor,
    clip_eps: float,
    vf_coef: float,
    ent_coef: float,
) -> torch.Tensor:
    """The full PPO loss, ``-(L^CLIP - c1 L^VF + c2 S)`` (PPO Eq. 9). Lab 3, step 4.

    Args:
        new_log_probs, old_log_probs, advantages: as in :func:`clipped_surrogate_loss`.
        values, returns: as in :func:`value_loss`.
        entropy: ``(B,)`` policy entropy S[pi_theta](s_t) per sample; its mean is the bonus.
        clip_eps: epsilon of Eq. 7.
        vf_coef: c1, weight of the value loss (0.5 is usual).
        ent_coef: c2, weight of the entropy bonus (0.0 to 0.01 is usual).

    Returns:
        Scalar tensor: ``policy_loss + vf_coef * value_loss - ent_coef * entropy.mean()``.
    """
    policy = current.clipped_surrogate_loss(new_log_probs, old_log_probs, advantages, clip_eps)
    critic = current.value_loss(values, returns)
    return policy + vf_coef * critic - ent_coef * entropy.mean()  # Eq. 9, sign flipped
