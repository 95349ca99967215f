"""The play screen, rendered with the dummy video driver onto real Surfaces.

Every check looks at pixels a player would notice (a note where the note speed says it
is, a kick bar across the highway, a needle on the leading player's side), driving a
real DuetSession with real hits; the Playfield's geometry helpers only say where to look.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pygame
import pytest

from duet_drums.app.highway import LOOKAHEAD_S
from duet_drums.app.playfield import Playfield
from duet_drums.app.theme import Theme
from duet_drums.core.chart import Chart, parse_chart
from duet_drums.core.hits import Hit
from duet_drums.core.kit import FIVE_LANE, Piece
from duet_drums.core.rules import rules_for
from duet_drums.core.session import DuetSession, PlayerSetup

SIZE = (1280, 720)
RES = 480  # ticks per beat; 120 BPM -> one beat = 0.5 s, tick 960 = 1.0 s
RED = FIVE_LANE.lanes[1].color
YELLOW = FIVE_LANE.lanes[2].color
KICK = FIVE_LANE.lanes[0].color


@pytest.fixture(autouse=True, scope="module")
def _pygame() -> Iterable[None]:
    pygame.init()
    yield
    pygame.quit()


def chart(lead: list[tuple[Any, ...]], partner: list[tuple[Any, ...]] = ()) -> Chart:  # type: ignore[assignment]
    def notes(spec: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        out = [{"tick": n[0], "piece": n[1], **({"velocity": n[2]} if len(n) > 2 else {})} for n in spec]
        return sorted(out, key=lambda n: (n["tick"], n["piece"]))
    parts = {name: {"easy": [], "medium": [], "hard": [], "expert": notes(spec)}
             for name, spec in (("lead", lead), ("partner", partner))}
    return parse_chart({"format": 1, "metadata": {"title": "Pixel Test", "resolution": RES},
                        "tempo": [{"tick": 0, "bpm": 120.0}],
                        "sections": [{"tick": 0, "name": "Intro"}, {"tick": 4 * RES, "name": "Verse"}],
                        "parts": parts})


def session(c: Chart, layouts: tuple[str, str] = ("5-lane", "5-lane")) -> DuetSession:
    return DuetSession(c, [PlayerSetup("lead", "expert", layouts[0], "A"),
                           PlayerSetup("partner", "expert", layouts[1], "B")], rules_for("standard"))


def render(field: Playfield, t: float, size: tuple[int, int] = SIZE) -> pygame.Surface:
    surf = pygame.Surface(size)
    field.draw(surf, t)
    return surf


def near(c: Any, target: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(int(a) - int(b)) <= tol for a, b in zip(tuple(c)[:3], target, strict=True))


def rgb(surf: pygame.Surface) -> np.ndarray:
    """(w, h, 3) pixel array, a copy (no lock left on the surface)."""
    return pygame.surfarray.array3d(surf).astype(np.int16)


def color_mask(arr: np.ndarray, target: tuple[int, int, int], tol: int = 40) -> np.ndarray:
    return (np.abs(arr - np.asarray(target, dtype=np.int16)) <= tol).all(axis=-1)


# -- note position and note speed ------------------------------------------------------------------

@pytest.mark.parametrize("speed", [1.0, 2.0])
def test_note_sits_where_the_note_speed_puts_it(speed: float) -> None:
    sess = session(chart([(960, "snare")]))  # the note is at 1.0 s
    field = Playfield(SIZE, sess, Theme(), note_speed=speed)
    geo = field.geometry[0]
    lookahead = LOOKAHEAD_S / speed
    t = 1.0 - lookahead / 2  # the note should be half way between the far edge and the hit line
    arr = rgb(render(field, t))
    x = field.lane_x(0, 1)
    column = color_mask(arr[x, :, :], RED)  # every y in the red lane's centre column
    ys = np.flatnonzero(column[geo.rect.top:geo.hit_y - 30]) + geo.rect.top
    assert ys.size > 5, "the snare note is not drawn in the red lane"
    expected = geo.rect.top + (geo.hit_y - geo.rect.top) / 2
    assert abs(ys.mean() - expected) <= 3
    # and a quarter of the look-ahead later it has moved a quarter of the way down
    arr2 = rgb(render(field, t + lookahead / 4))
    ys2 = np.flatnonzero(color_mask(arr2[x, :, :], RED)[geo.rect.top:geo.hit_y - 30]) + geo.rect.top
    assert abs((ys2.mean() - ys.mean()) - (geo.hit_y - geo.rect.top) / 4) <= 3


def test_notes_beyond_the_look_ahead_are_not_drawn() -> None:
    sess = session(chart([(960 * 4, "snare")]))  # 4.0 s
    field = Playfield(SIZE, sess, Theme())
    arr = rgb(render(field, 1.0))  # 3 s ahead: above the highway
    geo = field.geometry[0]
    lane = field.lane_x(0, 1)
    assert not color_mask(arr[lane, geo.rect.top:geo.hit_y - 30], RED, 25).any()


def test_kick_is_a_bar_across_the_highway_and_a_snare_is_not() -> None:
    sess = session(chart([(960, "kick"), (1440, "snare")]))  # 1.0 s and 1.5 s
    field = Playfield(SIZE, sess, Theme())
    geo = field.geometry[0]
    arr = rgb(render(field, 0.5))
    y_kick = round(field.note_y(0, 1.0, 0.5))
    y_snare = round(field.note_y(0, 1.5, 0.5))
    kick_row = color_mask(arr[geo.rect.left:geo.rect.right, y_kick], KICK)
    snare_row = color_mask(arr[geo.rect.left:geo.rect.right, y_snare], RED)
    assert kick_row.sum() >= 0.85 * geo.inner.w
    assert 0 < snare_row.sum() < 0.3 * geo.inner.w


def _gem_mask(field: Playfield, note_t: float, lane: int, color: tuple[int, int, int],
              tol: int = 45) -> np.ndarray:
    """The lane-coloured pixels of the gem centred at the middle of the highway."""
    geo = field.geometry[0]
    song_t = note_t - LOOKAHEAD_S / 2
    arr = rgb(render(field, song_t))
    cx, cy = field.lane_x(0, lane), round(field.note_y(0, note_t, song_t))
    half = round(geo.lane_w / 2)
    box = arr[cx - half:cx + half, cy - 30:cy + 30]
    return color_mask(box, color, tol)


def test_cymbal_and_tom_gems_have_different_shapes() -> None:
    # on the 5-lane layout the yellow lane carries both the hi-hat (cymbal) and tom1
    sess = session(chart([(960 * 2, "hihat"), (960 * 5, "tom1")]))
    field = Playfield(SIZE, sess, Theme())
    cymbal = _gem_mask(field, 2.0, 2, YELLOW)
    tom = _gem_mask(field, 5.0, 2, YELLOW)
    assert cymbal.sum() > 50 and tom.sum() > 50
    overlap = (cymbal & tom).sum() / (cymbal | tom).sum()
    assert overlap < 0.6, f"cymbal and tom gems look alike (IoU {overlap:.2f})"
    # the tom is a rounded box: its widest row spans most of the lane; the diamond's
    # rows narrow towards its top and bottom, so it fills less of its bounding box
    def fill_ratio(mask: np.ndarray) -> float:
        xs, ys = np.nonzero(mask)
        return float(mask.sum() / ((np.ptp(xs) + 1) * (np.ptp(ys) + 1)))
    assert fill_ratio(tom) > fill_ratio(cymbal) + 0.15


def test_accent_normal_and_ghost_notes_look_different() -> None:
    sess = session(chart([(960 * 2, "snare", 127), (960 * 5, "snare", 90), (960 * 8, "snare", 20)]))
    field = Playfield(SIZE, sess, Theme())
    geo = field.geometry[0]

    def gem(note_t: float) -> np.ndarray:
        song_t = note_t - LOOKAHEAD_S / 2
        arr = rgb(render(field, song_t))
        cx, cy = field.lane_x(0, 1), round(field.note_y(0, note_t, song_t))
        half = round(geo.lane_w / 2)
        return arr[cx - half:cx + half, cy - 30:cy + 30]

    accent, normal, ghost = gem(2.0), gem(5.0), gem(8.0)
    white = (250, 250, 250)
    # accent: a white rim the normal note does not have
    assert color_mask(accent, white, 12).sum() > color_mask(normal, white, 12).sum() + 40
    # ghost: smaller and dimmer than the normal note
    red_n, red_g = color_mask(normal, RED, 45).sum(), color_mask(ghost, RED, 45).sum()
    assert red_g < 0.6 * red_n
    lit_n = (normal.max(axis=2) > 120).sum()
    lit_g = (ghost.max(axis=2) > 120).sum()
    assert lit_g < 0.7 * lit_n


def test_hit_note_disappears_and_missed_note_greys_out() -> None:
    sess = session(chart([(960, "snare"), (1920, "snare")]))  # 1.0 s and 2.0 s
    # a fast highway, so 40 ms before the hit line is well clear of the target pad
    field = Playfield(SIZE, sess, Theme(), note_speed=3.0)
    x = field.lane_x(0, 1)
    t = 0.96
    y1 = round(field.note_y(0, 1.0, t))
    assert y1 < field.geometry[0].hit_y - 30
    before = rgb(render(field, t))
    assert color_mask(before[x, y1 - 4:y1 + 5], RED, 40).any()
    sess.hit(Hit(0, Piece.SNARE, t))  # 40 ms early: a Great; the note is consumed
    after = rgb(render(field, t))
    assert not color_mask(after[x, y1 - 4:y1 + 5], RED, 40).any(), "a hit note is still drawn"

    # the second note is never played: passed, it is judged a miss and drawn grey
    field = Playfield(SIZE, sess, Theme())
    sess.advance(2.2)
    t = 2.2
    y2 = round(field.note_y(0, 2.0, t))
    assert y2 > field.geometry[0].hit_y  # it is below the hit line, still on screen
    px = rgb(render(field, t))[x, y2]
    assert max(px) - min(px) < 25 and 70 < px.mean() < 180, f"missed note not grey: {px}"


def test_lefty_flip_mirrors_lane_order() -> None:
    c = chart([(960, "snare"), (960, "crash")])
    normal = Playfield(SIZE, session(c), Theme())
    lefty = Playfield(SIZE, session(c), Theme(), lefty=(True, False))
    red, green = 1, 4
    assert normal.lane_x(0, red) < normal.lane_x(0, green)
    assert lefty.lane_x(0, red) > lefty.lane_x(0, green)
    assert lefty.lane_x(1, red) < lefty.lane_x(1, green)  # P2 is not flipped
    # and the pixels follow: the red gem is drawn on the right of P1's highway
    arr = rgb(render(lefty, 0.5))
    y = round(lefty.note_y(0, 1.0, 0.5))
    geo = lefty.geometry[0]
    reds = np.flatnonzero(color_mask(arr[geo.rect.left:geo.rect.right, y], RED)) + geo.rect.left
    assert reds.size and reds.mean() > geo.rect.centerx


# -- feedback ---------------------------------------------------------------------------------------

def test_pad_lights_when_struck_and_hit_flash_and_popup_show() -> None:
    sess = session(chart([(960, "snare")]))
    field = Playfield(SIZE, sess, Theme())
    geo = field.geometry[0]
    x = field.lane_x(0, 1)
    idle = rgb(render(field, 1.01))
    field.on_hit_input(0, 1, 1.0)
    field.on_events(sess.hit(Hit(0, Piece.SNARE, 1.0)), 1.0)
    lit = rgb(render(field, 1.01))
    pad = (slice(x - 20, x + 20), slice(geo.hit_y - 8, geo.hit_y + 8))
    assert lit[pad].mean() > idle[pad].mean() + 25
    perfect = Theme().judgement_color("perfect")
    popup_zone = lit[geo.inner.left:geo.inner.right, geo.rect.top:geo.hit_y - 20]
    assert color_mask(popup_zone, perfect, 20).sum() > 100, "no PERFECT pop-up"
    # it all fades away
    later = rgb(render(field, 2.0))
    assert color_mask(later[geo.inner.left:geo.inner.right, geo.rect.top:geo.hit_y - 20],
                      perfect, 20).sum() == 0


def test_overhit_flashes_red_on_its_lane() -> None:
    sess = session(chart([(960 * 4, "snare")]))
    field = Playfield(SIZE, sess, Theme())
    geo = field.geometry[0]
    events = sess.hit(Hit(0, Piece.CRASH, 1.0))
    assert any(type(e).__name__ == "Overhit" for e in events)
    field.on_events(events, 1.0)
    arr = rgb(render(field, 1.03))
    x = field.lane_x(0, 4)
    zone = arr[x - 25:x + 25, geo.hit_y - 40:geo.hit_y + 10]
    reddish = (zone[..., 0] > 180) & (zone[..., 1] < 120) & (zone[..., 2] < 120)
    assert reddish.sum() > 30


# -- sync meter --------------------------------------------------------------------------------------

def _unison_chart(n: int = 8) -> Chart:
    notes = [(RES * (2 + k), "snare") for k in range(n)]
    return chart(notes, notes)


def _play(sess: DuetSession, field: Playfield, offsets: tuple[float, float],
          miss: tuple[bool, bool]) -> float:
    t_last = 0.0
    for i in range(len(sess.tracks[0])):
        for p in (0, 1):
            if miss[p]:
                continue
            t = float(sess.tracks[p].times[i]) + offsets[p]
            field.on_events(sess.hit(Hit(p, Piece.SNARE, t)), t)
            t_last = max(t_last, t)
    t_end = t_last + 0.2
    field.on_events(sess.advance(t_end), t_end)
    return t_end


def _needle_x(field: Playfield, arr: np.ndarray) -> float:
    meter = field.sync_meter
    g = meter.gauge
    row = arr[g.left - 10:g.right + 10, g.y - 5]  # the needle's upper arrowhead
    xs = np.flatnonzero(color_mask(row, Theme().text, 20)) + g.left - 10
    assert xs.size, "no needle drawn"
    return float(xs.mean())


@pytest.mark.parametrize(("offsets", "side"), [((-0.020, 0.0), "left"), ((0.0, -0.020), "right")])
def test_needle_points_to_the_player_who_leads(offsets: tuple[float, float], side: str) -> None:
    sess = session(_unison_chart())
    field = Playfield(SIZE, sess, Theme())
    t = _play(sess, field, offsets, (False, False))
    assert sess.sync.running_ms is not None
    x = _needle_x(field, rgb(render(field, t)))
    centre = field.sync_meter.gauge.centerx
    if side == "left":
        assert x < centre - 10  # P1 plays 20 ms early: P1 leads, needle on P1's (left) side
    else:
        assert x > centre + 10


def test_duet_bonus_badge_only_while_active() -> None:
    accent = Theme().accent
    together = session(_unison_chart())
    f1 = Playfield(SIZE, together, Theme())
    t = _play(together, f1, (0.0, 0.002), (False, False))
    assert together.sync.duet_active
    zone = f1.sync_meter.bonus_rect
    arr = rgb(render(f1, t))[zone.left:zone.right, zone.top:zone.bottom]
    assert color_mask(arr, accent, 30).sum() > 200

    alone = session(_unison_chart())  # P2 never plays: no sync, no bonus
    f2 = Playfield(SIZE, alone, Theme())
    t = _play(alone, f2, (0.0, 0.0), (False, True))
    assert not alone.sync.duet_active
    arr = rgb(render(f2, t))[zone.left:zone.right, zone.top:zone.bottom]
    assert color_mask(arr, accent, 30).sum() == 0


def test_sync_percent_and_leader_text_change_with_play() -> None:
    sess = session(_unison_chart())
    field = Playfield(SIZE, sess, Theme())
    meter = field.sync_meter.rect
    before = rgb(render(field, 0.5))[meter.left:meter.right, meter.top:meter.top + 120]
    t = _play(sess, field, (-0.030, 0.0), (False, False))
    after = rgb(render(field, t))[meter.left:meter.right, meter.top:meter.top + 120]
    assert np.abs(after - before).sum() > 0  # "--" became a percentage
    p1 = Theme().player_colors[0]
    below = rgb(render(field, t))[meter.left:meter.right,
                                  field.sync_meter.gauge.bottom + 20:field.sync_meter.gauge.bottom + 70]
    assert color_mask(below, p1, 25).sum() > 50  # "P1 leads by 30 ms" in P1's colour


# -- top of the screen -------------------------------------------------------------------------------

def test_count_in_shows_before_time_zero_only() -> None:
    sess = session(chart([(RES * 8, "snare")]))
    field = Playfield(SIZE, sess, Theme())
    assert field.count_in.label_at(-1.9) == "4"
    assert field.count_in.label_at(-0.2) == "1"
    assert field.count_in.label_at(-5.0) == "Get ready"
    assert field.count_in.label_at(0.1) == ""
    accent = Theme().accent
    geo = field.geometry[0]
    cx, cy = geo.rect.center
    box = (slice(cx - 60, cx + 60), slice(cy - 60, cy + 60))
    assert color_mask(rgb(render(field, -0.45))[box], accent, 40).sum() > 200
    assert color_mask(rgb(render(field, 0.05))[box], accent, 40).sum() == 0


def test_section_name_follows_song_time() -> None:
    sess = session(chart([(RES * 8, "snare")]))
    field = Playfield(SIZE, sess, Theme())
    assert field.top_bar.section_at(0.5) == "Intro"
    assert field.top_bar.section_at(2.5) == "Verse"  # tick 4*RES = 2.0 s
    bar = field.layout.top_bar
    a = rgb(render(field, 0.5))[bar.centerx - 100:bar.centerx + 100, bar.top:bar.top + 35]
    b = rgb(render(field, 2.5))[bar.centerx - 100:bar.centerx + 100, bar.top:bar.top + 35]
    assert np.abs(a - b).sum() > 0


# -- layout ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (1024, 768), (2560, 1080)])
@pytest.mark.parametrize("layouts", [("5-lane", "5-lane"), ("full-kit", "5-lane"), ("full-kit", "full-kit")])
def test_layout_fits_without_overlap(size: tuple[int, int], layouts: tuple[str, str]) -> None:
    sess = session(_unison_chart(), layouts)
    field = Playfield(size, sess, Theme())
    window = pygame.Rect((0, 0), size)
    rects = field.rects()
    for name, r in rects.items():
        assert window.contains(r), f"{name} {r} outside the window {size}"
    exclusive = ["top_bar", "highway1", "highway2", "hud1", "hud2", "sync_meter"]
    for i, a in enumerate(exclusive):
        for b in exclusive[i + 1:]:
            assert not rects[a].colliderect(rects[b]), f"{a} overlaps {b} at {size}"
    # gems stay inside their highway, lanes are wide enough to tell apart
    for p in (0, 1):
        geo = field.geometry[p]
        assert geo.lane_w >= 30
        for lane in range(len(sess.tracks[p].layout.lanes)):
            assert geo.rect.left < field.lane_x(p, lane) < geo.rect.right
    render(field, 1.0, size)  # and it draws


def test_resize_rebuilds_for_the_new_size() -> None:
    sess = session(_unison_chart())
    field = Playfield(SIZE, sess, Theme())
    render(field, 1.0)
    field.resize((1920, 1080))
    big = render(field, 1.0, (1920, 1080))
    assert field.geometry[1].rect.right > 1280
    assert rgb(big)[1500:1700, 200:800].std() > 5  # P2's highway is drawn at the new place


def test_hud_follows_the_score() -> None:
    sess = session(_unison_chart())
    field = Playfield(SIZE, sess, Theme())
    hud = field.layout.huds[0]
    before = rgb(render(field, 0.5))[hud.left:hud.right, hud.top:hud.bottom]
    t = _play(sess, field, (0.0, 0.0), (False, True))
    assert sess.stats[0].score > 0
    after = rgb(render(field, t))[hud.left:hud.right, hud.top:hud.bottom]
    assert np.abs(after - before).sum() > 0
    assert sess.stats[1].score == 0


# -- the preview tool ------------------------------------------------------------------------------

def test_render_preview_writes_a_busy_mid_song_png(tmp_path: Any) -> None:
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "tools"))
    try:
        import render_preview
    finally:
        sys.path.pop(0)
    c = chart([(RES // 2 * k, "snare" if k % 2 else "hihat") for k in range(2, 40)],
              [(RES // 2 * k, "crash" if k % 2 else "kick") for k in range(2, 40)])
    path = tmp_path / "c.json"
    path.write_text(c.model_dump_json(exclude_none=True))
    out = render_preview.render(path, 5.0, SIZE, tmp_path / "play.png", ("expert", "expert"),
                                ("5-lane", "5-lane"))
    img = pygame.image.load(str(out))
    assert img.get_size() == SIZE
    arr = rgb(img)
    field = Playfield(SIZE, session(c), Theme())
    for p, color in ((0, RED), (1, FIVE_LANE.lanes[4].color)):
        hw = field.layout.highways[p]
        assert color_mask(arr[hw.left:hw.right, hw.top:hw.bottom], color, 40).sum() > 500
