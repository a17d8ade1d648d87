"""``sbemail``: the developer's command line (generate emails to files, one request or a
batch, run the service, look at the blocks and the samples).

Exit codes: 0 done, 1 generation failed (or the service could not be reached), 2 bad
input, with the field named on stderr. Like the local stack, this package is for
developers' machines and is not shipped in the Lambda layer.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import commands
from .errors import CommandError

_URL_HELP = (
    "base URL of a running service (e.g. http://127.0.0.1:3000, or $SBEMAIL_URL); "
    "without it the whole local stack runs in this process for the command"
)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="sbemail", description=__doc__.split("\n\n")[0])
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    generate = sub.add_parser(
        "generate",
        help="generate a request's variants into files and a gallery",
        description="Generate email variants and write each one's .mjml, .html and .txt "
        "with an index.html gallery.",
    )
    source = generate.add_mutually_exclusive_group(required=True)
    source.add_argument("--sample", metavar="NAME", help="a sample request (see: sbemail samples)")
    source.add_argument("--request", metavar="FILE", help="a JSON request file ('-': stdin)")
    generate.add_argument(
        "--variants", type=int, choices=range(1, 6), metavar="N", help="1 to 5 variants"
    )
    generate.add_argument("--aesthetic", metavar="NAME", help="a style, e.g. luxe_mono")
    generate.add_argument("--out", type=Path, metavar="DIR", help="default: emails/<name>")
    generate.add_argument("--url", default=None, help=_URL_HELP)

    batch = sub.add_parser(
        "batch",
        help="generate many requests (JSON Lines) as one batch",
        description="Generate every request of a JSON Lines file (one request per line, at "
        "most 100) as one batch; each item's files and gallery go to <out>/item-N/.",
    )
    batch.add_argument("requests", metavar="FILE", help="a .jsonl file ('-': stdin)")
    batch.add_argument("--store-id", help="the batch's storeId (default: the first request's)")
    batch.add_argument(
        "--economy", action="store_true", help="through OpenAI's Batch API, at half price"
    )
    batch.add_argument("--out", type=Path, metavar="DIR", help="default: emails/<file name>")
    batch.add_argument("--url", default=None, help=_URL_HELP)

    serve = sub.add_parser("serve", help="run the whole service locally (what `make run` runs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: $PORT or 3000")

    sub.add_parser("blocks", help="list the block library by email type and section")
    sub.add_parser("samples", help="list the sample requests")
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        sys.exit(_run(args))
    except CommandError as error:
        print(f"sbemail: {error.describe()}", file=sys.stderr)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


def _run(args: argparse.Namespace) -> int:
    if args.command == "generate":
        return commands.generate(
            sample=args.sample,
            request_file=args.request,
            variants=args.variants,
            aesthetic=args.aesthetic,
            out=args.out,
            url=args.url or _env_url(),
        )
    if args.command == "batch":
        return commands.batch(
            requests_file=args.requests,
            store_id=args.store_id,
            economy=args.economy,
            out=args.out,
            url=args.url or _env_url(),
        )
    if args.command == "serve":
        from ..local.cli import main as serve

        port = [] if args.port is None else ["--port", str(args.port)]
        serve(["--host", args.host, *port])
        return 0
    if args.command == "blocks":
        return commands.blocks()
    return commands.samples()


def _env_url() -> str | None:
    import os

    return os.environ.get("SBEMAIL_URL") or None
