"""``mkdocs serve`` that shows a failed build in the browser, as Hugo's server does.

MkDocs' live-reload server leaves every request waiting while the last rebuild failed ("the server will
appear stuck"). Installed from the hooks file's ``on_serve``, this wraps the server's builder and request
handler: a failed rebuild is recorded (its located lines, from MkDocs' log) instead of raised, so the
server's epoch moves on and open pages reload at once into the error page
(:func:`macros.pages.errorpage.error_page`); that page carries the live-reload script, so it reloads itself
when a build succeeds. The last good build is kept (hard links, so cheap) and served under
:data:`GOOD_PREFIX` behind the link "xem bản dựng tốt gần nhất". Uses the server's own (private) request
and injection methods: checked against MkDocs 1.6 by tests/test_serve_errors.py.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import logging
import os
import posixpath
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..pages.errorpage import GOOD_PREFIX, error_page

log = logging.getLogger("mkdocs.plugins.handbook")


class _Collect(logging.Handler):
    """MkDocs' warnings and errors during one build: where the located lines of a failed build are."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.thread = threading.get_ident()  # the build's, not the request handlers' (their 500s are logged too)

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        with contextlib.suppress(Exception):  # a record that cannot format is not worth failing the build for
            self.messages.append(record.getMessage())


class ServeState:
    """What the last build did, for the request handler."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self.good_dir = Path(tempfile.mkdtemp(prefix="handbook_good_"))
        self.has_good = False
        self.failed: list[str] | None = None
        self._keeping: threading.Thread | None = None
        atexit.register(shutil.rmtree, self.good_dir, True)

    def keep_good_later(self) -> None:
        """:meth:`keep_good` beside the server: MkDocs holds every request until the builder returns, so a copy
        made there delayed each reload by the copy's time. The next build and any request for the kept site
        wait for it (:meth:`wait_kept`)."""
        self.wait_kept()
        self._keeping = threading.Thread(target=self.keep_good, name="handbook-keep-good", daemon=True)
        self._keeping.start()

    def wait_kept(self, timeout: float = 60.0) -> None:
        """Until the last good build is fully kept (bounded: a stuck disk does not hang the server)."""
        keeping = self._keeping
        if keeping is not None:
            keeping.join(timeout)

    def keep_good(self) -> None:
        """Keep the site just built as the last good one (hard links: MkDocs' clean build writes new files)."""
        fresh = self.good_dir.with_name(self.good_dir.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        try:
            shutil.copytree(self.site_dir, fresh, copy_function=os.link)
        except OSError:
            shutil.rmtree(fresh, ignore_errors=True)
            shutil.copytree(self.site_dir, fresh)
        old = self.good_dir.with_name(self.good_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        self.good_dir.rename(old)
        fresh.rename(self.good_dir)
        shutil.rmtree(old, ignore_errors=True)
        self.has_good = True


def _is_page(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return path.endswith("/") or last.endswith(".html") or "." not in last


_first_failure: list[str] | None = None  # the located lines of serve's first build, when it failed


def survive_first_build() -> None:
    """Before ``mkdocs serve``'s first build (``on_startup``): a failure of that build is recorded instead of
    ending the server, so an editor who starts it on a broken tree sees the error page, not a dead terminal."""
    from mkdocs.commands import serve as mkdocs_serve

    build = mkdocs_serve.build
    if getattr(build, "handbook_wrapped", False):
        return

    def first(*args: Any, **kwargs: Any) -> None:
        global _first_failure
        mkdocs_serve.build = build  # only the first build: later ones go through install()'s builder
        collect = _Collect()
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.addHandler(collect)
        try:
            build(*args, **kwargs)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 — shown in the browser instead
            _first_failure = [*collect.messages, str(exc)]
            log.error("build failed: the browser shows the error page until a build succeeds")
            # Not raised: serve goes on to watch the files and call on_serve, which installs the error page.
        finally:
            mkdocs_log.removeHandler(collect)

    first.handbook_wrapped = True  # type: ignore[attr-defined]
    mkdocs_serve.build = first


def install(server: Any, config: Any) -> Any:
    """Wrap ``server`` (MkDocs' LiveReloadServer) so failed builds show in the browser; return it."""
    if getattr(server, "handbook_installed", False):
        return server
    server.handbook_installed = True
    state = ServeState(Path(config["site_dir"]))
    if _first_failure is None:
        state.keep_good()  # serve's first build succeeded
    else:
        state.failed = _first_failure
    site_name = str(config.get("site_name") or "")
    build = server.builder
    mkdocs_log = logging.getLogger("mkdocs")

    def builder(*args: Any, **kwargs: Any) -> None:
        state.wait_kept()  # the copy of the last good build reads the folder this build rewrites
        collect = _Collect()
        mkdocs_log.addHandler(collect)
        try:
            build(*args, **kwargs)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 — every failure must end in the error page
            state.failed = [*collect.messages, str(exc)]
            log.error("build failed: the browser shows the error page until a build succeeds")
            return  # not raised: the epoch moves on, so open pages reload into the error page at once
        finally:
            mkdocs_log.removeHandler(collect)
        state.failed = None
        state.keep_good_later()

    server.builder = builder
    serve_request = server._serve_request

    def respond(environ: dict, start_response: Any) -> Any:
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        mount = server.mount_path
        inner = "/" + path[len(mount):] if path.startswith(mount) else path
        if inner.startswith(GOOD_PREFIX) and state.has_good:
            return _good_file(server, state, inner[len(GOOD_PREFIX):], start_response)
        if state.failed is not None and _is_page(inner) and not inner.startswith("/livereload/"):
            page = error_page(state.failed, site_name, inner, state.has_good).encode("utf-8")
            page = server._inject_js_into_html(page, server._visible_epoch)
            # 200, as Hugo's server does: the server logs a 4xx/5xx answer as a warning, and a strict build
            # running at that moment would count it and fail.
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page))),
                                      ("Cache-Control", "no-store"), ("X-Handbook-Build", "failed")])
            return [page]
        return serve_request(environ, start_response)

    server._serve_request = respond
    return server


def _good_file(server: Any, state: ServeState, rel: str, start_response: Any) -> Any:
    """A file of the last good build (never outside its folder)."""
    state.wait_kept()
    rel = posixpath.normpath("/" + rel).lstrip("/")
    path = state.good_dir / rel if rel else state.good_dir
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file() or path.is_symlink():
        return None  # the server answers 404
    data = path.read_bytes()
    start_response("200 OK", [("Content-Type", server._guess_type(str(path))), ("Content-Length", str(len(data)))])
    return [io.BytesIO(data).getvalue()]
