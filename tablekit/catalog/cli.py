"""``tablekit datastore ...`` and ``tablekit asset ...``: the workspace catalog on the command line.

    tablekit datastore list | show NAME | remove NAME
    tablekit datastore add NAME (--folder PATH | --blob ACCOUNT/CONTAINER | --adls ACCOUNT/FILESYSTEM | --url URL)
    tablekit datastore upload NAME SRC_DIR [--target PATH]   /   download NAME DEST_DIR [--prefix P]
    tablekit asset register NAME PATH [--version V] [--type T] [--description D] [--tag K=V ...]
    tablekit asset list [NAME]   /   show NAME[:VERSION] (or any azureml asset URI)

Secrets are best given as ``env:VARIABLE`` (only the variable's name is
stored) or ``-`` (read from standard input); a literal secret on a command
line ends up in the shell's history.  See docs/catalog.md.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Dict, List, Optional, Sequence

from tablekit.catalog import uris
from tablekit.catalog.datastore import Datastore
from tablekit.catalog.workspace import ASSET_TYPES, DataAsset, Workspace
from tablekit.errors import user_error
from tablekit.sources.credentials import redact


def _workspace(args) -> Workspace:
    return Workspace(home=args.home)


def _cell(value) -> str:
    """A value in a text table: a flag shows as * (set) or nothing; JSON keeps true and false."""
    if isinstance(value, bool):
        return "*" if value else ""
    return str(value)


def _print_rows(rows: List[Dict[str, object]], columns: Sequence[str], as_json: bool) -> None:
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    widths = {c: max([len(c)] + [len(_cell(row.get(c, ""))) for row in rows]) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip())
    for row in rows:
        print("  ".join(_cell(row.get(c, "")).ljust(widths[c]) for c in columns).rstrip())


def _print_fields(fields: Dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(fields, indent=2))
        return
    width = max(len(k) for k in fields)
    for key, value in fields.items():
        print(f"{key + ':':<{width + 1}} {json.dumps(value) if isinstance(value, (dict, bool)) else value}")


def _secret(value: Optional[str]) -> Optional[str]:
    """A secret argument: '-' reads it from standard input (kept out of the shell history)."""
    if value != "-":
        return value
    secret = sys.stdin.readline().strip()
    if not secret:
        raise user_error("expected the secret on standard input ('-'), got nothing")
    return secret


def _split(value: str, what: str) -> List[str]:
    parts = value.split("/")
    if len(parts) != 2 or not all(parts):
        raise user_error(f"{what} must be ACCOUNT/NAME, not {value!r}")
    return parts


# -- datastore -------------------------------------------------------------------

def cmd_datastore_list(args) -> None:
    rows = [{"name": ds.name, "type": ds.datastore_type, "url": redact(ds.url), "default": ds.is_default}
            for ds in _workspace(args).datastores.values()]
    _print_rows(rows, ["name", "type", "default", "url"], args.json)


def cmd_datastore_show(args) -> None:
    _print_fields(Datastore.get(_workspace(args), args.name).describe(), args.json)


def cmd_datastore_add(args) -> None:
    ws = _workspace(args)
    common = {"overwrite": args.overwrite}
    azure = {"protocol": args.protocol, "endpoint": args.endpoint, "account_url": args.account_url,
             "secret_store": args.secret_store, **common}
    if args.folder:
        if not os.path.isdir(args.folder):  # register_local_folder makes it: say so rather than silently
            print(f"the folder {args.folder} does not exist; created it", file=sys.stderr)
        ds = Datastore.register_local_folder(ws, args.name, args.folder, **common)
    elif args.url:
        ds = Datastore.register_http(ws, args.name, args.url, **common)
    elif args.blob:
        account, container = _split(args.blob, "--blob")
        ds = Datastore.register_azure_blob_container(ws, args.name, container, account,
                                                     sas_token=_secret(args.sas_token),
                                                     account_key=_secret(args.account_key), **azure)
    else:
        account, filesystem = _split(args.adls, "--adls")
        ds = Datastore.register_azure_data_lake_gen2(ws, args.name, filesystem, account, tenant_id=args.tenant_id,
                                                     client_id=args.client_id,
                                                     client_secret=_secret(args.client_secret),
                                                     sas_token=_secret(args.sas_token),
                                                     account_key=_secret(args.account_key), **azure)
    if args.default:
        ws.set_default_datastore(ds.name)
    print(f"registered datastore {ds.name}: {redact(ds.url)}", file=sys.stderr)


def cmd_datastore_remove(args) -> None:
    Datastore.get(_workspace(args), args.name).unregister()
    print(f"removed datastore {args.name} (its files are left as they are)", file=sys.stderr)


def cmd_datastore_upload(args) -> None:
    ref = Datastore.get(_workspace(args), args.name).upload(args.src_dir, target_path=args.target,
                                                            overwrite=args.overwrite,
                                                            show_progress=args.progress)
    print(ref.uri)


def cmd_datastore_download(args) -> None:
    count = Datastore.get(_workspace(args), args.name).download(args.dest_dir, prefix=args.prefix,
                                                                overwrite=args.overwrite,
                                                                show_progress=args.progress)
    print(f"downloaded {count} files to {args.dest_dir}", file=sys.stderr)


# -- asset -------------------------------------------------------------------------

def _asset_fields(asset: DataAsset) -> Dict[str, object]:
    return {"name": asset.name, "version": asset.version, "type": asset.type, "path": redact(asset.path),
            "uri": asset.uri, "description": asset.description or "", "tags": asset.tags,
            "created": asset.created_at}


def _tags(pairs: Optional[List[str]]) -> Dict[str, str]:
    tags = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise user_error(f"--tag takes KEY=VALUE, not {pair!r}")
        tags[key] = value
    return tags


def cmd_asset_register(args) -> None:
    asset = _workspace(args).register_asset(args.name, args.path, version=args.version, type=args.type,
                                            description=args.description, tags=_tags(args.tag))
    print(asset.uri)


def cmd_asset_list(args) -> None:
    rows = [{k: str(v) for k, v in _asset_fields(a).items() if k not in ("tags", "uri")}
            for a in _workspace(args).list_assets(args.name)]
    _print_rows(rows, ["name", "version", "type", "created", "path"], args.json)


def cmd_asset_show(args) -> None:
    text = args.asset if uris.is_azureml(args.asset) else f"azureml:{args.asset}"
    parsed = uris.parse(text)
    if not isinstance(parsed, uris.AssetUri):
        raise user_error(f"'{args.asset}' names a datastore path, not a data asset")
    ws = _workspace(args)
    ws.check_scope(parsed.scope, text)
    _print_fields(_asset_fields(ws.get_asset(parsed.name, args.version or parsed.version)), args.json)


# -- the parsers ---------------------------------------------------------------------

def add_catalog_commands(commands) -> None:
    """Add ``datastore`` and ``asset`` to the tablekit command's subcommands."""
    catalog = argparse.ArgumentParser(add_help=False)
    catalog.add_argument("--home", help="the tablekit home holding the catalog (default: $TABLEKIT_HOME or "
                                        "~/.tablekit)")
    printing = argparse.ArgumentParser(add_help=False)
    printing.add_argument("--json", action="store_true", help="print JSON")
    moving = argparse.ArgumentParser(add_help=False)
    moving.add_argument("--overwrite", action="store_true", help="replace files that exist (default: skip them)")
    moving.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")

    datastore = commands.add_parser("datastore", help="register, list and move files to and from datastores")
    actions = datastore.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", parents=[catalog, printing], help="list the datastores").set_defaults(
        run=cmd_datastore_list)
    show = actions.add_parser("show", parents=[catalog, printing], help="show a datastore (never its secret)")
    show.add_argument("name")
    show.set_defaults(run=cmd_datastore_show)
    add = actions.add_parser("add", parents=[catalog], help="register a datastore")
    add.add_argument("name")
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--folder", help="a local folder")
    where.add_argument("--blob", metavar="ACCOUNT/CONTAINER", help="an Azure blob container")
    where.add_argument("--adls", metavar="ACCOUNT/FILESYSTEM", help="an ADLS Gen2 filesystem")
    where.add_argument("--url", help="an http(s) base URL (read only)")
    secrets = add.add_argument_group("credentials (give secrets as env:VARIABLE, or - to read standard input)")
    secrets.add_argument("--sas-token")
    secrets.add_argument("--account-key")
    secrets.add_argument("--tenant-id")
    secrets.add_argument("--client-id")
    secrets.add_argument("--client-secret")
    secrets.add_argument("--secret-store", choices=["keyring", "plaintext"],
                         help="where a literal secret is kept (default: the system keyring)")
    azure = add.add_argument_group("Azure storage")
    azure.add_argument("--endpoint", help="storage endpoint suffix (default core.windows.net)")
    azure.add_argument("--protocol", choices=["https", "http"])
    azure.add_argument("--account-url", help="the blob service URL, for an emulator such as Azurite")
    add.add_argument("--overwrite", action="store_true", help="replace a datastore of that name")
    add.add_argument("--default", action="store_true", help="make it the default datastore")
    add.set_defaults(run=cmd_datastore_add)
    remove = actions.add_parser("remove", parents=[catalog], help="unregister a datastore (its files stay)")
    remove.add_argument("name")
    remove.set_defaults(run=cmd_datastore_remove)
    upload = actions.add_parser("upload", parents=[catalog, moving], help="upload a local folder")
    upload.add_argument("name")
    upload.add_argument("src_dir", metavar="SRC_DIR")
    upload.add_argument("--target", help="the path on the datastore (default: its root)")
    upload.set_defaults(run=cmd_datastore_upload)
    download = actions.add_parser("download", parents=[catalog, moving], help="download files")
    download.add_argument("name")
    download.add_argument("dest_dir", metavar="DEST_DIR")
    download.add_argument("--prefix", help="only paths starting with this (default: everything)")
    download.set_defaults(run=cmd_datastore_download)

    asset = commands.add_parser("asset", help="register, list and show versioned data assets")
    actions = asset.add_subparsers(dest="action", metavar="ACTION", required=True)
    register = actions.add_parser("register", parents=[catalog], help="register a new version of a data asset")
    register.add_argument("name")
    register.add_argument("path", help="an azureml datastore URI, a storage URL, or a local file/folder "
                                       "(uploaded to the default datastore)")
    register.add_argument("--version", help="(default: one more than the highest numeric version)")
    register.add_argument("--type", choices=ASSET_TYPES, default="mltable",
                          help="what PATH is: an MLTable folder (mltable, the default), one file (uri_file) or "
                               "a folder of files (uri_folder)")
    register.add_argument("--description")
    register.add_argument("--tag", action="append", metavar="KEY=VALUE")
    register.set_defaults(run=cmd_asset_register)
    listing = actions.add_parser("list", parents=[catalog, printing],
                                 help="the latest version of every asset, or every version of one")
    listing.add_argument("name", nargs="?")
    listing.set_defaults(run=cmd_asset_list)
    show = actions.add_parser("show", parents=[catalog, printing], help="show one version (default: the latest)")
    show.add_argument("asset", metavar="NAME[:VERSION]")
    show.add_argument("--version")
    show.set_defaults(run=cmd_asset_show)
