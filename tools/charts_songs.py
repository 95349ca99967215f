"""The bundled arrangements, bar by bar: original drum parts in the style of "Dynamite"
(disco-pop, 114 BPM) and "Golden" (driving pop, 123 BPM). Only drum grooves and
generic pop chord progressions live here; no melody, lyric or recording of the songs.

Two parts per song:
- ``lead`` is written for a seasoned drummer at expert (hi-hat grooves with ghost notes,
  accents, tom fills, double kick in Golden's choruses); the easier difficulties are
  reduced from it by `charts_reduce`.
- ``partner`` is written for a newcomer: kick and snare, hi-hats only from hard (rows
  tagged ``@hard`` / ``@expert``). Its kicks and snares sit on the lead's downbeat kicks
  and backbeat snares, which the lead keeps on every difficulty, so whatever difficulty
  each player picks, most of the partner's notes are unisons the pair can sync on.

The lead's patterns here are the expert chart; a fill's first step is given with the
bar, and the bar after any fill opens with crash + kick on both parts (added by the
assembler), so every fill resolves on the downbeat.
"""

from __future__ import annotations

from dataclasses import dataclass

from charts_grid import Pattern, merge, splice

# -- lead: Dynamite -----------------------------------------------------------------------
L_D_INTRO = {"kick": "x---x---x---x---", "hihat": "x-x-x-x-x-x-x---", "hihat_open": "--------------x-"}
L_D_INTRO_CLAP = merge(L_D_INTRO, {"snare": "----X-------X---"})
L_D_VERSE = {"kick": "x---x---x---x---", "snare": "----X--g-g--X---",
             "hihat": "x-x-x-x-x-x-x---", "hihat_open": "--------------x-"}
L_D_VERSE_B = {"kick": "x---x---x---x-x-", "snare": "----X-g-----X--g",
               "hihat": "x-x-x-x-x-x-x---", "hihat_open": "--------------x-"}
L_D_PRE = {"kick": "x---x---x---x---", "snare": "----X-------X---", "hihat": "XxxxXxxxXxxxXxxx"}
# The disco groove: four on the floor, backbeat, open hi-hat on every off-beat.
L_D_DISCO = {"kick": "x---x---x---x---", "snare": "----X--g----X--g",
             "hihat": "x---x---x---x---", "hihat_open": "--x---x---x---x-"}
L_D_DISCO_RIDE = {"kick": "x---x---x---x---", "snare": "----X--g----X---", "ride": "x-X-x-X-x-X-x-X-"}
L_HALF_TIME = {"kick": "x-------------x-", "snare": "---g----X----g--", "hihat": "x-x-x-x-x-x-x-x-"}

# -- lead: Golden -------------------------------------------------------------------------
L_G_INTRO = {"kick": "x---x---x---x---", "snare": "----X-------X---", "tom3": "x-x-x-x-x-x-x-x-"}
L_G_VERSE = {"kick": "x-----x-x-----x-", "snare": "----X-----g-X--g", "hihat": "x-x-x-x-x-x-x-x-"}
L_G_VERSE_B = {"kick": "x-----x-x-x-----", "snare": "----X--g----X---",
               "hihat": "x-x-x-x-x-x-x---", "hihat_open": "--------------x-"}
L_G_PRE = {"kick": "x---x---x---x---", "snare": "----X-------X---", "tom3": "--x---x---x---x-",
           "hihat": "x-------x-------"}
# Ride with the bell on the beats, and a kick gallop the double pedal makes possible.
L_G_CHORUS = {"kick": "x-x---x-x-x---x-", "kick2@expert": "-x-------x------",
              "snare": "----X-------X---", "ride": "X-x-X-x-X-x-X-x-"}
L_G_CHORUS_LIFT = merge(L_G_CHORUS, {"crash": "--------X-------"})
L_G_FINAL = {"kick": "x-x-x-x-x-x-x-x-", "kick2@expert": "-x-x-x-x-x-x-x-x",
             "snare": "----X-------X---", "ride": "X-x-X-x-X-x-X-x-", "china": "--------------X-"}
L_G_BRIDGE_SPLASH = merge(L_HALF_TIME, {"splash": "--------------X-"})
L_G_OUTRO = {"kick": "x---x---x---x---", "snare": "----X-------X---",
             "hihat": "x---x---x---x---", "hihat_open": "--x---x---x---x-"}
L_FINAL_HIT = {"crash": "X---------------", "snare@hard": "X---------------", "kick": "x---------------"}

# -- lead: fills (the steps before the fill's start are replaced by the groove) -----------
FILL_1BEAT = {"snare": "------------xx--", "tom2": "--------------x-", "tom3": "---------------x"}
FILL_2BEAT = {"snare": "--------xx------", "tom1": "----------xx----", "tom2": "------------xx--",
              "tom3": "--------------xx", "kick": "--------x-------"}
FILL_LINEAR = {"tom1": "--------X-x-----", "snare": "---------x-x-x-x", "tom3": "------------X-x-",
               "kick": "--------x---x---"}
FILL_BUILD = {"snare": "g-x-x-X-----xx--", "tom1": "--------xx------", "tom2": "----------xx----",
              "tom3": "--------------xx", "kick": "x---x---x---x---"}
FILL_BIG = {"snare": "XxxxXxxx--------", "tom1": "--------xxx-----", "tom2": "-----------xx---",
            "tom3": "-------------xxx", "kick": "x---x---x---x---", "kick2@expert": "--x---x---x---x-"}

# -- lead: the versus trade ------------------------------------------------------------------
L_VS_A = {"kick": "x--x--x---x--x--", "snare": "---X--X----X--X-", "hihat": "x-x-x---x-x-x---"}
L_VS_B = {"tom1": "xx--xx----------", "tom2": "--xx--xx--------", "tom3": "--------xx-xx---",
          "snare": "----------X--X-X", "kick": "x-------x-------"}
# While the partner answers, the lead only keeps time with the feet.
L_VS_TIME = {"hihat_pedal": "x---x---x---x---", "kick": "x---------------"}

# -- partner ---------------------------------------------------------------------------------
P_FOUR = {"kick": "x---x---x---x---"}
P_D_INTRO = merge(P_FOUR, {"hihat@hard": "x---x---x---x---", "hihat@expert": "--x---x---x---x-"})
P_D_INTRO_CLAP = merge(P_D_INTRO, {"snare": "----x-------x---"})
P_D_GROOVE = {"kick": "x---x---x---x---", "snare": "----x-------x---",
              "hihat@hard": "x---x---x---x---", "hihat_open@expert": "--x---x---x---x-"}
P_BUILD = {"kick": "x---x---x---x---", "snare": "x---x---x---x---", "snare@hard": "--------x-x-x-x-"}
P_FILL = {"snare": "--------x-x-x-x-"}
P_G_VERSE = {"kick": "x-------x-------", "kick@hard": "------x-------x-", "snare": "----x-------x---",
             "hihat@hard": "x---x---x---x---", "hihat@expert": "--x---x---x---x-"}
P_G_PRE = {"kick": "x---x---x---x---", "snare": "----x-------x---", "hihat@expert": "--x---x---x---x-"}
P_G_CHORUS = {"kick": "x---x---x---x---", "snare": "----x-------x---", "hihat@hard": "--x---x---x---x-"}
P_HALF = {"kick": "x---------------", "kick@hard": "--------------x-", "snare": "--------x-------",
          "hihat@hard": "x---x---x---x---"}
P_BACKBEAT = {"kick": "x---x---x---x---", "snare": "----x-------x---"}
P_VS_A = {"kick": "x--x--x---------", "snare": "--------x---x-x-"}
P_VS_B = {"kick": "x-x-----x-x-----", "snare": "----x-x-----x-x-"}
P_FINAL_HIT = {"crash": "x---------------", "kick": "x---------------"}
TACET: Pattern = {}


@dataclass(frozen=True, slots=True)
class Bar:
    lead: Pattern
    partner: Pattern
    # Step (0..15) where the lead's fill starts; the fill runs to the next downbeat.
    fill_from: int | None = None
    # 1: the lead's versus phrase, 2: the partner's answer.
    versus: int | None = None
    star: bool = False
    # BPM from each beat of the bar on (one value: from the downbeat).
    tempo: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    chords: tuple[str, ...]  # one per bar, repeated to fill the section
    bars: tuple[Bar, ...]


def fill(lead: Pattern, partner: Pattern, lead_fill: Pattern, at: int, star: bool = False) -> Bar:
    """A groove bar whose last beats are a fill; the partner plays a plain snare lead-in."""
    return Bar(splice(lead, lead_fill, at), splice(partner, P_FILL, at), fill_from=at, star=star)


def groove(lead: Pattern, partner: Pattern, n: int) -> tuple[Bar, ...]:
    return tuple(Bar(lead, partner) for _ in range(n))


DYNAMITE_BPM = 114.0
GOLDEN_BPM = 123.0


def dynamite(prefix: str = "") -> list[Section]:
    """40 bars: intro, verse, pre-chorus, chorus, a versus trade, verse 2, chorus 2."""
    return [
        Section(f"{prefix}Intro", ("Bb", "Gm7", "Cm7", "F7"), (
            Bar(merge(L_D_INTRO, {"crash": "X---------------"}), P_D_INTRO, tempo=(DYNAMITE_BPM,)),
            Bar(L_D_INTRO, P_D_INTRO),
            Bar(L_D_INTRO_CLAP, P_D_INTRO_CLAP),
            fill(L_D_INTRO_CLAP, P_D_INTRO_CLAP, FILL_1BEAT, 12),
        )),
        Section(f"{prefix}Verse 1", ("Ebmaj7", "F7", "Dm7", "Gm7"), (
            *groove(L_D_VERSE, P_D_GROOVE, 3),
            fill(L_D_VERSE_B, P_D_GROOVE, FILL_1BEAT, 12),
            *groove(L_D_VERSE, P_D_GROOVE, 3),
            fill(L_D_VERSE_B, P_D_GROOVE, FILL_2BEAT, 8),
        )),
        Section(f"{prefix}Pre-Chorus", ("Cm7", "Dm7", "Ebmaj7", "F"), (
            *groove(L_D_PRE, P_D_GROOVE, 3),
            Bar(FILL_BUILD, P_BUILD, fill_from=8),
        )),
        Section(f"{prefix}Chorus", ("Bb", "Dm7", "Ebmaj7", "F7"), (
            *groove(L_D_DISCO, P_D_GROOVE, 3),
            fill(L_D_DISCO, P_D_GROOVE, FILL_1BEAT, 12),
            *groove(L_D_DISCO, P_D_GROOVE, 2),
            Bar(L_D_DISCO, P_D_GROOVE, star=True),
            fill(L_D_DISCO, P_D_GROOVE, FILL_2BEAT, 8, star=True),
        )),
        Section(f"{prefix}Post-Chorus", ("Gm7", "Ebmaj7", "Bb", "F"), (
            Bar(L_VS_A, TACET, versus=1),
            Bar(L_VS_TIME, P_VS_A, versus=2),
            Bar(L_VS_B, TACET, versus=1),
            Bar(L_VS_TIME, P_VS_B, versus=2),
        )),
        Section(f"{prefix}Verse 2", ("Ebmaj7", "F7", "Dm7", "Gm7"), (
            *groove(L_D_VERSE_B, P_D_GROOVE, 3),
            fill(L_D_VERSE, P_D_GROOVE, FILL_LINEAR, 8),
        )),
        Section(f"{prefix}Chorus 2", ("Bb", "Dm7", "Ebmaj7", "F7"), (
            *groove(L_D_DISCO, P_D_GROOVE, 3),
            fill(L_D_DISCO, P_D_GROOVE, FILL_1BEAT, 12),
            *groove(L_D_DISCO_RIDE, P_D_GROOVE, 2),
            Bar(L_D_DISCO_RIDE, P_D_GROOVE, star=True),
            fill(L_D_DISCO_RIDE, P_D_GROOVE, FILL_2BEAT, 8, star=True),
        )),
    ]


def dynamite_ending() -> list[Section]:
    return [Section("Outro", ("Bb", "F", "Bb"), (
        Bar(L_D_DISCO, P_D_GROOVE),
        Bar(FILL_BIG, P_BUILD, fill_from=8),
        Bar(L_FINAL_HIT, P_FINAL_HIT),
    ))]


def transition() -> list[Section]:
    """Half-time bar, then a fill that speeds up beat by beat into Golden's tempo."""
    return [Section("Into Golden", ("Gm7", "E7"), (
        Bar(L_HALF_TIME, P_HALF),
        Bar(FILL_BIG, P_BUILD, fill_from=8, tempo=(116.0, 118.0, 120.0, 122.0)),
    ))]


def golden(prefix: str = "") -> list[Section]:
    """38 bars: intro, verse, pre-chorus, chorus, bridge, final chorus, outro."""
    return [
        Section(f"{prefix}Intro", ("A", "E"), (
            Bar(L_G_INTRO, P_BACKBEAT, tempo=(GOLDEN_BPM,)),
            fill(L_G_INTRO, P_BACKBEAT, FILL_2BEAT, 8),
        )),
        Section(f"{prefix}Verse", ("F#m", "D", "A", "E"), (
            *groove(L_G_VERSE, P_G_VERSE, 3),
            fill(L_G_VERSE_B, P_G_VERSE, FILL_1BEAT, 12),
            *groove(L_G_VERSE, P_G_VERSE, 2),
            Bar(L_G_VERSE_B, P_G_VERSE),
            fill(L_G_VERSE, P_G_VERSE, FILL_LINEAR, 8),
        )),
        Section(f"{prefix}Pre-Chorus", ("D", "E", "F#m", "Esus4"), (
            *groove(L_G_PRE, P_G_PRE, 3),
            Bar(FILL_BUILD, P_BUILD, fill_from=8),
        )),
        Section(f"{prefix}Chorus", ("A", "E", "F#m", "D"), (
            *groove(L_G_CHORUS, P_G_CHORUS, 3),
            fill(L_G_CHORUS, P_G_CHORUS, FILL_1BEAT, 12),
            Bar(L_G_CHORUS_LIFT, P_G_CHORUS),
            Bar(L_G_CHORUS, P_G_CHORUS),
            Bar(L_G_CHORUS_LIFT, P_G_CHORUS, star=True),
            fill(L_G_CHORUS, P_G_CHORUS, FILL_2BEAT, 8, star=True),
        )),
        Section(f"{prefix}Bridge", ("Bm", "D", "E", "Esus4"), (
            Bar(L_HALF_TIME, P_HALF),
            Bar(L_G_BRIDGE_SPLASH, P_HALF),
            Bar(L_HALF_TIME, P_HALF),
            Bar(FILL_BUILD, P_BUILD, fill_from=8),
        )),
        Section(f"{prefix}Final Chorus", ("A", "E", "F#m", "D"), (
            *groove(L_G_FINAL, P_G_CHORUS, 3),
            fill(L_G_FINAL, P_G_CHORUS, FILL_1BEAT, 12),
            *groove(L_G_CHORUS, P_G_CHORUS, 2),
            Bar(L_G_CHORUS_LIFT, P_G_CHORUS, star=True),
            fill(L_G_CHORUS, P_G_CHORUS, FILL_2BEAT, 8, star=True),
        )),
        Section("Outro", ("A", "E", "D", "A"), (
            Bar(L_G_OUTRO, P_D_GROOVE),
            Bar(L_G_OUTRO, P_D_GROOVE),
            Bar(FILL_BIG, P_BUILD, fill_from=8),
            Bar(L_FINAL_HIT, P_FINAL_HIT),
        )),
    ]
