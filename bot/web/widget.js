/* Policy chat widget: a launcher and a dialog talking to the assistant's web (REST) channel.
 * Self-contained: no framework, no CDN. Every text from the bot or the user is inserted with
 * textContent, never as HTML. The conversation (sender id and transcript) is kept in
 * localStorage, so it survives a page reload; the assistant keeps the profile server-side.
 * On shared computers (service halls) the local history expires after data-history-minutes
 * (default 120) without use, and 清除记录 removes it at once. Results come as cards only: the
 * summary first (the view scrolls to it), details per measure on demand, the report links. */
(function () {
  "use strict";

  var script = document.currentScript;
  var ENDPOINT = new URL((script && script.dataset.endpoint) || "/webhooks/web/webhook", document.baseURI).href;
  var STORE_KEY = "policy-chat-v1";
  var HISTORY_MS = Math.max(1, Number((script && script.dataset.historyMinutes) || 120)) * 60000;
  var state = load();

  function fresh() { return { sender: newSender(), log: [], open: false, savedAt: Date.now() }; }
  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE_KEY));
      if (saved && saved.sender && Array.isArray(saved.log) && Date.now() - (saved.savedAt || 0) < HISTORY_MS) return saved;
      window.localStorage.removeItem(STORE_KEY);  // expired (or broken): nothing of it stays on this computer
    } catch (e) { /* a broken entry starts a new conversation */ }
    return fresh();
  }
  function newSender() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function save() {
    state.savedAt = Date.now();
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") node.className = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- DOM ------------------------------------------------------------------------------
  var launcher = el("button", { type: "button", className: "pc-launcher", "aria-expanded": "false",
    "aria-controls": "pc-dialog", "aria-haspopup": "dialog" }, "政策咨询");
  launcher.setAttribute("aria-label", "打开服务外包政策咨询助手");

  var dialog = el("section", { id: "pc-dialog", className: "pc-dialog", role: "dialog", "aria-labelledby": "pc-title" });
  dialog.hidden = true;
  var header = el("div", { className: "pc-header" });
  var title = el("h2", { id: "pc-title", className: "pc-title" }, "服务外包政策助手");
  var restartBtn = el("button", { type: "button" }, "重新开始");
  var clearBtn = el("button", { type: "button", title: "删除本机上的对话记录，开始新的对话" }, "清除记录");
  var closeBtn = el("button", { type: "button", "aria-label": "关闭对话窗口" }, "关闭");
  header.append(title, restartBtn, clearBtn, closeBtn);

  var log = el("div", { className: "pc-log", role: "log", "aria-live": "polite", "aria-label": "对话记录", tabindex: "0" });
  var typing = el("div", { className: "pc-typing", role: "status" });
  var notice = el("div", { className: "pc-notice", role: "status" });  // 链接已复制, 报告已删除…
  var form = el("form", { className: "pc-form" });
  var label = el("label", { "for": "pc-input", className: "pc-sr" }, "输入您的问题");
  var input = el("textarea", { id: "pc-input", rows: "2", placeholder: "例如：我们是宁波的外资企业，做离岸呼叫中心", maxlength: "2000" });
  var send = el("button", { type: "submit" }, "发送");
  form.append(label, input, send);
  dialog.append(header, log, notice, typing, form);

  // ---- rendering --------------------------------------------------------------------------
  function renderItem(item, index) {
    if (item.kind === "user") {
      var u = el("div", { className: "pc-msg pc-msg-user" });
      u.append(el("span", { className: "pc-sr" }, "我："), document.createTextNode(item.text));
      return u;
    }
    if (item.kind === "bot") {
      var b = el("div", { className: "pc-msg pc-msg-bot" });
      b.append(el("span", { className: "pc-sr" }, "助手："), document.createTextNode(item.text));
      return b;
    }
    if (item.kind === "buttons") return renderButtons(item, index);
    if (item.kind === "checklist") return renderChecklist(item, index);
    if (item.kind === "results") return renderResults(item, index);
    return el("div", {}, "");
  }

  // A button that answers: disabled once used, focus back to the input.
  function answer(message, shown) {
    sendMessage(message, shown);
    input.focus();
  }

  function renderButtons(item, index) {
    var box = el("div", { className: "pc-replies", role: "group", "aria-label": "快捷回复" });
    item.buttons.forEach(function (button) {
      var b = el("button", { type: "button" }, button.title);
      b.disabled = !!item.used || index !== lastButtonsIndex();
      b.addEventListener("click", function () {
        item.used = true;
        answer(button.payload, button.title);
      });
      box.append(b);
    });
    return box;
  }

  // Several yes/no circumstances at once: tick what applies, then confirm (sent as their numbers).
  function renderChecklist(item, index) {
    var active = !item.used && index === lastButtonsIndex();
    var box = el("fieldset", { className: "pc-checklist" });
    box.append(el("legend", {}, "请勾选符合贵公司的情况（可多选）"));
    var boxes = item.items.map(function (entry, i) {
      var id = "pc-check-" + index + "-" + i;
      var c = el("input", { type: "checkbox", id: id });
      c.disabled = !active;
      var row = el("div", { className: "pc-check" });
      row.append(c, el("label", { "for": id }, (i + 1) + ". " + entry.label));
      box.append(row);
      return c;
    });
    var actions = el("div", { className: "pc-replies" });
    var ok = el("button", { type: "button" }, "确定");
    var unsure = el("button", { type: "button" }, "不清楚");
    ok.disabled = unsure.disabled = !active;
    ok.addEventListener("click", function () {
      var chosen = [];
      boxes.forEach(function (c, i) { if (c.checked) chosen.push(String(i + 1)); });
      item.used = true;
      if (chosen.length) {
        var labels = chosen.map(function (n) { return item.items[Number(n) - 1].label; });
        answer(chosen.join(" "), "符合：" + labels.join("、"));
      } else {
        answer("都没有");
      }
    });
    unsure.addEventListener("click", function () { item.used = true; answer("不清楚"); });
    actions.append(ok, unsure);
    box.append(actions);
    return box;
  }

  function lastButtonsIndex() {
    for (var i = state.log.length - 1; i >= 0; i--) {
      var k = state.log[i].kind;
      if (k === "buttons" || k === "checklist" || k === "results") return i;
    }
    return -1;
  }

  function lastResultsIndex() {
    for (var i = state.log.length - 1; i >= 0; i--) if (state.log[i].kind === "results") return i;
    return -1;
  }

  // ---- results: summary, report, recap, cards ------------------------------------------------
  function line(labelText, value) {
    var p = el("p");
    p.append(el("span", { className: "pc-label" }, labelText + "："), document.createTextNode(value));
    return p;
  }

  function card(entry, isNew) {
    var c = el("article", { className: "pc-card" });
    var h = el("h4", {}, entry.title);
    if (isNew) h.prepend(el("span", { className: "pc-badge pc-badge-new" }, "新增"), document.createTextNode(" "));
    c.append(h, el("p", { className: "pc-badge pc-badge-" + (entry.tone || "warn") }, entry.status_text || ""));
    c.append(line("可获得", entry.benefit));
    (entry.extra_lines || []).forEach(function (t) { c.append(el("p", {}, t)); });
    c.append(line("联系", entry.contacts_text || ""));
    var d = el("details");
    d.append(el("summary", {}, "下一步、条件和出处"));
    d.append(line("下一步", entry.next_step || ""));
    if ((entry.conditions || []).length) d.append(line("适用条件", entry.conditions.join("；")));
    if ((entry.conditions_to_confirm || []).length) d.append(line("需由部门确认", entry.conditions_to_confirm.join("；")));
    d.append(line("出处", entry.source_text || ""));
    if (entry.source && entry.source.excerpt) d.append(el("blockquote", {}, entry.source.excerpt));
    c.append(d);
    return c;
  }

  function absolute(url) { return new URL(url, ENDPOINT).href; }

  function reportBar(payload) {
    var bar = el("div", { className: "pc-report", role: "group", "aria-label": "政策匹配报告" });
    var report = payload.report;
    if (!report) {
      if (payload.report_deleted) bar.append(el("p", { className: "pc-label" }, "报告已删除。"));
      return bar;
    }
    var open = el("a", { href: absolute(report.page), target: "_blank", rel: "noopener", className: "pc-link-button" }, "查看报告");
    open.append(el("span", { className: "pc-sr" }, "（在新窗口打开）"));
    var pdf = el("a", { href: absolute(report.pdf), download: "政策匹配报告.pdf", className: "pc-link-button" }, "下载报告");
    var copy = el("button", { type: "button" }, "复制链接");
    var del = el("button", { type: "button" }, "删除报告");
    copy.addEventListener("click", function () {
      var url = absolute(report.page);
      var done = function () { say("报告链接已复制：" + url); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, function () { say("请手动复制报告链接：" + url); });
      } else {
        say("请手动复制报告链接：" + url);
      }
    });
    del.addEventListener("click", function () {
      if (!window.confirm("删除后，报告链接将无法再打开。确定删除吗？")) return;
      fetch(absolute(report.page), { method: "DELETE" }).then(function (r) {
        if (!r.ok && r.status !== 404) throw new Error("HTTP " + r.status);
        state.log.forEach(function (item) {
          if (item.kind === "results" && item.payload.report && item.payload.report.page === report.page) {
            item.payload.report = null;
            item.payload.report_deleted = true;
          }
        });
        save();
        renderAll();
        say("报告已删除。");
        input.focus();
      }).catch(function () { say("抱歉，删除没有成功，请稍后再试。"); });
    });
    bar.append(open, pdf, copy, del);
    return bar;
  }

  // 修改信息: the facts as a list; changing one sends it at once, the assistant re-evaluates.
  function recap(item, index) {
    var payload = item.payload;
    var facts = payload.recap || [];
    var active = index === lastResultsIndex();  // buttons sent with the results (e.g. 订阅) don't retire it
    var wrap = el("div", { className: "pc-recap" });
    var toggle = el("button", { type: "button", "aria-expanded": item.recapOpen ? "true" : "false" }, "修改信息");
    toggle.disabled = !active || !facts.length;
    toggle.addEventListener("click", function () {
      item.recapOpen = !item.recapOpen;
      save();
      rerender();
      var again = log.querySelectorAll(".pc-recap button[aria-expanded]");  // the re-rendered toggle
      if (again.length) again[again.length - 1].focus();
    });
    wrap.append(toggle);
    if (!item.recapOpen || !active) return wrap;
    var list = el("ul", { className: "pc-facts", "aria-label": "您提供的企业信息" });
    facts.forEach(function (fact) {
      var li = el("li");
      li.append(el("span", { className: "pc-label" }, fact.label + "："), document.createTextNode(fact.text + " "));
      var edit = el("button", { type: "button", "aria-label": "修改" + fact.label }, "修改");
      edit.addEventListener("click", function () {
        item.editing = fact.field;
        save();
        rerender();
        var first = log.querySelector(".pc-editor input, .pc-editor button:not(:disabled)");
        if (first) first.focus();
      });
      li.append(edit);
      if (item.editing === fact.field) li.append(editor(item, fact));
      list.append(li);
    });
    wrap.append(list);
    return wrap;
  }

  function sendFact(item, fact, value, shown) {
    var entities = {};
    entities[fact.field] = value;
    item.recapOpen = false;
    item.editing = null;
    answer("/inform" + JSON.stringify(entities), "修改：" + fact.label + " → " + shown);
  }

  function editor(item, fact) {
    var box = el("div", { className: "pc-editor pc-replies", role: "group", "aria-label": "修改" + fact.label });
    if (fact.kind === "bool") {
      fact.options.forEach(function (o) {
        var b = el("button", { type: "button" }, o.text);
        b.disabled = o.value === fact.value;
        b.addEventListener("click", function () { sendFact(item, fact, o.value, o.text); });
        box.append(b);
      });
      return box;
    }
    if (fact.kind === "list") {
      var boxes = fact.options.map(function (o, i) {
        var id = "pc-edit-" + fact.field + "-" + i;
        var c = el("input", { type: "checkbox", id: id });
        c.checked = (fact.value || []).indexOf(o.value) >= 0;
        var row = el("div", { className: "pc-check" });
        row.append(c, el("label", { "for": id }, o.text));
        box.append(row);
        return c;
      });
      var ok = el("button", { type: "button" }, "确定");
      ok.addEventListener("click", function () {
        var values = [], texts = [];
        boxes.forEach(function (c, i) { if (c.checked) { values.push(fact.options[i].value); texts.push(fact.options[i].text); } });
        if (values.length) sendFact(item, fact, values, texts.join("、"));
      });
      box.append(ok);
      return box;
    }
    var id = "pc-edit-" + fact.field;
    var field = el("input", { id: id, type: fact.kind === "int" ? "number" : "text", min: "0" });
    field.value = fact.kind === "int" ? String(fact.value) : fact.text;
    var save_ = el("button", { type: "button" }, "确定");
    save_.addEventListener("click", function () {
      var v = field.value.trim();
      if (!v) return;
      sendFact(item, fact, fact.kind === "int" ? Number(v) : v, fact.kind === "int" ? v + "人" : v);
    });
    box.append(el("label", { "for": id }, "新的" + fact.label), field, save_);
    return box;
  }

  function renderResults(item, index) {
    var payload = item.payload;
    var box = el("section", { className: "pc-results", "aria-label": "政策评估结果" });
    var summary = el("div", { className: "pc-summary", tabindex: "-1" });
    summary.append(el("h3", {}, "结果摘要"));
    var changes = payload.changes;
    if (changes) {
      var facts = (changes.facts || []).map(function (f) { return f.label + "：" + f.from + " → " + f.to; }).join("；");
      summary.append(el("p", { className: "pc-change" }, "与上次相比：" + changes.text + (facts ? "（" + facts + "）" : "")));
    }
    (payload.summary || []).forEach(function (t) { summary.append(el("p", {}, t)); });
    box.append(summary, reportBar(payload), recap(item, index));
    var added = (changes && changes.added) || [];
    var eligible = payload.eligible || [];
    (payload.kinds || []).forEach(function (k) {
      var group = eligible.filter(function (e) { return e.kind === k.kind; });
      if (!group.length) return;
      box.append(el("h3", {}, k.label + "（" + group.length + "项）"));
      group.forEach(function (entry) { box.append(card(entry, added.indexOf(entry.id) >= 0)); });
    });
    var open = payload.undetermined || [];
    if (open.length) {
      var d = el("details");
      d.append(el("summary", {}, "还需确认（" + open.length + "项）"));
      open.forEach(function (entry) {
        d.append(el("p", {}, entry.title + "：还需确认" + (entry.missing_labels || []).join("、")));
      });
      box.append(d);
    }
    var missed = (payload.ineligible || []).filter(function (e) { return !(e.what_if && e.what_if.region_only); });
    if (missed.length) {
      var m = el("details");
      m.append(el("summary", {}, "暂不符合（" + missed.length + "项）及原因"));
      missed.forEach(function (entry) {
        m.append(el("p", {}, entry.title + "：" + (entry.reasons || []).join("；")));
        if (entry.what_if && entry.what_if.summary) m.append(el("p", { className: "pc-label" }, entry.what_if.summary));
      });
      box.append(m);
    }
    return box;
  }

  var scrollTarget = null;  // after new results: their summary, not the bottom of the log
  function renderAll() {
    var keepScroll = log.scrollTop;
    log.textContent = "";
    var nodes = state.log.map(function (item, i) { var n = renderItem(item, i); log.append(n); return n; });
    if (scrollTarget !== null && nodes[scrollTarget]) {
      log.scrollTop = nodes[scrollTarget].offsetTop - log.offsetTop;
      scrollTarget = null;
    } else if (renderAll.keep) {
      log.scrollTop = keepScroll;
    } else {
      log.scrollTop = log.scrollHeight;
    }
    renderAll.keep = false;
  }

  function rerender() {  // same view, new state (a toggle, an editor opened)
    renderAll.keep = true;
    renderAll();
  }

  function append(item) {
    state.log.push(item);
    save();
    renderAll();
  }

  var noticeTimer = null;
  function say(text) {
    notice.textContent = text;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { notice.textContent = ""; }, 8000);
  }

  // ---- talking to the assistant ---------------------------------------------------------------
  var busy = false;

  function sendMessage(message, shown) {
    if (busy || !message || !message.trim()) return;
    busy = true;
    send.disabled = true;
    append({ kind: "user", text: shown || message });
    typing.textContent = "助手正在输入…";
    fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: message })
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (messages) {
      (messages || []).forEach(function (m, i) {
        var results = m.custom && m.custom.type === "eligibility_results";
        // Rasa sends a results message's text (the compact version of the cards, for REST clients) as its
        // own message just before the payload: not shown twice.
        var next = (messages[i + 1] || {}).custom;
        var textOfResults = !!(next && next.type === "eligibility_results");
        if (m.text && !results && !textOfResults) state.log.push({ kind: "bot", text: m.text });
        if (results) {
          scrollTarget = state.log.length;
          state.log.push({ kind: "results", payload: m.custom });
        }
        if (m.buttons && m.buttons.length) state.log.push({ kind: "buttons", buttons: m.buttons });  // after the cards
        if (m.custom && m.custom.type === "checklist") state.log.push({ kind: "checklist", items: m.custom.items });
      });
    }).catch(function () {
      state.log.push({ kind: "bot", text: "抱歉，网络暂时不通，请稍后再试。" });
    }).then(function () {
      busy = false;
      send.disabled = false;
      typing.textContent = "";
      save();
      renderAll();
    });
  }

  // ---- opening, closing, keyboard ----------------------------------------------------------------
  function setOpen(open, returnFocus) {
    if (open && Date.now() - (state.savedAt || 0) >= HISTORY_MS) state = fresh();  // expired while the page stayed open
    state.open = open;
    save();
    dialog.hidden = !open;
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      renderAll();
      input.focus();
      if (!state.log.length) sendMessage("你好", "你好");
    } else if (returnFocus) {
      launcher.focus();
    }
  }

  launcher.addEventListener("click", function () { setOpen(true); });
  closeBtn.addEventListener("click", function () { setOpen(false, true); });
  dialog.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); setOpen(false, true); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    sendMessage(text);
    input.focus();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  restartBtn.addEventListener("click", function () {
    if (!window.confirm("重新开始将清空您已提供的企业信息和本次对话，确定吗？")) { input.focus(); return; }
    var previous = state.sender;
    state = { sender: previous, log: [], open: true };
    save();
    renderAll();
    sendMessage("/restart", "重新开始");
    input.focus();
  });
  clearBtn.addEventListener("click", function () {
    if (!window.confirm("清除后，本机上的对话记录将被删除，并开始新的对话。确定吗？")) { input.focus(); return; }
    try { window.localStorage.removeItem(STORE_KEY); } catch (e) { /* private mode */ }
    state = fresh();
    state.open = true;
    renderAll();
    say("对话记录已清除。");
    sendMessage("你好", "你好");
    input.focus();
  });

  document.body.append(launcher, dialog);
  if (state.open) { dialog.hidden = false; launcher.setAttribute("aria-expanded", "true"); renderAll(); }
})();
