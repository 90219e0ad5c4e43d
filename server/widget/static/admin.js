/* The admin page: asks for the token (kept in memory only), then calls /admin/* with it.
 * All data is written with textContent. */
(function () {
  'use strict';
  var token = null;
  var $ = function (id) { return document.getElementById(id); };
  var KINDS = { document: 'Văn bản', references: 'Văn bản được trích dẫn', catalogue: 'Danh mục thủ tục' };
  var STATES = { indexed: 'Đã lập chỉ mục', pending: 'Chờ cập nhật chỉ mục', failed: 'Lỗi' };
  var FIELDS = { url: 'liên kết', name: 'tên', nameEn: 'tên tiếng Anh', level: 'cấp', field: 'lĩnh vực', agency: 'cơ quan thực hiện', applicants: 'đối tượng', decision: 'quyết định công bố', steps: 'trình tự', papers: 'thành phần hồ sơ', channels: 'cách nộp, thời hạn, phí', legalBasis: 'căn cứ pháp lý', conditions: 'điều kiện', result: 'kết quả', aliases: 'tên gọi khác' };
  var PHASES = { scan: 'Tìm tệp', load: 'Đọc tệp', embed: 'Tạo vector', index: 'Lập chỉ mục', write: 'Ghi chỉ mục', done: 'Hoàn tất' };
  var dateFormat = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' });

  function when(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '' : dateFormat.format(d);
  }
  function status(text, isError) {
    $('status').textContent = text;
    $('status').className = isError ? 'error' : '';
  }
  function showLogin(message) {
    token = null;
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('login-error').hidden = !message;
  }
  function call(method, path, body) {
    var init = { method: method, headers: { authorization: 'Bearer ' + token, 'accept-language': 'vi' } };
    if (body instanceof FormData) init.body = body;
    else if (body) { init.body = JSON.stringify(body); init.headers['content-type'] = 'application/json'; }
    return fetch(path, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        var message = data.message || 'Lỗi máy chủ (HTTP ' + res.status + ').';
        // A refused token never leaves the dashboard on screen: back to the login, saying why.
        if (res.status === 401) showLogin(message);
        if (!res.ok) throw new Error(message);
        return data;
      });
    });
  }
  function el(tag, text) { var e = document.createElement(tag); if (text != null) e.textContent = String(text); return e; }
  function fill(tbody, rows) {
    var labels = Array.prototype.map.call(tbody.parentNode.querySelectorAll('thead th'), function (th) { return th.textContent; });
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    rows.forEach(function (cells) {
      var tr = document.createElement('tr');
      cells.forEach(function (c, i) {
        var td = document.createElement('td');
        if (typeof c === 'object' && c !== null) td.appendChild(c); else td.textContent = c == null ? '' : String(c);
        if (labels[i]) td.setAttribute('data-label', labels[i]);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
  }
  function removeButton(d) {
    var remove = el('button', 'Gỡ');
    remove.type = 'button'; remove.className = 'danger';
    remove.setAttribute('aria-label', 'Gỡ tài liệu ' + d.title);
    remove.addEventListener('click', function () {
      if (!window.confirm('Gỡ tài liệu “' + d.title + '”?')) return;
      call('DELETE', '/admin/documents/' + encodeURIComponent(d.id)).then(function () { status('Đã gỡ ' + d.title + '; chỉ mục đang được cập nhật.'); loadDocuments(); }, function (e) { status(e.message, true); });
    });
    return remove;
  }
  /** How a scan was read: "bản quét · độ tin cậy 86 %", the pages to check, what OCR was unsure of. */
  function scanLines(scan) {
    var lines = [{ text: 'bản quét · độ tin cậy ' + Math.round(scan.confidence) + ' %' }];
    if (scan.correctedAt) lines.push({ text: 'đã hiệu đính lúc ' + when(scan.correctedAt) });
    // Once a person corrected the text, what OCR doubted is history, not a warning.
    var warn = !scan.correctedAt;
    if (scan.lowConfidencePages.length) lines.push({ text: 'trang có độ tin cậy thấp: ' + scan.lowConfidencePages.join(', '), low: warn });
    if (scan.uncertain.length) lines.push({ text: 'chưa đọc chắc chắn: ' + scan.uncertain.join('; '), low: warn });
    return lines;
  }
  function stateCell(d) {
    var state = (STATES[d.status] || d.status) + (d.error ? ' — ' + d.error : '');
    if (!d.scan) return state;
    var cell = document.createElement('div');
    cell.appendChild(el('span', state));
    scanLines(d.scan).forEach(function (line) {
      var s = el('span', line.text);
      s.className = line.low ? 'scan low' : 'scan';
      cell.appendChild(s);
    });
    return cell;
  }
  function correctButton(d) {
    var b = el('button', 'Hiệu đính');
    b.type = 'button'; b.className = 'secondary';
    b.setAttribute('aria-label', 'Hiệu đính văn bản quét ' + d.title);
    b.addEventListener('click', function () { openEditor(d.id); });
    return b;
  }
  function actionsCell(d) {
    var correct = d.scan && d.scan.editable ? correctButton(d) : null;
    var rest = d.removable ? removeButton(d) : 'Dữ liệu có sẵn';
    if (!correct) return rest;
    var cell = document.createElement('div');
    cell.appendChild(correct);
    cell.appendChild(typeof rest === 'string' ? el('span', ' ' + rest) : rest);
    return cell;
  }
  function loadDocuments() {
    return call('GET', '/admin/documents').then(function (data) {
      fill($('documents'), data.documents.map(function (d) {
        return [d.title, d.number, KINDS[d.kind] || d.kind, stateCell(d), d.file, actionsCell(d)];
      }));
    });
  }

  /** The scan editor: one box a page, low-confidence pages marked, the original a click away. */
  var editing = null;
  function openEditor(id) {
    call('GET', '/admin/documents/' + encodeURIComponent(id) + '/text').then(function (t) {
      editing = t;
      $('scan-editor-doc').textContent = t.title + ' (' + t.file + ')';
      $('scan-editor-info').textContent = scanLines(t.scan).map(function (l) { return l.text; }).join(' · ');
      var box = $('scan-editor-pages');
      while (box.firstChild) box.removeChild(box.firstChild);
      t.pages.forEach(function (p) {
        var low = t.scan.lowConfidencePages.indexOf(p.page) >= 0;
        var label = el('label', 'Trang ' + p.page + (low ? ' — độ tin cậy thấp, cần kiểm tra' : ''));
        label.htmlFor = 'scan-page-' + p.page;
        var open = el('a', ' (mở bản gốc, trang ' + p.page + ')');
        open.href = '/api/documents/' + encodeURIComponent(t.id) + '/source#page=' + p.page;
        open.target = '_blank'; open.rel = 'noopener';
        label.appendChild(open);
        var area = document.createElement('textarea');
        area.id = 'scan-page-' + p.page;
        area.value = p.text;
        area.spellcheck = false;
        if (low) area.className = 'low';
        box.appendChild(label);
        box.appendChild(area);
      });
      $('scan-editor').hidden = false;
      $('scan-editor').scrollIntoView();
    }, function (e) { status(e.message, true); });
  }
  function closeEditor() { editing = null; $('scan-editor').hidden = true; }
  $('scan-editor-cancel').addEventListener('click', closeEditor);
  $('scan-editor-form').addEventListener('submit', function (event) {
    event.preventDefault();
    if (!editing) return;
    var t = editing;
    var pages = t.pages.map(function (p) { return $('scan-page-' + p.page).value; });
    call('PUT', '/admin/documents/' + encodeURIComponent(t.id) + '/text', { pages: pages }).then(function (r) {
      closeEditor();
      if (r.jobId) {
        status('Đã lưu bản hiệu đính của ' + t.title + '; chỉ mục đang được cập nhật.');
        $('ingest').disabled = true;
        poll(r.jobId);
      } else {
        status('Đã lưu bản hiệu đính của ' + t.title + '. Một lượt cập nhật đang chạy: hãy chạy cập nhật chỉ mục lại khi lượt đó xong.');
      }
      loadDocuments();
    }, function (e) { status(e.message, true); });
  });
  /** Serving the upload's version of a code is the admin's explicit choice, for the version shown. */
  function confirmButton(r) {
    var b = el('button', 'Dùng bản tải lên');
    b.type = 'button';
    b.setAttribute('aria-label', 'Dùng bản trong tệp ' + r.file + ' cho thủ tục ' + r.code);
    b.addEventListener('click', function () {
      var what = 'Dùng bản trong tệp “' + r.file + '” cho thủ tục ' + r.code + ' thay cho bản có sẵn?' + (r.uploadUrl !== r.bundledUrl ? '\nLiên kết sẽ là: ' + (r.uploadUrl || '(không có)') : '');
      if (!window.confirm(what)) return;
      call('POST', '/admin/redefinitions/confirm', { code: r.code, file: r.file, fingerprint: r.fingerprint }).then(function () {
        status('Đã xác nhận bản tải lên cho thủ tục ' + r.code + '.');
        loadRedefinitions();
      }, function (e) { status(e.message, true); loadRedefinitions(); });
    });
    return b;
  }
  function loadRedefinitions() {
    return call('GET', '/admin/redefinitions').then(function (data) {
      var pending = data.redefinitions.filter(function (r) { return r.status === 'pending'; }).length;
      $('redefinitions-totals').textContent = data.redefinitions.length ? pending + ' chờ xác nhận · ' + (data.redefinitions.length - pending) + ' đã xác nhận' : 'Không có.';
      fill($('redefinitions'), data.redefinitions.map(function (r) {
        var changed = r.changed.map(function (f) { return FIELDS[f] || f; }).join(', ');
        var state = r.status === 'pending' ? 'Chờ xác nhận — đang dùng bản có sẵn' : 'Đã xác nhận — đang dùng bản tải lên';
        return [r.code, r.name, r.file, r.bundledUrl || '', r.uploadUrl || '', changed, state, r.status === 'pending' ? confirmButton(r) : ''];
      }));
    });
  }
  function loadUnanswered() {
    return call('GET', '/admin/unanswered').then(function (data) {
      var asked = data.questions.reduce(function (n, q) { return n + q.count; }, 0);
      $('unanswered-totals').textContent = data.questions.length + ' câu hỏi · ' + asked + ' lượt hỏi';
      fill($('unanswered'), data.questions.map(function (q) { return [q.question, q.count, when(q.at)]; }));
    });
  }
  function loadFeedback() {
    return call('GET', '/admin/feedback').then(function (data) {
      $('feedback-totals').textContent = 'Tổng: ' + data.total + ' · Hữu ích: ' + data.helpful + ' · Chưa hữu ích: ' + data.notHelpful;
      fill($('feedback'), data.recent.map(function (f) {
        return [f.question || '(không rõ câu hỏi; mã câu trả lời ' + f.answerId + ')', f.helpful ? '👍 Hữu ích' : '👎 Chưa hữu ích', f.comment, when(f.at)];
      }));
    });
  }
  function loadAll() {
    return Promise.all([loadDocuments(), loadRedefinitions(), loadUnanswered(), loadFeedback()]).catch(function (e) { status(e.message, true); });
  }

  /** The job panel: the phase while it runs, the summary (with reasons for failures) when it ends. */
  function showJob(job) {
    var box = $('job');
    while (box.firstChild) box.removeChild(box.firstChild);
    if (job.status === 'running') {
      var p = job.progress;
      box.appendChild(el('p', p ? 'Đang chạy — ' + (PHASES[p.phase] || p.phase) + (p.total ? ': ' + p.done + '/' + p.total : '') : 'Đang khởi động…'));
      return;
    }
    if (job.status === 'failed') {
      box.appendChild(el('p', 'Cập nhật thất bại lúc ' + when(job.finishedAt) + (job.error ? ': ' + job.error : '.'))).className = 'error';
      return;
    }
    var s = job.summary || {};
    var failed = s.failed || [];
    box.appendChild(el('p', 'Hoàn tất lúc ' + when(job.finishedAt) + (s.published === false ? ' (chỉ mục không thay đổi)' : '') + '.'));
    box.appendChild(el('p', 'Thêm mới: ' + (s.added || []).length + ' · Cập nhật: ' + (s.updated || []).length + ' · Không đổi: ' + (s.unchanged || 0) + ' · Đã gỡ: ' + (s.removed || []).length + ' · Lỗi: ' + failed.length));
    if ((s.added || []).length) box.appendChild(el('p', 'Tệp mới: ' + s.added.join(', ')));
    var redefined = (s.redefinitions || []).filter(function (r) { return r.status === 'pending'; });
    if (redefined.length) {
      box.appendChild(el('p', redefined.length + ' thủ tục có sẵn bị tệp tải lên định nghĩa lại; vẫn dùng bản có sẵn cho đến khi bạn xác nhận (xem mục “Thủ tục bị tệp tải lên định nghĩa lại”):')).className = 'error';
      var rl = el('ul');
      redefined.forEach(function (r) { rl.appendChild(el('li', r.code + ' ' + r.name + ' — ' + r.file)); });
      box.appendChild(rl);
    }
    if (failed.length) {
      var list = el('ul');
      failed.forEach(function (f) { list.appendChild(el('li', f.file + ' — ' + f.reason)); });
      box.appendChild(list);
    }
  }
  function poll(jobId) {
    call('GET', '/admin/ingest/' + encodeURIComponent(jobId)).then(function (job) {
      showJob(job);
      if (job.status === 'running') { setTimeout(function () { poll(jobId); }, 1500); return; }
      $('ingest').disabled = false;
      // The "started" banner gives way to the outcome.
      if (job.status === 'failed') status('Cập nhật chỉ mục thất bại.', true);
      else status('Đã cập nhật chỉ mục.');
      Promise.all([loadDocuments(), loadRedefinitions()]).catch(function (e) { status(e.message, true); });
    }, function (e) { $('ingest').disabled = false; status(e.message, true); });
  }

  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    token = $('token').value.trim();
    $('token').value = '';
    call('GET', '/admin/documents').then(function () {
      $('login-error').hidden = true;
      $('login').hidden = true; $('app').hidden = false; status('Đã đăng nhập.');
      loadAll();
    }, function (e) { showLogin(e.message); });
  });
  $('upload-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var file = $('file').files[0];
    if (!file) return;
    var form = new FormData();
    form.append('file', file, file.name);
    call('POST', '/admin/documents', form).then(function (r) { status('Đã tải lên ' + r.name + '. Hãy chạy cập nhật chỉ mục.'); $('file').value = ''; loadDocuments(); }, function (e) { status(e.message, true); });
  });
  $('ingest').addEventListener('click', function () {
    $('ingest').disabled = true;
    call('POST', '/admin/ingest').then(function (r) { status('Đã bắt đầu cập nhật chỉ mục.'); poll(r.jobId); }, function (e) { $('ingest').disabled = false; status(e.message, true); });
  });
  $('refresh').addEventListener('click', loadAll);
})();
