"""Generate a realistic handbook of any size, for the benchmark (``python -m macros.bench``).

``generate(dest, pages=100, indicators=1000)`` writes ``mkdocs.yml``, ``docs/`` and ``data/`` into
``dest``: Vietnamese sections whose figures all come from data through macros (``fig``, ``target``,
``status``, ``change``, ``share``, ``doc``, ``items``), indicators grouped by area in files of at most
:data:`PER_FILE` entries (a data file stays far under the loader's size limit), sources, documents,
lists, abbreviations and a handbook file with a word budget for every page. The result passes
``python -m macros check`` with no errors, so the benchmark measures a build that succeeds.

The text is deterministic for a given size and seed, so two runs measure the same work.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PER_FILE = 250
YEARS = (2020, 2021, 2022, 2023, 2024)
SPECIAL_PAGES = ("index.md", "chi-tieu.md", "van-ban.md", "phuong-phap.md", "viet-tat.md")

AREAS = [
    ("kinh-te", "Kinh tế", "tăng trưởng kinh tế, thu hút đầu tư và phát triển doanh nghiệp"),
    ("nong-nghiep", "Nông nghiệp, nông thôn", "sản xuất nông nghiệp hàng hóa và xây dựng nông thôn mới"),
    ("cong-nghiep", "Công nghiệp, xây dựng", "phát triển các khu, cụm công nghiệp và công nghiệp hỗ trợ"),
    ("dich-vu", "Thương mại, dịch vụ", "thương mại, du lịch, logistics và dịch vụ tài chính"),
    ("giao-duc", "Giáo dục, đào tạo", "đổi mới căn bản, toàn diện giáo dục và đào tạo nguồn nhân lực"),
    ("y-te", "Y tế, dân số", "chăm sóc sức khỏe nhân dân và nâng cao chất lượng dân số"),
    ("lao-dong", "Lao động, việc làm", "giải quyết việc làm, giảm nghèo bền vững và an sinh xã hội"),
    ("moi-truong", "Tài nguyên, môi trường", "quản lý đất đai, bảo vệ môi trường và ứng phó biến đổi khí hậu"),
    ("chuyen-doi-so", "Chuyển đổi số", "chính quyền số, kinh tế số và xã hội số"),
    ("xay-dung-dang", "Xây dựng Đảng", "công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị"),
]
# Generic units of a province: the generator serves any committee's report, not one province's.
PLACES = ["thành phố trung tâm", "thành phố phía Bắc", "thị xã phía Đông", "huyện Đông Bắc", "huyện Đông Nam",
          "huyện Tây Bắc", "huyện Tây Nam", "huyện ven sông", "huyện miền núi", "huyện đồng bằng",
          "khu công nghiệp tập trung", "khu kinh tế chuyên biệt", "toàn tỉnh"]
MEASURES = [
    ("Tốc độ tăng trưởng", "%", "rate"), ("Tỷ lệ", "%", "share"), ("Tổng vốn đầu tư", "tỷ đồng", "level"),
    ("Giá trị sản xuất", "tỷ đồng", "level"), ("Thu ngân sách", "tỷ đồng", "level"),
    ("Kim ngạch xuất khẩu", "triệu USD", "level"), ("Số lao động được tạo việc làm", "người", "count"),
    ("Số hộ thoát nghèo", "hộ", "count"), ("Diện tích", "ha", "level"), ("Số dự án", "dự án", "count"),
]
SUBJECTS = {
    "kinh-te": ["tổng sản phẩm trên địa bàn", "khu vực kinh tế tư nhân", "doanh nghiệp thành lập mới"],
    "nong-nghiep": ["nông nghiệp ứng dụng công nghệ cao", "xã đạt chuẩn nông thôn mới nâng cao", "vùng vải thiều"],
    "cong-nghiep": ["công nghiệp chế biến, chế tạo", "cụm công nghiệp", "công nghiệp hỗ trợ"],
    "dich-vu": ["bán lẻ hàng hóa", "du lịch", "dịch vụ logistics"],
    "giao-duc": ["trường đạt chuẩn quốc gia", "lao động qua đào tạo", "học sinh trung học phổ thông"],
    "y-te": ["người dân có thẻ bảo hiểm y tế", "trạm y tế xã đạt chuẩn", "giường bệnh"],
    "lao-dong": ["lao động có việc làm mới", "hộ nghèo đa chiều", "người tham gia bảo hiểm xã hội"],
    "moi-truong": ["chất thải rắn được thu gom, xử lý", "che phủ rừng", "nước sạch nông thôn"],
    "chuyen-doi-so": ["hồ sơ giải quyết trực tuyến", "thanh toán không dùng tiền mặt", "kinh tế số"],
    "xay-dung-dang": ["đảng viên mới kết nạp", "tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ", "chi bộ"],
}
OPENINGS = [
    "Trong nhiệm kỳ, Đảng bộ tỉnh đã lãnh đạo, chỉ đạo thực hiện đồng bộ các giải pháp về {topic}.",
    "Bám sát Nghị quyết Đại hội, các cấp ủy, chính quyền đã tập trung tháo gỡ khó khăn, vướng mắc trong {topic}.",
    "Công tác {topic} có chuyển biến rõ nét, đóng góp quan trọng vào kết quả chung của tỉnh.",
    "Việc triển khai các chủ trương về {topic} được cụ thể hóa bằng nhiều chương trình, đề án, kế hoạch.",
]
FIGURE_SENTENCES = [
    "{name} năm {year} đạt {fig}, so với năm cơ sở {change}.",
    "Đến năm {year}, {lname} đạt {fig}; mục tiêu của nhiệm kỳ là {target} {status}.",
    "{name} đạt {fig} vào năm {year}, phấn đấu đạt {target} {status}.",
    "Kết quả {lname} đạt {fig}, thay đổi {change} so với năm cơ sở.",
]
CLOSINGS = [
    "Tuy vậy, một số nhiệm vụ còn chậm, chưa đáp ứng yêu cầu; nguồn lực đầu tư còn phân tán.",
    "Nguyên nhân chủ yếu là công tác phối hợp giữa các ngành, các địa phương có lúc chưa chặt chẽ.",
    "Bài học rút ra là phải phát huy vai trò nêu gương của người đứng đầu, lấy hiệu quả làm thước đo.",
    "Trong thời gian tới, cần tiếp tục rà soát, hoàn thiện cơ chế, chính sách và đẩy mạnh phân cấp, phân quyền.",
]
TASKS = ["Hoàn thiện thể chế, chính sách", "Phát triển hạ tầng giao thông kết nối vùng", "Đào tạo nguồn nhân lực",
         "Đẩy mạnh chuyển đổi số", "Cải thiện môi trường đầu tư", "Nâng cao chất lượng đội ngũ cán bộ"]
HEADINGS = ["Kết quả đạt được", "Chuyển biến nổi bật", "Những mặt còn hạn chế", "Nhiệm vụ thời gian tới"]
DOC_TYPES = [("Nghị quyết", "NQ/TU", "Tỉnh ủy"), ("Kết luận", "KL/TW", "Bộ Chính trị"),
             ("Chỉ thị", "CT/TU", "Ban Thường vụ Tỉnh ủy"), ("Quyết định", "QĐ-UBND", "Ủy ban nhân dân tỉnh"),
             ("Kế hoạch", "KH/TU", "Tỉnh ủy")]


@dataclass(frozen=True)
class Size:
    pages: int
    indicators: int

    @property
    def label(self) -> str:
        return f"{self.pages}p/{self.indicators}i"


def _round(value: float, decimals: int) -> float | int:
    return round(value, decimals) if decimals else int(round(value))


def _indicator(rng: random.Random, n: int, area: str, with_target: bool, key: bool) -> dict[str, Any]:
    measure, unit, shape = MEASURES[n % len(MEASURES)]
    subject = SUBJECTS[area][(n // len(MEASURES)) % len(SUBJECTS[area])]
    place = PLACES[(n // 7) % len(PLACES)]
    decimals = 1 if unit == "%" else 0
    if shape in ("rate", "share"):
        start = rng.uniform(3, 60) if shape == "share" else rng.uniform(3, 11)
        step = rng.uniform(-0.5, 2.5)
        values = {y: _round(start + step * i, 1) for i, y in enumerate(YEARS)}
    else:
        start = rng.uniform(50, 50_000)
        growth = rng.uniform(0.95, 1.15)
        values = {y: _round(start * growth ** i, 0) for i, y in enumerate(YEARS)}
    ind: dict[str, Any] = {"id": f"{area}-{n:05d}", "name": f"{measure} {subject} {place}", "unit": unit,
                           "decimals": decimals, "group": dict((a, t) for a, t, _ in AREAS)[area]}
    if n % 3 == 0:
        ind["illustrative"] = True
    else:
        ind["source"] = f"src-{n % 40:03d}"
    ind["values"] = values
    if with_target:
        last = values[YEARS[-1]]
        ind["target"] = {"value": _round(last * 1.12 if shape in ("level", "count") else last + 3, decimals),
                         "year": 2025 if n % 2 else 2030, "direction": "at_least", "base_year": YEARS[0],
                         "trend": "compound" if shape in ("level", "count") else "linear",
                         "label": f"Phấn đấu {measure.lower()} {subject} tăng"}
    if key:
        ind["key"] = True
    return ind


class _MkDocsYamlLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's own tags as MkDocs does: `!ENV [VAR, …, default]` and `!relative` (a path)."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    import os

    names = [loader.construct_scalar(node)] if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node)
    default = names.pop() if len(names) > 1 else None
    for name in names:
        if name in os.environ:
            return yaml.safe_load(os.environ[name])
    return default


_MkDocsYamlLoader.add_constructor("!ENV", _env_tag)
_MkDocsYamlLoader.add_constructor("!relative", lambda loader, node: loader.construct_scalar(node))


def load_mkdocs_yml(text: str) -> dict[str, Any]:
    """A project's mkdocs.yml as plain data (its tags resolved), for writing a variant of it."""
    return yaml.load(text, Loader=_MkDocsYamlLoader)  # noqa: S506 — a SafeLoader subclass


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")


def _section(rng: random.Random, title: str, topic: str, inds: list[dict], docs: list[str], list_id: str | None,
             year: int) -> str:
    """One page of the report: prose with every figure through a macro, a list, an admonition."""
    out = [f"# {title}", ""]
    chunks = [inds[i:i + 3] for i in range(0, len(inds), 3)] or [[]]
    for k, chunk in enumerate(chunks):
        out.append(f"## {HEADINGS[k % len(HEADINGS)]}" + (f" ({k // len(HEADINGS) + 1})" if k >= len(HEADINGS) else ""))
        out.append("")
        sentences = [rng.choice(OPENINGS).format(topic=topic)]
        if docs:
            sentences.append(f'Thực hiện {{{{ doc("{rng.choice(docs)}") }}}}, các cấp, các ngành đã ban hành kế hoạch '
                             "cụ thể, phân công rõ người, rõ việc, rõ thời gian hoàn thành.")
        for ind in chunk:
            template = FIGURE_SENTENCES[rng.randrange(len(FIGURE_SENTENCES))]
            if "target" not in ind and "{target}" in template:
                template = FIGURE_SENTENCES[0]
            sentences.append(template.format(
                name=ind["name"], lname=ind["name"][0].lower() + ind["name"][1:], year=YEARS[-1],
                fig=f'{{{{ fig("{ind["id"]}") }}}}', change=f'{{{{ change("{ind["id"]}", {YEARS[0]}, {YEARS[-1]}) }}}}',
                target=f'{{{{ target("{ind["id"]}", full=True) }}}}', status=f'{{{{ status("{ind["id"]}") }}}}'))
        sentences.append(rng.choice(CLOSINGS))
        out += [" ".join(sentences), ""]
    if len(inds) >= 2 and inds[0]["unit"] == inds[1]["unit"] and inds[1]["values"][year] != 0:
        out += [f'Tỷ trọng của chỉ tiêu thứ nhất so với chỉ tiêu thứ hai năm {year} là '
                f'{{{{ share("{inds[0]["id"]}", "{inds[1]["id"]}", {year}) }}}}.', ""]
    if list_id:
        out += ["Các nhiệm vụ trọng tâm:", "", f'{{{{ items("{list_id}") }}}}', ""]
    out += ['!!! note "Ghi chú"', "    Số liệu trong mục này được cập nhật từ dữ liệu của tỉnh; "
            "rê chuột lên từng con số để xem nguồn và kỳ số liệu.", ""]
    return "\n".join(out)


def generate(dest: Path, pages: int = 100, indicators: int = 1000, seed: int = 5,
             mkdocs_template: Path | None = None, macros_dir: Path | None = None) -> Path:
    """Write a handbook of ``pages`` pages and ``indicators`` indicators into ``dest``; return ``dest``."""
    if pages < len(SPECIAL_PAGES) + 1:
        raise ValueError(f"a generated report needs at least {len(SPECIAL_PAGES) + 1} pages")
    rng = random.Random(seed * 1_000_003 + pages * 7 + indicators)
    here = Path(__file__).resolve().parents[1]  # the macros package
    mkdocs_template = mkdocs_template or here.parent / "mkdocs.yml"
    macros_dir = macros_dir or here
    dest.mkdir(parents=True, exist_ok=True)
    docs_dir, data_dir = dest / "docs", dest / "data"
    for d in (docs_dir, data_dir):
        if d.exists():
            shutil.rmtree(d)

    # Data: sources, documents, lists, abbreviations, indicators by area.
    sources = [{"id": f"src-{i:03d}", "publisher": "Cục Thống kê tỉnh",
                "title": f"Báo cáo tình hình kinh tế – xã hội số {i + 1}", "date": f"{2021 + i % 4}-{1 + i % 12:02d}-15",
                "url": f"https://thongke.example.gov.vn/bao-cao/{i + 1}"} for i in range(40)]
    _dump(data_dir / "sources.yaml", {"kind": "sources", "sources": sources})
    n_docs = max(10, pages // 5)
    documents = []
    for i in range(n_docs):
        kind, suffix, issuer = DOC_TYPES[i % len(DOC_TYPES)]
        documents.append({"id": f"vb-{i:04d}", "type": kind, "number": f"{i + 1:02d}-{suffix}",
                          "date": f"{2020 + i % 5}-{1 + i % 12:02d}-{1 + i % 28:02d}", "issuer": issuer,
                          "title": f"Về {AREAS[i % len(AREAS)][2]} giai đoạn 2021–2025, định hướng đến năm 2030",
                          "summary": "Xác định mục tiêu, nhiệm vụ và giải pháp chủ yếu; phân công tổ chức thực hiện."})
    _dump(data_dir / "documents.yaml", {"kind": "documents", "documents": documents})
    n_lists = max(3, pages // 10)
    lists = [{"id": f"ds-{i:04d}", "title": f"Nhiệm vụ trọng tâm về {AREAS[i % len(AREAS)][1].lower()}",
              "items": [{"title": TASKS[(i + j) % len(TASKS)], "detail": "Tập trung lãnh đạo, chỉ đạo thực hiện quyết liệt.",
                         "documents": [documents[(i + j) % n_docs]["id"]]} for j in range(4)]} for i in range(n_lists)]
    _dump(data_dir / "lists.yaml", {"kind": "lists", "lists": lists})
    _dump(data_dir / "abbreviations.yaml", {"kind": "abbreviations", "items": [
        {"short": "HĐND", "full": "Hội đồng nhân dân"}, {"short": "UBND", "full": "Ủy ban nhân dân"},
        {"short": "GRDP", "full": "Tổng sản phẩm trên địa bàn"}, {"short": "MTTQ", "full": "Mặt trận Tổ quốc"}]})
    by_area: dict[str, list[dict]] = {a: [] for a, _, _ in AREAS}
    for n in range(indicators):
        area = AREAS[n % len(AREAS)][0]
        ind = _indicator(rng, n, area, with_target=n % 4 == 0, key=n < 8)
        by_area[area].append(ind)
    for area, inds in by_area.items():
        for part, start in enumerate(range(0, len(inds), PER_FILE)):
            _dump(data_dir / "indicators" / f"{area}-{part + 1:03d}.yaml",
                  {"kind": "indicators", "indicators": inds[start:start + PER_FILE]})

    # Pages: the special pages, then sections spread over the areas, each citing its share of indicators.
    sections = pages - len(SPECIAL_PAGES)
    area_pages = [list(range(k, sections, len(AREAS))) for k in range(len(AREAS))]
    nav: list[Any] = [{"Giới thiệu": "index.md"}]
    parts: dict[str, list[dict[str, str]]] = {}
    page_texts: dict[str, str] = {}
    for i in range(sections):
        slug, area_title, topic = AREAS[i % len(AREAS)]
        src = f"phan-{i % len(AREAS) + 1:02d}/{slug}-{i // len(AREAS) + 1:03d}.md"
        title = f"{area_title} — mục {i // len(AREAS) + 1}"
        mine, rank = by_area[slug], area_pages[i % len(AREAS)].index(i)
        share = -(-len(mine) // len(area_pages[i % len(AREAS)]))
        inds = mine[rank * share:(rank + 1) * share]
        cited = [documents[(i + k) % n_docs]["id"] for k in range(2)]
        list_id = lists[i % n_lists]["id"] if i % 3 == 0 else None
        page_texts[src] = _section(rng, title, topic, inds, cited, list_id, YEARS[-1])
        parts.setdefault(f"Phần {i % len(AREAS) + 1} — {area_title}", []).append({title: src})
    nav += [{name: entries} for name, entries in parts.items()]
    page_texts["index.md"] = ("# Giới thiệu\n\n{{ meta(\"title\") }}, phiên bản {{ meta(\"version\") }}, ngày "
                              "{{ meta(\"date\") }}.\n\nSổ tay trình bày báo cáo chính trị theo từng lĩnh vực; mọi con số "
                              "đều lấy từ dữ liệu của tỉnh.\n\n## Những con số chính\n\n{{ key_figures() }}\n")
    page_texts["chi-tieu.md"] = ("# Chỉ tiêu\n\n## Mục tiêu và tình trạng\n\n{{ targets_table() }}\n\n"
                                 "## Số liệu theo năm\n\n{{ indicators_table() }}\n")
    page_texts["van-ban.md"] = "# Văn bản tham chiếu\n\n{{ documents_table() }}\n\n## Nguồn số liệu\n\n{{ sources_list() }}\n"
    page_texts["phuong-phap.md"] = "# Cách đánh giá chỉ tiêu\n\n{{ status_method() }}\n"
    page_texts["viet-tat.md"] = "# Từ viết tắt\n\n{{ abbreviations() }}\n"
    nav += [{"Chỉ tiêu": "chi-tieu.md"}, {"Văn bản tham chiếu": "van-ban.md"},
            {"Cách đánh giá chỉ tiêu": "phuong-phap.md"}, {"Từ viết tắt": "viet-tat.md"}]
    for src, text in page_texts.items():
        path = docs_dir / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    css = here.parent / "docs" / "assets" / "handbook.css"
    (docs_dir / "assets").mkdir(exist_ok=True)
    (docs_dir / "assets" / "handbook.css").write_text(css.read_text(encoding="utf-8") if css.is_file() else "", "utf-8")

    # Budgets count the words readers see: the reference pages carry every indicator, document and abbreviation.
    budgets = dict.fromkeys(page_texts, 1000)
    for src in ("chi-tieu.md", "van-ban.md", "viet-tat.md", "phuong-phap.md"):
        budgets[src] = 1000 + 80 * indicators
    _dump(data_dir / "handbook.yaml", {
        "kind": "handbook", "title": f"Sổ tay báo cáo chính trị (bản thử {pages} trang)",
        "organisation": "Ban Chấp hành Đảng bộ tỉnh", "status": "Dự thảo",
        "circulation": "Lưu hành nội bộ", "version": "0.1", "date": "2024-12-15",
        "budgets": {"total": sum(budgets.values()), "pages": budgets},
        "status_method": {"on_track_ratio": 0.95, "min_points": 3},
        "pages": {"indicators": "chi-tieu.md", "documents": "van-ban.md", "method": "phuong-phap.md"}})

    config = load_mkdocs_yml(mkdocs_template.read_text(encoding="utf-8"))
    config["site_name"] = f"Sổ tay báo cáo chính trị — bản thử {pages} trang"
    config["nav"] = nav
    config.pop("watch", None)
    _dump(dest / "mkdocs.yml", config)
    # The code and the theme overrides (banner, print cover) are the project's own, linked, not copied.
    for name, target in (("macros", macros_dir), ("overrides", macros_dir.parent / "overrides")):
        link = dest / name
        if not link.exists() and target.is_dir():
            link.symlink_to(target, target_is_directory=True)
    return dest


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m macros.bench.gen_report", description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--indicators", type=int, default=1000)
    args = parser.parse_args(argv)
    generate(args.dest, args.pages, args.indicators)
    print(f"gen_report: {args.pages} pages, {args.indicators} indicators written to {args.dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
