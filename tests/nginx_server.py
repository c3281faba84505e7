"""A real nginx on 127.0.0.1 with the shipped configuration, in a throwaway prefix.

Everything nginx writes (pid, logs, temp files) stays in the test's folder; it listens on an ephemeral
loopback port; it runs in the foreground as a child process and is stopped by its own pid.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT

DEPLOY = ROOT / "deploy" / "nginx"


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        raise RuntimeError("nginx is not installed: `make system-deps` installs Debian's nginx")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mime_types() -> str:
    for candidate in ("/etc/nginx/mime.types", "/usr/share/nginx/mime.types"):
        if Path(candidate).exists():
            return f"include {candidate};"
    return "types { text/html html; text/css css; application/javascript js; application/json json; }"


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


class Nginx:
    """nginx serving ``release_root/current`` with deploy/nginx/ — only listen and paths are changed."""

    def __init__(self, workdir: Path, release_root: Path, access: str | None = None):
        self.prefix = workdir
        self.release_root = release_root
        self.access = access
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def write_config(self) -> Path:
        conf = self.prefix / "conf"
        (conf / "snippets").mkdir(parents=True, exist_ok=True)
        for name in ("logs", "tmp"):
            (self.prefix / name).mkdir(exist_ok=True)
        for snippet in (DEPLOY / "snippets").glob("*.conf"):
            shutil.copy2(snippet, conf / "snippets" / snippet.name)
        if self.access is not None:
            (conf / "snippets" / "handbook-access.conf").write_text(self.access, encoding="utf-8")
        server = (DEPLOY / "handbook.conf").read_text(encoding="utf-8")
        assert server.count("listen 80;") == 1 and "/srv/handbook" in server
        server = server.replace("listen 80;", f"listen 127.0.0.1:{self.port};").replace(
            "/srv/handbook", str(self.release_root))
        (conf / "handbook.conf").write_text(server, encoding="utf-8")
        tmp = self.prefix / "tmp"
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read pytest's private tmp folders
        (conf / "nginx.conf").write_text(f"""{user}daemon off;
worker_processes 2;
pid {self.prefix}/nginx.pid;
error_log {self.prefix}/logs/error.log warn;
events {{ worker_connections 512; }}
http {{
    {_mime_types()}
    default_type application/octet-stream;
    access_log {self.prefix}/logs/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include handbook.conf;
}}
""", encoding="utf-8")
        return conf / "nginx.conf"

    def _command(self, *extra: str) -> list[str]:
        return [nginx_binary(), "-p", f"{self.prefix}/", "-c", "conf/nginx.conf", "-e", f"{self.prefix}/logs/error.log",
                *extra]

    def test_config(self) -> subprocess.CompletedProcess:
        if not self.port:
            self.port = _free_port()
        self.write_config()
        return subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=30, check=False)

    def start(self) -> Nginx:
        for _attempt in range(3):
            self.port = _free_port()
            self.write_config()
            self.proc = subprocess.Popen(self._command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                        return self
                except OSError:
                    time.sleep(0.05)
            self.stop()
        log = (self.prefix / "logs" / "error.log")
        raise RuntimeError("nginx did not start: " + (log.read_text() if log.exists() else "no error log"))

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    def get(self, path: str, method: str = "GET", headers: dict[str, str] | None = None, timeout: float = 10) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            body = resp.read()
            merged: dict[str, str] = {}
            for name, value in resp.getheaders():
                key = name.lower()
                merged[key] = f"{merged[key]}, {value}" if key in merged else value
            return Response(resp.status, merged, body)
        finally:
            conn.close()

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
