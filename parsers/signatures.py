"""Signatures and mobile footers at the end of what the author wrote.

"-- " (RFC 3676) and the bare "--" many clients write cut everything below
them when they sit in the last lines; "Sent from my iPhone" and its
translations are dropped wherever they end the text.
"""

from __future__ import annotations

import re

MAX_SIGNATURE_LINES = 15
_DELIMITER = re.compile(r"^(--|_{2,})$")
_MOBILE = re.compile(
    r"^\s*(sent from my .{1,40}|sent from (mail|outlook|yahoo mail|gmail|my mobile).{0,40}|"
    r"sent via .{1,40}|get outlook for .{1,20}|sent from samsung .{0,30}|"
    r"von meinem .{1,40} gesendet|gesendet von meinem .{1,40}|gesendet mit .{1,40}|"
    r"envoyé de mon .{1,40}|envoyé depuis mon .{1,40}|enviado desde mi .{1,40}|"
    r"enviado do meu .{1,40}|enviado de meu .{1,40}|verzonden (vanaf|met) mijn .{1,40}|"
    r"verstuurd vanaf mijn .{1,40}|inviato da .{1,40}|skickat från min .{1,40}|"
    r"从我的.{1,20}发送|發自我的.{1,20}|来自我的.{1,20}|.{1,20}から送信)\s*$",
    re.IGNORECASE,
)


def strip_signature(text: str) -> str:
    lines = text.rstrip().split("\n")
    while lines and (not lines[-1].strip() or _MOBILE.match(lines[-1])):
        lines.pop()
    for i in range(len(lines) - 1, 0, -1):
        if len(lines) - i > MAX_SIGNATURE_LINES:
            break
        if _DELIMITER.match(lines[i].strip()):
            lines = lines[:i]
            break
    while lines and (not lines[-1].strip() or _MOBILE.match(lines[-1])):
        lines.pop()
    return "\n".join(lines)
