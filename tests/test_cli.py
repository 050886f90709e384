"""``python -m ppo_core train|evaluate|record`` end to end, and one flag per PPOConfig field."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import os
import subprocess
import sys
import typing
from pathlib import Path

import imageio.v2 as imageio
import pytest

from ppo_core import PPOConfig, load_checkpoint
from ppo_core.cli import build_parser, config_from_args, main, parse_args
from ppo_core.config import PRESETS
from ppo_core.fast.parallel import available_cpus

ROOT = Path(__file__).resolve().parents[1]
TINY = [
    "--env-id",
    "CartPole-v1",
    "--total-timesteps",
    "512",
    "--num-envs",
    "4",
    "--num-steps",
    "32",
    "--num-minibatches",
    "2",
    "--update-epochs",
    "2",
    "--hidden-size",
    "16",
    "--seed",
    "3",
    "--quiet",
]
METRIC_KEYS = (
    "total_timesteps",
    "wall_time_s",
    "sps",
    "time_to_threshold_s",
    "eval_return_mean",
    "eval_return_std",
    "eval_episodes",
    "rollout_processes",
)


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(
        [sys.executable, "-m", "ppo_core", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    proc = run_cli(
        "train",
        *TINY,
        "--no-anneal-lr",
        "--learning-rate",
        "0.002",
        "--eval-episodes",
        "2",
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_train_writes_metrics_json(trained):
    out, proc = trained
    metrics = json.loads((out / "metrics.json").read_text())
    for key in METRIC_KEYS:
        assert key in metrics, key
    assert metrics["total_timesteps"] == 512
    assert metrics["eval_episodes"] == 2
    assert metrics["wall_time_s"] > 0 and metrics["sps"] > 0
    assert metrics["sps"] == pytest.approx(512 / metrics["wall_time_s"], rel=1e-6)
    # CartPole's threshold (475 over 100 episodes) is out of reach in 512 steps.
    assert metrics["time_to_threshold_s"] is None
    assert math.isfinite(metrics["eval_return_mean"]) and metrics["eval_return_mean"] >= 8
    assert metrics["eval_return_std"] >= 0
    assert metrics["config"]["anneal_lr"] is False
    # stdout repeats the metrics as JSON
    assert json.loads(proc.stdout)["total_timesteps"] == 512


def test_train_writes_a_loadable_checkpoint_and_history(trained):
    out, _ = trained
    _, config, extra = load_checkpoint(out / "checkpoint.pt")
    assert config.env_id == "CartPole-v1" and config.hidden_size == 16
    assert config.anneal_lr is False and config.learning_rate == 0.002
    assert extra["global_step"] == 512
    history = json.loads((out / "history.json").read_text())
    assert len(history) == 4
    # --no-anneal-lr: the learning rate stays put for the whole run.
    assert [row["charts/learning_rate"] for row in history] == [0.002] * 4


def test_train_without_flags_stays_in_one_process(trained, tmp_path, monkeypatch):
    out, _ = trained  # the real `python -m ppo_core train` above
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["rollout_processes"] == 1 and metrics["config"]["fast"] is False
    # In-process, with the speed layer made unimportable: the default never touches it.
    monkeypatch.setitem(sys.modules, "ppo_core.fast", None)
    assert main(["train", *TINY, "--eval-episodes", "0", "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "metrics.json").read_text())["rollout_processes"] == 1


@pytest.mark.skipif(available_cpus() < 2, reason="needs 2 CPUs")
def test_fast_flag_runs_the_speed_layer(tmp_path):
    assert main(["train", *TINY, "--fast", "--eval-episodes", "0", "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["rollout_processes"] == 2 and metrics["config"]["fast"] is True
    assert metrics["total_timesteps"] == 512


def test_learning_rate_anneals_by_default(tmp_path):
    assert (
        main(
            [
                "train",
                *TINY,
                "--learning-rate",
                "0.002",
                "--eval-episodes",
                "0",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    rates = [
        row["charts/learning_rate"] for row in json.loads((tmp_path / "history.json").read_text())
    ]
    assert rates[0] == pytest.approx(0.002)
    assert all(a > b for a, b in itertools.pairwise(rates))
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["eval_episodes"] == 0 and metrics["eval_return_mean"] is None


def test_evaluate_a_checkpoint(trained, capsys):
    # In-process (the train test above already covers a real `python -m ppo_core` process).
    out, _ = trained
    assert main(["evaluate", str(out / "checkpoint.pt"), "--episodes", "3", "--seed", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["env_id"] == "CartPole-v1" and report["episodes"] == 3
    assert report["return_min"] <= report["return_mean"] <= report["return_max"]
    assert report["return_min"] >= 8  # a CartPole episode lasts at least 8 steps


def test_record_gif_and_mp4(trained, tmp_path, capsys):
    out, _ = trained
    gif, mp4 = tmp_path / "episode.gif", tmp_path / "episode.mp4"
    assert main(["record", str(out / "checkpoint.pt"), "--out", str(gif)]) == 0
    assert f"wrote {gif}" in capsys.readouterr().out
    assert main(["record", str(out / "checkpoint.pt"), "--out", str(mp4), "--fps", "25"]) == 0
    frames = imageio.mimread(gif)
    assert len(frames) >= 2 and frames[0].ndim == 3
    reader = imageio.get_reader(mp4)
    try:
        assert reader.get_meta_data()["fps"] == pytest.approx(25)
        assert sum(1 for _ in reader) >= 2
    finally:
        reader.close()


# ---------------------------------------------------------------------- one flag per field


def train_parser():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return parser, sub.choices["train"]


def kebab(name: str) -> str:
    return "--" + name.replace("_", "-")


def test_every_config_field_has_a_kebab_case_flag(capsys):
    parser, train_p = train_parser()
    options = {s for a in train_p._actions for s in a.option_strings}
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["train", "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    for f in dataclasses.fields(PPOConfig):
        assert kebab(f.name) in options, f.name
        assert kebab(f.name) in help_text, f.name
        if typing.get_type_hints(PPOConfig)[f.name] is bool:
            assert "--no-" + f.name.replace("_", "-") in options, f.name
    for extra in ("--eval-episodes", "--out"):
        assert extra in options


def other_value(name: str, kind, default):
    """A value different from the default, and its command-line spelling."""
    if kind is bool:
        return not default, [kebab(name) if not default else "--no-" + kebab(name)[2:]]
    if kind is int:
        return default * 2, [kebab(name), str(default * 2)]
    if kind is float:
        return default / 2, [kebab(name), repr(default / 2)]
    if kind is str:
        return "CartPole-v1", [kebab(name), "CartPole-v1"]
    # float | None (target_kl)
    value = 0.05 if default is None else None
    return value, [kebab(name), "none" if value is None else "0.05"]


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(PPOConfig)])
def test_each_flag_sets_its_field(field):
    parser, _ = train_parser()
    kind = typing.get_type_hints(PPOConfig)[field]
    default = getattr(PPOConfig(), field)
    value, argv = other_value(field, kind, default)
    args = parser.parse_args(["train", *argv])
    assert getattr(args, field) == value
    # ... and every other field keeps its default
    for f in dataclasses.fields(PPOConfig):
        if f.name != field:
            assert getattr(args, f.name) == getattr(PPOConfig(), f.name), f.name


def test_config_from_args_builds_the_config():
    parser, _ = train_parser()
    args = parser.parse_args(
        [
            "train",
            *TINY,
            "--no-anneal-lr",
            "--target-kl",
            "0.02",
            "--clip-vloss",
            "--gae-lambda",
            "0.9",
        ]
    )
    config = config_from_args(args)
    assert config == PPOConfig(
        env_id="CartPole-v1",
        total_timesteps=512,
        num_envs=4,
        num_steps=32,
        num_minibatches=2,
        update_epochs=2,
        hidden_size=16,
        seed=3,
        anneal_lr=False,
        target_kl=0.02,
        clip_vloss=True,
        gae_lambda=0.9,
    )
    assert (
        config_from_args(parser.parse_args(["train", "--env", "CartPole-v1"])).env_id
        == "CartPole-v1"
    )


def test_for_env_applies_the_preset_and_keeps_the_defaults():
    assert PPOConfig.for_env("LunarLander-v3") == PPOConfig()
    continuous = PPOConfig.for_env("LunarLanderContinuous-v3")
    assert continuous.env_id == "LunarLanderContinuous-v3"
    for name, value in PRESETS["LunarLanderContinuous-v3"].items():
        assert getattr(continuous, name) == value, name
    assert PPOConfig.for_env("LunarLanderContinuous-v3", seed=7).seed == 7
    with pytest.raises(ValueError, match="unknown PPOConfig fields"):
        PPOConfig.for_env("LunarLanderContinuous-v3", num_env=3)


def test_preset_flag_starts_from_for_env():
    argv = ["train", "--env", "LunarLanderContinuous-v3", "--preset", "--seed", "4"]
    config = config_from_args(parse_args(argv))
    assert config == PPOConfig.for_env("LunarLanderContinuous-v3", seed=4)
    # Without --preset the flags keep PPOConfig()'s defaults.
    plain = config_from_args(parse_args(argv[:3] + argv[4:]))
    assert plain == PPOConfig(env_id="LunarLanderContinuous-v3", seed=4)
    assert plain != config
