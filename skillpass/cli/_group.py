"""The command classes of the ``skillpass`` CLI (not public API).

* :class:`LazyGroup` mounts commands by ``"module:attribute"`` and imports a command's module
  only when that command runs, so ``skillpass --help`` and ``skillpass verify`` never load the
  PDF stack, the issuer service or FastAPI. Its help lists each lazy command with the short
  help written in the registry, without importing anything.
* :class:`PlainCommand` writes help without Python types (``FILE``, not ``<Path>``).
* Usage errors of the option parser are printed as ``error: usage_error: …`` and exit 2, like
  every other input error of the CLI.
"""

from __future__ import annotations

import difflib
import enum
import gc
import importlib
import importlib.util
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

EXIT_USAGE = 2


def _click_class(name: str) -> type[Exception]:
    # Typer re-exports only BadParameter; UsageError is its base in click and in the copy of
    # click that newer Typer versions carry.
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == name and issubclass(cls, Exception):
            return cls
    raise RuntimeError(f"typer.BadParameter does not derive from {name}")  # pragma: no cover


_UsageError = _click_class("UsageError")


@dataclass(frozen=True)
class LazyCommand:
    """A command mounted by reference: ``target`` is ``"package.module:attribute"`` naming a
    ``typer.Typer`` app, ``help`` the one-line help shown in ``skillpass --help``."""

    target: str
    help: str

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    @property
    def attribute(self) -> str:
        return self.target.partition(":")[2] or "app"

    def installed(self) -> bool:
        """Whether the module exists, found without importing it or its package."""
        top, _, rest = self.module.partition(".")
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            return False
        if spec is None:
            return False
        if not rest:
            return True
        relative = Path(*rest.split("."))
        for location in spec.submodule_search_locations or ():
            base = Path(location) / relative
            if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
                return True
        return False


def _usage_error(error: Exception) -> typer.Exit:
    """Print a parser error the way the CLI prints every input error; exit 2."""
    ctx = getattr(error, "ctx", None)
    message = error.format_message() if hasattr(error, "format_message") else str(error)
    message = message.rstrip(".")
    where = f"; see '{ctx.command_path} --help'" if ctx is not None else ""
    typer.echo(f"error: usage_error: {message}{where}", err=True)
    return typer.Exit(EXIT_USAGE)


def _is_usage_error(error: Exception) -> bool:
    # "skillpass" or "skillpass qr" alone print their help through this exception.
    return isinstance(error, _UsageError) and type(error).__name__ != "NoArgsIsHelpError"


class _FastConversion:
    """Converts a parameter's text the way Typer would, for the plain types the CLI uses
    (str, Path, int with bounds, enums, lists of them), without building a Pydantic adapter:
    Typer 0.29 would import Pydantic on every run (about a third of the start-up time)."""

    def __init__(self, convert: Callable[[Any, Any, Any], Any], multi: bool) -> None:
        self.convert = convert
        self.multi = multi

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return () if self.multi else None
        if self.multi:
            return [self.convert(item, param, ctx) for item in value]
        return self.convert(value, param, ctx)


def _bad(message: str, param: Any, ctx: Any) -> typer.BadParameter:
    return typer.BadParameter(message, ctx=ctx, param=param)


_BOOLEAN = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def _to_bool(value: Any, param: Any, ctx: Any) -> bool:
    if isinstance(value, bool):
        return value
    answer = _BOOLEAN.get(str(value).strip().lower())
    if answer is None:
        raise _bad(f"{value!r} is not true or false", param, ctx)
    return answer


def _converter(annotation: Any, info: Any) -> Callable[[Any, Any, Any], Any] | None:
    if annotation is bool:
        return _to_bool
    if annotation is str:
        return lambda value, param, ctx: str(value)
    if annotation is Path:
        return lambda value, param, ctx: value if isinstance(value, Path) else Path(value)
    if annotation is int:
        low, high = getattr(info, "min", None), getattr(info, "max", None)

        def to_int(value: Any, param: Any, ctx: Any) -> int:
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise _bad(f"{value!r} is not a whole number", param, ctx) from None
            if (low is not None and number < low) or (high is not None and number > high):
                raise _bad(f"{number} is not between {low} and {high}", param, ctx)
            return number

        return to_int
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        members = list(annotation)
        sensitive = getattr(info, "case_sensitive", True)

        def to_member(value: Any, param: Any, ctx: Any) -> Any:
            if isinstance(value, annotation):
                return value
            for member in members:
                text, given = str(member.value), str(value)
                if text == given or (not sensitive and text.lower() == given.lower()):
                    return member
            choices = ", ".join(str(m.value) for m in members)
            raise _bad(f"{value!r} is not one of {choices}", param, ctx)

        return to_member
    return None


def _use_fast_conversion(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", "absent") is not None:
        return  # another Typer version, or already set
    annotation, multi = descriptor.annotation, False
    if typing.get_origin(annotation) is list:
        (annotation,) = typing.get_args(annotation)
        multi = True
    convert = _converter(annotation, descriptor.parameter_info)
    if convert is not None:
        param._runtime_param = _FastConversion(convert, multi)


def _name_the_value(param: Any) -> None:
    """A metavar that names the value (FILE, TEXT, N, M|Q) rather than its Python type."""
    if param.param_type_name != "option" or getattr(param, "is_flag", False) or param.metavar:
        return
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", str)
    if typing.get_origin(annotation) is list:
        (annotation,) = typing.get_args(annotation)
    if annotation is Path:
        param.metavar = "FILE"
    elif annotation is int:
        param.metavar = "N"
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        param.metavar = "|".join(str(member.value) for member in annotation)
    else:
        param.metavar = "TEXT"


class PlainCommand(TyperCommand):
    """A command whose help names values (``INPUT``, ``FILE``) instead of Python types."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        for param in params:  # the --help option is made here, not in __init__
            _use_fast_conversion(param)
            _name_the_value(param)
        return params

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            name = param.metavar or (param.name or "").upper()
            name = name if param.required else f"[{name}]"
            pieces.append(name + ("..." if param.nargs != 1 else ""))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = param.metavar or (param.name or "").upper()
                arguments.append((name, getattr(param, "help", None) or ""))
            else:
                record = param.get_help_record(ctx)
                if record is not None:
                    options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


class LazyGroup(TyperGroup):
    """A Typer group that also holds :class:`LazyCommand` entries (see the module docstring).

    ``lazy_commands`` is set by the application (class attribute of a subclass): a mapping of
    command name to :class:`LazyCommand`. Entries whose module is not installed are hidden.
    """

    lazy_commands: dict[str, LazyCommand] = {}  # noqa: RUF012 - replaced, never mutated
    first: tuple[str, ...] = ()
    """Eager commands listed first, in this order (Typer puts sub-groups last)."""

    def _eager(self) -> list[str]:
        rank = {name: index for index, name in enumerate(self.first)}
        return sorted(self.commands, key=lambda name: rank.get(name, len(rank)))

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        for param in params:
            _use_fast_conversion(param)
        return params

    def _lazy_available(self) -> dict[str, LazyCommand]:
        return {
            name: entry
            for name, entry in self.lazy_commands.items()
            if name not in self.commands and entry.installed()
        }

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self._eager(), *self._lazy_available()]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is not None:
            return command
        entry = self.lazy_commands.get(cmd_name)
        if entry is None or not entry.installed():
            return None
        # The console script pauses the cyclic garbage collector for start-up and the short
        # built-in commands (skillpass._entry); a lazily mounted one may run long (a server).
        gc.enable()
        command = _load(cmd_name, entry)
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [
            (name, self.commands[name].get_short_help_str(limit=300))
            for name in self._eager()
            if not self.commands[name].hidden
        ]
        rows += [(name, entry.help) for name, entry in self._lazy_available().items()]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[Any, Any, list[str]]:
        try:
            return self._click_resolve_command(ctx, args)
        except _UsageError as error:
            if args and hasattr(error, "message"):
                matches = difflib.get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    message = str(error.message).rstrip(".")
                    error.message = f"{message}. Did you mean {matches[0]!r}?"
            raise

    def _click_resolve_command(self, ctx: Any, args: list[str]) -> tuple[Any, Any, list[str]]:
        name = args[0]
        command = self.get_command(ctx, name)
        if command is None and not ctx.resilient_parsing:
            if name.startswith("-"):
                self.parse_args(ctx, args)
            ctx.fail(f"No such command {name!r}.")
        return (name if command else None), command, args[1:]

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except Exception as error:
            if _is_usage_error(error):
                raise _usage_error(error) from None
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as error:
            if _is_usage_error(error):
                raise _usage_error(error) from None
            raise


def _load(name: str, entry: LazyCommand) -> Any:
    """Import the module of a lazy command and turn its Typer app into a click command."""
    try:
        module = importlib.import_module(entry.module)
    except ModuleNotFoundError as error:
        missing = error.name or "a module"
        if entry.module == missing or entry.module.startswith(missing + "."):
            raise  # the registry names a module that does not exist: a packaging bug
        top = entry.module.partition(".")[0]
        typer.echo(
            f"error: command_unavailable: 'skillpass {name}' needs {missing}, which is not"
            f" installed; install the {top} extra: pip install 'skillpass[{top}]'",
            err=True,
        )
        raise typer.Exit(EXIT_USAGE) from None
    app = getattr(module, entry.attribute)
    command = typer.main.get_command(app)
    command.name = name
    return command


def prog_name() -> str:
    """``skillpass`` also when run as ``python -m skillpass``."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "skillpass" if name in ("", "__main__.py", "-c") else name
