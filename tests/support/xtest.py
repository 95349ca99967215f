"""Real X key events from this process through XTEST (libX11 + libXtst via ctypes).

Both libraries are already there for xdotool, so no new dependency; sending from our own
X connection leaves no pipe or second process between the send stamp and the server.
Used by the end-to-end test and the input-latency bench. One thread per instance.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Sequence


class XTest:
    def __init__(self, display: str):
        self.x11 = ctypes.CDLL("libX11.so.6")
        self.xtst = ctypes.CDLL("libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self.x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                ctypes.c_ulong]
        self.dpy = self.x11.XOpenDisplay(display.encode())
        if not self.dpy:
            raise OSError(f"cannot open X display {display}")
        self._codes: dict[str, int] = {}

    def code(self, keysym: str) -> int:
        if keysym not in self._codes:
            code = self.x11.XKeysymToKeycode(self.dpy, self.x11.XStringToKeysym(keysym.encode()))
            if not code:
                raise ValueError(f"no keycode for keysym {keysym!r}")
            self._codes[keysym] = code
        return self._codes[keysym]

    def send(self, keysyms: Sequence[str], down: bool) -> int:
        """Press (or release) the keys together in one flush; returns perf_counter_ns taken
        just before the flush hands them to the X server."""
        for keysym in keysyms:
            self.xtst.XTestFakeKeyEvent(self.dpy, self.code(keysym), int(down), 0)
        sent = time.perf_counter_ns()
        self.x11.XFlush(self.dpy)
        return sent

    def close(self) -> None:
        if self.dpy:
            self.x11.XCloseDisplay(self.dpy)
            self.dpy = None
