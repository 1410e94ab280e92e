"""The shipped unit passes `systemd-analyze verify` (where systemd is installed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[1] / "systemd" / "monitor.service"


def test_unit_is_hardened_and_notifies() -> None:
    text = UNIT.read_text()
    for line in [
        "Type=notify",
        "DynamicUser=yes",
        "StateDirectory=monitor",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "Restart=on-failure",
        "IPAddressDeny=localhost link-local multicast",  # issue 17: behind the policy
        "IPAddressAllow=127.0.0.53/32",  # systemd-resolved's stub answers DNS
    ]:
        assert line in text.splitlines(), line


def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # verify checks that ExecStart exists: point it at this environment's entry point.
    entry = Path(sys.executable).with_name("monitor")
    if not entry.exists():
        pytest.skip("the monitor console script is not installed beside this Python")
    unit = tmp_path / "monitor.service"
    unit.write_text(UNIT.read_text().replace("/opt/monitor/bin/monitor", str(entry)))
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "monitor.service" not in result.stderr, result.stderr
