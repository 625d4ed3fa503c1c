/* Hotline console: every call carries the token as a Bearer header; all text goes in via textContent. */
(function () {
  "use strict";
  var API = new URL("api/", document.baseURI).href;
  var TOKEN_KEY = "console-token";
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var n = document.createElement(tag);
    if (text !== undefined && text !== null) n.textContent = String(text);
    if (cls) n.className = cls;
    return n;
  }

  function token() { return window.sessionStorage.getItem(TOKEN_KEY) || ""; }

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

  // ---- login ---------------------------------------------------------------------------
  function logout(message) {
    window.sessionStorage.removeItem(TOKEN_KEY);
    $("app").hidden = true; $("logout").hidden = true; $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("token").focus();
  }

  function start() {
    api("fields").then(function (body) {
      $("login").hidden = true; $("app").hidden = false; $("logout").hidden = false;
      buildForm(body.fields);
      loadQueue();
      window.setInterval(loadQueue, 15000);
    }).catch(function (e) { if (e.message !== "401") $("login-error").textContent = "无法连接：" + e.message; });
  }

  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    window.sessionStorage.setItem(TOKEN_KEY, $("token").value);
    $("token").value = "";
    start();
  });
  $("logout").addEventListener("click", function () { logout(""); });

  // ---- hand-off queue ------------------------------------------------------------------------
  function loadQueue() {
    api("handoffs").then(function (body) {
      var tbody = $("queue").querySelector("tbody");
      tbody.textContent = "";
      body.handoffs.forEach(function (h) {
        var tr = el("tr");
        tr.append(el("td", h.requested_at.replace("T", " ").slice(0, 19)), el("td", h.channel || "—"),
                  el("td", h.conversation_id), el("td", h.last_message || ""));
        var td = el("td"); var b = el("button", "查看"); b.type = "button";
        b.setAttribute("aria-label", "查看对话 " + h.conversation_id);
        b.addEventListener("click", function () { $("conv-id").value = h.conversation_id; openConversation(h.conversation_id); });
        td.append(b); tr.append(td); tbody.append(tr);
      });
      $("queue-empty").hidden = body.handoffs.length > 0;
    }).catch(function () {});
  }

  // ---- conversation ------------------------------------------------------------------------
  function openConversation(id) {
    var box = $("conv");
    box.textContent = "加载中…";
    api("conversations/" + encodeURIComponent(id)).then(function (c) {
      box.textContent = "";
      box.append(el("p", "渠道：" + (c.channel || "—") + (c.handoff_requested ? "　（已申请转人工）" : "")));
      var h = el("h3", "已收集的企业信息"); box.append(h);
      var ul = el("ul");
      Object.keys(c.profile_text).forEach(function (k) { ul.append(el("li", c.profile_text[k])); });
      if (!ul.children.length) ul.append(el("li", "尚未收集"));
      box.append(ul);
      var use = el("button", "用此画像评估"); use.type = "button";
      use.addEventListener("click", function () { fillForm(c.profile); evaluate(); });
      box.append(use);
      box.append(el("h3", "对话记录"));
      var ol = el("ol", null, "transcript");
      c.transcript.forEach(function (m) {
        var li = el("li", (m.who === "firm" ? "企业：" : "助手：") + m.text, m.who === "firm" ? "msg-firm" : "");
        ol.append(li);
      });
      box.append(ol);
    }).catch(function (e) { box.textContent = e.message; });
  }
  $("conv-form").addEventListener("submit", function (e) { e.preventDefault(); openConversation($("conv-id").value.trim()); });

  // ---- evaluation form ------------------------------------------------------------------------
  var FIELDS = [];
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
          var cb = document.createElement("input"); cb.type = "checkbox"; cb.id = id + "-" + value; cb.value = value;
          cb.name = f.name;
          var lab = el("label", f.choices[value]); lab.htmlFor = cb.id;
          fs.append(cb, lab);
        });
        var unknown = document.createElement("input"); unknown.type = "checkbox"; unknown.id = id + "-unknown";
        unknown.name = f.name + "-unknown"; unknown.checked = true;
        var ul = el("label", "未知"); ul.htmlFor = unknown.id;
        fs.append(unknown, ul);
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

  function evaluate() {
    var box = $("eval");
    box.textContent = "评估中…";
    var body = { profile: readForm() };
    if ($("as-of").value) body.as_of = $("as-of").value;
    api("evaluate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { renderEvaluation(box, r); })
      .catch(function (e) { box.textContent = "评估失败：" + e.message; });
  }
  $("eval-form").addEventListener("submit", function (e) { e.preventDefault(); evaluate(); });

  function renderEvaluation(box, r) {
    box.textContent = "";
    box.append(el("p", "可享受 " + r.counts.eligible + " 项，待确认 " + r.counts.undetermined + " 项，不符合 " + r.counts.ineligible + " 项（评估日期 " + r.as_of + "）"));
    var label = el("label", "答复话术（可复制）"); label.htmlFor = "script";
    var script = el("textarea", r.script, "script"); script.id = "script"; script.readOnly = true;
    var copy = el("button", "复制话术"); copy.type = "button";
    copy.addEventListener("click", function () {
      script.select();
      (navigator.clipboard ? navigator.clipboard.writeText(script.value) : Promise.reject()).catch(function () { document.execCommand("copy"); });
      copy.textContent = "已复制";
    });
    box.append(label, script, copy);
    table(box, "可以享受", ["政策", "可获得", "联系部门", "出处", "时效"], r.eligible, function (e) {
      return [e.title, e.benefit, names(e.contacts), e.source.document + " " + e.source.section, e.validity.note];
    });
    table(box, "可能符合，还需确认", ["政策", "还需了解", "满足什么就可以"], r.undetermined, function (e) {
      return [e.title, e.missing.map(fieldLabel).join("、"), e.what_if ? e.what_if.summary : ""];
    });
    var local = r.ineligible.filter(function (e) { return !(e.what_if && e.what_if.region_only); });
    table(box, "暂不符合", ["政策", "原因", "改变什么就可以"], local, function (e) {
      return [e.title, e.reasons.join("；"), e.what_if ? e.what_if.summary : "—"];
    });
  }

  function fieldLabel(name) {
    var f = FIELDS.filter(function (x) { return x.name === name; })[0];
    return f ? f.label : name;
  }

  function names(contacts) { return (contacts || []).map(function (c) { return c.name; }).join("、"); }

  function table(box, caption, heads, rows, cells) {
    if (!rows.length) return;
    var t = el("table"); t.append(el("caption", caption + "（" + rows.length + "项）"));
    var tr = el("tr"); heads.forEach(function (h) { var th = el("th", h); th.scope = "col"; tr.append(th); });
    var thead = el("thead"); thead.append(tr); t.append(thead);
    var tbody = el("tbody");
    rows.forEach(function (row) { var r = el("tr"); cells(row).forEach(function (c) { r.append(el("td", c)); }); tbody.append(r); });
    t.append(tbody); box.append(t);
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

  if (token()) start(); else $("token").focus();
})();
