"""How the customer's reply is cut for the TTS: sentences as soon as their punctuation arrives,
and a long first sentence at its first clause boundary, so the first audio comes sooner."""

from __future__ import annotations

from server.voice.call import Phrases, Playback


def cut(*chunks: str) -> list[str]:
    phrases = Phrases()
    pieces = [piece for chunk in chunks for piece in phrases.feed(chunk)]
    return pieces + phrases.finish()


def test_sentences_go_as_soon_as_they_end() -> None:
    phrases = Phrases()
    assert phrases.feed("My internet has been dead") == []
    assert phrases.feed(" since Monday.") == ["My internet has been dead since Monday."]
    assert phrases.feed(" When is it") == []
    assert phrases.finish() == ["When is it"]


def test_a_long_first_sentence_is_cut_at_its_first_clause() -> None:
    assert cut("Look, I have called three times, and nobody has fixed it. Why not?") == [
        "Look, I have called three times,",
        "and nobody has fixed it.",
        "Why not?",
    ]
    # a short lead-in stays with its sentence; later sentences are never cut at commas
    assert cut("Fine, thanks. Well, if you say so, I will wait.") == [
        "Fine, thanks.",
        "Well, if you say so, I will wait.",
    ]


def test_the_pieces_give_back_every_word_in_order() -> None:
    text = "So when will my internet be fixed? I work from home, you know! Today, please…"
    chunks = [text[i : i + 7] for i in range(0, len(text), 7)]
    assert " ".join(cut(*chunks)).split() == text.split()


def test_what_was_heard_follows_the_audio_played() -> None:
    playback = Playback(2, "One two three. Four five six seven.")
    playback.sentences = [("One two three.", 16_000), ("Four five six seven.", 16_000)]
    assert playback.heard(0.5) == "One"
    assert playback.heard(1.0) == "One two three."
    assert playback.heard(1.5) == "One two three. Four five"
    assert playback.heard(5.0) == "One two three. Four five six seven."
