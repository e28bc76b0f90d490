"""The ``briefsmith`` command: parse arguments, call the pipeline, print, pick the exit code.

Exit codes: 0 success, 1 content problems (each printed as ``path:line:col: error: ...``,
then a count), 2 usage errors (an unknown brief, a bad option), 3 an internal error (a bug:
reported in one line, with ``BRIEFSMITH_DEBUG=1`` to see the traceback).  Nothing below this
module prints or exits, and no traceback ever reaches the user unasked.

Problems go to stderr, as ``file:line:col:`` lines or (``--error-format github``) as GitHub
Actions annotations.  Build progress goes to stdout: a progress bar on a terminal, one line
per brief otherwise (CI logs), or a single JSON document with ``--json``.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import click

from . import __version__, pipeline
from .batch import Shard, available_cpus
from .csl import to_csl_json
from .diagnostics import Severity, summary
from .project import Project
from .reporting import ERROR_FORMATS, build_summary, check_summary, format_problem, path_prefix

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
T = TypeVar("T")


def run() -> None:
    """The ``briefsmith`` command itself (console script and ``python -m briefsmith``): the
    CLI, in a process tuned for a short, allocation-heavy run."""
    _tune_garbage_collector()
    main()


def _tune_garbage_collector() -> None:
    """Fewer, cheaper runs of Python's cycle collector.

    A build creates millions of short-lived objects (YAML nodes, records, ReportLab
    fragments and lines), and with the default threshold (a collection every 700 new
    objects) the collector ran about 370 times in a build of the sample, each pass also
    re-examining the thousands of long-lived objects the imports made: about 0.05 s of a
    0.7 s build.  ``gc.freeze()`` sets what is imported by now (modules, classes,
    functions, which live as long as the process) aside from every later pass, and a
    higher first threshold makes passes rarer.  Cycles are still collected, so memory
    stays flat over a batch of hundreds of briefs.  Forked workers inherit both.  Only
    the command does this: the pipeline, imported as a library, leaves its host's
    collector alone.
    """
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(50_000, older, oldest)


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
    for stream in (sys.stdout, sys.stderr):
        # A file name that is not UTF-8 reaches messages as lone surrogates: print them as
        # \udcff rather than crash in the middle of a report.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    # Libraries log remarks about font files ("'created' timestamp seems very low") through
    # Python's last-resort handler, onto stderr between our problem lines; a font that is
    # really unusable is reported by us, at its place.
    for library in ("fontTools", "svglib"):
        logging.getLogger(library).setLevel(logging.ERROR)
    ctx.obj = _Context(project_dir)


def _shard(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Shard | None:
    if value is None:
        return None
    try:
        return Shard.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


_error_format = click.option(
    "--error-format", type=click.Choice(ERROR_FORMATS), default="text", show_default=True,
    help="How problems are printed: file:line:col lines, or GitHub Actions annotations.")
_json = click.option("--json", "as_json", is_flag=True,
                     help="Print a machine-readable summary on stdout.")


@main.command()
@click.argument("briefs", nargs=-1)
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where PDFs go (default: out/ in the project).")
@click.option("--theme", help="Use this theme instead of the one each brief names.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for rendering (default: the CPUs this process may use).")
@click.option("--shard", metavar="K/N", callback=_shard,
              help="Build only the K-th of N stable slices of the briefs (CI matrices).")
@click.option("--force", is_flag=True, help="Rebuild briefs whose PDF is up to date.")
@click.option("--pdfa", is_flag=True,
              help="Make PDF/A-2 files (2a when tagged), or fail saying why not.")
@_json
@_error_format
@click.pass_obj
def build(obj: _Context, briefs: Sequence[str], output_dir: Path | None, theme: str | None,
          strict: bool, jobs: int | None, shard: Shard | None, force: bool, pdfa: bool,
          as_json: bool, error_format: str) -> None:
    """Build BRIEFS (names or files in briefs/; default: all of them).

    A brief whose PDF is up to date (nothing it depends on changed since the last build
    into the same folder) is skipped; --force rebuilds it.
    """
    options = pipeline.BuildOptions(output_dir=output_dir, theme=theme, strict=strict,
                                    source_date_epoch=_source_date_epoch(),
                                    jobs=jobs or available_cpus(), shard=shard, force=force,
                                    pdfa=pdfa, debug=bool(os.environ.get("BRIEFSMITH_DEBUG")))
    display = _BuildDisplay(obj.project, quiet=as_json)
    try:
        report = _call(pipeline.build, obj.project, briefs, options, display)
    finally:
        display.close()
    if as_json:
        click.echo(json.dumps(build_summary(report, obj.project.relative), indent=2,
                              ensure_ascii=False))
    else:
        display.summary(report, shard)
    _finish(report, obj.project, error_format)


@main.command()
@click.argument("briefs", nargs=-1)
@click.option("--theme", help="Check against this theme instead of the one each brief names.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--pdfa", is_flag=True, help="Also check what PDF/A forbids (CMYK images).")
@_json
@_error_format
@click.pass_obj
def check(obj: _Context, briefs: Sequence[str], theme: str | None, strict: bool,
          pdfa: bool, as_json: bool, error_format: str) -> None:
    """Validate BRIEFS without rendering them."""
    options = pipeline.BuildOptions(theme=theme, strict=strict, pdfa=pdfa)
    report = _call(pipeline.check, obj.project, briefs, options)
    if as_json:
        click.echo(json.dumps(check_summary(report), indent=2, ensure_ascii=False))
    elif not report.failed:
        click.echo("ok")
    _finish(report, obj.project, error_format)


@main.command()
@click.argument("briefs", nargs=-1)
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where PDFs go (default: out/ in the project).")
@click.option("--theme", help="Use this theme instead of the one each brief names.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--pdfa", is_flag=True, help="Make PDF/A-2 files, as build --pdfa.")
@click.pass_obj
def watch(obj: _Context, briefs: Sequence[str], output_dir: Path | None, theme: str | None,
          strict: bool, pdfa: bool) -> None:
    """Build BRIEFS, then rebuild whenever one of their inputs changes (Ctrl-C stops)."""
    from .watch import rebuilds

    options = pipeline.BuildOptions(output_dir=output_dir, theme=theme, strict=strict,
                                    source_date_epoch=_source_date_epoch(), pdfa=pdfa)
    display = _BuildDisplay(obj.project, quiet=False, bar=False)
    try:
        changes = rebuilds(obj.project, briefs, options, progress=display,
                           on_change=lambda changed: click.echo(f"changed: {', '.join(changed)}"))
        for rebuild in _usage_errors(changes):
            if rebuild.report is not None:
                display.summary(rebuild.report, None)
                _print_problems(rebuild.report, obj.project, "text")
            else:
                click.echo(f"error: {rebuild.error}", err=True)
            click.echo("watching for changes (Ctrl-C stops)")
    except KeyboardInterrupt:
        pass


def _usage_errors(items: Iterator[T]) -> Iterator[T]:
    """Items of ``items``; a :class:`pipeline.UsageError` it raises becomes a usage error."""
    try:
        yield from items
    except pipeline.UsageError as exc:
        raise click.UsageError(str(exc)) from None


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


def _print_problems(report: pipeline.RunReport, project: Project | None,
                    error_format: str) -> None:
    prefix = ""
    if error_format == "github" and project is not None:
        prefix = path_prefix(project.root, Path.cwd())
    for problem in report.problems:
        click.echo(format_problem(problem, error_format, prefix), err=True)
    if report.problems:
        line = summary(report.problems)
        if report.strict and not any(p.severity is Severity.ERROR for p in report.problems):
            line += " (--strict: warnings fail the run)"  # why exit 1 with no error
        click.echo(line, err=True)


def _finish(report: pipeline.RunReport, project: Project | None = None,
            error_format: str = "text") -> None:
    _print_problems(report, project, error_format)
    if report.crashed:  # a bug stopped some brief: the others were built and recorded
        sys.exit(EXIT_INTERNAL)
    if report.failed:
        sys.exit(EXIT_PROBLEMS)


class _BuildDisplay:
    """Shows a build as it goes: a progress bar on a terminal, else one line per PDF."""

    def __init__(self, project: Project, *, quiet: bool, bar: bool | None = None) -> None:
        self.project = project
        self.quiet = quiet
        self.bar_wanted = sys.stdout.isatty() if bar is None else bar
        self._bar = None  # type: ignore[var-annotated]

    def planned(self, count: int) -> None:
        if self.quiet or not self.bar_wanted or count < 2:
            return
        self._bar = click.progressbar(length=count, label="building", show_pos=True,
                                      show_eta=True, width=24)
        self._bar.__enter__()

    def finished(self, result: pipeline.BriefResult) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.update(1, self.project.relative(result.output))
            return
        pages = "1 page" if result.pages == 1 else f"{result.pages} pages"
        click.echo(f"built {self.project.relative(result.output)} "
                   f"({pages}, {result.size:,} bytes, {result.seconds:.2f} s)")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def summary(self, report: pipeline.RunReport, shard: Shard | None) -> None:
        if not self.bar_wanted:
            for output in report.up_to_date:
                click.echo(f"up to date {self.project.relative(output)}")
        for name in report.not_built:
            click.echo(f"not built {name} (see the problems below)")
        parts = [f"{len(report.results)} built"]
        if report.up_to_date:
            parts.append(f"{len(report.up_to_date)} up to date")
        if report.not_built:
            parts.append(f"{len(report.not_built)} not built")
        where = f" (shard {shard})" if shard is not None else ""
        click.echo(f"{', '.join(parts)}{where} in {report.seconds:.2f} s")
