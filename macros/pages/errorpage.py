"""The page ``mkdocs serve`` answers with while the last build failed: the located lines, the files to fix, in
Vietnamese and in the site's colours, with a link to the last good build. Self-contained (its style inline),
since a failed clean build leaves the site folder empty. No MkDocs here; :mod:`macros.site.serve` serves it.
"""

from __future__ import annotations

import html
import re

LOCATED = re.compile(r"(?P<file>[^\s:][^:\n]*?\.(?:md|ya?ml|xlsx[^:\n]*|html|py)):(?P<line>\d+): ")
GOOD_PREFIX = "/.ban-dung-tot/"  # where the last good build stays reachable while the current one fails

_STYLE = """
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:#222;background:#fff;line-height:1.5}
header{background:#ef5350;color:#fff;padding:.8rem 1.2rem;font-size:1.1rem;font-weight:700}
main{max-width:60rem;margin:0 auto;padding:1rem 1.2rem}
h1{font-size:1.5rem;color:#c62828;margin:.5rem 0 1rem}
ol{padding-left:1.4rem}li{margin:.6rem 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem;background:#f5f5f5;
padding:.1rem .3rem;border-radius:.2rem;overflow-wrap:anywhere}
.files{background:#fff3e0;border-left:.3rem solid #ff9800;padding:.6rem 1rem}
a{color:#c62828}
.wait{color:#666;font-size:.9rem}
"""


def located_lines(messages: list[str]) -> list[str]:
    """The ``FILE:LINE: …`` lines in what the build reported, each once, in order."""
    found: list[str] = []
    for message in messages:
        for line in message.splitlines():
            match = LOCATED.search(line)
            if match:
                text = line[match.start():].strip()
                if text not in found:
                    found.append(text)
    return found


def error_page(messages: list[str], site_name: str, path: str, good: bool) -> str:
    """The HTML of the error page for a request of ``path``; ``good``: a good build exists to link to."""
    lines = located_lines(messages) or [m.strip() for m in messages if m.strip()] or ["bản dựng dừng mà không nói lý do"]
    files = list(dict.fromkeys(m.group("file") for m in map(LOCATED.search, lines) if m))
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    fix = ""
    if files:
        fix = ('<p class="files">Tệp cần sửa: ' + ", ".join(f"<code>{html.escape(f)}</code>" for f in files) + "</p>")
    link = ""
    if good:
        target = GOOD_PREFIX + path.lstrip("/")
        link = f'<p><a href="{html.escape(target, quote=True)}">xem bản dựng tốt gần nhất</a></p>'
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Lỗi bản dựng — {html.escape(site_name)}</title><style>{_STYLE}</style></head>
<body><header>{html.escape(site_name)}</header><main>
<h1>Bản dựng lỗi: {len(lines)} vấn đề</h1>
<p>Sổ tay chưa được dựng lại vì các lỗi dưới đây. Sửa từng dòng (tệp:dòng: khoá: lỗi — cách sửa), lưu tệp:
trang này tự tải lại khi bản dựng thành công.</p>
<ol class="problems">
{items}
</ol>
{fix}
{link}
<p class="wait">Đang chờ bản sửa…</p>
</main></body></html>
"""
