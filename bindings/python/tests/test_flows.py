"""Flows (web enrollment, login window), account names and PINs."""

import json

import pytest

import enrollkit

SETTINGS = {
    "require_idp_auth": True,
    "require_mfa": False,
    "jit_registration": True,
    "default_ownership": "personal",
    "enrollment_type": "profile_driven",
    "profile": {"identifier": "com.example.enroll", "name": "byod"},
}
IDENTITY = {"issuer": "https://login.example.com", "subject": "00u8f3kq2", "email": "dana.lee@example.com"}


def at(minute: int) -> str:
    return f"2024-05-02T09:{minute:02d}:00Z"


def drive_to_download():
    state = enrollkit.web_flow_new()
    assert enrollkit.web_flow_state(state) == "awaiting_portal"
    step = enrollkit.web_flow_handle(
        state, SETTINGS, {"at": at(0), "type": "portal_opened", "platform": "ios", "os_version": "17.4"}
    )
    step = enrollkit.web_flow_handle(
        step.state_json, SETTINGS,
        {"at": at(1), "type": "idp_assertion", "identity": IDENTITY, "mfa_completed": True},
    )
    assert step.actions[0]["action"] == "create_user"
    assert step.actions[0]["key"] == {"issuer": IDENTITY["issuer"], "subject": IDENTITY["subject"]}
    return enrollkit.web_flow_handle(step.state_json, SETTINGS, {"at": at(2), "type": "profile_downloaded"})


def test_web_flow_install_window_and_state_round_trip():
    step = drive_to_download()
    assert step.state == "profile_pending"
    assert step.actions[0]["install_by"] == "2024-05-02T09:10:00Z"
    status = enrollkit.web_flow_status(step.state_json, at(5))
    assert status["install_window"]["seconds_left"] == 300
    # Serialize and restore: the state is plain JSON a server can store anywhere.
    stored = json.loads(step.state_json)
    restored = json.dumps(stored)
    installed = enrollkit.web_flow_handle(restored, SETTINGS, {"at": at(9), "type": "profile_installed"})
    assert installed.state != "failed" and not installed.diagnostics
    assert (installed.outcome, installed.outcome_code) == ("accepted", None)


def test_web_flow_expired_install_window():
    step = drive_to_download()
    late = enrollkit.web_flow_handle(step.state_json, SETTINGS, {"at": at(11), "type": "profile_installed"})
    assert late.state == "failed"
    assert (late.outcome, late.outcome_code) == ("failed", "FLOW107")
    d = late.diagnostics[0]
    assert d.code == "FLOW107" and d.is_error
    assert "download a fresh profile" in d.remediation


def test_web_flow_refuses_out_of_order_and_bad_input():
    state = enrollkit.web_flow_new()
    step = enrollkit.web_flow_handle(state, SETTINGS, {"at": at(0), "type": "profile_installed"})
    assert step.diagnostics[0].code == "FLOW002"
    assert step.state == "awaiting_portal"
    assert (step.outcome, step.outcome_code) == ("rejected", "FLOW002")
    # A rejected event leaves the stored state exactly as it was.
    assert json.loads(step.state_json) == json.loads(state)
    with pytest.raises(enrollkit.InvalidArgumentError):
        enrollkit.web_flow_handle(state, SETTINGS, "{not json")
    with pytest.raises(enrollkit.FlowError) as info:
        enrollkit.web_flow_status(state, "yesterday")
    assert info.value.code == "FLOW004"


def test_login_window_flow():
    policy = {"org_name": "Example", "macos": {"enabled": True}}
    device = {"os": "macos", "accounts": [{"name": "admin", "managed": False}]}
    state = enrollkit.login_flow_new(device)
    assert enrollkit.login_flow_state(state) == "idle"
    view = enrollkit.login_flow_view(state, policy)
    assert view["sign_in_option"] == "Sign in with Example"
    step = enrollkit.login_flow_handle(state, policy, {"at": at(0), "type": "sign_in_selected"})
    assert step.state == "authenticating"
    # An existing local account with the derived name is never taken over.
    taken = {"os": "macos", "accounts": [{"name": "dana.lee", "managed": False}]}
    step = enrollkit.login_flow_handle(
        enrollkit.login_flow_new(taken), policy, {"at": at(0), "type": "sign_in_selected"}
    )
    step = enrollkit.login_flow_handle(
        step.state_json, policy,
        {"at": at(1), "type": "idp_authenticated", "identity": IDENTITY, "mfa_completed": True},
    )
    assert step.state == "failed"
    assert step.diagnostics[0].code == "FLOW204"


def test_derive_account_name():
    account = enrollkit.derive_account_name("macos", IDENTITY, ["admin"])
    assert (account.name, account.source_claim, account.suffixed) == ("dana.lee", "email", False)
    win = enrollkit.derive_account_name(
        "windows", {**IDENTITY, "claims": {"preferred_username": "a-very-long-user-name-indeed"}}
    )
    assert len(win.name) <= 20
    with pytest.raises(enrollkit.FlowError) as info:
        enrollkit.derive_account_name("macos", IDENTITY, ["Dana.Lee"])
    assert info.value.code == "FLOW204"
    suffixed = enrollkit.derive_account_name("macos", IDENTITY, ["dana.lee"], numeric_suffix=True)
    assert suffixed.name == "dana.lee2" and suffixed.suffixed
    with pytest.raises(enrollkit.FlowError) as info:
        enrollkit.validate_account_name("windows", "bad/name")
    assert info.value.code == "FLOW211"
    enrollkit.validate_account_name("macos", "dana.lee")


def test_validate_pin():
    assert enrollkit.validate_pin("402913") is None
    assert enrollkit.validate_pin("123456").code == "FLOW209"
    assert enrollkit.validate_pin("975319").code == "FLOW209"
    assert enrollkit.validate_pin("1234").code == "FLOW207"
    problem = enrollkit.validate_pin("12a4x6")
    assert problem.code == "FLOW208" and "12a4x6" not in problem.message
    assert enrollkit.validate_pin("4029", min_length=4) is None
