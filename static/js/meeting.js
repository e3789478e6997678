// The live meeting page: shows the state of its connection, and keeps what the
// person is typing out of the way of live refreshes.
(() => {
  "use strict";

  // A stream that ends on schedule reconnects within a second; only a longer outage
  // is worth a notice.
  const NOTICE_AFTER_MS = 1500;
  const NO_ACCESS = new Set([401, 403, 404]);
  let noticeTimer = null;

  function setConnection(live, state) {
    clearTimeout(noticeTimer);
    noticeTimer = null;
    live.dataset.connection = state;
  }

  function announceOutage(live) {
    if (noticeTimer === null && live.dataset.connection !== "gone") {
      noticeTimer = setTimeout(() => setConnection(live, "reconnecting"), NOTICE_AFTER_MS);
    }
  }

  document.addEventListener("htmx:sse:before:connection", (event) => {
    const live = event.target;
    if (live.dataset.connection === "gone") {
      // Asking again cannot help: access ended, or the person signed out.
      event.detail.connection.cancelled = true;
    } else if (event.detail.connection.attempt > 0) {
      announceOutage(live);
    }
  });

  document.addEventListener("htmx:sse:after:connection", (event) => {
    setConnection(event.target, "open");
  });

  document.addEventListener("htmx:sse:error", (event) => {
    if (NO_ACCESS.has(event.detail.status)) {
      setConnection(event.target, "gone");
    } else {
      announceOutage(event.target);
    }
  });

  // Typing marks the form unsaved; htmx's morphSkip (base.html) then leaves the whole
  // form alone — its text, caret and the version the edit is based on — until it is
  // sent. An edit based on an old version then gets the conflict view, never a silent
  // overwrite in either direction.
  document.addEventListener("input", (event) => {
    const form = event.target.form;
    if (form && form.closest("#live")) form.dataset.unsaved = "";
  });

  document.addEventListener("htmx:config:request", (event) => {
    const source = event.detail.ctx.sourceElement;
    const form = source && source.closest ? source.closest("form") : null;
    if (form) delete form.dataset.unsaved;
  });

  // A field that has focus but holds no typing of its own shows the latest text: the
  // morph keeps a focused field's value, which would otherwise be stale while its
  // version is new.
  document.addEventListener("htmx:after:swap", () => {
    const field = document.activeElement;
    if (!field || !field.form || "unsaved" in field.form.dataset) return;
    if ((field.type === "text" || field.tagName === "TEXTAREA") && field.value !== field.defaultValue) {
      field.value = field.defaultValue;
    }
  });
})();
