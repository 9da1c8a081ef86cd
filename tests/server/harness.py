"""Processes the server suite starts, and the clients it talks to them with.

Everything listens on loopback. Every process is started in its own process group and
stopped (the whole group) by the fixture that started it, also when a test fails.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("ENROLLKIT_BIN_DIR", ROOT / "target" / "debug"))
BROWSER = ROOT / "tests" / "server" / "browser"
PORT = 18443
ORIGIN = f"https://enroll.example.test:{PORT}"
KEYCLOAK = os.environ.get("KEYCLOAK_URL", "http://127.0.0.1:18080")
ISSUER = f"{KEYCLOAK}/realms/enrollkit"
SCEP_SECRET = "suite-scep-webhook-secret"
ADMIN = {"Authorization": "Bearer suite-admin-password"}
TOPIC = "com.apple.mgmt.External.6e3f1a52-8d4b-4c1e-9a7f-2b5d0c8e1f43"
IOS_17_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
IOS_18_SAFARI = IOS_17_SAFARI.replace("17_4", "18_1").replace("Version/17.4", "Version/18.1")


def run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=kw.pop("timeout", 600), **kw)


def make_lab(folder: Path) -> Path:
    """Throwaway keys for every server of the suite (`enrollkit-server init`)."""
    keys = folder / "keys"
    # Each test's servers listen on their own loopback address (same port, so the redirect
    # URI registered at the provider fits all of them).
    names = ["enroll.example.test", "example.test", "localhost"] + [f"127.0.0.{i}" for i in range(1, 7)]
    args = [str(BIN / "enrollkit-server"), "init", "--dir", str(keys)]
    for n in names:
        args += ["--tls-name", n]
    r = run(args)
    assert r.returncode == 0, r.stderr
    return keys


def write_config(folder: Path, keys: Path, database: str, *, ownership: str = "personal", tls: bool = True,
                 extra: list[str] = ()) -> Path:
    """A server configuration from `enrollkit-server config`, next to the keys."""
    args = [
        str(BIN / "enrollkit-server"), "config",
        "--keys", str(keys),
        "--origin", ORIGIN if tls else f"http://enroll.example.test:{PORT}",
        "--listen", f"127.0.0.1:{PORT}",
        "--database", database,
        "--issuer", ISSUER,
        "--client-secret", "enrollkit-secret",
        "--ownership", ownership,
        "--scep-webhook-secret", SCEP_SECRET,
        "--admin-password", "suite-admin-password",
        "--topic", TOPIC,
        "--test-clock",
        "--body-timeout-seconds", "3",
        *extra,
    ]
    if not tls:
        args.append("--no-tls")
    r = run(args)
    assert r.returncode == 0, r.stderr
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "state").mkdir(exist_ok=True)
    path = folder / "server.toml"
    path.write_text(r.stdout)
    return path


class Server:
    """One `enrollkit-server serve` process."""

    def __init__(self, config: Path, keys: Path, address: str = "127.0.0.1", log: Path | None = None):
        self.config = config
        self.keys = keys
        self.address = address
        self.log = log or config.with_name(f"server-{address}.log")
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        out = open(self.log, "a")
        self.process = subprocess.Popen(
            [str(BIN / "enrollkit-server"), "serve", "--config", str(self.config), "--listen", f"{self.address}:{PORT}"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "info")},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log.read_text()[-2000:]}")
            try:
                if self.get("/healthz")[0] == 200 and self.process.poll() is None:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not become healthy in 60 s")

    def _connection(self, timeout: float = 30) -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=str(self.keys / "tls-ca.pem"))
        return http.client.HTTPSConnection(self.address, PORT, context=context, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        c = self._connection()
        try:
            c.request(method, path, body=body, headers={"Host": f"enroll.example.test:{PORT}", **(headers or {})})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    def get(self, path: str, headers: dict | None = None):
        return self.request("GET", path, headers=headers)

    def admin(self) -> dict:
        status, _, body = self.get("/admin/enrollments.json", headers=ADMIN)
        assert status == 200, body
        return json.loads(body)

    def advance_clock(self, seconds: int) -> None:
        status, _, body = self.request("POST", f"/admin/test-clock?advance={seconds}", headers=ADMIN)
        assert status == 200, body

    def kill9(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()


def device_args(keys: Path, instances: list[str] = ("127.0.0.1",)) -> list[str]:
    args = [
        "--origin", ORIGIN, "--https-port", str(PORT), "--tls-ca", str(keys / "tls-ca.pem"),
        "--keys", str(keys), "--scep-secret", SCEP_SECRET,
    ]
    for i in instances:
        args += ["--instance", i]
    return args


def device(command: str, keys: Path, *extra: str, instances: list[str] = ("127.0.0.1",), timeout: float = 600):
    """Runs `enrollkit-device COMMAND`; its JSON report (or the failure, for fault tests)."""
    r = run([str(BIN / "enrollkit-device"), command, *device_args(keys, instances), *extra], timeout=timeout)
    if r.returncode != 0:
        return None, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1]), r.stderr


def browser(script: str, *args: str, timeout: float = 180) -> dict:
    r = run(["node", str(BROWSER / script), *args], timeout=timeout, cwd=BROWSER)
    assert r.returncode == 0, f"{script}: {r.stderr}\n{r.stdout}"
    return json.loads(r.stdout.strip().splitlines()[-1])


def enrollkit(*args: str) -> subprocess.CompletedProcess:
    return run([str(BIN / "enrollkit"), *args])


def raw_exchange(address: str, keys: Path, payload: bytes, *, drip: bytes = b"", drip_every: float = 0.0,
                 timeout: float = 30) -> tuple[int, bytes, float]:
    """Writes `payload` on a TLS connection, then `drip` one byte at a time; the answer."""
    context = ssl.create_default_context(cafile=str(keys / "tls-ca.pem"))
    started = time.monotonic()
    with socket.create_connection((address, PORT), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname="enroll.example.test") as s:
            try:
                s.sendall(payload)
                for b in drip:
                    s.sendall(bytes([b]))
                    time.sleep(drip_every)
            except OSError:
                pass  # the server answered and closed before the client finished sending
            data = b""
            try:
                while chunk := s.recv(65536):
                    data += chunk
            except (OSError, ssl.SSLError):
                pass
    elapsed = time.monotonic() - started
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
    body = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""
    return status, body, elapsed
