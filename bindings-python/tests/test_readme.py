"""The README's examples, run: its Python example serves and answers a client, and its `wsgate` console examples
print the same through `python -m wsgate` as through the binary."""

import json
import os
import re
import signal
import subprocess
import sys

from conftest import ROOT, run, websockets

README = (ROOT / "README.md").read_text()


def test_the_python_example_serves_the_chat_room(tmp_path):
    example = re.search(r"## Python\n.*?```python\n(.*?)```", README, re.S).group(1)
    assert "gw.serve(port=8080)" in example
    script = tmp_path / "example.py"
    script.write_text(example.replace("gw.serve(port=8080)", "gw.serve(port=0)"))
    process = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("listening on ws://127.0.0.1:"), line

        async def scenario():
            async with websockets.connect(line.split()[-1]) as ws:
                await ws.send(json.dumps({"action": "joinroom", "room": "lobby"}))
                assert await ws.recv() == "welcome to lobby"
                await ws.send(json.dumps({"action": "sendmessage", "message": "hi"}))
                assert await ws.recv() == "you said hi"

        run(scenario())
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    printed = [line.split() for line in process.stdout.read().splitlines()]
    assert [words[0] for words in printed] == ["CONNECT", "DISCONNECT"]
    assert all(len(words[1]) == 36 for words in printed)  # the Lambda context's aws_request_id


def test_the_console_examples_print_the_same_through_python_m_wsgate(tmp_path):
    shim = tmp_path / "wsgate"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m wsgate "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    examples = 0
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        for example in filter(None, block.split("$ ")):
            command, expected = example.split("\n", 1)
            output = subprocess.run(f"{command} 2>&1", shell=True, cwd=ROOT, env=env, capture_output=True, text=True)
            assert output.stdout.rstrip() == expected.rstrip(), command
            examples += 1
    assert examples >= 5
