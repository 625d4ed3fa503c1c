/* Hotline console: every call carries the token as a Bearer header; all text goes in via textContent. */
(function () {
  "use strict";
  var API = new URL("api/", document.baseURI).href;
  var TOKEN_KEY = "console-token", STAFF_KEY = "console-staff";
  var STATUS = { "new": "新", "taken": "处理中", "closed": "已办结" };
  var $ = function (id) { return document.getElementById(id); };
  var FIELDS = [];
  var current = null; // the conversation on screen

  function el(tag, text, cls) {
    var n = document.createElement(tag);
    if (text !== undefined && text !== null) n.textContent = String(text);
    if (cls) n.className = cls;
    return n;
  }
  function button(text, onClick, cls) {
    var b = el("button", text, cls); b.type = "button"; b.addEventListener("click", onClick); return b;
  }
  function token() { return window.sessionStorage.getItem(TOKEN_KEY) || ""; }
  function staff() { return window.sessionStorage.getItem(STAFF_KEY) || ""; }
  function say(text) { $("status").textContent = ""; window.setTimeout(function () { $("status").textContent = text; }, 30); }
  function when(iso) {
    if (!iso) return "—";
    var d = new Date(iso);
    if (isNaN(d)) return iso;
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
  }
  function channelName(id, channel) {
    if (/^wxkf-/.test(id || "")) return "微信客服";
    return { wecom: "企业微信", web: "网站", rest: "接口", socketio: "网站" }[channel] || channel || "—";
  }

  function api(path, options) {
    options = options || {};
    options.headers = Object.assign({ "Authorization": "Bearer " + token() }, options.headers || {});
    return fetch(API + path, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.status === 401) { logout("令牌无效，请重新登录。"); throw new Error("401"); }
        if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
        return body;
      });
    });
  }
  function post(path, body) {
    return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}) });
  }

  // ---- login ---------------------------------------------------------------------------
  function logout(message) {
    window.sessionStorage.removeItem(TOKEN_KEY);
    $("app").hidden = true; $("logout").hidden = true; $("whoami").hidden = true; $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("staff").value = staff();
    (staff() ? $("token") : $("staff")).focus();
  }

  function start() {
    api("fields").then(function (body) {
      $("login").hidden = true; $("app").hidden = false; $("logout").hidden = false;
      $("whoami").hidden = false; $("whoami").textContent = "工作人员：" + staff();
      buildForm(body.fields);
      if (body.as_of && !$("as-of").value) $("as-of").value = body.as_of;
      loadQueue();
      window.setInterval(loadQueue, 15000);
      $("queue-q").focus();
    }).catch(function (e) { if (e.message !== "401") $("login-error").textContent = "无法连接：" + e.message; });
  }

  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    window.sessionStorage.setItem(STAFF_KEY, $("staff").value.trim());
    window.sessionStorage.setItem(TOKEN_KEY, $("token").value);
    $("token").value = "";
    start();
  });
  $("logout").addEventListener("click", function () { logout(""); });

  // ---- the queue: one row per conversation ------------------------------------------------------
  function loadQueue() {
    var q = $("queue-q").value.trim(), status = $("queue-status").value;
    api("queue?status=" + encodeURIComponent(status) + "&q=" + encodeURIComponent(q)).then(function (body) {
      var tbody = $("queue").querySelector("tbody");
      tbody.textContent = "";
      body.items.forEach(function (h) {
        var tr = el("tr");
        tr.dataset.conversation = h.conversation_id;
        var firm = h.firm_name || "（未提供名称）";
        var contact = h.contact ? (h.contact_kind === "wechat" ? "微信 " : "") + h.contact : "未留";
        cells(tr, ["申请时间", "企业", "城市", "联系方式", "状态", "处理人"],
              [when(h.requested_at), firm, h.city || "—", contact, STATUS[h.status] || h.status, h.taken_by || "—"]);
        tr.children[4].className = "badge-" + h.status;
        var td = el("td"); td.dataset.label = "操作";
        var b = button("打开", function () { $("conv-id").value = h.conversation_id; openConversation(h.conversation_id, true); });
        b.setAttribute("aria-label", "打开 " + firm + " 的对话");
        td.append(b); tr.append(td); tbody.append(tr);
      });
      $("queue-empty").hidden = body.items.length > 0;
    }).catch(function (e) { if (e.message !== "401") say("队列加载失败：" + e.message); });
  }
  $("queue-form").addEventListener("submit", function (e) { e.preventDefault(); loadQueue(); });
  $("queue-status").addEventListener("change", loadQueue);

  function cells(tr, labels, values) {
    values.forEach(function (v, i) { var td = el("td", v); td.dataset.label = labels[i]; tr.append(td); });
  }

  // ---- one conversation: queue item, report, transcript --------------------------------------------
  function openConversation(id, focus) {
    var box = $("conv");
    box.textContent = "加载中…";
    return api("conversations/" + encodeURIComponent(id)).then(function (c) {
      current = c;
      box.textContent = "";
      var item = c.queue;
      var head = el("h3", (item && item.firm_name) || "未提供企业名称", "conv-head");
      head.tabIndex = -1;
      box.append(head);
      var facts = el("dl", null, "meta");
      meta(facts, "对话编号", c.id);
      meta(facts, "渠道", channelName(c.id, c.channel));
      if (item) {
        meta(facts, "状态", STATUS[item.status] + (item.taken_by ? "（" + item.taken_by + "）" : ""));
        meta(facts, "联系方式", item.contact ? (item.contact_kind === "wechat" ? "微信 " : "") + item.contact : "未留");
        meta(facts, "申请转人工", when(item.requested_at));
      }
      box.append(facts);
      if (item) box.append(workControls(c));
      box.append(reportPanel({
        id: "conv-report", profileText: c.profile_text, evaluation: c.evaluation, conversation: c.id,
        firm: item && item.firm_name, channel: c.channel
      }));
      var t = el("h4", "对话记录"); box.append(t);
      var ol = el("ol", null, "transcript");
      c.transcript.forEach(function (m) {
        var li = el("li", null, m.who === "firm" ? "msg-firm" : "msg-bot");
        li.append(el("span", m.who === "firm" ? "企业：" : "助手：", "who"));
        li.append(document.createTextNode(m.text));
        if (m.button) li.append(el("span", "（点选）", "pressed"));
        ol.append(li);
      });
      box.append(ol);
      if (focus) head.focus();
    }).catch(function (e) { box.textContent = e.message; });
  }
  $("conv-form").addEventListener("submit", function (e) { e.preventDefault(); openConversation($("conv-id").value.trim(), true); });

  function meta(dl, key, value) {
    var div = el("div"); div.append(el("dt", key), el("dd", value)); dl.append(div);
  }

  function workControls(c) {
    var item = c.queue;
    var wrap = el("div", null, "work no-print");
    var buttons = el("div", null, "actions");
    if (item.status === "new" || (item.status === "taken" && item.taken_by !== staff())) {
      buttons.append(button("接手", function () { work(c.id, "take", {}, "已接手"); }));
    }
    if (item.status !== "closed") {
      buttons.append(button("办结", function () { work(c.id, "close", { text: $("note").value.trim() }, "已办结"); }));
    }
    wrap.append(buttons);
    var label = el("label", "备注（处理情况，仅工作人员可见）"); label.htmlFor = "note";
    var note = el("textarea"); note.id = "note"; note.maxLength = 2000; note.rows = 2;
    wrap.append(label, note, button("添加备注", function () {
      if (!note.value.trim()) { say("请先填写备注"); note.focus(); return; }
      work(c.id, "note", { text: note.value.trim() }, "备注已保存");
    }));
    if (item.notes.length) {
      wrap.append(el("h4", "处理记录"));
      var ul = el("ul", null, "notes");
      item.notes.forEach(function (n) { ul.append(el("li", when(n.at) + " " + n.author + "：" + n.text)); });
      wrap.append(ul);
    }
    return wrap;
  }

  function work(id, action, body, done) {
    body.staff = staff();
    post("queue/" + encodeURIComponent(id) + "/" + action, body).then(function () {
      say(done);
      loadQueue();
      return openConversation(id, false);
    }).catch(function (e) { say("操作失败：" + e.message); });
  }

  // ---- the report: what the firm gets, printable and sendable ---------------------------------------
  function reportPanel(o) {
    var panel = el("div", null, "report");
    panel.id = o.id;
    var level = o.level || 4, sub = "h" + (level + 1);  // headings follow the panel's own
    var h = el("h" + level, "政策匹配报告" + (o.firm ? " · " + o.firm : ""));
    panel.append(h);
    var ev = o.evaluation;
    if (!ev) { panel.append(el("p", "暂无法评估这次对话的企业信息。")); return panel; }
    // Other regions' measures are not "missed": only the firm's own region counts as 不符合.
    var local = ev.ineligible.filter(function (e) { return !(e.what_if && e.what_if.region_only); });
    panel.append(el("p", "评估日期 " + ev.as_of + "　可享受 " + ev.counts.eligible + " 项，待确认 " +
                          ev.counts.undetermined + " 项，本地区暂不符合 " + local.length + " 项", "hint"));
    panel.append(el(sub, "企业信息"));
    var ul = el("ul", null, "profile");
    Object.keys(o.profileText).forEach(function (k) { ul.append(el("li", o.profileText[k])); });
    if (!ul.children.length) ul.append(el("li", "尚未收集"));
    panel.append(ul);
    if (ev.summary && ev.summary.length) {
      panel.append(el(sub, "概要"));
      ev.summary.forEach(function (line) { panel.append(el("p", line, "summary")); });
    }
    table(panel, "可以享受", ["政策", "可获得", "联系部门", "出处", "时效"], ev.eligible, function (e) {
      return [e.title, e.benefit, names(e.contacts), e.source.document + " " + e.source.section, e.validity.note];
    });
    table(panel, "可能符合，还需确认", ["政策", "还需了解", "满足什么就可以"], ev.undetermined, function (e) {
      return [e.title, e.missing.map(fieldLabel).join("、"), e.what_if ? e.what_if.summary : ""];
    });
    table(panel, "暂不符合", ["政策", "原因", "改变什么就可以"], local, function (e) {
      return [e.title, e.reasons.join("；"), e.what_if ? e.what_if.summary : "—"];
    });
    panel.append(el("p", "本报告根据企业提供的信息和政策原文生成，具体申报条件和流程以相关部门的通知为准。", "disclaimer"));

    var script = el("div", null, "script-box no-print");
    var sid = o.id + "-script";
    var label = el("label", "电话答复话术（先读概要，再逐项说明）"); label.htmlFor = sid;
    var area = el("textarea", ev.script, "script"); area.id = sid; area.readOnly = true;
    area.rows = Math.min(14, ev.script.split("\n").length + 1);
    var copy = button("复制话术", function () { copyText(area.value, area); say("话术已复制"); });
    script.append(label, area, copy);
    panel.append(script);

    var actions = el("div", null, "actions no-print");
    actions.append(button("打印", function () { printReport(o.id); }));
    if (o.conversation) {
      var viaWecom = /^(wecom|wxkf)-/.test(o.conversation);
      actions.append(button(viaWecom ? "发送给企业（企业微信）" : "发送给企业（复制链接）", function () { sendReport(o.conversation, panel); }));
      actions.append(button("按此画像修改评估", function () {
        fillForm(current.profile); evaluate(); $("eval-title").scrollIntoView(); $("fields").querySelector("input, select").focus();
      }));
    } else {
      actions.append(button("生成报告链接", function () { reportLink(panel); }));
    }
    panel.append(actions);
    return panel;
  }

  function printReport(id) {
    document.body.dataset.print = id;
    window.print();
  }
  window.addEventListener("afterprint", function () { delete document.body.dataset.print; });

  function showLink(panel, page, message) {
    var old = panel.querySelector(".link-box"); if (old) old.remove();
    var box = el("div", null, "link-box no-print");
    var url = new URL(page, window.location.href).href;
    var lid = panel.id + "-link";
    var label = el("label", message); label.htmlFor = lid;
    var input = el("input"); input.id = lid; input.readOnly = true; input.value = url;
    var open = el("a", "打开报告"); open.href = url; open.target = "_blank"; open.rel = "noopener";
    box.append(label, input, button("复制链接", function () { copyText(url, input); say("链接已复制"); }), open);
    panel.append(box);
    input.focus(); input.select();
  }

  function sendReport(id, panel) {
    post("conversations/" + encodeURIComponent(id) + "/send", { staff: staff() }).then(function (r) {
      say(r.message);
      showLink(panel, r.report.page, r.message);
      loadQueue();
    }).catch(function (e) { say("发送失败：" + e.message); });
  }

  function reportLink(panel) {
    post("report", currentRequest()).then(function (r) {
      showLink(panel, r.page, "报告链接（可发给企业）");
      say("报告链接已生成");
    }).catch(function (e) { say("生成失败：" + e.message); });
  }

  function copyText(text, field) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).catch(function () { field.select(); document.execCommand("copy"); });
    } else { field.select(); document.execCommand("copy"); }
  }

  function fieldLabel(name) {
    var f = FIELDS.filter(function (x) { return x.name === name; })[0];
    return f ? f.label : name;
  }
  function names(contacts) { return (contacts || []).map(function (c) { return c.name; }).join("、"); }

  function table(box, caption, heads, rows, values) {
    if (!rows.length) return;
    var t = el("table", null, "stack"); t.append(el("caption", caption + "（" + rows.length + "项）"));
    var tr = el("tr"); heads.forEach(function (h) { var th = el("th", h); th.scope = "col"; tr.append(th); });
    var thead = el("thead"); thead.append(tr); t.append(thead);
    var tbody = el("tbody");
    rows.forEach(function (row) { var r = el("tr"); cells(r, heads, values(row)); tbody.append(r); });
    t.append(tbody); box.append(t);
  }

  // ---- staff fill the profile for a caller --------------------------------------------------------
  function buildForm(fields) {
    FIELDS = fields;
    var box = $("fields");
    box.textContent = "";
    fields.forEach(function (f) {
      var wrap = el("div");
      var id = "f-" + f.name;
      if (f.kind === "list") {
        var fs = el("fieldset"); fs.append(el("legend", f.label));
        Object.keys(f.choices).forEach(function (value) {
          var span = el("span", null, "choice");
          var cb = document.createElement("input"); cb.type = "checkbox"; cb.id = id + "-" + value; cb.value = value;
          cb.name = f.name;
          var lab = el("label", f.choices[value]); lab.htmlFor = cb.id;
          span.append(cb, lab); fs.append(span);
        });
        var span = el("span", null, "choice");
        var unknown = document.createElement("input"); unknown.type = "checkbox"; unknown.id = id + "-unknown";
        unknown.name = f.name + "-unknown"; unknown.checked = true;
        var ul = el("label", "未知"); ul.htmlFor = unknown.id;
        span.append(unknown, ul); fs.append(span);
        wrap.append(fs);
      } else {
        var label = el("label", f.label); label.htmlFor = id;
        var input;
        if (f.kind === "bool") {
          input = document.createElement("select");
          [["", "未知"], ["true", "是"], ["false", "否"]].forEach(function (o) {
            var opt = el("option", o[1]); opt.value = o[0]; input.append(opt);
          });
        } else {
          input = document.createElement("input");
          input.type = f.kind === "int" ? "number" : "text";
          if (f.kind === "int") input.min = "0";
        }
        input.id = id; input.name = f.name;
        wrap.append(label, input);
      }
      box.append(wrap);
    });
  }

  function readForm() {
    var profile = {};
    FIELDS.forEach(function (f) {
      if (f.kind === "list") {
        var checked = Array.prototype.filter.call(document.getElementsByName(f.name), function (c) { return c.checked; });
        var unknown = $("f-" + f.name + "-unknown").checked && !checked.length;
        if (!unknown) profile[f.name] = checked.map(function (c) { return c.value; });
      } else {
        var v = $("f-" + f.name).value.trim();
        if (v === "") return;
        profile[f.name] = f.kind === "bool" ? v === "true" : f.kind === "int" ? parseInt(v, 10) : v;
      }
    });
    return profile;
  }

  function fillForm(profile) {
    FIELDS.forEach(function (f) {
      var v = profile[f.name];
      if (f.kind === "list") {
        Array.prototype.forEach.call(document.getElementsByName(f.name), function (c) { c.checked = !!v && v.indexOf(c.value) >= 0; });
        $("f-" + f.name + "-unknown").checked = v === undefined || v === null;
      } else {
        $("f-" + f.name).value = v === undefined || v === null ? "" : String(v);
      }
    });
  }

  function currentRequest() {
    var body = { profile: readForm() };
    if ($("as-of").value) body.as_of = $("as-of").value;
    return body;
  }

  function evaluate() {
    var box = $("eval");
    box.textContent = "评估中…";
    var request = currentRequest();
    post("evaluate", request).then(function (r) {
      box.textContent = "";
      var text = {};
      Object.keys(request.profile).forEach(function (k) { text[k] = fieldLabel(k) + "：" + describe(k, request.profile[k]); });
      box.append(reportPanel({ id: "eval-report", profileText: text, evaluation: r, level: 3 }));
      say("评估完成：可享受 " + r.counts.eligible + " 项");
    }).catch(function (e) { box.textContent = "评估失败：" + e.message; });
  }
  $("eval-form").addEventListener("submit", function (e) { e.preventDefault(); evaluate(); });

  function describe(name, value) {
    var f = FIELDS.filter(function (x) { return x.name === name; })[0];
    if (Array.isArray(value)) return value.length ? value.map(function (v) { return (f.choices || {})[v] || v; }).join("、") : "无";
    if (value === true) return "是";
    if (value === false) return "否";
    return String(value);
  }

  // ---- search ------------------------------------------------------------------------------------
  $("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var box = $("search");
    api("search?q=" + encodeURIComponent($("q").value.trim())).then(function (r) {
      box.textContent = "";
      if (!r.measures.length) { box.append(el("p", "没有找到与“" + r.query + "”相关的政策。")); return; }
      table(box, "“" + r.query + "”相关政策", ["政策", "类别", "概要", "联系部门", "出处"], r.measures, function (m) {
        return [m.title, m.category, m.summary, names(m.contacts), m.document + " " + m.source.section];
      });
    }).catch(function (err) { box.textContent = err.message; });
  });

  if (token() && staff()) start(); else logout("");
})();
