"""The PDF's contents numbers without a browser: named destinations → printed page numbers → the print passes.

The PDFs here are written by pypdf with the named destinations Chromium would write for the contents' links.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

from macros.publish.pdf import (
    MAX_PASSES,
    PLACEHOLDER,
    ContentsError,
    contents_numbers,
    destination_pages,
    number_contents,
)

TARGETS = ["index", "section-3", "phan-1-kinh-te", "chi-tieu"]


def make_pdf(pages: int, destinations: dict[str, int], *, pdf_names: bool = False) -> bytes:
    """``pages`` blank A4 pages; each destination at a page given by its place (0 = the first page)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    dests = DictionaryObject()
    for name, index in destinations.items():
        if pdf_names:  # Chromium's form: a /Dests dictionary keyed by PDF names ("/index")
            dests[NameObject("/" + name)] = ArrayObject([writer.pages[index].indirect_reference, NameObject("/Fit")])
        else:  # a /Names tree keyed by strings
            writer.add_named_destination(name, index)
    if dests:
        writer._root_object[NameObject("/Dests")] = writer._add_object(dests)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("pdf_names", [False, True])
def test_destinations_give_the_printed_number_the_footer_shows(pdf_names: bool) -> None:
    # The footer's counter(page) counts the cover as page 1: the fifth page is "Trang 5".
    pdf = make_pdf(6, {"index": 1, "phan-1-kinh-te": 4}, pdf_names=pdf_names)
    assert destination_pages(pdf) == {"index": 2, "phan-1-kinh-te": 5}


def test_numbers_follow_the_contents_order_by_id() -> None:
    pages = {"chi-tieu": 14, "index": 2, "section-3": 5, "phan-1-kinh-te": 5, "index-gioi-thieu": 2}
    assert contents_numbers(TARGETS, pages) == [2, 5, 5, 14]


def test_an_entry_without_a_destination_is_an_error_naming_it() -> None:
    with pytest.raises(ContentsError, match="#section-3"):
        contents_numbers(TARGETS, {"index": 2, "phan-1-kinh-te": 5, "chi-tieu": 14})


def test_numbers_going_backwards_are_an_error() -> None:
    with pytest.raises(ContentsError, match="out of reading order.*#chi-tieu p.4 after p.5"):
        contents_numbers(TARGETS, {"index": 2, "section-3": 5, "phan-1-kinh-te": 5, "chi-tieu": 4})


class FakePrintPage:
    """Prints one PDF after another: the pages the entries land on at each print."""

    def __init__(self, prints: list[list[int]]) -> None:
        self.prints = prints
        self.shown: list[list[str]] = []
        self.printed = 0

    def print_pdf(self) -> bytes:
        landed = self.prints[min(self.printed, len(self.prints) - 1)]
        self.printed += 1
        return make_pdf(max(landed), {t: n - 1 for t, n in zip(TARGETS, landed, strict=True)})

    def show(self, numbers: list[str]) -> None:
        self.shown.append(numbers)


def test_two_prints_when_the_numbers_hold() -> None:
    fake = FakePrintPage([[2, 5, 5, 14]])
    pdf, passes = number_contents(fake.print_pdf, TARGETS, fake.show)
    assert passes == fake.printed == 2
    assert fake.shown == [[PLACEHOLDER] * 4, ["2", "5", "5", "14"]]
    assert contents_numbers(TARGETS, destination_pages(pdf)) == [2, 5, 5, 14]  # the PDF shows what it has


def test_a_third_print_when_the_contents_grew() -> None:
    fake = FakePrintPage([[2, 5, 5, 14], [2, 6, 6, 15]])
    pdf, passes = number_contents(fake.print_pdf, TARGETS, fake.show)
    assert passes == fake.printed == 3
    assert fake.shown[-1] == ["2", "6", "6", "15"]
    assert contents_numbers(TARGETS, destination_pages(pdf)) == [2, 6, 6, 15]


def test_numbers_that_never_hold_fail_in_one_line_after_the_last_print() -> None:
    fake = FakePrintPage([[2, 5, 5, 14], [2, 6, 6, 15], [2, 7, 7, 16]])
    with pytest.raises(ContentsError) as error:
        number_contents(fake.print_pdf, TARGETS, fake.show)
    assert fake.printed == MAX_PASSES
    message = str(error.value)
    assert "\n" not in message and f"after {MAX_PASSES} prints" in message and "#section-3 6→7" in message
