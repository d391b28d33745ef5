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
        self._words: Any = None  # (Faker's Generator: the seeded random, its lorem provider)

    def for_request(self, request: FakeRequest) -> turn.Generate:
        """The draft of ``request``'s answer, given the digest of its prompt."""
        body = request.body if isinstance(request.body, dict) else {}

        def generated(digest: bytes) -> turn.Outline:
            rng, (random, lorem) = turn.draft_rng(self.seed, body, digest), self.words()
            with self._lock:
                random.seed_instance(rng.getrandbits(64))
                made = draft.draft(body, request.text, rng, lambda n: lorem.sentence(n))
            return turn.outline_of_draft(made)

        return generated

    def words(self) -> tuple[Any, Any]:
        """The word source: Faker's en_US lorem provider on a Generator of its own, the words
        ``Faker("en_US")`` draws. The provider is bound directly: ``add_provider`` sets up a
        formatter for each of its methods, which cost every test's first answer some 20 us."""
        if self._words is None:
            from faker.generator import Generator
            from faker.providers.lorem.en_US import Provider as Lorem

            random = Generator()
            self._words = random, Lorem(random)
        return self._words  # type: ignore[no-any-return]
