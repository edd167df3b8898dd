"""Definitions as paths, text and dicts; every problem of a broken one, each with its path and code."""

import pytest

import wsgate
from conftest import ROOT


def test_a_path_yaml_text_and_a_dict_load_the_same_api():
    text = (ROOT / "examples" / "echo" / "api.yaml").read_text()
    as_dict = {"name": "echo", "routeSelectionExpression": "$request.body.action",
               "integrations": {"mock": {"integrationType": "MOCK"}},
               "routes": {"$default": {"target": "integrations/mock"}}}
    for definition in (str(ROOT / "examples" / "echo" / "api.yaml"), ROOT / "examples" / "echo" / "api.yaml", text):
        assert wsgate.Api(definition).name == "echo"
    assert wsgate.Api(as_dict).routes == ["$default"]


def test_a_broken_definition_lists_every_problem():
    with pytest.raises(wsgate.ConfigError) as failed:
        wsgate.Gateway(str(ROOT / "tests" / "fixtures" / "broken.yaml"))
    assert isinstance(failed.value, ValueError)
    problems = [(p.path, p.code, p.line) for p in failed.value.problems]
    assert problems == [
        ("integrations.chat.timeoutInMillis", "out_of_range", 6),
        ("routes.sendmessage.routeResponseSelectionExpresion", "unknown_field", 8),
        ("routes.sendmessage.target", "dangling_target", 8),
    ]
    assert "did you mean `routeResponseSelectionExpression`" in failed.value.problems[1].message


def test_check_lists_the_problems_without_raising_and_none_for_a_good_definition():
    problems = wsgate.check(str(ROOT / "tests" / "fixtures" / "broken.yaml"))
    assert [(p.path, p.code) for p in problems][-1] == ("routes.sendmessage.target", "dangling_target")
    assert all(isinstance(p, wsgate.Problem) for p in problems)
    assert wsgate.check(ROOT / "examples" / "chat" / "api.yaml") == []
    with pytest.raises(TypeError):
        wsgate.check(42)


def test_a_missing_file_and_a_wrong_type_are_clear_errors():
    with pytest.raises(wsgate.ConfigError) as missing:
        wsgate.Api("no/such/api.yaml")
    assert missing.value.problems[0].code == "io"
    assert missing.value.problems[0].file == "no/such/api.yaml"
    with pytest.raises(TypeError, match="a definition is a path"):
        wsgate.Api(42)
    with pytest.raises(wsgate.ConfigError) as invalid:
        wsgate.Api({"routes": {}})
    assert {p.code for p in invalid.value.problems} >= {"missing_field"}


def test_simulate_gives_the_trace_of_wsgate_route():
    trace = wsgate.simulate(ROOT / "examples" / "chat" / "api.yaml", '{"action":"joinroom","room":"lobby"}',
                            {"statusCode": 200, "body": "joined lobby"})
    assert list(trace) == ["routeKey", "selection", "validation", "integration", "integrationResponse", "send", "close"]
    assert trace["integration"]["request"]["requestContext"]["routeKey"] == "joinroom"
    assert trace["send"] == ["joined lobby"]
    assert wsgate.simulate(ROOT / "examples" / "chat" / "api.yaml", "x" * 40_000)["close"] == \
        {"code": 1009, "reason": "Message Too Big"}
    failed = wsgate.simulate(ROOT / "examples" / "chat" / "api.yaml", '{"action":"joinroom","room":"a"}',
                             function_error="boom")
    assert '"Internal server error"' in failed["send"][0]


def test_a_simulated_connection_raises_session_errors_with_the_core_code():
    chat = ROOT / "examples" / "chat" / "api.yaml"
    session = wsgate.Session(chat)
    with pytest.raises(wsgate.SessionError, match="not connected") as not_connected:
        session.step({"disconnect": None})
    with pytest.raises(wsgate.SessionError, match="fragmnets") as not_a_step:
        session.step({"message": "hi", "fragmnets": 2})  # type: ignore[typeddict-unknown-key]
    with pytest.raises(wsgate.SessionError, match="sead") as bad_options:
        wsgate.Session(chat, {"sead": 1})  # type: ignore[typeddict-unknown-key]
    assert [e.value.code for e in (not_connected, not_a_step, bad_options)] == \
        ["not_connected", "not_a_step", "invalid_options"]
    assert isinstance(not_connected.value, wsgate.GatewayError)


def test_a_sam_template_is_a_definition_deployed_with_its_template_options():
    template = ROOT / "examples" / "chat" / "template.yaml"
    assert wsgate.Api(template).routes == wsgate.Api(ROOT / "examples" / "chat" / "api.yaml").routes
    prod = wsgate.Gateway(str(template), {"parameterOverrides": {"StageName": "prod"}, "region": "eu-west-1"})
    assert prod.api.stage == "prod"
    with pytest.raises(wsgate.ConfigError) as unknown:
        wsgate.Api(template, {"parameterOverrides": {"Stage": "prod"}})
    assert [(p.path, p.code) for p in unknown.value.problems] == [("Parameters", "invalid_value")]
    with pytest.raises(TypeError, match="stackname"):
        wsgate.Api(template, {"stackname": "x"})  # type: ignore[typeddict-unknown-key]


def test_check_simulate_and_sessions_deploy_a_template_with_its_options():
    template = ROOT / "examples" / "chat" / "template.yaml"
    prod: wsgate.TemplateOptions = {"parameterOverrides": {"StageName": "prod"}, "region": "eu-west-1"}
    message = '{"action": "sendmessage", "message": "hi"}'
    event = wsgate.simulate(template, message, {"statusCode": 200}, template=prod)["integration"]["request"]
    assert event["requestContext"]["stage"] == "prod"
    assert wsgate.simulate(template, message)["integration"]["request"]["requestContext"]["stage"] == "dev"
    session = wsgate.Session(template, template=prod)
    session.step({"connect": True})
    assert session.step({"message": message})["integration"]["request"]["requestContext"]["stage"] == "prod"
    assert wsgate.check(template, prod) == []
    problems = wsgate.check(template, {"parameterOverrides": {"Stage": "prod"}})
    assert [(p.path, p.code) for p in problems] == [("Parameters", "invalid_value")]
