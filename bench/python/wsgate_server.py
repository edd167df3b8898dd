"""wsgate in the Python benchmark: api.yaml served in-process with handler.echo as its integration."""

import pathlib

import wsgate
from handler import echo

gw = wsgate.Gateway(pathlib.Path(__file__).parent / "api.yaml")
gw.integration("echo")(echo)
gw.serve(port=0)
