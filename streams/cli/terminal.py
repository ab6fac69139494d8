"""What the commands print cannot drive the terminal.

Posts, dead-lettered originals and responders' names are other people's text. Printed as they are, an escape
sequence in them would reach the operator's terminal (move the cursor, rewrite earlier lines, retitle the window)
and a carriage return could hide what precedes it. Control characters are printed as ``\\uXXXX`` instead: inside a
JSON string that is the same string (JSON lines keep their meaning), elsewhere it is visible.
"""

from __future__ import annotations

from typing import Any, TextIO

_KEPT = {0x09, 0x0A}  # tab and newline are layout
CONTROL = {code: f"\\u{code:04x}" for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if code not in _KEPT}


def shown(text: str) -> str:
    return text.translate(CONTROL)


class SafeOutput:
    """A text stream that writes through ``shown``; anything else is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(shown(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
