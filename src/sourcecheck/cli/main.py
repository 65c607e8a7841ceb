"""``sourcecheck`` entry point. Exit codes are API: 0 done, 1 failed, 2 usage,
3 a ``--fail-on`` condition was met."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from sourcecheck import __version__
from sourcecheck.errors import SourcecheckError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_FAIL_ON = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    from sourcecheck.cli import batch, check, evaluate, models, serve

    parser = argparse.ArgumentParser(
        prog="sourcecheck",
        description="Does the source actually say that? Check an article against its sources.",
    )
    parser.add_argument("--version", action="version", version=f"sourcecheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check.add_parser(sub)
    batch.add_parser(sub)
    evaluate.add_parser(sub)
    models.add_parser(sub)
    serve.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    debug = bool(getattr(args, "debug", False))
    try:
        code: int = args.run(args)
        return code
    except SourcecheckError as exc:
        if debug:
            traceback.print_exc()
        print(f"sourcecheck: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("sourcecheck: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the boundary: never a traceback without --debug
        if debug:
            traceback.print_exc()
        else:
            print(
                f"sourcecheck: internal error: {type(exc).__name__}: {exc} "
                "(rerun with --debug for the traceback)",
                file=sys.stderr,
            )
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
