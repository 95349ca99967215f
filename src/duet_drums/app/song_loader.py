"""Opening a community song in the background: read its chart, then decode its stems.

Only the song being played is read in full (the library scan keeps a summary of each);
reading a big notes.mid and decoding five minutes of stems take from a tenth of a second
to a few seconds, so both run in a thread while the loading screen draws the progress
and the frame loop keeps going. The screen polls `progress`, `detail` and `outcome`;
`cancel()` stops the decode between two blocks.

A chart that cannot be read ends the job with `error` (the reader's message names the
file and place); a stem that cannot be decoded is left out and reported by the mix;
without an audio device (`sample_rate` None) no stem is decoded at all.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from duet_drums.app.catalog import ChartEntry, load_community, unexpected_failure
from duet_drums.audio.audio_cache import AudioCache
from duet_drums.audio.decode import DecodeCancelled
from duet_drums.audio.stems import StemMix, StemProgress, load_stems
from duet_drums.core.chart import ChartError


@dataclass(frozen=True, slots=True)
class LoadOutcome:
    entry: ChartEntry | None
    stems: StemMix | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None


class SongLoad:
    def __init__(self, folder: Path, sample_rate: int | None, cache: AudioCache | None = None,
                 entry: ChartEntry | None = None) -> None:
        self.folder = Path(folder)
        self.sample_rate = sample_rate
        self.cache = cache
        self.entry = entry
        self.progress = 0.0
        self.detail = "Reading the chart"
        self.outcome: LoadOutcome | None = None
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name="song-load", daemon=True)

    def start(self) -> SongLoad:
        self._thread.start()
        return self

    @property
    def done(self) -> bool:
        return self.outcome is not None

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return self.done

    def _on_stem(self, p: StemProgress) -> None:
        self.progress = 0.1 + 0.9 * p.fraction
        if p.stem:
            self.detail = f"Decoding {p.stem} ({p.index + 1} of {p.count})"
        else:
            self.detail = "Audio from the cache"

    def _run(self) -> None:
        try:
            entry, warnings = (self.entry, ()) if self.entry is not None else load_community(self.folder)
        except ChartError as exc:
            self.outcome = LoadOutcome(None, error=str(exc))
            return
        except Exception as exc:  # a reader bug: this song fails, the game goes on
            self.outcome = LoadOutcome(None, error=unexpected_failure(self.folder, exc))
            return
        self.progress = 0.1
        folder = entry.chart.metadata.song_folder
        stems: StemMix | None = None
        if self.sample_rate is not None and folder is not None and folder.stems:
            try:
                stems = load_stems(entry.path, folder.stems, self.sample_rate, cache=self.cache,
                                   progress=self._on_stem, cancel=self._cancel)
            except DecodeCancelled:
                self.outcome = LoadOutcome(None, error="cancelled")
                return
            except Exception as exc:  # never a crash for audio: play on the synthesized backing
                warnings = (*warnings, f"the song's audio could not be decoded ({type(exc).__name__}: {exc})")
        self.progress = 1.0
        self.outcome = LoadOutcome(entry, stems, tuple(warnings))
