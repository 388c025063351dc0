"""The agent configuration: precedence, defaults and every validation message."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import pytest

from agent.config import (
    LINUX_STATE_DIR,
    MIB,
    AgentConfig,
    ConfigError,
    default_state_dir,
    load_config,
)

URL = "https://collector.pom.go.id"


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agent.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_with_only_the_url() -> None:
    config = load_config(None, {"ASETIK_COLLECTOR_URL": URL + "/"}, platform="linux")
    assert config.collector_url == URL
    assert config.interval == 3600
    assert config.full_every == 24
    assert (config.spool_max_bytes, config.spool_max_files, config.spool_max_age_days) == (
        50 * MIB,
        500,
        14,
    )
    assert config.state_dir == LINUX_STATE_DIR == Path("/var/lib/asetik-agent")
    assert config.spool_dir == LINUX_STATE_DIR / "spool"
    assert config.enroll_token is None
    assert config.ca_bundle is None
    assert config.proxy is None


def test_windows_state_dir_under_programdata() -> None:
    found = default_state_dir("windows", {"ProgramData": r"D:\ProgramData"})
    assert PureWindowsPath(found) == PureWindowsPath(r"D:\ProgramData\asetik")
    assert PureWindowsPath(default_state_dir("windows", {})) == PureWindowsPath(
        r"C:\ProgramData\asetik"
    )


def test_environment_beats_file_and_explicit_beats_environment(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        f'collector_url = "{URL}"\ninterval = 120\nsite = "PUSAT"\nstate_dir = "{tmp_path}/s"\n',
    )
    from_file = load_config(path, {})
    assert (from_file.interval, from_file.site, from_file.state_dir) == (
        120,
        "PUSAT",
        tmp_path / "s",
    )
    assert from_file.spool_dir == tmp_path / "s" / "spool"
    environ = {"ASETIK_INTERVAL": "300", "ASETIK_SITE": "BBPOM-JKT"}
    from_env = load_config(path, environ)
    assert (from_env.interval, from_env.site) == (300, "BBPOM-JKT")
    explicit = load_config(path, environ, {"interval": 900})
    assert (explicit.interval, explicit.site) == (900, "BBPOM-JKT")


def test_empty_environment_value_counts_as_unset(tmp_path: Path) -> None:
    path = _file(tmp_path, f'collector_url = "{URL}"\nsite = "PUSAT"\n')
    assert load_config(path, {"ASETIK_SITE": "  "}).site == "PUSAT"


def test_every_setting_from_the_environment(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    config = load_config(
        None,
        {
            "ASETIK_COLLECTOR_URL": "http://127.0.0.1:8443",
            "ASETIK_ENROLL_TOKEN": "tok-123",
            "ASETIK_SITE": "LOKA-POM",
            "ASETIK_INTERVAL": "60",
            "ASETIK_SPOOL_DIR": str(tmp_path / "spool"),
            "ASETIK_STATE_DIR": str(tmp_path / "state"),
            "ASETIK_CA_BUNDLE": str(bundle),
            "ASETIK_FULL_EVERY": "5",
            "ASETIK_SPOOL_MAX_BYTES": str(2 * MIB),
            "ASETIK_SPOOL_MAX_FILES": "10",
            "ASETIK_SPOOL_MAX_AGE_DAYS": "3",
            "ASETIK_PROXY": "http://user:pw@proxy.lan:3128",
            "ASETIK_DB": "ignored: a collector setting",
        },
    )
    assert config == AgentConfig(
        collector_url="http://127.0.0.1:8443",
        state_dir=tmp_path / "state",
        spool_dir=tmp_path / "spool",
        enroll_token="tok-123",
        site="LOKA-POM",
        interval=60,
        ca_bundle=bundle,
        full_every=5,
        spool_max_bytes=2 * MIB,
        spool_max_files=10,
        spool_max_age_days=3,
        proxy="http://user:pw@proxy.lan:3128",
    )


def test_secrets_stay_out_of_repr() -> None:
    config = load_config(
        None,
        {
            "ASETIK_COLLECTOR_URL": URL,
            "ASETIK_ENROLL_TOKEN": "very-secret-token",
            "ASETIK_PROXY": "http://user:hunter2@proxy.lan:3128",
        },
    )
    text = repr(config)
    assert "very-secret-token" not in text
    assert "hunter2" not in text
    assert "collector.pom.go.id" in text


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080", "http://127.8.9.10", "http://[::1]:8080", "http://localhost:80"],
)
def test_plain_http_allowed_for_loopback(url: str) -> None:
    assert load_config(None, {"ASETIK_COLLECTOR_URL": url}).collector_url == url


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "collector_url is not set (ASETIK_COLLECTOR_URL"),
        (
            {"ASETIK_COLLECTOR_URL": "http://collector.pom.go.id"},
            "collector_url uses http:// for collector.pom.go.id; only https:// is allowed",
        ),
        ({"ASETIK_COLLECTOR_URL": "http://10.0.0.5"}, "only https:// is allowed"),
        ({"ASETIK_COLLECTOR_URL": "http://128.0.0.1"}, "only https:// is allowed"),
        ({"ASETIK_COLLECTOR_URL": "ftp://collector"}, "collector_url must be an https:// URL"),
        ({"ASETIK_COLLECTOR_URL": "https://"}, "collector_url must be an https:// URL"),
        ({"ASETIK_COLLECTOR_URL": "https://[::1"}, "collector_url is not a valid URL"),
        ({"ASETIK_COLLECTOR_URL": URL + "/?x=1"}, "must not have a query or fragment"),
        (
            {"ASETIK_COLLECTOR_URL": "https://u:secret@collector"},
            "collector_url must not carry a user name or password",
        ),
        ({"ASETIK_INTERVAL": "59"}, "interval must be between 60 and 604800, not 59"),
        ({"ASETIK_INTERVAL": "604801"}, "interval must be between 60 and 604800, not 604801"),
        ({"ASETIK_INTERVAL": "hourly"}, "interval must be a whole number, not 'hourly'"),
        ({"ASETIK_FULL_EVERY": "0"}, "full_every must be between 1 and 10000, not 0"),
        ({"ASETIK_SPOOL_MAX_BYTES": "1000"}, "spool_max_bytes must be between 1048576"),
        ({"ASETIK_SPOOL_MAX_FILES": "0"}, "spool_max_files must be between 1 and"),
        ({"ASETIK_SPOOL_MAX_AGE_DAYS": "-1"}, "spool_max_age_days must be between 1 and 3650"),
        ({"ASETIK_CA_BUNDLE": "/nonexistent/ca.pem"}, "ca_bundle /nonexistent/ca.pem is not a"),
        ({"ASETIK_SITE": "x" * 257}, "site must be 1 to 256 characters"),
        ({"ASETIK_PROXY": "socks5://proxy:1080"}, "proxy must be an https:// URL"),
    ],
)
def test_invalid_settings_are_named(environ: dict[str, str], message: str) -> None:
    needs_url = environ and "ASETIK_COLLECTOR_URL" not in environ
    base = {"ASETIK_COLLECTOR_URL": URL} if needs_url else {}
    with pytest.raises(ConfigError) as raised:
        load_config(None, {**base, **environ})
    assert message in str(raised.value)


def test_error_messages_do_not_echo_secrets() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(None, {"ASETIK_COLLECTOR_URL": URL, "ASETIK_PROXY": "ftp://user:hunter2@proxy"})
    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('collector_url = "https://c"\ncolector_url = "x"\n', "unknown setting 'colector_url'"),
        ('collector_url = "https://c"\ninterval = "60"\n', "interval in "),
        ('collector_url = "https://c"\ninterval = true\n', "must be an integer, not a boolean"),
        ('collector_url = "https://c"\ninterval = 60.5\n', "must be an integer, not a float"),
        ('collector_url = "https://c"\nsite = 5\n', "site in "),
        ('collector_url = "https://c"\nsite = ["a"]\n', "must be a string, not a list"),
        ('collector_url = "https://c"\n[spool]\nmax = 1\n', "unknown setting 'spool'"),
        ("collector_url = https://c\n", "is not valid TOML"),
    ],
)
def test_invalid_config_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(_file(tmp_path, text), {})
    assert message in str(raised.value)


def test_wrong_type_message_is_complete(tmp_path: Path) -> None:
    path = _file(tmp_path, 'collector_url = "https://c"\ninterval = "60"\n')
    with pytest.raises(ConfigError, match=r"interval in .*agent\.toml must be an integer"):
        load_config(path, {})


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read config file .*missing\.toml"):
        load_config(tmp_path / "missing.toml", {})


def test_unknown_explicit_setting() -> None:
    with pytest.raises(ConfigError, match="unknown setting 'intervall'"):
        load_config(None, {"ASETIK_COLLECTOR_URL": URL}, {"intervall": 60})
