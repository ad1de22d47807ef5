"""scripts/system-deps.sh installs what the tests need without leaving PostgreSQL or Redis running as
system services (on 5432/6379), run under a fake PATH with a fake apt-get that records what it saw."""

import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "system-deps.sh"
TOOLS = ("tee", "chmod", "rm", "ls", "cat")


def executable(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_system(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        real = next((Path(d) / tool for d in ("/usr/bin", "/bin") if (Path(d) / tool).exists()), None)
        if real is None:
            pytest.skip(f"{tool} is not installed")
        (bin_dir / tool).symlink_to(real)
    log = tmp_path / "log"
    policy = tmp_path / "policy-rc.d"
    executable(bin_dir / "id", "#!/bin/sh\necho 0\n")
    # apt-get records its arguments and, while installing, the policy that would stop a service start.
    executable(
        bin_dir / "apt-get",
        f'#!/bin/sh\necho "apt-get $*" >> {log}\n'
        f'if [ "$1" = install ]; then\n'
        f'  if [ -x {policy} ]; then {policy} postgresql start; echo "policy exit $?" >> {log}; '
        f'else echo "no policy" >> {log}; fi\nfi\n',
    )
    executable(bin_dir / "service", f'#!/bin/sh\necho "service $*" >> {log}\n')
    return {"bin": bin_dir, "log": log, "policy": policy, "tmp": tmp_path}


def run(fake_system):
    environment = {"PATH": str(fake_system["bin"]), "POLICY_RC_D": str(fake_system["policy"]), "HOME": "/tmp"}
    result = subprocess.run(["/bin/bash", str(SCRIPT)], capture_output=True, text=True, env=environment, timeout=60)
    assert result.returncode == 0, result.stderr
    return result, fake_system["log"].read_text().splitlines()


def test_services_cannot_start_while_installing_and_are_stopped_after(fake_system):
    result, log = run(fake_system)
    install = next(line for line in log if line.startswith("apt-get install"))
    assert "redis-server" in install.split()  # not on the fake PATH, so it is missing
    assert "policy exit 101" in log, "no policy-rc.d refused service starts during the install"
    assert "service redis-server stop" in log
    assert not fake_system["policy"].exists(), "the temporary policy-rc.d was left behind"
    assert "without leaving its system service running" in result.stdout


def test_an_existing_policy_is_left_alone(fake_system):
    executable(fake_system["policy"], "#!/bin/sh\nexit 101\n")
    run(fake_system)
    assert fake_system["policy"].read_text() == "#!/bin/sh\nexit 101\n"
