"""Checkpoints round-trip exactly and are written safely; episodes record to GIF and MP4."""

from __future__ import annotations

import math

import gymnasium as gym
import imageio.v2 as imageio
import numpy as np
import pytest
import torch

import ppo_core.checkpoint as checkpoint_module
import ppo_viz.video as video_module
from ppo_core import ActorCritic, PPOConfig, evaluate, load_checkpoint, save_checkpoint
from ppo_core.pretrained import load_pretrained
from ppo_viz import gifs
from ppo_viz.video import (
    lander_in_view,
    play_episode,
    record_episode,
    rollout_frames,
    showcase_seed,
    side_by_side,
)


def trained_looking(policy: ActorCritic, seed: int = 0) -> ActorCritic:
    """Perturb every parameter so that a fresh network would not match by accident."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in policy.parameters():
            p.add_(torch.randn(p.shape, generator=g) * 0.3)
    return policy


SPACES = {
    "discrete": (8, gym.spaces.Discrete(4)),
    "continuous": (8, gym.spaces.Box(-1.0, 1.0, (2,), np.float32)),
}


@pytest.mark.parametrize("kind", SPACES)
def test_save_load_round_trip_gives_identical_actions(kind, tmp_path):
    obs_dim, space = SPACES[kind]
    torch.manual_seed(0)
    policy = trained_looking(ActorCritic(obs_dim, space, hidden=32))
    config = PPOConfig(
        env_id="LunarLander-v3" if kind == "discrete" else "LunarLanderContinuous-v3",
        seed=5,
        hidden_size=32,
        target_kl=0.02,
    )
    path = save_checkpoint(tmp_path / "sub" / "model.pt", policy, config, {"global_step": 1234})
    assert path.is_file() and not path.with_name("model.pt.tmp").exists()

    loaded, loaded_config, extra = load_checkpoint(path)
    assert loaded_config == config
    assert extra == {"global_step": 1234}
    assert loaded.discrete == (kind == "discrete") and loaded.hidden == 32
    for (k, a), (k2, b) in zip(policy.state_dict().items(), loaded.state_dict().items()):
        assert k == k2 and torch.equal(a, b), k
    obs = torch.randn(64, obs_dim, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert torch.equal(policy.act(obs), loaded.act(obs))
        actions = policy.act(obs)
        _, lp, ent, v = policy.get_action_and_value(obs, actions)
        _, lp2, ent2, v2 = loaded.get_action_and_value(obs, actions)
    assert torch.equal(lp, lp2) and torch.equal(ent, ent2) and torch.equal(v, v2)


def test_failed_save_keeps_the_existing_checkpoint(tmp_path, tiny_policy, monkeypatch):
    config = PPOConfig(env_id="CartPole-v1")
    path = save_checkpoint(tmp_path / "checkpoint.pt", tiny_policy, config, {"global_step": 1})
    before = path.read_bytes()

    def interrupted_save(obj, f, *args, **kwargs):
        with open(f, "wb") as handle:  # half a file, then the process "dies"
            handle.write(b"partial")
        raise KeyboardInterrupt("simulated interruption during torch.save")

    monkeypatch.setattr(checkpoint_module.torch, "save", interrupted_save)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, trained_looking(tiny_policy), config, {"global_step": 2})
    monkeypatch.undo()

    assert path.read_bytes() == before
    _, _, extra = load_checkpoint(path)
    assert extra == {"global_step": 1}


def test_save_overwrites_an_existing_checkpoint(tmp_path, tiny_policy):
    config = PPOConfig(env_id="CartPole-v1")
    path = save_checkpoint(tmp_path / "checkpoint.pt", tiny_policy, config, {"global_step": 1})
    save_checkpoint(path, tiny_policy, config, {"global_step": 2})
    assert load_checkpoint(path)[2] == {"global_step": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.pt"]


@pytest.fixture(scope="module")
def cartpole_policy():
    torch.manual_seed(0)
    return trained_looking(ActorCritic(4, gym.spaces.Discrete(2), hidden=16), seed=3)


def test_record_gif_is_readable(cartpole_policy, tmp_path):
    path = tmp_path / "episode.gif"
    ret = record_episode(cartpole_policy, "CartPole-v1", path, seed=4, fps=20)
    frames = imageio.mimread(path)
    expected, _ = rollout_frames(cartpole_policy, "CartPole-v1", seed=4)
    # Pillow merges identical consecutive frames into one longer frame, hence <=.
    assert 2 <= len(frames) <= len(expected)
    h, w = expected[0].shape[:2]
    assert frames[0].shape[:2] == (h, w) and frames[0].shape[2] in (3, 4)
    # CartPole renders 600 x 400; frames are downscaled by 2 to keep GIFs small.
    assert (h, w) == (200, 300)
    assert len({f.tobytes() for f in frames}) > 1  # the cart actually moves
    # The returned return is the episode's: the same seed evaluated without video agrees.
    assert ret == evaluate(cartpole_policy, "CartPole-v1", episodes=1, seed=4)[0]
    # CartPole pays 1 per step: every 2nd frame of the episode is kept, plus the final state.
    assert len(expected) == math.ceil(ret / 2) + 1


def test_record_mp4_is_readable(cartpole_policy, tmp_path):
    path = tmp_path / "episode.mp4"
    record_episode(cartpole_policy, "CartPole-v1", path, seed=4, fps=24)
    expected, _ = rollout_frames(cartpole_policy, "CartPole-v1", seed=4)
    reader = imageio.get_reader(path)
    try:
        frames = [frame for frame in reader]
        assert reader.get_meta_data()["fps"] == pytest.approx(24)
    finally:
        reader.close()
    assert len(frames) == len(expected)
    assert frames[0].shape == expected[0].shape


def test_side_by_side(cartpole_policy, tmp_path, monkeypatch):
    torch.manual_seed(1)
    other = ActorCritic(4, gym.spaces.Discrete(2), hidden=16)  # balances far longer
    policies = [cartpole_policy, other]
    path = tmp_path / "compare.gif"
    returns = side_by_side(policies, None, "CartPole-v1", path, seed=2)
    single = [evaluate(p, "CartPole-v1", episodes=1, seed=2)[0] for p in policies]
    assert returns == single
    tiles = [rollout_frames(p, "CartPole-v1", seed=2, scale=1)[0] for p in policies]
    assert len(tiles[0]) != len(tiles[1])  # the test covers the hold-last-frame case
    frames = imageio.mimread(path)
    assert 2 <= len(frames) <= max(len(t) for t in tiles)  # Pillow merges identical frames
    # Full-size tiles (600 x 400, readable on a projector) and a 4-pixel gap.
    assert frames[0].shape[:2] == (400, 2 * 600 + 4)

    # Exact content, before GIF quantisation: left tile policy a, right tile policy b, and the
    # shorter episode holds its last frame.
    written = {}
    monkeypatch.setattr(
        video_module,
        "write_video",
        lambda frames, path, fps=30: written.__setitem__("frames", frames),
    )
    side_by_side(policies, None, "CartPole-v1", path, seed=2)
    assert len(written["frames"]) == max(len(t) for t in tiles)
    for k, frame in enumerate(written["frames"]):
        np.testing.assert_array_equal(frame[:, :600], tiles[0][min(k, len(tiles[0]) - 1)])
        np.testing.assert_array_equal(frame[:, 600:604], 255)
        np.testing.assert_array_equal(frame[:, 604:], tiles[1][min(k, len(tiles[1]) - 1)])

    # With labels, each tile gets a caption band at the top; the rest of the picture is unchanged.
    unlabelled = written["frames"]
    labelled_returns = side_by_side(policies, ["a", "b"], "CartPole-v1", path, seed=2)
    assert labelled_returns == returns
    labelled = written["frames"]
    assert len(labelled) == len(unlabelled)
    assert not np.array_equal(labelled[0][:20, :600], unlabelled[0][:20, :600])
    assert not np.array_equal(labelled[0][:20, 604:], unlabelled[0][:20, 604:])
    np.testing.assert_array_equal(labelled[-1][60:], unlabelled[-1][60:])
    with pytest.raises(ValueError, match=r"2 policies but 1 labels"):
        side_by_side(policies, ["a"], "CartPole-v1", path, seed=2)


def test_sampled_episodes_replay_exactly(cartpole_policy):
    """A sampled episode draws from its own seeded generator: the same call, the same episode."""
    first = play_episode(cartpole_policy, "CartPole-v1", seed=5, deterministic=False)
    again = play_episode(cartpole_policy, "CartPole-v1", seed=5, deterministic=False)
    greedy = play_episode(cartpole_policy, "CartPole-v1", seed=5, deterministic=True)
    np.testing.assert_array_equal(np.stack(first[0]), np.stack(again[0]))
    assert first[2] == again[2]
    assert len(first[0]) != len(greedy[0]) or not np.array_equal(
        np.stack(first[0]), np.stack(greedy[0])
    )


def test_showcase_keeps_both_landers_in_the_picture():
    """The presenter's clip: untrained (sampling) and trained both stay in view throughout."""
    policies, sampled = [load_pretrained(0), load_pretrained()], [False, True]
    seed = showcase_seed(policies, "LunarLander-v3", sampled)
    for policy, deterministic in zip(policies, sampled):
        observations, _, _ = play_episode(policy, "LunarLander-v3", seed, deterministic)
        assert all(lander_in_view(o) for o in observations)
    # Played greedily it takes the same action on nearly every step, and the untrained
    # lander leaves the picture on every one of these seeds, which is what the check catches.
    with pytest.raises(ValueError, match="keeps every lander in the picture"):
        showcase_seed(policies[:1], "LunarLander-v3", True, candidates=range(5))


@pytest.mark.slow
def test_presenter_gif_is_projector_sized(tmp_path):
    result = gifs.make_side_by_side(tmp_path, formats=("gif",))
    frames = imageio.mimread(result["paths"][0])
    assert frames[0].shape[1] >= 1200  # at least twice the old 604 pixels
    assert result["returns"][1] > result["returns"][0]
