"""The friendly forms of the script load as the same comic as the full forms."""

from __future__ import annotations

from stripstudio.domain import Bubble, BubbleKind, Character


def test_characters_as_mapping_or_list_are_the_same(load) -> None:
    as_mapping = load(
        """
        title: T
        characters:
          Mia:
            description: red hair
            seed: 7
          Alex:
        """
    )
    as_list = load(
        """
        title: T
        characters:
          - name: Mia
            description: red hair
            seed: 7
          - name: Alex
        """
    )
    assert as_mapping == as_list
    assert as_mapping.characters == [
        Character(name="Mia", description="red hair", seed=7),
        Character(name="Alex"),
    ]


def test_mapping_form_problems_point_into_the_mapping(problems, where) -> None:
    found = problems(
        """
        title: T
        characters:
          Mia:
            seed: -3
          Alex: young man
          Sam:
            name: Samuel
        """
    )
    assert where(found) == [(4, "characters[0].seed"), (5, "characters[1]"), (7, "characters[2].name")]
    assert "mapping of the character's fields" in found[1].message


def test_every_bubble_form(load) -> None:
    comic = load(
        """
        title: T
        characters: {Mia: {}}
        panels:
          - description: a room
            characters: [Mia]
            bubbles:
              - Mia: Where is it?
              - thought: Not again...
                by: Mia
              - shout: HEY
                speaker: Mia
              - caption: Meanwhile...
              - sfx: BOOM
              - whisper: psst
              - speech: Hello?
              - kind: thought
                text: full form
                speaker: Mia
              - text: speech by default
        """
    )
    assert comic.panels[0].bubbles == [
        Bubble(text="Where is it?", speaker="Mia"),
        Bubble(kind=BubbleKind.THOUGHT, text="Not again...", speaker="Mia"),
        Bubble(kind=BubbleKind.SHOUT, text="HEY", speaker="Mia"),
        Bubble(kind=BubbleKind.CAPTION, text="Meanwhile..."),
        Bubble(kind=BubbleKind.SFX, text="BOOM"),
        Bubble(kind=BubbleKind.WHISPER, text="psst"),
        Bubble(kind=BubbleKind.SPEECH, text="Hello?"),
        Bubble(kind=BubbleKind.THOUGHT, text="full form", speaker="Mia"),
        Bubble(text="speech by default"),
    ]


def test_shorthand_problems_point_at_what_was_written(problems, where) -> None:
    found = problems(
        """
        title: T
        characters: {Mia: {}, Alex: {}}
        panels:
          - description: a room
            characters: [Mia]
            bubbles:
              - Alex: Hi
              - thought: ''
              - caption: x
                by: Mia
                speaker: Mia
              - sfx: BANG
                colour: red
        """
    )
    assert where(found) == [
        (7, "panels[0].bubbles[0].speaker"),
        (8, "panels[0].bubbles[1].text"),
        (10, "panels[0].bubbles[2].speaker"),
        (13, "panels[0].bubbles[3].colour"),
    ]
    assert found[2].message == "give the speaker once, with either 'by' or 'speaker'"


def test_mistyped_bubble_kind_is_not_taken_for_a_speaker(problems, where) -> None:
    found = problems(
        """
        title: T
        panels:
          - description: a room
            bubbles:
              - speach: Hello
        """
    )
    assert where(found) == [(5, "panels[0].bubbles[0].kind")]
    assert found[0].message.endswith("did you mean 'speech'?")


def test_a_character_named_like_a_kind_still_speaks(load) -> None:
    comic = load(
        """
        title: T
        characters: {Thougt: {}}
        panels:
          - description: a room
            characters: [Thougt]
            bubbles:
              - Thougt: I am a character
        """
    )
    assert comic.panels[0].bubbles == [Bubble(text="I am a character", speaker="Thougt")]


def test_two_kinds_in_one_bubble(problems, where) -> None:
    found = problems(
        """
        title: T
        panels:
          - description: a room
            bubbles:
              - speech: a
                thought: b
        """
    )
    assert where(found) == [(5, "panels[0].bubbles[0]")]
    assert found[0].message == "a bubble has one kind, not 'speech' and 'thought'"


def test_unknown_bubble_key_suggests_shorthand_keys(problems) -> None:
    (found,) = problems(
        """
        title: T
        panels:
          - description: a room
            bubbles:
              - caption: x
                byy: Mia
        """
    )
    assert found.message == "unknown field (did you mean 'by'?)"


def test_empty_lists_may_be_left_blank(load) -> None:
    comic = load("title: T\ncharacters:\npanels:\n")
    assert comic.characters == [] and comic.panels == []


def test_by_means_speaker_in_the_full_form_too(load) -> None:
    comic = load(
        """
        title: T
        characters: {Mia: {}}
        panels:
          - description: a room
            characters: [Mia]
            bubbles:
              - {kind: shout, text: HEY, by: Mia}
        """
    )
    assert comic.panels[0].bubbles == [Bubble(kind=BubbleKind.SHOUT, text="HEY", speaker="Mia")]


def test_speaker_without_text(problems, where) -> None:
    found = problems(
        """
        title: T
        characters: {Mia: {}}
        panels:
          - description: a room
            characters: [Mia]
            bubbles:
              - by: Mia
        """
    )
    assert where(found) == [(7, "panels[0].bubbles[0].text")]
    assert found[0].message == "field required"
