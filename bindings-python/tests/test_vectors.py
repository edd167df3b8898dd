"""The shared conformance vectors (tests/vectors, described in its README) through the Python package."""

import json
import pathlib

import pytest

import wsgate
from conftest import ROOT

VECTORS = ROOT / "tests" / "vectors"
# (file stem, case description) -> why it is expected to fail here. Empty: every case passes.
EXPECTED_FAILURES: dict = {}


def cases():
    for path in sorted(VECTORS.glob("*/*.json")):
        document = json.loads(path.read_text())
        for case in document["cases"]:
            reason = EXPECTED_FAILURES.get((path.stem, case["description"]))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            yield pytest.param(document, case, marks=marks, id=f"{path.parent.name}/{path.stem}: {case['description']}")


def mismatch(expected, actual, path="trace"):
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key}: missing, expected {value!r}"
            found = mismatch(value, actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for i, (e, a) in enumerate(zip(expected, actual)):
            found = mismatch(e, a, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if expected == actual else f"{path}: expected {expected!r}, got {actual!r}"


def lookup(value, dotted):
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


@pytest.mark.parametrize("document, case", list(cases()))
def test_vector(document, case):
    definition = case.get("api", document.get("api"))
    if "problems" in case:
        with pytest.raises(wsgate.ConfigError) as failed:
            wsgate.Api(definition)
        found = {(p.path, p.code) for p in failed.value.problems}
        for want in case["problems"]:
            assert (want["path"], want["code"]) in found, failed.value.problems
        return
    session = wsgate.Session(definition, case.get("session", document.get("session")))
    for i, step in enumerate(case["steps"]):
        trace = session.step(step)
        problem = mismatch(step["expect"], trace)
        assert problem is None, f"step {i}: {problem}\n  whole trace: {json.dumps(trace)}"
        for path in step.get("absent", []):
            assert lookup(trace, path) is None, f"step {i}: {path} should be absent"


def test_the_vectors_are_all_here():
    assert len(list(cases())) > 80
