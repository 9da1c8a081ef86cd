"""The Python examples run and succeed (so they stay working)."""

import subprocess
import sys

import pytest

EXAMPLES = ["generate_sign_lint.py", "web_enrollment_walkthrough.py"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs(root, tmp_path, name):
    args = [sys.executable, str(root / "examples" / "python" / name)]
    if name == "generate_sign_lint.py":
        args.append(str(tmp_path / "enroll.mobileconfig"))
    run = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    if name == "generate_sign_lint.py":
        assert "signature: Verified" in run.stdout
        assert (tmp_path / "enroll.mobileconfig").read_bytes()[:1] == b"\x30"
    else:
        assert "FLOW107" in run.stdout
