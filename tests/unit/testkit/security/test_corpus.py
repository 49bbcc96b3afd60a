"""The shipped payload corpora: enough of them, every file parses, and the wordlist format does what it says."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from sentia_testkit.security import Payload, all_payloads, categories, load_payloads, stratified_sample
from sentia_testkit.security.corpus import CorpusError, parse_wordlist

ROOT = Path(__file__).resolve().parents[4]
CORPORA = {
    "command_injection": 40,
    "crlf": 30,
    "nul": 25,
    "path_traversal": 40,
    "sqli": 50,
    "ssrf": 40,
    "template_injection": 35,
    "unicode": 45,
    "xss": 50,
}


def test_the_corpora_are_the_nine_families():
    assert categories() == sorted(CORPORA)


@pytest.mark.parametrize(("category", "at_least"), sorted(CORPORA.items()))
def test_each_corpus_parses_and_holds_distinct_payloads(category, at_least):
    payloads = load_payloads(category)
    texts = [payload.text for payload in payloads]
    assert len(texts) >= at_least
    assert len(set(texts)) == len(texts), "a payload is listed twice"
    assert all(payload.category == category and payload.text for payload in payloads)
    assert all(text.encode("utf-8") for text in texts)  # no lone surrogates: every payload can be sent as JSON


def test_there_are_more_than_three_hundred_payloads_in_all():
    payloads = all_payloads()
    assert len(payloads) >= 300
    assert len(payloads) == sum(len(load_payloads(category)) for category in categories())


def test_escaped_corpora_carry_the_characters_they_are_about():
    assert any("\r\n" in payload.text for payload in load_payloads("crlf"))
    assert any("\0" in payload.text for payload in load_payloads("nul"))
    assert any("\u202e" in payload.text for payload in load_payloads("unicode"))
    assert "\\0" in {payload.text for payload in load_payloads("nul")}  # a doubled backslash stays one backslash


def test_literal_corpora_keep_backslashes_and_hash_payloads():
    traversal = {payload.text for payload in load_payloads("path_traversal")}
    assert "..\\..\\..\\..\\windows\\win.ini" in traversal
    assert "#{7*7}" in {payload.text for payload in load_payloads("template_injection")}


def test_the_wordlist_format():
    text = "# a comment\n#\n\nfirst\n  spaced  \n#{7*7}\n"
    assert parse_wordlist(text) == ["first", "  spaced  ", "#{7*7}"]
    escaped = "# format: escaped\na\\r\\nb\n\\x41\\u00e9\\U0001F600\\t\\\\\n"
    assert parse_wordlist(escaped) == ["a\r\nb", "A\u00e9\U0001f600\t\\"]


@pytest.mark.parametrize(("line", "shown"), [("bad \\q escape", "\\q"), ("trailing \\", "a lone backslash")])
def test_an_unknown_escape_names_the_file_and_line(line, shown):
    with pytest.raises(CorpusError, match=rf"mine, line 2: unknown escape .*{shown[:4].replace(chr(92), chr(92) * 2)}"):
        parse_wordlist(f"# format: escaped\n{line}\n", name="mine")


def test_an_unknown_corpus_lists_the_known_ones():
    with pytest.raises(CorpusError, match="no payload corpus named 'ldap'; the corpora are: command_injection, crlf"):
        load_payloads("ldap")


def test_a_stratified_sample_is_reproducible_and_covers_every_corpus():
    payloads = all_payloads()
    first = stratified_sample(payloads, 3, seed=7)
    assert first == stratified_sample(payloads, 3, seed=7)
    assert first != stratified_sample(payloads, 3, seed=8)
    assert len(first) == 3 * len(categories())
    assert {payload.category for payload in first} == set(categories())
    assert stratified_sample(payloads, 0) == sorted(payloads, key=lambda payload: payload.category)
    small = [Payload("a", "1"), Payload("a", "2")]
    assert stratified_sample(small, 5) == small
    assert str(small[0]) == "1"


def test_the_corpora_ship_as_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "security/payloads/*.txt" in config["tool"]["setuptools"]["package-data"]["sentia_testkit"]
    shipped = resources.files("sentia_testkit.security") / "payloads"
    assert sorted(entry.name for entry in shipped.iterdir() if entry.name.endswith(".txt")) == [
        f"{category}.txt" for category in sorted(CORPORA)
    ]
