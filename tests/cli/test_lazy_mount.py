"""Role commands are mounted by reference and imported only when they run."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from skillpass.cli import CORE_COMMANDS, ROLE_COMMANDS, LazyCommand
from skillpass.cli._group import LazyGroup

runner = CliRunner()


def _app(entries: dict[str, LazyCommand]) -> typer.Typer:
    class Group(LazyGroup):
        lazy_commands = entries

    app = typer.Typer(cls=Group, rich_markup_mode=None, add_completion=False)

    @app.callback()
    def main() -> None:
        """A group."""

    @app.command("hello")
    def hello() -> None:
        """An eager command."""

    return app


@pytest.fixture
def role_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    package = tmp_path / "sp_role_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text(
        textwrap.dedent(
            """
            import typer

            app = typer.Typer()

            @app.command("ping")
            def ping(name: str = typer.Option("x", "--name")) -> None:
                print("pong", name)

            @app.command("other")
            def other() -> None:
                pass
            """
        )
    )
    (package / "needs_extra.py").write_text("import sp_not_installed_anywhere\napp = None\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("sp_role_pkg")]:
        monkeypatch.delitem(sys.modules, name)
    return "sp_role_pkg"


def test_help_lists_a_role_without_importing_it(role_package: str) -> None:
    app = _app({"role": LazyCommand(f"{role_package}.cli:app", "The role's one-line help.")})
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    assert "role" in result.stdout and "The role's one-line help." in result.stdout
    assert f"{role_package}.cli" not in sys.modules
    assert role_package not in sys.modules  # not even its package


def test_a_role_command_is_imported_when_it_runs(role_package: str) -> None:
    app = _app({"role": LazyCommand(f"{role_package}.cli:app", "help")})
    result = runner.invoke(app, ["role", "ping", "--name", "y"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "pong y\n"
    assert f"{role_package}.cli" in sys.modules


def test_a_role_that_is_not_installed_is_hidden(role_package: str) -> None:
    app = _app(
        {
            "ghost": LazyCommand(f"{role_package}.no_such_module:app", "never shown"),
            "gone": LazyCommand("sp_no_such_package.cli:app", "never shown either"),
        }
    )
    listing = runner.invoke(app, ["--help"])
    assert listing.exit_code == 0
    assert "ghost" not in listing.stdout and "never shown" not in listing.stdout
    result = runner.invoke(app, ["ghost"])
    assert result.exit_code == 2
    assert "error: usage_error: No such command 'ghost'" in result.stderr


def test_a_role_missing_its_extra_dependencies_says_what_to_install(role_package: str) -> None:
    app = _app({"extra": LazyCommand(f"{role_package}.needs_extra:app", "help")})
    result = runner.invoke(app, ["extra"])
    assert result.exit_code == 2
    assert "error: command_unavailable:" in result.stderr
    assert "sp_not_installed_anywhere" in result.stderr


def test_the_registries_name_typer_apps_by_module_and_attribute() -> None:
    assert set(ROLE_COMMANDS) == {"issuer", "verifier", "trust", "wallet"}
    for name, entry in {**CORE_COMMANDS, **ROLE_COMMANDS}.items():
        assert entry.module and entry.attribute, name
        assert entry.help and len(entry.help) <= 70 and "\n" not in entry.help, name
    for name, entry in CORE_COMMANDS.items():
        assert entry.installed(), name
