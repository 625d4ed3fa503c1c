/* 新政策推送预览 in the hotline console: who would be told what, and what is still waiting. Read-only.
   Served by bot/push/channel.py; uses the console's token (sessionStorage) and inserts text via textContent. */
(function () {
  "use strict";
  var API = new URL("../push/api/", document.baseURI).href;
  var button = document.getElementById("push-preview-button");
  var out = document.getElementById("push-preview");
  if (!button || !out) return;

  function el(tag, text, cls) {
    var n = document.createElement(tag);
    if (text !== undefined && text !== null) n.textContent = String(text);
    if (cls) n.className = cls;
    return n;
  }

  function get(path) {
    var token = window.sessionStorage.getItem("console-token") || "";
    return fetch(API + path, { headers: { "Authorization": "Bearer " + token } }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
        return body;
      });
    });
  }

  function render(preview, outbox) {
    out.textContent = "";
    var s = preview.summary;
    out.appendChild(el("p", "订阅企业 " + s.subscribers + " 家；将通知 " + s.to_notify + " 家（新适用 " + s["new"] +
      " 项次，内容有更新 " + s.changed + " 项次）；不再适用 " + s.dropped_not_announced + " 项次（不通知）。", "hint"));
    if (!preview.notifications.length) out.appendChild(el("p", "当前政策目录没有需要通知的变化。", "ok"));
    preview.notifications.forEach(function (n) {
      var box = el("article", null, "push-item");
      box.appendChild(el("h3", n.channel + " · " + n.recipient));
      box.appendChild(el("p", "新适用：" + (n["new"].join("、") || "—") + "；内容有更新：" + (n.changed.join("、") || "—")));
      box.appendChild(el("pre", n.text));
      out.appendChild(box);
    });
    if (outbox.waiting.length) {
      out.appendChild(el("h3", "待发送（" + outbox.waiting.length + "）"));
      var list = el("ul");
      outbox.waiting.forEach(function (w) {
        list.appendChild(el("li", w.channel + " " + w.recipient + "：" + w.status +
          (w.last_error ? "（" + w.last_error + "）" : "")));
      });
      out.appendChild(list);
    }
    (s.problems || []).forEach(function (p) { out.appendChild(el("p", p, "error")); });
  }

  button.addEventListener("click", function () {
    out.textContent = "正在比对政策目录…";
    Promise.all([get("preview"), get("outbox")]).then(function (r) { render(r[0], r[1]); })
      .catch(function (e) { out.textContent = ""; out.appendChild(el("p", "无法预览：" + e.message, "error")); });
  });
})();
