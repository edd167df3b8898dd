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


def test_traces_steps_and_options_are_typed_dicts(tmp_path):
    """The trace, step and session options are the core's types (wsgate/contract.py, generated from Rust): right
    use checks, and each misspelled key is its own error."""
    use = tmp_path / "use.py"
    use.write_text(
        "from typing import List, Optional\n"
        "import wsgate\n"
        "trace = wsgate.simulate('api.yaml', '{}')\n"
        "key: Optional[str] = trace['routeKey']\n"
        "session = wsgate.Session('api.yaml', {'connectionId': 'Conn0000000000A=', 'seed': 7})\n"
        "steps: List[wsgate.Step] = [{'connect': True}, {'message': 'hi', 'fragments': 2}, {'disconnect': None}]\n"
        "traces: List[wsgate.Trace] = [session.step(step) for step in steps]\n"
        "try:\n"
        "    session.step({'close': 'idle_timeout'})\n"
        "except wsgate.SessionError as error:\n"
        "    print(error.code == 'not_open')\n"
        "trace['routKey']\n"
        "session.step({'mesage': 'hi'})\n"
        "wsgate.Session('api.yaml', {'sead': 7})\n"
    )
    checked = mypy("mypy", "--strict", str(use))
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["12", "13", "14"], checked.stdout
    assert 'TypedDict "Trace" has no key "routKey"' in errors[0]
    assert 'to "step" of "Session" has incompatible type' in errors[1]
    assert 'expected "SessionOptions | None"' in errors[2]
