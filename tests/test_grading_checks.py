"""autograder.checks: the checks behind the labs' test cells.

Every check passes the reference implementation and other correct ones written differently;
every registered known mistake fails its function's checks with its own message; a stub fails
with "not written yet"; tampering with numpy after import does not change a verdict.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import ppo_core
from autograder.checks import CHECKS, MISTAKES
from autograder.checks.lab1_rl_basics import check_discounted_return_basic
from autograder.checks.lab2_gae import check_compute_gae_episode_boundaries
from ppo_core import exercises

ALL_CHECKS = [(f, a) for f, aspects in CHECKS.items() for a in aspects]
ALL_MISTAKES = [(f, k) for f, ms in MISTAKES.items() for k in ms]


@pytest.mark.parametrize("function,aspect", ALL_CHECKS)
def test_reference_passes(function, aspect):
    CHECKS[function][aspect](getattr(ppo_core, function))


@pytest.mark.parametrize("function,key", ALL_MISTAKES)
def test_known_mistake_fails_and_is_named(function, key):
    impl, message = MISTAKES[function][key]
    messages = []
    for check in CHECKS[function].values():
        try:
            check(impl)
        except AssertionError as err:
            messages.append(str(err))
    assert messages, f"{function}/{key} passes every check"
    assert any(message in m for m in messages), f"{function}/{key}: no check names it: {messages}"


def test_every_lab_function_has_several_checks():
    for function in exercises.names():
        assert len(CHECKS[function]) >= 3, function
        if function != "minibatch_indices":  # its checks draw seeded shuffles already
            assert "random" in CHECKS[function], f"{function} needs a seeded random check"


@pytest.mark.parametrize("function,aspect", ALL_CHECKS)
def test_stub_fails_with_not_written_yet(function, aspect):
    def stub(*args):
        raise NotImplementedError()

    with pytest.raises(AssertionError, match="not written yet"):
        CHECKS[function][aspect](stub)


# --- Correct implementations written differently: all must get full marks ------------------


def gae_torch_float32(rewards, values, next_values, terminated, truncated, gamma, lam):
    r, v, nv, te, tr = (
        torch.as_tensor(np.asarray(x), dtype=torch.float32)
        for x in (rewards, values, next_values, terminated, truncated)
    )
    deltas = r + gamma * nv * (1 - te) - v
    not_done = 1 - torch.clamp(te + tr, max=1)
    adv = torch.zeros_like(deltas)
    running = torch.zeros_like(deltas[0]) if len(deltas) else None
    for t in range(len(deltas) - 1, -1, -1):
        running = deltas[t] + gamma * lam * not_done[t] * running
        adv[t] = running
    return adv, adv + v


def gae_matrix(rewards, values, next_values, terminated, truncated, gamma, lam):
    """Closed form: A_t = sum_k (gamma lam)^k delta_{t+k} within the episode, as a matrix
    product."""
    r, v, nv, te, tr = (
        np.asarray(x, dtype=np.float64)
        for x in (rewards, values, next_values, terminated, truncated)
    )
    squeeze = r.ndim == 1
    if squeeze:
        r, v, nv, te, tr = (x[:, None] for x in (r, v, nv, te, tr))
    deltas = r + gamma * nv * (1 - te) - v
    done = np.maximum(te, tr)
    T, N = r.shape
    adv = np.zeros_like(deltas)
    for n in range(N):
        for t in range(T):
            weight, total = 1.0, 0.0
            for k in range(t, T):
                total += weight * deltas[k, n]
                if done[k, n]:
                    break
                weight *= gamma * lam
            adv[t, n] = total
    if squeeze:
        return adv[:, 0], adv[:, 0] + v[:, 0]
    return adv, adv + v


def discounted_return_poly(rewards, gamma):
    if not len(rewards):
        return 0.0
    return float(np.polyval(np.asarray(rewards, dtype=np.float64)[::-1], gamma))


def returns_to_go_quadratic(rewards, gamma):
    r = list(map(float, rewards))
    return [sum(gamma ** (k - t) * r[k] for k in range(t, len(r))) for t in range(len(r))]


def log_prob_distribution(logits, actions):
    return torch.distributions.Categorical(logits=logits).log_prob(actions)


def entropy_distribution(logits):
    return torch.distributions.Categorical(logits=logits.float()).entropy()


def ratio_float32(new, old):
    return (new.float() - old.float()).exp()


def clipped_where(new, old, adv, eps):
    ratio = torch.exp(new - old)
    clipped = torch.where(
        adv >= 0,
        torch.minimum(ratio, torch.tensor(1 + eps, dtype=ratio.dtype)),
        torch.maximum(ratio, torch.tensor(1 - eps, dtype=ratio.dtype)),
    )
    return -(clipped * adv).mean()


def value_loss_mse(values, returns):
    return F.mse_loss(values, returns)


def ppo_loss_inline(new, old, adv, values, returns, entropy, eps, c1, c2):
    ratio = (new - old).exp()
    surrogate = torch.min(ratio * adv, ratio.clamp(1 - eps, 1 + eps) * adv).mean()
    return -(surrogate - c1 * ((values - returns) ** 2).mean() + c2 * entropy.mean())


def gaussian_log_prob_normal(mean, log_std, actions):
    normal = torch.distributions.Normal(mean, log_std.exp().expand_as(mean))
    return torch.distributions.Independent(normal, 1).log_prob(actions)


def gaussian_entropy_per_dim_loop(log_std):
    total = torch.zeros(log_std.shape[:-1], dtype=log_std.dtype)
    for i in range(log_std.shape[-1]):
        total = total + 0.5 * (1 + np.log(2 * np.pi)) + log_std[..., i]
    return total


def clip_action_torch(actions, low, high):
    a = torch.as_tensor(actions)
    return torch.max(torch.min(a, torch.as_tensor(high)), torch.as_tensor(low))


CORRECT = [
    ("gaussian_log_prob", gaussian_log_prob_normal),
    ("gaussian_entropy", gaussian_entropy_per_dim_loop),
    ("clip_action", clip_action_torch),
    ("compute_gae", gae_torch_float32),
    ("compute_gae", gae_matrix),
    ("discounted_return", discounted_return_poly),
    ("returns_to_go", returns_to_go_quadratic),
    ("categorical_log_prob", log_prob_distribution),
    ("categorical_entropy", entropy_distribution),
    ("probability_ratio", ratio_float32),
    ("clipped_surrogate_loss", clipped_where),
    ("value_loss", value_loss_mse),
    ("ppo_loss", ppo_loss_inline),
]


@pytest.mark.parametrize("function,impl", CORRECT, ids=[i.__name__ for _, i in CORRECT])
def test_other_correct_implementations_pass(function, impl):
    for check in CHECKS[function].values():
        check(impl)


# --- Tampering -----------------------------------------------------------------------------


def test_monkeypatched_numpy_does_not_change_the_verdict(monkeypatch):
    wrong = MISTAKES["compute_gae"]["no_cut"][0]
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "abs", lambda x: 0 * np.asarray(x))
    monkeypatch.setattr(np, "all", lambda *a, **k: True)
    monkeypatch.setattr(torch.Tensor, "detach", lambda self: torch.zeros(()))
    with pytest.raises(AssertionError, match="next episode"):
        check_compute_gae_episode_boundaries(wrong)


def test_object_equal_to_anything_is_rejected():
    class Liar:
        def __eq__(self, other):
            return True

        def __float__(self):
            return 0.0

    with pytest.raises(AssertionError):
        check_discounted_return_basic(lambda rewards, gamma: Liar())


# --- Feedback a learner reads at a glance ----------------------------------------------------


def test_a_passing_check_prints_one_line_saying_what_it_checked(capsys):
    CHECKS["compute_gae"]["truncation"](ppo_core.compute_gae)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("passed: compute_gae, truncation"), lines
    assert "time limit" in lines[0]  # the check's own description


def test_a_failing_check_prints_nothing_and_names_the_root_cause(capsys):
    namespace = {"np": np}
    exec(  # a notebook: td_residuals forgets terminated; compute_gae itself is right
        "def td_residuals(rewards, values, next_values, terminated, gamma):\n"
        "    return rewards + gamma * next_values - values\n"
        "def compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam):\n"
        "    deltas = td_residuals(rewards, values, next_values, terminated, gamma)\n"
        "    adv, last = np.zeros_like(deltas), 0.0\n"
        "    for t in reversed(range(len(deltas))):\n"
        "        done = max(terminated[t], truncated[t])\n"
        "        last = deltas[t] + gamma * lam * (1 - done) * last\n"
        "        adv[t] = last\n"
        "    return adv, adv + values\n",
        namespace,
    )
    with pytest.raises(AssertionError) as caught:
        check_compute_gae_episode_boundaries(namespace["compute_gae"])
    message = str(caught.value)
    assert "your compute_gae calls your td_residuals, which fails its own test" in message
    assert "Fix td_residuals first" in message
    assert capsys.readouterr().out == ""


def _rendered_tracebacks(cells: list[str]) -> list[str]:
    """Execute ``cells`` in a fresh kernel; the plain text of each error output."""
    import re

    import nbclient
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbclient.NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    return [
        "\n".join(ansi.sub("", line) for line in out["traceback"])
        for cell in nb.cells
        for out in cell.outputs
        if out["output_type"] == "error"
    ]


def test_notebook_traceback_shows_the_learner_lines_not_the_graders():
    wrong_value_loss = (
        "def value_loss(values, returns):\n"
        "    squared = (values - returns) ** 2\n"
        "    return squared.mean() + undefined_name\n"
    )
    wrong_ratio = (
        "def probability_ratio(new_log_probs, old_log_probs):\n"
        "    return new_log_probs - old_log_probs\n"
    )
    raised, wrong = _rendered_tracebacks(
        [
            "import autograder.checks",
            wrong_value_loss,
            "from autograder.checks.lab3_clipped_loss import check_value_loss_value\n\n"
            "check_value_loss_value(value_loss)",
            wrong_ratio,
            "from autograder.checks.lab3_clipped_loss import check_probability_ratio_value\n\n"
            "check_probability_ratio_value(probability_ratio)",
        ]
    )
    for text in (raised, wrong):
        assert "autograder/checks" not in text and "compare.py" not in text, text
    # the learner's own line that raised, then the test cell's line and the message
    assert "return squared.mean() + undefined_name" in raised
    assert "check_value_loss_value(value_loss)" in raised
    assert "value_loss raised NameError" in raised
    assert "check_probability_ratio_value(probability_ratio)" in wrong
    assert wrong.rstrip().splitlines()[-1].startswith("CheckFailed: "), wrong
