"""The generator as the chain uses it: a seeded draft of the answer for each request, its words
drawn as Faker's en_US lorem ``sentence()`` draws them (the word list loaded on first use, one
word source per engine)."""

from __future__ import annotations

import random
import threading

from claude_fake.model import FakeRequest
from claude_fake.sources.generator import draft
from claude_fake.state import turn


class Words:
    """``Faker("en_US").sentence(n)`` after ``seed_instance(seed)``, word for word, without
    Faker's layers: the same draws from a ``random.Random`` seeded the same way, from the same
    word list (Faker's ``randomize_nb_elements``, then ``random_choices``: ``choice`` for one
    word, ``choices`` for more). Through Faker, a sentence of 24 words costs three times as
    much (8.8 against 3.3 us)."""

    def __init__(self) -> None:
        from faker.providers.lorem.en_US import Provider

        self.random = random.Random(0)  # seeded before every draft (no seed: a read of urandom)
        self._list: tuple[str, ...] = Provider.word_list

    def seed(self, seed: int) -> None:
        """What ``Generator.seed_instance(seed)`` does to the draws that follow."""
        self.random.seed(seed)

    def sentence(self, nb_words: int) -> str:
        """About ``nb_words`` words (60-140%, at least one), the first capitalised, and a period."""
        if nb_words <= 0:
            return ""
        draw = self.random
        count = max(1, int(nb_words * draw.randint(60, 140) / 100))
        words = [draw.choice(self._list)] if count == 1 else draw.choices(self._list, k=count)
        words[0] = words[0].title()
        return " ".join(words) + "."


class Drafter:
    """Drafts for one engine's seed. Thread-safe."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._lock = threading.Lock()
        self._words: Words | None = None

    def for_request(self, request: FakeRequest) -> turn.Generate:
        """The draft of ``request``'s answer, given the digest of its prompt."""
        body = request.body if isinstance(request.body, dict) else {}

        def generated(digest: bytes) -> turn.Outline:
            rng, words = turn.draft_rng(self.seed, body, digest), self.words()
            with self._lock:
                words.seed(rng.getrandbits(64))
                made = draft.draft(body, request.text, rng, words.sentence)
            return turn.outline_of_draft(made)

        return generated

    def words(self) -> Words:
        """The word source (made on first use: the word list comes with Faker's import)."""
        if self._words is None:
            self._words = Words()
        return self._words
