"""The real-time loop paces frames at the display's refresh rate unless a cap is set."""

from __future__ import annotations

import pygame

from tests.support.app_driver import close, make_app


def test_frame_rate_follows_the_display_only_when_asked() -> None:
    app = make_app(render=False)
    try:
        display_rate = pygame.display.get_current_refresh_rate()
        app.ctx.fps = 144
        app.ctx.fps_follow_display = False
        assert app.frame_rate() == 144
        app.ctx.fps_follow_display = True
        expected = display_rate if 30 <= display_rate <= 500 else 144
        assert app.frame_rate() == expected
        app.ctx.fps = None  # uncapped (--fps 0) never follows the display
        app.ctx.fps_follow_display = False
        assert app.frame_rate() is None
    finally:
        close(app)


def test_settings_fps_limit_zero_means_follow_the_display() -> None:
    from duet_drums.commands.game import _context

    ctx = _context(stepped=True, fps=None)
    try:
        assert ctx.settings.fps_limit == 0 and ctx.fps_follow_display
    finally:
        ctx.close()
    ctx = _context(stepped=True, fps=0)
    try:
        assert ctx.fps is None and not ctx.fps_follow_display
    finally:
        ctx.close()
