/* Hanoi administrative-procedure assistant: the embeddable chat widget.
 * One tag on any site: <script src="https://HOST/widget.js" data-lang="vi" async></script>
 * Plain JS, no build step. Everything renders through DOM APIs and textContent (never HTML strings),
 * inside a shadow root styled by a constructed stylesheet (no <style> needed under a strict CSP). */
(function () {
  'use strict';

  if (document.querySelector('[data-tthc-widget]')) return; // included twice: keep the first

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var dataset = (script && script.dataset) || {};
  var API = (dataset.api || (script && script.src ? new URL(script.src, location.href).origin : location.origin)).replace(/\/+$/, '');
  var STORE_KEY = 'tthc-widget:v1';
  var MAX_MESSAGES = 40;

  var TEXT = {
    vi: {
      bubble: 'Hỏi đáp thủ tục', bubbleLabel: 'Mở trợ lý thủ tục hành chính', title: 'Trợ lý thủ tục hành chính',
      subtitle: 'UBND Thành phố Hà Nội', close: 'Đóng trợ lý', lang: 'EN', langLabel: 'Switch to English',
      reset: 'Cuộc trò chuyện mới', inputLabel: 'Câu hỏi của bạn', placeholder: 'Nhập câu hỏi của bạn…', send: 'Gửi',
      welcome: 'Xin chào! Tôi giúp bạn tra cứu thủ tục hành chính, giấy tờ cần chuẩn bị và các nhiệm vụ, thời hạn trong văn bản của Thành phố. Câu trả lời luôn dẫn nguồn.',
      suggestionsTitle: 'Bạn có thể hỏi:',
      suggestions: ['Làm giấy khai sinh cần gì?', 'Đổi bằng lái xe ở đâu?', 'Sở Tư pháp có hạn chót nào?'],
      thinking: 'Đang tra cứu văn bản…', papers: 'Giấy tờ cần chuẩn bị', present: 'Giấy tờ cần xuất trình', kase: 'Trường hợp: ',
      portal: 'Nộp hồ sơ trực tuyến', sources: 'Nguồn trích dẫn', number: 'Số/Mã: ', section: 'Mục: ', date: 'Ngày: ',
      openSource: 'Mở văn bản nguồn', links: 'Liên kết hữu ích', alternatives: 'Có thể bạn muốn hỏi về:',
      askBack: 'Bạn hỏi về thủ tục nào dưới đây?',
      helpful: 'Câu trả lời hữu ích', notHelpful: 'Câu trả lời chưa hữu ích', yes: 'Hữu ích', no: 'Chưa hữu ích', thanks: 'Cảm ơn bạn đã góp ý!',
      error: 'Không kết nối được máy chủ. Vui lòng thử lại sau.', you: 'Bạn', bot: 'Trợ lý',
      disclaimer: 'Thông tin tham khảo từ văn bản chính thức; vui lòng đối chiếu tại cơ quan giải quyết.',
      newWindow: ' (mở cửa sổ mới)',
    },
    en: {
      bubble: 'Ask about procedures', bubbleLabel: 'Open the administrative procedures assistant', title: 'Administrative procedures assistant',
      subtitle: 'Hanoi People\u2019s Committee', close: 'Close assistant', lang: 'VI', langLabel: 'Chuyển sang tiếng Việt',
      reset: 'New conversation', inputLabel: 'Your question', placeholder: 'Type your question…', send: 'Send',
      welcome: 'Hello! I help you look up administrative procedures, the papers to prepare, and the tasks and deadlines in the City\u2019s documents. Every answer cites its source.',
      suggestionsTitle: 'You can ask:',
      suggestions: ['What papers do I need to register a birth?', 'Where do I renew a driving licence?', 'What deadlines does the Department of Justice have?'],
      thinking: 'Searching the documents…', papers: 'Papers to prepare', present: 'Papers to show', kase: 'Case: ',
      portal: 'Apply online', sources: 'Sources', number: 'No./code: ', section: 'Section: ', date: 'Date: ',
      openSource: 'Open the source', links: 'Useful links', alternatives: 'You may want to ask about:',
      askBack: 'Which procedure do you mean?',
      helpful: 'Helpful answer', notHelpful: 'Unhelpful answer', yes: 'Helpful', no: 'Not helpful', thanks: 'Thank you for your feedback!',
      error: 'Could not reach the server. Please try again later.', you: 'You', bot: 'Assistant',
      disclaimer: 'Information from official documents, for reference; please confirm with the handling agency.',
      newWindow: ' (opens in a new window)',
    },
  };

  var CSS = [
    ':host{all:initial;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:15px;line-height:1.5;color:#1c2430}',
    '*,*::before,*::after{box-sizing:border-box}',
    '[hidden]{display:none!important}',
    'button,textarea,input{font:inherit;color:inherit}',
    '.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}',
    ':focus-visible{outline:3px solid #f2b705;outline-offset:2px}',
    '.bubble{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:10px;padding:12px 18px 12px 14px;border:0;border-radius:999px;background:#0b3d91;color:#fff;font-weight:600;box-shadow:0 6px 20px rgba(11,61,145,.35);cursor:pointer}',
    '.bubble:hover{background:#0a347c}',
    '.bubble svg{width:24px;height:24px;flex:none}',
    '.panel{position:fixed;right:20px;bottom:88px;z-index:2147483001;width:400px;max-width:calc(100vw - 40px);height:min(660px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 18px 50px rgba(16,32,64,.28);overflow:hidden;border:1px solid #d8deea}',
    '.head{display:flex;align-items:center;gap:8px;padding:12px 10px 12px 14px;background:#0b3d91;color:#fff;border-bottom:4px solid #c8102e}',
    '.emblem{width:34px;height:34px;flex:none;border-radius:50%;background:#c8102e;display:grid;place-items:center;color:#f2b705;font-size:18px}',
    '.titles{flex:1;min-width:0}',
    '.title{margin:0;font-size:15px;font-weight:700;line-height:1.25}',
    '.subtitle{margin:0;font-size:12.5px;opacity:.85}',
    '.icon-btn{border:1px solid rgba(255,255,255,.45);background:transparent;color:#fff;border-radius:8px;min-width:32px;height:32px;padding:0 7px;cursor:pointer;font-weight:600}',
    '.icon-btn:hover{background:rgba(255,255,255,.14)}',
    '.log{position:relative;flex:1;overflow-y:auto;padding:16px;background:#f4f6fa;display:flex;flex-direction:column;gap:12px}',
    '.msg{max-width:88%;padding:10px 13px;border-radius:12px;word-wrap:break-word;overflow-wrap:anywhere}',
    '.msg.user{align-self:flex-end;background:#0b3d91;color:#fff;border-bottom-right-radius:4px;white-space:pre-wrap}',
    '.msg.bot{align-self:stretch;max-width:100%;background:#fff;border:1px solid #dfe4ee;border-bottom-left-radius:4px}',
    '.msg.error{border-color:#f1b7bf;background:#fff5f6;color:#8a1020}',
    '.msg p{margin:0 0 6px}.msg p:last-child{margin-bottom:0}',
    '.msg ul{margin:4px 0 8px;padding-left:20px}',
    '.answer+.answer{margin-top:8px}',
    '.block+.answer{margin-top:10px}',
    '.who{font-size:11.5px;font-weight:700;letter-spacing:.02em;text-transform:uppercase;color:#5a6577;margin-bottom:4px}',
    '.user .who{color:#cfd9f0}',
    '.thinking{color:#5a6577;font-style:italic}',
    '.streaming{white-space:pre-wrap}',
    '.block{margin-top:10px;padding-top:10px;border-top:1px solid #e8ecf3}',
    '.block-title{margin:0 0 6px;font-size:13px;font-weight:700;color:#0b3d91}',
    '.msg .checklist{list-style:none;margin:0;padding:0}',
    '.checklist li{margin:0 0 6px}',
    '.checklist label{display:flex;gap:8px;align-items:flex-start;cursor:pointer}',
    '.checklist input{margin-top:4px;width:16px;height:16px;accent-color:#0b3d91;flex:none}',
    '.copies{display:block;font-size:12.5px;color:#5a6577}',
    '.checked .paper-name{text-decoration:line-through;color:#5a6577}',
    '.case{font-size:13px;font-weight:600;margin:8px 0 4px}',
    '.portal{display:inline-flex;align-items:center;gap:6px;padding:8px 14px;border-radius:8px;background:#c8102e;color:#fff;text-decoration:none;font-weight:600}',
    '.portal:hover{background:#a70d26}',
    '.links a,.cite a{color:#0b3d91}',
    '.links ul{margin:0;padding-left:18px}',
    '.cite{margin:0 0 6px;border:1px solid #e1e6ef;border-radius:8px;background:#fafbfd}',
    '.cite summary{cursor:pointer;padding:6px 10px;font-size:13px;font-weight:600;color:#243350}',
    '.cite-body{padding:0 10px 8px;font-size:13px}',
    '.cite blockquote{margin:4px 0 6px;padding:6px 10px;border-left:3px solid #c8102e;background:#fff;white-space:pre-wrap}',
    '.meta{margin:0;color:#5a6577}',
    '.chips{display:flex;flex-wrap:wrap;gap:6px}',
    '.chip{border:1px solid #b9c6e4;background:#fff;color:#0b3d91;border-radius:999px;padding:6px 12px;cursor:pointer;font-size:13.5px;text-align:left}',
    '.chip:hover{background:#eef3fc}',
    '.chip-level{display:block;font-size:12px;color:#5a6577}',
    '.feedback{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin-top:10px}',
    '.feedback button{display:inline-flex;align-items:center;gap:5px;border:1px solid #d3dae7;background:#fff;color:#3d4a60;border-radius:8px;padding:4px 10px;cursor:pointer;font-size:13px;white-space:nowrap}',
    '.feedback svg{width:16px;height:16px;flex:none}',
    '.feedback button[aria-pressed="true"]{background:#e6eefb;border-color:#0b3d91}',
    '.feedback button:disabled{cursor:default;opacity:.75}',
    '.feedback .thanks{font-size:12.5px;color:#2f6b3a}',
    '.composer{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #e1e6ef;background:#fff}',
    '.composer textarea{flex:1;resize:none;min-height:42px;max-height:120px;padding:10px 12px;border:1px solid #c3cbd9;border-radius:10px;background:#fff}',
    '.composer textarea:focus{border-color:#0b3d91;outline:none;box-shadow:0 0 0 3px rgba(11,61,145,.18)}',
    '.send{border:0;border-radius:10px;background:#0b3d91;color:#fff;font-weight:600;padding:0 16px;cursor:pointer}',
    '.send:disabled{background:#8b9bbb;cursor:default}',
    '.disclaimer{margin:0;padding:0 12px 10px;font-size:11.5px;color:#6a7384;background:#fff}',
    '@media (max-width:480px){.panel{left:0;right:0;top:0;bottom:0;width:100%;max-width:100%;height:100%;border-radius:0;border:0}.bubble{right:12px;bottom:12px}}',
  ].join('\n');

  // ---- state (survives a reload within the tab) ----
  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
      if (saved && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* storage blocked or corrupt: start afresh */ }
    return null;
  }
  function newSessionId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 's-' + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  var state = load() || { sessionId: newSessionId(), lang: dataset.lang === 'en' ? 'en' : 'vi', messages: [] };
  function save() {
    state.messages = state.messages.slice(-MAX_MESSAGES);
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode: not kept */ }
  }
  function t(key) { return TEXT[state.lang][key]; }

  // ---- DOM helpers: every text goes through textContent ----
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'class') node.className = attrs[k];
      else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) node.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function safeUrl(url) {
    try {
      var u = new URL(url);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch (e) { return null; }
  }
  function externalLink(url, label, cls) {
    var href = safeUrl(url);
    if (!href) return null;
    return el('a', { href: href, target: '_blank', rel: 'noopener noreferrer', class: cls }, [label, el('span', { class: 'sr-only', text: t('newWindow') })]);
  }
  // Icons as SVG paths: emoji fonts are missing on many office machines.
  var ICONS = {
    chat: 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z',
    up: 'M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z',
    down: 'M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z',
  };
  function icon(name) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24'); svg.setAttribute('aria-hidden', 'true'); svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  // ---- shadow root and chrome ----
  var host = el('div', { 'data-tthc-widget': '' });
  var root = host.attachShadow({ mode: 'open' });
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el('style', { text: CSS }));
  }
  var ui = {};
  var pending = false;

  function build() {
    var wasOpen = ui.panel && !ui.panel.hidden;
    while (root.firstChild) root.removeChild(root.firstChild);
    if (root.adoptedStyleSheets === undefined) root.appendChild(el('style', { text: CSS }));
    ui.bubble = el('button', { type: 'button', class: 'bubble', 'aria-label': t('bubbleLabel'), 'aria-expanded': 'false', 'aria-controls': 'tthc-panel', onclick: toggle }, [icon('chat'), el('span', { text: t('bubble') })]);
    ui.log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '0', 'aria-label': t('title') });
    ui.input = el('textarea', { id: 'tthc-q', rows: '1', maxlength: '1000', placeholder: t('placeholder'), onkeydown: onInputKey });
    ui.send = el('button', { type: 'submit', class: 'send', text: t('send') });
    ui.panel = el('div', { id: 'tthc-panel', class: 'panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'tthc-title', hidden: true, onkeydown: onPanelKey }, [
      el('div', { class: 'head' }, [
        el('span', { class: 'emblem', 'aria-hidden': 'true', text: '\u2605' }),
        el('div', { class: 'titles' }, [el('h2', { id: 'tthc-title', class: 'title', text: t('title') }), el('p', { class: 'subtitle', text: t('subtitle') })]),
        el('button', { type: 'button', class: 'icon-btn', 'aria-label': t('reset'), title: t('reset'), text: '\u21BA', onclick: reset }),
        el('button', { type: 'button', class: 'icon-btn', lang: state.lang === 'vi' ? 'en' : 'vi', 'aria-label': t('langLabel'), title: t('langLabel'), text: t('lang'), onclick: switchLanguage }),
        el('button', { type: 'button', class: 'icon-btn', 'aria-label': t('close'), title: t('close'), text: '\u00D7', onclick: close }),
      ]),
      ui.log,
      el('form', { class: 'composer', onsubmit: onSubmit }, [el('label', { for: 'tthc-q', class: 'sr-only', text: t('inputLabel') }), ui.input, ui.send]),
      el('p', { class: 'disclaimer', text: t('disclaimer') }),
    ]);
    root.appendChild(ui.bubble);
    root.appendChild(ui.panel);
    renderLog();
    if (wasOpen) open();
  }

  function open() {
    ui.panel.hidden = false;
    ui.bubble.setAttribute('aria-expanded', 'true');
    ui.log.scrollTop = ui.log.scrollHeight;
    ui.input.focus();
  }
  function close() {
    ui.panel.hidden = true;
    ui.bubble.setAttribute('aria-expanded', 'false');
    ui.bubble.focus();
  }
  function toggle() { if (ui.panel.hidden) open(); else close(); }
  function switchLanguage() {
    state.lang = state.lang === 'vi' ? 'en' : 'vi';
    save();
    build();
    var langButton = ui.panel.querySelectorAll('.icon-btn')[1];
    if (langButton) langButton.focus();
  }
  function reset() {
    state.messages = [];
    state.sessionId = newSessionId();
    save();
    renderLog();
    ui.input.focus();
  }
  function onPanelKey(event) {
    if (event.key === 'Escape') { event.preventDefault(); close(); return; }
    if (event.key !== 'Tab') return;
    // aria-modal: keep Tab inside the panel.
    var focusable = Array.prototype.filter.call(
      ui.panel.querySelectorAll('button:not([disabled]),a[href],textarea,input:not([disabled]),summary,[tabindex="0"]'),
      function (n) { return n.offsetParent !== null || n === root.activeElement; });
    if (!focusable.length) return;
    var first = focusable[0], last = focusable[focusable.length - 1];
    if (event.shiftKey && root.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && root.activeElement === last) { event.preventDefault(); first.focus(); }
  }
  function onInputKey(event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); onSubmit(event); }
  }
  function onSubmit(event) {
    event.preventDefault();
    var question = ui.input.value.trim();
    if (!question || pending) return;
    ui.input.value = '';
    ask(question, question);
  }

  // ---- rendering ----
  function renderLog() {
    while (ui.log.firstChild) ui.log.removeChild(ui.log.firstChild);
    if (!state.messages.length) ui.log.appendChild(welcome());
    state.messages.forEach(function (m) { ui.log.appendChild(renderMessage(m)); });
    ui.log.scrollTop = ui.log.scrollHeight;
  }
  function welcome() {
    return el('div', { class: 'msg bot welcome' }, [
      el('div', { class: 'who', text: t('bot') }),
      el('p', { text: t('welcome') }),
      el('p', { class: 'block-title', text: t('suggestionsTitle') }),
      el('div', { class: 'chips' }, t('suggestions').map(function (s) {
        return el('button', { type: 'button', class: 'chip', text: s, onclick: function () { ask(s, s); } });
      })),
    ]);
  }
  function renderMessage(m) {
    if (m.role === 'user') return el('div', { class: 'msg user' }, [el('div', { class: 'who', text: t('you') }), el('div', { text: m.text })]);
    if (m.error) return el('div', { class: 'msg bot error', role: 'alert' }, [el('div', { class: 'who', text: t('bot') }), el('p', { text: m.error })]);
    return renderAnswer(m);
  }
  function answerText(text) {
    var box = el('div', { class: 'answer' });
    var list = null;
    text.split('\n').forEach(function (line) {
      var item = /^\s*[-•*]\s+(.*)$/.exec(line);
      if (item) {
        if (!list) { list = el('ul'); box.appendChild(list); }
        list.appendChild(el('li', { text: item[1] }));
      } else if (line.trim()) {
        list = null;
        box.appendChild(el('p', { text: line }));
      }
    });
    return box;
  }
  // The engine's text is written for every channel; here its papers, portal link and
  // alternatives paragraphs are shown as a checklist, a button and chips in their place.
  // An ask-back (candidates, no procedure) is shown from its candidates alone.
  function renderAnswer(m) {
    var r = m.response;
    var node = el('div', { class: 'msg bot', lang: r.language }, [el('div', { class: 'who', text: t('bot') })]);
    if (!r.procedure && r.candidates && r.candidates.length) {
      node.appendChild(candidates(r.candidates.slice(0, 5)));
      appendLinks(node, r.links, null);
      node.appendChild(feedback(m));
      return node;
    }
    var procedure = r.procedure;
    var portalUrl = procedure && procedure.url;
    var blocks = {
      papers: procedure && procedure.papers.length ? function () { return checklist(m, procedure); } : null,
      portal: portalUrl && safeUrl(portalUrl) ? function () { return el('div', { class: 'block' }, [externalLink(portalUrl, t('portal') + ' \u2197', 'portal')]); } : null,
      alternatives: r.alternatives && r.alternatives.length ? function () { return alternatives(r.alternatives); } : null,
    };
    var paperNames = procedure ? procedure.papers.reduce(function (all, g) { return all.concat(g.papers.map(function (p) { return p.name; })); }, []) : [];
    function place(kind) { var make = blocks[kind]; blocks[kind] = null; return make(); }
    r.answer.split(/\n\s*\n/).forEach(function (para) {
      var named = paperNames.filter(function (n) { return para.indexOf(n) !== -1; }).length;
      if (blocks.papers && named > 0 && named >= paperNames.length / 2) node.appendChild(place('papers'));
      else if (blocks.portal && para.indexOf(portalUrl) !== -1 && para.length < portalUrl.length + 80) node.appendChild(place('portal'));
      else if (blocks.alternatives && r.alternatives.every(function (a) { return para.indexOf(a.name) !== -1; })) node.appendChild(place('alternatives'));
      else node.appendChild(answerText(para));
    });
    ['papers', 'portal', 'alternatives'].forEach(function (kind) { if (blocks[kind]) node.appendChild(place(kind)); });
    appendLinks(node, r.links, portalUrl);
    if (r.citations && r.citations.length) node.appendChild(citations(r.citations));
    node.appendChild(feedback(m));
    return node;
  }
  function appendLinks(node, all, portalUrl) {
    var links = (all || []).filter(function (l) { return l.url !== portalUrl; });
    if (!links.length) return;
    node.appendChild(el('div', { class: 'block links' }, [el('p', { class: 'block-title', text: t('links') }),
      el('ul', null, links.map(function (l) { return el('li', null, [externalLink(l.url, l.label)]); }))]));
  }
  // The engine could not tell which procedure is meant: one chip each; a chip asks by its code.
  var groups = 0;
  function candidates(list) {
    var titleId = 'tthc-ask-' + (++groups);
    return el('div', { class: 'answer candidates', role: 'group', 'aria-labelledby': titleId }, [
      el('p', { id: titleId, text: t('askBack') }),
      el('div', { class: 'chips' }, list.map(function (c) {
        var level = c.level && c.level.length ? c.level.join(', ') : '';
        return el('button', { type: 'button', class: 'chip candidate', 'data-code': c.code, onclick: function () { ask(c.code, c.name); } },
          [el('span', { text: c.name }), level ? el('span', { class: 'chip-level', text: level }) : null]);
      }))]);
  }
  function alternatives(list) {
    return el('div', { class: 'block' }, [el('p', { class: 'block-title', text: t('alternatives') }),
      el('div', { class: 'chips' }, list.map(function (a) {
        return el('button', { type: 'button', class: 'chip alternative', 'data-code': a.code, text: a.name, onclick: function () { ask(a.code, a.name); } });
      }))]);
  }
  function checklist(m, procedure) {
    m.checked = m.checked || {};
    var box = el('div', { class: 'block papers' }, [el('p', { class: 'block-title', text: t('papers') })]);
    procedure.papers.forEach(function (group, g) {
      if (group.case || group.kind === 'present') {
        box.appendChild(el('p', { class: 'case', text: (group.kind === 'present' ? t('present') : '') + (group.case ? (group.kind === 'present' ? ' · ' : '') + t('kase') + group.case : '') }));
      }
      box.appendChild(el('ul', { class: 'checklist' }, group.papers.map(function (paper, i) {
        var key = g + ':' + i;
        var item = el('li', { class: m.checked[key] ? 'checked' : '' });
        var input = el('input', { type: 'checkbox', onchange: function () {
          m.checked[key] = input.checked;
          item.className = input.checked ? 'checked' : '';
          save();
        } });
        input.checked = !!m.checked[key];
        item.appendChild(el('label', null, [input, el('span', null, [
          el('span', { class: 'paper-name', text: paper.name }),
          paper.copies ? el('span', { class: 'copies', text: paper.copies }) : null,
        ])]));
        return item;
      })));
    });
    return box;
  }
  function citations(list) {
    return el('div', { class: 'block sources' }, [el('p', { class: 'block-title', text: t('sources') })].concat(list.map(function (c, i) {
      var body = el('div', { class: 'cite-body' }, [
        el('blockquote', { text: c.quote }),
        c.number ? el('p', { class: 'meta', text: t('number') + c.number }) : null,
        c.section ? el('p', { class: 'meta', text: t('section') + c.section }) : null,
        c.date ? el('p', { class: 'meta', text: t('date') + c.date }) : null,
        c.url ? el('p', { class: 'meta' }, [externalLink(c.url, t('openSource'))]) : null,
      ]);
      return el('details', { class: 'cite' }, [el('summary', { text: '[' + (i + 1) + '] ' + c.title + (c.number ? ' (' + c.number + ')' : '') }), body]);
    })));
  }
  function feedback(m) {
    var row = el('div', { class: 'feedback' });
    function vote(helpful) {
      if (m.feedback) return;
      m.feedback = helpful ? 'up' : 'down';
      save();
      fetch(API + '/api/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answerId: m.response.id, helpful: helpful }) })
        .catch(function () { /* feedback is best effort */ });
      row.parentNode.replaceChild(feedback(m), row);
    }
    [[true, t('yes'), t('helpful'), 'up'], [false, t('no'), t('notHelpful'), 'down']].forEach(function (b) {
      row.appendChild(el('button', { type: 'button', 'aria-label': b[2], title: b[2], 'aria-pressed': m.feedback === b[3] ? 'true' : 'false', disabled: !!m.feedback, onclick: function () { vote(b[0]); } },
        [icon(b[3]), el('span', { text: b[1] })]));
    });
    if (m.feedback) row.appendChild(el('span', { class: 'thanks', role: 'status', text: t('thanks') }));
    return row;
  }

  // ---- asking: stream first, plain JSON as the fallback ----
  function ask(question, shown) {
    if (pending) return;
    pending = true;
    ui.send.disabled = true;
    if (!state.messages.length) ui.log.removeChild(ui.log.firstChild); // the welcome card
    var mine = { role: 'user', text: shown };
    state.messages.push(mine);
    save();
    ui.log.appendChild(renderMessage(mine));
    var live = el('div', { class: 'msg bot', 'aria-busy': 'true' }, [el('div', { class: 'who', text: t('bot') }), el('p', { class: 'thinking', text: t('thinking') })]);
    ui.log.appendChild(live);
    ui.log.scrollTop = ui.log.scrollHeight;
    var body = JSON.stringify({ question: question, language: state.lang, sessionId: state.sessionId });

    streamAnswer(body, live)
      .catch(function (err) { return err && err.userMessage ? Promise.reject(err) : plainAnswer(body); })
      .then(function (response) { return { role: 'bot', response: response }; },
        function (err) { return { role: 'bot', error: (err && err.userMessage) || t('error') }; })
      .then(function (message) {
        state.messages.push(message);
        save();
        var node = renderMessage(message);
        ui.log.replaceChild(node, live);
        // Long answers are read from the top: bring the answer's start into view.
        ui.log.scrollTop = Math.min(ui.log.scrollHeight, node.offsetTop - 12);
        pending = false;
        ui.send.disabled = false;
      });
  }
  function refusal(res) {
    // A 4xx is our answer to this question (too long, too many requests): show its message.
    return res.json().then(function (b) { var e = new Error('refused'); e.userMessage = b && b.message; throw e; },
      function () { throw new Error('HTTP ' + res.status); });
  }
  function plainAnswer(body) {
    return fetch(API + '/api/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: body })
      .then(function (res) { return res.ok ? res.json() : refusal(res); });
  }
  function streamAnswer(body, live) {
    return fetch(API + '/api/ask/stream', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: body })
      .then(function (res) {
        if (res.status >= 400 && res.status < 500) return refusal(res);
        if (!res.ok || !res.body || !res.body.getReader) throw new Error('no stream');
        var reader = res.body.getReader();
        var decoder = new TextDecoder();
        var buffer = '';
        var text = null;
        function handle(event, data) {
          if (event === 'delta') {
            if (!text) { live.removeChild(live.lastChild); text = el('p', { class: 'streaming' }); live.appendChild(text); }
            text.textContent += data.text;
            ui.log.scrollTop = ui.log.scrollHeight;
          } else if (event === 'done') return data;
          else if (event === 'error') { var e = new Error('stream error'); e.userMessage = data && data.message; throw e; }
          return undefined;
        }
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) throw new Error('stream ended early');
            buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, '\n');
            var parts = buffer.split('\n\n');
            buffer = parts.pop();
            for (var i = 0; i < parts.length; i++) {
              var event = 'message', data = '';
              parts[i].split('\n').forEach(function (line) {
                if (line.indexOf('event:') === 0) event = line.slice(6).trim();
                else if (line.indexOf('data:') === 0) data += line.slice(5).trim();
              });
              var done = handle(event, data ? JSON.parse(data) : null);
              if (done) { reader.cancel().catch(function () {}); return done; }
            }
            return pump();
          });
        }
        return pump();
      });
  }

  build();
  (document.body || document.documentElement).appendChild(host);
})();
