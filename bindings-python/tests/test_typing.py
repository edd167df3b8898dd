"""The hand-written stubs match the package (mypy.stubtest), and typed user code checks under mypy --strict."""

import subprocess
import sys

from conftest import ROOT


def mypy(*args):
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_stubs_match_the_runtime():
    checked = mypy("mypy.stubtest", "wsgate")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_example_type_checks_strictly():
    checked = mypy("mypy", "--strict", "examples/python-chat/app.py")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_misuse_is_a_type_error(tmp_path):
    wrong = tmp_path / "wrong.py"
    wrong.write_text("import wsgate\nwsgate.Gateway('api.yaml').connections.post('id', 42)\n")
    checked = mypy("mypy", "--strict", str(wrong))
    assert checked.returncode == 1 and 'incompatible type "int"' in checked.stdout, checked.stdout
