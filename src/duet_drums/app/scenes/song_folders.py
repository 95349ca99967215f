"""Settings > Song folders: where the community songs are, and how their audio plays.

Folders are typed as paths (Enter on "Add folder...", type, Enter; "~" is the home
folder): the game has no file dialog, and a path typed by the player is one they can
read back. A path that is not a folder is refused with the reason. Delete removes the
selected folder. Any change saves the settings and rescans in the background; the page
shows the scan's progress and its outcome (songs found, from the cache, skipped).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.library_state import folder_paths
from duet_drums.app.progress import progress_bar, scan_text
from duet_drums.app.routes import SkippedSongs, SongFolders
from duet_drums.app.scenes.base import MenuScene

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

DRUM_STEM_VOLUMES = tuple(round(i / 20, 2) for i in range(21))
PATH_MAX = 400
ADD = "Add folder..."


def tail(text: str, limit: int = 44) -> str:
    """The end of a long path, which is the part that tells folders apart."""
    return text if len(text) <= limit else "..." + text[-(limit - 3) :]


def stems_volume_label(value: float) -> str:
    if value <= 0:
        return "muted"
    return "as recorded" if value >= 1 else f"{round(value * 100)}%"


class SongFoldersScene(MenuScene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: SongFolders) -> None:
        super().__init__(nav, ctx)
        self.path_entry = w.TextEntry(max_length=PATH_MAX)
        self.message = ""
        self.time = 0.0
        self.menu = w.Menu(self._items(), size=24, row_height=38)

    @property
    def folders(self) -> list[str]:
        return self.ctx.settings.library.folders

    def _items(self) -> list[w.MenuItem]:
        items = [
            w.MenuItem(tail(folder), value=self._count_of(folder), note="folder") for folder in self.folders
        ]
        items += [
            w.MenuItem(
                ADD,
                self._begin_add,
                value=lambda: tail(self.path_entry.shown(), 50) if self.path_entry.editing else "",
            ),
            w.MenuItem("Rescan now", self.rescan),
            w.MenuItem(
                "Drum stems while you play",
                value=lambda: stems_volume_label(self.ctx.settings.library.drum_stems_volume),
                change=self._stems_volume,
            ),
            w.MenuItem("Skipped songs...", self.opens(SkippedSongs())),
            w.MenuItem("Back", self.nav.pop),
        ]
        return items

    def _rebuild(self, select: str | None = None) -> None:
        current = select or self.menu.current.label
        self.menu = w.Menu(self._items(), size=24, row_height=38)
        labels = [item.label for item in self.menu.items]
        self.menu.selected = labels.index(current) if current in labels else labels.index(ADD)

    def _count_of(self, folder: str) -> Callable[[], str]:
        root = folder_paths([folder])[0]

        def value() -> str:
            scan = self.ctx.library.scan
            if scan is None:
                return ""
            songs = sum(1 for s in scan.songs if s.root == root)
            skipped = sum(1 for s in scan.skipped if s.root == root)
            return f"{songs:,} songs" + (f", {skipped:,} skipped" if skipped else "")

        return value

    # -- changes ----------------------------------------------------------------------------
    def _save_and_rescan(self) -> None:
        notice = self.ctx.save_settings()
        if notice:
            self.message = notice
        self.rescan()

    def rescan(self) -> None:
        self.ctx.library.start(self.folders)

    def _begin_add(self) -> None:
        self.message = ""
        self.path_entry.begin("")

    def add_folder(self, text: str) -> bool:
        """Add `text` as a song folder if it is one; else say why. True when added."""
        path = Path(text.strip()).expanduser()
        if not path.is_dir():
            self.message = f"{text}: not a folder (or it cannot be opened)"
            return False
        if path in folder_paths(self.folders):
            self.message = f"{text} is already a song folder"
            return False
        self.folders.append(str(path))
        self.message = f"added {path}; scanning"
        self._rebuild(select=tail(str(path)))
        self._save_and_rescan()
        return True

    def remove_folder(self, index: int) -> None:
        removed = self.folders.pop(index)
        self.message = f"removed {removed} (its song files are untouched)"
        self._rebuild(select=ADD)
        self._save_and_rescan()

    def _stems_volume(self, step: int) -> None:
        lib = self.ctx.settings.library
        i = min(
            range(len(DRUM_STEM_VOLUMES)), key=lambda k: abs(DRUM_STEM_VOLUMES[k] - lib.drum_stems_volume)
        )
        lib.drum_stems_volume = DRUM_STEM_VOLUMES[max(0, min(len(DRUM_STEM_VOLUMES) - 1, i + step))]
        notice = self.ctx.save_settings()
        if notice:
            self.message = notice

    # -- events -----------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        if self.path_entry.editing:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                if not self.path_entry.text.strip() or self.add_folder(self.path_entry.text):
                    self.path_entry.editing = False
                return
            self.path_entry.handle_key(event)
            return
        if event.key in (pygame.K_DELETE, pygame.K_BACKSPACE) and self.menu.current.note == "folder":
            self.remove_folder(self.menu.selected)
            return
        super().handle_event(event)

    def update(self, dt: float) -> None:
        self.time += dt

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, "Song folders", (30, 16), 40, theme.accent, bold=True)
        w.text(
            surface,
            theme,
            "Clone Hero, YARG and Rock Band song folders; subfolders are searched too",
            (30, 62),
            20,
            theme.text_dim,
        )
        bar = pygame.Rect(30, 92, min(900, width - 60), 30)
        status = self.ctx.library.status
        scan = self.ctx.library.scan
        if status.scanning:
            label, fraction = scan_text(status.progress)
            progress_bar(surface, theme, bar, fraction, label, 18, busy_phase=self.time)
        elif status.error:
            w.text(
                surface,
                theme,
                w.fit(theme, status.error, 18, bar.width),
                bar.midleft,
                18,
                theme.bad,
                anchor="midleft",
            )
        elif scan is not None:
            done = (
                f"{len(scan.songs):,} songs, {len(scan.skipped):,} skipped; scanned in {scan.seconds:.1f} s "
                f"({scan.cached:,} from the cache, {scan.read:,} read)"
            )
            if scan.notices:  # the cache was set aside or cannot be written: the scan went on
                done = f"{done}; {scan.notices[0]}"
            w.text(surface, theme, w.fit(theme, done, 18, bar.width), bar.midleft, 18,
                   theme.bad if scan.notices else theme.good, anchor="midleft")
        elif not self.folders:
            w.text(
                surface,
                theme,
                "No song folders yet: add one below.",
                bar.midleft,
                18,
                theme.text_dim,
                anchor="midleft",
            )
        self.menu.draw(surface, theme, pygame.Rect(30, 136, min(1100, width - 60), height - 220), value_x=560)
        if self.message:
            w.text(
                surface,
                theme,
                w.fit(theme, self.message, 18, width - 60),
                (30, height - 64),
                18,
                theme.accent2,
            )
        if self.path_entry.editing:
            hint = "Type the folder's path   Enter: add   Esc: cancel"
        else:
            hint = "Up/Down: row   Enter: choose   Left/Right: change   Del: remove folder   Esc: back"
        w.hint_bar(surface, theme, hint)
