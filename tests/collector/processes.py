"""A real ``asetik-collector`` process for end-to-end tests: set up through its CLI, served on a
free loopback port, stopped by process id whatever happens in the test.

Everything the collector writes to stdout and stderr goes to one log file; its tail is added to
assertion messages, so a failure shows what the collector said.
"""

from __future__ import annotations

import gzip
import json
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from collector.adapters.sealing import SecretBox, load_key

BIN = Path(sys.executable).parent
COLLECTOR = BIN / "asetik-collector"
AGENT = BIN / "asetik-agent"
SITE = "PUSDATIN"
ADMIN = "admin-e2e"
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0
CLI_TIMEOUT_S = 60.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status and the body parsed as JSON (None when it is not JSON)."""

    status: int
    body: Any
    text: str


def http_request(
    url: str,
    *,
    token: str | None = None,
    payload: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15.0,
    ca: Path | None = None,
) -> Reply:
    """One request (GET, or POST when ``payload`` is given); 4xx/5xx answers are returned."""
    wanted = dict(headers or {})
    if token is not None:
        wanted["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=payload, headers=wanted)  # noqa: S310 - loopback
    try:
        context = ssl.create_default_context(cafile=str(ca)) if ca else None
        with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:  # noqa: S310
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    text = raw.decode("utf-8", "replace")
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    return Reply(status, body, text)


def gzip_json(document: Any) -> bytes:
    """A document as the agent sends it: compact JSON, gzip'ed."""
    return gzip.compress(json.dumps(document, separators=(",", ":")).encode("utf-8"))


class CollectorProcess:
    """One collector's database, data directory and (when started) its serving process."""

    def __init__(self, db_url: str, folder: Path, tls: tuple[Path, Path] | None = None) -> None:
        self.db_url = db_url
        self.tls = tls  # (certificate, key): serve HTTPS, the certificate being its own CA
        self.data_dir = folder / "data"
        self.log_path = folder / "collector.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the collector logged (serve and CLI runs), for assertion messages."""
        if not self.log_path.exists():
            return "(no collector log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "collector log tail:\n" + "\n".join(text.splitlines()[-lines:])

    # -- the CLI -----------------------------------------------------------------------------

    def argv(self, args: Sequence[str]) -> list[str]:
        """The command line of ``asetik-collector`` with this collector's database and data."""
        return [str(COLLECTOR), "--db", self.db_url, "--data-dir", str(self.data_dir), *args]

    def seal(self, secret: str) -> str:
        """``secret`` sealed with this collector's key, as ``asetik-collector secret seal``
        prints it; in-process (that command has tests of its own, a process start costs a
        second or two)."""
        return SecretBox(load_key(None, self.data_dir)).seal(secret)

    def cli(self, *args: str) -> str:
        """Run one ``asetik-collector`` command; returns the last stdout line (a token)."""
        return self.cli_together([args])[0]

    def cli_together(self, commands: Sequence[Sequence[str]]) -> list[str]:
        """Run independent CLI commands at once; their last stdout lines, in order."""
        started: list[subprocess.Popen[bytes]] = []
        try:
            started.extend(
                subprocess.Popen(self.argv(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for args in commands
            )
            return [
                self._finish(args, process) for args, process in zip(commands, started, strict=True)
            ]
        finally:
            for process in started:
                if process.poll() is None:
                    process.kill()
                    process.wait()

    def cli_status(self, *args: str, timeout: float = CLI_TIMEOUT_S) -> tuple[int, str, str]:
        """Run one command that may fail: its exit status, stdout and stderr (logged too)."""
        done = subprocess.run(self.argv(args), capture_output=True, timeout=timeout, check=False)
        with self.log_path.open("ab") as log:
            log.write(f"$ asetik-collector {' '.join(args)}\n".encode() + done.stdout + done.stderr)
        return done.returncode, done.stdout.decode(), done.stderr.decode()

    def _finish(self, args: Sequence[str], process: subprocess.Popen[bytes]) -> str:
        out, err = process.communicate(timeout=CLI_TIMEOUT_S)
        with self.log_path.open("ab") as log:
            log.write(f"$ asetik-collector {' '.join(args)}\n".encode() + out + err)
        assert process.returncode == 0, (
            f"asetik-collector {' '.join(args)} exited {process.returncode}: "
            f"{err.decode(errors='replace')[-2000:]}"
        )
        return out.decode().strip().splitlines()[-1]

    # -- the server --------------------------------------------------------------------------

    def start(self) -> None:
        """Serve on this collector's port and wait until /healthz says the database is fine."""
        self.launch()
        self.wait_healthy()

    def launch(self) -> None:
        """Start ``serve`` without waiting for it (set-up commands may run meanwhile)."""
        assert self.process is None, "collector already running"
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv(["serve", "--listen", f"127.0.0.1:{self.port}", *self._tls_args()]),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def _tls_args(self) -> list[str]:
        if self.tls is None:
            return []
        return ["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])]

    def wait_healthy(self) -> None:
        """Return once /healthz answers ok; fail (with the log) if it exits or takes too long."""
        assert self.process is not None, "collector not running"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (
                f"collector exited {self.process.returncode} while starting\n{self.log_tail()}"
            )
            if self._healthy():
                return
            time.sleep(0.05)
        raise AssertionError(f"collector not healthy after {START_TIMEOUT_S} s\n{self.log_tail()}")

    def _healthy(self) -> bool:
        try:
            reply = http_request(
                f"{self.url}/healthz", timeout=2.0, ca=self.tls[0] if self.tls else None
            )
        except OSError:
            return False
        return reply.status == 200 and reply.body == {"status": "ok", "database": True}

    def kill(self) -> None:
        """SIGKILL, as a power cut or the OOM killer would: no cleanup at all."""
        assert self.process is not None, "collector not running"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_S)
        self._forget()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL when it has not exited in time; nothing when not running."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT_S)
        self._forget()

    def _forget(self) -> None:
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    # -- the API -----------------------------------------------------------------------------

    def get(self, path: str, token: str) -> Any:
        """GET an API path as a user; asserts 200 and returns the JSON body."""
        reply = http_request(f"{self.url}{path}", token=token)
        assert reply.status == 200, f"GET {path}: {reply.status} {reply.text}\n{self.log_tail()}"
        return reply.body

    def enrol(self, token: str, hostname: str) -> str:
        """A fresh agent credential from an enrolment token, as the agent's first call gets."""
        payload = json.dumps({"token": token, "kind": "agent", "identity": {"hostname": hostname}})
        reply = http_request(
            f"{self.url}/api/v1/enroll",
            payload=payload.encode(),
            headers={"Content-Type": "application/json"},
        )
        assert reply.status == 201, f"enrol: {reply.status} {reply.text}\n{self.log_tail()}"
        credential: str = reply.body["credential"]
        return credential


@dataclass(frozen=True)
class Tokens:
    """What the CLI set-up printed: an enrolment token for SITE and an admin API token."""

    enrol: str
    api: str


def prepare_collector(collector: CollectorProcess) -> Tokens:
    """Add the site and an admin and take their tokens, all through the CLI (the schema is
    current by then, so the commands may run side by side and beside ``serve``)."""
    collector.cli_together(
        [["site", "create", "--code", SITE, "--name", "Pusat Data dan Informasi"],
         ["user", "create", "--name", ADMIN, "--role", "admin"]]
    )  # fmt: skip
    enrol, api = collector.cli_together(
        [
            ["token", "create", "--site", SITE, "--max-uses", "100"],
            ["user", "token", "--name", ADMIN],
        ]
    )
    return Tokens(enrol, api)


@contextmanager
def running_collector(db_url: str, folder: Path) -> Iterator[tuple[CollectorProcess, Tokens]]:
    """A migrated, set-up, serving collector over ``db_url``; stopped by pid on the way out,
    whatever happened."""
    collector = CollectorProcess(db_url, folder)
    try:
        collector.cli("db", "upgrade")
        collector.launch()
        tokens = prepare_collector(collector)
        collector.wait_healthy()
        yield collector, tokens
    finally:
        collector.stop()
