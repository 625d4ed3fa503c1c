/* Policy chat widget: a launcher and a dialog talking to the assistant's web (REST) channel.
 * Self-contained: no framework, no CDN. Every text from the bot or the user is inserted with
 * textContent, never as HTML. The conversation (sender id and transcript) is kept in
 * localStorage, so it survives a page reload; the assistant keeps the profile server-side. */
(function () {
  "use strict";

  var script = document.currentScript;
  var ENDPOINT = new URL((script && script.dataset.endpoint) || "/webhooks/web/webhook", document.baseURI).href;
  var STORE_KEY = "policy-chat-v1";
  var state = load();

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE_KEY));
      if (saved && saved.sender && Array.isArray(saved.log)) return saved;
    } catch (e) { /* a broken entry starts a new conversation */ }
    return { sender: newSender(), log: [], open: false };
  }
  function newSender() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function save() {
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
  var closeBtn = el("button", { type: "button", "aria-label": "关闭对话窗口" }, "关闭");
  header.append(title, restartBtn, closeBtn);

  var log = el("div", { className: "pc-log", role: "log", "aria-live": "polite", "aria-label": "对话记录", tabindex: "0" });
  var typing = el("div", { className: "pc-typing", role: "status" });
  var form = el("form", { className: "pc-form" });
  var label = el("label", { "for": "pc-input", className: "pc-sr" }, "输入您的问题");
  var input = el("textarea", { id: "pc-input", rows: "2", placeholder: "例如：我们是宁波的外资企业，做离岸呼叫中心", maxlength: "2000" });
  var send = el("button", { type: "submit" }, "发送");
  form.append(label, input, send);
  dialog.append(header, log, typing, form);

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
    if (item.kind === "results") return renderResults(item.payload);
    return el("div", {}, "");
  }

  function renderButtons(item, index) {
    var box = el("div", { className: "pc-replies", role: "group", "aria-label": "快捷回复" });
    item.buttons.forEach(function (button) {
      var b = el("button", { type: "button" }, button.title);
      b.disabled = !!item.used || index !== lastButtonsIndex();
      b.addEventListener("click", function () {
        item.used = true;
        sendMessage(button.payload, button.title);
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
        sendMessage(chosen.join(" "), "符合：" + labels.join("、"));
      } else {
        sendMessage("都没有");
      }
    });
    unsure.addEventListener("click", function () { item.used = true; sendMessage("不清楚"); });
    actions.append(ok, unsure);
    box.append(actions);
    return box;
  }

  function lastButtonsIndex() {
    for (var i = state.log.length - 1; i >= 0; i--) {
      if (state.log[i].kind === "buttons" || state.log[i].kind === "checklist") return i;
    }
    return -1;
  }

  function badge(entry) {
    var ok = entry.in_force === true && entry.validity && entry.validity.stated_end;
    return el("span", { className: "pc-badge " + (ok ? "pc-badge-ok" : "pc-badge-warn") }, entry.in_force_note || "");
  }

  function line(labelText, value) {
    var p = el("p");
    p.append(el("span", { className: "pc-label" }, labelText + "："), document.createTextNode(value));
    return p;
  }

  function card(entry) {
    var c = el("article", { className: "pc-card" });
    c.append(el("h4", {}, entry.title), badge(entry));
    c.append(line("可获得", entry.benefit));
    c.append(line("联系部门", (entry.contacts || []).map(function (x) { return x.name; }).join("、")));
    c.append(line("出处", entry.source_text || ""));
    var confirm = entry.conditions_to_confirm || [];
    if (confirm.length || (entry.validity && entry.validity.note)) {
      var d = el("details");
      d.append(el("summary", {}, "需向部门确认的事项"));
      confirm.forEach(function (t) { d.append(el("p", {}, t)); });
      if (entry.validity && entry.validity.note) d.append(el("p", {}, entry.validity.note));
      c.append(d);
    }
    return c;
  }

  function renderResults(payload) {
    var box = el("section", { className: "pc-results", "aria-label": "政策评估结果" });
    var eligible = payload.eligible || [];
    box.append(el("h3", {}, "可以享受（" + eligible.length + "项）"));
    eligible.forEach(function (entry) { box.append(card(entry)); });
    var open = payload.undetermined || [];
    if (open.length) {
      var d = el("details");
      d.append(el("summary", {}, "可能符合，还需确认（" + open.length + "项）"));
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

  function renderAll() {
    log.textContent = "";
    state.log.forEach(function (item, i) { log.append(renderItem(item, i)); });
    log.scrollTop = log.scrollHeight;
  }

  function append(item) {
    state.log.push(item);
    save();
    renderAll();
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
      (messages || []).forEach(function (m) {
        if (m.text) state.log.push({ kind: "bot", text: m.text });
        if (m.buttons && m.buttons.length) state.log.push({ kind: "buttons", buttons: m.buttons });
        if (m.custom && m.custom.type === "eligibility_results") state.log.push({ kind: "results", payload: m.custom });
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
    var previous = state.sender;
    state = { sender: previous, log: [], open: true };
    save();
    renderAll();
    sendMessage("/restart", "重新开始");
    input.focus();
  });

  document.body.append(launcher, dialog);
  if (state.open) { dialog.hidden = false; launcher.setAttribute("aria-expanded", "true"); renderAll(); }
})();
