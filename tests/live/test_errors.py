"""The live connector's clear errors: a refused token, nothing listening, a token file others can
read, clear-text ws:// to another machine. Exit codes: 2 bad input, 3 hub unreachable or refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli, LiveHome, hf

BOGUS = "eyJhbGciOiJIUzI1NiJ9.bm90LWEtcmVhbC10b2tlbg.c2lnbmF0dXJlLWZvci1ub3RoaW5n"


def audit(cli: Cli, url: str, token_file: Path, *extra: str):
    return cli.run("audit", "--url", url, "--token-file", str(token_file), "--format", "json", "--no-history",
                   *extra, timeout=60)


def test_wrong_token_is_refused_with_exit_3(cli: Cli, home: LiveHome, workdir: Path) -> None:
    tf = hf.write_token_file(workdir / "bogus-token", BOGUS)
    proc = audit(cli, home.ha.ws_url, tf)
    assert proc.returncode == 3, proc.stderr
    assert "refused the access token" in proc.stderr
    assert proc.stdout == ""
    # The token itself never appears in what DomoGuard prints.
    assert BOGUS not in proc.stderr and home.ha.token not in proc.stderr


def test_nothing_listening_gives_exit_3(cli: Cli, home: LiveHome) -> None:
    port = hf.free_port()
    proc = audit(cli, f"ws://127.0.0.1:{port}/api/websocket", home.token_file)
    assert proc.returncode == 3, proc.stderr
    assert "Cannot connect" in proc.stderr
    assert f"127.0.0.1:{port}" in proc.stderr
    assert "refused the access token" not in proc.stderr  # a distinct message per cause


def test_token_file_readable_by_others_gives_exit_2(cli: Cli, home: LiveHome, workdir: Path) -> None:
    tf = hf.write_token_file(workdir / "open-token", home.ha.token, mode=0o644)
    proc = audit(cli, home.ha.ws_url, tf)
    assert proc.returncode == 2, proc.stderr
    assert "chmod 600" in proc.stderr
    assert home.ha.token not in proc.stderr + proc.stdout


def test_the_same_token_with_mode_0600_works(cli: Cli, home: LiveHome, workdir: Path) -> None:
    """Control for the test above: only the file mode differed."""
    tf = hf.write_token_file(workdir / "open-token-fixed", home.ha.token, mode=0o600)
    proc = audit(cli, home.ha.ws_url, tf)
    assert proc.returncode == 0, proc.stderr


def test_cleartext_ws_to_another_machine_is_refused(cli: Cli, home: LiveHome) -> None:
    # 192.0.2.0/24 is TEST-NET-1: the refusal must come before any connection attempt.
    proc = audit(cli, "ws://192.0.2.10:8123/api/websocket", home.token_file)
    assert proc.returncode == 2, proc.stderr
    assert "wss://" in proc.stderr


def test_daemon_with_a_wrong_token_says_so_and_keeps_retrying(daemon_binary: Path, home: LiveHome,
                                                              workdir: Path) -> None:
    tf = hf.write_token_file(workdir / "bogus-token-daemon", BOGUS)
    d = hf.Domoguardd(daemon_binary, home.ha.ws_url, tf, workdir / "bogus.db", notify=False)
    try:
        with pytest.raises(hf.LiveError):
            d.start(timeout=3)  # never gets to a full audit
        d.wait_line(r"refused the access token", timeout=10)
        d.wait_line(r"reconnecting in \d+ s", timeout=10)
        assert d.pid is not None and Path(f"/proc/{d.pid}").exists()  # still running, still trying
    finally:
        assert d.stop() == 0  # a clean stop on SIGTERM

