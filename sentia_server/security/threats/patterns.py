"""Attack patterns in input strings: SQL injection, XSS, path traversal, command injection and SSRF.

Each rule matches a structure that legitimate manufacturing text does not have (a quote that breaks out of a string
and then a tautology, `UNION SELECT`, a `<script` tag, `../`, a shell separator followed by a command with
command-like arguments, a URL to a private address), never a lone keyword: "Execute-Pro", "drop ship", "select a
supplier", "O'Brien" and a note containing `--` match nothing. Values are matched as sent and again after URL and
HTML-entity decoding and Unicode (NFKC) normalisation, so encoded payloads match too. Every quantifier is bounded,
so matching stays linear in the length of the input.
"""

from __future__ import annotations

import html
import ipaddress
import re
import socket
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote


class ThreatKind(StrEnum):
    SQL_INJECTION = "sql_injection"
    XSS = "xss"
    PATH_TRAVERSAL = "path_traversal"
    COMMAND_INJECTION = "command_injection"
    SSRF = "ssrf"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class Match:
    """A rule that matched: its kind, its name and how serious it is; never the matched text."""

    kind: ThreatKind
    pattern: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class Rule:
    kind: ThreatKind
    pattern: str
    severity: Severity
    regex: re.Pattern[str]


_FLAGS = re.IGNORECASE | re.DOTALL

# Shell commands, grouped by the arguments that make them look like a command rather than a word in a sentence.
_BARE_COMMANDS = r"(?:id|whoami|uname|hostname|ifconfig|ipconfig|pwd)"
_PATH_COMMANDS = r"(?:cat|ls|rm|chmod|chown|tail|head|more|less|type|cp|mv|find|touch)"
_NETWORK_COMMANDS = r"(?:curl|wget|nc|ncat|netcat|ping|nslookup|dig|telnet|ftp|tftp|ssh|scp)"
_INTERPRETERS = r"(?:bash|sh|zsh|ksh|dash|python[23]?|perl|ruby|php|node|powershell|pwsh|cmd(?:\.exe)?)"
_SEPARATOR = r"(?:[;|\n]|&&?|\|\|)"
_ARGUMENT_END = r"(?=\s*(?:$|[;&|#`'\")]))"

_RULES: tuple[Rule, ...] = tuple(
    Rule(kind, name, severity, re.compile(regex, _FLAGS))
    for kind, name, severity, regex in (
        # --- SQL injection -------------------------------------------------------------------------------------
        (
            ThreatKind.SQL_INJECTION,
            "sqli.quoted_tautology",
            Severity.HIGH,
            # ' OR '1'='1, " or 1=1, ') OR 'a' LIKE 'a
            r"['\"`]\s{0,8}\){0,4}\s{0,8}(?:\b(?:or|and)\b|\|\||&&)\s{0,8}\(?\s{0,8}['\"`]?[\w.-]{1,40}['\"`]?"
            r"\s{0,8}(?:=|<>|!=|<=?|>=?|\blike\b|\bis\b)\s{0,8}['\"`]?[\w.-]{0,40}",
        ),
        (
            ThreatKind.SQL_INJECTION,
            "sqli.numeric_tautology",
            Severity.HIGH,
            # 1 OR 1=1 (both sides the same number)
            r"\b(?:or|and)\s{1,8}(\d{1,10})\s{0,8}=\s{0,8}\1\b",
        ),
        (
            ThreatKind.SQL_INJECTION,
            "sqli.union_select",
            Severity.HIGH,
            r"\bunion\b(?:\s{1,8}(?:all|distinct))?(?:\s|\(){1,8}select\b",
        ),
        (
            ThreatKind.SQL_INJECTION,
            "sqli.stacked_query",
            Severity.HIGH,
            # '; DROP TABLE x, ; DELETE FROM x, ; UPDATE x SET y=
            r";\s{0,8}(?:drop\s{1,8}(?:table|database|schema|view|index|user)\b"
            r"|delete\s{1,8}from\b|insert\s{1,8}into\b|truncate\s{1,8}(?:table\s)?\s{0,8}[\w.\"`\[\]]{1,64}\s{0,8}(?:;|--|$)"
            r"|alter\s{1,8}(?:table|user|database)\b|create\s{1,8}(?:table|user|function|procedure)\b"
            r"|update\s{1,8}[\w.\"`\[\]]{1,64}\s{1,8}set\s{1,8}[\w.\"`\[\]]{1,64}\s{0,8}="
            r"|exec(?:ute)?\s{1,8}(?:xp_|sp_|master\.)|shutdown\b|grant\s{1,8}\w{1,20}\s{1,8}on\b)",
        ),
        (
            ThreatKind.SQL_INJECTION,
            "sqli.quote_then_statement",
            Severity.HIGH,
            r"['\"`]\s{0,8}\){0,4}\s{0,8};\s{0,8}(?:select|drop|delete|insert|update|exec|declare|shutdown)\b",
        ),
        (
            ThreatKind.SQL_INJECTION,
            "sqli.quote_then_comment",
            Severity.MEDIUM,
            # admin'--, x')/*, name'# (a comment right after a closing quote)
            r"'\){0,4}(?:--|/\*)|'\){0,4}\s{0,4}#\s*$",
        ),
        (
            ThreatKind.SQL_INJECTION,
            "sqli.time_delay",
            Severity.HIGH,
            r"\b(?:pg_)?sleep\s{0,4}\(\s{0,4}\d{1,6}(?:\.\d{1,3})?\s{0,4}\)|\bwaitfor\s{1,8}delay\s{1,8}'"
            r"|\bbenchmark\s{0,4}\(\s{0,4}\d{3,12}\s{0,4},",
        ),
        (
            ThreatKind.SQL_INJECTION,
            "sqli.system_catalog",
            Severity.HIGH,
            r"\binformation_schema\s{0,4}\.|\bpg_catalog\s{0,4}\.|\bsqlite_master\b|\bxp_cmdshell\b"
            r"|\bmysql\.user\b|\bsys\.(?:objects|tables|columns)\b|\bload_file\s{0,4}\(|\binto\s{1,8}(?:out|dump)file\b",
        ),
        # --- Cross-site scripting ------------------------------------------------------------------------------
        (ThreatKind.XSS, "xss.script_tag", Severity.HIGH, r"<\s{0,4}/?\s{0,4}script\b"),
        (
            ThreatKind.XSS,
            "xss.event_handler",
            Severity.HIGH,
            # <img src=x onerror=...>, <svg/onload=...>, " onmouseover="...
            r"(?:<[a-z][^<>]{0,200}?[\s/\"']|[\"']\s{0,8})on(?:error|load|click|dblclick|mouse\w{0,10}|focus\w{0,3}"
            r"|blur|key\w{0,5}|pointer\w{0,10}|animation\w{0,10}|transition\w{0,10}|toggle|begin|submit|change"
            r"|input|wheel|drag\w{0,5}|drop|touch\w{0,6}|unload|beforeunload|hashchange|message|resize|scroll"
            r"|play|ended|show|copy|paste|cut|contextmenu)\s{0,8}=",
        ),
        (
            ThreatKind.XSS,
            "xss.script_url",
            Severity.HIGH,
            r"\b(?:java|vb|live)script\s{0,4}:[^\n]{0,80}?[(`=]|\bdata\s{0,4}:\s{0,4}text/html\b",
        ),
        (
            ThreatKind.XSS,
            "xss.dangerous_tag",
            Severity.MEDIUM,
            r"<\s{0,4}(?:object|embed|applet|base|meta\s[^<>]{0,100}http-equiv|iframe\s[^<>]{0,200}srcdoc)\b",
        ),
        (ThreatKind.XSS, "xss.css_expression", Severity.MEDIUM, r":\s{0,8}expression\s{0,4}\(|-moz-binding\s{0,4}:"),
        # --- Path traversal ------------------------------------------------------------------------------------
        (
            ThreatKind.PATH_TRAVERSAL,
            "traversal.dot_dot",
            Severity.MEDIUM,
            r"(?:^|[\\/])\.\.(?:[\\/]|$)|\.\.[\\/]",
        ),
        (
            ThreatKind.PATH_TRAVERSAL,
            "traversal.overlong_encoding",
            Severity.MEDIUM,
            r"%c0%a[ef]|%c1%[89]c|%e0%80%a[ef]|%u(?:002e|2215|2216|ff0e)|%252e",
        ),
        (
            ThreatKind.PATH_TRAVERSAL,
            "traversal.sensitive_file",
            Severity.HIGH,
            r"/etc/(?:passwd|shadow|group|hosts|sudoers)\b|/proc/self/|\b(?:c:)?[\\/]windows[\\/](?:system32|win\.ini)"
            r"|\bwin\.ini\b|\bboot\.ini\b|[\\/]\.ssh[\\/]|[\\/]\.aws[\\/]credentials",
        ),
        (ThreatKind.PATH_TRAVERSAL, "traversal.null_byte", Severity.MEDIUM, r"\x00|%00"),
        # --- Command injection ---------------------------------------------------------------------------------
        (
            ThreatKind.COMMAND_INJECTION,
            "cmd.substitution",
            Severity.HIGH,
            rf"\$\(\s{{0,4}}[a-z]|\$\{{\s{{0,4}}ifs\b|`\s{{0,4}}(?:{_BARE_COMMANDS}|{_PATH_COMMANDS}|{_NETWORK_COMMANDS}"
            rf"|{_INTERPRETERS}|sleep|echo)\b[^`]{{0,200}}`",
        ),
        (
            ThreatKind.COMMAND_INJECTION,
            "cmd.chained_command",
            Severity.HIGH,
            rf"{_SEPARATOR}\s{{0,8}}(?:{_BARE_COMMANDS}(?:\s{{1,4}}-a)?{_ARGUMENT_END}"
            rf"|{_PATH_COMMANDS}\s{{1,8}}(?:-\w{{1,8}}\s{{1,8}}){{0,3}}(?:[/~\\]|\.{{1,2}}[/\\])"
            rf"|{_NETWORK_COMMANDS}\s{{1,8}}(?:-\w{{1,8}}\s{{1,8}}){{0,3}}(?:[a-z]{{2,10}}://|\d{{1,3}}(?:\.\d{{1,3}}){{3}}"
            rf"|[\w-]{{1,63}}\.[\w.-]{{2,200}})"
            rf"|{_INTERPRETERS}\s{{1,8}}[-/][ce]\b|sleep\s{{1,8}}\d{{1,6}}{_ARGUMENT_END}|echo\s{{1,8}}\$)",
        ),
        (
            ThreatKind.COMMAND_INJECTION,
            "cmd.shell_path",
            Severity.HIGH,
            r"/bin/(?:ba|z|k|da)?sh\b|/dev/(?:tcp|udp)/|\bcmd(?:\.exe)?\s{1,4}/c\b|\bpowershell(?:\.exe)?\s{1,4}-",
        ),
        # --- Server-side request forgery (URLs to internal addresses are checked in ssrf_matches) ----------------
        (
            ThreatKind.SSRF,
            "ssrf.scheme",
            Severity.HIGH,
            r"\b(?:file|gopher|dict|ldap|ldaps|tftp|jar|netdoc|expect|phar|php)://",
        ),
        (ThreatKind.SSRF, "ssrf.metadata_address", Severity.HIGH, r"\b169\.254\.169\.254\b|\bfd00:ec2::254\b"),
    )
)

_URL = re.compile(
    r"\b(?:https?|ftp|wss?)://(?:[^\s/@?#]{1,200}@)?(\[[0-9a-f:.%]{2,60}\]|[^\s/:?#\[\]@]{1,253})", _FLAGS
)
_METADATA_HOSTS = frozenset(
    {
        "169.254.169.254",
        "metadata",
        "metadata.google.internal",
        "metadata.azure.com",
        "instance-data",
        "instance-data.ec2.internal",
        "100.100.100.200",
        "fd00:ec2::254",
    }
)
_INTERNAL_SUFFIXES = (".localhost", ".internal", ".local", ".localdomain")
_EMBEDDED_IPV4 = re.compile(r"(?:^|[.-])(\d{1,3}(?:[.-]\d{1,3}){3})(?:[.-]|$)")
_SQL_COMMENT = re.compile(r"/\*.{0,200}?\*/", re.DOTALL)


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a URL host names literally, including the forms `inet_aton` accepts (127.1, 0x7f.0.0.1,
    2130706433, 0177.0.0.1) that browsers and HTTP clients also resolve."""
    host = host.strip("[]").split("%", 1)[0]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
        return mapped or address
    if not re.fullmatch(r"[0-9a-fx.]{1,40}", host, re.IGNORECASE) or not any(c.isdigit() for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
        or address.is_multicast
    )


def _ssrf_host(host: str) -> Match | None:
    host = host.lower().rstrip(".")
    if host in _METADATA_HOSTS:
        return Match(ThreatKind.SSRF, "ssrf.metadata_address", Severity.HIGH)
    if host == "localhost" or host.endswith(_INTERNAL_SUFFIXES):
        return Match(ThreatKind.SSRF, "ssrf.internal_host", Severity.MEDIUM)
    address = _address(host)
    if address is None:
        embedded = _EMBEDDED_IPV4.search(host)  # 127.0.0.1.nip.io, 10-0-0-1.example.net
        address = _address(embedded.group(1).replace("-", ".")) if embedded else None
    if address is not None and _internal(address):
        if str(address) in _METADATA_HOSTS:
            return Match(ThreatKind.SSRF, "ssrf.metadata_address", Severity.HIGH)
        return Match(ThreatKind.SSRF, "ssrf.internal_address", Severity.MEDIUM)
    return None


def ssrf_matches(text: str) -> Iterator[Match]:
    """A match for each URL in `text` whose host is a loopback, private, link-local or metadata address."""
    for url in _URL.finditer(text):
        found = _ssrf_host(url.group(1))
        if found is not None:
            yield found


def variants(text: str) -> list[str]:
    """`text` as sent and as a server would see it after URL, HTML-entity and Unicode decoding."""
    seen = [text]
    current = text
    decoders: tuple[Callable[[str], str], ...] = (unquote, unquote, html.unescape, _nfkc)
    for decode in decoders:
        current = decode(current)
        if current not in seen:
            seen.append(current)
    return seen


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def scan(text: str) -> list[Match]:
    """Every distinct rule that matches `text` (in any of its decoded forms)."""
    found: dict[str, Match] = {}
    for variant in variants(text):
        candidates = (variant, _SQL_COMMENT.sub(" ", variant)) if "/*" in variant else (variant,)
        for candidate in candidates:
            for rule in _RULES:
                if rule.pattern not in found and rule.regex.search(candidate):
                    found[rule.pattern] = Match(rule.kind, rule.pattern, rule.severity)
            for match in ssrf_matches(candidate):
                found.setdefault(match.pattern, match)
    return list(found.values())


RULE_NAMES: tuple[str, ...] = (
    *(rule.pattern for rule in _RULES),
    "ssrf.internal_host",
    "ssrf.internal_address",
)
