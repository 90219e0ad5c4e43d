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
      bubble: 'Hỏi đáp thủ tục', title: 'Trợ lý thủ tục hành chính',
      subtitle: 'UBND Thành phố Hà Nội', close: 'Đóng trợ lý', lang: 'EN', langLabel: 'EN: switch to English',
      reset: 'Cuộc trò chuyện mới', inputLabel: 'Câu hỏi của bạn', placeholder: 'Nhập câu hỏi của bạn…', send: 'Gửi',
      welcome: 'Xin chào! Tôi giúp bạn tra cứu thủ tục hành chính, giấy tờ cần chuẩn bị và các nhiệm vụ, thời hạn trong văn bản của Thành phố. Câu trả lời luôn dẫn nguồn.',
      suggestionsTitle: 'Bạn có thể hỏi:',
      suggestions: ['Làm giấy khai sinh cần gì?', 'Đổi bằng lái xe ở đâu?', 'Sở Tư pháp có hạn chót nào?'],
      thinking: 'Đang tra cứu văn bản…', papers: 'Giấy tờ cần chuẩn bị', present: 'Giấy tờ cần xuất trình', kase: 'Trường hợp: ',
      portal: 'Nộp hồ sơ trực tuyến', sources: 'Nguồn trích dẫn', number: 'Số/Mã: ', date: 'Ngày: ',
      openSource: 'Mở văn bản nguồn', links: 'Liên kết hữu ích', alternatives: 'Có thể bạn muốn hỏi về:',
      askBack: 'Bạn hỏi về thủ tục nào dưới đây?',
      helpful: 'Câu trả lời hữu ích', notHelpful: 'Câu trả lời chưa hữu ích', yes: 'Hữu ích', no: 'Chưa hữu ích', thanks: 'Cảm ơn bạn đã góp ý!',
      error: 'Không kết nối được máy chủ. Vui lòng thử lại sau.', you: 'Bạn', bot: 'Trợ lý',
      notEnabled: 'Trợ lý hỏi đáp chưa được bật cho trang web này. Vui lòng liên hệ đơn vị quản lý trang web.',
      disclaimer: 'Thông tin tham khảo từ văn bản chính thức; vui lòng đối chiếu tại cơ quan giải quyết.',
      newWindow: ' (mở cửa sổ mới)',
      resetAsk: 'Xóa toàn bộ cuộc trò chuyện này?', resetYes: 'Xóa', resetNo: 'Giữ lại',
      commentLabel: 'Góp ý thêm (không bắt buộc)', commentSend: 'Gửi góp ý', commentSkip: 'Bỏ qua',
      tasksOf: 'Nhiệm vụ và thời hạn của ', tasks: 'Nhiệm vụ và thời hạn', deadline: 'Thời hạn: ', assignedTo: 'Giao cho: ',
      scopeOwn: 'Giao trực tiếp cho ', scopeGroup: 'Giao cho nhóm ', scopeEveryone: 'Giao chung cho các cơ quan, đơn vị', scopeOther: 'Nhiệm vụ khác',
      role: { lead: 'Chủ trì', support: 'Phối hợp' }, product: 'Sản phẩm: ',
      amendedBy: 'Thời hạn đã được điều chỉnh theo ', previous: '; thời hạn cũ: ', repealedBy: 'Không còn hiệu lực theo ',
      status: { past: 'Đã qua hạn', upcoming: 'Chưa đến hạn', 'due-soon': 'Sắp đến hạn', recurring: 'Định kỳ', unknown: 'Không ghi hạn' },
      item: 'mục ',
      sections: { overview: 'Thông tin chung', papers: 'Thành phần hồ sơ', channels: 'Cách thức thực hiện, thời hạn, phí', steps: 'Trình tự thực hiện',
        legal: 'Căn cứ pháp lý', conditions: 'Yêu cầu, điều kiện', result: 'Kết quả thực hiện', header: 'Thông tin văn bản', summary: 'Tóm tắt văn bản', preamble: 'Phần mở đầu' },
    },
    en: {
      bubble: 'Ask about procedures', title: 'Administrative procedures assistant',
      subtitle: 'Hanoi People\u2019s Committee', close: 'Close assistant', lang: 'VI', langLabel: 'VI: chuyển sang tiếng Việt',
      reset: 'New conversation', inputLabel: 'Your question', placeholder: 'Type your question…', send: 'Send',
      welcome: 'Hello! I help you look up administrative procedures, the papers to prepare, and the tasks and deadlines in the City\u2019s documents. Every answer cites its source.',
      suggestionsTitle: 'You can ask:',
      suggestions: ['What papers do I need to register a birth?', 'Where do I renew a driving licence?', 'What deadlines does the Department of Justice have?'],
      thinking: 'Searching the documents…', papers: 'Papers to prepare', present: 'Papers to show', kase: 'Case: ',
      portal: 'Apply online', sources: 'Sources', number: 'No./code: ', date: 'Date: ',
      openSource: 'Open the source', links: 'Useful links', alternatives: 'You may want to ask about:',
      askBack: 'Which procedure do you mean?',
      helpful: 'Helpful answer', notHelpful: 'Unhelpful answer', yes: 'Helpful', no: 'Not helpful', thanks: 'Thank you for your feedback!',
      error: 'Could not reach the server. Please try again later.', you: 'You', bot: 'Assistant',
      notEnabled: 'The assistant is not enabled on this website. Please contact the website\u2019s owner.',
      disclaimer: 'Information from official documents, for reference; please confirm with the handling agency.',
      newWindow: ' (opens in a new window)',
      resetAsk: 'Clear this whole conversation?', resetYes: 'Clear', resetNo: 'Keep',
      commentLabel: 'Add a comment (optional)', commentSend: 'Send feedback', commentSkip: 'Skip',
      tasksOf: 'Tasks and deadlines for ', tasks: 'Tasks and deadlines', deadline: 'Deadline: ', assignedTo: 'Assigned to: ',
      scopeOwn: 'Assigned directly to ', scopeGroup: 'Assigned to the group ', scopeEveryone: 'Addressed to all agencies and units', scopeOther: 'Other tasks',
      role: { lead: 'Lead', support: 'Support' }, product: 'Product: ',
      amendedBy: 'Deadline changed by ', previous: '; previous deadline: ', repealedBy: 'No longer in force, by ',
      status: { past: 'Past', upcoming: 'Upcoming', 'due-soon': 'Due soon', recurring: 'Recurring', unknown: 'No deadline stated' },
      item: 'item ',
      sections: { overview: 'Overview', papers: 'Required papers', channels: 'How to file, time and fees', steps: 'Steps',
        legal: 'Legal basis', conditions: 'Requirements and conditions', result: 'Result', header: 'Document details', summary: 'Summary', preamble: 'Opening' },
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
    '.title:focus{outline:none}',
    '.subtitle{margin:0;font-size:12.5px;opacity:.85}',
    '.icon-btn{border:1px solid rgba(255,255,255,.45);background:transparent;color:#fff;border-radius:8px;min-width:32px;height:32px;padding:0 7px;cursor:pointer;font-weight:600}',
    '.icon-btn:hover{background:rgba(255,255,255,.14)}',
    '.log{position:relative;flex:1;overflow-y:auto;padding:16px;background:#f4f6fa;display:flex;flex-direction:column;gap:12px}',
    // break-word, not anywhere: a word is split only when it cannot fit a line on its own.
    '.msg{max-width:88%;padding:10px 13px;border-radius:12px;overflow-wrap:break-word}',
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
    '.who+.block{margin-top:0;padding-top:0;border-top:0}',
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
    // 16 px at least: iOS Safari zooms the page into any smaller input when it gets focus.
    '.composer textarea{flex:1;resize:none;min-height:42px;max-height:120px;padding:10px 12px;border:1px solid #c3cbd9;border-radius:10px;background:#fff;font-size:16px}',
    '.composer textarea:focus{border-color:#0b3d91;outline:none;box-shadow:0 0 0 3px rgba(11,61,145,.18)}',
    '.send{border:0;border-radius:10px;background:#0b3d91;color:#fff;font-weight:600;padding:0 16px;cursor:pointer}',
    '.send:disabled{background:#8b9bbb;cursor:default}',
    '.disclaimer{margin:0;padding:0 12px 10px;font-size:11.5px;color:#5f6878;background:#fff}',
    '.confirm{display:flex;flex-wrap:wrap;align-items:center;gap:8px;padding:10px 14px;background:#fff8e1;border-bottom:1px solid #f0d98a;font-size:14px}',
    '.confirm p{margin:0;flex:1 1 160px;font-weight:600}',
    '.confirm button{border:1px solid #0b3d91;border-radius:8px;padding:5px 12px;background:#fff;color:#0b3d91;cursor:pointer;font-weight:600}',
    '.confirm button.danger{background:#a70d26;border-color:#a70d26;color:#fff}',
    '.tasks-group+.tasks-group{margin-top:10px}',
    '.msg .tasks{margin:0;padding-left:20px}',
    '.tasks li{margin:0 0 10px}',
    '.tasks li:last-child{margin-bottom:0}',
    '.task-text{margin:0 0 3px}',
    '.task-meta{margin:0;font-size:13px;color:#3d4a60}',
    '.role{display:inline-block;margin-right:6px;font-weight:700}',
    '.task-note{margin:2px 0 0;font-size:13px;color:#3d4a60}',
    '.task.repealed .task-text{text-decoration:line-through}',
    '.status{display:inline-block;margin-right:6px;padding:0 7px;border-radius:999px;font-size:12px;font-weight:700;border:1px solid currentColor}',
    '.status-past{color:#6b4b00;background:#fff4d6}',
    '.status-due-soon{color:#8a1020;background:#fff0f2}',
    '.status-upcoming{color:#1f5a2c;background:#edf8ef}',
    '.status-recurring,.status-unknown{color:#3d4a60;background:#f1f3f7}',
    'a.ref{color:#0b3d91;font-size:13px;white-space:nowrap}',
    '.cite-section{display:block;font-weight:400;color:#3d4a60}',
    '.comment{display:flex;flex-wrap:wrap;gap:6px;width:100%;margin-top:6px}',
    '.comment label{width:100%;font-size:13px;color:#3d4a60}',
    '.comment input{flex:1 1 180px;min-width:0;padding:6px 9px;border:1px solid #c3cbd9;border-radius:8px;font-size:16px}',
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
  var pageLang = dataset.lang === 'en' ? 'en' : 'vi';
  var state = load() || { sessionId: newSessionId(), lang: pageLang, messages: [] };
  // The page's data-lang is the default; only a language the person picked with the toggle outlives it.
  if (!state.langChosen) state.lang = pageLang;
  function save() {
    state.messages = state.messages.slice(-MAX_MESSAGES);
    try { sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode: not kept */ }
  }
  function t(key) { return TEXT[state.lang][key]; }
  function words(lang) { return TEXT[lang] || TEXT[state.lang]; }

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
  function externalLink(url, label, cls, T) {
    var href = safeUrl(url);
    if (!href) return null;
    return el('a', { href: href, target: '_blank', rel: 'noopener noreferrer', class: cls }, [label, el('span', { class: 'sr-only', text: (T || TEXT[state.lang]).newWindow })]);
  }
  /** A long title shortened at a word boundary, never inside a word. */
  function shorten(text, max) {
    if (text.length <= max) return text;
    var cut = text.slice(0, max);
    var space = cut.search(/\s\S*$/);
    return (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:–—-]+$/, '') + '\u2026';
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
  // A phone or tablet: focusing the input on open would pop the keyboard over the suggestions.
  function touchScreen() { return !!(window.matchMedia && matchMedia('(pointer: coarse)').matches); }
  function phoneLayout() { return !!(window.matchMedia && matchMedia('(max-width: 480px)').matches); }

  function build() {
    var wasOpen = ui.panel && !ui.panel.hidden;
    while (root.firstChild) root.removeChild(root.firstChild);
    if (root.adoptedStyleSheets === undefined) root.appendChild(el('style', { text: CSS }));
    // No aria-label: the visible words are the button's name (WCAG 2.5.3, label in name).
    ui.bubble = el('button', { type: 'button', class: 'bubble', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'aria-controls': 'tthc-panel', onclick: toggle }, [icon('chat'), el('span', { text: t('bubble') })]);
    ui.log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '0', 'aria-label': t('title') });
    ui.input = el('textarea', { id: 'tthc-q', rows: '1', maxlength: '1000', placeholder: t('placeholder'), onkeydown: onInputKey });
    ui.send = el('button', { type: 'submit', class: 'send', text: t('send') });
    ui.title = el('h2', { id: 'tthc-title', class: 'title', tabindex: '-1', text: t('title') });
    ui.resetButton = el('button', { type: 'button', class: 'icon-btn reset', 'aria-label': t('reset'), title: t('reset'), text: '\u21BA', onclick: askReset });
    ui.langButton = el('button', { type: 'button', class: 'icon-btn lang', lang: state.lang === 'vi' ? 'en' : 'vi', 'aria-label': t('langLabel'), title: t('langLabel'), text: t('lang'), onclick: switchLanguage });
    ui.confirm = el('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'tthc-reset-q', hidden: true }, [
      el('p', { id: 'tthc-reset-q', text: t('resetAsk') }),
      el('button', { type: 'button', class: 'danger reset-yes', text: t('resetYes'), onclick: reset }),
      el('button', { type: 'button', class: 'reset-no', text: t('resetNo'), onclick: cancelReset }),
    ]);
    ui.panel = el('div', { id: 'tthc-panel', class: 'panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'tthc-title', hidden: true, onkeydown: onPanelKey }, [
      el('div', { class: 'head' }, [
        el('span', { class: 'emblem', 'aria-hidden': 'true', text: '\u2605' }),
        el('div', { class: 'titles' }, [ui.title, el('p', { class: 'subtitle', text: t('subtitle') })]),
        ui.resetButton,
        ui.langButton,
        el('button', { type: 'button', class: 'icon-btn', 'aria-label': t('close'), title: t('close'), text: '\u00D7', onclick: close }),
      ]),
      ui.confirm,
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
    followViewport();
    ui.log.scrollTop = ui.log.scrollHeight;
    if (touchScreen()) ui.title.focus(); else ui.input.focus();
  }
  function close() {
    ui.panel.hidden = true;
    ui.bubble.setAttribute('aria-expanded', 'false');
    followViewport();
    ui.bubble.focus();
  }
  function toggle() { if (ui.panel.hidden) open(); else close(); }
  // On a phone the on-screen keyboard shrinks the visual viewport, not the layout viewport the
  // panel is fixed to: keep the panel (and its input) inside what is actually visible.
  function followViewport() {
    var vv = window.visualViewport;
    if (!vv || !ui.panel) return;
    var style = ui.panel.style;
    if (ui.panel.hidden || !phoneLayout()) { style.top = style.height = style.bottom = ''; return; }
    style.top = Math.max(0, Math.round(vv.offsetTop)) + 'px';
    style.height = Math.round(vv.height) + 'px';
    style.bottom = 'auto';
    ui.log.scrollTop = ui.log.scrollHeight;
  }
  if (window.visualViewport) {
    window.visualViewport.addEventListener('resize', followViewport);
    window.visualViewport.addEventListener('scroll', followViewport);
  }
  function switchLanguage() {
    state.lang = state.lang === 'vi' ? 'en' : 'vi';
    state.langChosen = true;
    save();
    build();
    ui.langButton.focus();
  }
  // "↺" wipes the conversation only after the person confirms it in the panel.
  function askReset() {
    if (!state.messages.length) { reset(); return; }
    ui.confirm.hidden = false;
    ui.confirm.querySelector('.reset-no').focus();
  }
  function cancelReset() {
    ui.confirm.hidden = true;
    ui.resetButton.focus();
  }
  function reset() {
    ui.confirm.hidden = true;
    state.messages = [];
    state.sessionId = newSessionId();
    save();
    renderLog();
    if (touchScreen()) ui.title.focus(); else ui.input.focus();
  }
  function onPanelKey(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      if (!ui.confirm.hidden) cancelReset(); else close();
      return;
    }
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
    ask(question, question, false);
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
        return el('button', { type: 'button', class: 'chip', text: s, onclick: function () { ask(s, s, true); } });
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
  // A quoted passage, then a link to each source it cites (worded for people: "mục 3.a").
  function passage(part, sources) {
    var refs = [];
    (part.cites || []).forEach(function (id) {
      var c = sources.byId(id);
      if (c) refs.push(' ', sources.link(c, sources.ref(c)));
    });
    return el('div', { class: 'answer' }, [el('p', null, [part.text].concat(refs))]);
  }
  // What takes a paragraph's place: the answer's `parts` say what each paragraph holds, and the
  // fields hold the data (the text is never read for it).
  var BLOCK_OF = { papers: 'papers', tasks: 'tasks', online: 'portal', alternatives: 'alternatives' };
  // The engine's text is written for every channel; here its papers, tasks, portal link and
  // alternatives paragraphs are shown as a checklist, task lists, a button and chips in their
  // place, built from the answer's fields. An ask-back is shown from its candidates alone.
  // An answer without parts (an LLM phrased it) is shown as written, the blocks after it.
  // Labels follow the answer's language, which is the question's unless the person picked one.
  function renderAnswer(m) {
    var r = m.response;
    var T = words(r.language);
    var node = el('div', { class: 'msg bot', lang: r.language }, [el('div', { class: 'who', text: T.bot })]);
    var sources = sourceIndex(r, T);
    if (!r.procedure && r.candidates && r.candidates.length) {
      node.appendChild(candidates(r.candidates.slice(0, 5), T));
      appendLinks(node, r.links, null, T);
      node.appendChild(feedback(m, T));
      return node;
    }
    var procedure = r.procedure;
    var portalUrl = procedure && procedure.url;
    var tasks = r.tasks && r.tasks.length ? r.tasks : null;
    var blocks = {
      papers: procedure && procedure.papers.length ? function () { return checklist(m, procedure, T); } : null,
      tasks: tasks ? function () { return taskLists(r, T, sources); } : null,
      portal: portalUrl && safeUrl(portalUrl) ? function () { return el('div', { class: 'block' }, [externalLink(portalUrl, T.portal + ' \u2197', 'portal', T)]); } : null,
      alternatives: r.alternatives && r.alternatives.length ? function () { return alternatives(r.alternatives, T); } : null,
    };
    var placed = {};
    function place(kind) { var make = blocks[kind]; blocks[kind] = null; placed[kind] = true; return make(); }
    (r.parts && r.parts.length ? r.parts : [{ kind: 'text', text: r.answer }]).forEach(function (part) {
      var block = BLOCK_OF[part.kind];
      if (block && blocks[block]) node.appendChild(place(block));
      else if (block && placed[block]) return; // a second list of the same tasks: the lists show them all
      else if (part.kind === 'passage') node.appendChild(passage(part, sources));
      else node.appendChild(answerText(part.text));
    });
    ['papers', 'tasks', 'portal', 'alternatives'].forEach(function (kind) { if (blocks[kind]) node.appendChild(place(kind)); });
    appendLinks(node, r.links, portalUrl, T);
    if (sources.list.length) node.appendChild(citations(sources, T));
    node.appendChild(feedback(m, T));
    return node;
  }
  // The answer's citations plus those of its tasks, each with an anchor that references link to.
  var answers = 0;
  function sourceIndex(r, T) {
    var prefix = 'tthc-src-' + (++answers) + '-';
    var list = [], at = {};
    (r.citations || []).concat((r.tasks || []).map(function (task) { return task.citation; })).forEach(function (c) {
      if (at.hasOwnProperty(c.id)) return;
      at[c.id] = list.length;
      list.push(c);
    });
    function anchor(c) { return prefix + at[c.id]; }
    return {
      list: list,
      anchor: anchor,
      byId: function (id) { return at.hasOwnProperty(id) ? list[at[id]] : null; },
      link: function (c, label) {
        return el('a', { class: 'ref', href: '#' + anchor(c), onclick: function (event) { event.preventDefault(); reveal(anchor(c)); } }, [label]);
      },
      ref: function (c) { return '[' + (c.number || shorten(c.title, 40)) + (c.section ? ', ' + sectionName(c.section, T, true) : '') + ']'; },
    };
  }
  // Fragment links do not reach into a shadow root: open the citation and bring it into view.
  function reveal(id) {
    var target = root.getElementById(id);
    if (!target) return;
    target.open = true;
    target.scrollIntoView({ block: 'nearest' });
    target.querySelector('summary').focus();
  }
  /** "papers" → "Thành phần hồ sơ"; "3.a" → "mục 3.a". */
  function sectionName(section, T, short) {
    var base = section.split('#')[0];
    if (T.sections[base]) return T.sections[base];
    return (short ? T.item : T.item.charAt(0).toUpperCase() + T.item.slice(1)) + base;
  }
  var SCOPES = ['own', 'group', 'everyone', 'other'];
  // A unit's deadlines: its own tasks first, then those it has through each of its groups, then
  // those addressed to everyone; each task with its deadline, status and a link to its source.
  function taskLists(r, T, sources) {
    var groups = [];
    function groupFor(scope, via) {
      var key = scope + '|' + (scope === 'group' ? via || '' : '');
      for (var i = 0; i < groups.length; i++) if (groups[i].key === key) return groups[i];
      var title = scope === 'own' ? T.scopeOwn + (r.unit || '') : scope === 'group' ? (via ? T.scopeGroup + '\u201C' + via + '\u201D' : T.scopeOther) : scope === 'everyone' ? T.scopeEveryone : T.scopeOther;
      var g = { key: key, rank: SCOPES.indexOf(scope), title: title, tasks: [] };
      groups.push(g);
      return g;
    }
    r.tasks.forEach(function (task) {
      var scope = SCOPES.indexOf(task.scope) === -1 ? 'other' : task.scope;
      groupFor(scope, task.via).tasks.push(task);
    });
    groups.sort(function (a, b) { return a.rank - b.rank; }); // stable: the engine's order within a rank
    var box = el('div', { class: 'block tasks-block' }, [el('p', { class: 'block-title', text: r.unit ? T.tasksOf + r.unit : T.tasks })]);
    groups.forEach(function (g, n) {
      var titleId = 'tthc-tasks-' + answers + '-' + n;
      box.appendChild(el('div', { class: 'tasks-group', 'data-scope': g.key.split('|')[0] }, [
        el('p', { id: titleId, class: 'case', text: g.title }),
        el('ul', { class: 'tasks', 'aria-labelledby': titleId }, g.tasks.map(function (task) { return taskItem(task, T, sources); })),
      ]));
    });
    return box;
  }
  function taskItem(task, T, sources) {
    var status = T.status[task.status] || T.status.unknown;
    var due = task.deadline && task.deadline.kind !== 'none' && task.deadline.text ? T.deadline + task.deadline.text : '';
    var notes = [];
    if (task.product) notes.push(el('p', { class: 'task-note', text: T.product + task.product }));
    if (task.amendedBy) {
      var before = (task.previous || []).map(function (d) { return d.text; }).filter(Boolean).join('; ');
      notes.push(el('p', { class: 'task-note task-amended', text: T.amendedBy + changeName(task.amendedBy) + (before ? T.previous + before : '') }));
    }
    if (task.repealedBy) notes.push(el('p', { class: 'task-note task-repealed', text: T.repealedBy + changeName(task.repealedBy) }));
    return el('li', { class: 'task' + (task.repealedBy ? ' repealed' : '') }, [
      el('p', { class: 'task-text', text: task.text }),
      el('p', { class: 'task-meta' }, [
        el('span', { class: 'status status-' + task.status, text: status }),
        task.role && T.role[task.role] ? el('span', { class: 'role role-' + task.role, text: T.role[task.role] }) : '',
        due ? due + ' ' : '',
        sources.link(task.citation, sources.ref(task.citation)),
      ]),
    ].concat(notes));
  }
  // A document that changed a task, as people name it: its number and date, else its title.
  function changeName(c) {
    var name = c.number || c.title;
    return c.date ? name + ' (' + c.date.split('-').reverse().join('/') + ')' : name;
  }
  function appendLinks(node, all, portalUrl, T) {
    var links = (all || []).filter(function (l) { return l.url !== portalUrl; });
    if (!links.length) return;
    node.appendChild(el('div', { class: 'block links' }, [el('p', { class: 'block-title', text: T.links }),
      el('ul', null, links.map(function (l) { return el('li', null, [externalLink(l.url, l.label, null, T)]); }))]));
  }
  // The engine could not tell which procedure is meant: one chip each; a chip asks by its code.
  var groupIds = 0;
  function candidates(list, T) {
    var titleId = 'tthc-ask-' + (++groupIds);
    return el('div', { class: 'answer candidates', role: 'group', 'aria-labelledby': titleId }, [
      el('p', { id: titleId, text: T.askBack }),
      el('div', { class: 'chips' }, list.map(function (c) {
        var level = c.level && c.level.length ? c.level.join(', ') : '';
        return el('button', { type: 'button', class: 'chip candidate', 'data-code': c.code, onclick: function () { ask(c.code, c.name, true); } },
          [el('span', { text: c.name }), level ? el('span', { class: 'chip-level', text: level }) : null]);
      }))]);
  }
  function alternatives(list, T) {
    return el('div', { class: 'block' }, [el('p', { class: 'block-title', text: T.alternatives }),
      el('div', { class: 'chips' }, list.map(function (a) {
        return el('button', { type: 'button', class: 'chip alternative', 'data-code': a.code, text: a.name, onclick: function () { ask(a.code, a.name, true); } });
      }))]);
  }
  function checklist(m, procedure, T) {
    m.checked = m.checked || {};
    var box = el('div', { class: 'block papers' }, [el('p', { class: 'block-title', text: T.papers })]);
    procedure.papers.forEach(function (group, g) {
      if (group.case || group.kind === 'present') {
        box.appendChild(el('p', { class: 'case', text: (group.kind === 'present' ? T.present : '') + (group.case ? (group.kind === 'present' ? ' · ' : '') + T.kase + group.case : '') }));
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
  // Each source says which part of its document it quotes, so two from one record differ.
  function citations(sources, T) {
    return el('div', { class: 'block sources' }, [el('p', { class: 'block-title', text: T.sources })].concat(sources.list.map(function (c, i) {
      var section = c.section ? sectionName(c.section, T, false) : '';
      var body = el('div', { class: 'cite-body' }, [
        c.title.length > 90 ? el('p', { class: 'meta', text: c.title }) : null,
        el('blockquote', { text: c.quote }),
        c.number ? el('p', { class: 'meta', text: T.number + c.number }) : null,
        c.date ? el('p', { class: 'meta', text: T.date + c.date }) : null,
        c.url ? el('p', { class: 'meta' }, [externalLink(c.url, T.openSource, null, T)]) : null,
      ]);
      var title = shorten(c.title, 90) + (c.number && c.title.indexOf(c.number) === -1 ? ' (' + c.number + ')' : '');
      return el('details', { class: 'cite', id: sources.anchor(c) }, [
        el('summary', null, ['[' + (i + 1) + '] ' + title, section ? el('span', { class: 'cite-section', text: section }) : null]),
        body,
      ]);
    })));
  }
  // 👍/👎 first, then an optional comment: the vote is sent with it, or alone on "skip".
  function feedback(m, T, chosenNow) {
    var row = el('div', { class: 'feedback' });
    function redraw(chosen) { row.parentNode.replaceChild(feedback(m, T, chosen), row); }
    function choose(helpful) {
      if (m.feedback) return;
      m.vote = helpful ? 'up' : 'down';
      redraw(true);
    }
    [[true, T.yes, T.helpful, 'up'], [false, T.no, T.notHelpful, 'down']].forEach(function (b) {
      var pressed = (m.feedback || m.vote) === b[3];
      row.appendChild(el('button', { type: 'button', class: 'vote-' + b[3], 'aria-label': b[2], title: b[2], 'aria-pressed': pressed ? 'true' : 'false', disabled: !!m.feedback, onclick: function () { choose(b[0]); } },
        [icon(b[3]), el('span', { text: b[1] })]));
    });
    if (m.feedback) row.appendChild(el('span', { class: 'thanks', role: 'status', text: T.thanks }));
    else if (m.vote) {
      var id = 'tthc-comment-' + m.response.id;
      var input = el('input', { id: id, type: 'text', maxlength: '500', autocomplete: 'off' });
      var form = el('form', { class: 'comment', onsubmit: function (event) { event.preventDefault(); sendVote(m, input.value.trim()); redraw(); } }, [
        el('label', { for: id, text: T.commentLabel }),
        input,
        el('button', { type: 'submit', class: 'comment-send', text: T.commentSend }),
        el('button', { type: 'button', class: 'comment-skip', text: T.commentSkip, onclick: function () { sendVote(m, ''); redraw(); } }),
      ]);
      row.appendChild(form);
      if (chosenNow) setTimeout(function () { if (row.isConnected) input.focus(); }, 0);
    }
    return row;
  }
  function sendVote(m, comment) {
    if (m.feedback || !m.vote) return;
    m.feedback = m.vote;
    delete m.vote;
    save();
    var body = { answerId: m.response.id, helpful: m.feedback === 'up' };
    if (comment) body.comment = comment;
    fetch(API + '/api/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .catch(function () { /* feedback is best effort */ });
  }
  // A vote left without its comment form submitted is still sent when the person moves on.
  function flushVotes() {
    state.messages.forEach(function (m) { if (m.vote) sendVote(m, ''); });
  }

  // ---- asking: stream first, plain JSON as the fallback ----
  // `picked` (a suggestion, candidate or alternative chip, shown in the widget's language) asks in
  // that language; typed text is answered in its own language unless the person chose one.
  function ask(question, shown, picked) {
    if (pending) return;
    pending = true;
    ui.send.disabled = true;
    flushVotes();
    if (!state.messages.length) ui.log.removeChild(ui.log.firstChild); // the welcome card
    var mine = { role: 'user', text: shown };
    state.messages.push(mine);
    save();
    ui.log.appendChild(renderMessage(mine));
    var live = el('div', { class: 'msg bot', 'aria-busy': 'true' }, [el('div', { class: 'who', text: t('bot') }), el('p', { class: 'thinking', text: t('thinking') })]);
    ui.log.appendChild(live);
    ui.log.scrollTop = ui.log.scrollHeight;
    var request = { question: question, sessionId: state.sessionId };
    if (picked || state.langChosen) request.language = state.lang;
    var body = JSON.stringify(request);

    streamAnswer(body, live)
      .catch(function (err) {
        if (err && err.userMessage) throw err;
        return err && err.unreachable ? diagnose().then(function () { return plainAnswer(body); }) : plainAnswer(body);
      })
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
  function headers() {
    // The widget's language reaches the API with every request (its refusals are worded in it).
    return { 'content-type': 'application/json', 'accept-language': state.lang };
  }
  // fetch() fails the same way when the server is down and when it refuses this site (CORS).
  // /widget/status answers every origin, so it tells the two apart.
  function diagnose() {
    if (new URL(API).origin === location.origin) return Promise.resolve();
    return fetch(API + '/widget/status', { cache: 'no-store', credentials: 'omit' })
      .then(function (res) { return res.ok ? res.json() : null; }, function () { return null; })
      .then(function (status) {
        if (!status || status.enabled !== false) return;
        // For the site's owner, who reads the console: which setting of which server to change.
        console.error('[tthc-widget] ' + API + ' does not accept questions from ' + location.origin +
          ': add "' + location.origin + '" to WIDGET_ORIGINS (comma-separated origins) in that server\u2019s environment and restart it. ' +
          '/ Máy chủ ' + API + ' chưa cho phép trang ' + location.origin + ': thêm "' + location.origin + '" vào biến môi trường WIDGET_ORIGINS của máy chủ rồi khởi động lại.');
        var e = new Error('origin not allowed');
        e.userMessage = t('notEnabled');
        throw e;
      });
  }
  function refusal(res) {
    // A 4xx is our answer to this question (too long, too many requests): show its message.
    return res.json().then(function (b) { var e = new Error('refused'); e.userMessage = b && b.message; throw e; },
      function () { throw new Error('HTTP ' + res.status); });
  }
  function post(url, body, accept) {
    var h = headers();
    if (accept) h.accept = accept;
    return fetch(url, { method: 'POST', headers: h, body: body }).catch(function (err) {
      var e = new Error('unreachable', { cause: err });
      e.unreachable = true;
      throw e;
    });
  }
  function plainAnswer(body) {
    return post(API + '/api/ask', body).then(function (res) { return res.ok ? res.json() : refusal(res); });
  }
  // The pieces of an answer often arrive in one network read: show them one per frame, so the
  // first lines are on screen before the rest and the structured answer replaces them at the end.
  function painter(live) {
    var queue = [], text = null, scheduled = false, idle = [];
    function frame(fn) {
      if (document.hidden || !window.requestAnimationFrame) setTimeout(fn, 0); else requestAnimationFrame(fn);
    }
    function paint() {
      scheduled = false;
      // A few pieces a frame when many are waiting: a long answer is complete within ~12 frames.
      var pieces = queue.splice(0, Math.max(1, Math.ceil(queue.length / 12)));
      if (pieces.length) {
        if (!text) { live.removeChild(live.lastChild); text = el('p', { class: 'streaming' }); live.appendChild(text); }
        text.textContent += pieces.join('');
        ui.log.scrollTop = ui.log.scrollHeight;
      }
      if (queue.length) { scheduled = true; frame(paint); } else idle.splice(0).forEach(function (done) { done(); });
    }
    return {
      add: function (piece) { queue.push(piece); if (!scheduled) { scheduled = true; frame(paint); } },
      shown: function () { return queue.length || scheduled ? new Promise(function (done) { idle.push(done); }) : Promise.resolve(); },
    };
  }
  function streamAnswer(body, live) {
    return post(API + '/api/ask/stream', body, 'text/event-stream')
      .then(function (res) {
        if (res.status >= 400 && res.status < 500) return refusal(res);
        if (!res.ok || !res.body || !res.body.getReader) throw new Error('no stream');
        var reader = res.body.getReader();
        var decoder = new TextDecoder();
        var buffer = '';
        var screen = painter(live);
        function handle(event, data) {
          if (event === 'delta') screen.add(data.text);
          else if (event === 'done') return data;
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
              if (done) {
                reader.cancel().catch(function () {});
                return screen.shown().then(function () { return done; });
              }
            }
            return pump();
          });
        }
        return pump();
      });
  }

  flushVotes(); // a vote chosen before a reload, its comment form never sent
  build();
  (document.body || document.documentElement).appendChild(host);
})();
