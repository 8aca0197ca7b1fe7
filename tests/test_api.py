"""The package's public names all resolve, and the CLI starts without loading the heavy layers."""

import subprocess
import sys

import workbook_tools


def test_every_public_name_resolves():
    for name in workbook_tools.__all__:
        assert getattr(workbook_tools, name) is not None, name


def test_the_command_starts_without_the_database_layer():
    code = "import sys, workbook_tools.cli; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
