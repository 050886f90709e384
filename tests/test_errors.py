"""Every bad input a learner or instructor can cause gets a message that says what to do."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch

from ppo_core import (
    ActorCritic,
    PPOConfig,
    approx_kl,
    categorical_entropy,
    categorical_log_prob,
    clip_fraction,
    clipped_surrogate_loss,
    compute_gae,
    discounted_return,
    explained_variance,
    load_checkpoint,
    make_env,
    make_vec_env,
    minibatch_indices,
    ppo_update,
    probability_ratio,
    returns_to_go,
    td_residuals,
    train,
    value_loss,
)
from ppo_core.cli import main


def rollout(T=64, N=None, **changes):
    shape = (T,) if N is None else (T, N)
    arrays = {
        "rewards": np.ones(shape),
        "values": np.zeros(shape),
        "next_values": np.zeros(shape),
        "terminated": np.zeros(shape),
        "truncated": np.zeros(shape),
    }
    arrays.update(changes)
    return arrays


def call_gae(a, gamma=0.99, lam=0.95):
    return compute_gae(
        a["rewards"], a["values"], a["next_values"], a["terminated"], a["truncated"], gamma, lam
    )


def call_td(a, gamma=0.99):
    return td_residuals(a["rewards"], a["values"], a["next_values"], a["terminated"], gamma)


# ------------------------------------------------------------------------- rollout arrays


@pytest.mark.parametrize("fn", [call_gae, call_td], ids=["compute_gae", "td_residuals"])
@pytest.mark.parametrize("name", ["values", "next_values", "terminated"])
def test_mismatched_lengths(fn, name):
    with pytest.raises(ValueError, match=rf"rewards has 64 steps but {name} has 63: pass one"):
        fn(rollout(**{name: np.zeros(63)}))


def test_mismatched_truncated_length():
    with pytest.raises(ValueError, match=r"rewards has 64 steps but truncated has 65"):
        call_gae(rollout(truncated=np.zeros(65)))


def test_mismatched_number_of_envs():
    with pytest.raises(
        ValueError,
        match=r"values has shape \(16, 3\) but rewards has shape "
        r"\(16, 4\).*time-major",
    ):
        call_gae(rollout(T=16, N=4, values=np.zeros((16, 3))))


def test_three_dimensional_arrays_are_refused():
    with pytest.raises(ValueError, match=r"rewards must have shape \(T,\) or \(T, N\)"):
        call_td(rollout(T=4, N=2, rewards=np.ones((4, 2, 1))))


@pytest.mark.parametrize(
    "name, bad", [("terminated", 0.5), ("truncated", 2.0), ("terminated", -1.0)]
)
def test_flags_must_be_zero_or_one(name, bad):
    flags = np.zeros(8)
    flags[3] = bad
    with pytest.raises(ValueError, match=rf"{name} must hold only 0.0 and 1.0.*{bad}"):
        call_gae(rollout(T=8, **{name: flags}))


@pytest.mark.parametrize(
    "gamma, lam, message",
    [
        (1.5, 0.95, r"gamma must lie in \[0, 1\], got 1.5"),
        (-0.1, 0.95, r"gamma must lie in \[0, 1\]"),
        (0.99, 1.2, r"lam must lie in \[0, 1\], got 1.2"),
    ],
)
def test_gae_discounts_out_of_range(gamma, lam, message):
    with pytest.raises(ValueError, match=message):
        call_gae(rollout(T=8), gamma, lam)


def test_episode_returns_take_one_flat_episode():
    with pytest.raises(ValueError, match=r"rewards must be one episode of shape \(T,\)"):
        returns_to_go(np.ones((5, 2)), 0.9)
    with pytest.raises(ValueError, match=r"gamma must lie in \[0, 1\]"):
        discounted_return([1.0, 2.0], 1.01)


# ----------------------------------------------------------------------------- losses


def test_loss_shape_mismatches():
    a, b = torch.zeros(5), torch.zeros(4)
    with pytest.raises(
        ValueError,
        match=r"old_log_probs has shape \(4,\) but new_log_probs has "
        r"shape \(5,\)",
    ):
        probability_ratio(a, b)
    with pytest.raises(ValueError, match=r"advantages has shape \(4,\) but new_log_probs"):
        clipped_surrogate_loss(a, a, b, 0.2)
    # The classic: a (B, 1) critic output against (B,) returns would broadcast to (B, B).
    with pytest.raises(
        ValueError,
        match=r"returns has shape \(5,\) but values has shape "
        r"\(5, 1\)",
    ):
        value_loss(torch.zeros(5, 1), torch.zeros(5))
    with pytest.raises(ValueError, match=r"old_log_probs has shape"):
        approx_kl(a, b)
    with pytest.raises(ValueError, match=r"values has 5 entries but returns has 4"):
        explained_variance(np.zeros(5), np.zeros(4))


@pytest.mark.parametrize("eps", [0.0, -0.2, 1.0, 1.5])
def test_clip_eps_out_of_range(eps):
    x = torch.zeros(3)
    with pytest.raises(ValueError, match=r"clip_eps must lie in \(0, 1\)"):
        clipped_surrogate_loss(x, x, x, eps)
    with pytest.raises(ValueError, match=r"clip_eps must lie in \(0, 1\)"):
        clip_fraction(x, x, eps)


def test_categorical_bad_inputs():
    with pytest.raises(TypeError, match=r"logits must be a torch.Tensor, got ndarray"):
        categorical_entropy(np.zeros((2, 3)))
    with pytest.raises(
        ValueError,
        match=r"actions has shape \(3,\) but logits has shape "
        r"\(2, 4\): pass one action per row",
    ):
        categorical_log_prob(torch.zeros(2, 4), torch.tensor([0, 1, 2]))


# ----------------------------------------------------------------------------- update


@pytest.mark.parametrize(
    "batch_size, minibatch_size, message",
    [
        (10, 11, r"minibatch_size=11 must lie in \[1, batch_size=10\]"),
        (10, 0, r"minibatch_size=0 must lie in \[1, batch_size=10\]"),
        (0, 1, r"batch_size must be positive, got 0"),
    ],
)
def test_minibatch_size_errors(batch_size, minibatch_size, message):
    with pytest.raises(ValueError, match=message):
        minibatch_indices(batch_size, minibatch_size)


def small_batch(B=8):
    return {
        "obs": torch.zeros(B, 4),
        "actions": torch.zeros(B, dtype=torch.int64),
        "log_probs": torch.zeros(B),
        "advantages": torch.zeros(B),
        "returns": torch.zeros(B),
        "values": torch.zeros(B),
    }


def test_ppo_update_batch_errors(tiny_policy):
    opt = torch.optim.Adam(tiny_policy.parameters())
    config = PPOConfig(
        env_id="CartPole-v1", num_envs=2, num_steps=4, num_minibatches=2, total_timesteps=8
    )
    batch = small_batch()
    del batch["returns"]
    with pytest.raises(KeyError, match=r"batch is missing \['returns'\]"):
        ppo_update(tiny_policy, opt, batch, config)
    batch = small_batch()
    batch["advantages"] = torch.zeros(7)
    with pytest.raises(
        ValueError,
        match=r"batch\['advantages'\] has 7 samples but batch\['obs'\] "
        r"has 8",
    ):
        ppo_update(tiny_policy, opt, batch, config)
    with pytest.raises(ValueError, match=r"num_minibatches=16 exceeds the batch of 8 samples"):
        ppo_update(tiny_policy, opt, small_batch(), dataclasses.replace(config, num_minibatches=16))


# ----------------------------------------------------------------------------- config

CONFIG_ERRORS = [
    ({"clip_coef": 0.0}, r"clip_coef must lie in \(0, 1\), got 0.0"),
    ({"clip_coef": -0.2}, r"clip_coef must lie in \(0, 1\)"),
    ({"clip_coef": 1.5}, r"clip_coef must lie in \(0, 1\)"),
    (
        {"num_envs": 2, "num_steps": 4, "num_minibatches": 16, "total_timesteps": 64},
        r"num_minibatches=16 is larger than the batch \(num_envs \* num_steps = 8\)",
    ),
    (
        {"num_envs": 2, "num_steps": 5, "num_minibatches": 4, "total_timesteps": 64},
        r"batch of 10 transitions .* does not split into 4 equal minibatches",
    ),
    ({"ent_coef": -0.01}, r"ent_coef must be >= 0, got -0.01"),
    ({"vf_coef": -0.5}, r"vf_coef must be >= 0, got -0.5"),
    (
        {"num_envs": 4, "num_steps": 128, "total_timesteps": 100},
        r"total_timesteps=100 is smaller than one rollout \(num_envs \* num_steps = 512\)",
    ),
    ({"num_envs": 0}, r"num_envs must be a positive integer, got 0"),
    ({"update_epochs": -1}, r"update_epochs must be a positive integer"),
    ({"num_steps": 12.5}, r"num_steps must be a positive integer, got 12.5"),
    ({"gamma": 1.01}, r"gamma must lie in \[0, 1\]"),
    ({"gae_lambda": -0.1}, r"gae_lambda must lie in \[0, 1\]"),
    ({"learning_rate": 0.0}, r"learning_rate must be positive"),
    ({"max_grad_norm": 0.0}, r"max_grad_norm must be positive"),
    ({"target_kl": 0.0}, r"target_kl must be positive or None"),
    ({"reward_scale": 0.0}, r"reward_scale must be positive, got 0.0"),
    ({"fast": "yes"}, r"fast must be True or False, got 'yes'"),
    ({"anneal_lr": 0}, r"anneal_lr must be True or False, got 0"),
]


@pytest.mark.parametrize(
    "changes, message",
    CONFIG_ERRORS,
    ids=[next(iter(c)) + "=" + str(next(iter(c.values()))) for c, _ in CONFIG_ERRORS],
)
def test_invalid_config_values(changes, message):
    with pytest.raises(ValueError, match=message):
        PPOConfig(**changes).validate()


def test_train_validates_the_config_before_anything_else():
    with pytest.raises(ValueError, match=r"clip_coef must lie in \(0, 1\)"):
        train(PPOConfig(env_id="CartPole-v1", clip_coef=0.0), progress=False)


def test_unknown_config_field_in_a_dict():
    with pytest.raises(ValueError, match=r"unknown PPOConfig fields \['clip_range'\]"):
        PPOConfig.from_dict({"clip_range": 0.2})


# ---------------------------------------------------------------------------- env ids


@pytest.mark.parametrize(
    "make", [lambda e: make_env(e), lambda e: make_vec_env(e, 2)], ids=["make_env", "make_vec_env"]
)
def test_unknown_env_id(make):
    with pytest.raises(ValueError, match=r"unknown environment id 'NoSuchEnv-v0'"):
        make("NoSuchEnv-v0")
    with pytest.raises(
        ValueError,
        match=r"unknown environment id 'Cartpole-v1'; did you mean "
        r"CartPole-v1",
    ):
        make("Cartpole-v1")


@pytest.mark.parametrize(
    "old, new",
    [
        ("LunarLander-v2", "LunarLander-v3"),
        ("LunarLanderContinuous-v2", "LunarLanderContinuous-v3"),
    ],
)
def test_removed_lunar_lander_v2_suggests_v3(old, new):
    with pytest.raises(ValueError, match=rf"{old} was removed from gymnasium.*use {new}"):
        make_vec_env(old, 2)
    with pytest.raises(ValueError, match=rf"use {new}"):
        train(PPOConfig(env_id=old), progress=False)


def test_unsupported_action_space():
    with pytest.raises(ValueError, match=r"unsupported action space"):
        ActorCritic(4, gym.spaces.MultiDiscrete([2, 3]))


# -------------------------------------------------------------------------------- CLI


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--num-envs", "abc"], r"error: argument --num-envs: invalid int value: 'abc'"),
        (["train", "--clip-coef", "x"], r"error: argument --clip-coef: invalid float value"),
        (["train", "--eval-episodes", "-1"], r"error: --eval-episodes must be >= 0"),
        (["nonsense"], r"error: argument command: invalid choice: 'nonsense'"),
    ],
)
def test_cli_parse_errors_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 1
    assert re.search(message, err)


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--clip-coef", "0"], r"^error: clip_coef must lie in \(0, 1\)"),
        (
            ["--num-minibatches", "3", "--num-envs", "2", "--num-steps", "4"],
            r"^error: the batch of 8 transitions",
        ),
        (["--ent-coef", "-1"], r"^error: ent_coef must be >= 0"),
        (["--total-timesteps", "10"], r"^error: total_timesteps=10 is smaller than one rollout"),
        (["--env-id", "LunarLander-v2"], r"^error: LunarLander-v2 was removed.*LunarLander-v3"),
        (["--env", "NoSuchEnv-v0"], r"^error: unknown environment id 'NoSuchEnv-v0'"),
    ],
)
def test_cli_bad_values_exit_2_with_error_on_stderr(flags, message, tmp_path, capsys):
    code = main(
        ["train", "--quiet", "--eval-episodes", "0", "--out", str(tmp_path / "run"), *flags]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert re.search(message, captured.err, flags=re.MULTILINE)
    assert not (tmp_path / "run" / "metrics.json").exists()


def test_cli_exit_code_is_2_in_a_real_process(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "ppo_core", "train", "--clip-coef", "0", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    assert proc.returncode == 2
    assert "error: clip_coef must lie in (0, 1)" in proc.stderr
    assert "Traceback" not in proc.stderr


# ------------------------------------------------------------------------- checkpoints


def test_missing_checkpoint(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match=r"no checkpoint at .*nothing.pt: train one"):
        load_checkpoint(tmp_path / "nothing.pt")
    assert main(["evaluate", str(tmp_path / "nothing.pt")]) == 2
    assert "error: no checkpoint at" in capsys.readouterr().err
    assert main(["record", str(tmp_path / "nothing.pt"), "--out", str(tmp_path / "x.gif")]) == 2


def test_corrupt_checkpoint(tmp_path, capsys):
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"this is not a torch file" * 10)
    with pytest.raises(ValueError, match=r"garbage.pt is not a readable ppo_core checkpoint"):
        load_checkpoint(garbage)
    assert main(["evaluate", str(garbage)]) == 2
    assert "error:" in capsys.readouterr().err


def test_truncated_checkpoint(tmp_path, tiny_policy):
    from ppo_core import save_checkpoint

    path = save_checkpoint(tmp_path / "ok.pt", tiny_policy, PPOConfig(env_id="CartPole-v1"))
    data = path.read_bytes()
    cut = tmp_path / "cut.pt"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"cut.pt is not a readable ppo_core checkpoint"):
        load_checkpoint(cut)


def test_foreign_torch_file(tmp_path):
    foreign = tmp_path / "weights.pt"
    torch.save({"weight": torch.zeros(3)}, foreign)
    with pytest.raises(
        ValueError,
        match=r"weights.pt is not a ppo_core checkpoint \(missing "
        r"format tag\)",
    ):
        load_checkpoint(foreign)


def test_bad_video_extension(tiny_policy, tmp_path):
    from ppo_viz.video import write_video

    with pytest.raises(ValueError, match=r"unsupported video format '.avi': use a .gif or .mp4"):
        write_video([np.zeros((8, 8, 3), np.uint8)], tmp_path / "x.avi")
    with pytest.raises(ValueError, match=r"no frames to write"):
        write_video([], tmp_path / "x.gif")
