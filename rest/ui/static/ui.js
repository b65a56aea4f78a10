// monit-intel web UI: enhances server-rendered pages. Live overview (SSE), charts (uPlot),
// Mother's streamed answers. Text from outside is only ever set through textContent.
"use strict";
(function () {
  const page = document.body.dataset.page;
  const $ = (sel, root) => (root || document).querySelector(sel);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const toLogin = () => {
    location.href = "/ui/login?next=" + encodeURIComponent(location.pathname + location.search);
  };

  function setBanners(list) {
    const box = $("#banners");
    if (!box) return;
    box.replaceChildren(...list.map((t) => el("p", "banner", t)));
  }

  // Overview: filter as you type; refresh the rows when a cycle lands.
  function overview() {
    const input = $("#q");
    const filter = () => {
      const q = input.value.trim().toLowerCase();
      for (const tr of document.querySelectorAll("#rows tr[data-search]")) {
        tr.hidden = q !== "" && !tr.dataset.search.includes(q);
      }
    };
    input.addEventListener("input", filter);
    let lost = false, health = [];
    const es = new EventSource("/ui/events");
    es.addEventListener("open", () => {
      document.body.dataset.live = "true";
      if (lost) { lost = false; setBanners(health); refresh(); }
    });
    es.addEventListener("health", (e) => { health = JSON.parse(e.data) || []; if (!lost) setBanners(health); });
    es.addEventListener("cycle", refresh);
    es.addEventListener("error", () => {
      if (es.readyState === EventSource.CLOSED) {
        // The server refused the stream: the session is gone.
        fetch("/ui/?part=rows", { headers: { Accept: "text/plain" } }).then((r) => { if (r.status === 401) toLogin(); });
        return;
      }
      lost = true;
      document.body.dataset.live = "false";
      setBanners(["Lost the connection to monit-intel; reconnecting…"]);
    });
    async function refresh() {
      const r = await fetch("/ui/?part=rows", { headers: { Accept: "text/plain" } });
      if (r.status === 401) return toLogin();
      if (!r.ok) return;
      const body = $("#rows");
      body.innerHTML = await r.text(); // server-rendered by html/template: escaped
      filter();
      const failing = body.querySelectorAll("tr.failing").length;
      const total = body.querySelectorAll("tr[data-search]").length;
      const s = $("#summary strong");
      if (s && !input.value) s.textContent = failing;
      document.body.dataset.refreshed = String(Date.now());
      document.body.dataset.rows = String(total);
    }
  }

  // Service: one small chart per figure.
  function charts() {
    const box = $("#chart");
    if (!box || typeof uPlot === "undefined") return;
    const d = JSON.parse(box.dataset.chart);
    const width = Math.max(280, box.clientWidth);
    for (const s of d.series.slice(0, 8)) {
      const opts = {
        title: s.name + (s.unit ? " (" + s.unit + ")" : ""),
        width: width, height: 150,
        series: [{}, { label: s.name, stroke: getComputedStyle(document.body).getPropertyValue("--accent") || "#0b5cad", width: 1.5, spanGaps: false }],
        axes: [{ stroke: "#888" }, { stroke: "#888" }],
        legend: { show: false },
      };
      new uPlot(opts, [d.t, s.v], box);
    }
    box.dataset.drawn = String(d.series.length);
  }

  // Mother: stream the answer from the JSON API, then show what was understood and the
  // proposals with Approve / Reject in place.
  function mother() {
    const form = $("#ask");
    const chat = $("#chat");
    const canApprove = form.dataset.canApprove === "true";
    $("#question").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });
    // The conversation so far (Mother remembers it per session), oldest first.
    fetch("/mother/history?limit=20&session=" + encodeURIComponent(form.dataset.session))
      .then((r) => (r.ok ? r.json() : { turns: [] }))
      .then((h) => {
        for (const turn of h.turns || []) {
          const li = el("li", "earlier");
          li.append(el("p", "q", turn.user_query), el("div", "a", turn.agent_response));
          chat.append(li);
        }
        document.body.dataset.history = String((h.turns || []).length);
      })
      .catch(() => { document.body.dataset.history = "0"; });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const q = $("#question").value.trim();
      if (!q) return;
      const li = el("li");
      li.append(el("p", "q", q));
      const under = el("p", "understood");
      under.hidden = true;
      const a = el("div", "a");
      a.setAttribute("aria-busy", "true");
      li.append(under, a);
      chat.append(li);
      $("#question").value = "";
      try {
        const r = await fetch("/mother/chat", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
          body: JSON.stringify({ message: q, session: form.dataset.session }),
        });
        if (r.status === 401) return toLogin();
        if (!r.ok) {
          let detail = r.statusText;
          try { detail = (await r.json()).detail || detail; } catch (e) { /* not JSON */ }
          a.textContent = "Mother could not answer: " + detail;
          return;
        }
        await readEvents(r, (event, data) => {
          if (event === "chunk") {
            a.textContent += data.text;
            a.dataset.chunks = String(Number(a.dataset.chunks || 0) + 1);
          }
          if (event === "meta") showUnderstood(under, data);
          if (event === "error") a.textContent += "\n[" + data.detail + "]";
          if (event === "done") done(li, under, a, data);
        });
      } catch (e) {
        a.textContent += "\n[The connection to monit-intel was lost: " + e.message + "]";
      } finally {
        a.removeAttribute("aria-busy");
      }
    });

    function done(li, under, a, reply) {
      a.textContent = reply.text;
      if (reply.model_note) a.append(el("small", "note", "\n" + reply.model_note));
      if (reply.understood) showUnderstood(under, reply.understood);
      for (const p of reply.proposals || []) li.append(proposal(p));
      for (const why of reply.refused || []) li.append(el("p", "error", "Refused: " + why));
      li.dataset.done = "true";
    }

    // describe words what Mother understood: {intent, services, since, until}.
    function describe(u) {
      const parts = [];
      if (u.intent) parts.push(u.intent);
      if (u.services && u.services.length) parts.push("about " + u.services.join(", "));
      if (u.since) parts.push("from " + new Date(u.since).toLocaleString());
      if (u.until) parts.push("until " + new Date(u.until).toLocaleString());
      return parts.join(" · ");
    }

    function showUnderstood(under, u) {
      const text = typeof u === "string" ? u : describe(u || {});
      if (!text) return;
      under.hidden = false;
      under.textContent = "Understood: " + text;
    }

    function proposal(p) {
      const box = el("div", "proposal");
      box.dataset.id = p.id;
      box.append(el("span", "", "Proposed: "), el("code", "", p.command));
      if (!canApprove) {
        box.append(el("span", "note", "(an operator can approve it on the Approvals page)"));
        return box;
      }
      const approve = el("button", "", "Approve");
      const reject = el("button", "", "Reject");
      approve.type = reject.type = "button";
      approve.addEventListener("click", () => {
        // The confirmation step: the exact command again, then run it.
        const yes = el("button", "primary", "Yes, run " + p.command);
        const no = el("button", "", "Cancel");
        yes.type = no.type = "button";
        no.addEventListener("click", () => box.replaceWith(proposal(p)));
        yes.addEventListener("click", () => decide(box, p, "approve"));
        box.replaceChildren(el("span", "", "Run "), el("code", "", p.command), el("span", "", " now?"), yes, no);
        yes.focus();
      });
      reject.addEventListener("click", () => decide(box, p, "reject"));
      box.append(approve, reject);
      return box;
    }

    async function decide(box, p, decision) {
      box.replaceChildren(el("span", "", (decision === "approve" ? "Running " : "Rejecting ") + p.command + "…"));
      const body = new URLSearchParams({ decision: decision, confirm: "yes" });
      const r = await fetch("/ui/approvals/" + encodeURIComponent(p.id), {
        method: "POST", body: body, headers: { Accept: "application/json" },
      });
      if (r.status === 401) return toLogin();
      let res = {};
      try { res = await r.json(); } catch (e) { res = { status: "error", error: r.statusText }; }
      const line = el("p", "result-" + res.status, res.status + (res.error ? ": " + res.error : ""));
      line.dataset.status = res.status || "";
      box.replaceChildren(el("code", "", p.command), line);
      if (res.output) box.append(el("pre", "", res.output));
    }
  }

  // readEvents parses a text/event-stream response body.
  async function readEvents(r, on) {
    const reader = r.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let event = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data += line.slice(5).trim();
        }
        if (data) on(event, JSON.parse(data));
      }
    }
  }

  if (page === "overview") overview();
  if (page === "service") charts();
  if (page === "mother") mother();
})();
