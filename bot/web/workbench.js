/* Policy officer's workbench (政策录入工作台): from a policy text to published measures, sentence by sentence.
   Every call carries the officer's token as a Bearer header; all text goes in via textContent (no innerHTML). */
(function () {
  "use strict";
  var API = new URL("api/", document.baseURI).href;
  var TOKEN_KEY = "workbench-token", NAME_KEY = "workbench-officer", DRAFT_KEY = "workbench-draft";
  var KINDS = { apply: "企业申请/办理", service: "按需提供的服务", direction: "鼓励方向" };
  var STATES = { open: "待定", accepted: "已接受", not_encoded: "不编码" };
  var STATUS = { eligible: "符合", undetermined: "需补充", ineligible: "不符合" };
  var GROUPS = [["0", "必须满足"], ["1", "「满足其一」第1组"], ["2", "「满足其一」第2组"], ["3", "「满足其一」第3组"]];
  var DOC_FIELDS = [
    { key: "title", label: "文件标题", wide: true },
    { key: "issuer", label: "发文单位" },
    { key: "number", label: "文号" },
    { key: "jurisdiction", label: "适用地区（如 合肥市）" },
    { key: "issued_on", label: "发文日期", type: "date" },
    { key: "valid_from", label: "施行日期（有效期起）", type: "date" },
    { key: "valid_to", label: "有效期至", type: "date" },
    { key: "id", label: "文件编号（如 hefei-2025）", hint: "小写字母、数字和连字符" },
    { key: "id_prefix", label: "措施编号前缀（如 hf）", hint: "小写字母；本文件每项措施的编号以它开头" },
    { key: "number_note", label: "文号说明（原文无文号时填写）" },
    { key: "validity_note", label: "有效期说明（原文未规定截止日期时填写）" },
    { key: "addressed_to", label: "主送单位", wide: true }
  ];
  var MEASURE_KEYS = { id: "措施编号", title: "标题", summary: "概要", benefit: "可获得", category: "类别", kind: "类型",
    contacts: "联系部门", criteria: "适用条件", conditions_to_confirm: "需向部门确认的条件", source: "出处" };
  var $ = function (id) { return document.getElementById(id); };

  var CHOICES = null, FIELD = {};
  var DOC = null;            // the document on screen (the server's view)
  var editors = {};          // sentence index → its open edit form (kept across re-renders)
  var reasonForms = {};      // sentence index → its open 「不编码」 form
  var fileName = "";
  var lastTry = null;        // {profile, results} of the last 试算
  var uid = 0;

  // ---- small helpers ---------------------------------------------------------------------------
  function el(tag, text, cls) {
    var n = document.createElement(tag);
    if (text !== undefined && text !== null) n.textContent = String(text);
    if (cls) n.className = cls;
    return n;
  }
  function button(text, onClick, cls, srText) {
    var b = el("button", text, cls); b.type = "button"; b.addEventListener("click", onClick);
    if (srText) b.append(el("span", srText, "sr"));
    return b;
  }
  function labelled(text, control, id) {
    var wrap = el("div");
    control.id = id || ("w" + (++uid));
    var label = el("label", text); label.htmlFor = control.id;
    wrap.append(label, control);
    return wrap;
  }
  function select(options, value) {
    var s = el("select");
    options.forEach(function (o) { var opt = el("option", o[1]); opt.value = o[0]; s.append(opt); });
    if (value !== undefined && value !== null) s.value = String(value);
    return s;
  }
  function input(value, type) {
    var i = el("input"); i.type = type || "text";
    if (value !== undefined && value !== null) i.value = String(value);
    return i;
  }
  function textarea(value, rows) {
    var t = el("textarea"); t.rows = rows || 3;
    if (value !== undefined && value !== null) t.value = String(value);
    return t;
  }
  function lines(text) { return text.split("\n").map(function (l) { return l.trim(); }).filter(Boolean); }
  function token() { return window.sessionStorage.getItem(TOKEN_KEY) || ""; }
  function officer() { return window.sessionStorage.getItem(NAME_KEY) || ""; }
  var sayTimer = null;
  /* The status line (role=status): re-set so a repeated message is announced again; it fades after a while. */
  function say(text) {
    window.clearTimeout(sayTimer);
    $("status").textContent = "";
    sayTimer = window.setTimeout(function () {
      $("status").textContent = text;
      sayTimer = window.setTimeout(function () { $("status").textContent = ""; }, 15000);
    }, 30);
  }
  function when(iso) {
    if (!iso) return "—";
    var d = new Date(iso);
    if (isNaN(d)) return iso;
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
  }
  function contactName(c) { return typeof c === "string" ? c : (c && c.name) || ""; }
  function stateOf(s) { return s.decision === "accepted" ? "accepted" : s.decision === "not_encoded" ? "not_encoded" : "open"; }
  function docPath(rest) { return "drafts/" + encodeURIComponent(DOC.id) + (rest || ""); }
  function busy(btn, on) { if (btn) btn.disabled = !!on; }

  /* The server's problems (a list of strings) as an alert box; a field's Chinese name added where it is named. */
  function showProblems(box, problems, lead) {
    box.textContent = "";
    if (!problems || !problems.length) return;
    box.append(el("p", lead || "未保存，请修改以下问题："));
    var ul = el("ul");
    problems.forEach(function (p) {
      var text = String(p), key = (text.match(/: (\w+)(?:[.[]\S*)?: /) || [])[1];
      ul.append(el("li", text + (key && MEASURE_KEYS[key] ? "（" + MEASURE_KEYS[key] + "）" : "")));
    });
    box.append(ul);
  }

  // ---- the API: Bearer token on every call; 422 carries `problems` --------------------------------------
  function api(path, options) {
    options = options || {};
    options.headers = Object.assign({ "Authorization": "Bearer " + token() }, options.headers || {});
    return fetch(API + path, options).catch(function () {
      throw new Error("无法连接服务器，请检查网络后重试");
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.status === 401) { logout("令牌无效或已更换，请重新登录。"); throw new Error("401"); }
        if (r.status === 503) throw new Error("工作台未启用：服务器未设置 OFFICER_TOKEN，请联系技术人员");
        if (!r.ok) {
          var e = new Error(body.error || ("服务器返回错误（HTTP " + r.status + "）"));
          e.problems = body.problems || null; e.status = r.status; e.body = body;
          throw e;
        }
        return body;
      });
    });
  }
  function post(path, body) {
    return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}) });
  }
  function failed(e) { return e.message === "401"; }

  // ---- 登录 ---------------------------------------------------------------------------------------
  function logout(message) {
    window.sessionStorage.removeItem(TOKEN_KEY);
    $("app").hidden = true; $("logout").hidden = true; $("whoami").hidden = true; $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("officer").value = officer();
    (officer() ? $("token") : $("officer")).focus();
  }

  function start() {
    api("choices").then(function (body) {
      CHOICES = body; FIELD = {};
      body.fields.forEach(function (f) { FIELD[f.name] = f; });
      $("login").hidden = true; $("app").hidden = false; $("logout").hidden = false;
      $("whoami").hidden = false; $("whoami").textContent = "政策录入：" + officer();
      buildTryForm();
      loadDrafts();
      var again = window.sessionStorage.getItem(DRAFT_KEY);
      if (again) openDraft(again, false); else $("file").focus();
    }).catch(function (e) { if (!failed(e)) $("login-error").textContent = "无法登录：" + e.message; });
  }

  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    window.sessionStorage.setItem(NAME_KEY, $("officer").value.trim());
    window.sessionStorage.setItem(TOKEN_KEY, $("token").value);
    $("token").value = "";
    start();
  });
  $("logout").addEventListener("click", function () { window.sessionStorage.removeItem(DRAFT_KEY); logout("已退出。"); });

  // ---- 文稿: the list, and a new draft from a text -----------------------------------------------------
  function loadDrafts() {
    return api("drafts").then(function (body) {
      var ul = $("drafts");
      ul.textContent = "";
      body.drafts.forEach(function (d) {
        var li = el("li", null, DOC && DOC.id === d.id ? "current" : "");
        li.dataset.draft = d.id;
        var info = el("div");
        info.append(el("div", d.title || "（未识别出标题）"));
        info.append(el("div", "创建于 " + when(d.created) + (d.published ? " · 已发布（" + when(d.published.at) + "）" : " · 未发布"), "when"));
        li.append(info, button("打开", function () { openDraft(d.id, true); }, "secondary small", "文稿：" + (d.title || d.id)));
        ul.append(li);
      });
      $("drafts-empty").hidden = body.drafts.length > 0;
    }).catch(function (e) { if (!failed(e)) say("文稿列表加载失败：" + e.message); });
  }

  function openDraft(id, focus) {
    say("正在打开文稿…");
    return api("drafts/" + encodeURIComponent(id)).then(function (view) {
      show(view, true);
      say("已打开《" + (view.document.title || "未命名文稿") + "》。");
      if (focus) $("doc-heading").focus();
    }).catch(function (e) {
      if (failed(e)) return;
      window.sessionStorage.removeItem(DRAFT_KEY);
      say("无法打开文稿：" + e.message);
    });
  }

  function garbled(text) {
    if (/[\uFFFD\u0000]/.test(text)) return true;
    var cjk = (text.match(/[\u4e00-\u9fff]/g) || []).length;
    return text.trim().length > 20 && cjk === 0;
  }
  function readAs(file, encoding) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(String(reader.result || "").replace(/^\uFEFF/, "")); };
      reader.onerror = function () { reject(new Error("无法读取文件")); };
      reader.readAsText(file, encoding);
    });
  }

  $("file").addEventListener("change", function () {
    var file = this.files && this.files[0];
    $("new-error").textContent = "";
    if (!file) return;
    fileName = file.name;
    $("file-note").textContent = "正在读取 " + file.name + "…";
    readAs(file, "UTF-8").then(function (text) {
      if (!garbled(text)) return { text: text, note: "已读取 " + file.name + "（" + text.length + " 字）。请核对下方原文，然后点“起草”。" };
      // Many government .txt files are GBK: try it before giving up.
      return readAs(file, "GB18030").then(function (gbk) {
        if (garbled(gbk)) return { text: "", error: "文件内容看起来是乱码（可能不是纯文本文件，或编码无法识别）。请打开原文件，全选复制，粘贴到下方“或粘贴原文”的文本框中。" };
        return { text: gbk, note: "文件不是 UTF-8 编码，已按国标（GBK）编码读取（" + gbk.length + " 字）。请核对下方原文是否正常；如有乱码，请直接复制原文粘贴。" };
      });
    }).then(function (r) {
      $("text").value = r.text;
      $("file-note").textContent = r.note || "";
      $("new-error").textContent = r.error || "";
      if (r.error) $("text").focus();
    }).catch(function (e) { $("file-note").textContent = ""; $("new-error").textContent = e.message + "：请直接复制原文粘贴。"; });
  });

  $("new-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("text").value, btn = $("draft-button");
    $("new-error").textContent = "";
    if (!text.trim()) { $("new-error").textContent = "请先上传文件或粘贴原文。"; $("text").focus(); return; }
    busy(btn, true);
    $("draft-progress").textContent = "正在起草…（系统逐句分析原文，通常需要几秒钟，请稍候）";
    post("drafts", { text: text, name: fileName || "粘贴的原文" }).then(function (view) {
      $("draft-progress").textContent = "";
      $("text").value = ""; $("file").value = ""; $("file-note").textContent = ""; fileName = "";
      show(view, true);
      var actionable = view.sentences.filter(function (s) { return s.actionable; }).length;
      say("起草完成：共 " + view.sentences.length + " 句，其中 " + actionable + " 句起草了措施。请先核对文件信息。");
      loadDrafts();
      $("doc-heading").focus();
    }).catch(function (err) {
      $("draft-progress").textContent = "";
      if (!failed(err)) $("new-error").textContent = "起草失败：" + err.message;
    }).then(function () { busy(btn, false); });
  });

  // ---- the document on screen ---------------------------------------------------------------------------
  function show(view, fresh) {
    if (fresh || !DOC || DOC.id !== view.id) {
      editors = {}; reasonForms = {}; lastTry = null;
      ["try-out", "check-out", "preview-out", "publish-out", "bulk-problems", "doc-problems"].forEach(function (id) { $(id).textContent = ""; });
      $("bulk-progress").textContent = ""; $("case-form").hidden = true; $("case-note").textContent = "";
      DOC = view;
      renderDocForm();
      Array.prototype.forEach.call($("drafts").children, function (li) { li.className = li.dataset.draft === view.id ? "current" : ""; });
    }
    DOC = view;
    window.sessionStorage.setItem(DRAFT_KEY, view.id);
    $("work").hidden = false;
    renderHeading();
    renderSentences();
    renderProgress();
  }

  function renderHeading() {
    var d = DOC.document, h = $("doc-heading");
    h.textContent = "当前文稿：《" + (d.title || "未命名文稿") + "》" + (d.number ? " " + d.number : "") +
      (DOC.published ? "　已于 " + when(DOC.published.at) + " 发布" : "　未发布");
  }

  // ---- 文件信息 --------------------------------------------------------------------------------------
  function guessesByField() {
    var out = {};
    (DOC.guesses || []).forEach(function (g) {
      var m = String(g).match(/^(\w+):\s*(.*)$/);
      if (m) out[m[1]] = (out[m[1]] ? out[m[1]] + "；" : "") + m[2];
      else out._ = (out._ ? out._ + "；" : "") + g;
    });
    return out;
  }

  function renderDocForm() {
    var box = $("doc-fields"), guessed = guessesByField();
    box.textContent = "";
    DOC_FIELDS.forEach(function (f) {
      var control = input(DOC.document[f.key], f.type);
      if (f.key === "id" || f.key === "id_prefix") { control.autocapitalize = "off"; control.spellcheck = false; }
      var wrap = labelled(f.label, control, "doc-" + f.key);
      if (f.wide) wrap.className = "wide";
      var notes = [];
      if (f.hint) notes.push(el("span", f.hint, "hint field-hint"));
      if (guessed[f.key]) notes.push(el("span", "「推定」" + guessed[f.key], "field-note"));
      if (notes.length) {
        var ids = notes.map(function (n, i) { n.id = control.id + "-note" + i; return n.id; });
        control.setAttribute("aria-describedby", ids.join(" "));
        notes.forEach(function (n) { wrap.append(n); });
      }
      box.append(wrap);
    });
    var ul = $("guesses");
    ul.textContent = "";
    Object.keys(guessed).forEach(function (key) {
      var f = DOC_FIELDS.filter(function (x) { return x.key === key; })[0];
      var li = el("li");
      li.append(el("span", "「推定」", "guess-tag"), document.createTextNode((f ? f.label.replace(/（.*$/, "") + "：" : "") + guessed[key]));
      ul.append(li);
    });
  }

  $("doc-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var fields = {}, btn = this.querySelector("button[type=submit]");
    DOC_FIELDS.forEach(function (f) { fields[f.key] = $("doc-" + f.key).value.trim(); });
    $("doc-problems").textContent = "";
    busy(btn, true);
    post(docPath("/document"), { fields: fields }).then(function (view) {
      show(view);
      renderDocForm();
      say("文件信息已保存。" + (view.document.id && view.document.id_prefix ? "" : "发布前还须填写文件编号和措施编号前缀。"));
    }).catch(function (err) {
      if (failed(err)) return;
      if (err.problems) showProblems($("doc-problems"), err.problems);
      else showProblems($("doc-problems"), [err.message], "未保存：");
    }).then(function () { busy(btn, false); });
  });

  // ---- 逐句审核 ------------------------------------------------------------------------------------
  function renderSentences() {
    var ol = $("sentences");
    var focused = document.activeElement && ol.contains(document.activeElement) ? document.activeElement : null;
    var keep = focused && focused.closest(".edit-form, .reason-form") ? focused : null;
    ol.textContent = "";
    DOC.sentences.forEach(function (s) { ol.append(sentenceItem(s)); });
    if (keep && document.body.contains(keep)) keep.focus();
    applyFilter();
    var c = { open: 0, accepted: 0, not_encoded: 0 }, openActionable = 0;
    DOC.sentences.forEach(function (s) { c[stateOf(s)]++; if (s.actionable && !s.decision) openActionable++; });
    $("review-counts").textContent = "共 " + DOC.sentences.length + " 句：待定 " + c.open + " 句（其中起草了措施的 " + openActionable +
      " 句），已接受 " + c.accepted + " 句，不编码 " + c.not_encoded + " 句。";
  }

  function applyFilter() {
    var f = (document.querySelector("input[name=filter]:checked") || {}).value || "all";
    Array.prototype.forEach.call($("sentences").children, function (li) {
      var st = li.dataset.state;
      li.hidden = !(f === "all" || (f === "open" && st === "open") || (f === "done" && st !== "open") ||
                    (f === "actionable" && li.dataset.actionable === "1"));
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[name=filter]"), function (r) { r.addEventListener("change", applyFilter); });

  function sentenceItem(s) {
    var st = stateOf(s), n = s.index + 1;
    var full = s.actionable || st === "accepted";
    var li = el("li", null, "sentence state-" + st + (full ? "" : " compact"));
    li.id = "s-" + s.index; li.tabIndex = -1;
    li.dataset.index = s.index; li.dataset.state = st; li.dataset.actionable = s.actionable ? "1" : "0";
    var head = el("div", null, "s-head");
    head.append(el("span", n + ".", "s-no"), el("span", s.ref, "s-ref"),
                el("span", STATES[st] + (st === "accepted" ? "：" + s.measure.id : ""), "badge badge-" + st));
    li.append(head);
    var where = "第 " + n + " 句";

    if (!full) {
      var line = el("div", null, "s-line");
      line.append(el("p", s.text, "s-text"));
      line.append(el("span", st === "not_encoded" ? "不编码原因：" + s.reason : "起草理由：" + (s.why.join("；") || "—"), "s-reason"));
      var small = el("span", null, "s-actions");
      if (st === "open") {
        small.append(button("不编码", function () { openReason(s); }, "secondary small", where));
        small.append(button("编为措施", function () { openEditor(s); }, "secondary small", where));
      } else {
        small.append(button("撤销", function () { act(s, { decision: "undo" }, "已撤销" + where + "的处理。"); }, "secondary small", where));
      }
      line.append(small);
      li.append(line);
    } else {
      var body = el("div", null, "s-body");
      var left = el("div");
      left.append(el("p", s.text, "s-text"));
      if (st === "not_encoded") left.append(el("p", "不编码原因：" + s.reason, "s-reason"));
      else if (s.why.length) left.append(el("p", "起草依据：" + s.why.join("；"), "s-reason"));
      body.append(left);
      if (s.proposed) body.append(draftCard(s, st)); else body.className = "s-body single";
      li.append(body);
      var actions = el("div", null, "s-actions");
      if (st === "open") {
        actions.append(button("接受", function () { act(s, { decision: "accept" }, "已接受" + where + "的草稿。"); }, "", where));
        actions.append(button("修改", function () { openEditor(s); }, "secondary", where));
        actions.append(button("不编码", function () { openReason(s); }, "secondary", where));
      } else {
        actions.append(button("修改", function () { openEditor(s); }, "secondary", where));
        actions.append(button("撤销", function () { act(s, { decision: "undo" }, "已撤销" + where + "的处理。"); }, "secondary", where));
      }
      li.append(actions);
    }
    if (reasonForms[s.index]) li.append(reasonForms[s.index]);
    if (editors[s.index]) li.append(editors[s.index]);
    return li;
  }

  function draftCard(s, st) {
    var m = s.proposed;
    var card = el("div", null, "draft");
    card.append(el("p", st === "accepted" ? "已接受的措施" : "系统起草的措施（待审核）", "hint"));
    card.append(el("h4", m.title));
    var dl = el("dl");
    var row = function (k, v) { if (v === null || v === undefined || v === "") return; dl.append(el("dt", k)); var dd = el("dd"); if (v.nodeType) dd.append(v); else dd.textContent = v; dl.append(dd); };
    row("措施编号", m.id);
    row("类型", KINDS[m.kind] || m.kind);
    row("类别", (CHOICES.categories || {})[m.category] || m.category);
    row("联系部门", (m.contacts || []).map(contactName).join("、") || "（未写）");
    var words = el("ul", null, "criteria-words");
    (s.criteria_words || []).forEach(function (w) { words.append(el("li", w)); });
    row("适用条件", words);
    if ((m.conditions_to_confirm || []).length) {
      var conf = el("ul");
      m.conditions_to_confirm.forEach(function (c) { conf.append(el("li", c)); });
      row("需向部门确认的条件", conf);
    }
    if (m.benefit && m.benefit !== s.text) row("可获得", m.benefit);
    card.append(dl);
    return card;
  }

  /* A decision on one sentence: the page redrawn from the server's answer, focus back on that sentence. */
  function act(s, body, done) {
    return post(docPath("/sentences/" + s.index), body).then(function (view) {
      delete reasonForms[s.index];
      delete editors[s.index];  // saved, accepted or undone: the form's starting point is gone
      show(view);
      var li = $("s-" + s.index);
      if (li) li.focus();
      say(done);
      return view;
    });
  }

  function openReason(s) {
    if (reasonForms[s.index]) { reasonForms[s.index].querySelector("input").focus(); return; }
    var form = el("form", null, "reason-form");
    form.noValidate = true;
    var reason = input(s.why.join("；") || "无企业可办理事项");
    reason.maxLength = 300;
    var wrap = labelled("第 " + (s.index + 1) + " 句不编码的原因（例如：发展目标、部门内部工作、标题）", reason);
    var err = el("p", null, "error"); err.setAttribute("role", "alert");
    var actions = el("div", null, "actions");
    var ok = el("button", "确认不编码"); ok.type = "submit";
    actions.append(ok, button("取消", function () { delete reasonForms[s.index]; form.remove(); $("s-" + s.index).focus(); }, "secondary"));
    form.append(wrap, actions, err);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      busy(ok, true);
      act(s, { decision: "not_encoded", reason: reason.value.trim() }, "第 " + (s.index + 1) + " 句已标为不编码。").catch(function (x) {
        if (!failed(x)) err.textContent = (x.problems || [x.message]).join("；");
      }).then(function () { busy(ok, false); });
    });
    reasonForms[s.index] = form;
    $("s-" + s.index).append(form);
    reason.focus(); reason.select();
  }

  // ---- 修改: the edit form and its criteria builder ------------------------------------------------------
  function blankMeasure(s) {
    var prefix = DOC.document.id_prefix || "xx", no = String(s.index);
    while (no.length < 3) no = "0" + no;
    return { id: prefix + "-s" + no, title: s.text.slice(0, 20), kind: "direction", category: "enterprise_development",
             summary: s.text, benefit: s.text,
             criteria: { field: "service_types", op: "nonempty", text: "从事服务外包业务（ITO、BPO或KPO）" },
             contacts: [], conditions_to_confirm: [], source: { section: s.ref, excerpt: s.text } };
  }

  function openEditor(s) {
    if (editors[s.index]) { editors[s.index].querySelector("input").focus(); return; }
    var base = JSON.parse(JSON.stringify(s.proposed || blankMeasure(s)));
    var p = "e" + s.index + "-";
    var form = el("form", null, "edit-form");
    form.noValidate = true;
    form.setAttribute("aria-labelledby", p + "title");
    var h = el("h4", "修改第 " + (s.index + 1) + " 句的措施"); h.id = p + "title";
    form.append(h);
    var grid = el("div", null, "edit-grid");
    var f = {
      id: input(base.id), title: input(base.title),
      kind: select(Object.keys(CHOICES.kinds).map(function (k) { return [k, KINDS[k] || k]; }), base.kind),
      category: select(Object.keys(CHOICES.categories).map(function (k) { return [k, CHOICES.categories[k]]; }), base.category),
      section: input((base.source || {}).section),
      summary: textarea(base.summary, 2), benefit: textarea(base.benefit, 2),
      contacts: textarea((base.contacts || []).map(contactName).join("\n"), 2),
      confirm: textarea((base.conditions_to_confirm || []).join("\n"), 2)
    };
    f.id.spellcheck = false;
    [[f.id, "措施编号", "id", "c2"], [f.title, "标题", "name", "c3"], [f.kind, "类型", "kind", "c2"],
     [f.category, "类别", "category", "c2"], [f.section, "出处（章节）", "section", "c3"],
     [f.summary, "概要", "summary", "c6"], [f.benefit, "可获得（给企业的支持）", "benefit", "c6"],
     [f.contacts, "联系部门（每行一个）", "contacts", "c6"], [f.confirm, "需向部门确认的条件（每行一个，可不填）", "confirm", "c6"]].forEach(function (x) {
      var w = labelled(x[1], x[0], p + x[2]); w.className = x[3]; grid.append(w);
    });
    form.append(grid);
    var builder = criteriaBuilder(base.criteria, s.criteria_words, p);
    form.append(builder.node);
    var problems = el("div", null, "problems"); problems.setAttribute("role", "alert");
    var actions = el("div", null, "actions");
    var save = el("button", "保存修改"); save.type = "submit";
    actions.append(save, button("取消", function () { delete editors[s.index]; form.remove(); $("s-" + s.index).focus(); }, "secondary"));
    form.append(problems, actions);

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      problems.textContent = "";
      var criteria = builder.tree();
      if (criteria === null) { showProblems(problems, ["请至少添加一项适用条件"]); return; }
      var originals = base.contacts || [];
      var contacts = lines(f.contacts.value).map(function (line) {
        return originals.filter(function (c) { return contactName(c) === line; })[0] || line;
      });
      var measure = Object.assign({}, base, {
        id: f.id.value.trim(), title: f.title.value.trim(), kind: f.kind.value, category: f.category.value,
        summary: f.summary.value.trim(), benefit: f.benefit.value.trim(), contacts: contacts,
        conditions_to_confirm: lines(f.confirm.value), criteria: criteria,
        source: Object.assign({}, base.source || {}, { section: f.section.value.trim() })
      });
      busy(save, true);
      act(s, { decision: "edit", measure: measure }, "第 " + (s.index + 1) + " 句已按修改保存为措施 " + measure.id + "。").catch(function (x) {
        if (failed(x)) return;
        showProblems(problems, x.problems || [x.message]);
        problems.scrollIntoView({ block: "nearest" });
        say("修改未保存：请看表单下方列出的问题。");
      }).then(function () { busy(save, false); });
    });

    editors[s.index] = form;
    $("s-" + s.index).append(form);
    f.id.focus();
  }

  /* Rows of conditions: a profile fact, its operator and value, the condition in words, and its grouping.
     A tree the rows cannot express (nested deeper, 「不属于」, an unknown fact) is shown read-only in words. */
  function criteriaBuilder(tree, words, p) {
    var node = el("fieldset", null, "criteria");
    node.append(el("legend", "适用条件"));
    node.append(el("p", "企业须满足下列每一行；标为同一「满足其一」组的几行，满足其中一行即可。本文件的适用地区由系统自动加上，不用填写。", "hint"));
    var rowsBox = el("div");
    var rows = [];
    var parsed = rowsFrom(tree);
    var readOnly = parsed === null;

    if (readOnly) {
      var ro = el("div", null, "readonly-criteria");
      ro.append(el("p", "这项措施的条件较复杂（多层嵌套或含「不属于」），这里只能以文字显示；保存时原样保留。如需改动，请点“重新设置条件”后逐行填写，或请技术人员修改。"));
      var ul = el("ul", null, "criteria-words");
      (words || []).forEach(function (w) { ul.append(el("li", w)); });
      ro.append(ul);
      ro.append(button("重新设置条件", function () { readOnly = false; ro.replaceWith(rowsBox, add); addRow(null); }, "secondary"));
      node.append(ro);
    }
    var add = button("添加条件", function () { addRow(null); }, "secondary");
    if (!readOnly) { node.append(rowsBox, add); parsed.forEach(addRow); if (!parsed.length) addRow(null); }
    if ((CHOICES.new_fact_steps || []).length) {
      // A condition no profile fact expresses: write it under 需向部门确认的条件, or have a fact added (data only).
      var more = el("details", null, "new-fact");
      more.append(el("summary", "需要的企业情况不在列表里？"));
      more.append(el("p", "可先写在上面的“需向部门确认的条件”中，企业会在结果里看到。若要让助手直接判断，请维护人员按以下步骤增加一项企业情况（只改数据文件）：", "hint"));
      var steps = el("ol");
      CHOICES.new_fact_steps.forEach(function (step) { steps.append(el("li", step)); });
      more.append(steps);
      node.append(more);
    }

    function addRow(leaf) {
      var k = ++uid, id = p + "c" + k + "-";
      var row = { el: el("div", null, "crit-row"), lastAuto: "" };
      var fieldSel = select(CHOICES.fields.map(function (x) { return [x.name, x.label]; }), leaf ? leaf.field : "service_types");
      var valueBox = el("div", null, "crit-value");
      var extraBox = el("div", null, "crit-extra");  // has_any's checkboxes: a line of their own
      var text = input(leaf ? leaf.text : ""); text.maxLength = 120;
      var group = select(GROUPS, leaf ? leaf.group : "0");
      var controls = {};

      function fact() { return FIELD[fieldSel.value]; }
      function drawValue(l) {
        valueBox.textContent = ""; extraBox.textContent = ""; controls = {};
        var fa = fact();
        if (fa.kind === "bool") {
          controls.bool = select([["true", "是"], ["false", "否"]], l && l.value === false ? "false" : "true");
          valueBox.append(labelled("取值", controls.bool, id + "bool"));
        } else if (fa.kind === "int") {
          controls.op = select([["gte", "不少于"], ["lte", "不超过"]], l ? l.op : "gte");
          controls.num = input(l && l.value !== undefined ? l.value : "", "number");
          controls.num.min = "0";
          valueBox.append(labelled("比较", controls.op, id + "op"), labelled("数值", controls.num, id + "num"));
        } else {
          controls.op = select([["has", "包括"], ["has_any", "包括其中任一"], ["nonempty", "有任一即可"]], l ? l.op : "has");
          valueBox.append(labelled("要求", controls.op, id + "op"));
          var choiceBox = el("div");
          valueBox.append(choiceBox);
          var drawChoice = function (cl) {
            choiceBox.textContent = ""; extraBox.textContent = ""; delete controls.choice; delete controls.many;
            var opts = Object.keys(fa.choices).map(function (c) { return [c, fa.choices[c]]; });
            if (controls.op.value === "has") {
              controls.choice = select(opts, cl && typeof cl.value === "string" ? cl.value : opts[0][0]);
              choiceBox.append(labelled("选项", controls.choice, id + "choice"));
              controls.choice.addEventListener("change", refreshText);
            } else if (controls.op.value === "has_any") {
              var fs = el("fieldset"); fs.append(el("legend", "选项（可多选）"));
              controls.many = [];
              var chosen = cl && Array.isArray(cl.value) ? cl.value : [];
              opts.forEach(function (o) {
                var span = el("span", null, "choice");
                var cb = input(null, "checkbox"); cb.id = id + "m-" + o[0]; cb.value = o[0]; cb.checked = chosen.indexOf(o[0]) >= 0;
                var lab = el("label", o[1]); lab.htmlFor = cb.id;
                cb.addEventListener("change", refreshText);
                span.append(cb, lab); fs.append(span); controls.many.push(cb);
              });
              extraBox.append(fs);
            }
          };
          drawChoice(l);
          controls.op.addEventListener("change", function () { drawChoice(null); refreshText(); });
        }
        Object.keys(controls).forEach(function (key) {
          if (controls[key] && controls[key].addEventListener) controls[key].addEventListener("change", refreshText);
        });
        if (controls.num) controls.num.addEventListener("input", refreshText);
      }
      function leafNow() {
        var fa = fact(), out = { field: fa.name };
        if (fa.kind === "bool") { out.op = "eq"; out.value = controls.bool.value === "true"; }
        else if (fa.kind === "int") {
          out.op = controls.op.value;
          var v = controls.num.value.trim();
          out.value = /^-?\d+$/.test(v) ? parseInt(v, 10) : (v === "" ? null : v);
        } else {
          out.op = controls.op.value;
          if (out.op === "has") out.value = controls.choice.value;
          if (out.op === "has_any") out.value = controls.many.filter(function (c) { return c.checked; }).map(function (c) { return c.value; });
        }
        out.text = text.value.trim();
        return out;
      }
      function autoText() {
        var fa = fact(), l = leafNow();
        if (fa.kind === "bool") return l.value ? (fa.yes || fa.label) : (fa.no || "不满足：" + fa.label);
        if (fa.kind === "int") return fa.label + (l.op === "gte" ? "不少于" : "不超过") + (l.value === null ? "…" : l.value);
        if (l.op === "nonempty") return fa.label + "有任一即可";
        var names = (l.op === "has" ? [l.value] : l.value).map(function (c) { return fa.choices[c] || c; });
        return fa.label + "包括" + (names.join("或") || "…");
      }
      function refreshText() {
        var now = autoText();
        if (!text.value.trim() || text.value === row.lastAuto) text.value = now;
        row.lastAuto = now;
      }
      row.leaf = leafNow;
      row.group = function () { return group.value; };
      fieldSel.addEventListener("change", function () { drawValue(null); refreshText(); });
      group.addEventListener("change", function () { row.el.classList.toggle("grouped", group.value !== "0"); });

      drawValue(leaf);
      row.lastAuto = autoText();
      if (!leaf) text.value = row.lastAuto;
      row.el.classList.toggle("grouped", group.value !== "0");
      var remove = button("删除", function () {
        rows.splice(rows.indexOf(row), 1); row.el.remove();
        (rows.length ? rows[rows.length - 1].el.querySelector("select") : add).focus();
      }, "secondary small", "这一项条件");
      row.el.append(labelled("企业情况", fieldSel, id + "field"), valueBox, labelled("条件说明", text, id + "text"),
                    labelled("组合", group, id + "group"), remove, extraBox);
      rows.push(row);
      rowsBox.append(row.el);
      if (!leaf && rows.length > 1) fieldSel.focus();
    }

    return {
      node: node,
      tree: function () {
        if (readOnly) return tree;
        if (!rows.length) return null;
        var parts = [], groups = {};
        rows.forEach(function (r) {
          var g = r.group(), leaf = r.leaf();
          if (g === "0") { parts.push(leaf); return; }
          if (!groups[g]) { groups[g] = []; parts.push(groups[g]); }  // the group sits where its first row is
          groups[g].push(leaf);
        });
        parts = parts.map(function (x) { return Array.isArray(x) ? (x.length === 1 ? x[0] : { any: x }) : x; });
        return parts.length === 1 ? parts[0] : { all: parts };
      }
    };
  }

  /* Rows from a criteria tree — a leaf, {all: [leaves and {any: [leaves]}]} or {any: [leaves]} — else null. */
  function rowsFrom(tree) {
    function leafRow(n, group) {
      if (!n || typeof n !== "object" || n.all || n.any || n.not || !n.field) return null;
      var fa = FIELD[n.field];
      if (!fa || fa.ops.indexOf(n.op) < 0) return null;
      return { field: n.field, op: n.op, value: n.value, text: n.text || "", group: String(group) };
    }
    if (!tree || typeof tree !== "object") return [];
    var rows = [], g = 0, i, j, r;
    if (tree.any) {
      for (i = 0; i < tree.any.length; i++) { if (!(r = leafRow(tree.any[i], 1))) return null; rows.push(r); }
      return rows;
    }
    var top = tree.all || [tree];
    for (i = 0; i < top.length; i++) {
      var c = top[i];
      if (c && c.any) {
        if (++g > 3) return null;
        for (j = 0; j < c.any.length; j++) { if (!(r = leafRow(c.any[j], g))) return null; rows.push(r); }
      } else {
        if (!(r = leafRow(c, 0))) return null;
        rows.push(r);
      }
    }
    return rows;
  }

  // ---- bulk decisions ---------------------------------------------------------------------------------
  function bulkButtons(on) { busy($("accept-all"), on); busy($("reasons-all"), on); }

  $("accept-all").addEventListener("click", function () {
    var todo = DOC.sentences.filter(function (s) { return s.actionable && !s.decision; }).map(function (s) { return s.index; });
    $("bulk-problems").textContent = "";
    if (!todo.length) { $("bulk-progress").textContent = "没有待定的草稿。"; return; }
    bulkButtons(true);
    var bad = [], done = 0, chain = Promise.resolve();
    todo.forEach(function (index) {
      chain = chain.then(function () {
        $("bulk-progress").textContent = "正在接受草稿 " + (done + 1) + "/" + todo.length + "…";
        return post(docPath("/sentences/" + index), { decision: "accept" }).then(function (view) { DOC = view; }, function (e) {
          if (failed(e)) throw e;
          bad.push("第 " + (index + 1) + " 句：" + (e.problems || [e.message]).join("；"));
        }).then(function () { done++; });
      });
    });
    chain.then(function () {
      todo.forEach(function (i) { delete editors[i]; });
      show(DOC);
      var ok = todo.length - bad.length;
      $("bulk-progress").textContent = "已接受 " + ok + "/" + todo.length + " 条草稿。" + (bad.length ? "有 " + bad.length + " 条未能接受，请逐条修改。" : "");
      if (bad.length) showProblems($("bulk-problems"), bad, "以下草稿有问题，未接受：");
      say("已接受 " + ok + " 条草稿。");
    }).catch(function (e) { if (!failed(e)) say("操作中断：" + e.message); }).then(function () { bulkButtons(false); });
  });

  $("reasons-all").addEventListener("click", function () {
    bulkButtons(true);
    $("bulk-progress").textContent = "正在处理…";
    post(docPath("/reasons")).then(function (r) {
      show(r);
      $("bulk-progress").textContent = "已将 " + r.accepted + " 句按起草理由标为不编码。";
      say("已将 " + r.accepted + " 句按起草理由标为不编码。");
    }).catch(function (e) { if (!failed(e)) $("bulk-progress").textContent = "操作失败：" + e.message; })
      .then(function () { bulkButtons(false); });
  });

  // ---- 覆盖进度 ---------------------------------------------------------------------------------------
  function renderProgress() {
    var pr = DOC.progress, bar = $("progress-bar");
    bar.max = Math.max(pr.needed, 1); bar.value = pr.done;
    var pct = pr.needed ? Math.floor(pr.done * 100 / pr.needed) : 100;
    var complete = pr.done >= pr.needed && !pr.pending.length;
    $("progress-text").textContent = "已处理 " + pr.done + " / " + pr.needed + " 句（" + pct + "%）" +
      (complete ? "。全部句子都已处理，可以检查和发布。" : "，还有 " + pr.pending.length + " 句待处理。");
    $("progress-text").className = "progress-text" + (complete ? " ok" : "");
    var dl = $("progress-counts");
    dl.textContent = "";
    [["已接受的措施", pr.accepted + " 项"], ["待定的草稿", pr.undecided_actionable.length + " 条"],
     ["人工修改", pr.edits + " 次"], ["保存的案例", (DOC.cases || []).length + " 个"]].forEach(function (x) {
      var div = el("div"); div.append(el("dt", x[0]), el("dd", x[1])); dl.append(div);
    });
    $("pending-box").hidden = !pr.pending.length;
    var ol = $("pending");
    ol.textContent = "";
    pr.pending.forEach(function (text, i) {
      var li = el("li");
      li.append(el("p", text, "s-text"));
      var form = el("form", null, "inline");
      form.noValidate = true;
      var reason = input(""); reason.maxLength = 300;
      var w = labelled("不录入的原因", reason, "pending-" + i);
      w.className = "grow";
      var ok = el("button", "说明"); ok.type = "submit"; ok.append(el("span", "待处理第 " + (i + 1) + " 句", "sr"));
      var err = el("p", null, "error"); err.setAttribute("role", "alert");
      form.append(w, ok);
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        if (!reason.value.trim()) { err.textContent = "请先写明不录入的原因。"; reason.focus(); return; }
        busy(ok, true);
        post(docPath("/explain"), { sentence: text, reason: reason.value.trim() }).then(function (view) {
          show(view); say("已说明：" + text.slice(0, 20) + "…");
          var next = $("pending").querySelector("input"); if (next) next.focus();
        }).catch(function (x) { if (!failed(x)) err.textContent = x.message; busy(ok, false); });
      });
      li.append(form, err);
      ol.append(li);
    });
  }

  // ---- 案例试算 ---------------------------------------------------------------------------------------
  function buildTryForm() {
    var box = $("try-fields");
    box.textContent = "";
    box.append(labelled("所在城市（如 合肥）", input(""), "try-city"));
    CHOICES.fields.forEach(function (f) {
      var id = "try-" + f.name;
      if (f.kind === "list") {
        var fs = el("fieldset", null, "wide"); fs.append(el("legend", f.label + "（不选表示未知）"));
        Object.keys(f.choices).forEach(function (value) {
          var span = el("span", null, "choice");
          var cb = input(null, "checkbox"); cb.id = id + "-" + value; cb.value = value; cb.name = id;
          var lab = el("label", f.choices[value]); lab.htmlFor = cb.id;
          span.append(cb, lab); fs.append(span);
        });
        box.append(fs);
      } else if (f.kind === "bool") {
        box.append(labelled(f.label, select([["", "未知"], ["true", "是"], ["false", "否"]], ""), id));
      } else {
        var n = input("", "number"); n.min = "0";
        box.append(labelled(f.label + "（未知留空）", n, id));
      }
    });
  }

  function readTryForm() {
    var profile = {}, city = $("try-city").value.trim();
    if (city) profile.city = city;
    CHOICES.fields.forEach(function (f) {
      var id = "try-" + f.name;
      if (f.kind === "list") {
        var checked = Array.prototype.filter.call(document.getElementsByName(id), function (c) { return c.checked; });
        if (checked.length) profile[f.name] = checked.map(function (c) { return c.value; });
      } else {
        var v = $(id).value.trim();
        if (v === "") return;
        profile[f.name] = f.kind === "bool" ? v === "true" : parseInt(v, 10);
      }
    });
    return profile;
  }

  function describeProfile(profile) {
    return Object.keys(profile).map(function (k) {
      var f = FIELD[k], v = profile[k];
      if (k === "city") return v;
      if (Array.isArray(v)) return v.join("、");
      if (v === true) return f ? f.yes || f.label : k;
      if (v === false) return f ? f.no || "非" + f.label : k;
      return (f ? f.label : k) + v;
    }).join("，");
  }

  $("try-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var out = $("try-out"), profile = readTryForm(), btn = this.querySelector("button[type=submit]");
    out.textContent = "正在试算…";
    $("case-form").hidden = true; $("case-note").textContent = "";
    busy(btn, true);
    post(docPath("/try"), { profile: profile }).then(function (r) {
      lastTry = { profile: profile, results: r.results };
      out.textContent = "";
      if (!r.results.length) { out.append(el("p", "本文件还没有接受任何措施。请先在“逐句审核”中接受或修改草稿。", "hint")); return; }
      var t = el("table", null, "try-table");
      var counts = { eligible: 0, undetermined: 0, ineligible: 0 };
      r.results.forEach(function (x) { counts[x.status] = (counts[x.status] || 0) + 1; });
      t.append(el("caption", "试算结果：本文件 " + r.results.length + " 项措施，符合 " + counts.eligible + " 项，需补充 " +
                  counts.undetermined + " 项，不符合 " + counts.ineligible + " 项"));
      var head = el("tr");
      ["措施编号", "措施", "结果", "原因或还需了解"].forEach(function (h) { var th = el("th", h); th.scope = "col"; head.append(th); });
      var thead = el("thead"); thead.append(head); t.append(thead);
      var tbody = el("tbody");
      r.results.forEach(function (x) {
        var tr = el("tr"); tr.dataset.measure = x.id;
        var why = (x.reasons || []).join("；");
        if (x.missing && x.missing.length) why += (why ? "；" : "") + "还需了解：" + x.missing.join("、");
        tr.append(el("td", x.id), el("td", x.title), el("td", STATUS[x.status] || x.status, "st-" + x.status), el("td", why || "—"));
        tbody.append(tr);
      });
      t.append(tbody); out.append(t);
      $("case-form").hidden = false;
      $("case-name").value = ("试算：" + (describeProfile(profile) || "未填写企业情况")).slice(0, 80);
      say("试算完成：符合 " + counts.eligible + " 项，需补充 " + counts.undetermined + " 项，不符合 " + counts.ineligible + " 项。");
    }).catch(function (x) {
      if (failed(x)) return;
      out.textContent = "";
      var p = el("p", "无法试算：" + x.message, "error"); p.setAttribute("role", "alert"); out.append(p);
    }).then(function () { busy(btn, false); });
  });

  $("case-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!lastTry) return;
    var expect = {}, btn = this.querySelector("button[type=submit]");
    lastTry.results.forEach(function (x) { expect[x.id] = x.status; });
    busy(btn, true);
    post(docPath("/cases"), { name: $("case-name").value.trim(), profile: lastTry.profile, expect: expect }).then(function (view) {
      show(view);
      $("case-note").textContent = "案例已保存（本文稿共 " + view.cases.length + " 个）。检查和发布时会核对这些预期结果。";
      say("案例已保存。");
    }).catch(function (x) { if (!failed(x)) $("case-note").textContent = "未保存：" + x.message; })
      .then(function () { busy(btn, false); });
  });

  // ---- 检查与发布 ------------------------------------------------------------------------------------
  function resultBox(id) { var out = $(id); out.textContent = ""; var box = el("div", null, "result-box"); out.append(box); return box; }
  function alertBox(box, problems, lead) {
    var div = el("div", null, "problems"); div.setAttribute("role", "alert");
    showProblems(div, problems, lead);
    box.append(div);
  }

  $("check-button").addEventListener("click", function () {
    var btn = this, box = resultBox("check-out");
    box.append(el("p", "正在检查…"));
    busy(btn, true);
    api(docPath("/check")).then(function (r) {
      box.textContent = "";
      box.append(el("h3", "检查结果"));
      if (r.ok) box.append(el("p", "检查通过：政策目录可以正常加载，" + r.cases + " 个案例的 " + r.expectations + " 项预期结果全部符合。", "ok"));
      else alertBox(box, r.problems, "检查发现 " + r.problems.length + " 个问题，请处理后再发布：");
      say(r.ok ? "检查通过。" : "检查发现 " + r.problems.length + " 个问题。");
    }).catch(function (x) {
      if (failed(x)) return;
      box.textContent = "";
      alertBox(box, x.problems || [x.message], "无法检查：");
    }).then(function () { busy(btn, false); });
  });

  $("preview-button").addEventListener("click", function () {
    var btn = this, box = resultBox("preview-out");
    box.append(el("p", "正在比对订阅企业…"));
    busy(btn, true);
    api(docPath("/preview")).then(function (r) {
      box.textContent = "";
      var s = r.summary;
      box.append(el("h3", "推送预览（仅预览，不会发送任何通知）"));
      box.append(el("p", "订阅企业 " + s.subscribers + " 家；发布本文件后将提醒 " + s.to_notify + " 家（新适用 " + s["new"] +
        " 项次，内容有更新 " + s.changed + " 项次）。提醒由服务器上的推送任务发送，本页面不会发送。", "hint"));
      if (!r.notifications.length) box.append(el("p", "没有订阅企业会因本文件收到提醒。"));
      r.notifications.forEach(function (n) {
        var item = el("article", null, "push-item");
        item.append(el("h4", n.recipient + "（" + n.channel + "）"));
        item.append(el("p", "新适用的措施：" + (n["new"].join("、") || "—") + "；内容有更新：" + (n.changed.join("、") || "—")));
        var d = el("details"); d.append(el("summary", "提醒内容"), el("pre", n.text));
        item.append(d);
        box.append(item);
      });
      (s.problems || []).forEach(function (p) { box.append(el("p", p, "error")); });
      say("推送预览完成：将提醒 " + s.to_notify + " 家订阅企业（未发送）。");
    }).catch(function (x) {
      if (failed(x)) return;
      box.textContent = "";
      alertBox(box, x.problems || [x.message], "无法预览：");
    }).then(function () { busy(btn, false); });
  });

  var dialog = $("publish-dialog");
  $("publish-button").addEventListener("click", function () {
    var d = DOC.document, n = DOC.sentences.filter(function (s) { return s.decision === "accepted"; }).length;
    $("publish-dialog-text").textContent = "将把《" + (d.title || "未命名文稿") + "》的 " + n + " 项措施写入政策目录（文件编号 " +
      (d.id || "未填写") + "）" + (DOC.published ? "，覆盖上次发布的内容" : "") + "。发布前会再检查一遍；发布后助手会自动使用新目录。确认发布吗？";
    dialog.showModal();
    $("publish-cancel").focus();
  });
  $("publish-cancel").addEventListener("click", function () { dialog.close(); $("publish-button").focus(); });
  $("publish-confirm").addEventListener("click", function () {
    dialog.close();
    var btn = $("publish-button"), box = resultBox("publish-out");
    box.append(el("p", "正在发布…"));
    busy(btn, true);
    post(docPath("/publish")).then(function (r) {
      box.textContent = "";
      box.append(el("h3", "发布结果"));
      box.append(el("p", "发布成功：已写入 " + r.files.length + " 个文件，政策库已重建（共 " + r.measures + " 项措施）。", "ok"));
      var ul = el("ul");
      r.files.forEach(function (f) { ul.append(el("li", f)); });
      box.append(ul);
      box.append(el("p", "助手会在 " + r.reload_seconds + " 秒内自动使用新的政策目录，无需重启。订阅企业的提醒由推送任务另行发送。"));
      show(r);
      loadDrafts();
      say("发布成功。");
    }).catch(function (x) {
      if (failed(x)) return;
      box.textContent = "";
      alertBox(box, x.problems || (x.body && x.body.problems) || [x.message], "未发布：");
      say("未发布：请看“检查与发布”下列出的问题。");
    }).then(function () { busy(btn, false); });
  });

  if (token() && officer()) start(); else logout("");
})();
