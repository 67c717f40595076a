"""Registry commands: ``randcheck entities|inspectors|items|conflicts import|list|show|count|
export|set|deactivate``.  Thin wrappers over ``randcheck.services.registry``.

Text from files (values, column names, paths) is printed with rich markup escaped, so that a
``[`` in a name is shown as written; the services have already made control, bidirectional and
invisible characters visible in what they report (``randcheck.core.text.shown``)."""

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from randcheck.catalog import MESSAGES
from randcheck.cli import _console
from randcheck.cli._console import H, err, out
from randcheck.cli._context import AppContext, get
from randcheck.cli._lazy import lazy
from randcheck.errors import RowError, UsageError

if TYPE_CHECKING:
    from randcheck.services import registry as svc
    from randcheck.services.registry import template
    from randcheck.services.results import history
else:
    svc = lazy("randcheck.services.registry")
    template = lazy("randcheck.services.registry.template")
    history = lazy("randcheck.services.results.history")

PROGRESS_MIN_BYTES = 2 * 1024 * 1024  # show a progress bar for files at least this big


def _pairs(items: list[str], code: str) -> dict[str, str]:
    out_: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise UsageError(code, text=item)
        k, v = item.split("=", 1)
        if not k.strip():
            raise UsageError(code, text=item)
        out_[k.strip()] = v
    return out_


@contextmanager
def _progress(app: AppContext, path: Path) -> Iterator[Callable[[int, int], None] | None]:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size < PROGRESS_MIN_BYTES:
        yield None
        return
    # here, not at the top: only a big import shows a bar (rich.progress costs ~10 ms)
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn(escape(app.t("registry.progress", file=path.name))),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=size)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or size)

        yield update


def _warnings_table(app: AppContext, rows: list[RowError]) -> None:
    table = Table()
    for col in ("file", "row", "column", "value", "reason"):
        table.add_column(app.t(f"rowerr.{col}"))
    for row in rows[:50]:
        table.add_row(
            escape(row.file),
            str(row.row),
            escape(row.column),
            escape(row.value),
            escape(app.t(row.code, **row.params)),
        )
    err.print(table)


def _sep(app: AppContext) -> str:
    """The separator of a list in a sentence (punctuation, not words: not in the catalog)."""
    return "、" if app.lang == "zh" else ", "


def _heading(app: AppContext, spec: svc.RegistrySpec, column: str) -> str:
    """A column's heading: the registry's own when it has one (an item's 事项编码)."""
    own = f"registry.col.{spec.name}.{column}"
    return app.t(own if own in MESSAGES else f"registry.col.{column}")


def _shown(app: AppContext, spec: svc.RegistrySpec, column: str, value: Any) -> str:
    """A stored value for the screen: flags as 是/否 (yes/no), the rest as exported."""
    if spec.field(column).kind in ("bool", "active"):
        return app.t("registry.bool.yes" if value else "registry.bool.no")
    return escape(svc.to_text(spec, column, value))


def _render_table(
    app: AppContext, spec: svc.RegistrySpec, rows: list[dict[str, Any]], columns: tuple[str, ...]
) -> None:
    table = Table()
    for c in columns:
        table.add_column(_heading(app, spec, c))
    for r in rows:
        table.add_row(*(_shown(app, spec, c, r[c]) for c in columns))
    out.print(table)


def _filter_params(spec: svc.RegistrySpec) -> list[inspect.Parameter]:
    return [
        inspect.Parameter(
            f"f_{option}",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                str | None, typer.Option(f"--{option}", help=H(f"registry.filter.{option}"))
            ],
        )
        for option in sorted(spec.filters)
    ]


def _filters(kwargs: dict[str, Any]) -> dict[str, str | None]:
    return {k[2:]: v for k, v in kwargs.items() if k.startswith("f_")}


def _with_filters(func: Callable[..., None], spec: svc.RegistrySpec) -> Callable[..., None]:
    sig = inspect.signature(func)
    params = [p for p in sig.parameters.values() if p.kind != inspect.Parameter.VAR_KEYWORD]
    func.__signature__ = sig.replace(parameters=params + _filter_params(spec))  # type: ignore[attr-defined]
    return func


def _group(spec: svc.RegistrySpec) -> typer.Typer:
    group = typer.Typer(
        help=H(f"registry.{spec.name}.help"), no_args_is_help=True, rich_markup_mode=None
    )
    name = spec.name

    @group.command(
        "import",
        help=H("registry.import.help") + "\n\n" + H("registry.see_docs", registry=name),
    )
    def import_cmd(
        ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help=H("registry.arg.file"), readable=False)],
        map_: Annotated[list[str] | None, typer.Option("--map", help=H("registry.opt.map"))] = None,
        replace: Annotated[bool, typer.Option("--replace", help=H("registry.opt.replace"))] = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help=H("registry.opt.dry_run"))] = False,
        json_: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
    ) -> None:
        app = get(ctx)
        mapping = _pairs(map_ or [], "registry.bad_map")
        engine = app.engine()
        with _progress(app, file) as progress:
            result = svc.import_file(
                engine,
                app.workspace,
                name,
                file,
                actor=app.actor,
                mapping=mapping,
                replace=replace,
                dry_run=dry_run,
                progress=progress,
            )
        if result.warnings:
            err.print(app.t("registry.import.warnings", count=len(result.warnings)))
            _warnings_table(app, result.warnings)
        if result.skipped_rows:
            skipped = [
                app.t("registry.import.skipped_row", row=n, text=text)
                if text
                else app.t("registry.import.skipped_blank", row=n)
                for n, text in result.skipped_rows
            ]
            err.print(
                escape(
                    app.t(
                        "registry.import.skipped",
                        header=result.header_row,
                        count=len(skipped),
                        rows=_sep(app).join(skipped),
                    )
                )
            )
        if result.ignored_columns:
            err.print(
                escape(
                    app.t(
                        "registry.import.ignored_columns",
                        columns=_sep(app).join(result.ignored_columns),
                    )
                )
            )
        if result.unknown_columns:
            err.print(
                escape(
                    app.t(
                        "registry.import.unknown_columns", columns=", ".join(result.unknown_columns)
                    )
                )
            )
        counts = result.counts()
        if json_:
            _console.print_json(
                {
                    "registry": name,
                    "file": result.file,
                    "sha256": result.sha256,
                    "dry_run": dry_run,
                    "seq": result.seq,
                    "warnings": len(result.warnings),
                    "header_row": result.header_row,
                    "skipped_rows": [{"row": n, "text": t} for n, t in result.skipped_rows],
                    "ignored_columns": result.ignored_columns,
                    "unknown_columns": result.unknown_columns,
                    **counts,
                }
            )
        key = "registry.import.dry" if dry_run else "registry.import.done"
        err.print(app.t(key, registry=app.t(f"registry.name.{name}"), **counts))

    @group.command(
        "template",
        help=H("registry.template.help") + "\n\n" + H("registry.see_docs", registry=name),
    )
    def template_cmd(
        ctx: typer.Context,
        out_file: Annotated[
            Path | None, typer.Option("--out", help=H("registry.template.opt_out"))
        ] = None,
    ) -> None:
        app = get(ctx)
        path = out_file or Path(f"{name}-template.xlsx")
        if path.suffix.lower() != ".xlsx":
            raise UsageError("registry.template.not_xlsx", path=str(path))
        if path.exists():
            raise UsageError("registry.template.exists", path=str(path))
        template.write_template(name, path, app.lang)
        err.print(escape(app.t("registry.template.done", path=str(path))))

    def list_cmd(
        ctx: typer.Context,
        limit: Annotated[int, typer.Option("--limit", help=H("registry.opt.limit"))] = 100,
        all_: Annotated[bool, typer.Option("--all", help=H("registry.opt.all"))] = False,
        json_: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
        **kwargs: Any,
    ) -> None:
        app = get(ctx)
        filters = _filters(kwargs)
        with app.engine().connect() as conn:
            total = svc.count_rows(conn, name, filters, include_inactive=all_)
            rows = list(
                svc.iter_rows(conn, name, filters, include_inactive=all_, limit=limit or None)
            )
        if json_:
            _console.print_json([svc.json_row(spec, r) for r in rows])
        else:
            _render_table(app, spec, rows, spec.list_columns)
        err.print(app.t("registry.list.showing", shown=len(rows), total=total))

    group.command("list", help=H("registry.list.help"))(_with_filters(list_cmd, spec))

    def count_cmd(
        ctx: typer.Context,
        all_: Annotated[bool, typer.Option("--all", help=H("registry.opt.all"))] = False,
        json_: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
        **kwargs: Any,
    ) -> None:
        app = get(ctx)
        with app.engine().connect() as conn:
            total = svc.count_rows(conn, name, _filters(kwargs), include_inactive=all_)
        if json_:
            _console.print_json({"registry": name, "count": total})
        else:
            out.print(str(total))

    group.command("count", help=H("registry.count.help"))(_with_filters(count_cmd, spec))

    @group.command("show", help=H("registry.show.help"))
    def show_cmd(
        ctx: typer.Context,
        key: Annotated[str, typer.Argument(help=H("registry.arg.key", form="/".join(spec.key)))],
        json_: Annotated[bool, typer.Option("--json", help=H("opt.json"))] = False,
    ) -> None:
        app = get(ctx)
        with app.engine().connect() as conn:
            row = svc.get_row(conn, name, key)
        inspections = (
            history.entity_history(app.engine(), str(row["code"])) if name == "entities" else None
        )
        if json_:
            data = svc.json_row(spec, row)
            if inspections is not None:
                data["inspections"] = inspections
            _console.print_json(data)
            return
        table = Table(show_header=False)
        table.add_column()
        table.add_column()
        for f in spec.fields:
            table.add_row(_heading(app, spec, f.name), _shown(app, spec, f.name, row[f.name]))
        out.print(table)
        if inspections is not None:
            _inspections(app.t, inspections)

    @group.command("export", help=H("registry.export.help"))
    def export_cmd(
        ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help=H("registry.arg.out"))],
        public: Annotated[bool, typer.Option("--public", help=H("registry.opt.public"))] = False,
        active_only: Annotated[
            bool, typer.Option("--active-only", help=H("registry.opt.active_only"))
        ] = False,
    ) -> None:
        app = get(ctx)
        from randcheck.io.writers import check_export_path

        check_export_path(file)
        count = svc.export_file(
            app.engine(), name, file, public=public, include_inactive=not active_only
        )
        err.print(escape(app.t("registry.export.done", count=count, path=str(file))))

    @group.command("set", help=H("registry.set.help"))
    def set_cmd(
        ctx: typer.Context,
        key: Annotated[str, typer.Argument(help=H("registry.arg.key", form="/".join(spec.key)))],
        assignments: Annotated[list[str], typer.Argument(help=H("registry.arg.assign"))],
    ) -> None:
        app = get(ctx)
        pairs = _pairs(assignments, "registry.bad_assignment")
        result = svc.set_fields(app.engine(), app.workspace, name, key, pairs, actor=app.actor)
        if result["changes"]:
            err.print(
                app.t(
                    "registry.set.done",
                    record=result["key"],
                    fields=", ".join(sorted(result["changes"])),
                )
            )
        else:
            err.print(app.t("registry.set.nochange", record=result["key"]))

    @group.command("deactivate", help=H("registry.deactivate.help"))
    def deactivate_cmd(
        ctx: typer.Context,
        key: Annotated[str, typer.Argument(help=H("registry.arg.key", form="/".join(spec.key)))],
        reason: Annotated[str, typer.Option("--reason", help=H("registry.opt.reason"))],
    ) -> None:
        app = get(ctx)
        changed = svc.deactivate(app.engine(), app.workspace, name, key, reason, actor=app.actor)
        err.print(
            app.t(
                "registry.deactivate.done" if changed else "registry.deactivate.already", record=key
            )
        )

    return group


def _inspections(t: Any, rows: list[dict[str, Any]]) -> None:
    """An entity's inspection history (results entered here and imported history)."""
    if not rows:
        out.print(t("history.none"))
        return
    table = Table(title=t("history.title"))
    for c in ("date", "task", "item", "inspectors", "result", "source"):
        table.add_column(t(f"history.col.{c}"))
    for r in rows:
        kind = t("history.random") if r["random"] else t("history.not_random")
        table.add_row(
            r["date"],
            escape(r["task"]),
            escape(r["item"]),
            escape("、".join(r["inspectors"])),
            escape(r["result"]),
            escape(f"{r['source']}（{kind}）"),
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add the four registry groups to the root app."""
    for spec in svc.SPECS.values():
        app.add_typer(_group(spec), name=spec.name)
