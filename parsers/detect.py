"""Bytes without a charset label: what the rest of the mail says they are.

A raw 8-bit Subject of ten GBK bytes is too short for any detector (it reads
as Korean, or as Latin-1 mojibake), but the same mail usually tells: a body
or encoded word declared `koi8-r`, a body written in Cyrillic, a sender in
`.jp`. A Hint carries those signs; detection (charset-normalizer) is then
limited to the codecs of that script, where it is reliable even on a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from charset_normalizer import from_bytes

# Legacy codecs per writing system, the most used first.
SCRIPT_CODECS = {
    "cyrillic": ("cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866"),
    "japanese": ("cp932", "euc_jp"),
    "chinese": ("gb18030", "big5hkscs"),
    "korean": ("cp949",),
    "greek": ("cp1253", "iso8859_7"),
    "arabic": ("cp1256", "iso8859_6"),
    "hebrew": ("cp1255", "iso8859_8"),
    "thai": ("cp874",),
    "latin": ("cp1252", "cp1250", "iso8859_15"),
}
_SCRIPTS = {  # tested in this order: kana before Han, as Japanese writes both
    "japanese": re.compile("[\u3040-\u30ff\uff66-\uff9f]"),
    "korean": re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"),
    "chinese": re.compile("[\u4e00-\u9fff\u3400-\u4dbf]"),
    "cyrillic": re.compile("[\u0400-\u04ff]"),
    "greek": re.compile("[\u0370-\u03ff]"),
    "arabic": re.compile("[\u0600-\u06ff]"),
    "hebrew": re.compile("[\u0590-\u05ff]"),
    "thai": re.compile("[\u0e00-\u0e7f]"),
    "latin": re.compile("[\u00c0-\u024f]"),
}
_TLD_SCRIPT = {"ru": "cyrillic", "su": "cyrillic", "by": "cyrillic", "ua": "cyrillic",
               "kz": "cyrillic", "bg": "cyrillic", "rs": "cyrillic", "jp": "japanese",
               "cn": "chinese", "tw": "chinese", "hk": "chinese", "kr": "korean",
               "gr": "greek", "il": "hebrew", "th": "thai"}
_SAMPLE = 20_000  # characters looked at to find the script; more never changes the answer


@dataclass(frozen=True)
class Hint:
    codecs: tuple[str, ...] = ()  # declared elsewhere in the mail
    script: str = ""  # the writing system of the mail's readable text, or its sender's country
    sample: bytes = b""  # the header block's raw 8-bit lines: detected with a body, not alone


NO_HINT = Hint()


def script_of(text: str) -> str:
    """The non-ASCII writing system most used in the text, or ""."""
    sample = text[:_SAMPLE]
    if sample.isascii():
        return ""
    counts = {name: len(rx.findall(sample)) for name, rx in _SCRIPTS.items()}
    best = max(counts, key=lambda k: counts[k])
    if best == "chinese" and counts["japanese"] * 10 >= counts["chinese"]:
        best = "japanese"
    return best if counts[best] else ""


def script_of_domain(addr: str) -> str:
    return _TLD_SCRIPT.get(addr.rpartition(".")[2].lower().strip(">"), "")


def hinted(data: bytes, hint: Hint) -> str | None:
    """Text of unlabelled, non-UTF-8 bytes by the mail's own signs; None without signs."""
    for codec in hint.codecs:
        text = _strict(data, codec)
        if text is not None:
            return text
    if not hint.script:
        return None
    candidates = SCRIPT_CODECS[hint.script]
    for basis in (hint.sample[:_SAMPLE], data):  # all the header bytes say more than one name
        codec = _script_codec(basis, candidates) if basis else None
        text = _strict(data, codec) if codec else None
        if text is not None:
            return text
    return None


@lru_cache(maxsize=16)
def _script_codec(basis: bytes, candidates: tuple[str, ...]) -> str | None:
    """Cached: every header of a mail asks about the same sample."""
    return _detect(basis, candidates)


def detect(data: bytes, hint: Hint = NO_HINT) -> str | None:
    """charset-normalizer's best codec for the bytes and the mail's other unlabelled ones."""
    return _detect(hint.sample[:_SAMPLE] + b"\n" + data[:200_000], ())


def _detect(data: bytes, codecs: tuple[str, ...]) -> str | None:
    try:
        best = from_bytes(data, cp_isolation=list(codecs) or None).best()
    except Exception:  # a detector must never cost a message
        return None
    return best.encoding if best is not None else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
