"""Dask and pyarrow are optional: everything but ``prepare`` and opening an index works
without them, and neither is imported by the commands that do not need them."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from newsreader.corpus import SAMPLE_DIR

BLOCK = textwrap.dedent(
    """
    import sys

    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("dask", "distributed", "pyarrow"):
                raise ImportError(f"blocked {name}")
            return None

    sys.meta_path.insert(0, Block())
    for name in list(sys.modules):
        if name.split(".")[0] in ("dask", "distributed", "pyarrow"):
            del sys.modules[name]
    """
)


def _run(body: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK + textwrap.dedent(body)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_inspect_and_stories_work_without_the_extra() -> None:
    done = _run(
        f"""
        from click.testing import CliRunner
        from newsreader.tui.cli import cli
        for command in ("inspect", "stories"):
            result = CliRunner().invoke(cli, [command, {str(SAMPLE_DIR)!r}, "--json"])
            assert result.exit_code == 0, result.output
            assert result.output.strip()
        assert not any(m.split(".")[0] in ("dask", "distributed", "pyarrow") for m in sys.modules)
        print("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")


def test_prepare_without_the_extra_says_how_to_install() -> None:
    done = _run(
        f"""
        from click.testing import CliRunner
        from newsreader.tui.cli import cli
        command = ["prepare", {str(SAMPLE_DIR)!r}, "--out", "/nonexistent/x"]
        result = CliRunner().invoke(cli, command)
        print(result.exit_code)
        print(result.output)
        """
    )
    assert done.returncode == 0, done.stderr
    code, _, output = done.stdout.partition("\n")
    assert code == "2"
    assert "pip install 'newsreader[scale]'" in output
