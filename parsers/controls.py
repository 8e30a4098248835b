"""Control characters out of text a terminal or a mail header will show. Pure, and no
imports: every `ticketd` command's output passes through it (cli/main.SafeText)."""

_CONTROLS = dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0),
                           0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A)])


def strip_controls(text: str) -> str:
    """Text without control characters, terminal escapes (ESC, CSI) and bidi overrides;
    line feeds and tabs stay."""
    return (text or "").translate(_CONTROLS)
