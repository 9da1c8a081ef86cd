"""The reference server's suite: real HTTP over TLS, Keycloak, Chromium, SQLite, PostgreSQL.

Run by scripts/test-server.sh, which starts Keycloak (and PostgreSQL) first and stops them
after; the servers are started and stopped by the fixtures here.
"""

from __future__ import annotations

import base64
import json
import os
import plistlib
import shlex
import subprocess
import time
from pathlib import Path

import pytest

from harness import (ADMIN, BIN, BROWSER, IOS_17_SAFARI, IOS_18_SAFARI, ORIGIN, PORT, TOPIC, Server, browser, device,
                     enrollkit, make_lab, raw_exchange, run, write_config)

ARTIFACTS = Path(os.environ.get("ENROLLKIT_SERVER_ARTIFACTS", Path(__file__).parent / "artifacts"))
PG_BASE = os.environ.get("ENROLLKIT_PG_DSN_BASE")  # postgres://user@127.0.0.1:PORT
LOAD_COUNT = int(os.environ.get("ENROLLKIT_LOAD_COUNT", "1000"))


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> Path:
    return make_lab(tmp_path_factory.mktemp("lab"))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def start_servers(folder: Path, keys: Path, database: str, addresses=("127.0.0.1",), **kw):
    config = write_config(folder, keys, database, **kw)
    servers = []
    try:
        for a in addresses:
            servers.append(Server(config, keys, a).start())
    except Exception:
        for s in servers:
            s.stop()
        raise
    return servers


@pytest.fixture(scope="module")
def personal(tmp_path_factory, keys):
    folder = tmp_path_factory.mktemp("personal")
    [server] = start_servers(folder, keys, "sqlite://state/enrollkit.db?mode=rwc")
    yield server
    server.stop()


def signed_content(path: Path) -> dict:
    """The plist inside a signed profile, read by openssl and plistlib (not by enrollkit)."""
    r = subprocess.run(["openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", str(path)],
                       capture_output=True)
    assert r.returncode == 0, r.stderr
    return plistlib.loads(r.stdout)


def enrollment_row(server: Server, enrollment: str) -> dict:
    rows = [e for e in server.admin()["enrollments"] if e["id"] == enrollment]
    assert len(rows) == 1, rows
    return rows[0]


def statuses(report: dict) -> list[tuple[str, int]]:
    return [(s["step"], s["status"]) for s in report["steps"]]


# --- the browser ------------------------------------------------------------------------


def test_chromium_signs_in_at_keycloak_and_downloads_a_profile_that_verifies_and_lints(
        personal, keys, artifacts):
    out = artifacts / "portal"
    report = browser("portal.mjs", "--url", f"{ORIGIN}/portal", "--user", "alice",
                     "--password", "alice-password", "--out", str(out), "--user-agent", IOS_17_SAFARI)
    assert report["status"] == 200
    assert report["contentType"] == "application/x-apple-aspen-config"
    for page in report["pages"]:
        assert Path(page).stat().st_size > 1000, page
    profile = Path(report["profile"])

    verified = enrollkit("verify", str(profile), "--trust", str(keys / "signer-ca.pem"), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["verdict"] == "Verified", verified.stdout
    # Another signer's root does not verify it.
    other = enrollkit("verify", str(profile), "--trust", str(keys / "device-ca.pem"), "--json")
    assert other.returncode != 0

    lint = enrollkit("lint", str(profile), "--platform", "ios", "--os-version", "17.4",
                     "--enrollment", "user", "--json")
    [linted] = json.loads(lint.stdout)
    errors = [f for f in linted["findings"] if f.get("severity") == "error"]
    assert lint.returncode == 0 and not errors, lint.stdout
    # The same profile in a context where it is wrong gets findings (the lint is not mute).
    macos = enrollkit("lint", str(profile), "--platform", "macos", "--os-version", "10.15",
                      "--enrollment", "user", "--json")
    assert json.loads(macos.stdout)[0]["findings"], macos.stdout

    content = signed_content(profile)
    mdm = next(p for p in content["PayloadContent"] if p["PayloadType"] == "com.apple.mdm")
    assert mdm["Topic"] == TOPIC
    assert mdm["ManagedAppleID"] == "alice@example.test"  # profile-driven User Enrollment
    # The just-in-time user exists now, and the enrollment waits for the install.
    admin = personal.admin()
    assert admin["counts"]["users"] >= 1
    pending = [e for e in admin["enrollments"] if e["state"] == "profile_pending"]
    assert pending and pending[0]["view"]["install_window"]["seconds_left"] <= 480


# --- TLS --------------------------------------------------------------------------------


def s_client(server: Server, keys: Path, *args: str) -> str:
    r = subprocess.run(["openssl", "s_client", "-connect", f"{server.address}:{PORT}",
                        "-servername", "enroll.example.test", "-CAfile", str(keys / "tls-ca.pem"), *args],
                       input="", capture_output=True, text=True, timeout=20)
    return r.stdout + r.stderr


def test_tls_follows_apples_requirements_for_enrollment_endpoints(personal, keys):
    # openssl as the peer: TLS 1.2 with ECDHE and AES-GCM, extended master secret, TLS 1.3.
    tls12 = s_client(personal, keys, "-tls1_2")
    assert "Cipher is ECDHE-ECDSA-AES256-GCM-SHA384" in tls12, tls12
    assert "Extended master secret: yes" in tls12
    assert "Verify return code: 0 (ok)" in tls12
    assert "Cipher is TLS_AES_256_GCM_SHA384" in s_client(personal, keys, "-tls1_3")
    for refused in (["-tls1_1"], ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"],
                    ["-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"],
                    ["-tls1_2", "-cipher", "AES128-GCM-SHA256"]):
        out = s_client(personal, keys, *refused)
        assert "Cipher is (NONE)" in out and "handshake failure" in out, (refused, out)


# --- account-driven, profile-driven, OTA ------------------------------------------------


def test_account_driven_enrollment_with_chromium_at_the_web_auth_step(personal, keys, artifacts):
    # bob has a one-time code: Chromium fills both of Keycloak's forms.
    command = shlex.join(["node", str(BROWSER / "account-auth.mjs"), "--user", "bob",
                          "--password", "bob-password", "--totp", "JBSWY3DPEHPK3PXP",
                          "--out", str(artifacts / "account-driven"), "--user-agent", IOS_18_SAFARI])
    report, err = device("enroll", keys, "--exchange", "account-driven", "--user", "bob@example.test",
                         "--browser", command, "--replay-checks")
    assert report, err
    assert statuses(report) == [("well-known", 200), ("enroll", 401), ("enroll", 200),
                                ("scep challenge", 200), ("Authenticate", 200), ("TokenUpdate", 200)]
    assert "code" not in report["steps"][1]  # the 401 is the normal first step, not a refusal
    # Spent secrets stay spent.
    assert report["replays"]["token"]["status"] == 401
    assert report["replays"]["token"]["code"] == "PROT013"
    assert report["replays"]["challenge"]["status"] in (403, 409)
    row = enrollment_row(personal, report["enrollment"])
    assert row["state"] == "enrolled" and row["exchange"] == "account_driven"
    # User Enrollment names the device by its EnrollmentID.
    assert row["device"] == {"kind": "enrollment_id", "id": report["enrollment_id"]}
    status, _, page = personal.get("/admin", headers={"Accept": "text/html", **ADMIN})
    assert status == 200 and report["enrollment"].encode() in page
    # Without its password the admin view asks for it (a browser prompts).
    status, headers, _ = personal.get("/admin")
    assert status == 401 and headers["www-authenticate"].startswith("Basic")
    basic = base64.b64encode(b"admin:wrong").decode()
    assert personal.get("/admin/enrollments.json", headers={"Authorization": f"Basic {basic}"})[0] == 401
    assert personal.request("POST", "/admin/test-clock?advance=600")[0] == 401


def test_profile_driven_enrollment_signs_in_at_keycloaks_login_form(personal, keys):
    report, err = device("enroll", keys, "--exchange", "profile-driven", "--os", "17.4",
                         "--product", "iPhone15,2", "--username", "carol", "--password", "carol-password")
    assert report, err
    assert [s for s, _ in statuses(report)] == [
        "portal", "sign-in callback", "download", "scep challenge", "Authenticate", "TokenUpdate"]
    assert enrollment_row(personal, report["enrollment"])["state"] == "enrolled"


def test_ios_18_safari_is_sent_to_settings(personal):
    status, _, body = personal.get("/portal", headers={"User-Agent": IOS_18_SAFARI, "Accept": "text/html"})
    assert status == 200, body
    assert b"Settings &gt; General &gt; VPN &amp; Device Management &gt; Sign in to Work or School Account" in body


def test_a_wrong_password_is_refused_at_keycloak(personal, keys):
    report, err = device("enroll", keys, "--exchange", "profile-driven", "--os", "17.4",
                         "--username", "carol", "--password", "not-her-password")
    assert report is None and "did not accept" in err


# --- faults -------------------------------------------------------------------------------


def test_a_checkin_for_another_topic_is_refused_and_not_stored(personal, keys):
    before = personal.admin()["counts"]
    report, err = device("enroll", keys, "--exchange", "profile-driven", "--os", "17.4",
                         "--username", "carol", "--password", "carol-password",
                         "--topic", "com.apple.mgmt.External.00000000-0000-0000-0000-000000000000")
    assert report is None
    assert "Authenticate: expected 200, got 4" in err and '"code":"PROT' in err.replace(" ", ""), err
    after = personal.admin()["counts"]
    assert after["devices"] == before["devices"]
    assert after["states"].get("enrolled") == before["states"].get("enrolled")


def test_an_oversized_body_is_refused_with_413(personal, keys):
    before = personal.admin()["counts"]
    body = b"<plist>" + b"x" * (2 * 1024 * 1024) + b"</plist>"
    head = (f"PUT /mdm/checkin/00000000-0000-0000-0000-000000000000 HTTP/1.1\r\n"
            f"Host: enroll.example.test:{PORT}\r\nContent-Type: application/x-apple-aspen-mdm-checkin\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    status, answer, _ = raw_exchange("127.0.0.1", keys, head + body)
    assert status == 413, answer
    assert json.loads(answer)["code"].startswith("PROT")
    assert personal.admin()["counts"] == before


def test_a_slow_drip_body_is_cut_off_with_408(personal, keys):
    before = personal.admin()["counts"]
    head = (f"POST /account/enroll HTTP/1.1\r\nHost: enroll.example.test:{PORT}\r\n"
            "Content-Type: application/pkcs7-signature\r\nContent-Length: 4000\r\n\r\n").encode()
    status, body, elapsed = raw_exchange("127.0.0.1", keys, head, drip=b"0" * 40, drip_every=0.25)
    assert status == 408, body
    assert json.loads(body)["code"] == "PROT019"
    assert elapsed < 15
    assert personal.admin()["counts"] == before


def test_a_garbage_checkin_is_refused_with_a_code_never_a_5xx(personal):
    for body in [b"", b"\x00\xff" * 64, b"<?xml version='1.0'?><plist><dict><key>MessageType</key>"]:
        status, headers, answer = personal.request(
            "PUT", "/mdm/checkin/00000000-0000-0000-0000-000000000000", body=body,
            headers={"Content-Type": "application/x-apple-aspen-mdm-checkin"})
        assert 400 <= status < 500, (status, answer)
        assert headers["enrollkit-code"].startswith("PROT"), headers


def test_the_install_window_expires_on_the_test_clock(personal, keys, artifacts):
    # Download a profile through the portal (the browser), then move the server's clock past
    # the 8-minute window: the timer expires the enrollment and its challenge is refused.
    report = browser("portal.mjs", "--url", f"{ORIGIN}/portal", "--user", "alice",
                     "--password", "alice-password", "--out", str(artifacts / "expiry"),
                     "--user-agent", IOS_17_SAFARI)
    content = signed_content(Path(report["profile"]))
    scep = next(p for p in content["PayloadContent"] if p["PayloadType"] == "com.apple.security.scep")
    challenge = scep["PayloadContent"]["Challenge"]
    enrollment = next(p for p in content["PayloadContent"]
                      if p["PayloadType"] == "com.apple.mdm")["CheckInURL"].rsplit("/", 1)[1]
    assert enrollment_row(personal, enrollment)["state"] == "profile_pending"

    personal.advance_clock(8 * 60 + 5)
    deadline = time.monotonic() + 10
    while enrollment_row(personal, enrollment)["state"] == "profile_pending" and time.monotonic() < deadline:
        time.sleep(0.5)
    row = enrollment_row(personal, enrollment)
    assert row["state"] == "failed", row
    assert row["view"]["failure"]["code"] == "FLOW107", row

    status, _, answer = personal.request(
        "POST", "/scep/challenge", body=json.dumps({"challenge": challenge}).encode(),
        headers={"Authorization": "Bearer suite-scep-webhook-secret", "Content-Type": "application/json"})
    assert 400 <= status < 500 and json.loads(answer)["code"].startswith("PROT"), answer


# --- OTA (a corporate server) -------------------------------------------------------------


def test_ota_enrollment_gets_a_profile_encrypted_to_the_device(tmp_path, keys):
    [server] = start_servers(tmp_path, keys, "sqlite://state/ota.db?mode=rwc", addresses=("127.0.0.3",),
                             ownership="corporate")
    try:
        report, err = device("enroll", keys, "--exchange", "ota", "--os", "17.5", "--product", "iPhone16,1",
                             "--attestation-key", "rsa", "--username", "alice", "--password", "alice-password",
                             "--save-profile", str(tmp_path / "ota.mobileconfig"), instances=["127.0.0.3"])
        assert report, err
        assert [s for s, _ in statuses(report)] == [
            "ota", "sign-in callback", "profile service", "device attributes", "scep challenge",
            "Authenticate", "TokenUpdate"]
        content = signed_content(tmp_path / "ota.mobileconfig")
        assert "EncryptedPayloadContent" in content and "PayloadContent" not in content
        row = enrollment_row(server, report["enrollment"])
        assert row["state"] == "enrolled" and row["device"] == {"kind": "udid", "id": report["udid"]}
    finally:
        server.stop()


# --- load and kill -9 ---------------------------------------------------------------------


def load_run(tmp_path: Path, keys: Path, servers: list[Server], label: str, artifacts: Path,
             kill_after: float | None = None) -> dict:
    reports = tmp_path / f"{label}.jsonl"
    addresses = [s.address for s in servers]
    args = ["load", "--count", str(LOAD_COUNT), "--concurrency", str(LOAD_COUNT), "--reports", str(reports)]
    from harness import device_args
    process = subprocess.Popen([str(BIN / "enrollkit-device"), args[0], *device_args(keys, addresses), *args[1:]],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    killed = None
    try:
        if kill_after is not None:
            victim = servers[-1]
            deadline = time.monotonic() + 300
            done = 0
            while done < LOAD_COUNT * kill_after:
                assert time.monotonic() < deadline and process.poll() is None, "the load stalled"
                done = victim.admin()["counts"]["devices"]
                time.sleep(0.3)
            victim.kill9()
            killed = done
            time.sleep(2)
            victim.start()
        out, err = process.communicate(timeout=1500)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 9)
    assert process.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    summary["label"] = label
    summary["killed_after_devices"] = killed
    (artifacts / f"load-{label}.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary))
    lines = [json.loads(line) for line in reports.read_text().splitlines()]
    return summary, lines


def assert_none_lost_or_duplicated(server: Server, summary: dict, lines: list[dict]) -> None:
    assert summary["completed"] == LOAD_COUNT and summary["failed"] == 0, summary["failures"]
    enrollments = [r["enrollment"] for r in lines]
    assert len(set(enrollments)) == LOAD_COUNT, "an enrollment served two devices"
    assert len({r["enrollment_id"] for r in lines}) == LOAD_COUNT
    counts = server.admin()["counts"]
    assert counts["devices"] == LOAD_COUNT and counts["distinct_devices"] == LOAD_COUNT, counts
    assert counts["states"].get("enrolled") == LOAD_COUNT, counts
    for r in lines:
        assert r["replays"]["token"]["code"] == "PROT013", r["replays"]
        assert 400 <= r["replays"]["challenge"]["status"] < 500, r["replays"]


def test_load_on_sqlite_with_a_kill_9_mid_run(tmp_path, keys, artifacts):
    [server] = start_servers(tmp_path, keys, "sqlite://state/load.db?mode=rwc", addresses=("127.0.0.4",))
    try:
        summary, lines = load_run(tmp_path, keys, [server], "sqlite", artifacts, kill_after=0.3)
        assert_none_lost_or_duplicated(server, summary, lines)
    finally:
        server.stop()


@pytest.mark.skipif(not PG_BASE, reason="PostgreSQL not started (ENROLLKIT_PG_DSN_BASE unset)")
def test_load_on_postgresql_with_two_instances_and_a_kill_9(tmp_path, keys, artifacts):
    database = f"{PG_BASE}/enrollkit_load"
    r = run(["psql", f"{PG_BASE}/postgres", "-c", "DROP DATABASE IF EXISTS enrollkit_load",
             "-c", "CREATE DATABASE enrollkit_load"])
    assert r.returncode == 0, r.stderr
    servers = start_servers(tmp_path, keys, database, addresses=("127.0.0.5", "127.0.0.6"))
    try:
        summary, lines = load_run(tmp_path, keys, servers, "postgresql-2", artifacts, kill_after=0.3)
        assert_none_lost_or_duplicated(servers[0], summary, lines)
        # Both instances served requests: each log shows check-ins handled.
        for s in servers:
            assert "listening" in s.log.read_text()
    finally:
        for s in servers:
            s.stop()


# --- NanoMDM takes the same stream ----------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("NANOMDM_BIN"), reason="NanoMDM not installed (NANOMDM_BIN unset)")
def test_nanomdm_and_the_server_accept_the_same_checkin_stream(tmp_path, keys):
    # Real enrollments stop before their first check-in; their signed Authenticate and
    # TokenUpdate go to the reference server and to NanoMDM v0.9.0 (verifying Mdm-Signature
    # against the same device CA). The benchmark (benches/checkin_compare.sh) times this.
    [server] = start_servers(tmp_path, keys, "sqlite://state/stream.db?mode=rwc", addresses=("127.0.0.2",))
    nanomdm = None
    try:
        stream = tmp_path / "stream.json"
        report, err = device("prepare-checkins", keys, "--count", "20", "--concurrency", "10",
                             "--out", str(stream), instances=["127.0.0.2"])
        assert report and report["devices"] == 20, err
        ours = json.loads(run([str(BIN / "enrollkit-device"), "bench-checkins", "--stream", str(stream),
                               "--origin", f"https://127.0.0.2:{PORT}", "--tls-ca", str(keys / "tls-ca.pem"),
                               "--label", "enrollkit"]).stdout)
        assert ours["checkins"] == 40 and ours["refused"] == 0, ours
        assert server.admin()["counts"]["states"].get("enrolled") == 20

        nanomdm = subprocess.Popen(
            [os.environ["NANOMDM_BIN"], "-listen", "127.0.0.1:19000", "-ca", str(keys / "device-ca.pem"),
             "-storage", "filekv", "-storage-dsn", str(tmp_path / "nanomdm"), "-api", "suite-api-key"],
            stdout=open(tmp_path / "nanomdm.log", "w"), stderr=subprocess.STDOUT, start_new_session=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("NANOMDM_")})
        wait_for(lambda: run(["curl", "-fsS", "http://127.0.0.1:19000/version"]).returncode == 0)
        theirs = json.loads(run([str(BIN / "enrollkit-device"), "bench-checkins", "--stream", str(stream),
                                 "--origin", "http://127.0.0.1:19000", "--path", "/mdm",
                                 "--label", "nanomdm"]).stdout)
        assert theirs["checkins"] == 40 and theirs["refused"] == 0, theirs
    finally:
        if nanomdm and nanomdm.poll() is None:
            os.killpg(nanomdm.pid, 15)
            nanomdm.wait(10)
        server.stop()


def wait_for(check, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
