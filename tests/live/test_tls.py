"""wss:// to a real Home Assistant serving HTTPS with a self-signed certificate made at test time:
refused without --ca-file (and with the wrong CA, or under a name the certificate does not hold),
accepted with the right one. Verification is never switched off."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import Cli, ha_version_pinned, hf


def make_cert(folder: Path, name: str, san: str) -> tuple[Path, Path]:
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", f"/CN={name}", "-addext", f"subjectAltName={san}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def tls_home(cli: Cli, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = make_cert(folder, "domoguard-test-hub", "IP:127.0.0.1")
    with hf.HomeAssistant(tls=(cert, key)) as ha:
        token_file = hf.write_token_file(folder / "token", ha.token)
        yield ha, cert, token_file, folder


def audit(cli: Cli, url: str, token_file: Path, *extra: str):
    return cli.run("audit", "--url", url, "--token-file", str(token_file), "--format", "json", "--no-history",
                   *extra, timeout=60)


def test_self_signed_hub_is_refused_without_ca_file(cli: Cli, tls_home) -> None:
    ha, cert, token_file, _ = tls_home
    assert ha.ws_url.startswith("wss://")
    proc = audit(cli, ha.ws_url, token_file)
    assert proc.returncode == 3, proc.stderr
    assert "TLS" in proc.stderr
    assert "self-signed" in proc.stderr  # OpenSSL's reason, passed on
    assert "domoguard-test-hub" in proc.stderr  # which certificate
    assert "--ca-file" in proc.stderr  # and what to do about it
    assert proc.stdout == ""


def test_self_signed_hub_is_accepted_with_its_ca_file(cli: Cli, tls_home) -> None:
    ha, cert, token_file, _ = tls_home
    proc = audit(cli, ha.ws_url, token_file, "--ca-file", str(cert))
    assert proc.returncode == 0, proc.stderr
    assert f'"version":"{ha_version_pinned()}"' in proc.stdout.replace(" ", "")


def test_https_url_form_works_too(cli: Cli, tls_home) -> None:
    ha, cert, token_file, _ = tls_home
    proc = audit(cli, ha.url, token_file, "--ca-file", str(cert))  # https://127.0.0.1:PORT
    assert proc.returncode == 0, proc.stderr


def test_another_ca_does_not_vouch_for_the_hub(cli: Cli, tls_home) -> None:
    ha, _, token_file, folder = tls_home
    other, _ = make_cert(folder, "unrelated-ca", "IP:127.0.0.1")
    proc = audit(cli, ha.ws_url, token_file, "--ca-file", str(other))
    assert proc.returncode == 3, proc.stderr
    assert "TLS" in proc.stderr


def test_certificate_for_another_name_is_refused(cli: Cli, tls_home) -> None:
    """The right CA, but the certificate names 127.0.0.1 only: host name checking is on."""
    ha, cert, token_file, _ = tls_home
    proc = audit(cli, f"wss://localhost:{ha.port}/api/websocket", token_file, "--ca-file", str(cert))
    assert proc.returncode == 3, proc.stderr
    assert "TLS" in proc.stderr and "hostname mismatch" in proc.stderr


def test_plain_ws_to_the_tls_port_fails_cleanly(cli: Cli, tls_home) -> None:
    ha, _, token_file, _ = tls_home
    proc = audit(cli, f"ws://127.0.0.1:{ha.port}/api/websocket", token_file)
    assert proc.returncode == 3, proc.stderr
