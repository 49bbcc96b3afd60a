"""The plugin's `security_probe_options` fixture: the sample size from the option, the ini key or the default."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SHOW = """
def test_show(security_probe_options):
    print("per_category", security_probe_options.per_category)
"""


@pytest.mark.parametrize(
    ("ini", "args", "expected"),
    [
        (None, [], 3),
        ("[pytest]\nsentia_security_sample = 7\n", [], 7),
        ("[pytest]\nsentia_security_sample = 7\n", ["--sentia-security-sample", "0"], 0),
    ],
)
def test_the_sample_size_comes_from_option_ini_or_default(pytester: pytest.Pytester, ini, args, expected):
    if ini:
        pytester.makeini(ini)
    pytester.makepyfile(test_show=SHOW)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", *args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*per_category {expected}*"])


def test_a_sample_size_that_is_not_a_number_is_named(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\nsentia_security_sample = many\n")
    pytester.makepyfile(test_show=SHOW)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*sentia_security_sample must be a whole number of payloads, not 'many'*"])


def test_the_option_is_documented_in_help(pytester: pytest.Pytester):
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--sentia-security-sample*", "*payloads of each corpus the input probe sends*"])
