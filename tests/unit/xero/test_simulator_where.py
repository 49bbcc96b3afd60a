"""The simulator's subset of Xero's `where` language and `order` keys, and its loud refusals."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from sentia_testkit.simulators.xero.where import NotSupported, compile_order, compile_where, sort_records, tokenize

FIELDS = ("Type", "Status", "Date", "Total", "Contact.ContactID", "Contact.Name", "IsReconciled", "UpdatedDateUTC")
RECORD = {
    "Type": "ACCREC",
    "Status": "AUTHORISED",
    "Date": date(2026, 3, 15),
    "Total": Decimal("120.00"),
    "Contact": {"ContactID": "6c8fb559-9aaa-5510-a766-3401f30694eb", "Name": 'Bar "The Still"'},
    "IsReconciled": False,
    "UpdatedDateUTC": datetime(2026, 3, 16, 9, tzinfo=UTC),
}


@pytest.mark.parametrize(
    ("where", "matches"),
    [
        ('Type=="ACCREC"', True),
        ('Type!="ACCREC"', False),
        ('type == "ACCREC" and STATUS=="AUTHORISED"', True),
        ("Date>=DateTime(2026, 03, 15) AND Date<DateTime(2026,4,1)", True),
        ("Date>DateTime(2026, 03, 15)", False),
        ("UpdatedDateUTC>=DateTime(2026, 03, 16)", True),
        ("Total>=120 AND Total<=120.00", True),
        ("Total>120.5", False),
        ('Contact.ContactID==Guid("6C8FB559-9AAA-5510-A766-3401F30694EB")', True),
        ('Contact.Name=="Bar \\"The Still\\""', True),
        ("IsReconciled==false", True),
        ('(Status=="PAID" OR Status=="AUTHORISED") AND Type=="ACCREC"', True),
        ('Status=="PAID" OR (Type=="ACCPAY" AND Total>1)', False),
        ("", True),
    ],
)
def test_supported_filters_are_evaluated_like_xero(where, matches):
    assert compile_where(where, FIELDS)(RECORD) is matches


def test_comparisons_with_missing_or_mismatched_values_never_match_except_not_equal():
    record = {"Type": "ACCREC", "Date": None, "Total": "n/a", "IsReconciled": "yes"}
    assert compile_where("Date>=DateTime(2026, 01, 01)", FIELDS)(record) is False
    assert compile_where("Date!=DateTime(2026, 01, 01)", FIELDS)(record) is True
    assert compile_where("Total>1", FIELDS)(record) is False
    assert compile_where("IsReconciled==true", FIELDS)(record) is False
    assert compile_where('Contact.Name=="x"', FIELDS)({"Contact": "flat"}) is False
    assert compile_where("Date==DateTime(2026, 01, 01)", FIELDS)({"Date": "2026-01-01"}) is False


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ('Name.Contains("Gin")', "filtering on Name.Contains is not implemented by the simulator"),
        ('Reference=="x"', "filtering on Reference is not implemented by the simulator"),
        ('Type=="ACCREC" AND', "expected field in the where filter, found the end"),
        ('Type "ACCREC"', "expected op"),
        ('(Type=="ACCREC"', "expected close"),
        ('Type=="ACCREC")', "unexpected"),
        ('Contact.ContactID==Guid("nope")', "not a GUID"),
        ("Type==null", "expected literal"),
        ("Type ~ 1", "cannot read the where filter"),
    ],
)
def test_anything_outside_the_subset_is_refused_with_the_reason(where, message):
    with pytest.raises(NotSupported, match=message):
        compile_where(where, FIELDS)


def test_tokens_of_each_kind():
    kinds = [token.kind for token in tokenize(f'(A=="x" OR B>=1.5) AND C==true AND D==Guid("{uuid.UUID(int=1)}")')]
    assert kinds == [
        "open",
        "field",
        "op",
        "literal",
        "OR",
        "field",
        "op",
        "literal",
        "close",
        "AND",
        "field",
        "op",
        "literal",
        "AND",
        "field",
        "op",
        "literal",
    ]


def test_order_keys_sort_stably_with_missing_values_first():
    records = [
        {"n": "b", "Date": date(2026, 1, 2), "Total": Decimal(5)},
        {"n": "a", "Date": date(2026, 1, 1), "Total": Decimal(5)},
        {"n": "c", "Date": None, "Total": Decimal(9)},
        {"n": "d", "Date": date(2026, 1, 1), "Total": 1.5},
    ]
    keys = compile_order("Total DESC, Date", ("Date", "Total"))
    assert keys == [("Total", True), ("Date", False)]
    assert [r["n"] for r in sort_records(records, keys)] == ["c", "a", "b", "d"]
    assert [r["n"] for r in sort_records(records, compile_order("date asc", ("Date",)))] == ["c", "a", "d", "b"]
    mixed = [{"k": True}, {"k": "Zed"}, {"k": datetime(2026, 1, 1, tzinfo=UTC)}, {"k": "apple"}]
    assert [r["k"] for r in sort_records(mixed, [("k", False)])][2:] == ["apple", "Zed"]
    assert compile_order(None, ()) == []


@pytest.mark.parametrize(
    ("order", "message"),
    [
        ("Date SIDEWAYS", "cannot read the order"),
        ("Reference", "ordering by Reference is not implemented"),
        (",", "cannot read"),
    ],
)
def test_unknown_order_keys_are_refused(order, message):
    with pytest.raises(NotSupported, match=message):
        compile_order(order, ("Date",))
