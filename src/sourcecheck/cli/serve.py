"""``sourcecheck serve``: the HTTP service and its web page."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_PORT = 8600


def default_data_dir() -> Path:
    if os.environ.get("SOURCECHECK_DATA_DIR"):
        return Path(os.environ["SOURCECHECK_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sourcecheck"


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="start the HTTP service and its web page",
        description="Serve the sourcecheck API (/api/checks, OpenAPI at /docs) and the web "
        "page on http://HOST:PORT/. Checks, documents and scores are kept in SQLite under "
        "--data-dir.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the database lives (default $SOURCECHECK_DATA_DIR or "
        "~/.local/share/sourcecheck)",
    )
    p.add_argument("--workers", type=int, default=2, help="checks run at once (default 2)")
    p.add_argument(
        "--max-upload-mb", type=float, default=50, help="largest request body (default 50 MB)"
    )
    p.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let checks fetch URLs on loopback/private networks (off: no SSRF)",
    )
    p.add_argument("-m", "--model", help="verifier for every check (default: the configured one)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(run=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from sourcecheck.errors import ConfigError
    from sourcecheck.service import Settings, create_app

    if args.workers < 1:
        raise ConfigError("--workers must be at least 1")
    if args.max_upload_mb <= 0:
        raise ConfigError("--max-upload-mb must be positive")
    if not _is_loopback(args.host):
        print(
            f"sourcecheck: warning: serving on {args.host}, reachable from other machines; "
            "the service has no authentication — put it behind one",
            file=sys.stderr,
        )
    data_dir = args.data_dir or default_data_dir()
    app = create_app(
        Settings(
            data_dir=data_dir,
            workers=args.workers,
            max_upload_bytes=int(args.max_upload_mb * 1024 * 1024),
            allow_private_urls=args.allow_private_urls,
            overrides={"model": args.model},
        )
    )
    shown = "localhost" if _is_loopback(args.host) else args.host
    print(
        f"sourcecheck: serving on http://{shown}:{args.port}/ (data in {data_dir})",
        file=sys.stderr,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
