"""The HTML-to-Markdown converter, on the HTML mammoth writes, and read back by Python-Markdown
(with the `tables` extension MkDocs always loads) to show the Markdown means what the HTML meant."""
from __future__ import annotations

import markdown
import pytest
from bs4 import BeautifulSoup

from generator.word.html_markdown import to_blocks, to_markdown


def rendered(text: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.markdown(text, extensions=["tables"]), "html.parser")


@pytest.mark.parametrize(("html", "expected"), [
    ("<p>Some <strong>bold</strong> and <em>italic</em> text.</p>", "Some **bold** and *italic* text."),
    # Word often puts the space inside the bold run; Markdown needs it outside.
    ("<p>A <strong>bold </strong>word</p>", "A **bold** word"),
    ("<p><strong><em>both</em></strong></p>", "***both***"),
    ("<p>a_b*c [d] `e` &lt;f&gt; back\\slash</p>", "a\\_b\\*c \\[d\\] \\`e\\` &lt;f> back\\\\slash"),
    ("<p>&gt; not a quote</p>", "&gt; not a quote"),
    ("<p>&amp;copy; stays as typed</p>", "&amp;copy; stays as typed"),
    ("<p># not a heading</p>", "\\# not a heading"),
    ("<p>1. not a list</p>", "1\\. not a list"),
    ("<p>- not a list</p>", "\\- not a list"),
    ("<p>line one<br />line two</p>", "line one<br>\nline two"),
    ("<p>x<sup>2</sup></p>", "x<sup>2</sup>"),
])
def test_inline_text(html: str, expected: str) -> None:
    assert to_markdown(html) == expected


def test_escaped_text_reads_back_as_the_same_words() -> None:
    for words in ["a_b*c [d] `e` <f> # 1. - back\\slash | pipe", "# heading?", "> quote?", "1. list?", "- list?",
                  "<b>not bold</b> &amp;", "===", "---"]:
        html = "<p>" + words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>"
        assert rendered(to_markdown(html)).get_text().strip() == words


@pytest.mark.parametrize(("html", "expected"), [
    ('<p><a href="https://example.org/a">a link</a></p>', "[a link](https://example.org/a)"),
    ('<p><a href="https://example.org/a b(c)">spaces</a></p>', "[spaces](<https://example.org/a b(c)>)"),
    ('<p><a href="mailto:team@example.org">write</a></p>', "[write](mailto:team@example.org)"),
    # Bookmarks point at nothing on the case page, and script links are never written.
    ('<p><a href="#_Toc123">Contents entry</a></p>', "Contents entry"),
    ('<p><a href="javascript:alert(1)">click</a></p>', "click"),
    ('<p><a href="https://example.org/"></a></p>', "[https://example.org/](https://example.org/)"),
])
def test_links(html: str, expected: str) -> None:
    assert to_markdown(html) == expected


def test_a_line_break_never_starts_a_heading_or_a_rule() -> None:
    for under in ("===", "---"):
        page = rendered(to_markdown(f"<p>Words<br />{under}</p>"))
        assert page.find(["h1", "h2", "hr"]) is None
        assert page.get_text().split() == ["Words", under]


def test_nested_and_numbered_lists() -> None:
    html = ("<ul><li>one<ul><li>one a</li><li>one b</li></ul></li><li>two</li></ul>"
            "<ol><li>first</li><li>second</li></ol>")
    blocks = to_blocks(html)
    assert [b.kind for b in blocks] == ["list", "list"]
    assert blocks[0].markdown == "- one\n    - one a\n    - one b\n- two"
    assert blocks[1].markdown == "1. first\n2. second"
    page = rendered(blocks[0].markdown)
    assert [li.get_text(" ", strip=True) for li in page.select("ul > li > ul > li")] == ["one a", "one b"]


def test_a_list_item_of_two_paragraphs_keeps_them_apart() -> None:
    markdown = to_markdown("<ol><li><p>First part.</p><p>Second part.</p></li><li><p>Next</p></li></ol>")
    assert markdown == "1. First part.<br>\n    Second part.\n2. Next"
    assert [li.get_text(" ", strip=True) for li in rendered(markdown).select("ol > li")] == [
        "First part. Second part.", "Next"]


def test_a_table_with_a_header_row_pipes_line_breaks_and_a_merged_cell() -> None:
    html = ("<table><tr><td><p>Month</p></td><td><p>Topic</p></td><td><p>Who</p></td></tr>"
            "<tr><td><p>May</p></td><td><p>Library | hours</p><p>and books</p></td><td><p>Jo</p></td></tr>"
            '<tr><td colspan="2"><p>Both months</p></td><td><ul><li>Sam</li><li>Alex</li></ul></td></tr>'
            "<tr><td><p>June</p></td></tr></table>")
    [block] = to_blocks(html)
    assert block.kind == "table"
    assert block.markdown == ("| Month | Topic | Who |\n|---|---|---|\n| May | Library \\| hours<br>and books | Jo |\n"
                              "| Both months | | • Sam<br>• Alex |\n| June | | |")
    page = rendered(block.markdown)
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in page.select("tr")]
    assert rows == [["Month", "Topic", "Who"], ["May", "Library | hours and books", "Jo"],
                    ["Both months", "", "• Sam • Alex"], ["June", "", ""]]


def test_images_keep_their_alt_text_and_source() -> None:
    html = '<p><img src="word-image-1" alt="A [chart]" /></p><p><img src="word-image-2" /></p>'
    assert to_markdown(html) == "![A \\[chart\\]](word-image-1)\n\n![](word-image-2)"


def test_blocks_carry_their_word_style_and_plain_text() -> None:
    html = ('<h1 class="word-title">The <em>title</em></h1><p class="word-quote">Said</p>'
            "<h2>Section</h2><p>Body <strong>text</strong></p><p></p>")
    blocks = to_blocks(html)
    assert [(b.kind, b.style, b.text, b.level) for b in blocks] == [
        ("heading", "title", "The title", 1), ("quote", "quote", "Said", 0), ("heading", "", "Section", 2),
        ("paragraph", "", "Body text", 0)]
