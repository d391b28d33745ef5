// claude-fake traffic page. No build step, no dependencies. Every piece of data reaches the page
// as text (textContent, text nodes, setAttribute): never as HTML, so a request body holding
// "<script>" is shown, not run. The page's Content-Security-Policy allows only this script.
"use strict";
(() => {
  const base = location.pathname.replace(/\/_fake\/ui\/?$/, "/_fake/");
  const MAX_ROWS = 1000; // rows kept on the page (the server's journal is bounded too)
  const CLIP = 4000; // characters of one string shown in a JSON view
  const $ = (id) => document.getElementById(id);
  const rows = $("rows");
  const main = $("main");
  const state = { epoch: null, open: null, words: [], total: 0, dropped: 0 };

  // -- building nodes from data, as text -----------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const clip = (text, size) => (text.length > size ? `${text.slice(0, size)}… (${text.length} chars)` : text);

  function json(value) {
    const text = JSON.stringify(value, (_, v) => (typeof v === "string" ? clip(v, CLIP) : v), 2);
    return el("pre", { class: "json" }, text === undefined ? "null" : text);
  }

  function clock(at) {
    if (typeof at !== "number") return "";
    const when = new Date(at * 1000);
    const pad = (n, w = 2) => String(n).padStart(w, "0");
    return `${pad(when.getHours())}:${pad(when.getMinutes())}:${pad(when.getSeconds())}.${pad(when.getMilliseconds(), 3)}`;
  }

  const ms = (value) => (value === null || value === undefined ? "" : value < 10 ? value.toFixed(1) : String(Math.round(value)));
  const kind = (source) => (/^[a-z]+$/.test(source || "") ? source : "unknown");

  function statusText(r) {
    if (r.source === "fault" && r.cut && !r.stream) return "dropped";
    return r.error ? `${r.status} ${r.error}` : String(r.status);
  }

  // -- the list ---------------------------------------------------------------------------------
  function addRow(r) {
    if (rows.querySelector(`tr[data-id="${Number(r.id)}"]`)) return;
    const tr = el(
      "tr",
      { tabindex: 0, "data-id": Number(r.id), "aria-selected": "false" },
      el("td", { class: "id" }, r.id),
      el("td", { class: "time" }, clock(r.at)),
      el(
        "td",
        { class: "req" },
        el("span", { class: "method" }, r.method),
        el("span", { class: "mono" }, r.path),
        r.stream || r.cut || r.attempt
          ? el(
              "div",
              { class: "flags" },
              r.stream ? el("span", { class: "flag" }, "stream") : null,
              r.cut ? el("span", { class: "flag cut" }, r.stream ? "cut" : "dropped") : null,
              r.attempt ? el("span", { class: "flag" }, `retry ${r.attempt}`) : null,
            )
          : null,
      ),
      el("td", { class: "model" }, r.model || ""),
      el("td", { class: "text", title: r.text || "" }, el("div", {}, r.text || "")),
      el("td", {}, el("span", { class: `badge ${kind(r.source)}` }, r.source || "?")),
      el(
        "td",
        { class: `status ${r.status >= 400 || r.cut ? "bad" : "ok"}` },
        r.source === "fault" && r.cut && !r.stream ? "dropped" : String(r.status),
        r.error ? el("div", { class: "sub" }, r.error) : null,
      ),
      el("td", { class: "num" }, ms(r.took_ms)),
    );
    tr.dataset.search = [r.id, r.method, r.path, r.model, r.text, r.source, r.status, r.error,
      r.stop_reason, r.provider, r.stream ? "stream" : "", r.cut ? "cut dropped" : ""]
      .join(" ").toLowerCase();
    tr.hidden = !matches(tr);
    rows.prepend(tr);
    while (rows.children.length > MAX_ROWS) rows.lastElementChild.remove();
    state.total += 1;
    counts();
  }

  const matches = (tr) => state.words.every((word) => tr.dataset.search.includes(word));

  function filter() {
    state.words = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const tr of rows.children) tr.hidden = !matches(tr);
    counts();
  }

  function counts() {
    const shown = [...rows.children].filter((tr) => !tr.hidden).length;
    const parts = [`${shown} of ${rows.children.length} shown`];
    if (state.dropped) parts.push(`${state.dropped} let go by the journal`);
    $("counts").textContent = parts.join(" · ");
    $("empty").hidden = rows.children.length > 0;
  }

  function clearAll() {
    rows.replaceChildren();
    close(false);
    state.total = 0;
    counts();
  }

  function visibleRows() {
    return [...rows.children].filter((tr) => !tr.hidden);
  }

  // -- one request ------------------------------------------------------------------------------
  function select(tr) {
    for (const row of rows.querySelectorAll('tr[aria-selected="true"]')) row.setAttribute("aria-selected", "false");
    if (tr) tr.setAttribute("aria-selected", "true");
  }

  async function open(tr) {
    const id = tr.dataset.id;
    state.open = id;
    select(tr);
    const panel = $("detail");
    panel.hidden = false;
    $("hint").hidden = true;
    main.classList.add("open");
    panel.replaceChildren(el("p", { class: "muted section" }, `Loading request ${id}…`));
    panel.focus();
    let answer;
    try {
      answer = await fetch(`${base}requests/${encodeURIComponent(id)}`, { cache: "no-store" });
    } catch (error) {
      panel.replaceChildren(titleBar(id, null), el("p", { class: "errorbox section" }, String(error)));
      return;
    }
    const data = await answer.json().catch(() => null);
    if (state.open !== id) return; // another one was opened meanwhile
    if (!answer.ok || !data) {
      const text = data && data.error ? data.error.message : `HTTP ${answer.status}`;
      panel.replaceChildren(titleBar(id, null), el("div", { class: "section" }, el("p", { class: "errorbox" }, text)));
      return;
    }
    panel.replaceChildren(...detail(data));
  }

  function close(focusRow = true) {
    const id = state.open;
    state.open = null;
    $("detail").hidden = true;
    $("detail").replaceChildren();
    $("hint").hidden = false;
    main.classList.remove("open");
    select(null);
    const tr = id && rows.querySelector(`tr[data-id="${Number(id)}"]`);
    if (focusRow && tr) tr.focus();
  }

  function titleBar(id, d) {
    return el(
      "header",
      {},
      el("h2", {}, d ? `#${d.id} ${d.method} ${d.path}` : `#${id}`),
      d ? el("span", { class: `badge ${kind(d.source)}` }, d.source || "?") : null,
      el("button", { class: "close", type: "button", onclick: () => close(), "aria-label": "Close (Esc)" }, "Close ✕"),
    );
  }

  function meta(d) {
    const item = (label, value) => (value === null || value === undefined || value === "" ? null : el("span", {}, `${label} `, el("b", {}, value)));
    const answer = d.response && typeof d.response === "object" ? d.response : {};
    return el(
      "div",
      { class: "meta" },
      item("status", statusText(d)),
      item("took", d.took_ms === null ? null : `${ms(d.took_ms)} ms`),
      item("at", clock(d.at)),
      item("model", d.model),
      item("stream", d.stream ? "yes" : null),
      item("stop", answer.stop_reason),
      item("attempt", d.attempt ? String(d.attempt) : null),
      item("provider", d.provider),
    );
  }

  function detail(d) {
    const out = [titleBar(d.id, d), meta(d)];
    if (d.miss) out.push(missSection(d.miss));
    out.push(
      el(
        "div",
        { class: "columns" },
        el("div", { class: "conversation" }, el("h3", {}, "Conversation"), conversation(d)),
        el("div", { class: "answer" }, el("h3", {}, "Answer"), answerView(d)),
      ),
    );
    if (d.stream_view) out.push(streamSection(d.stream_view));
    out.push(
      el(
        "div",
        { class: "section" },
        el("details", {}, el("summary", {}, "Request body (JSON)"), json(d.body)),
        el("details", {}, el("summary", {}, "Request headers (keys redacted)"), json(d.headers)),
        el("details", {}, el("summary", {}, "Answer (JSON)"), json(d.response)),
      ),
    );
    return out;
  }

  function missSection(miss) {
    return el(
      "div",
      { class: "section miss" },
      el("h3", {}, "Cassette miss"),
      el("p", { class: "errorbox" }, miss.what),
      miss.nearest ? el("p", {}, el("b", {}, "Nearest recording: "), miss.nearest) : null,
      miss.fix ? el("p", { class: "muted" }, miss.fix) : null,
    );
  }

  // -- conversation and answer as blocks --------------------------------------------------------
  function conversation(d) {
    const body = d.body;
    if (!body || typeof body !== "object" || !Array.isArray(body.messages)) {
      return body === null || body === undefined ? el("p", { class: "muted" }, "(no body)") : json(body);
    }
    const parts = [];
    if (Array.isArray(body.tools) && body.tools.length) {
      parts.push(el("div", { class: "tools" }, el("span", { class: "muted" }, "tools:"),
        body.tools.map((t) => el("span", { class: "badge" }, (t && (t.name || t.type)) || "?"))));
    }
    if (body.system) {
      parts.push(el("div", { class: "msg system" }, el("div", { class: "role" }, "system"), blocks(body.system)));
    }
    for (const message of body.messages) {
      const role = message && message.role === "assistant" ? "assistant" : "user";
      parts.push(el("div", { class: `msg ${role}` }, el("div", { class: "role" }, String((message && message.role) || "?")), blocks(message && message.content)));
    }
    return parts;
  }

  function answerView(d) {
    const answer = d.response;
    const view = d.stream_view;
    if (answer && answer.type === "message") {
      const usage = answer.usage || {};
      const cut = view && view.cut_after !== null && view.cut_after !== undefined;
      return el(
        "div",
        { class: "msg assistant" },
        cut ? el("div", { class: "bad note" }, `The client got the first ${view.cut_after} events of this answer only (see Stream).`) : null,
        el("div", { class: "role" }, "assistant"),
        blocks(answer.content),
        el("div", { class: "usage" }, `stop_reason ${answer.stop_reason ?? "—"} · input ${usage.input_tokens ?? "?"} · output ${usage.output_tokens ?? "?"} tokens`),
      );
    }
    if (answer && answer.type === "error" && answer.error) {
      return el("div", { class: "errorbox" }, el("div", { class: "etype" }, `${d.status} ${answer.error.type}`), answer.error.message);
    }
    if (answer === null || answer === undefined) {
      return el("p", { class: "muted" }, d.cut ? "No answer: the connection was dropped before any byte." : "(no body)");
    }
    return json(answer);
  }

  function blocks(content) {
    if (typeof content === "string") return [textBlock(content)];
    if (!Array.isArray(content)) return [json(content)];
    return content.map(block);
  }

  function textBlock(text) {
    return el("div", { class: "block text" }, el("div", { class: "body" }, text));
  }

  function headed(cls, heading, ...body) {
    return el("div", { class: `block ${cls}` }, el("div", { class: "kind" }, heading), body);
  }

  function sourceText(source) {
    if (!source || typeof source !== "object") return "";
    if (source.type === "base64") return `${source.media_type || "?"}, ${Math.round(((source.data || "").length * 3) / 4 / 1024)} KB (base64, not shown)`;
    if (source.type === "url") return source.url;
    if (source.type === "file") return `file ${source.file_id}`;
    if (source.type === "text") return `text, ${(source.data || "").length} chars`;
    return String(source.type);
  }

  function block(b) {
    if (!b || typeof b !== "object") return json(b);
    const type = String(b.type);
    if (type === "text") return textBlock(String(b.text ?? ""));
    if (type === "thinking") {
      return headed("thinking", el("b", {}, "thinking"), el("div", { class: "body" }, String(b.thinking ?? "")));
    }
    if (type === "redacted_thinking") {
      return headed("placeholder", el("b", {}, "redacted thinking"), el("div", { class: "body" }, `${String(b.data || "").length} chars of encrypted thinking`));
    }
    if (type === "tool_use" || type === "server_tool_use" || type === "mcp_tool_use") {
      return headed("tool", [el("b", {}, type), ` ${b.name ?? ""} · ${b.id ?? ""}`], json(b.input));
    }
    if (type === "image" || type === "document") {
      const what = type === "document" && b.title ? `${b.title} · ${sourceText(b.source)}` : sourceText(b.source);
      return headed("placeholder", el("b", {}, type), el("div", { class: "body" }, `[${type}: ${what}]`));
    }
    if (type === "tool_result" || type.endsWith("_tool_result")) {
      const head = [el("b", {}, type), ` for ${b.tool_use_id ?? "?"}`, b.is_error ? el("span", { class: "bad" }, " · error") : null];
      const inner = b.content === undefined ? [] : typeof b.content === "string" || Array.isArray(b.content) ? blocks(b.content) : [json(b.content)];
      return headed("tool-result", head, inner);
    }
    return headed("other", el("b", {}, type), json(b));
  }

  // -- a stream: its events and where it was cut ------------------------------------------------
  function streamSection(s) {
    const parts = [el("h3", {}, "Stream")];
    const delays = [];
    if (s.first_byte_delay) delays.push(`first byte after ${s.first_byte_delay} s`);
    if (s.event_delay) delays.push(`${s.event_delay} s between events`);
    if (s.scheduled) delays.push("paced by a latency profile");
    if (delays.length) parts.push(el("p", { class: "muted" }, delays.join(" · ")));
    if (s.events) {
      parts.push(eventList(s));
    } else if (s.then === "disconnect" && s.cut_after === 0) {
      parts.push(el("p", { class: "bad" }, "The connection was dropped before any byte (a scripted disconnect)."));
    }
    return el("div", { class: "section stream" }, parts);
  }

  function eventList(s) {
    const cut = s.cut_after === null || s.cut_after === undefined ? s.events.length : s.cut_after;
    const list = el("ol", { class: "events" });
    let index = 0;
    while (index < cut) {
      let end = index;
      while (end + 1 < cut && s.events[end + 1] === s.events[index]) end += 1;
      const count = end - index + 1;
      list.append(el("li", { value: index + 1 }, s.events[index], count > 1 ? ` ×${count}` : ""));
      index = end + 1;
    }
    if (s.cut_after !== null && s.cut_after !== undefined) {
      list.append(el("li", { class: "cut" }, `✂ cut after ${s.cut_after} of ${s.event_count} events`));
      if (s.then === "error") {
        const e = s.error_event && s.error_event.error ? s.error_event.error : {};
        list.append(el("li", { class: "after" }, `event: error · ${e.type ?? "?"}${e.message ? `: ${e.message}` : ""}`));
      } else if (s.then === "disconnect") {
        list.append(el("li", { class: "after" }, "the connection dropped"));
      }
    }
    return list;
  }

  // -- what is scripted and unused, problems ----------------------------------------------------
  function showState(s) {
    $("unused-count").textContent = String(s.unused_count);
    const unused = s.unused.map((text) => el("li", {}, text));
    if (s.unused_count > s.unused.length) unused.push(el("li", { class: "muted" }, `and ${s.unused_count - s.unused.length} more`));
    if (!unused.length) unused.push(el("li", { class: "muted" }, "Nothing: every scripted reply and fault was used."));
    $("unused").replaceChildren(...unused);
    $("problems-box").hidden = s.problems.length === 0;
    $("problem-count").textContent = String(s.problems.length);
    $("problems").replaceChildren(...s.problems.map((text) => el("li", {}, text)));
    state.dropped = s.dropped;
    counts();
  }

  // -- the feed ---------------------------------------------------------------------------------
  function live(text, cls) {
    $("live").textContent = text;
    $("live").className = `live ${cls}`;
  }

  function connect() {
    const feed = new EventSource(`${base}events?tail=${MAX_ROWS}`);
    feed.addEventListener("open", () => live("live", "on"));
    feed.addEventListener("error", () => live("reconnecting…", "off"));
    feed.addEventListener("hello", (e) => {
      const hello = JSON.parse(e.data);
      if (state.epoch !== null && state.epoch !== hello.epoch) clearAll();
      state.epoch = hello.epoch;
    });
    feed.addEventListener("reset", (e) => {
      clearAll();
      state.epoch = JSON.parse(e.data).epoch;
    });
    feed.addEventListener("request", (e) => addRow(JSON.parse(e.data)));
    feed.addEventListener("state", (e) => showState(JSON.parse(e.data)));
  }

  // -- the key, for a server started with --require-api-key --------------------------------------
  async function session(key) {
    const init = key ? { method: "POST", headers: { "x-api-key": key } } : { cache: "no-store" };
    const answer = await fetch(`${base}ui/session`, init);
    return answer.ok ? answer.json() : { authorized: false };
  }

  function askKey() {
    live("needs the API key", "off");
    const form = $("login");
    form.hidden = false;
    $("key").focus();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await session($("key").value);
      if (!result.authorized) {
        $("login-error").textContent = "That is not the server's key.";
        return;
      }
      form.hidden = true;
      connect();
    });
  }

  async function start() {
    const hashKey = new URLSearchParams(location.hash.slice(1)).get("key");
    if (hashKey) history.replaceState(null, "", location.pathname + location.search);
    try {
      const result = hashKey ? await session(hashKey) : await session(null);
      if (result.workers > 1) {
        live("off", "off");
        $("empty").textContent = `${result.workers} worker processes serve this port, each with its own journal: this page would show one worker's share, so it is off (as the scripting API is). Serve with --workers 1 to watch the traffic.`;
      } else if (result.authorized) connect();
      else askKey();
    } catch (error) {
      live(`cannot reach the server: ${error}`, "off");
    }
  }

  // -- keyboard ---------------------------------------------------------------------------------
  rows.addEventListener("click", (event) => {
    const tr = event.target.closest("tr");
    if (tr) open(tr);
  });
  rows.addEventListener("keydown", (event) => {
    const tr = event.target.closest("tr");
    if (!tr) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      open(tr);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const list = visibleRows();
      const next = list[list.indexOf(tr) + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) next.focus();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.open !== null) {
      event.preventDefault();
      close();
    } else if (event.key === "/" && !["INPUT", "TEXTAREA"].includes(document.activeElement.tagName)) {
      event.preventDefault();
      $("filter").focus();
    }
  });
  $("filter").addEventListener("input", filter);
  counts();
  start();
})();
