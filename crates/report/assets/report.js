// rampart HTML report. Every string from the data is put on the page with textContent or as an
// option's text: nothing is ever parsed as HTML. The findings table is virtualised: only the
// rows in view exist in the DOM, so 100,000 findings stay responsive.
(function () {
  'use strict';
  var SEV = ['critical', 'high', 'medium', 'low', 'info'];
  var STATUS = ['fail', 'not_assessed', 'manual', 'waived', 'pass'];
  var STATUS_LABEL = { fail: 'fail', not_assessed: 'not assessed', manual: 'manual', waived: 'waived', pass: 'pass' };
  var ROW = 34;
  // Finding tuple layout (see html.rs).
  var F_RULE = 0, F_SEV = 1, F_STATUS = 2, F_RES = 3, F_ACCT = 4, F_REGION = 5, F_MSG = 6,
    F_EVID = 7, F_LOC = 8, F_WAIVER = 9, F_FP = 10, F_BASE = 11, F_OVR = 12;

  var D = JSON.parse(document.getElementById('rampart-data').textContent);
  var rules = D.rules, F = D.findings;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function badge(kind, value, label) { return el('span', 'badge ' + kind + '-' + value, label || value); }
  function area(code) { var i = code.indexOf('-'); return i < 0 ? code : code.slice(0, i); }
  function fmtN(n) { return n.toLocaleString('en-US'); }

  // Per-rule derived data.
  for (var r = 0; r < rules.length; r++) {
    rules[r].area = area(rules[r].code);
    rules[r].allControls = rules[r].controls.concat(rules[r].refs);
    rules[r].lc = (rules[r].code + ' ' + rules[r].name + ' ' + rules[r].title).toLowerCase();
  }

  // ---- header ----
  var root = document.getElementById('app');
  var header = el('header');
  add(header, el('h1', null, 'rampart audit report'));
  var inputs = D.inputs.map(function (i) { return i.kind + ' ' + i.source; }).join(', ');
  add(header, el('div', 'meta', D.tool.name + ' ' + D.tool.version + ' — ' + (inputs || 'no input')));
  add(header, el('div', 'meta', 'data collected ' + (D.scanned_at || 'unknown') + ' · report generated ' + D.generated_at));
  var main = el('main');
  add(root, header, main);

  // ---- executive summary ----
  var counts = D.summary.by_status || {};
  var sum = el('section'); sum.id = 'summary';
  add(sum, el('h2', null, 'Executive summary'));
  var cards = el('div', 'cards');
  [['fail', 'failed'], ['pass', 'passed'], ['not_assessed', 'not assessed'], ['manual', 'manual'], ['waived', 'waived']].forEach(function (p) {
    var c = el('div', 'card');
    var n = el('div', 'n', fmtN(counts[p[0]] || 0));
    n.style.color = 'var(--' + (p[0] === 'not_assessed' ? 'na' : p[0]) + ')';
    add(c, n, el('div', 'l', p[1]));
    cards.appendChild(c);
  });
  var cc = el('div', 'card');
  add(cc, el('div', 'n', fmtN(D.summary.checks_run || 0) + ' / ' + fmtN(D.summary.resources || 0)), el('div', 'l', 'checks run / resources'));
  cards.appendChild(cc);
  sum.appendChild(cards);

  function countTable(title, keyLabel, rows) {
    var box = el('div');
    add(box, el('h3', null, title));
    var wrap = el('div', 'scrollbox');
    var t = el('table', 't');
    var hr = el('tr');
    add(hr, el('th', null, keyLabel));
    STATUS.forEach(function (s) { add(hr, el('th', 'num', STATUS_LABEL[s])); });
    add(t, add(el('thead'), hr));
    var tb = el('tbody');
    rows.forEach(function (row) {
      var tr = el('tr');
      var k = el('td');
      if (row.badge) k.appendChild(row.badge); else k.textContent = row.key;
      tr.appendChild(k);
      STATUS.forEach(function (s, i) { tr.appendChild(el('td', 'num', row.c[i] ? fmtN(row.c[i]) : '')); });
      tb.appendChild(tr);
    });
    t.appendChild(tb); wrap.appendChild(t); box.appendChild(wrap);
    return box;
  }
  var bySev = SEV.map(function () { return [0, 0, 0, 0, 0]; });
  var byArea = {}, byControl = {};
  for (var i = 0; i < F.length; i++) {
    var f = F[i], ru = rules[f[F_RULE]];
    bySev[f[F_SEV]][f[F_STATUS]]++;
    (byArea[ru.area] || (byArea[ru.area] = [0, 0, 0, 0, 0]))[f[F_STATUS]]++;
    var ctrls = ru.allControls;
    for (var j = 0; j < ctrls.length; j++) (byControl[ctrls[j]] || (byControl[ctrls[j]] = [0, 0, 0, 0, 0]))[f[F_STATUS]]++;
  }
  var grid = el('div', 'grid3');
  add(grid,
    countTable('By severity', 'severity', SEV.map(function (s, k) { return { key: s, badge: badge('sev', s), c: bySev[k] }; })),
    countTable('By area', 'area', Object.keys(byArea).sort().map(function (a) { return { key: a, c: byArea[a] }; })),
    countTable('By control', 'control', Object.keys(byControl).sort(function (a, b) {
      return (byControl[b][0] - byControl[a][0]) || (a < b ? -1 : a > b ? 1 : 0);
    }).map(function (c) { return { key: c, c: byControl[c] }; })));
  sum.appendChild(grid);

  // ---- charts: inline SVG built with the DOM (no image, no network) ----
  var SVGNS = 'http://www.w3.org/2000/svg';
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var a in attrs) if (Object.prototype.hasOwnProperty.call(attrs, a)) e.setAttribute(a, String(attrs[a]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  // Horizontal stacked bars: rows of {label, parts: [{n, cls, what}]}.
  function barChart(title, rows, id) {
    var box = el('figure', 'chart'); box.id = id;
    add(box, el('figcaption', null, title));
    var max = 0;
    rows.forEach(function (r) { var t = 0; r.parts.forEach(function (p) { t += p.n; }); r.total = t; if (t > max) max = t; });
    var LW = 150, BW = 300, H = 20, W = LW + BW + 60;
    var svg = svgEl('svg', { width: W, height: Math.max(1, rows.length) * (H + 4) + 4, viewBox: '0 0 ' + W + ' ' + (Math.max(1, rows.length) * (H + 4) + 4), role: 'img' });
    svg.appendChild(svgEl('title', {}, title));
    if (!rows.length) svg.appendChild(svgEl('text', { x: 0, y: 16, 'class': 'lbl' }, 'nothing to chart'));
    rows.forEach(function (r, k) {
      var y = 4 + k * (H + 4), x = LW;
      svg.appendChild(svgEl('text', { x: LW - 6, y: y + H - 6, 'text-anchor': 'end', 'class': 'lbl' }, r.label));
      r.parts.forEach(function (p) {
        if (!p.n) return;
        var w = max ? Math.max(1, Math.round(p.n / max * BW)) : 0;
        var rect = svgEl('rect', { x: x, y: y, width: w, height: H, 'class': p.cls });
        rect.appendChild(svgEl('title', {}, r.label + ': ' + p.n + ' ' + p.what));
        svg.appendChild(rect);
        x += w;
      });
      svg.appendChild(svgEl('text', { x: x + 6, y: y + H - 6, 'class': 'lbl' }, fmtN(r.total)));
    });
    box.appendChild(svg);
    return box;
  }
  var charts = el('div', 'grid3 charts');
  charts.appendChild(barChart('Failures by severity', SEV.map(function (s, k) {
    return { label: s, parts: [{ n: bySev[k][0], cls: 'sev-' + s, what: 'failed' }] };
  }), 'chart-severity'));
  var areaFail = Object.keys(byArea).filter(function (a) { return byArea[a][0] > 0; })
    .sort(function (a, b) { return byArea[b][0] - byArea[a][0] || (a < b ? -1 : 1); });
  charts.appendChild(barChart('Failures by area', areaFail.map(function (a) {
    return { label: a, parts: [{ n: byArea[a][0], cls: 'st-fail', what: 'failed' }] };
  }), 'chart-area'));
  if (D.compliance) {
    var sections = {}, order = [];
    D.compliance.controls.forEach(function (c) {
      var g = c.group || '—';
      if (!sections[g]) { sections[g] = { pass: 0, fail: 0, not_assessed: 0, manual: 0 }; order.push(g); }
      sections[g][c.status]++;
    });
    charts.appendChild(barChart('Compliance posture by section (' + D.compliance.framework + ')', order.map(function (g) {
      var c = sections[g];
      return { label: g, parts: [
        { n: c.pass, cls: 'st-pass', what: 'controls pass' },
        { n: c.fail, cls: 'st-fail', what: 'controls fail' },
        { n: c.not_assessed, cls: 'st-not_assessed', what: 'controls not assessed' },
        { n: c.manual, cls: 'st-manual', what: 'controls manual' }] };
    }), 'chart-compliance'));
  }
  sum.appendChild(charts);
  if (D.baseline) {
    add(sum, el('p', null, 'Baseline ' + D.baseline.source + ': ' + fmtN(D.baseline.new) + ' new, ' + fmtN(D.baseline.unchanged) +
      ' unchanged (not counted for the exit code), ' + fmtN(D.baseline.absent) + ' no longer listed.'));
  }
  // ---- history: posture over time and the difference with the previous scan (a stored scan) ----
  var H = D.history;
  if (H) {
    var hs = el('section'); hs.id = 'history';
    add(hs, el('h2', null, 'Posture over time'));
    // Vertical stacked bars: one per scan of this scope, failures by severity.
    var pts = H.series, pmax = 1;
    pts.forEach(function (p) { var t = 0; SEV.forEach(function (s) { t += p.failures[s] || 0; }); p.total = t; if (t > pmax) pmax = t; });
    var PW = Math.max(320, Math.min(900, 40 + pts.length * 28)), PH = 180, PL = 40, PB = 24, PT = 8;
    var slot = (PW - PL - 8) / Math.max(1, pts.length), bw = Math.max(2, Math.min(24, slot * 0.7));
    var fig = el('figure', 'chart'); fig.id = 'chart-posture';
    add(fig, el('figcaption', null, 'Failures by severity per scan (' + fmtN(pts.length) + ' scans of this scope)'));
    var psvg = svgEl('svg', { width: PW, height: PH, viewBox: '0 0 ' + PW + ' ' + PH, role: 'img' });
    psvg.appendChild(svgEl('title', {}, 'Failures by severity per scan'));
    psvg.appendChild(svgEl('line', { x1: PL, y1: PT, x2: PL, y2: PH - PB, stroke: '#999' }));
    psvg.appendChild(svgEl('line', { x1: PL, y1: PH - PB, x2: PW - 8, y2: PH - PB, stroke: '#999' }));
    psvg.appendChild(svgEl('text', { x: PL - 4, y: PT + 8, 'text-anchor': 'end', 'class': 'lbl' }, fmtN(pmax)));
    psvg.appendChild(svgEl('text', { x: PL - 4, y: PH - PB, 'text-anchor': 'end', 'class': 'lbl' }, '0'));
    pts.forEach(function (p, k) {
      var g = svgEl('g', { 'class': 'scan', 'data-scan': p.scan, 'data-total': p.total });
      g.appendChild(svgEl('title', {}, 'scan ' + p.scan + ' (' + p.at + '): ' + SEV.map(function (s) { return s + ' ' + (p.failures[s] || 0); }).join(', ')));
      var x = PL + k * slot + (slot - bw) / 2, y = PH - PB;
      SEV.slice().reverse().forEach(function (s) {
        var n = p.failures[s] || 0;
        if (!n) return;
        var h = (PH - PB - PT) * n / pmax;
        y -= h;
        g.appendChild(svgEl('rect', { x: x, y: y, width: bw, height: h, 'class': 'sev-' + s, 'data-severity': s }));
      });
      g.appendChild(svgEl('text', { x: x + bw / 2, y: PH - PB + 14, 'text-anchor': 'middle', 'class': 'lbl' }, String(p.at).slice(5, 10)));
      psvg.appendChild(g);
    });
    fig.appendChild(psvg);
    hs.appendChild(fig);
    if (H.previous) {
      var since = el('p'); since.id = 'history-counts';
      since.textContent = 'Since scan ' + H.previous.id + ' (' + H.previous.recorded_at + '): ' + fmtN(H.counts.new) + ' new, ' +
        fmtN(H.counts.changed) + ' changed, ' + fmtN(H.resolved.length) + ' resolved, ' + fmtN(H.counts.unchanged) + ' unchanged.';
      hs.appendChild(since);
      var rs = el('div'); rs.id = 'resolved';
      add(rs, el('h3', null, 'Resolved since scan ' + H.previous.id + ' (' + fmtN(H.resolved.length) + ')'));
      if (H.resolved.length) {
        var rt = el('table', 'counts'), rhr = el('tr');
        ['severity', 'was', 'check', 'resource', 'message'].forEach(function (h) { rhr.appendChild(el('th', null, h)); });
        rt.appendChild(rhr);
        H.resolved.forEach(function (f) {
          var tr = el('tr');
          add(tr, add(el('td'), badge('sev', f.severity)), el('td', null, f.status), el('td', 'mono', f.check), el('td', 'mono', f.resource), el('td', null, f.message));
          rt.appendChild(tr);
        });
        rs.appendChild(rt);
      } else {
        rs.appendChild(el('p', 'muted', 'Nothing resolved.'));
      }
      hs.appendChild(rs);
    } else {
      hs.appendChild(el('p', 'muted', 'The first scan of this scope in the store: nothing to compare with yet.'));
    }
    sum.appendChild(hs);
  }
  main.appendChild(sum);
  if (D.gaps && D.gaps.length) {
    var gs = el('section'); gs.id = 'gaps';
    add(gs, el('h2', null, 'Gaps: data that could not be read (' + fmtN(D.gaps.length) + ')'));
    add(gs, el('p', 'muted', 'Checks that need this data are reported as not assessed.'));
    var gt = el('table', 't'), ghr = el('tr');
    ['data', 'operation', 'account', 'region', 'resource', 'code', 'reason'].forEach(function (h) { ghr.appendChild(el('th', null, h)); });
    add(gt, add(el('thead'), ghr));
    var gb = el('tbody');
    D.gaps.forEach(function (g) {
      add(gb, add(el('tr'), el('td', 'mono', g.data), el('td', 'mono', g.operation), el('td', 'mono', g.account || ''),
        el('td', null, g.region || ''), el('td', 'mono', g.resource || ''), el('td', null, g.code || ''), el('td', null, g.reason)));
    });
    gt.appendChild(gb);
    add(gs, add(el('div', 'scrollbox'), gt));
    main.appendChild(gs);
  }

  // ---- warnings ----
  if (D.warnings && D.warnings.length) {
    var ws = el('section', 'warn'); ws.id = 'warnings';
    add(ws, el('h2', null, 'Warnings'));
    var ul = el('ul');
    D.warnings.forEach(function (w) { add(ul, add(el('li'), el('strong', null, w.kind + ': '), document.createTextNode(w.message))); });
    ws.appendChild(ul);
    main.appendChild(ws);
  }

  // ---- compliance ----
  if (D.compliance) {
    var cv = D.compliance;
    var cs = el('section'); cs.id = 'compliance';
    add(cs, el('h2', null, 'Compliance: ' + cv.title + ' (' + cv.framework + ')'));
    var tot = el('div', 'cards');
    ['pass', 'fail', 'not_assessed', 'manual'].forEach(function (s) {
      var c = el('div', 'card');
      add(c, el('div', 'n', fmtN(cv.totals[s] || 0)), el('div', 'l', STATUS_LABEL[s]));
      tot.appendChild(c);
    });
    cs.appendChild(tot);
    var ctb = el('div', 'toolbar');
    var csel = el('select'); csel.id = 'compliance-status';
    [['', 'all statuses'], ['fail', 'fail'], ['pass', 'pass'], ['not_assessed', 'not assessed'], ['manual', 'manual']].forEach(function (o) {
      var op = el('option', null, o[1]); op.value = o[0]; csel.appendChild(op);
    });
    add(ctb, el('span', null, 'Show'), csel);
    cs.appendChild(ctb);
    var cwrap = el('div', 'scrollbox');
    cwrap.style.maxHeight = '480px';
    var ct = el('table', 't');
    var chr = el('tr');
    ['control', 'title', 'group', 'status', 'why', 'checks'].forEach(function (h) { chr.appendChild(el('th', null, h)); });
    add(ct, add(el('thead'), chr));
    var ctbody = el('tbody');
    var crow = [];
    cv.controls.forEach(function (c) {
      var tr = el('tr');
      var idCell = el('td', 'mono');
      if (c.checks.length) {
        var link = el('a', 'ctl', c.id);
        link.href = '#checks=' + encodeURIComponent(c.checks.join(','));
        link.title = 'show the findings of ' + c.checks.join(', ');
        link.addEventListener('click', function (e) {
          e.preventDefault();
          setState({ checks: c.checks.join(',') });
          document.getElementById('findings').scrollIntoView();
        });
        idCell.appendChild(link);
      } else idCell.textContent = c.id;
      add(tr, idCell, el('td', null, c.title), el('td', 'muted', c.group),
        add(el('td'), badge('st', c.status, STATUS_LABEL[c.status])), el('td', null, c.reason), el('td', 'mono', c.checks.join(', ')));
      tr.dataset.status = c.status;
      crow.push(tr);
      ctbody.appendChild(tr);
    });
    csel.addEventListener('change', function () {
      crow.forEach(function (tr) { tr.classList.toggle('hidden', !!csel.value && tr.dataset.status !== csel.value); });
    });
    ct.appendChild(ctbody); cwrap.appendChild(ct); cs.appendChild(cwrap);
    main.appendChild(cs);
  }

  // ---- findings ----
  var fs = el('section'); fs.id = 'findings';
  add(fs, el('h2', null, 'Findings'));
  var tb = el('div', 'toolbar');
  var search = el('input'); search.type = 'search'; search.id = 'search';
  search.placeholder = 'Search resource, message, check, evidence…';
  tb.appendChild(search);
  function select(id, label, values, labels) {
    var s = el('select'); s.id = id; s.title = label;
    var all = el('option', null, 'all ' + label); all.value = ''; s.appendChild(all);
    values.forEach(function (v, k) { var o = el('option', null, labels ? labels[k] : v); o.value = String(v); s.appendChild(o); });
    tb.appendChild(s);
    return s;
  }
  var fSev = select('filter-severity', 'severities', SEV.map(function (_, k) { return k; }), SEV);
  var fStatus = select('filter-status', 'statuses', STATUS.map(function (_, k) { return k; }), STATUS.map(function (s) { return STATUS_LABEL[s]; }));
  var areas = []; rules.forEach(function (ru) { if (areas.indexOf(ru.area) < 0) areas.push(ru.area); }); areas.sort();
  var fArea = select('filter-area', 'areas', areas);
  var fAcct = select('filter-account', 'accounts', D.accounts.map(function (_, k) { return k; }), D.accounts);
  var fRegion = select('filter-region', 'regions', D.regions.map(function (_, k) { return k; }), D.regions);
  // New since the previous scan (a stored scan) or the baseline; 1 new, 2 unchanged, 3 changed.
  var fChange = select('filter-change', 'changes', [1, 3, 2], ['new since ' + (H && H.previous ? 'the previous scan' : 'the baseline'), 'changed', 'unchanged']);
  if (!(H && H.previous) && !D.baseline) fChange.classList.add('hidden');
  var allCtrl = Object.keys(byControl).sort();
  var fCtrl = select('filter-control', 'controls', allCtrl);
  // A filter on check codes, set by a compliance control's link.
  var fChecks = '';
  var chip = el('button', 'chip hidden'); chip.type = 'button'; chip.id = 'filter-checks';
  chip.title = 'remove this filter';
  chip.addEventListener('click', function () { fChecks = ''; apply(); });
  var reset = el('button', null, 'Reset'); reset.type = 'button'; tb.appendChild(reset);
  tb.appendChild(chip);
  var countEl = el('span', 'count'); countEl.id = 'count'; tb.appendChild(countEl);
  fs.appendChild(tb);

  var COLS = [['severity', 'sev'], ['status', 'status'], ['check', 'check'], ['resource', 'res'], ['account', 'acct'], ['region', 'region'], ['message', 'msg']];
  var thead = el('div', 'thead'); thead.id = 'thead';
  var sortKey = 'sev', sortDesc = false;
  COLS.forEach(function (c) {
    var s = el('span', null, c[0]); s.dataset.key = c[1]; s.title = 'sort by ' + c[0];
    s.addEventListener('click', function () {
      if (sortKey === c[1]) sortDesc = !sortDesc; else { sortKey = c[1]; sortDesc = false; }
      apply();
    });
    thead.appendChild(s);
  });
  fs.appendChild(thead);
  var viewport = el('div', 'viewport'); viewport.id = 'viewport'; viewport.tabIndex = 0;
  var spacer = el('div', 'spacer');
  viewport.appendChild(spacer);
  var empty = el('p', 'empty hidden'); empty.id = 'empty';
  var split = el('div', 'split');
  var left = add(el('div', 'left'), empty, viewport);
  var detail = el('div', 'detail'); detail.id = 'detail';
  add(detail, el('p', 'muted', 'Select a finding to see its evidence, fix and references.'));
  add(split, left, detail);
  fs.appendChild(split);
  main.appendChild(fs);

  // ---- printable list: every finding, shown only when printing ----
  var printed = el('section', 'print-only'); printed.id = 'print-findings';
  function buildPrint() {
    if (printed.dataset.built) return;
    printed.dataset.built = '1';
    add(printed, el('h2', null, 'All findings (' + fmtN(F.length) + ')'));
    var order = [];
    for (var q = 0; q < F.length; q++) order.push(q);
    order.sort(function (a, b) { return F[a][F_STATUS] - F[b][F_STATUS] || F[a][F_SEV] - F[b][F_SEV] || a - b; });
    var frag = document.createDocumentFragment();
    order.forEach(function (k) {
      var f = F[k], ru = rules[f[F_RULE]];
      var item = el('div', 'pf');
      add(item, add(el('div', 'pf-h'), badge('sev', SEV[f[F_SEV]]), document.createTextNode(' '),
        badge('st', STATUS[f[F_STATUS]], STATUS_LABEL[STATUS[f[F_STATUS]]]), el('strong', null, ' ' + ru.code + ' '),
        el('span', 'mono', f[F_RES])));
      add(item, el('div', null, f[F_MSG]));
      if (f[F_STATUS] === 0) add(item, el('div', 'muted', 'fix: ' + (f[F_OVR] || ru.remediation).text));
      frag.appendChild(item);
    });
    printed.appendChild(frag);
  }
  main.appendChild(printed);
  // Small reports carry the list from the start (a print from a headless browser may not fire
  // `beforeprint`); large ones build it when printing.
  if (F.length <= 20000) buildPrint();
  window.addEventListener('beforeprint', buildPrint);

  // Lower-cased search text, built on first search only.
  var hay = null;
  function haystack(k) {
    if (!hay) hay = new Array(F.length);
    var h = hay[k];
    if (h === undefined) {
      var f = F[k], ru = rules[f[F_RULE]];
      h = (f[F_RES] + '\n' + f[F_MSG] + '\n' + ru.lc + '\n' + (f[F_ACCT] >= 0 ? D.accounts[f[F_ACCT]] : '') + '\n' +
        (f[F_REGION] >= 0 ? D.regions[f[F_REGION]] : '') + '\n' + (f[F_EVID] ? JSON.stringify(f[F_EVID]) : '') + '\n' +
        (f[F_LOC] ? f[F_LOC].file : '') + '\n' + (f[F_WAIVER] || '') + '\n' + f[F_FP]).toLowerCase();
      hay[k] = h;
    }
    return h;
  }

  var view = new Int32Array(F.length), viewLen = 0, selected = -1;
  function sortValue(k) {
    var f = F[k];
    switch (sortKey) {
      case 'sev': return f[F_SEV] * 8 + f[F_STATUS];
      case 'status': return f[F_STATUS] * 8 + f[F_SEV];
      case 'check': return rules[f[F_RULE]].code;
      case 'res': return f[F_RES];
      case 'acct': return f[F_ACCT] >= 0 ? D.accounts[f[F_ACCT]] : '';
      case 'region': return f[F_REGION] >= 0 ? D.regions[f[F_REGION]] : '';
      default: return f[F_MSG];
    }
  }
  function apply() {
    var q = search.value.trim().toLowerCase();
    var sv = fSev.value === '' ? -1 : +fSev.value, st = fStatus.value === '' ? -1 : +fStatus.value;
    var ac = fAcct.value === '' ? -1 : +fAcct.value, rg = fRegion.value === '' ? -1 : +fRegion.value;
    var ar = fArea.value, ctl = fCtrl.value, chg = fChange.value === '' ? -1 : +fChange.value;
    var only = fChecks ? fChecks.split(',') : null;
    var ruleOk = rules.map(function (ru) {
      return (!ar || ru.area === ar) && (!ctl || ru.allControls.indexOf(ctl) >= 0) &&
        (!only || only.indexOf(ru.code) >= 0);
    });
    chip.textContent = 'checks: ' + fChecks + ' ✕';
    chip.classList.toggle('hidden', !fChecks);
    saveState();
    var terms = q ? q.split(/\s+/) : [];
    var n = 0;
    for (var k = 0; k < F.length; k++) {
      var f = F[k];
      if (sv >= 0 && f[F_SEV] !== sv) continue;
      if (st >= 0 && f[F_STATUS] !== st) continue;
      if (ac >= 0 && f[F_ACCT] !== ac) continue;
      if (rg >= 0 && f[F_REGION] !== rg) continue;
      if (chg >= 0 && f[F_BASE] !== chg) continue;
      if (!ruleOk[f[F_RULE]]) continue;
      if (terms.length) {
        var h = haystack(k), ok = true;
        for (var t = 0; t < terms.length; t++) if (h.indexOf(terms[t]) < 0) { ok = false; break; }
        if (!ok) continue;
      }
      view[n++] = k;
    }
    viewLen = n;
    var keys = new Array(n), idx = new Array(n);
    for (var m = 0; m < n; m++) { idx[m] = m; keys[m] = sortValue(view[m]); }
    var dir = sortDesc ? -1 : 1;
    idx.sort(function (a, b) {
      var x = keys[a], y = keys[b];
      return x < y ? -dir : x > y ? dir : view[a] - view[b];
    });
    var sorted = new Int32Array(n);
    for (var s = 0; s < n; s++) sorted[s] = view[idx[s]];
    view.set(sorted);
    Array.prototype.forEach.call(thead.children, function (h) {
      h.classList.toggle('sorted', h.dataset.key === sortKey);
      h.classList.toggle('desc', h.dataset.key === sortKey && sortDesc);
    });
    countEl.textContent = 'showing ' + fmtN(n) + ' of ' + fmtN(F.length);
    empty.textContent = F.length === 0
      ? 'No findings: this report lists no result (passes are listed only with --include-passed).'
      : 'No finding matches these filters.';
    empty.classList.toggle('hidden', n > 0);
    spacer.style.height = (n * ROW) + 'px';
    viewport.scrollTop = 0;
    paint(true);
  }

  var painted = { first: -1, last: -1 };
  function paint(force) {
    var top = viewport.scrollTop, h = viewport.clientHeight || 600;
    var first = Math.max(0, Math.floor(top / ROW) - 10);
    var last = Math.min(viewLen, Math.ceil((top + h) / ROW) + 10);
    if (!force && first === painted.first && last === painted.last) return;
    painted.first = first; painted.last = last;
    var frag = document.createDocumentFragment();
    for (var p = first; p < last; p++) frag.appendChild(rowEl(view[p], p));
    spacer.textContent = '';
    spacer.appendChild(frag);
  }
  function rowEl(k, pos) {
    var f = F[k], ru = rules[f[F_RULE]];
    var row = el('div', 'row' + (k === selected ? ' sel' : ''));
    row.style.top = (pos * ROW) + 'px';
    row.dataset.k = k;
    add(row,
      add(el('span'), badge('sev', SEV[f[F_SEV]])),
      add(el('span'), badge('st', STATUS[f[F_STATUS]], STATUS_LABEL[STATUS[f[F_STATUS]]])),
      el('span', 'mono', ru.code),
      el('span', 'mono res', f[F_RES]),
      el('span', 'mono', f[F_ACCT] >= 0 ? D.accounts[f[F_ACCT]] : ''),
      el('span', null, f[F_REGION] >= 0 ? D.regions[f[F_REGION]] : ''),
      el('span', 'msg', f[F_MSG]));
    row.title = f[F_RES];
    return row;
  }
  var ticking = false;
  viewport.addEventListener('scroll', function () {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(function () { ticking = false; paint(false); });
  });
  spacer.addEventListener('click', function (e) {
    var row = e.target.closest ? e.target.closest('.row') : null;
    if (!row) return;
    selected = +row.dataset.k;
    paint(true);
    showDetail(selected);
    // Beside the row: the panel starts at the clicked row's height in the table.
    var selRow = spacer.querySelector('.row.sel') || row;
    var offset = selRow.getBoundingClientRect().top - split.getBoundingClientRect().top;
    detail.style.marginTop = Math.max(0, Math.min(offset, left.clientHeight - 120)) + 'px';
  });

  function dl(pairs) {
    var d = el('dl');
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === '') return;
      d.appendChild(el('dt', null, p[0]));
      var dd = el('dd');
      if (p[1] instanceof Node) dd.appendChild(p[1]); else dd.textContent = String(p[1]);
      d.appendChild(dd);
    });
    return d;
  }
  function showDetail(k) {
    var f = F[k], ru = rules[f[F_RULE]];
    var rem = f[F_OVR] || ru.remediation;
    detail.textContent = '';
    add(detail, el('h3', null, ru.code + ' ' + ru.name + ' — ' + f[F_RES]));
    var loc = f[F_LOC] ? f[F_LOC].file + (f[F_LOC].line ? ':' + f[F_LOC].line : '') + (f[F_LOC].column ? ':' + f[F_LOC].column : '') : '';
    var ev = null;
    if (f[F_EVID]) ev = el('pre', 'evidence', JSON.stringify(f[F_EVID], null, 2));
    var refs = el('div');
    ru.controls.forEach(function (c) { refs.appendChild(el('div', null, 'CHECKLIST ' + c)); });
    ru.refs.forEach(function (c) { refs.appendChild(el('div', null, c)); });
    var sevStatus = add(el('span'), badge('sev', SEV[f[F_SEV]]), document.createTextNode(' '),
      badge('st', STATUS[f[F_STATUS]], STATUS_LABEL[STATUS[f[F_STATUS]]]));
    add(detail, dl([
      ['check', ru.code + ' ' + ru.name + ': ' + ru.title],
      ['result', sevStatus],
      ['message', f[F_MSG]],
      ['resource', f[F_RES]],
      ['account', f[F_ACCT] >= 0 ? D.accounts[f[F_ACCT]] : ''],
      ['region', f[F_REGION] >= 0 ? D.regions[f[F_REGION]] : ''],
      ['location', loc],
      ['waiver', f[F_WAIVER] ? 'waived: ' + f[F_WAIVER] : ''],
      [H && H.previous ? 'since previous scan' : 'baseline', ['', 'new', 'unchanged', 'changed'][f[F_BASE]]],
      ['evidence', ev],
      ['why it matters', ru.rationale],
      ['fix', rem.text],
      ['AWS CLI', rem.cli ? el('pre', null, rem.cli) : null],
      ['Terraform', rem.terraform ? el('pre', null, rem.terraform) : null],
      ['references', refs.childNodes.length ? refs : null],
      ['fingerprint', f[F_FP]]
    ]));
  }

  // ---- filters kept in the URL fragment, so a link or a reload shows the same view ----
  var FILTERS = [['q', search], ['severity', fSev], ['status', fStatus], ['area', fArea], ['account', fAcct], ['region', fRegion], ['control', fCtrl], ['change', fChange]];
  function saveState() {
    var parts = [];
    FILTERS.forEach(function (p) { if (p[1].value) parts.push(p[0] + '=' + encodeURIComponent(p[1].value)); });
    if (fChecks) parts.push('checks=' + encodeURIComponent(fChecks));
    if (sortKey !== 'sev' || sortDesc) parts.push('sort=' + encodeURIComponent(sortKey + (sortDesc ? '-' : '')));
    var h = parts.length ? '#' + parts.join('&') : '';
    if (h !== location.hash && !(h === '' && location.hash === '#')) {
      try { history.replaceState(null, '', h || location.pathname + location.search); } catch (e) { /* file: in some browsers */ }
    }
  }
  function readState() {
    var st = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf('=');
      try { st[i < 0 ? kv : kv.slice(0, i)] = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1)); } catch (e) { /* bad escape */ }
    });
    return st;
  }
  function setState(st) {
    FILTERS.forEach(function (p) {
      var v = st[p[0]] || '';
      if (p[1].tagName === 'SELECT' && v && !Array.prototype.some.call(p[1].options, function (o) { return o.value === v; })) v = '';
      p[1].value = v;
    });
    fChecks = st.checks || '';
    if (st.sort) { sortDesc = st.sort.slice(-1) === '-'; sortKey = st.sort.replace(/-$/, ''); }
    apply();
  }
  window.addEventListener('hashchange', function () { setState(readState()); });

  var timer = null;
  search.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  [fSev, fStatus, fArea, fAcct, fRegion, fCtrl, fChange].forEach(function (s) { s.addEventListener('change', apply); });
  reset.addEventListener('click', function () {
    search.value = '';
    [fSev, fStatus, fArea, fAcct, fRegion, fCtrl, fChange].forEach(function (s) { s.value = ''; });
    fChecks = '';
    apply();
  });

  setState(readState());
  document.documentElement.setAttribute('data-ready', String(Math.round(performance.now())));
})();
