"""A beginner's part built from the lead, so two players of unequal skill play together.

The sync score is earned on unisons (ticks where both parts have a note), so the
partner part is made of the lead's own notes: its kick and snare backbone on the eighth
grid (no ghosts, no 2x kick, no fills' sixteenths), its crashes, and one time-keeping
cymbal per beat where the lead keeps time. Every partner note at expert is then a
unison with the lead's expert; the easier difficulties come from `reduce`, the same
rules as any part, so they thin out as a reduction does.

Spans: the partner shares the lead's star power and versus phrases (a versus trade is
between the two players); fills, solos and rolls are the lead's alone.
"""

from __future__ import annotations

from duet_drums.core.chart import Chart, Note, Part
from duet_drums.core.kit import Dynamic, Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.playability import ACCENT_CYMBALS, TIMEKEEPING, playable
from duet_drums.editor.rebuild import EditError, part_of, with_part
from duet_drums.editor.reduce import metrical_weight, reduce_from

SHARED_SPANS = frozenset({"star", "versus1", "versus2"})
DESCRIPTION = ("For a newcomer: the lead's kick and snare backbone, its crashes and a cymbal on "
               "the beat, so nearly every note is played together with the lead.")

# Metrical weight a note needs to be in the partner's expert (see reduce.metrical_weight).
BACKBONE_WEIGHT = 1  # kick and snare on the eighth-note grid
CYMBAL_WEIGHT = 2  # time-keeping on the beat


def partner_expert(lead: list[Note], tm: TempoMap) -> list[Note]:
    out: list[Note] = []
    for n in lead:
        weight = metrical_weight(tm, n.tick)
        if n.dynamic is Dynamic.GHOST:
            continue
        if ((n.piece in (Piece.KICK, Piece.SNARE) and weight >= BACKBONE_WEIGHT)
                or (n.piece in ACCENT_CYMBALS and weight >= CYMBAL_WEIGHT)
                or (n.piece in TIMEKEEPING and weight >= CYMBAL_WEIGHT)):
            out.append(n)
    return playable(out)


def build_partner(chart: Chart, lead: str = "lead", name: str = "partner") -> Chart:
    """The chart with part `name` (added or replaced) built from part `lead`."""
    if name == lead:
        raise EditError("the partner part must have another name than the lead")
    source = part_of(chart, lead)
    tm = TempoMap.from_chart(chart)
    expert = partner_expert(source.notes("expert"), tm)
    levels = reduce_from(expert, "expert", tm)
    part = Part(description=DESCRIPTION, expert=expert,
                spans=[s for s in source.spans if s.kind in SHARED_SPANS], **levels)
    return with_part(chart, name, part)
