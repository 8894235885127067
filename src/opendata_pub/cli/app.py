"""The command group, shared output helpers, and the foundation commands (init, describe, validate).

Exit codes, for every command: 0 no error (warnings allowed); 1 errors found or the operation
failed; 2 usage error or unreadable configuration; 3 the plan has changes (``plan --exit-code``).
An error is one line on stderr (plus a hint); ``--debug`` shows the traceback instead.

Everything printed goes through one seam (``_SafeConsole`` for text, ``print_json`` for JSON, ``_fail``
and the handlers in ``main`` for errors, tracebacks, log records and warnings): text from outside —
portal messages, names and titles, file names, file content quoted in findings — has its control
characters written as visible escapes (``errors.printable``), and every secret this run resolved is
redacted (``errors.redact``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import traceback
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console, ConsoleOptions, RenderableType
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.segment import Segment
from rich.text import Text

from .. import __version__, actions
from ..config import Settings
from ..errors import OpendataPubError, printable, redact
from ..findings import Finding, Report, Severity
from ..validation.validator import Profile

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CHANGES = 0, 1, 2, 3



def safe_text(text: str, *, newlines: bool = True) -> str:
    """``text`` as it may reach the terminal: registered secrets redacted, control characters escaped."""
    return printable(redact(text, patterns=False), newlines=newlines)


class _SafeConsole(Console):
    """A Console whose output cannot drive the terminal: every rendered segment of text (a table
    cell as much as a markup string) passes ``safe_text``; rich's own control segments (cursor moves
    of the progress bar) pass as they are. One seam instead of a call at every print."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        # strings are cleaned before layout too, so table columns are measured on what is shown
        return super().render_str(safe_text(text), **kwargs)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not segment.text:
                yield segment
                continue
            clean = safe_text(segment.text)
            yield segment if clean == segment.text else Segment(clean, segment.style, segment.control)


out = _SafeConsole(highlight=False, soft_wrap=True)
err = _SafeConsole(stderr=True, highlight=False, soft_wrap=True)


class _State:
    debug = False
    config: Path | None = None
    quiet = False
    settings: Settings | None = None  # once loaded: the last-resort handler redacts its token variables


state = _State()

FORMAT = click.Choice(["text", "json"])


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    help="Publish Japanese municipal open data as validated Frictionless data packages.\n\n"
    "自治体のオープンデータ (行政評価・オープンデータ一覧) をデータパッケージとして検証・公開します。\n\n"
    "Exit codes: 0 ok, 1 errors found or failure, 2 usage or configuration error, 3 plan has changes.",
)
@click.option("--config", "-c", type=click.Path(path_type=Path), help="opendata.yaml to use (default: the nearest one).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@click.version_option(__version__, "--version", prog_name="opendata-pub")
def app(config: Path | None, debug: bool, quiet: bool) -> None:
    state.debug = debug or bool(os.environ.get("OPENDATA_PUB_DEBUG"))
    state.config = config
    state.quiet = quiet
    state.settings = None


def current_settings() -> Settings:
    state.settings = actions.load_settings(state.config)
    return state.settings


class _RichProgress:
    """progress.Progress backed by rich, drawn on stderr only when it is a terminal."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._tasks: dict[str, Any] = {}

    def start(self, key: str, label: str, total: int | None, unit: str = "rows") -> None:
        # the label holds names from outside (resources, datasets): never markup
        self._tasks[key] = self._bar.add_task(escape(label), total=total, unit=unit)

    def advance(self, key: str, completed: int) -> None:
        if key in self._tasks:
            self._bar.update(self._tasks[key], completed=completed)

    def finish(self, key: str) -> None:
        if key in self._tasks:
            task = self._tasks.pop(key)
            self._bar.update(task, completed=self._bar.tasks[task].total or 0)


class _Amount(ProgressColumn):
    """Rows as "n/total", bytes as "1.2/300.0 MB" (the task's ``unit`` field says which)."""

    def render(self, task: Task) -> Text:
        if task.fields.get("unit") == "bytes":
            return DownloadColumn().render(task)
        return MofNCompleteColumn().render(task)


@contextmanager
def progress_bar() -> Iterator[_RichProgress | None]:
    if state.quiet or not err.is_terminal:
        yield None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), _Amount(), TimeRemainingColumn(),
                   console=err, transient=True)
    with bar:
        yield _RichProgress(bar)


# json.dumps escapes C0 controls but, with ensure_ascii=False, passes DEL, C1 controls, bidi controls
# and lone surrogates through raw; written as \uXXXX they are the same JSON value (they can only
# occur inside strings) and harmless on a terminal.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def write_data(text: str) -> None:
    """Machine output (CSV, RDF) on stdout: byte for byte into a pipe or file; escaped like any other
    text when stdout is a terminal, where a control character in the data would act on it."""
    sys.stdout.write(safe_text(text) if sys.stdout.isatty() else text)


def print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(redact(text, patterns=False) + "\n")


_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_SEVERITY_LABEL = {Severity.ERROR: "エラー", Severity.WARNING: "警告", Severity.INFO: "情報"}


def finding_line(f: Finding) -> str:
    style = _SEVERITY_STYLE[f.severity]
    where = f"{escape(str(f.where))}: " if str(f.where) else ""
    line = f"    [{style}]{_SEVERITY_LABEL[f.severity]}[/] {where}{escape(f.message)} [dim]\\[{f.code}][/]"
    return line + (f"\n      [dim]ヒント: {escape(f.hint)}[/]" if f.hint else "")


def print_report(report: Report) -> None:
    for pkg in report:
        mark = "[green]✓[/]" if pkg.valid else "[red]✗[/]"
        out.print(f"{mark} [bold]{escape(pkg.name or pkg.path)}[/] ({escape(pkg.path)}) — "
                  f"エラー {len(pkg.errors)} 件、警告 {len(pkg.warnings)} 件")
        groups: dict[str, list[Finding]] = {}
        for f in pkg.findings:
            groups.setdefault(f"リソース {f.resource}" if f.resource else "パッケージ", []).append(f)
        for group, findings in groups.items():
            out.print(f"  {escape(group)}")
            for f in findings:
                out.print(finding_line(f))
    verdict = "[green]有効[/] (valid)" if report.valid else "[red]無効[/] (invalid)"
    out.print(f"\n{len(report.packages)} パッケージ: エラー {len(report.errors)} 件、"
              f"警告 {len(report.warnings)} 件 — {verdict}")


@app.command()
@click.argument("directory", type=click.Path(path_type=Path), default=Path("."))
@click.option("--force", is_flag=True, help="Overwrite an existing opendata.yaml.")
def init(directory: Path, force: bool) -> None:
    """Write a commented starter opendata.yaml and an empty datapackages/."""
    for p in actions.init_project(directory, force=force):
        out.print(f"作成しました: {escape(str(p))}")


@app.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@click.option("--encoding", help="Declare the encoding instead of detecting it.")
def describe(file: Path, fmt: str, encoding: str | None) -> None:
    """Infer encoding (with evidence), dialect and a Table Schema that keeps codes as strings."""
    d = actions.describe(file, encoding=encoding)
    if fmt == "json":
        print_json(d.to_dict())
        return
    enc = d.encoding
    out.print(f"[bold]{escape(d.path)}[/]")
    out.print(f"  文字コード: {enc.encoding} (判定規則: {enc.rule}) — {escape(enc.detail)}")
    out.print(f"  区切り文字: {d.dialect['delimiter']!r}、見出し行: {'あり' if d.dialect.get('header', True) else 'なし'}")
    if d.standard:
        std = d.standard
        flag = " (暫定スキーマ)" if std.get("provisional") else ""
        ident = escape(f"[{std['id']} v{std['version']}]")
        layout = f"、{std['variant']['title']}の様式" if std.get("variant") else "、現行様式"
        out.print(f"  標準データセット: {escape(str(std['title']))} {ident}{flag}{escape(layout)} — "
                  f"必須項目 {std['score']:.0%}、列の {std['coverage']:.0%} が一致")
    out.print(f"  列 ({len(d.schema.get('fields', []))}):")
    for f in d.schema.get("fields", []):
        out.print(f"    {escape(str(f.get('name')))}: {f.get('type')}")
    for note in d.notes:
        out.print(f"  [yellow]注意[/] {escape(note)}")


@app.command()
@click.argument("packages", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@click.option("--profile", type=click.Choice([p.value for p in Profile]), default=Profile.JP.value, show_default=True,
              help="Metadata profile: jp (DCAT-AP 3 + Japanese fields) or none (data only).")
@click.option("--allow-remote", is_flag=True, help="Allow resource paths that are URLs.")
@click.option("--target", "target", metavar="NAME",
              help="Also check what this publishing target (portal name, CKAN URL or folder, as publish --to) "
                   "would refuse, without contacting it: CKAN tags and names.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Packages validated in parallel (worker processes).")
@click.option("--limit-errors", type=click.IntRange(1), default=1000, show_default=True,
              help="Row findings per resource after which its rows are not checked further (as frictionless).")
def validate(packages: tuple[Path, ...], fmt: str, profile: str, allow_remote: bool, target: str | None,
             jobs: int, limit_errors: int) -> None:
    """Validate packages: descriptor, data, publication metadata and domain rules, in one report.

    With no PACKAGES, every package under the configured folder (default datapackages/).
    """
    settings = current_settings()
    with progress_bar() as progress:
        report = actions.validate(packages, settings=settings, profile=profile, allow_remote=allow_remote,
                                  progress=progress, target=target, jobs=jobs, limit_errors=limit_errors)
    if fmt == "json":
        print_json(report.to_dict())
    else:
        print_report(report)
    sys.exit(EXIT_OK if report.valid else EXIT_FAILED)


def _fail(message: str, hint: str | None = None) -> None:
    err.print(f"[red]エラー:[/] {escape(_scrub(message))}")
    if hint:
        err.print(f"  [dim]ヒント: {escape(_scrub(hint))}[/]")


# Environment variables whose value is a secret by their name, redacted by the last-resort handler
# even when no code of ours resolved them (a library may have read them, or the run failed first).
_SECRET_NAME = re.compile(r"(?i)token|secret|passw|api_?key")


def _known_secrets() -> list[str]:
    """Secrets of this run beyond the registered ones: $CKAN_API_TOKEN, the variables opendata.yaml
    names as tokens, and any variable named like a secret."""
    from ..portals.target import token_env

    names = {token_env()} | {n for n in os.environ if _SECRET_NAME.search(n) and len(os.environ[n]) >= 8}
    if state.settings is not None:
        names |= {p.token.env for p in state.settings.portals.values() if p.token is not None and p.token.env}
    return [os.environ.get(n, "") for n in names]


def _scrub(text: str) -> str:
    """An error text as it may be printed: every known secret and anything token-shaped redacted
    (before anything could shorten it), then one line of printable characters."""
    return printable(redact(text, _known_secrets()))


def _print_traceback() -> None:
    """--debug: the traceback, redacted and printable (exception messages quote values)."""
    text = "".join(traceback.format_exc())
    sys.stderr.write(printable(redact(text, _known_secrets()), newlines=True))


class _ScrubbedLog(logging.Handler):
    """Log records of libraries (rdflib, pyshacl …) reach stderr as scrubbed lines, not raw."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            err.print(f"[yellow]{escape(record.levelname)}[/] {escape(_scrub(record.getMessage()))}")
        except Exception:  # noqa: BLE001 - logging must never end the run
            self.handleError(record)


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    err.print(f"[yellow]{escape(category.__name__)}[/] {escape(_scrub(str(message)))}")


def _install_output_guards() -> None:
    root = logging.getLogger()
    if not any(isinstance(h, _ScrubbedLog) for h in root.handlers):
        handler = _ScrubbedLog(logging.WARNING)
        root.addHandler(handler)
    warnings.showwarning = _show_warning


# Usage errors are click's; its messages are English sentences, so they are rebuilt in Japanese from
# the parts click keeps on the exception (the parameter, its option names, its choices, the command).
# Only the extra-arguments error carries nothing but its sentence.
_EXTRA_ARGS = re.compile(r"\((.*)\)\s*$", re.DOTALL)
_CHOICE_VALUE = re.compile(r"^('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
# click >= 8.2 raises this for a group called without a command: its "message" is the help text
_NO_ARGS_IS_HELP: type[Exception] | None = getattr(click.exceptions, "NoArgsIsHelpError", None)


def _param_name(param: click.Parameter | None, fallback: str | None = None) -> str:
    """An option as its names (``--to / -t``), an argument as its metavar (``DATASET``)."""
    if isinstance(param, click.Option):
        return " / ".join(param.opts)
    if param is not None:
        return (param.metavar or param.name or "").upper() if isinstance(param, click.Argument) else str(param.name)
    return fallback or "値"


def _choices(param: click.Parameter | None) -> str:
    if param is not None and isinstance(param.type, click.Choice):
        return f" (選べる値: {', '.join(map(str, param.type.choices))})"
    return ""


def _possibilities(exc: click.UsageError) -> str:
    found = getattr(exc, "possibilities", None)
    return f" (もしかして: {', '.join(found)})" if found else ""


def _missing_message(exc: click.MissingParameter) -> str:
    param = exc.param
    kind = "引数" if isinstance(param, click.Argument) or exc.param_type == "argument" else "オプション"
    hint = exc.param_hint if isinstance(exc.param_hint, str) else None
    return f"{kind} {_param_name(param, hint)} が指定されていません{_choices(param)}"


def _bad_value_message(exc: click.BadParameter) -> str:
    param = exc.param
    name = _param_name(param, exc.param_hint if isinstance(exc.param_hint, str) else None)
    if param is not None and isinstance(param.type, click.Choice):
        # the sentence begins with the repr of the value given; nothing else keeps it
        given = _CHOICE_VALUE.match(exc.message)
        value = f" {given.group(1)}" if given else ""
        return f"{name} の値{value} は選べません{_choices(param)}"
    if param is not None and isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType)):
        return f"{name} には数値を指定してください: {exc.message}"
    return f"{name} の値が正しくありません: {exc.message}"


def _command_of(exc: click.UsageError, args: list[str]) -> tuple[str, click.Command]:
    """The command being parsed and its path (``opendata-pub evaluation import``). click's parser
    raises some errors (an option missing its value) without a context: then the command words of
    the command line say which."""
    if exc.ctx is not None:
        return exc.ctx.command_path, exc.ctx.command
    path: list[str] = ["opendata-pub"]
    command: click.Command = app
    for word in args:
        if isinstance(command, click.Group) and word in command.commands:
            path.append(word)
            command = command.commands[word]
    return " ".join(path), command


def _option_usage_message(exc: click.BadOptionUsage, command: click.Command) -> str:
    """An option without its value (``--to`` last) or a flag given one (``--force=yes``)."""
    option = next((p for p in command.params if isinstance(p, click.Option)
                   and exc.option_name in (*p.opts, *p.secondary_opts)), None)
    if option is None:
        return exc.format_message()
    if option.is_flag:
        return f"オプション {exc.option_name} は値を取りません"
    return f"オプション {exc.option_name} には値が必要です"


def _usage_message(exc: click.UsageError, args: list[str]) -> str:
    """click's usage error in Japanese; a message click did not build (ours) as it is."""
    if isinstance(exc, click.MissingParameter):
        return _missing_message(exc)
    if isinstance(exc, click.NoSuchOption):
        return f"オプション {exc.option_name} はありません{_possibilities(exc)}"
    if isinstance(exc, click.BadOptionUsage):
        return _option_usage_message(exc, _command_of(exc, args)[1])
    if isinstance(exc, click.BadParameter):
        return _bad_value_message(exc)
    text = exc.message
    if text.startswith("No such command"):
        name = getattr(exc, "command_name", None) or text.split(" ", 3)[-1].strip(".'\"")
        return f"コマンド {name} はありません{_possibilities(exc)}"
    if text.startswith("Got unexpected extra argument") and (extra := _EXTRA_ARGS.search(text)):
        return f"余分な引数があります: {extra.group(1)}"
    return exc.format_message()


def _usage_hint(exc: click.UsageError, args: list[str]) -> str:
    # the help of the command that was being parsed, not only the top level
    return f"{_command_of(exc, args)[0]} --help で使い方を確認できます"


def _wants_json(args: list[str]) -> bool:
    """``--format json`` (``-f json``, ``--format=json``) anywhere on the command line: errors become
    JSON too, so that a program reading stdout gets one JSON value whatever happened."""
    for i, arg in enumerate(args):
        if arg == "--":
            return False
        if arg in ("--format", "-f") and i + 1 < len(args) and args[i + 1] == "json":
            return True
        if arg in ("--format=json", "-fjson", "-f=json"):
            return True
    return False


def _error(message: str, hint: str | None, code: int, *, as_json: bool) -> int:
    """Report an error (text on stderr, or ``{"error": …}`` on stdout under --format json); return ``code``."""
    if as_json:
        print_json({"error": {"message": _scrub(message), "hint": _scrub(hint) if hint else None, "code": code}})
    else:
        _fail(message, hint)
    return code


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``opendata-pub`` script; returns the exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or bool(os.environ.get("OPENDATA_PUB_DEBUG"))
    as_json = _wants_json(args)
    _install_output_guards()
    try:
        app.main(args=args, prog_name="opendata-pub", standalone_mode=False)
        return EXIT_OK
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_FAILED
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        if _NO_ARGS_IS_HELP is not None and isinstance(exc, _NO_ARGS_IS_HELP) and not as_json:
            # a group without its command: its help, as click shows it (our own text: no scrubbing needed)
            sys.stderr.write(exc.format_message() + "\n")
            return EXIT_USAGE
        if _NO_ARGS_IS_HELP is not None and isinstance(exc, _NO_ARGS_IS_HELP):
            return _error("コマンドが指定されていません", _usage_hint(exc, args), EXIT_USAGE, as_json=True)
        return _error(_usage_message(exc, args), _usage_hint(exc, args), EXIT_USAGE, as_json=as_json)
    except click.Abort:
        return _error("中断しました", None, 130, as_json=as_json)
    except click.FileError as exc:
        return _error(f"ファイル {exc.ui_filename} を開けません: {exc.message}", None, EXIT_USAGE, as_json=as_json)
    except click.ClickException as exc:
        return _error(exc.format_message(), None, EXIT_USAGE, as_json=as_json)
    except OpendataPubError as exc:
        if debug:
            _print_traceback()
        return _error(str(exc), exc.hint, exc.exit_code, as_json=as_json)
    except KeyboardInterrupt:
        return _error("中断しました", None, 130, as_json=as_json)
    except BrokenPipeError:
        # stdout closed early (| head): not an error of ours; keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a bare traceback
        if debug:
            _print_traceback()
        # _scrub redacts (secrets of this run, header values, token shapes) before anything else
        return _error(f"内部エラー: {type(exc).__name__}: {exc}",
                      "--debug を付けると詳細が表示されます。再現手順とともに報告してください", EXIT_FAILED,
                      as_json=as_json)
