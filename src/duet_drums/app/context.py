"""Services every scene shares: settings, chart catalog, score database, audio, MIDI.

One object, created once by the App, passed to each scene, so that a setting changed in
the settings scene is what the play scene uses next, and so tests can build a context
around temp folders. Audio and MIDI are opened lazily (the title screen must appear even
when the sound card or the MIDI driver is broken) and their failures become warnings the
screens show, never crashes.
"""

from __future__ import annotations

import contextlib
import queue
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duet_drums.app import catalog as catalog_mod
from duet_drums.app.catalog import Catalog
from duet_drums.app.library_state import LibraryService
from duet_drums.app.protocols import AudioEngineView, MidiControl
from duet_drums.app.run_records import RunRecords
from duet_drums.app.theme import Theme
from duet_drums.inputs.input_queue import InputItem, InputQueue, drain
from duet_drums.paths import samples_dir
from duet_drums.settings import Settings, load_settings, save_settings
from duet_drums.storage.scores import ScoreDB


@dataclass
class AppContext:
    settings: Settings
    settings_warning: str | None = None
    charts_dirs: list[Path] | None = None  # None = bundled + user charts folders
    # Fixed-step time (tests, headless): no audio device, transports advance per frame.
    stepped: bool = False
    # Frames per second for the pacer: None = uncapped, else the cap.
    fps: int | None = 120
    # Pace frames at the display's refresh rate when it reports one (settings fps_limit 0).
    fps_follow_display: bool = False
    # Open the audio device / the MIDI layer. None = "unless stepped": stepped runs
    # (`play --headless`, most tests) touch no driver. Tests that drive a real kit
    # through stepped scenes set `midi=True`; `audio=False` without `stepped` gives the
    # wall-clock transport, the game's own fallback when no sound device opens.
    audio_enabled: bool | None = None
    midi_enabled: bool | None = None
    theme: Theme = field(default_factory=Theme)
    # Hits and port notices from the input threads, for the frame loop to drain.
    midi_queue: InputQueue = field(default_factory=queue.SimpleQueue)
    # The community song library: the last scan of the settings' song folders, and the
    # scan running in the background (started with the game's menus, or by song select).
    library: LibraryService = field(default_factory=LibraryService)
    catalog: Catalog = field(init=False)
    scores: ScoreDB = field(init=False)
    # Finished songs: saves scores and replays, once, when a song completes.
    runs: RunRecords = field(init=False)
    warnings: list[str] = field(default_factory=list)
    # What the sound setup could not do (no device: silent play; broken drum samples),
    # also in `warnings`: the play screen shows these, and `duet-drums play` prints them.
    audio_notices: list[str] = field(default_factory=list)
    # Bumped when the key bindings change; the App rebuilds its keyboard poller.
    keymap_version: int = field(default=0, init=False)
    _audio: AudioEngineView | None = field(default=None, init=False, repr=False)
    _audio_tried: bool = field(default=False, init=False, repr=False)
    _audio_stale: bool = field(default=False, init=False, repr=False)
    _midi: MidiControl | None = field(default=None, init=False, repr=False)
    _midi_tried: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.catalog = catalog_mod.scan(self.charts_dirs)
        self.scores = ScoreDB()
        self.runs = RunRecords(self.scores)
        if self.settings_warning:
            self.warnings.append(self.settings_warning)
        # A score database set aside, held in memory only, or pending runs merged in.
        self.warnings.extend(self.scores.notices)

    @classmethod
    def load(cls, **kw: Any) -> AppContext:
        settings, warning = load_settings()
        return cls(settings=settings, settings_warning=warning, **kw)

    def rescan(self) -> None:
        self.catalog = catalog_mod.scan(self.charts_dirs)

    def save_settings(self) -> str | None:
        """Save now; a read-only config folder or a full disk never closes the window: the
        returned message (also kept once in `warnings`) is for the screen to show, and play
        goes on with the settings in memory."""
        notice = save_settings(self.settings)
        if notice is None:
            return None
        if notice.message not in self.warnings:
            self.warnings.append(notice.message)
        return notice.message

    def keys_changed(self) -> None:
        """The players' key bindings changed (the App re-reads them before its next poll)."""
        self.keymap_version += 1

    # -- audio ---------------------------------------------------------------------------
    def audio(self) -> AudioEngineView | None:
        """The opened audio engine, or None (stepped mode, audio off, or the device failed)."""
        if not (self.audio_enabled if self.audio_enabled is not None else not self.stepped):
            return None
        if self._audio_stale:
            self._audio_stale = False
            if self._audio is not None:
                self._audio.close()
            self._audio = None
            self._audio_tried = False
        if not self._audio_tried:
            self._audio_tried = True
            try:
                from duet_drums.audio.engine import AudioEngine

                engine: AudioEngineView = AudioEngine(self.settings.audio, self.settings.calibration,
                                                      samples_dir())
                engine.open()
                self._audio_notice(*engine.notices())
                self._audio = engine
            except Exception as exc:  # a broken sound setup must not stop the game
                self._audio_notice(f"the sound could not start ({exc}); playing silently")
                self._audio = None
        return self._audio

    def _audio_notice(self, *notices: str) -> None:
        for notice in notices:
            if notice not in self.audio_notices:
                self.audio_notices.append(notice)
                self.warnings.append(f"audio: {notice}")

    def apply_audio_settings(self) -> None:
        """Volumes and calibration take effect at once in a running engine."""
        engine = self._audio
        if engine is None:
            return
        a = self.settings.audio
        engine.set_volumes(a.master_volume, a.backing_volume, a.hits_volume, a.click_volume)
        engine.set_calibration(self.settings.calibration)

    def reopen_audio(self) -> None:
        """After the buffer size changed: the next song opens the device anew (not now: a
        paused song may still be holding the engine)."""
        self._audio_stale = True

    # -- MIDI ----------------------------------------------------------------------------
    def midi(self) -> MidiControl | None:
        """The running MIDI listener, started on first use; None when MIDI is off (stepped
        mode unless `midi_enabled`) or could not be created. With no MIDI system it is a
        listener whose status says why (the MIDI screen shows that reason)."""
        if not (self.midi_enabled if self.midi_enabled is not None else not self.stepped):
            return None
        if not self._midi_tried:
            self._midi_tried = True
            try:
                from duet_drums.inputs.midi_inputs import MidiInputs

                midi: MidiControl = MidiInputs(self.settings.midi, self.midi_queue)
                midi.start()
                self._midi = midi
            except Exception as exc:
                self.warnings.append(f"MIDI unavailable: {exc}")
                self._midi = None
        return self._midi

    def midi_if_running(self) -> MidiControl | None:
        """The MIDI listener if something already started it (the frame loop never
        starts MIDI just to look for events)."""
        return self._midi

    def drain_midi(self) -> list[InputItem]:
        return drain(self.midi_queue)

    def close(self) -> None:
        self.library.close()
        if self._midi is not None:
            with contextlib.suppress(Exception):
                self._midi.stop()
        if self._audio is not None:
            with contextlib.suppress(Exception):
                self._audio.close()
        self.runs.close()
        self.scores.close()
