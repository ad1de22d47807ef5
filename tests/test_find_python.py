"""scripts/find-python.sh tells the truth per case, run under a fake PATH with fake interpreters.

Each fake interpreter is a shell script that answers the script's three questions (its version,
whether venv and ensurepip import, its path) as a real one on that system would.
"""

import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "find-python.sh"
BASH = "/bin/bash"

pytestmark = pytest.mark.skipif(not Path(BASH).exists(), reason="needs bash")


def fake_python(directory, name, version, venv=True, runs=True):
    path = directory / name
    path.write_text(
        "#!/bin/sh\n"
        + ("exit 127\n" if not runs else "")
        + 'case "$2" in\n'
        + f'  *version_info*) echo "{version}" ;;\n'
        + f"  *ensurepip*) exit {0 if venv else 1} ;;\n"
        + '  *executable*) echo "$0" ;;\n'
        + "esac\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def fake_uv(directory, finds):
    path = directory / "uv"
    path.write_text(f'#!/bin/sh\n[ "$1 $2" = "python find" ] && echo "{finds}" && exit 0\nexit 2\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def run(tmp_path, bin_dir, **env):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    environment = {"PATH": str(bin_dir), "HOME": str(home), "FIND_PYTHON_DIRS": "", **env}
    return subprocess.run([BASH, str(SCRIPT)], capture_output=True, text=True, env=environment, timeout=30)


@pytest.fixture
def bin_dir(tmp_path):
    directory = tmp_path / "bin"
    directory.mkdir()
    return directory


def test_a_working_312_is_printed(tmp_path, bin_dir):
    fake_python(bin_dir, "python3", "3.11")
    good = fake_python(bin_dir, "python3.12", "3.12")
    result = run(tmp_path, bin_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(good)


def test_debian_12_only_311_says_how_to_get_one_and_not_apt_python312(tmp_path, bin_dir):
    fake_python(bin_dir, "python3", "3.11")
    result = run(tmp_path, bin_dir)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "No Python 3.12 or newer was found" in result.stderr
    assert f"{bin_dir / 'python3'} (3.11)" in result.stderr
    for way in ("uv python install 3.12", "pyenv install 3.12", "python.org", "PYTHON=/path/to/python3.12"):
        assert way in result.stderr
    assert "apt-get install python3.12" not in result.stderr
    assert "python3-venv" not in result.stderr.split("Get one")[0]


def test_debian_13_new_enough_without_venv_says_install_python3_venv(tmp_path, bin_dir):
    fake_python(bin_dir, "python3", "3.13", venv=False)
    result = run(tmp_path, bin_dir)
    assert result.returncode == 1
    assert "cannot create a virtual environment" in result.stderr
    assert f"{bin_dir / 'python3'} (3.13)" in result.stderr
    assert "sudo apt-get install python3-venv" in result.stderr
    assert "No Python 3.12 or newer was found" not in result.stderr


def test_a_working_one_wins_over_one_without_venv(tmp_path, bin_dir):
    fake_python(bin_dir, "python3", "3.13", venv=False)
    good = fake_python(bin_dir, "python3.12", "3.12")
    result = run(tmp_path, bin_dir)
    assert result.returncode == 0
    assert result.stdout.strip() == str(good)


def test_a_shim_that_does_not_run_is_reported_not_chosen(tmp_path, bin_dir):
    fake_python(bin_dir, "python3.13", "3.13", runs=False)
    result = run(tmp_path, bin_dir)
    assert result.returncode == 1
    assert "does not run" in result.stderr and str(bin_dir / "python3.13") in result.stderr


def test_python_variable_is_tried_first_and_a_wrong_one_is_named(tmp_path, bin_dir):
    other = tmp_path / "opt"
    other.mkdir()
    chosen = fake_python(other, "py", "3.13")
    fake_python(bin_dir, "python3.12", "3.12")
    assert run(tmp_path, bin_dir, PYTHON=str(chosen)).stdout.strip() == str(chosen)
    fake_python(bin_dir, "python3", "3.11")
    (bin_dir / "python3.12").unlink()
    result = run(tmp_path, bin_dir, PYTHON=str(tmp_path / "missing"))
    assert result.returncode == 1
    assert f"PYTHON={tmp_path / 'missing'} does not exist" in result.stderr


def test_an_interpreter_installed_by_uv_is_found_even_off_path(tmp_path, bin_dir):
    fake_python(bin_dir, "python3", "3.11")
    managed = fake_python(tmp_path, "uv-python3.12", "3.12")
    local_bin = tmp_path / "home" / ".local" / "bin"
    local_bin.mkdir(parents=True)
    fake_uv(local_bin, managed)
    result = run(tmp_path, bin_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(managed)


def test_the_real_search_directories_are_used_by_default(tmp_path, bin_dir):
    # Without FIND_PYTHON_DIRS the script also looks in ~/.pyenv/versions/3.12*/bin.
    version_dir = tmp_path / "home" / ".pyenv" / "versions" / "3.12.4" / "bin"
    version_dir.mkdir(parents=True)
    good = fake_python(version_dir, "python", "3.12")
    environment = {"PATH": str(bin_dir), "HOME": str(tmp_path / "home")}
    result = subprocess.run([BASH, str(SCRIPT)], capture_output=True, text=True, env=environment, timeout=30)
    # pyenv's versions are searched before /usr/local/bin and /usr/bin.
    assert result.stdout.strip() == str(good), result.stderr
