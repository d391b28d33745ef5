"""The generator as the chain uses it: a seeded draft of the answer for each request, its words
drawn from Faker's en_US lorem provider (loaded on first use, one instance per engine)."""

from __future__ import annotations

import threading
from typing import Any

from claude_fake.model import FakeRequest
from claude_fake.sources.generator import draft
from claude_fake.state import turn


class Drafter:
    """Drafts for one engine's seed. Thread-safe."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._lock = threading.Lock()
        self._words: Any = None

    def for_request(self, request: FakeRequest) -> turn.Generate:
        """The draft of ``request``'s answer, given the digest of its prompt."""
        body = request.body if isinstance(request.body, dict) else {}

        def generated(digest: bytes) -> turn.Outline:
            rng, words = turn.draft_rng(self.seed, body, digest), self.words()
            with self._lock:
                words.seed_instance(rng.getrandbits(64))
                made = draft.draft(body, request.text, rng, lambda n: words.sentence(n))
            return turn.outline_of_draft(made)

        return generated

    def words(self) -> Any:
        """The word source: Faker's en_US lorem provider alone, the words ``Faker("en_US")``
        draws, without loading its 25 other providers."""
        if self._words is None:
            from faker.generator import Generator
            from faker.providers.lorem.en_US import Provider as Lorem

            words = Generator()
            words.add_provider(Lorem)
            self._words = words
        return self._words
