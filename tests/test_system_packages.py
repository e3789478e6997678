"""`make test` installs the system packages the tests need through `.ci/system-packages`,
which `.ci/run` calls too. Run here against a made-up machine (a PATH of our own, with
stand-ins for `id`, `sudo` and `apt-get` that record what they were asked), so that
nothing is installed for real."""

import os
import shutil
import subprocess

import pytest

from tests.servers import ROOT

SCRIPT = ROOT / ".ci" / "system-packages"
# What the script itself runs, taken from this machine.
TOOLS = ("bash", "grep", "ls", "env", "cat", "python3", "ldconfig")


def machine(tmp_path, user_id, has_sudo=False, present=()):
    """A PATH with the tools the script runs, ``present`` ones among those it checks
    for, and stand-ins that record their calls in ``calls``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in (*TOOLS, *present):
        found = shutil.which(tool) or shutil.which(tool, path="/sbin:/usr/sbin")
        if found:
            (bin_dir / tool).symlink_to(found)
    calls = tmp_path / "calls"

    def stand_in(name, body):
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)

    stand_in("id", f"echo {user_id}")
    stand_in("apt-get", f'echo "apt-get $*" >> {calls}')
    if has_sudo:
        stand_in(
            "sudo", f'echo "sudo $*" >> {calls}; [ "$1" = -n ] && shift; [ "$1" = true ] || "$@"'
        )
    return {"PATH": str(bin_dir), "HOME": str(tmp_path)}, calls


def run(env, *arguments):
    return subprocess.run(
        [str(SCRIPT), *arguments], env=env, capture_output=True, text=True, timeout=60
    )


def test_check_names_what_is_missing_and_installs_nothing(tmp_path):
    env, calls = machine(tmp_path, user_id=0, present=("make", "node", "npm"))
    result = run(env, "--check")
    assert result.returncode == 1
    assert "chromium" in result.stdout and "poppler-utils" in result.stdout
    assert "make" not in result.stdout.split(":", 1)[1].split()
    assert not calls.exists()


def test_as_root_it_installs_what_is_missing(tmp_path):
    env, calls = machine(tmp_path, user_id=0)
    result = run(env)
    assert result.returncode == 0, result.stderr
    installed = calls.read_text().splitlines()
    assert installed[0] == "apt-get update -qq"
    assert installed[1].startswith("apt-get install -y -qq ")
    assert {"chromium", "poppler-utils", "make", "npm"} <= set(installed[1].split())


def test_with_sudo_it_installs_through_sudo(tmp_path):
    env, calls = machine(tmp_path, user_id=1000, has_sudo=True)
    assert run(env).returncode == 0
    sudo_calls = [line for line in calls.read_text().splitlines() if line.startswith("sudo ")]
    assert any("apt-get install -y" in line for line in sudo_calls)


def test_without_root_or_sudo_it_prints_the_one_line_and_stops(tmp_path):
    env, calls = machine(tmp_path, user_id=1000)
    result = run(env)
    assert result.returncode == 1
    assert "apt-get update && apt-get install -y " in result.stderr
    assert "chromium" in result.stderr
    assert not calls.exists()


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="a developer's machine may lack some")
def test_on_ci_nothing_is_missing_once_it_ran():
    result = subprocess.run([str(SCRIPT), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
