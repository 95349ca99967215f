"""Which scene shows which route: the only module that imports scene modules.

One line per route. A layer above the app (the editor) adds its own routes to the
registry it hands to `App` (`default_registry().add(EditorRoute, EditorScene)`).
"""

from __future__ import annotations

from duet_drums.app import routes as r
from duet_drums.app.navigator import SceneRegistry
from duet_drums.app.scenes.calibration import CalibrationScene
from duet_drums.app.scenes.keybind import KeybindScene
from duet_drums.app.scenes.keytest import KeyTestScene
from duet_drums.app.scenes.load_song import LoadSongScene
from duet_drums.app.scenes.midi_setup import MidiSetupScene
from duet_drums.app.scenes.pair_history import PairHistoryScene
from duet_drums.app.scenes.pause import PauseScene
from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.practice import PracticeScene
from duet_drums.app.scenes.results import ResultsScene
from duet_drums.app.scenes.settings import SettingsScene
from duet_drums.app.scenes.skipped_songs import SkippedSongsScene
from duet_drums.app.scenes.song_folders import SongFoldersScene
from duet_drums.app.scenes.song_select import SongSelectScene
from duet_drums.app.scenes.title import TitleScene


def default_registry() -> SceneRegistry:
    return (
        SceneRegistry()
        .add(r.Title, TitleScene)
        .add(r.SongSelect, SongSelectScene)
        .add(r.Play, PlayScene)
        .add(r.Results, ResultsScene)
        .add(r.Practice, PracticeScene)
        .add(r.Pause, PauseScene)
        .add(r.SettingsMenu, SettingsScene)
        .add(r.Keybind, KeybindScene)
        .add(r.MidiSetup, MidiSetupScene)
        .add(r.KeyTest, KeyTestScene)
        .add(r.Calibration, CalibrationScene)
        .add(r.LoadSong, LoadSongScene)
        .add(r.SongFolders, SongFoldersScene)
        .add(r.SkippedSongs, SkippedSongsScene)
        .add(r.PairHistory, PairHistoryScene)
    )
