"""Fetching a document by URL (the service and `batch` both use it), with the guards a server
needs.

- Only http and https, with a host name or address.
- Every address the host resolves to must be public: loopback, private, link-local,
  multicast, reserved and unspecified addresses are refused (no server-side request
  forgery), unless the service was started with ``allow_private``.
- Redirects are followed by hand, at most ``max_redirects``, each target checked again.
- The body is read in chunks and refused past ``max_bytes``; the whole fetch has a time
  limit; the content type must be one sourcecheck reads.

Known limit: the address is checked when resolved, and the HTTP client resolves again
to connect, so a name whose DNS answer changes in between (DNS rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from sourcecheck.errors import InputError

#: Content types a fetched document may have (parameters such as charset are ignored).
ALLOWED_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/pdf",
        "text/plain",
        "text/markdown",
        "text/x-markdown",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/octet-stream",
    }
)

Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int = 50 * 1024 * 1024
    timeout: float = 20.0
    max_redirects: int = 5
    allow_private: bool = False


@dataclass(frozen=True)
class Fetched:
    url: str
    """The final URL, after redirects."""
    name: str
    """A file name for the document (from the URL's path), used in messages and reports."""
    data: bytes
    media_type: str | None


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str, policy: FetchPolicy, resolve: Resolver = system_resolver) -> None:
    """Raise InputError(url, ...) unless ``url`` may be fetched under ``policy``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(url, "only http and https URLs can be fetched")
    host = parts.hostname
    if not host:
        raise InputError(url, "the URL has no host")
    if parts.username or parts.password:
        raise InputError(url, "URLs with a user name or password are refused")
    if policy.allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InputError(url, "the URL's port is not a number in range") from None
    try:
        addresses = resolve(host, port)
    except OSError as exc:
        raise InputError(url, f"the host cannot be resolved ({exc})") from None
    if not addresses:
        raise InputError(url, "the host resolves to no address")
    for address in addresses:
        if not is_public(address):
            raise InputError(
                url,
                f"refused: {host} resolves to a non-public address ({address}); "
                "start the service with --allow-private-urls to allow it",
            )


def _name_from(url: str) -> str:
    path = PurePosixPath(unquote(urlsplit(url).path))
    return path.name or (urlsplit(url).hostname or "document")


def fetch(
    url: str,
    policy: FetchPolicy | None = None,
    *,
    resolve: Resolver = system_resolver,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """Fetch ``url`` under ``policy``; every problem is an InputError naming the URL."""
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.timeout
    current = url
    with httpx.Client(
        follow_redirects=False,
        timeout=policy.timeout,
        transport=transport,
        headers={"User-Agent": "sourcecheck (+https://github.com/sourcecheck)"},
    ) as client:
        for _ in range(policy.max_redirects + 1):
            try:
                check_url(current, policy, resolve)
            except InputError as exc:
                if current == url:
                    raise
                raise InputError(url, f"redirected to {current}, which is {exc.problem}") from None
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise InputError(url, "redirect without a Location header")
                        current = urljoin(current, location)
                        continue
                    if response.status_code != 200:
                        raise InputError(url, f"the server answered HTTP {response.status_code}")
                    media = response.headers.get("content-type", "").split(";")[0].strip()
                    media = media.lower() or None
                    if media is not None and media not in ALLOWED_TYPES:
                        raise InputError(url, f"content type {media} is not a document type")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                        raise InputError(url, f"larger than the {_mb(policy.max_bytes)} limit")
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > policy.max_bytes:
                            raise InputError(url, f"larger than the {_mb(policy.max_bytes)} limit")
                        if time.monotonic() > deadline:
                            raise InputError(url, f"took longer than {policy.timeout:g} s")
                        chunks.append(chunk)
                    return Fetched(current, _name_from(current), b"".join(chunks), media)
            except httpx.TimeoutException:
                raise InputError(url, f"took longer than {policy.timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise InputError(url, f"cannot be fetched ({exc})") from None
        raise InputError(url, f"more than {policy.max_redirects} redirects")


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"
