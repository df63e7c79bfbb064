"""``pick_text`` answers one value or none at once; the full choice (the reader's language, its
primary tag, untagged, English, the first by tag) gives the same answer for them, which a list
(the general path) shows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from skillpass._summary import pick_text
from skillpass._view import Text

_TAGS = st.sampled_from([None, "en", "fr", "pt-BR", "pt", "ar-EG", "EN"])


@given(st.lists(st.builds(Text, st.text(max_size=3), _TAGS), max_size=1), _TAGS)
def test_one_value_or_none_as_the_full_choice(texts: list[Text], language: str | None) -> None:
    assert pick_text(tuple(texts), language) == pick_text(texts, language)


@given(st.lists(st.builds(Text, st.text(max_size=3), _TAGS), max_size=4), _TAGS)
def test_several_values_take_the_full_choice(texts: list[Text], language: str | None) -> None:
    assert pick_text(tuple(texts), language) == pick_text(iter(texts), language)
