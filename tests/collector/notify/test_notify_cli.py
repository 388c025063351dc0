"""``asetik-collector notify``: settings refused with a clear error and nothing changed, the
webhook secret sealed and never shown, a delivery pass on demand."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from collector.adapters.db.models import NotificationSettingsRow
from collector.bootstrap import build_services
from collector.config import load_config
from collector.entrypoints.cli import main
from tests.collector.notify.dispatching import SECRET
from tests.collector.notify.peers import webhook_receiver
from tests.collector.tickets.fleet import add_asset, set_findings, ticket_service


def _cli(db_url: str, tmp_path: Path, *args: str) -> int:
    return main(["--db", db_url, "--data-dir", str(tmp_path / "data"), *args])


@pytest.fixture
def site(db_url: str, tmp_path: Path) -> str:
    assert (
        _cli(db_url, tmp_path, "site", "create", "--code", "BBPOM-SBY", "--name", "Surabaya") == 0
    )
    return "BBPOM-SBY"


def _settings(db_url: str, tmp_path: Path) -> list[tuple[str | None, str | None, object]]:
    services = build_services(load_config({}, db=db_url, data_dir=tmp_path / "data"))
    try:
        with services.sessions() as session:
            rows = session.scalars(select(NotificationSettingsRow)).all()
            return [(r.webhook_url, r.webhook_secret, r.email_to) for r in rows]
    finally:
        services.close()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--webhook", "ftp://hooks.example/x", "--webhook-secret-env", "HOOK_SECRET"], "http"),
        (["--webhook", "https://user:pw@hooks.example/x", "--webhook-secret-env", "HOOK_SECRET"],
         "kata sandi"),
        (["--webhook", "https://hooks.example/x"], "rahasia"),
        (["--webhook", "https://hooks.example/x", "--webhook-secret-env", "NOT_SET_ANYWHERE"],
         "NOT_SET_ANYWHERE"),
        (["--email", "it@sby.pom.go.id,bukan-alamat"], "bukan-alamat"),
        (["--language", "jv"], "bahasa"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused_and_change_nothing(
    db_url: str, tmp_path: Path, site: str, *, args: list[str], says: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    assert _cli(db_url, tmp_path, "notify", "set", "--site", site, "--email", "a@pom.go.id") == 0
    before = _settings(db_url, tmp_path)
    capsys.readouterr()
    assert _cli(db_url, tmp_path, "notify", "set", "--site", site, *args) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert _settings(db_url, tmp_path) == before


def test_an_unknown_site_is_refused(
    db_url: str, tmp_path: Path, site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(db_url, tmp_path, "notify", "set", "--site", "NOPE", "--email", "a@pom.go.id") == 2
    assert "NOPE" in capsys.readouterr().err
    assert _cli(db_url, tmp_path, "notify", "show", "--site", "NOPE") == 2
    assert _settings(db_url, tmp_path) == []


def test_the_secret_is_sealed_and_never_shown_or_logged(
    db_url: str, tmp_path: Path, site: str, *, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    config = load_config({}, db=db_url, data_dir=tmp_path / "data")
    services = build_services(config)
    asset = add_asset(services, site, "pc-01")
    set_findings(services, asset, [("disk.reallocated", "S1", 12)])
    try:
        with webhook_receiver(SECRET, services.clock().timestamp()) as receiver:
            assert _cli(db_url, tmp_path, "notify", "set", "--site", site, "--webhook",
                        receiver.url, "--webhook-secret-env", "HOOK_SECRET", "--email",
                        "it@sby.pom.go.id", "--language", "en") == 0  # fmt: skip
            ticket_service(services).evaluate([asset])
            assert _cli(db_url, tmp_path, "notify", "send") == 0
            assert _cli(db_url, tmp_path, "notify", "show") == 0
    finally:
        services.close()
    out = capsys.readouterr()
    [hit] = receiver.received
    assert hit.signature_ok
    assert "webhook terkirim 1" in out.out
    assert "rahasia: set" in out.out and "it@sby.pom.go.id" in out.out
    assert "pengiriman webhook: delivered 1" in out.out
    everything = out.out + out.err + caplog.text
    assert SECRET not in everything
    [(url, sealed, emails)] = _settings(db_url, tmp_path)
    assert url == receiver.url and emails == ["it@sby.pom.go.id"]
    assert sealed is not None and sealed.startswith("enc:") and SECRET not in sealed


def test_show_without_settings_says_so(
    db_url: str, tmp_path: Path, site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(db_url, tmp_path, "notify", "show") == 0
    assert "belum ada" in capsys.readouterr().out
