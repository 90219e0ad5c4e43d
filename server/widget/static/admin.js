/* The admin page: asks for the token (kept in memory only), then calls /admin/* with it.
 * All data is written with textContent. */
(function () {
  'use strict';
  var token = null;
  var $ = function (id) { return document.getElementById(id); };

  function status(text, isError) {
    $('status').textContent = text;
    $('status').className = isError ? 'error' : '';
  }
  function call(method, path, body) {
    var init = { method: method, headers: { authorization: 'Bearer ' + token, 'accept-language': 'vi' } };
    if (body) init.body = body;
    return fetch(path, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.status === 401) { token = null; $('app').hidden = true; $('login').hidden = false; }
        if (!res.ok) throw new Error(data.message || 'HTTP ' + res.status);
        return data;
      });
    });
  }
  function cell(text) { var td = document.createElement('td'); td.textContent = text == null ? '' : String(text); return td; }
  function fill(tbody, rows) {
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    rows.forEach(function (cells) {
      var tr = document.createElement('tr');
      cells.forEach(function (c) { tr.appendChild(typeof c === 'object' && c !== null ? c : cell(c)); });
      tbody.appendChild(tr);
    });
  }
  function loadDocuments() {
    return call('GET', '/admin/documents').then(function (data) {
      fill($('documents'), data.documents.map(function (d) {
        var td = document.createElement('td');
        var remove = document.createElement('button');
        remove.type = 'button'; remove.className = 'danger'; remove.textContent = 'Gỡ';
        remove.setAttribute('aria-label', 'Gỡ tài liệu ' + d.title);
        remove.addEventListener('click', function () {
          if (!window.confirm('Gỡ tài liệu “' + d.title + '”?')) return;
          call('DELETE', '/admin/documents/' + encodeURIComponent(d.id)).then(function () { status('Đã gỡ ' + d.title); loadDocuments(); }, function (e) { status(e.message, true); });
        });
        td.appendChild(remove);
        return [d.title, d.number, d.kind, d.status + (d.error ? ' — ' + d.error : ''), td];
      }));
    });
  }
  function loadUnanswered() {
    return call('GET', '/admin/unanswered').then(function (data) {
      fill($('unanswered'), data.questions.map(function (q) { return [q.question, q.count, q.at]; }));
    });
  }
  function loadFeedback() {
    return call('GET', '/admin/feedback').then(function (data) {
      $('feedback-totals').textContent = 'Tổng: ' + data.total + ' · Hữu ích: ' + data.helpful + ' · Chưa hữu ích: ' + data.notHelpful;
      fill($('feedback'), data.recent.map(function (f) { return [f.answerId, f.helpful ? '👍' : '👎', f.comment, f.at]; }));
    });
  }
  function loadAll() {
    return Promise.all([loadDocuments(), loadUnanswered(), loadFeedback()]).catch(function (e) { status(e.message, true); });
  }
  function poll(jobId) {
    call('GET', '/admin/ingest/' + encodeURIComponent(jobId)).then(function (job) {
      $('job').textContent = 'Lượt ' + job.id + ': ' + job.status + (job.error ? ' — ' + job.error : '');
      if (job.status === 'running') setTimeout(function () { poll(jobId); }, 1500);
      else loadDocuments();
    }, function (e) { status(e.message, true); });
  }

  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    token = $('token').value.trim();
    $('token').value = '';
    call('GET', '/admin/documents').then(function () {
      $('login').hidden = true; $('app').hidden = false; status('Đã đăng nhập.');
      loadAll();
    }, function (e) { status(e.message, true); $('app').hidden = false; });
  });
  $('upload-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var file = $('file').files[0];
    if (!file) return;
    var form = new FormData();
    form.append('file', file, file.name);
    call('POST', '/admin/documents', form).then(function (r) { status('Đã tải lên ' + r.name + '. Hãy chạy cập nhật chỉ mục.'); $('file').value = ''; }, function (e) { status(e.message, true); });
  });
  $('ingest').addEventListener('click', function () {
    call('POST', '/admin/ingest').then(function (r) { status('Đã bắt đầu cập nhật.'); poll(r.jobId); }, function (e) { status(e.message, true); });
  });
  $('refresh').addEventListener('click', loadAll);
})();
