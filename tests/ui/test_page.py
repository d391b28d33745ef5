"""The traffic page in a real headless Chromium: requests made through the SDK appear without a
reload, open to show the conversation beside the answer, the unused scripts are listed, the
keyboard reaches everything, and data is never run as HTML. The screenshots in the README come
from ``test_screenshots`` (``CLAUDE_FAKE_UI_SCREENSHOTS=docs``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest
from ui_browser import chromium

from claude_fake import FakeClaude
from claude_fake.faces.server import ServerOptions, running_server

MODEL = "claude-sonnet-4-6"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 860})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert errors == [], f"the page's script failed: {errors}"


def sdk(url: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        base_url=url, api_key="sk-ant-test", max_retries=0, _strict_response_validation=True
    )


def ask(client: anthropic.Anthropic, text: str, **extra: Any) -> Any:
    return client.messages.create(
        model=MODEL, max_tokens=256, messages=[{"role": "user", "content": text}], **extra
    )


def test_a_request_appears_live_opens_with_its_reply_and_unused_replies_are_listed(
    page: Any,
) -> None:
    from playwright.sync_api import expect

    fake = FakeClaude(seed=0)
    fake.reply("Sunny and 21 °C in Paris.")
    fake.reply("Nobody asks for this one.", when=lambda r: "never" in r.text)
    with fake.serve() as url, sdk(url) as client:
        page.goto(url + "/_fake/ui")
        expect(page.locator("#live")).to_have_text("live")
        expect(page.locator("#unused li")).to_have_count(2)
        expect(page.locator("#rows tr")).to_have_count(0)

        ask(client, "What's the weather in Paris?")  # after the page loaded: no reload below

        row = page.locator("#rows tr").first
        expect(row).to_contain_text("What's the weather in Paris?")
        expect(row).to_contain_text("scripted")
        expect(row).to_contain_text("200")
        expect(page.locator("#unused li")).to_have_count(1)
        expect(page.locator("#unused")).to_contain_text(
            "reply [text] stop_reason=end_turn (when rule)"
        )

        row.focus()
        page.keyboard.press("Enter")
        detail = page.locator("#detail")
        expect(detail.locator(".conversation")).to_contain_text("What's the weather in Paris?")
        expect(detail.locator(".answer")).to_contain_text("Sunny and 21 °C in Paris.")
        expect(detail.locator(".answer")).to_contain_text("stop_reason end_turn")

        page.keyboard.press("Escape")
        expect(detail).to_be_hidden()
        expect(row).to_be_focused()


def test_the_keyboard_moves_between_rows_and_the_filter_narrows_them(page: Any) -> None:
    from playwright.sync_api import expect

    fake = FakeClaude(seed=0)
    with fake.serve() as url, sdk(url) as client:
        page.goto(url + "/_fake/ui")
        expect(page.locator("#live")).to_have_text("live")
        for text in ("first question", "second question", "third about cats"):
            ask(client, text)
        expect(page.locator("#rows tr")).to_have_count(3)
        page.keyboard.press("/")
        expect(page.locator("#filter")).to_be_focused()
        page.keyboard.type("question")
        expect(page.locator("#rows tr:visible")).to_have_count(2)
        expect(page.locator("#counts")).to_contain_text("2 of 3 shown")
        page.keyboard.press("Tab")  # from the filter into the list: the newest visible row
        rows = page.locator("#rows tr:visible")
        expect(rows.nth(0)).to_be_focused()
        page.keyboard.press("ArrowDown")
        expect(rows.nth(1)).to_be_focused()
        page.keyboard.press(" ")
        expect(page.locator("#detail .conversation")).to_contain_text("first question")


def test_request_content_is_shown_as_text_never_run(page: Any) -> None:
    from playwright.sync_api import expect

    fake = FakeClaude(seed=0)
    attack = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    fake.reply(fake.tool_use("lookup", {"q": attack}), f"Echo: {attack}")
    with fake.serve() as url, sdk(url) as client:
        page.goto(url + "/_fake/ui")
        expect(page.locator("#live")).to_have_text("live")
        ask(client, attack, system=attack)
        row = page.locator("#rows tr").first
        expect(row).to_contain_text(attack)
        row.click()
        detail = page.locator("#detail")
        expect(detail.locator(".conversation")).to_contain_text(attack)
        expect(detail.locator(".answer")).to_contain_text(f"Echo: {attack}")
        expect(detail.locator(".answer")).to_contain_text('"q": "<img src=x')
        assert page.evaluate("window.pwned") is None
        assert page.locator("#detail img, #detail script, #rows img, #rows script").count() == 0


def test_a_cut_stream_a_fault_and_a_reset(page: Any) -> None:
    from playwright.sync_api import expect

    fake = FakeClaude(seed=0)
    fake.fail("overloaded_error", after_events=3)
    fake.fail(429)
    with fake.serve() as url, sdk(url) as client:
        page.goto(url + "/_fake/ui")
        expect(page.locator("#live")).to_have_text("live")
        with (
            pytest.raises(anthropic.APIStatusError),
            client.messages.stream(
                model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "stream me"}]
            ) as stream,
        ):
            stream.until_done()
        with pytest.raises(anthropic.RateLimitError):
            ask(client, "rate me")
        rows = page.locator("#rows tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("429rate_limit_error")
        expect(rows.nth(1)).to_contain_text("cut")
        rows.nth(1).click()
        stream_view = page.locator("#detail .stream")
        expect(stream_view).to_contain_text("message_start")
        expect(stream_view).to_contain_text("✂ cut after 3 of")
        expect(stream_view).to_contain_text("event: error · overloaded_error")

        client.post("/_fake/reset", cast_to=object)
        expect(rows).to_have_count(0)
        expect(page.locator("#detail")).to_be_hidden()


PNG = (  # one pixel
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_an_image_is_a_placeholder_and_a_cassette_miss_names_the_nearest_recording(
    page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    cassette = str(tmp_path / "c.yaml")
    with FakeClaude(seed=0).serve() as upstream:  # a second fake as the recorded upstream
        recorder = FakeClaude(seed=0, cassette=cassette, record_mode="all", upstream=upstream)
        with recorder.serve() as url, sdk(url) as client:
            ask(client, "the recorded question")
        recorder.close()
    fake = FakeClaude(seed=0, cassette=cassette)
    with fake.serve() as url, sdk(url) as client:
        page.goto(url + "/_fake/ui")
        expect(page.locator("#live")).to_have_text("live")
        image = {"type": "base64", "media_type": "image/png", "data": PNG}
        content = [{"type": "image", "source": image}, {"type": "text", "text": "what is this?"}]
        with pytest.raises(anthropic.InternalServerError):
            client.messages.create(
                model=MODEL, max_tokens=64, messages=[{"role": "user", "content": content}]
            )
        row = page.locator("#rows tr").first
        expect(row).to_contain_text("miss")
        row.click()
        detail = page.locator("#detail")
        expect(detail.locator(".conversation")).to_contain_text("[image: image/png, 0 KB")
        assert detail.locator(".conversation img").count() == 0
        expect(detail.locator(".section.miss")).to_contain_text(
            "Nearest recording: Closest entry #1"
        )
        expect(detail.locator(".section.miss")).to_contain_text("the recorded question")
        expect(page.locator("#problems-box")).to_be_visible()
        expect(page.locator("#problems")).to_contain_text("no recorded interaction matches")


def test_a_keyed_server_asks_for_the_key_once(page: Any) -> None:
    from playwright.sync_api import expect

    fake = FakeClaude(seed=0)
    options = ServerOptions(api_key="sk-ant-page-key")
    with running_server(fake, options=options) as url:
        page.goto(url + "/_fake/ui")
        expect(page.locator("#login")).to_be_visible()
        page.fill("#key", "wrong")
        page.keyboard.press("Enter")
        expect(page.locator("#login-error")).to_contain_text("not the server's key")
        page.fill("#key", "sk-ant-page-key")
        page.keyboard.press("Enter")
        expect(page.locator("#live")).to_have_text("live")
        with anthropic.Anthropic(base_url=url, api_key="sk-ant-page-key", max_retries=0) as client:
            ask(client, "behind a key")
        expect(page.locator("#rows tr").first).to_contain_text("behind a key")
        cookie = page.context.cookies()[0]
        assert cookie["httpOnly"]
        assert cookie["sameSite"] == "Strict"
        assert "sk-ant-page-key" not in cookie["value"]

        fresh = page.context.browser.new_page()  # no cookie; the key in the fragment instead
        fresh.goto(url + "/_fake/ui#key=sk-ant-page-key")
        expect(fresh.locator("#live")).to_have_text("live")
        expect(fresh.locator("#rows tr")).to_have_count(1)
        assert "key" not in fresh.url  # the fragment is dropped from the address bar
        fresh.close()


def _traffic(fake: FakeClaude, client: anthropic.Anthropic) -> None:
    """A short session worth a screenshot: a tool loop with thinking, a stream cut by a fault, a
    rate limit, and a reply scripted for a question that never came."""
    tools = [
        {
            "name": "get_weather",
            "description": "Current weather for a city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
        }
    ]
    question = {"role": "user", "content": "What's the weather in Paris right now?"}
    thinking = {"type": "enabled", "budget_tokens": 1024}
    fake.reply(
        "Drafted: three bullet points on the quarterly numbers.", when=lambda r: "Q3" in r.text
    )
    fake.reply(
        fake.thinking("The user wants the current weather; the get_weather tool has it."),
        fake.tool_use("get_weather", {"city": "Paris", "unit": "celsius"}),
    )
    first = client.messages.create(
        model=MODEL, max_tokens=2048, thinking=thinking, tools=tools, messages=[question]
    )
    fake.reply("You have 3 unread messages: the invoice from Acme, a meeting moved to 3 pm, and")
    fake.fail("overloaded_error", after_events=5)
    with (
        pytest.raises(anthropic.APIStatusError),
        client.messages.stream(
            model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "Summarise my inbox"}]
        ) as stream,
    ):
        stream.until_done()
    fake.fail(429)
    with pytest.raises(anthropic.RateLimitError):
        ask(client, "Translate 'good morning' into Italian")
    fake.reply("It is sunny and 21 °C in Paris, with a light breeze from the west.")
    tool_use = next(b for b in first.content if b.type == "tool_use")
    result = '{"temp_c": 21, "sky": "sunny", "wind": "W 9 km/h"}'
    client.messages.create(
        model=MODEL,
        max_tokens=2048,
        thinking=thinking,
        tools=tools,
        messages=[
            question,
            {"role": "assistant", "content": [b.model_dump() for b in first.content]},
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": tool_use.id, "content": result}],
            },
        ],
    )
    fake.reply("Two hundred: OK.\nFour-oh-four, the page is gone;\nfive-oh-three, try again.")
    ask(client, "Write a haiku about HTTP status codes")


def test_screenshots(browser: Any, tmp_path: Path) -> None:
    """The page after a short session, light and dark (the README's pictures)."""
    from playwright.sync_api import expect

    where = Path(os.environ.get("CLAUDE_FAKE_UI_SCREENSHOTS") or tmp_path)
    fake = FakeClaude(seed=0)
    with fake.serve() as url, sdk(url) as client:
        _traffic(fake, client)
        for scheme in ("light", "dark"):
            context = browser.new_context(
                viewport={"width": 1440, "height": 860}, color_scheme=scheme, device_scale_factor=1
            )
            shown = context.new_page()
            shown.goto(url + "/_fake/ui")
            rows = shown.locator("#rows tr")
            expect(rows).to_have_count(5)
            if scheme == "light":
                rows.nth(1).click()  # the tool result answered: the whole loop in one view
                expect(shown.locator("#detail .answer")).to_contain_text("sunny and 21 °C")
            else:
                rows.nth(3).click()  # the stream a fault cut
                expect(shown.locator("#detail .stream")).to_contain_text("cut after 5")
            shown.screenshot(path=str(where / f"ui-{scheme}.png"))
            context.close()
        assert (where / "ui-light.png").stat().st_size > 10_000
