"""The hand-written stubs match the runtime module, and mypy accepts typed use of the API."""

import ast
import importlib.util
import inspect
import pathlib
import subprocess
import sys

import pytest

import enrollkit
import enrollkit._native as native

STUB = pathlib.Path(enrollkit.__file__).with_name("_native.pyi")


def stub_names():
    tree = ast.parse(STUB.read_text())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            members = {
                n.name for n in node.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
            }
            out[node.name] = members
        elif isinstance(node, ast.FunctionDef):
            out[node.name] = None
    return out


def test_stubs_match_runtime():
    stubs = stub_names()
    runtime = {n for n in dir(native) if not n.startswith("_")}
    assert set(stubs) == runtime, (set(stubs) ^ runtime)
    for name, members in stubs.items():
        obj = getattr(native, name)
        if members is None:
            assert callable(obj)
            continue
        public = {m for m in dir(obj) if not m.startswith("_")} - set(dir(Exception))
        assert members == public, (name, members ^ public)
    # py.typed ships next to the package, and every export has a docstring.
    assert STUB.with_name("py.typed").exists()
    for name in runtime:
        assert inspect.getdoc(getattr(native, name)), name
    assert set(enrollkit.__all__) - {"__version__"} == runtime


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy not installed")
def test_mypy_accepts_typed_use(tmp_path):
    good = tmp_path / "good.py"
    good.write_text(
        "import enrollkit\n"
        "p: enrollkit.Profile = enrollkit.Profile.read(b'')\n"
        "x: bytes = p.to_xml()\n"
        "v: enrollkit.Verification = enrollkit.verify(x, [], time=0)\n"
        "ok: bool = v.verified\n"
    )
    bad = tmp_path / "bad.py"
    bad.write_text("import enrollkit\nn: int = enrollkit.Profile.read(b'').to_xml()\n")
    run = lambda f: subprocess.run([sys.executable, "-m", "mypy", "--strict", str(f)],
                                   capture_output=True, text=True)
    ok = run(good)
    assert ok.returncode == 0, ok.stdout
    ko = run(bad)
    assert ko.returncode != 0 and "Incompatible types" in ko.stdout
