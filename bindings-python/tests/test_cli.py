"""`python -m wsgate serve`: a module's functions by integration id or route key (`--handlers`), a directory's
`module.function` handler strings, and a CloudFormation/SAM template's own functions, served with websockets clients
talking to them."""
import signal
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, ask, run, websockets

API = """
name: cli
routeSelectionExpression: $request.body.action
integrations:
  greeter: {integrationType: AWS_PROXY, integrationUri: %s}
routes:
  greet: {target: integrations/greeter, routeResponseSelectionExpression: $default}
"""
HANDLER = """
import json
def %s(event, context):
    return {"statusCode": 200, "body": "hello " + json.loads(event["body"])["name"]}
"""


def serve_and_greet(cwd, *args):
    process = subprocess.Popen([sys.executable, "-m", "wsgate", "serve", *args, "--port", "0"], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("listening on ws://"), process.stderr.read()

        async def scenario():
            async with websockets.connect(line.split()[-1]) as ws:
                return await ask(ws, {"action": "greet", "name": "Ana"})

        return run(scenario())
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


@pytest.mark.parametrize("function", ["greeter", "greet"])
def test_a_module_binds_functions_named_after_integrations_or_routes(tmp_path, function):
    (tmp_path / "api.yaml").write_text(API % "greeter")
    (tmp_path / "app.py").write_text(textwrap.dedent(HANDLER % function))
    assert serve_and_greet(tmp_path, "api.yaml", "--handlers", "app") == "hello Ana"


def test_a_directory_binds_lambda_handler_strings(tmp_path):
    (tmp_path / "api.yaml").write_text(API % "greetings.handler")
    (tmp_path / "lambdas").mkdir()
    (tmp_path / "lambdas" / "greetings.py").write_text(textwrap.dedent(HANDLER % "handler"))
    assert serve_and_greet(tmp_path, "api.yaml", "--handlers", "lambdas") == "hello Ana"


def test_check_and_bad_definitions_exit_1_with_the_problems(tmp_path):
    (tmp_path / "api.yaml").write_text("name: x\nroutes: {}\n")
    checked = subprocess.run([sys.executable, "-m", "wsgate", "check", "api.yaml"], cwd=tmp_path,
                             capture_output=True, text=True)
    assert checked.returncode == 1
    assert "routeSelectionExpression" in checked.stderr and "[missing_field]" in checked.stderr
    served = subprocess.run([sys.executable, "-m", "wsgate", "serve", "api.yaml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=30)
    assert served.returncode == 1 and "[missing_field]" in served.stderr


TEMPLATE = (ROOT / "tests" / "fixtures" / "greeter-template.yaml").read_text()


def test_a_cloudformation_template_is_served_as_it_is_with_its_parameters(tmp_path):
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    assert serve_and_greet(tmp_path, "template.yaml") == "hello from greet"
    assert serve_and_greet(tmp_path, "template.yaml", "--parameter-overrides", "Greeting=hola") == "hola from greet"


def test_a_broken_template_exits_1_naming_the_resource_and_line(tmp_path):
    (tmp_path / "template.yaml").write_text(TEMPLATE.replace("!Ref Greeter]", "!Ref Greeting2]"))
    checked = subprocess.run([sys.executable, "-m", "wsgate", "check", "template.yaml"], cwd=tmp_path,
                             capture_output=True, text=True)
    assert checked.returncode == 1
    assert checked.stderr.startswith(
        "template.yaml:17: Resources.GreetRoute.Properties.Target.Fn::Join.1.1.Ref: `Greeting2` names no parameter, "
        "resource or pseudo parameter of the template (did you mean `Greeting`?) [dangling_reference]"), checked.stderr


INLINE = r"""
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      Routes:
        greet:
          FunctionArn: !GetAtt Greeter.Arn
          RouteResponseSelectionExpression: $default
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Timeout: 7
      MemorySize: 512
      Environment:
        Variables:
          GREETING: !Sub hello from ${AWS::Region}
      InlineCode: |
        import json, os
        def handler(event, context):
            return {"statusCode": 200, "body": json.dumps({
                "greeting": os.environ["GREETING"], "name": context.function_name,
                "memory": context.memory_limit_in_mb, "left": context.get_remaining_time_in_millis()})}
"""


def test_a_sam_functions_inline_code_runs_in_process_as_lambda_would_run_it(tmp_path):
    (tmp_path / "template.yaml").write_text(INLINE)
    process = subprocess.Popen([sys.executable, "-m", "wsgate", "serve", "template.yaml", "--port", "0"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("listening on ws://"), process.stderr.read()

        async def scenario():
            async with websockets.connect(line.split()[-1]) as ws:
                return await ask(ws, {"action": "greet"})

        answer = run(scenario())
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert answer["greeting"] == "hello from us-east-1"
    assert (answer["name"], answer["memory"]) == ("Greeter", 512)
    assert 6000 < answer["left"] <= 7000
    assert "function Greeter (python3.12, index.handler): in-process" in process.stderr.read()
