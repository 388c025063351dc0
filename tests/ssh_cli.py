"""A network device's interactive CLI, played from a ``Platform`` and recorded outputs.

``CliSession`` is pure: it takes what the client typed and returns what the device's terminal
sends back (echo, answers, prompt). ``tests.ssh_device`` puts it behind a real SSH server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from tests.ssh_platforms import Dialog, Echo, Platform

LINE_END = "\r\n"
BACKSPACES = frozenset({"\x08", "\x7f"})
# `cmd | grep X` (FortiOS, Linux), `| include X` (Cisco, Arista), `| match X` (Junos, PAN-OS)
PIPE = re.compile(r"^(?P<base>[^|]+?)\s*\|\s*(?:grep|include|match|i)\s+(?P<pattern>.+)$")


def normalise_command(line: str) -> str:
    """The command as the device matches it: surrounding blanks dropped, inner runs collapsed."""
    return " ".join(line.split())


def terminal_text(text: str) -> str:
    """Recorded text as a terminal receives it: every line ended by CR LF."""
    return "".join(line + LINE_END for line in text.splitlines())


def filter_lines(text: str, pattern: str) -> str:
    """The lines of ``text`` containing ``pattern`` (quotes around it removed)."""
    needle = pattern.strip().strip("\"'")
    return "\n".join(line for line in text.splitlines() if needle in line)


@dataclass
class CliSession:
    """One interactive shell: feed it the client's bytes, send back what it returns."""

    platform: Platform
    outputs: Mapping[str, str]  # command -> recorded output
    stall_on: frozenset[str] = frozenset()
    closed: bool = False  # the device ended the session (logout)
    stalled: bool = False  # the device went silent (fault injection)
    _prompts: list[str] = field(default_factory=list)
    _line: str = ""
    _last_cr: bool = False
    _waiting_key: bool = False
    _dialog: list[tuple[Dialog, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._prompts.append(self.platform.prompt)

    @property
    def prompt(self) -> str:
        """The prompt of the current mode."""
        return self._prompts[-1]

    def greeting(self) -> str:
        """What the device sends when the shell starts: banner, then prompt (or a key wait)."""
        banner = terminal_text(self.platform.banner)
        if self.platform.press_any_key:
            self._waiting_key = True
            return banner
        return banner + LINE_END + self.prompt

    def receive(self, data: str) -> str:
        """Consume typed characters; return the device's terminal output for them."""
        sent: list[str] = []
        for char in data:
            if self.closed or self.stalled:
                break
            sent.append(self._receive_char(char))
        sent.append(self._repaint())
        return "".join(sent)

    def _repaint(self) -> str:
        """PAN-OS style echo: the prompt and the line typed so far, drawn again."""
        if self.platform.echo is Echo.REPAINT and self._line and not self._dialog:
            return "\r" + self.prompt + self._line
        return ""

    def _receive_char(self, char: str) -> str:
        if self._waiting_key:
            self._waiting_key = False
            self._last_cr = char == "\r"
            return LINE_END + self.prompt
        if char == "\n" and self._last_cr:
            self._last_cr = False
            return ""
        self._last_cr = char == "\r"
        if char in "\r\n":
            echo = self._repaint()
            line, self._line = self._line, ""
            return echo + LINE_END + self._finish_line(line)
        return self._type_char(char)

    def _type_char(self, char: str) -> str:
        if char in BACKSPACES:
            had_char = bool(self._line)
            self._line = self._line[:-1]
            return "\b \b" if had_char and self._echoes() else ""
        if not char.isprintable() and char != "\t":
            return ""
        self._line += char
        return char if self._echoes() and self.platform.echo is Echo.PLAIN else ""

    def _echoes(self) -> bool:
        if self._dialog:
            dialog, step = self._dialog[-1]
            return dialog.steps[step].echo
        return True

    def _finish_line(self, line: str) -> str:
        if self._dialog:
            return self._next_question()
        command = normalise_command(line)
        if command in self.stall_on:
            self.stalled = True
            return ""
        if not command:
            return self.prompt
        return self._run(command)

    def _next_question(self) -> str:
        dialog, step = self._dialog.pop()
        if step + 1 < len(dialog.steps):
            self._dialog.append((dialog, step + 1))
            return dialog.steps[step + 1].question
        if dialog.closes:
            self.closed = True
            return ""
        return self.prompt

    def _run(self, command: str) -> str:
        dialog = self.platform.dialogs.get(command)
        if dialog is not None:
            self._dialog.append((dialog, 0))
            return dialog.steps[0].question
        if command in self.platform.modes:
            self._prompts.append(self.platform.modes[command])
            return self.prompt
        if command in self.platform.leave_mode and len(self._prompts) > 1:
            self._prompts.pop()
            return self.prompt
        if command in self.platform.logout:
            self.closed = True
            return ""
        return terminal_text(self.answer(command)) + self.prompt

    def answer(self, command: str) -> str:
        """The output of a non-interactive command: set-up answer, recording, or the error."""
        command = normalise_command(command)
        known = self.lookup(command)
        if known is not None:
            return known
        invalid = self.platform.invalid.format(command=command)
        if self.platform.caret:
            return " " * len(self.prompt) + "^\n" + invalid
        return invalid

    def lookup(self, command: str) -> str | None:
        """The device's output for a command it knows (filters included), else None."""
        if command in self.platform.setup:
            return self.platform.setup[command]
        if command in self.outputs:
            return self.outputs[command]
        piped = PIPE.match(command)
        if piped is not None and piped["base"] in self.outputs:
            return filter_lines(self.outputs[piped["base"]], piped["pattern"])
        return None
