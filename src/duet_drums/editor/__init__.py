"""The chart editor's headless half: every edit a pure function on the frozen `Chart`.

- `rebuild`: rebuilding a chart with one piece replaced, checked by the loader's rules
  (`EditError` otherwise).
- `edits`, `selection`, `snap`: placing and changing notes; what is selected; the grid.
- `tempo_edits`: tempo, time signatures, sections, metadata, tap-BPM, beat anchors.
- `history`: unlimited undo/redo. `session`: the window's state and one function per
  window action (the pygame window is a thin adapter over it).
- `record`: a take of stamped hits quantized into one undoable edit.
- `reduce`, `partner`, `playability`: easier difficulties and a beginner's part.
- `validate`, `duet`: the validation panel; the unison map and densities.
- `files`, `autosave`: new charts from a template; autosave side files and recovery.
- `cli`: the commands (`duet-drums-editor`); `edit` opens the window.
- `window`: the pygame window, an adapter over `session` on the app's navigator. The
  modules above it import no pygame.
"""
