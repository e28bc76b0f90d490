"""The ``briefsmith`` command: parse arguments, call the pipeline, print, pick the exit code.

Exit codes: 0 success, 1 content problems (each printed as ``path:line:col: error: ...``,
then a count), 2 usage errors (an unknown brief, a bad option), 3 an internal error (a bug:
reported in one line, with ``BRIEFSMITH_DEBUG=1`` to see the traceback).  Nothing below this
module prints or exits, and no traceback ever reaches the user unasked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from . import __version__, pipeline
from .csl import to_csl_json
from .diagnostics import summary
from .project import Project

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Context:
    def __init__(self, project_dir: Path) -> None:
        self.project = Project.at(project_dir)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              default=".", show_default=True, help="The project folder.")
@click.version_option(__version__, prog_name="briefsmith")
@click.pass_context
def main(ctx: click.Context, project_dir: Path) -> None:
    """Build typeset, fully cited PDF policy briefs from YAML content."""
    if not project_dir.is_dir():
        raise click.UsageError(f"project folder '{project_dir}' does not exist")
    ctx.obj = _Context(project_dir)


@main.command()
@click.argument("briefs", nargs=-1)
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where PDFs go (default: out/ in the project).")
@click.option("--theme", help="Use this theme instead of the one each brief names.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
def build(obj: _Context, briefs: Sequence[str], output_dir: Path | None, theme: str | None,
          strict: bool) -> None:
    """Build BRIEFS (names or files in briefs/; default: all of them)."""
    options = pipeline.BuildOptions(output_dir=output_dir, theme=theme, strict=strict,
                                    source_date_epoch=_source_date_epoch())
    report = _call(pipeline.build, obj.project, briefs, options)
    for result in report.results:
        pages = "1 page" if result.pages == 1 else f"{result.pages} pages"
        click.echo(f"built {obj.project.relative(result.output)} ({pages}, {result.size:,} bytes)")
    _finish(report)


@main.command()
@click.argument("briefs", nargs=-1)
@click.option("--theme", help="Check against this theme instead of the one each brief names.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
def check(obj: _Context, briefs: Sequence[str], theme: str | None, strict: bool) -> None:
    """Validate BRIEFS without rendering them."""
    options = pipeline.BuildOptions(theme=theme, strict=strict)
    report = _call(pipeline.check, obj.project, briefs, options)
    if not report.failed:
        click.echo("ok")
    _finish(report)


@main.command(name="list")
@click.pass_obj
def list_(obj: _Context) -> None:
    """List the briefs, their sections and the sources they cite."""
    listings, report = _call(pipeline.list_project, obj.project)
    for item in listings:
        click.echo(f"{item.name}: {item.title or '(unreadable)'}  [{item.path}]")
        for section in item.sections:
            click.echo(f"  section  {section}")
        for source in item.sources:
            click.echo(f"  source   {source}")
    _finish(report)


@main.command()
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the schemas go (default: schemas/ in the project).")
@click.pass_obj
def schema(obj: _Context, output_dir: Path | None) -> None:
    """Write JSON Schemas of briefs, sections, sources and themes for editors."""
    for path in _call(pipeline.write_schemas, obj.project, output_dir):
        click.echo(f"wrote {obj.project.relative(path)}")


@main.command(name="sources")
@click.argument("briefs", nargs=-1)
@click.option("--max-age", type=click.IntRange(min=0), metavar="DAYS",
              help="Fail for sources whose 'accessed' date is more than DAYS old.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Measure ages from this day (default: SOURCE_DATE_EPOCH's day, or today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csl-json"]),
              default="text", show_default=True,
              help="json: usage for tools; csl-json: the cited sources as CSL-JSON.")
@click.option("--strict", is_flag=True, help="Treat warnings (unused sources) as errors.")
@click.pass_obj
def sources(obj: _Context, briefs: Sequence[str], max_age: int | None,
            as_of: dt.datetime | None, fmt: str, strict: bool) -> None:
    """Show each source of BRIEFS with its use count and the places citing it."""
    day = as_of.date() if as_of else _epoch_day()
    result = _call(pipeline.source_report, obj.project, briefs, max_age=max_age, as_of=day,
                   strict=strict)
    if fmt == "csl-json":
        cited = [to_csl_json(u.source) for u in result.uses if u.count]
        click.echo(json.dumps(cited, ensure_ascii=False, indent=2))
    elif fmt == "json":
        click.echo(json.dumps(_usage_json(result), ensure_ascii=False, indent=2))
    else:
        _print_usage(result)
    _finish(result.report)


def _usage_json(result: pipeline.SourcesReport) -> dict:
    stale = {u.source.id for u in result.stale}
    return {
        "as_of": result.as_of.isoformat(),
        "max_age": result.max_age,
        "sources": [{
            "id": u.source.id,
            "title": u.source.title,
            "type": u.source.type,
            "defined_at": str(u.source.at),
            "uses": u.count,
            "briefs": list(u.briefs),
            "cited_at": [str(p.at) for p in u.places],
            "accessed": u.source.accessed.iso() if u.source.accessed else None,
            "age_days": u.age_days(result.as_of),
            "stale": u.source.id in stale,
        } for u in result.uses],
        "unused": [u.source.id for u in result.unused],
        "stale": sorted(stale),
    }


def _print_usage(result: pipeline.SourcesReport) -> None:
    for use in result.uses:
        if not use.count:
            continue
        times = "1 citation" if use.count == 1 else f"{use.count} citations"
        click.echo(f"{use.source.id}  {times}  [{use.source.at}]")
        by_file: dict[str, list[str]] = {}
        for place in use.places:
            by_file.setdefault(place.at.path, []).append(str(place.at.line))
        for path, lines in by_file.items():
            click.echo(f"  {path}:{', '.join(dict.fromkeys(lines))}")
    if result.unused:
        click.echo("unused:")
        for use in result.unused:
            click.echo(f"  {use.source.id}  [{use.source.at}]")
    if result.max_age is not None:
        click.echo(f"stale (accessed more than {result.max_age} days before "
                   f"{result.as_of.isoformat()}):" + ("" if result.stale else " none"))
        for use in result.stale:
            accessed = use.source.accessed
            click.echo(f"  {use.source.id}  accessed {accessed.iso() if accessed else '?'}, "
                       f"{use.age_days(result.as_of)} days  [{use.source.at}]")


def _epoch_day() -> dt.date | None:
    epoch = _source_date_epoch()
    return dt.datetime.fromtimestamp(epoch, dt.UTC).date() if epoch is not None else None


def _call(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return func(*args, **kwargs)
    except pipeline.UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except Exception as exc:
        if os.environ.get("BRIEFSMITH_DEBUG"):
            raise
        click.echo(f"briefsmith: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("This is a bug in briefsmith, not in your content; please report it with "
                   "the input that caused it (BRIEFSMITH_DEBUG=1 shows the traceback).",
                   err=True)
        sys.exit(EXIT_INTERNAL)


def _source_date_epoch() -> int | None:
    try:
        return pipeline.parse_source_date_epoch(os.environ.get("SOURCE_DATE_EPOCH"))
    except pipeline.UsageError as exc:
        raise click.UsageError(str(exc)) from None


def _finish(report: pipeline.RunReport) -> None:
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.problems:
        click.echo(summary(report.problems), err=True)
    if report.failed:
        sys.exit(EXIT_PROBLEMS)
