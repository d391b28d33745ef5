// The official TypeScript SDK against a running claude-fake server, scripted over /_fake/.
// Starts nothing itself: CLAUDE_FAKE_URL names the server (tests/integration/test_node_sdk.py
// starts one; by hand: `claude-fake serve --port 8787` then
// `CLAUDE_FAKE_URL=http://127.0.0.1:8787 npm test`).
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import Anthropic, { toFile } from "@anthropic-ai/sdk";

const BASE_URL = process.env.CLAUDE_FAKE_URL;
if (!BASE_URL) {
  throw new Error("Set CLAUDE_FAKE_URL to the base URL of a running claude-fake server.");
}
const MODEL = "claude-sonnet-4-6";
const client = new Anthropic({ baseURL: BASE_URL, apiKey: "sk-ant-node-test", maxRetries: 2 });

type Json = Record<string, unknown>;

async function fake(method: "GET" | "POST", path: string, body?: Json): Promise<unknown> {
  const response = await fetch(`${BASE_URL}/_fake/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload: unknown = await response.json();
  assert.ok(response.ok, `${method} /_fake/${path}: ${response.status} ${JSON.stringify(payload)}`);
  return payload;
}

async function attempts(): Promise<number[]> {
  const seen = (await fake("GET", "requests")) as Array<{ attempt: number }>;
  return seen.map((request) => request.attempt);
}

const ask = (content: Anthropic.MessageParam["content"] = "What is the weather in Paris?") => ({
  model: MODEL,
  max_tokens: 256,
  messages: [{ role: "user" as const, content }],
});

beforeEach(async () => {
  await fake("POST", "reset");
});

test("health", async () => {
  assert.deepEqual(await fake("GET", "health"), { status: "ok" });
});

test("a scripted reply", async () => {
  await fake("POST", "replies", { content: "Sunny, 22C" });
  const message = await client.messages.create(ask());
  assert.equal(message.stop_reason, "end_turn");
  assert.deepEqual(
    message.content.map((block) => block.type),
    ["text"],
  );
  assert.equal((message.content[0] as Anthropic.TextBlock).text, "Sunny, 22C");
  assert.match(message.id, /^msg_/);
});

test("a tool loop: tool_use, the client's tool_result, the final text", async () => {
  const call = { type: "tool_use", name: "get_weather", input: { city: "Paris" } };
  await fake("POST", "replies", { content: ["Let me check.", call] });
  await fake("POST", "replies", { content: "It is sunny in Paris." });
  const history: Anthropic.MessageParam[] = ask().messages;
  const first = await client.messages.create({ ...ask(), messages: history });
  assert.equal(first.stop_reason, "tool_use");
  const toolUse = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
  assert.ok(toolUse);
  assert.deepEqual(toolUse.input, { city: "Paris" });
  history.push({ role: "assistant", content: first.content });
  history.push({
    role: "user",
    content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "22C" }],
  });
  const final = await client.messages.create({ ...ask(), messages: history });
  assert.equal(final.stop_reason, "end_turn");
  assert.equal((final.content[0] as Anthropic.TextBlock).text, "It is sunny in Paris.");
  const seen = (await fake("GET", "requests")) as Array<{ body: { messages: Json[] } }>;
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[1]?.body.messages.at(-1), {
    role: "user",
    content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "22C" }],
  });
});

test("529 twice, then an answer: the SDK retries through", async () => {
  await fake("POST", "faults", { status: 529, times: 2 });
  await fake("POST", "replies", { content: "Made it." });
  const message = await client.messages.create(ask());
  assert.equal((message.content[0] as Anthropic.TextBlock).text, "Made it.");
  assert.deepEqual(await attempts(), [0, 1, 2]);
});

test("529 three times raises OverloadedError", async () => {
  await fake("POST", "faults", { status: 529, times: 3 });
  await assert.rejects(client.messages.create(ask()), (error: unknown) => {
    assert.ok(error instanceof Anthropic.OverloadedError);
    assert.equal(error.status, 529);
    assert.equal(error.type, "overloaded_error");
    assert.match(String(error.requestID), /^req_/);
    return true;
  });
  assert.deepEqual(await attempts(), [0, 1, 2]);
});

test("a 429 with retry-after-ms is waited out", async () => {
  await fake("POST", "faults", { status: 429, retry_after: 0.05 });
  await fake("POST", "replies", { content: "ok" });
  const start = performance.now();
  await client.messages.create(ask());
  const elapsed = performance.now() - start;
  assert.ok(elapsed >= 50, `waited ${elapsed} ms`);
  assert.ok(elapsed < 400, `waited ${elapsed} ms, the SDK's own backoff is 500 ms`);
});

test("an error mid-stream rejects the stream after the events before it", async () => {
  await fake("POST", "faults", { status: 529, after_events: 2 });
  await fake("POST", "replies", { content: "one two three four five six" });
  const seen: string[] = [];
  const stream = client.messages.stream(ask());
  await assert.rejects(
    (async () => {
      for await (const event of stream) seen.push(event.type);
    })(),
    (error: unknown) => {
      assert.ok(error instanceof Anthropic.APIError);
      assert.equal(error.status, undefined);
      assert.equal(error.type, "overloaded_error");
      return true;
    },
  );
  assert.deepEqual(seen, ["message_start", "content_block_start"]);
  assert.deepEqual(await attempts(), [0]);
});

// A JSON body cut after its headers: the SDK's request loop is over by then, and APIPromise sends
// the request again itself (`parseResponseRetrying`), unless the answer said `x-should-retry: false`
// (`makeRequest` leaves `retry` unset then) or no retries are left.
test("a JSON body cut after its headers is sent again (TypeScript SDK 1.17)", async () => {
  await fake("POST", "faults", { disconnect: true, after_bytes: 40 });
  await fake("POST", "replies", { content: "cut off" }); // the answer cut: used up
  await fake("POST", "replies", { content: "Whole this time." });
  const message = await client.messages.create(ask());
  assert.equal((message.content[0] as Anthropic.TextBlock).text, "Whole this time.");
  assert.deepEqual(await attempts(), [0, 1]);
});

test("a JSON body cut under x-should-retry: false is not sent again", async () => {
  await fake("POST", "faults", { disconnect: true, after_bytes: 40, should_retry: false });
  await fake("POST", "replies", { content: "cut off" });
  await assert.rejects(client.messages.create(ask()), (error: unknown) => {
    assert.ok(error instanceof Anthropic.APIConnectionError);
    return true;
  });
  assert.deepEqual(await attempts(), [0]);
});

test("a JSON body cut on every attempt raises APIConnectionError", async () => {
  await fake("POST", "faults", { disconnect: true, after_bytes: 0, times: 3 });
  await assert.rejects(
    client.messages.create(ask()),
    (error: unknown) => error instanceof Anthropic.APIConnectionError,
  );
  assert.deepEqual(await attempts(), [0, 1, 2]);
});

test("a full stream assembles the same message", async () => {
  await fake("POST", "replies", {
    content: [{ type: "tool_use", name: "lookup", input: { q: "Paris", n: 3 } }],
  });
  const message = await client.messages.stream(ask()).finalMessage();
  assert.equal(message.stop_reason, "tool_use");
  assert.deepEqual((message.content[0] as Anthropic.ToolUseBlock).input, { q: "Paris", n: 3 });
});

test("a bad script is a clear 400", async () => {
  const response = await fetch(`${BASE_URL}/_fake/replies`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ content: "x", stop_reason: "finished" }),
  });
  assert.equal(response.status, 400);
  const payload = (await response.json()) as { error: { message: string } };
  assert.match(payload.error.message, /unknown stop_reason 'finished'/);
});

test("the Files API: upload, list, and a file_id in a message (TypeScript SDK 1.17)", async () => {
  const uploaded = await client.files.upload({
    file: await toFile(Buffer.from("alpha beta"), "notes.txt", { type: "text/plain" }),
  });
  assert.match(uploaded.id, /^file_/);
  assert.equal(uploaded.filename, "notes.txt");
  assert.equal(uploaded.size_bytes, 10);
  const listed: string[] = [];
  for await (const file of client.files.list()) listed.push(file.id);
  assert.deepEqual(listed, [uploaded.id]);
  const message = await client.messages.create(
    ask([
      { type: "document", source: { type: "file", file_id: uploaded.id } },
      { type: "text", text: "Summarise it." },
    ]),
  );
  assert.equal(message.type, "message");
  await assert.rejects(
    client.messages.create(
      ask([{ type: "document", source: { type: "file", file_id: "file_01Nope" } }]),
    ),
    (error: unknown) => error instanceof Anthropic.NotFoundError,
  );
});

test("Claude Code's thinking display updates are accepted with their beta", async () => {
  const stream = client.beta.messages.stream({
    ...ask("Think, then answer."),
    max_tokens: 2048,
    thinking: { type: "adaptive", display: "updates" } as unknown as Anthropic.Beta.BetaThinkingConfigParam,
    betas: ["thinking-display-updates-2026-08-18"],
  });
  const final = await stream.finalMessage();
  assert.equal(final.stop_reason, "end_turn");
});
