"""Walk through web-based Apple enrollment with just-in-time registration.

    python examples/python/web_enrollment_walkthrough.py

A stateless portal server would do exactly this per HTTP request: load the flow state (JSON)
from its store, hand the request's event to enrollkit with the current time, carry out the
returned actions (create the user, serve the profile, ...), and store the new state.
"""

import json
import sys

import enrollkit

SETTINGS = {
    "require_idp_auth": True,
    "require_mfa": True,
    "jit_registration": True,
    "default_ownership": "personal",
    "enrollment_type": "profile_driven",
    "profile": {"identifier": "com.example.enroll", "name": "byod"},
}

store = {}  # stands in for Redis, a database row, a signed cookie ...


def request(session: str, event: dict) -> enrollkit.FlowStep:
    state = store.get(session) or enrollkit.web_flow_new()
    step = enrollkit.web_flow_handle(state, SETTINGS, event)
    store[session] = step.state_json
    print(f"{event['at']}  {event['type']:<20} -> {step.state}")
    for action in step.actions:
        print(f"{'':22}action: {json.dumps(action)}")
    for d in step.diagnostics:
        print(f"{'':22}{d.severity} {d.code}: {d.message}\n{'':22}fix: {d.remediation}")
    return step


def main() -> int:
    s = "session-1"
    request(s, {"at": "2024-05-02T09:00:00Z", "type": "portal_opened", "platform": "ios", "os_version": "17.4"})
    request(s, {"at": "2024-05-02T09:01:00Z", "type": "idp_assertion", "mfa_completed": True,
                "identity": {"issuer": "https://login.example.com", "subject": "00u8f3kq2",
                             "email": "dana.lee@example.com"}})
    request(s, {"at": "2024-05-02T09:02:00Z", "type": "profile_downloaded"})
    status = enrollkit.web_flow_status(store[s], "2024-05-02T09:06:30Z")
    print(f"status at 09:06:30: {status['next_step']}")
    late = request(s, {"at": "2024-05-02T09:11:00Z", "type": "profile_installed"})
    # Downloaded at 09:02, installed at 09:11: past the 8-minute window, so iOS deleted it.
    return 0 if late.state == "failed" and late.diagnostics[0].code == "FLOW107" else 1


if __name__ == "__main__":
    sys.exit(main())
