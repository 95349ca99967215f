"""The chart editor's window (pygame-ce), an adapter over `editor.session`.

- `run`, `registry`, `routes`: opening the window on the app's `App` and navigator, and
  the editor's screens as routes.
- `scene`: the editor itself (events -> session functions; the autosave timer);
  `actions` and `keys`: what each key, button and panel row does, as one table.
- `layout`, `timeline`, `waveform`, `panels`: geometry and drawing (the highway of one
  part and difficulty, the other part beside it with unisons marked, the ruler with
  tempo, time signatures and sections, the audio strip, the side panel).
- `playback`: drum samples, metronome and the chart's audio at 25-100 % speed, on the
  audio engine's clock. `record`: the record overlay (the game's own input stamping).
- `dialogs`: forms and choices; `report`: `--report` lines for scripts and tests.
"""
