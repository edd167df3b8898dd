"""The artifacts of ``scripts/dist.sh``, installed as users install them: into a fresh virtualenv and a fresh
``npm init -y`` folder outside the clone, with a PATH that has no cargo and no rustc. Each package's ``wsgate``
command serves a Lambda handler of its language to a real client, and prints what the binary prints. Then the
folders of a clean copy of the repository are installed as linked folders, building from source.

Run by scripts/test.sh after scripts/dist.sh, with WSGATE_DIST pointing at dist/."""

import asyncio
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest
import websockets

REPO = pathlib.Path(__file__).resolve().parents[2]
DIST = pathlib.Path(os.environ.get("WSGATE_DIST", REPO / "dist"))
VERSION = re.search(r'^version = "(.+)"$', (REPO / "Cargo.toml").read_text(), re.M).group(1)

API = """\
name: greeter
routeSelectionExpression: $request.body.action
integrations:
  greeter: {integrationType: AWS_PROXY, integrationUri: app.handler}
  echo:
    integrationType: MOCK
    requestTemplates: {$default: '{"statusCode": 200}'}
    integrationResponses: {$default: {responseTemplates: {$default: 'echo $input.body'}}}
routes:
  greet: {target: integrations/greeter, routeResponseSelectionExpression: $default}
  echo: {target: integrations/echo, routeResponseSelectionExpression: $default}
"""
PYTHON_HANDLER = """\
import json


def handler(event, context):
    name = json.loads(event["body"])["name"]
    return {"statusCode": 200, "body": f"hello {name} from {context.function_name}"}
"""
NODE_HANDLER = """\
export const handler = async (event, context) => {
  const { name } = JSON.parse(event.body)
  return { statusCode: 200, body: `hello ${name} from ${context.functionName}` }
}
"""
NODE_CLIENT = """\
import WebSocket from 'ws'
const ws = new WebSocket(process.argv[2])
ws.on('open', () => ws.send(JSON.stringify({ action: 'greet', name: 'Ana' })))
ws.on('message', (data) => { console.log(String(data)); ws.close() })
ws.on('error', (error) => { console.error(error); process.exit(1) })
"""


def no_rust_path():
    """PATH without any directory that holds cargo or rustc."""
    dirs = [d for d in os.environ["PATH"].split(os.pathsep)
            if d and not any(os.path.exists(os.path.join(d, tool)) for tool in ("cargo", "rustc"))]
    path = os.pathsep.join(dirs)
    assert shutil.which("cargo", path=path) is None and shutil.which("rustc", path=path) is None
    return path


ENV = {**os.environ, "PATH": no_rust_path()}
for variable in ("CARGO_HOME", "RUSTUP_HOME", "VIRTUAL_ENV"):
    ENV.pop(variable, None)


def sh(*args, cwd=None, env=ENV, check=True, timeout=600):
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def only(pattern):
    found = sorted(DIST.glob(pattern))
    assert len(found) == 1, f"{pattern} in {DIST}: {found}"
    return found[0]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A user's project: the definition, a broken copy, and the handlers in lambdas/."""
    root = tmp_path_factory.mktemp("project")
    (root / "api.yaml").write_text(API)
    (root / "broken.yaml").write_text(API.replace("integrations/echo", "integrations/nope"))
    (root / "lambdas").mkdir()
    (root / "lambdas" / "app.py").write_text(PYTHON_HANDLER)
    (root / "lambdas" / "app.mjs").write_text(NODE_HANDLER)
    return root


@pytest.fixture(scope="module")
def python_env(tmp_path_factory):
    """A fresh virtualenv with the wheel (and websockets) installed, without Rust; its bin/ directory."""
    venv = tmp_path_factory.mktemp("venv")
    sh(sys.executable, "-m", "venv", venv)
    started = time.monotonic()
    sh(venv / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", only("wsgate-*-abi3-*.whl"))
    print(f"\npip install of the wheel: {time.monotonic() - started:.1f} s", file=sys.stderr)
    return venv / "bin"


@pytest.fixture(scope="module")
def node_project(tmp_path_factory):
    """A fresh `npm init -y` folder with the Node tarball and ws installed, without Rust."""
    root = tmp_path_factory.mktemp("npm-project")
    sh("npm", "init", "-y", cwd=root)
    sh("npm", "install", "--silent", "--no-audit", "--no-fund", "ws@8.23.0", cwd=root)
    started = time.monotonic()
    sh("npm", "install", "--no-audit", "--no-fund", only(f"wsgate-{VERSION}.tgz"), cwd=root)
    print(f"\nnpm install of the tarball: {time.monotonic() - started:.1f} s", file=sys.stderr)
    (root / "client.mjs").write_text(NODE_CLIENT)
    return root


def commands(python_env, node_project):
    return {
        "binary": [DIST / "wsgate"],
        "python": [python_env / "wsgate"],
        "node": ["npx", "--no-install", "wsgate"],
    }


def serve(command, project, cwd):
    """Starts `wsgate serve api.yaml --handlers lambdas --port 0`; returns the process and its URL."""
    process = subprocess.Popen([*map(str, command), "serve", project / "api.yaml", "--handlers", project / "lambdas",
                                "--port", "0"], cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    line = process.stdout.readline()
    if not line.startswith("listening on ws://"):
        process.kill()
        raise AssertionError(f"{command} did not serve: {line}{process.stderr.read()}")
    return process, line.split()[-1]


def stop(process):
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr


def test_the_wheel_is_abi3_for_the_oldest_manylinux_its_library_needs_and_links_no_libpython(tmp_path):
    wheel = only("wsgate-*.whl")
    match = re.fullmatch(rf"wsgate-{VERSION}-cp39-abi3-manylinux_(\d+)_(\d+)_x86_64\.whl", wheel.name)
    assert match, wheel.name
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        library = next(n for n in names if re.fullmatch(r"wsgate/_wsgate\.abi3\.so", n))
        tags = archive.read(next(n for n in names if n.endswith(".dist-info/WHEEL"))).decode()
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
        extracted = pathlib.Path(archive.extract(library, tmp_path))
    assert f"Tag: cp39-abi3-manylinux_{match[1]}_{match[2]}_x86_64" in tags
    assert re.search(r"^wsgate\s*=\s*wsgate\.__main__:main$", entry_points, re.M), entry_points
    needed = sh("readelf", "-d", extracted).stdout
    assert "libpython" not in needed, needed
    # The newest glibc symbol version it uses is the one the tag claims: not older (it would not load), not newer
    # (it would refuse machines it runs on).
    versions = {tuple(map(int, v)) for v in re.findall(r"GLIBC_(\d+)\.(\d+)", sh("readelf", "-V", extracted).stdout)}
    assert max(versions) == (int(match[1]), int(match[2])), sorted(versions)


def test_the_sdist_carries_the_core_it_builds_from():
    sdist = only(f"wsgate-{VERSION}.tar.gz")
    listing = sh("tar", "-tzf", sdist).stdout
    for needed in ("pyproject.toml", "core/src/lib.rs", "bindings-python/src/lib.rs", "Cargo.lock"):
        assert re.search(rf"^wsgate-{VERSION}/(.*/)?{re.escape(needed)}$", listing, re.M), needed


def test_the_node_tarball_carries_a_prebuilt_addon_for_this_platform_and_no_install_time_tools(tmp_path):
    sh("tar", "-xzf", only(f"wsgate-{VERSION}.tgz"), "-C", tmp_path)
    package = json.loads((tmp_path / "package" / "package.json").read_text())
    assert "dependencies" not in package and package["bin"] == {"wsgate": "cli.js"}
    assert package["scripts"]["install"] == "node install.js"
    addon = tmp_path / "package" / "wsgate.linux-x64-gnu.node"
    header = addon.read_bytes()[:20]
    assert header[:4] == b"\x7fELF" and header[4] == 2 and int.from_bytes(header[18:20], "little") == 62  # x86-64
    assert (tmp_path / "package" / "crate" / "bindings-node" / "Cargo.toml").exists()


def test_python_package_serves_a_lambda_handler_to_a_websockets_client_without_rust(python_env, project):
    process, url = serve([python_env / "wsgate"], project, cwd=project)
    try:
        async def greet():
            async with websockets.connect(url) as ws:
                await ws.send(json.dumps({"action": "greet", "name": "Ana"}))
                return await asyncio.wait_for(ws.recv(), 10)

        assert asyncio.run(greet()) == "hello Ana from greeter"
    finally:
        stop(process)


def test_node_package_serves_a_lambda_handler_to_a_ws_client_without_rust(node_project, project):
    # What `npx wsgate` runs, so that its own exit status is checked (npx dies of the SIGTERM itself).
    process, url = serve([node_project / "node_modules" / ".bin" / "wsgate"], project, cwd=node_project)
    try:
        reply = sh("node", "client.mjs", url, cwd=node_project, timeout=30).stdout.strip()
        assert reply == "hello Ana from greeter"
    finally:
        stop(process)


def test_every_wsgate_command_prints_the_same_and_exits_the_same(python_env, node_project, project):
    cases = {
        "broken": ["check", project / "broken.yaml"],
        "ok": ["check", project / "api.yaml"],
        "route": ["route", project / "api.yaml", "--message", '{"action":"echo","x":1}'],
        "handshake": ["route", project / "api.yaml"],
        "usage": ["route", project / "api.yaml", "--authorizer-error", "Unauthorized", "--authorizer-timeout"],
        "missing": ["check", project / "missing.yaml"],
    }
    runs = {name: {case: sh(*command, *args, cwd=node_project, check=False)
                   for case, args in cases.items()}
            for name, command in commands(python_env, node_project).items()}
    binary = runs.pop("binary")
    assert binary["broken"].returncode == 1 and "routes.echo.target" in binary["broken"].stderr
    assert (binary["ok"].returncode, binary["ok"].stdout) == (0, "ok\n")
    assert json.loads(binary["route"].stdout)["send"] == ['echo {"action":"echo","x":1}']
    assert json.loads(binary["handshake"].stdout)["handshake"]["status"] == 101
    assert binary["usage"].returncode == 2 and "--authorizer-timeout" in binary["usage"].stderr
    assert binary["missing"].returncode == 1 and "missing.yaml" in binary["missing"].stderr
    for name, outputs in runs.items():
        for case, done in outputs.items():
            expected = binary[case]
            assert (done.returncode, done.stdout, done.stderr) == (expected.returncode, expected.stdout,
                                                                  expected.stderr), f"{name} {case}"


def test_route_prints_the_trace_with_a_lambda_result(python_env, node_project, project):
    for command in commands(python_env, node_project).values():
        done = sh(*command, "route", project / "api.yaml", "--message", '{"action":"greet","name":"Ana"}',
                  "--result", '{"statusCode": 200, "body": "hi"}', cwd=node_project)
        trace = json.loads(done.stdout)
        assert (trace["routeKey"], trace["integration"]["type"], trace["send"]) == ("greet", "AWS_PROXY", ["hi"])


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory):
    """The repository as a clean clone has it (committed files only), outside the clone."""
    root = tmp_path_factory.mktemp("clone")
    archive = subprocess.run(["git", "-C", REPO, "archive", "HEAD"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", root], input=archive, check=True)
    return root


def source_build_env():
    # Cargo's target directory of the clone, so that the registry crates scripts/dist.sh compiled are reused: the
    # workspace's own crates build anew, from the copy (the build's speed is not what this tests).
    return {**os.environ, "CARGO_TARGET_DIR": str(REPO / "target")}


def test_npm_install_of_a_linked_folder_builds_the_addon_from_source(clean_copy, tmp_path):
    sh("npm", "init", "-y", cwd=tmp_path)
    started = time.monotonic()
    sh("npm", "install", "--no-audit", "--no-fund", clean_copy / "bindings-node", cwd=tmp_path,
       env=source_build_env(), timeout=1800)
    print(f"\nnpm install of bindings-node from source: {time.monotonic() - started:.1f} s", file=sys.stderr)
    assert (tmp_path / "node_modules" / "wsgate").is_symlink()
    checked = sh("npx", "--no-install", "wsgate", "check", REPO / "examples" / "chat" / "api.yaml", cwd=tmp_path)
    assert checked.stdout == "ok\n"
    loaded = sh("node", "-e", "const {simulate} = require('wsgate'); console.log(typeof simulate)", cwd=tmp_path)
    assert loaded.stdout == "function\n"


@pytest.mark.parametrize("source", ["folder", "sdist"])
def test_pip_install_of_a_folder_or_the_sdist_builds_from_source(clean_copy, tmp_path, source):
    sh(sys.executable, "-m", "venv", tmp_path / "venv")
    started = time.monotonic()
    target = clean_copy / "bindings-python" if source == "folder" else only(f"wsgate-{VERSION}.tar.gz")
    sh(tmp_path / "venv" / "bin" / "pip", "install", "--quiet", "--no-cache-dir", "--disable-pip-version-check", target,
       env=source_build_env(), timeout=1800)
    print(f"\npip install of the {source} from source: {time.monotonic() - started:.1f} s", file=sys.stderr)
    checked = sh(tmp_path / "venv" / "bin" / "wsgate", "check", REPO / "examples" / "chat" / "api.yaml")
    assert checked.stdout == "ok\n"


def tarball_without_addon(tmp_path):
    """The Node tarball as it reaches a platform it has no prebuilt addon for (the same package without the addon),
    and a fresh `npm init -y` folder to install it in."""
    sh("tar", "-xzf", only(f"wsgate-{VERSION}.tgz"), "-C", tmp_path)
    for addon in (tmp_path / "package").glob("wsgate.*.node"):
        addon.unlink()
    packed = sh("npm", "pack", "--silent", "--pack-destination", tmp_path, cwd=tmp_path / "package").stdout.strip()
    user = tmp_path / "user"
    user.mkdir()
    sh("npm", "init", "-y", cwd=user)
    return tmp_path / packed, user


def test_the_node_tarball_builds_its_addon_from_its_sources_when_no_prebuilt_matches(tmp_path):
    tarball, user = tarball_without_addon(tmp_path)
    sh("npm", "install", "--no-audit", "--no-fund", tarball, cwd=user, env=source_build_env(),
       timeout=1800)
    assert (user / "node_modules" / "wsgate" / "wsgate.linux-x64-gnu.node").exists()
    checked = sh("npx", "--no-install", "wsgate", "check", REPO / "examples" / "chat" / "api.yaml", cwd=user)
    assert checked.stdout == "ok\n"


def test_the_node_tarball_without_a_matching_addon_or_cargo_says_what_to_install(tmp_path):
    tarball, user = tarball_without_addon(tmp_path)
    failed = sh("npm", "install", "--no-audit", "--no-fund", tarball, cwd=user, check=False)
    assert failed.returncode != 0
    assert "no prebuilt addon for linux-x64 and cargo is not on PATH" in failed.stdout + failed.stderr


def test_help_names_the_command_wsgate_in_every_package(python_env, node_project):
    for command in commands(python_env, node_project).values():
        done = sh(*command, "--help", cwd=node_project)
        assert done.stdout.startswith("Amazon API Gateway WebSocket APIs, self-hosted\n\nUsage: wsgate <COMMAND>")
    assert sh(python_env / "python", "-m", "wsgate", "--version").stdout == f"wsgate {VERSION}\n"


def test_definitions_are_read_relative_to_where_the_command_runs(python_env, project):
    # Python's console script and `python -m wsgate` are the same command.
    for command in ([python_env / "wsgate"], [python_env / "python", "-m", "wsgate"]):
        assert sh(*command, "check", "api.yaml", cwd=project).stdout == "ok\n"
