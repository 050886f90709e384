"""JupyterLab and headless Chromium for the browser tests (the presenter, the student build).

:func:`jupyterlab` starts a JupyterLab server on 127.0.0.1 (free port, random token, its own
config, data, runtime, settings and workspace folders under ``home``, so nothing under ~ is
touched) serving ``root``; :func:`chromium` launches Debian's Chromium through Playwright (the
test is skipped without it). :func:`run_all` opens a notebook and runs all its cells from the
Run menu; :func:`save` saves it from the keyboard and waits until the file on disk changed.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_settings(settings_dir: Path) -> None:
    """Render every cell (no windowing) and keep JupyterLab from fetching news or updates."""
    overrides = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for rel, content in overrides.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


def jupyter_env(home: Path, **extra: str) -> dict[str, str]:
    """The server's environment: every Jupyter folder under ``home``."""
    settings = home / "settings"
    write_settings(settings)
    env = dict(os.environ)
    env.update(
        {
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            **extra,
        }
    )
    return env


@contextlib.contextmanager
def jupyterlab(root: Path, home: Path, env: dict[str, str]) -> Iterator[dict]:
    """A JupyterLab server serving ``root``: ``{"url", "token", "root"}``."""
    port, token = free_port(), os.urandom(16).hex()
    log_path = home / "jupyterlab.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115 (closed below)
    args = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=",
        "--ServerApp.port_retries=0",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        args.append("--allow-root")
    proc = subprocess.Popen(args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.3)
        yield {"url": url, "token": token, "root": root}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium through Playwright, headless; the test is skipped without either."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not found: run scripts/install_browser.sh (apt-get install "
            f"chromium) to enable the browser test"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def run_all(page, server: dict, path: str) -> None:
    """Open the notebook ``path`` (relative to the server's root) and start Run All once the
    kernel is idle (again if a click is lost while the session still connects)."""
    # reset: no tab of an earlier notebook is restored from the saved workspace
    page.goto(
        f"{server['url']}/lab/tree/{path}?reset&token={server['token']}",
        wait_until="domcontentloaded",
    )
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=60_000)
    first_prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").first
    for _attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        deadline = time.monotonic() + 15
        while first_prompt.inner_text().strip() == "[ ]:" and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        if first_prompt.inner_text().strip() != "[ ]:":
            break


def wait_until_done(
    page, last_words: str, timeout: float, signs: tuple[str, ...] = ("Error", "Traceback")
) -> list[str]:
    """Wait for an output holding ``last_words`` (the last cell's) or for an error output (one
    holding any of ``signs``: Run All stops at a failing cell); return the errors' texts."""
    done = page.locator(".jp-OutputArea-output", has_text=last_words)
    stderr = page.locator(STDERR)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        failures = [t for t in stderr.all_inner_texts() if any(s in t for s in signs)]
        if failures:
            return failures
        if done.count():
            return []
        page.wait_for_timeout(250)
    raise AssertionError(f"the notebook neither finished nor failed within {timeout:.0f} s")


def save(page, path: Path) -> None:
    """Save the open notebook as a learner does (Ctrl+S; the File menu if the keys were not
    taken) and wait until the file on disk changed."""
    before = path.stat().st_mtime_ns
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 5
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    if path.stat().st_mtime_ns == before:
        page.locator(".lm-MenuBar-itemLabel", has_text="File").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Save Notebook").first.click()
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, f"{path.name} was not saved within 30 s"
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # the write may land in more than one step
