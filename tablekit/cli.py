"""The ``tablekit`` command: look at a table, count it, sample it, or convert it to parquet.

A TABLE is a file, a folder, a glob pattern (quote it) or an MLTable folder
(or MLTable file).  Its format comes from the file extensions or --format.
Errors in the input (a missing file, a bad filter, an unknown column) print
one line on standard error and exit with status 1; a wrong command line exits
with status 2.  See docs/cli.md.
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import sys
import tempfile
import warnings
from typing import List, Optional, Sequence

import tablekit
from tablekit.errors import MLTableError, UnknownColumnWarning
from tablekit.sources.registry import scheme_of

FORMATS = {  # extension -> format
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".parquet": "parquet", ".parq": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}
MLTABLE_FILE = "MLTable"
GLOB_CHARACTERS = "*?["


class CommandError(Exception):
    """A problem with what the user asked for: reported in one line, exit status 1."""


# -- opening a table ------------------------------------------------------------

def _is_mltable(path: str) -> bool:
    if os.path.basename(path) == MLTABLE_FILE and os.path.isfile(path):
        return True
    return os.path.isfile(os.path.join(path, MLTABLE_FILE))


def _format_of_names(names: Sequence[str], what: str) -> str:
    found = {FORMATS.get(os.path.splitext(name)[1].lower()) for name in names}
    if len(found) == 1 and None not in found:
        return found.pop()
    extensions = sorted({os.path.splitext(name)[1] or "(none)" for name in names})
    if not names:
        raise CommandError(f"{what} has no files")
    raise CommandError(f"cannot tell the format of {what} (extensions: {', '.join(extensions)}); "
                       f"pass --format")


def _folder_files(folder: str) -> List[str]:
    return [os.path.join(root, name) for root, _, names in os.walk(folder) for name in names]


def _is_remote(path: str) -> bool:
    return path.startswith("azureml:") or scheme_of(path) not in ("", "file")


def _remote_entry(path: str, given_format: Optional[str]):
    """({kind: uri}, format) for a remote file or pattern; (None, 'mltable') for what only load() opens.

    Remote folders cannot be listed to guess a format, so a URI without a data file extension is
    taken to be an MLTable folder or a registered asset (``azureml:name:version``).
    """
    fmt = given_format or FORMATS.get(os.path.splitext(path.rstrip("/"))[1].lower())
    if fmt is None or fmt == "mltable":
        return None, "mltable"
    if any(c in path for c in GLOB_CHARACTERS):
        return {"pattern": path}, fmt
    return ({"folder": path} if path.endswith("/") else {"file": path}), fmt


def _path_entry(path: str, given_format: Optional[str]):
    """({kind: path}, format) for a file, folder or pattern."""
    if _is_remote(path):
        return _remote_entry(path, given_format)
    if any(c in path for c in GLOB_CHARACTERS):
        kind = "pattern"
        names = glob.glob(path, recursive=True)
        fmt = given_format or _format_of_names(names or [path], f"the pattern '{path}'")
    elif os.path.isdir(path):
        kind = "folder"
        fmt = given_format or _format_of_names(_folder_files(path), f"the folder '{path}'")
    elif os.path.exists(path):
        kind = "file"
        fmt = given_format or _format_of_names([path], f"'{path}'")
    else:
        where = "" if os.path.isabs(path) else f" (looked for as {os.path.abspath(path)})"
        raise CommandError(f"'{path}' does not exist{where}")
    return {kind: path}, fmt


def open_table(args: argparse.Namespace) -> "tablekit.MLTable":
    path = args.table
    entry, fmt = (None, "mltable") if args.format == "mltable" or (
        args.format is None and not _is_remote(path) and _is_mltable(path)) else _path_entry(path, args.format)
    if fmt == "mltable":
        table = tablekit.load(path)
    else:
        if fmt in ("csv", "tsv"):
            delimiter = args.delimiter or ("\t" if fmt == "tsv" else ",")
            table = tablekit.from_delimited_files([entry], delimiter=delimiter, header=args.header,
                                                  encoding=args.encoding,
                                                  support_multi_line=args.multi_line)
        elif fmt == "parquet":
            table = tablekit.from_parquet_files([entry])
        else:
            table = tablekit.from_json_lines_files([entry], encoding=args.encoding)
    if args.filter:
        table = table.filter(args.filter)
    if args.columns:
        table = table.keep_columns([c.strip() for c in args.columns.split(",") if c.strip()])
    return table


# -- commands ---------------------------------------------------------------------

def _print_frame(frame, output: str) -> None:
    import pandas as pd

    if output == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif output == "jsonl":
        text = frame.to_json(orient="records", lines=True, date_format="iso")
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
    else:
        width = shutil.get_terminal_size((120, 24)).columns
        with pd.option_context("display.max_columns", None, "display.width", width,
                               "display.max_colwidth", 60):
            print(frame.to_string(index=False) if len(frame.columns) else "(no rows)")


def cmd_show(args) -> None:
    _print_frame(open_table(args).head(args.rows), args.output)


def cmd_schema(args) -> None:
    schema = open_table(args).schema()
    width = max((len(name) for name in schema.names), default=0)
    for field in schema:
        print(f"{field.name:<{width}}  {field.type}")


def cmd_explain(args) -> None:
    print(open_table(args).explain())


def cmd_count(args) -> None:
    table = open_table(args)
    names = table.schema().names
    if names:  # rows are what is counted: one column is enough to read
        table = table.keep_columns([names[0]])
    print(sum(batch.num_rows for batch in table.to_batches(show_progress=args.progress)))


def cmd_sample(args) -> None:
    if not 0 < args.fraction < 1:
        raise CommandError(f"--fraction must be between 0 and 1 (exclusive), not {args.fraction}")
    sampled = open_table(args).take_random_sample(args.fraction, seed=args.seed)
    _print_frame(sampled.head(args.rows), args.output)


def cmd_convert(args) -> None:
    rows = convert_to_parquet(open_table(args), args.destination, overwrite=args.overwrite,
                              rows_per_file=args.rows_per_file, show_progress=args.progress)
    print(f"wrote {rows:,} rows to {args.destination}", file=sys.stderr)


def convert_to_parquet(table, destination: str, overwrite: bool = False, rows_per_file: int = 1_000_000,
                       show_progress: Optional[bool] = None) -> int:
    """Write ``table`` as a folder of parquet files with an MLTable file; returns the row count.

    The folder is written next to ``destination`` under a temporary name and
    renamed into place at the end, so ``destination`` is either the old
    content or the complete new one, never half written.
    """
    import pyarrow.parquet as pq

    destination = os.path.abspath(destination)
    if os.path.exists(destination) and not overwrite:
        raise CommandError(f"'{destination}' already exists; pass --overwrite to replace it")
    parent = os.path.dirname(destination)
    if os.path.exists(parent) and not os.path.isdir(parent):
        raise CommandError(f"'{parent}' is a file, not a folder")
    os.makedirs(parent, exist_ok=True)  # as save() does: `convert data.csv cache/sales` makes cache/
    reader = table.to_batches(show_progress=show_progress)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(destination)}.", suffix=".tmp", dir=parent)
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it 0700; the table is a folder like save()'s
    try:
        rows = _write_parts(reader, staging, rows_per_file, pq)
        _write_mltable_file(staging)
        _replace(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return rows


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_parts(reader, folder: str, rows_per_file: int, pq) -> int:
    """The batches as part-00000.parquet, part-00001.parquet, ... of ``rows_per_file`` rows each."""
    writer, parts, in_part, rows = None, 0, 0, 0

    def next_part():
        nonlocal writer, parts, in_part
        if writer is not None:
            writer.close()
        writer = pq.ParquetWriter(os.path.join(folder, f"part-{parts:05d}.parquet"), reader.schema)
        parts, in_part = parts + 1, 0

    try:
        for batch in reader:
            while batch.num_rows:
                if writer is None or in_part == rows_per_file:
                    next_part()
                piece = batch.slice(0, rows_per_file - in_part)
                writer.write_batch(piece)
                in_part += piece.num_rows
                rows += piece.num_rows
                batch = batch.slice(piece.num_rows)
        if writer is None:  # no rows: one empty file keeps the columns
            next_part()
    finally:
        if writer is not None:
            writer.close()
    return rows


def _write_mltable_file(folder: str) -> None:
    from tablekit.plan import yaml as plan_yaml
    from tablekit.plan.nodes import PathEntry, Plan, ReadParquet

    plan = Plan((PathEntry("pattern", "./*.parquet"),), (ReadParquet(),))
    with open(os.path.join(folder, MLTABLE_FILE), "w", encoding="utf-8") as f:
        f.write(plan_yaml.dump(plan_yaml.plan_to_dict(plan, {}, {})))


def _replace(staging: str, destination: str) -> None:
    if not os.path.lexists(destination):
        os.rename(staging, destination)
        return
    retired = tempfile.mkdtemp(prefix=f".{os.path.basename(destination)}.", suffix=".old",
                               dir=os.path.dirname(destination))
    os.rmdir(retired)
    os.rename(destination, retired)
    os.rename(staging, destination)
    if os.path.isdir(retired) and not os.path.islink(retired):
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.remove(retired)


# -- the command line -----------------------------------------------------------------

def _fraction(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tablekit", description="Look at, count, sample and convert tables (CSV, parquet, JSON lines, "
                                     "MLTable folders).",
        epilog="TABLE is a file, a folder, a quoted glob pattern or an MLTable folder. See docs/cli.md.")
    parser.add_argument("--version", action="version", version=f"tablekit {tablekit.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    reading = argparse.ArgumentParser(add_help=False)
    reading.add_argument("table", metavar="TABLE", help="a file, a folder, a quoted glob pattern, an MLTable folder "
                         "or file, or an azureml:// URI")
    group = reading.add_argument_group("reading the table")
    group.add_argument("--format", choices=["csv", "tsv", "parquet", "jsonl", "mltable"],
                       help="the files' format (default: from the extension)")
    group.add_argument("--delimiter", help="field delimiter of delimited files (default , or tab for tsv)")
    group.add_argument("--header", default="all_files_same_headers",
                       choices=["all_files_same_headers", "all_files_different_headers", "from_first_file",
                                "no_header"], help="how delimited files name their columns")
    group.add_argument("--encoding", default="utf8", help="text encoding (utf8, latin1, utf16, ...)")
    group.add_argument("--multi-line", action="store_true", help="quoted fields of delimited files span lines")
    group.add_argument("--filter", metavar="EXPR", help="keep rows where EXPR holds (docs/filter-language.md)")
    group.add_argument("--columns", metavar="A,B,...", help="keep only these columns")
    progress = argparse.ArgumentParser(add_help=False)
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="always show a progress bar (default: on a terminal, for long reads)")
    progress.add_argument("--no-progress", dest="progress", action="store_false", help="never show one")
    printing = argparse.ArgumentParser(add_help=False)
    printing.add_argument("-n", "--rows", type=_positive, default=10, help="rows to print (default 10)")
    printing.add_argument("-o", "--output", choices=["table", "csv", "jsonl"], default="table",
                          help="how to print the rows (default: an aligned table)")

    show = commands.add_parser("show", aliases=["head"], parents=[reading, printing],
                               help="print the first rows")
    show.set_defaults(run=cmd_show)
    commands.add_parser("schema", parents=[reading], help="print the column names and types "
                        "(reads only what decides them)").set_defaults(run=cmd_schema)
    commands.add_parser("explain", parents=[reading], help="print the plan: which files, row groups and "
                        "columns will be read").set_defaults(run=cmd_explain)
    commands.add_parser("count", parents=[reading, progress], help="print the number of rows "
                        "(streams: memory stays small)").set_defaults(run=cmd_count)
    sample = commands.add_parser("sample", parents=[reading, printing], help="print random rows")
    sample.add_argument("-p", "--fraction", type=_fraction, default=0.1,
                        help="probability of keeping each row (default 0.1)")
    sample.add_argument("--seed", type=int, help="seed of the draw (same seed, same rows)")
    sample.set_defaults(run=cmd_sample)
    convert = commands.add_parser("convert", parents=[reading, progress],
                                  help="write the table as a folder of parquet files with an MLTable file")
    convert.add_argument("destination", metavar="DESTINATION", help="the folder to write")
    convert.add_argument("--overwrite", action="store_true", help="replace DESTINATION if it exists")
    convert.add_argument("--rows-per-file", type=_positive, default=1_000_000,
                         help="rows in each parquet file (default 1,000,000)")
    convert.set_defaults(run=cmd_convert)

    # the workspace catalog: `tablekit datastore ...` and `tablekit asset ...` (docs/catalog.md)
    from tablekit.catalog.cli import add_catalog_commands
    add_catalog_commands(commands)
    return parser


# mltable's keyword arguments, as messages name them, and the flags that set them here
_FLAGS = {"encoding": "--encoding", "delimiter": "--delimiter", "header": "--header", "overwrite": "--overwrite",
          "secret_store": "--secret-store", "support_multi_line": "--multi-line", "include_path_column": None}
_KEYWORD = re.compile(r"\b(" + "|".join(_FLAGS) + r")=(?:'([^']*)'|\"([^\"]*)\"|True\b)")


def as_flags(message: str) -> str:
    """A message written for Python callers in this command line's words: encoding='latin1' is
    --encoding latin1, overwrite=True is --overwrite, {'folder': ...} is the folder itself."""
    def flag(match: re.Match) -> str:
        option, value = _FLAGS[match.group(1)], match.group(2) or match.group(3)
        if option is None:
            return match.group(0)
        return option if value is None else f"{option} {value}"
    message = _KEYWORD.sub(flag, message)
    return message.replace("use {'folder': ...} for folders", "give the folder itself as TABLE")


def _parquet_read_as_text(args: argparse.Namespace, message: str) -> str:
    """A parquet file read as text fails to decode: say what it is rather than suggest an encoding."""
    path = getattr(args, "table", "")
    if getattr(args, "format", None) in ("csv", "tsv", "jsonl") and "Error attempting to decode" in message \
            and os.path.isfile(path):
        with open(path, "rb") as head:
            if head.read(4) == b"PAR1":
                return f"'{path}' is a parquet file, not {args.format} text: use --format parquet (or leave " \
                       "--format out: the extension decides)"
    return message


def _expanded_glob(parser: argparse.ArgumentParser, argv) -> None:
    """An unquoted glob the shell expanded arrives as many file names: say to quote it."""
    args, extra = parser.parse_known_args(argv)
    if extra and not any(item.startswith("-") for item in extra) and all(os.path.exists(item) for item in extra[:20]):
        parser.exit(2, f"tablekit {args.command}: error: the shell expanded a pattern into {len(extra) + 1} file "
                       f"names; quote it so tablekit sees the pattern, e.g. tablekit {args.command} "
                       f"'{os.path.dirname(args.table) or '.'}/*{os.path.splitext(args.table)[1]}'\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    _expanded_glob(parser, argv)
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", UnknownColumnWarning)  # the CLI is tablekit's own: an error here
            args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:  # piped into e.g. head, which has stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except (CommandError, MLTableError, OSError, UnknownColumnWarning) as exc:
        message = exc.as_error() if isinstance(exc, UnknownColumnWarning) else getattr(exc, "message", None) or str(exc)
        print(f"tablekit {args.command}: error: {as_flags(_parquet_read_as_text(args, message))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
