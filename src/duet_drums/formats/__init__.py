"""Community chart formats: notes.mid, .chart and song.ini into our chart model.

`load_song(path)` reads a song folder, a notes.mid or a notes.chart; the modules hold the
readers (`notes_mid`, `notes_chart`, `song_ini`), the shared drum rules (`drum_rules`)
and the folder logic (`song_folder`).
"""

from __future__ import annotations

from duet_drums.formats.errors import FormatError
from duet_drums.formats.song_folder import LoadedSong, load_song

__all__ = ["FormatError", "LoadedSong", "load_song"]
