"""Hard, medium and easy from expert, by the rules chart authors use.

The reduction follows Onyx's drum reducer (see shared/reference/chart-formats.md):
notes are ranked by metrical weight (downbeat, half bar, beat, eighth, the rest), snares
first, then the other hand notes, kicks last; a note is kept only when no kept note of
its kind lies within a window: Hard +-1/2 beat, Medium and Easy +-1 beat, kicks +-1/2,
+-1 and +-2 beats. Each difficulty is reduced from the one above it, so a harder chart
always holds what an easier one does. On top come the human review rules (Harmonix /
C3): no ghosts and no 2x kick below expert, no kicks inside drum fills below expert,
no three-limb moment on medium (kick + two hands: the kick yields, the hands carry the
groove), two cymbals or two toms at once become one on medium, and on easy one gem at a
time, never a gem with a kick (a crash or tom says more about the music than the kick).

Onyx's known bug (onyx #255) is an easy denser than its medium; here every difficulty is
checked against the one above and thinned, lightest notes first, until it is strictly
sparser. A step that would keep nearly everything (an expert already written in plain
eighths) widens the cymbal windows first; what is still above 85 % of the harder chart
then loses its lightest notes (off-beats, time-keeping), thinned evenly across the song,
so hard is never expert minus one note.

`tools/make_charts.py` builds the bundled charts with `reduce_step` and `playable`, so
the game's own charts and an author's reductions follow the same rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

from duet_drums.core.chart import DIFFICULTIES, Chart, Note, Part, sort_notes
from duet_drums.core.kit import CYMBALS, TOMS, Dynamic, Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.playability import FEET, RANK, chords, playable
from duet_drums.editor.rebuild import part_of, with_part

LOWER: tuple[str, ...] = ("hard", "medium", "easy")

# (hand window, kick window) in beats; exclusive, so a kept note's neighbour exactly this
# far away is kept too: Hard keeps straight eighths, Medium straight quarters.
WINDOW_BEATS: dict[str, tuple[Fraction, Fraction]] = {
    "hard": (Fraction(1, 2), Fraction(1, 2)),
    "medium": (Fraction(1), Fraction(1)),
    "easy": (Fraction(1), Fraction(2)),
}

# A step down must be a real step: when the rules above keep more than MAX_KEEP of the
# harder chart (an expert that is already plain eighths), the cymbal and tom windows are
# widened (x2, x4) so the time-keeping thins out evenly, while kick and snare keep their
# backbone. Bundled leads keep about 80 % on hard, so this only changes already-plain parts.
MAX_KEEP = 0.85
HAND_SCALES = (1, 2, 4)

# On easy one gem at a time: a crash (a section's downbeat, the final hit) or a tom says
# more about the music than the kick.
EASY_ORDER: tuple[Piece, ...] = (
    Piece.CRASH, Piece.CHINA, Piece.SPLASH, Piece.SNARE, Piece.TOM1, Piece.TOM2, Piece.TOM3,
    Piece.KICK, Piece.HIHAT_OPEN, Piece.RIDE, Piece.HIHAT, Piece.HIHAT_PEDAL, Piece.KICK2,
)
_EASY_RANK = {p: i for i, p in enumerate(EASY_ORDER)}


def metrical_weight(tm: TempoMap, tick: int) -> int:
    """4 on a measure's downbeat, 3 mid-measure (even meters), 2 on a beat, 1 on an
    eighth of a beat, 0 elsewhere; measures counted from each time signature."""
    start, num, _den = tm.signature_at(tick)
    beat = tm.beat_ticks(tick)
    measure = num * beat
    pos = (tick - start) % measure
    if pos == 0:
        return 4
    if num % 2 == 0 and pos == measure // 2:
        return 3
    if pos % beat == 0:
        return 2
    if beat % 2 == 0 and pos % (beat // 2) == 0:
        return 1
    return 0


def _kind(piece: Piece) -> str:
    if piece is Piece.SNARE:
        return "snare"
    if piece in (Piece.KICK, Piece.KICK2):
        return "kick"
    if piece is Piece.HIHAT_PEDAL:
        return "pedal"
    return "hand"


def fills_of(part: Part, difficulty: str) -> list[tuple[int, int]]:
    return [(s.tick, s.end_tick) for s in part.spans
            if s.kind == "fill" and (s.difficulties is None or difficulty in s.difficulties)]


def reduce_step(notes: Sequence[Note], difficulty: str, tm: TempoMap,
                fills: Sequence[tuple[int, int]] = (), hand_scale: int = 1) -> list[Note]:
    """One step down: `notes` is the next harder difficulty. `hand_scale` widens the
    window of the hand notes other than the snare (cymbals, toms)."""
    hand_w, kick_w = WINDOW_BEATS[difficulty]
    pool = [
        n for n in notes
        if n.piece is not Piece.KICK2
        and n.dynamic is not Dynamic.GHOST
        and not (n.piece is Piece.KICK and any(a <= n.tick < b for a, b in fills))
    ]
    kept: dict[str, list[int]] = {}
    out: list[Note] = []
    for n in sorted(pool, key=lambda n: (-metrical_weight(tm, n.tick), n.tick, RANK[n.piece])):
        kind = _kind(n.piece)
        window = (kick_w if kind in ("kick", "pedal") else hand_w) * tm.beat_ticks(n.tick)
        if kind == "hand":
            window *= hand_scale
        if all(abs(n.tick - t) >= window for t in kept.get(kind, [])):
            kept.setdefault(kind, []).append(n.tick)
            out.append(n)
    return playable(_limit_limbs(out, difficulty))


def _limit_limbs(notes: Iterable[Note], difficulty: str) -> list[Note]:
    out: list[Note] = []
    for group in chords(notes).values():
        if difficulty == "easy":
            group = sorted(group, key=lambda n: _EASY_RANK[n.piece])[:1]
        else:
            group = sorted(group, key=lambda n: RANK[n.piece])
            foot = [n for n in group if n.piece in FEET][:1]
            hand = [n for n in group if n.piece not in FEET][:2]
            group = foot + hand
            if difficulty == "medium" and len(group) > 2:
                # Kick + snare + cymbal: the hands carry the groove, the kick yields
                # (a medium disco beat keeps its hi-hat rather than a kick under the snare).
                group = hand[:2] if len(hand) >= 2 else group[:2]
        out += group
    return out


def simplify_chords(notes: Iterable[Note]) -> list[Note]:
    """Two cymbals at once become the more telling one, two toms the higher (Onyx's
    medium/easy rule: a newcomer's two hands should not cross the kit)."""
    out: list[Note] = []
    for group in chords(notes).values():
        ranked = sorted(group, key=lambda n: RANK[n.piece])
        cymbal = [n for n in ranked if n.piece in CYMBALS][:1]
        tom = [n for n in ranked if n.piece in TOMS][:1]
        out += [n for n in ranked if (n.piece not in CYMBALS and n.piece not in TOMS)
                or n in cymbal or n in tom]
    return out


def _spread(count: int) -> list[int]:
    """0..count-1 in an order that keeps any prefix evenly spread (0, 4, 2, 6, 1, 5...),
    so dropping the first k of a run of alike notes thins the whole run, not its end."""
    bits = max(1, (count - 1).bit_length())
    order = sorted(range(1 << bits), key=lambda i: int(f"{i:0{bits}b}"[::-1], 2))
    return [i for i in order if i < count]


def thinner_than(notes: Sequence[Note], above: Sequence[Note], tm: TempoMap,
                 max_keep: float = MAX_KEEP) -> list[Note]:
    """`notes` with its lightest notes dropped until it has at most `max_keep` of
    `above`, and fewer (when `above` is empty, so is the result). Lightest: lowest
    metrical weight, then the least important piece; alike notes thin out evenly."""
    target = min(len(above) - 1, math.floor(max_keep * len(above)))
    excess = len(notes) - max(0, target)
    if excess <= 0:
        return list(notes)
    groups: dict[tuple[int, int], list[Note]] = {}
    for n in sorted(notes, key=lambda n: n.tick):
        groups.setdefault((metrical_weight(tm, n.tick), -RANK[n.piece]), []).append(n)
    order = [run[i] for key in sorted(groups) for run in (groups[key],) for i in _spread(len(run))]
    drop = set(map(id, order[:excess]))
    return [n for n in notes if id(n) not in drop]


def reduce_from(notes: Sequence[Note], source: str, tm: TempoMap,
                part: Part | None = None) -> dict[str, list[Note]]:
    """Every difficulty below `source`, each reduced from the one above it; `part`
    supplies the drum fills (no kicks in them below expert)."""
    start = DIFFICULTIES.index(source)
    if start == 0:
        raise ValueError("easy is the lowest difficulty: there is nothing to reduce it to")
    levels: dict[str, list[Note]] = {}
    above = list(notes)
    for diff in reversed(DIFFICULTIES[:start]):
        fills = fills_of(part, diff) if part is not None else ()
        for scale in HAND_SCALES:
            reduced = reduce_step(above, diff, tm, fills, scale)
            if len(reduced) <= MAX_KEEP * len(above):
                break
        if diff != "hard":
            reduced = simplify_chords(reduced)
        levels[diff] = sort_notes(thinner_than(reduced, above, tm))
        above = levels[diff]
    return levels


def reduce_part(chart: Chart, part: str, source: str = "expert") -> Chart:
    """The chart with `part`'s difficulties below `source` rebuilt from it."""
    old = part_of(chart, part)
    levels = reduce_from(old.notes(source), source, TempoMap.from_chart(chart), old)
    return with_part(chart, part, old.model_copy(update=levels))


def on_beat_kept(expert: Sequence[Note], lower: Sequence[Note], tm: TempoMap) -> float:
    """Share of expert's kicks and snares on a beat that a lower difficulty keeps (the
    backbone a reduction must not lose). 1.0 when expert has none."""
    backbone = {(n.tick, n.piece) for n in expert
                if n.piece in (Piece.KICK, Piece.SNARE) and metrical_weight(tm, n.tick) >= 2}
    if not backbone:
        return 1.0
    return len(backbone & {(n.tick, n.piece) for n in lower}) / len(backbone)
