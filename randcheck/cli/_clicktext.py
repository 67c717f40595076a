"""click's own words ("Usage:", "Options", "Show this message and exit.", "Error: Missing
argument", "Try ... for help.") in the user's language, through the message catalog.

typer ships its own copy of click (``typer._click``) whose strings are partly gettext
``_()`` calls in ``typer.core`` and partly plain English.  Three hooks cover them:

* :func:`install` replaces ``typer.core._`` with :func:`translate` (section titles, "default",
  "env var", "required", "No such command", "Missing command", "Aborted!");
* :class:`LocalContext` (set on every command by :func:`localise`) formats help with the
  "Usage:" prefix and the help option's text from the catalog;
* :func:`localise_error` gives a click error a ``show`` that prints the usage line, the "Try"
  hint and "Error: <message>" from the catalog (click's English message is matched against
  the known forms; an unknown one is kept as it is).

The language is the run's (``--lang``/RANDCHECK_LANG, once the root callback has run), else
the help language read from the command line and the environment (``help_lang``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO, Any

import typer._click.core
import typer.core
from typer._click import Command, Context, HelpFormatter
from typer._click._compat import get_text_stderr
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer._click.globals import get_current_context
from typer._click.utils import echo

from randcheck.catalog import render
from randcheck.cli._console import help_lang

#: click/typer msgid -> catalog key
MSGIDS = {
    "Usage: ": "click.usage",
    "Options": "click.options",
    "Arguments": "click.arguments",
    "Commands": "click.commands",
    "Show this message and exit.": "click.help_option",
    "default: {default}": "click.default",
    "env var: {var}": "click.env_var",
    "required": "click.required",
    "(dynamic)": "click.dynamic",
    "Aborted!": "click.aborted",
    "Missing command.": "click.missing_command",
    "No such command {name!r}.": "click.no_such_command",
}

#: click's English error messages -> catalog key (named groups become parameters)
ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern, re.S), key)
    for key, pattern in (
        ("click.missing_argument", r"^Missing argument (?P<name>.+?)\.(?: (?P<extra>.*))?$"),
        ("click.missing_option", r"^Missing option (?P<name>.+?)\.(?: (?P<extra>.*))?$"),
        (
            "click.no_such_option_hint",
            r"^No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)$",
        ),
        ("click.no_such_option", r"^No such option: (?P<name>\S+)$"),
        ("click.extra_args", r"^Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$"),
        ("click.needs_value", r"^Option (?P<name>'[^']+') requires an argument\.$"),
        ("click.needs_values", r"^Option (?P<name>'[^']+') requires (?P<n>\d+) arguments\.$"),
        ("click.takes_no_value", r"^Option (?P<name>'[^']+') does not take a value\.$"),
        ("click.invalid_value_for", r"^Invalid value for (?P<name>.+?): (?P<reason>.*)$"),
        ("click.invalid_value", r"^Invalid value: (?P<reason>.*)$"),
    )
]


def ui_lang(ctx: Context | None = None) -> str:
    """The run's language once the root callback has set it, else the help language."""
    if ctx is None:
        ctx = get_current_context(silent=True)
    if ctx is not None:
        lang = getattr(ctx.find_root().obj, "lang", None)
        if isinstance(lang, str):
            return lang
    return help_lang()


def translate(msgid: str) -> str:
    """gettext for click's and typer's own strings: the catalog text, or ``msgid``."""
    key = MSGIDS.get(msgid)
    return render(key, ui_lang()) if key is not None else msgid


def error_text(message: str, lang: str) -> str:
    """click's English error ``message`` in ``lang`` (unchanged when its form is unknown)."""
    for pattern, key in ERRORS:
        m = pattern.match(message)
        if m:
            params = {k: v or "" for k, v in m.groupdict().items()}
            text = render(key, lang, **params)
            return text if not params.get("extra") else f"{text} {params['extra']}"
    return message


class LocalFormatter(HelpFormatter):
    """The "Usage:" prefix in the user's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, translate("Usage: ") if prefix is None else prefix)


class LocalContext(Context):
    """A context whose help is in the user's language (usage prefix, help option)."""

    formatter_class = LocalFormatter

    def __init__(self, command: Command, *args: Any, **kwargs: Any) -> None:
        super().__init__(command, *args, **kwargs)
        option = command.get_help_option(self)
        if option is not None:
            option.help = render("click.help_option", ui_lang(self))


def localise(command: Command) -> None:
    """Give ``command`` and every command under it the :class:`LocalContext`."""
    command.context_class = LocalContext
    for sub in getattr(command, "commands", {}).values():
        localise(sub)


def localise_error(exc: ClickException) -> None:
    """Make ``exc`` print itself in the user's language (click's ``show``, translated)."""
    if isinstance(exc, NoArgsIsHelpError):  # it prints the (already translated) help
        return
    ctx = exc.ctx if isinstance(exc, UsageError) else None
    lang = ui_lang(ctx)

    def show(file: IO[Any] | None = None) -> None:
        if file is None:
            file = get_text_stderr()
        if ctx is not None:
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                command = f"{ctx.command_path} {ctx.help_option_names[0]}"
                hint = render("click.try_help", lang, command=command) + "\n"
            echo(f"{ctx.get_usage()}\n{hint}", file=file, color=ctx.color)
        prefix = render("error.prefix", lang)
        echo(f"{prefix}: {error_text(exc.format_message(), lang)}", file=file)

    exc.show = show  # type: ignore[method-assign]


_SENTENCE_END = re.compile(r"(?<=[。；;！？])|(?<=[.!?])\s")


def short_help(text: str, limit: int = 45) -> str:
    """The first sentence of ``text``, cut to ``limit`` display columns (a CJK character takes
    two) with "…".  click's own cuts at spaces, so a Chinese help text, which has none, became
    a bare "..." in the command list."""
    first = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0].strip()
    for opening, closing in (("（", "）"), ("(", ")")):
        if first.count(opening) > first.count(closing):  # a sentence end inside brackets
            first = first[: first.rindex(opening)]
    first = first.rstrip("。；;：:，, ")
    width = 0
    out: list[str] = []
    for ch in first:
        w = 2 if ord(ch) >= 0x1100 and unicodedata.east_asian_width(ch) in "WF" else 1
        if width + w > limit - 1:
            cut = "".join(out)
            if ch.isascii() and ch.isalnum() and " " in cut:  # not inside a Latin word
                cut = cut[: cut.rindex(" ")]
            return cut.rstrip("，、,：: ") + "…"
        out.append(ch)
        width += w
    return first


def install() -> None:
    """Route typer's gettext calls through the catalog (idempotent)."""
    # click's short help for the command lists: by sentence and display width
    typer._click.core.make_default_short_help = short_help  # type: ignore[attr-defined,assignment]
    # typer.core binds ``from gettext import gettext as _``: its one translation hook
    typer.core._ = translate  # type: ignore[attr-defined,assignment]
