"""Tear-down leaves nothing behind: no hass, mosquitto or domoguardd process, no mount, no config
folder. (conftest.py checks the same for the whole session once every fixture is gone.)"""

from __future__ import annotations

from pathlib import Path

from conftest import Cli, hf


def mounts_under(path: Path) -> list[str]:
    prefix = str(path).rstrip("/") + "/"
    return [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()
            if line.split()[1].startswith(prefix)]


def test_a_full_stack_stops_without_leftovers(cli: Cli, daemon_binary: Path, workdir: Path) -> None:
    since = len(hf.STARTED)
    with hf.Mosquitto() as broker, hf.HomeAssistant(mqtt=broker) as ha:
        root = ha.root
        config = ha.config_dir
        assert root is not None and config is not None and config.exists()
        token = hf.write_token_file(workdir / "teardown-token", ha.token)
        with hf.Domoguardd(daemon_binary, ha.ws_url, token, workdir / "teardown.db", notify=False) as d:
            assert d.api("domoguard/status")["ready"] is True
            started = hf.STARTED[since:]
            assert sorted(name for name, *_ in started) == ["domoguardd", "hass", "mosquitto"]
            # While running, each is alive and hass really runs inside the root.
            assert not [n for n, pid, ticks, _ in started if hf._proc_start_ticks(pid) != ticks]
            hass_pid = next(pid for name, pid, *_ in started if name == "hass")
            assert Path(f"/proc/{hass_pid}/root").resolve() == root.resolve()
            assert "hass" in Path(f"/proc/{hass_pid}/cmdline").read_bytes().decode(errors="replace")
    assert hf.leftover_processes(since) == []
    assert not config.exists()
    # ha_run.sh mounts /proc and /dev for hass in a private namespace: the host never sees them.
    assert mounts_under(root) == []
