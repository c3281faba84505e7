"""What the theme shows from data: the draft banner, the print cover and the running print header.

Pure Python (no MkDocs): the glue puts :func:`banner_fields` into ``config.extra.handbook`` so that
``overrides/main.html`` and the print cover read the draft status, circulation, version and date from
``data/handbook.yaml`` rather than from text typed into templates.
"""

from __future__ import annotations

from ..core.fmt import format_date
from ..core.model import Handbook


def css_string(text: str) -> str:
    """``text`` as a CSS string literal for ``content:``; every non-ASCII or special character is escaped.

    CSS escapes are ``\\HEX `` (not JSON's ``\\uXXXX``), and escaping ``<`` keeps ``</style>`` out of the
    stylesheet whatever the data says.
    """
    out = []
    for ch in text:
        if ch.isascii() and ch.isprintable() and ch not in '"\\<>&':
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def banner_fields(hb: Handbook) -> dict[str, str]:
    """Fields of the draft banner and print cover, formatted as the reader sees them."""
    date = format_date(hb.date)
    header = f"{hb.status} · {hb.circulation} · Phiên bản {hb.version}, ngày {date}"
    return {
        "title": hb.title,
        "short_title": hb.short_title or hb.title,
        "organisation": hb.organisation,
        "congress": hb.congress or "",
        "status": hb.status,
        "circulation": hb.circulation,
        "version": hb.version,
        "date": date,
        "print_header": header,
        "print_header_css": css_string(header),
        "header_parent": (hb.header_parent or "").upper(),
        "header_issuer": (hb.header_issuer or "").upper(),
        "header_place_date": place_and_date(hb),
    }


def place_and_date(hb: Handbook) -> str:
    """"<nơi ban hành>, ngày 15 tháng 01 năm 2025", as a Party document writes its place and date (day and month
    below 10 with a leading zero); empty without a place."""
    if not hb.header_place:
        return ""
    d = hb.date
    if d.day and d.month:
        return f"{hb.header_place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    if d.month:
        return f"{hb.header_place}, tháng {d.month:02d} năm {d.year}"
    return f"{hb.header_place}, năm {d.year}"


PRINT_PAGE_CSS = "assets/stylesheets/hb-print-page.css"


def print_page_css(fields: dict[str, str]) -> str:
    """The @page rules of print: the draft line as running header, page numbers at the foot.

    Written as a stylesheet of the site rather than an inline <style>, which the intranet's
    Content-Security-Policy (style-src 'self') would block, and whose hash would change with every version.
    """
    return ("@page {\n"
            f"  @top-center {{ content: {fields['print_header_css']}; }}\n"
            '  @bottom-center { content: "Trang " counter(page) " / " counter(pages); }\n'
            "  @bottom-right { content: none; }\n"
            "}\n"
            # The cover carries the draft status in its own stamp: no running draft line above it.
            "@page :first {\n  @top-center { content: none; }\n}\n")


def default_title(name: str) -> str:
    """``du-thao-2`` → "Dự thảo lần 2"; any other name is its own title."""
    import re

    match = re.match(r"^du-thao-(\d+)$", name)
    return f"Dự thảo lần {int(match.group(1))}" if match else name


def version_config(environ: dict[str, str], offline: bool) -> dict | None:
    """``config.extra.version`` for a draft published with ``publish --version`` (the pipeline sets the variables).

    ``provider: mike`` makes Material fetch ``../versions.json`` and show its version selector, and show the
    outdated banner on a version without the ``latest`` alias. Under ``file://`` nothing can be fetched, so an
    offline build (``make offline VERSION=…``) gets the list itself (``versions``) and ``outdated`` decided here,
    and overrides/main.html writes both into every page.
    """
    import json

    name = environ.get("HANDBOOK_VERSION", "").strip()
    if not name:
        return None
    try:
        if environ.get("HANDBOOK_VERSIONS"):
            listed = json.loads(environ["HANDBOOK_VERSIONS"])
        elif environ.get("HANDBOOK_VERSIONS_FILE"):
            with open(environ["HANDBOOK_VERSIONS_FILE"], encoding="utf-8") as handle:
                listed = json.load(handle)
        else:
            listed = []
    except (OSError, ValueError):
        listed = []
    versions = [v for v in listed if isinstance(v, dict) and isinstance(v.get("version"), str)]
    title = (environ.get("HANDBOOK_VERSION_TITLE", "").strip()
             or next((str(v.get("title")) for v in versions if v["version"] == name and v.get("title")), default_title(name)))
    if not any(v["version"] == name for v in versions):
        versions.insert(0, {"version": name, "title": title, "aliases": ["latest"]})
    newest = versions[0]
    # Offline, Material's fetch of versions.json could only fail: the page carries the list instead.
    return {"provider": None if offline else "mike", "default": "latest", "name": name, "title": title,
            "this": title[:1].lower() + title[1:], "newest": newest, "outdated": newest["version"] != name,
            "versions": versions, "static": offline}
