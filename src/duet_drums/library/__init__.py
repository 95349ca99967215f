"""The song library: community song folders found, read and cached.

`scan_library(roots, cache=LibraryCache(), progress=..., cancel=...)` is the one entry
point; `walk` finds and fingerprints folders, `cache` keeps what was read.
"""

from __future__ import annotations

from duet_drums.library.cache import LibraryCache
from duet_drums.library.scan import LibraryScan, LibrarySong, ScanProgress, SkippedFolder, scan_library

__all__ = ["LibraryCache", "LibraryScan", "LibrarySong", "ScanProgress", "SkippedFolder", "scan_library"]
