"""What to watch while PPO trains (Lab 5).

Three numbers computed after (or during) every update tell most of the story:

* ``approx_kl`` -- how far the update moved the policy. Healthy PPO on LunarLander stays around
  0.001 to 0.03 per update; a run where it climbs past 0.1 is taking steps the clip can no longer
  contain.
* ``clip_fraction`` -- the share of samples whose ratio left [1 - eps, 1 + eps]. 0.01 to 0.2 is
  typical; near 0 the policy barely moves, above 0.3 the learning rate is probably too high.
* ``explained_variance`` -- how much of the return's variance the critic explains: 1 is perfect,
  0 is no better than predicting the mean, negative is worse than that.

The ranges are the healthy bands :data:`HEALTHY` below, which Lab 5's dashboard shades;
``tests/test_plots.py`` checks that this text quotes them.
"""

from __future__ import annotations

import numpy as np
import torch

from ppo_core._checks import check_clip_eps, check_same_tensor_shape

# (low, high) bands of a healthy run. Why the low ends of approx_kl and clipfrac are this low:
# with the learning rate annealed to 0, a healthy run's KL and clip fraction slide towards 0
# over its last third, and bands from 0.003 and 0.02 held only ~2/3 of the updates of Lab 5's
# healthy run. With these, >= 80 % of its updates after the first tenth sit inside every band
# (tests/test_diagnosis_runs.py; scripts/record_diagnosis_runs.py --check, on other seeds).
HEALTHY = {
    "losses/approx_kl": (0.001, 0.03),
    "losses/clipfrac": (0.01, 0.2),
    "losses/explained_variance": (0.5, 1.0),
}
ENTROPY_FLOOR = 0.3


def _check_same_size(values, returns) -> None:
    n_v = values.numel() if isinstance(values, torch.Tensor) else np.size(values)
    n_r = returns.numel() if isinstance(returns, torch.Tensor) else np.size(returns)
    if n_v != n_r:
        raise ValueError(
            f"values has {n_v} entries but returns has {n_r}: pass one value per return"
        )


def approx_kl(new_log_probs: torch.Tensor, old_log_probs: torch.Tensor) -> float:
    """Estimate KL(pi_old || pi_new) from samples taken under pi_old. Lab 5, step 1.

    Uses the low-variance, always non-negative estimator ``mean((r - 1) - log r)`` with
    ``log r = new_log_probs - old_log_probs`` (J. Schulman, "Approximating KL Divergence", 2020;
    the PPO paper's Eq. 8 penalises this KL). The naive ``mean(-log r)`` can be negative.

    Shapes: ``(B,)`` each. Returns a Python float.
    """
    check_same_tensor_shape(
        new_log_probs=new_log_probs,
        old_log_probs=old_log_probs,
    )
    with torch.no_grad():
        log_ratio = new_log_probs - old_log_probs
        return float(((log_ratio.exp() - 1.0) - log_ratio).mean())


def clip_fraction(
    new_log_probs: torch.Tensor, old_log_probs: torch.Tensor, clip_eps: float
) -> float:
    """Fraction of samples where the ratio lies outside ``[1 - eps, 1 + eps]``. Lab 5, step 2.

    Those are the samples where PPO Eq. 7 *may* clip (whether it does depends on the sign of the
    advantage). Shapes: ``(B,)`` each. Returns a Python float in [0, 1].
    """
    check_same_tensor_shape(
        new_log_probs=new_log_probs,
        old_log_probs=old_log_probs,
    )
    check_clip_eps(clip_eps)
    with torch.no_grad():
        ratio = (new_log_probs - old_log_probs).exp()
        return float(((ratio - 1.0).abs() > clip_eps).float().mean())


def explained_variance(values, returns) -> float:
    """``1 - Var[returns - values] / Var[returns]``. Lab 5, step 3.

    Args:
        values: ``(B,)`` critic predictions (numpy array or tensor).
        returns: ``(B,)`` the targets the critic is trained towards.

    Returns:
        A float <= 1; ``nan`` when the returns have zero variance (nothing to explain).
    """
    _check_same_size(values, returns)
    v = torch.as_tensor(values).detach().double().reshape(-1).numpy()
    r = torch.as_tensor(returns).detach().double().reshape(-1).numpy()
    var_r = np.var(r)
    if var_r == 0.0:
        return float("nan")
    return float(1.0 - np.var(r - v) / var_r)
