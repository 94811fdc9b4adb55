//! The HTML report in headless Chromium, driven through chromedriver (WebDriver over HTTP on
//! 127.0.0.1): it renders, the filters and the sort change the visible rows, the hostile bucket
//! name stays text, the console has no error, the page makes no network request, and a
//! 100,000-finding page is interactive within 2 s. Screenshots are kept under the target
//! directory (`report-browser/`).
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/setup/browser.sh`). Without them
//! the test is skipped with a loud message, except in CI (`CI` set), where it fails.

mod common;
#[allow(dead_code)]
#[path = "common/synthetic.rs"]
mod synthetic;

use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether the browser is installed; panics in CI when it is not.
fn browser_available() -> bool {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{CHROMIUM} or {CHROMEDRIVER} is missing in CI: run scripts/setup/browser.sh"
    );
    eprintln!(
        "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         !!! SKIPPED: the HTML report browser test needs {CHROMIUM} and {CHROMEDRIVER}.\n\
         !!! Install them with scripts/setup/browser.sh (Debian: chromium chromium-driver).\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    false
}

fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-browser");
    std::fs::create_dir_all(&dir).expect("artefact dir");
    dir
}

/// A chromedriver process on a free loopback port, with one browser session.
struct Driver {
    child: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Driver {
    fn start(profile: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if agent.get(&format!("{base}/status")).call().is_ok() {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut driver = Driver {
            child,
            base,
            session: String::new(),
            agent,
        };
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:loggingPrefs": { "browser": "ALL", "performance": "ALL" },
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--window-size=1400,1000",
                        format!("--user-data-dir={}", profile.display()),
                    ],
                },
            }}
        });
        let created = driver
            .raw("POST", "/session", Some(caps))
            .expect("new session");
        driver.session = created["sessionId"]
            .as_str()
            .expect("session id")
            .to_owned();
        driver
    }

    /// One WebDriver command; `Err` carries the WebDriver error value.
    fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Value> {
        let url = format!("{}{path}", self.base);
        let req = self.agent.request(method, &url);
        let resp = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        match resp {
            Ok(r) => Ok(r.into_json::<Value>().expect("JSON")["value"].clone()),
            Err(ureq::Error::Status(_, r)) => {
                Err(r.into_json::<Value>().expect("JSON")["value"].clone())
            }
            Err(e) => panic!("{method} {path}: {e}"),
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.raw(method, &path, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    fn wait_ready(&self) -> f64 {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let v = self.js("return document.documentElement.getAttribute('data-ready')");
            if let Some(ms) = v.as_str().and_then(|s| s.parse::<f64>().ok()) {
                return ms;
            }
            assert!(Instant::now() < deadline, "the page never became ready");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn logs(&self, kind: &str) -> Vec<Value> {
        self.cmd("POST", "/se/log", Some(json!({ "type": kind })))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn screenshot(&self, path: &Path) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().expect("base64"))
            .expect("PNG");
        std::fs::File::create(path)
            .and_then(|mut f| f.write_all(&png))
            .expect("write screenshot");
        eprintln!("screenshot: {}", path.display());
    }

    fn visible_rows(&self) -> usize {
        let v = self.js("return document.querySelectorAll('#viewport .row').length");
        usize::try_from(v.as_u64().expect("count")).expect("usize")
    }

    fn select(&self, id: &str, value: &str) {
        self.js(&format!(
            "var s = document.getElementById('{id}'); s.value = {}; s.dispatchEvent(new Event('change')); return s.value",
            json!(value)
        ));
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.raw("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn file_url(path: &Path) -> String {
    format!(
        "file://{}",
        path.canonicalize().expect("absolute").display()
    )
}

/// Requests the report made other than loading itself, and any request to the network at all
/// (from the performance log; the browser's own `chrome://` pages are not the report's doing).
fn network_requests(driver: &Driver, page: &str) -> Vec<String> {
    driver
        .logs("performance")
        .iter()
        .filter_map(|entry| serde_json::from_str::<Value>(entry["message"].as_str()?).ok())
        .filter(|m| m["message"]["method"] == "Network.requestWillBeSent")
        .filter_map(|m| {
            let params = &m["message"]["params"];
            let url = params["request"]["url"].as_str()?.to_owned();
            let from_report = params["documentURL"] == page && url != page;
            let to_network = ["http:", "https:", "ws:", "wss:", "ftp:"]
                .iter()
                .any(|s| url.starts_with(s));
            (from_report || to_network).then_some(url)
        })
        .collect()
}

fn console_errors(driver: &Driver) -> Vec<String> {
    driver
        .logs("browser")
        .iter()
        .filter(|e| e["level"] == "SEVERE" || e["level"] == "WARNING")
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn render(doc: &rampart_report::Document, path: &Path) -> u64 {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    rampart_report::render_document(
        doc,
        rampart_report::Format::Html,
        rampart_report::RenderOptions::default(),
        &mut out,
    )
    .expect("render");
    out.flush().expect("flush");
    std::fs::metadata(path).expect("size").len()
}

#[test]
fn html_report_in_chromium() {
    if !browser_available() {
        return;
    }
    let dir = artefacts();
    let profile = tempdir(&dir, "profile-small");
    let page = dir.join("shared-report.html");
    render(&common::document(), &page);
    let url = file_url(&page);
    let driver = Driver::start(&profile);
    driver.goto(&url);
    driver.wait_ready();

    let total = common::findings().len();
    assert_eq!(driver.visible_rows(), total, "every finding has a row");
    let count = driver.js("return document.getElementById('count').textContent");
    assert_eq!(count, format!("showing {total} of {total}"));

    // The hostile name is text: no element was created from it, and the alert never fired (an
    // open alert would make every later command fail).
    assert_eq!(
        driver.js("return document.querySelectorAll('img').length"),
        0
    );
    let shown = driver.js(&format!(
        "return Array.prototype.some.call(document.querySelectorAll('#viewport .row'), function (r) {{ return r.textContent.indexOf({}) >= 0; }})",
        json!(common::HOSTILE)
    ));
    assert_eq!(shown, true, "the hostile name is shown as text");
    assert!(driver.cmd_alert_absent(), "no alert opened");

    // Filters change the visible rows.
    driver.select("filter-severity", "0");
    assert_eq!(driver.visible_rows(), 1, "one critical finding");
    driver.select("filter-severity", "");
    driver.select("filter-status", "3");
    assert_eq!(driver.visible_rows(), 1, "one waived finding");
    driver.select("filter-status", "");
    driver.select("filter-area", "S3");
    assert_eq!(driver.visible_rows(), 5);
    driver.select("filter-area", "");
    driver.select("filter-control", "CIS 3.0 1.4");
    assert_eq!(driver.visible_rows(), 1);
    driver.select("filter-control", "");
    driver.select("filter-account", "1");
    assert_eq!(
        driver.visible_rows(),
        1,
        "one finding in the second account"
    );
    driver.select("filter-account", "");
    driver.select("filter-region", "0");
    assert!(driver.visible_rows() < total);
    driver.select("filter-region", "");
    driver.js("var s = document.getElementById('search'); s.value = 'shop-'; s.dispatchEvent(new Event('input')); return 1");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        driver.visible_rows(),
        2,
        "search: shop-assets and shop-backups"
    );
    driver.js("document.querySelector('.toolbar button').click(); return 1");
    assert_eq!(driver.visible_rows(), total);

    // Sorting by resource, then the other way round.
    let first_resource = "return document.querySelector('#viewport .row .res').textContent";
    driver.js("document.querySelector('#thead span[data-key=res]').click(); return 1");
    assert_eq!(
        driver.js(first_resource),
        "111122223333",
        "sorted by resource"
    );
    driver.js("document.querySelector('#thead span[data-key=res]').click(); return 1");
    assert_eq!(
        driver.js(first_resource),
        "infra/main.tf:aws_s3_bucket.logs",
        "sorted backwards"
    );

    // The detail of the hostile finding: evidence, fix (CLI and Terraform) and references.
    driver.js(&format!(
        "var rows = document.querySelectorAll('#viewport .row'); for (var i = 0; i < rows.length; i++) {{ if (rows[i].textContent.indexOf({}) >= 0) {{ rows[i].click(); break; }} }} return 1",
        json!(common::HOSTILE)
    ));
    let detail = driver.js("return document.getElementById('detail').textContent");
    let detail = detail.as_str().expect("text");
    for needle in [
        "put-bucket-versioning",
        "aws_s3_bucket_versioning",
        "CHECKLIST DATA-2",
        "FSBP S3.14",
        "\"versioning\": \"disabled\"",
        common::HOSTILE,
    ] {
        assert!(detail.contains(needle), "detail lacks {needle}: {detail}");
    }
    assert_eq!(
        driver.js("return document.querySelectorAll('img').length"),
        0
    );
    driver.select("compliance-status", "fail");
    let shown_controls =
        driver.js("return document.querySelectorAll('#compliance tbody tr:not(.hidden)').length");
    assert_eq!(shown_controls, 1, "one failing CIS 3.0 control");
    driver.js("document.getElementById('findings').scrollIntoView(); return 1");
    driver.screenshot(&dir.join("shared-report.png"));

    let errors = console_errors(&driver);
    assert!(errors.is_empty(), "console errors: {errors:?}");
    let requests = network_requests(&driver, &url);
    assert!(requests.is_empty(), "network requests: {requests:?}");
    assert_eq!(
        driver.js("return performance.getEntriesByType('resource').length"),
        0
    );
}

/// The pages of a PDF: its page objects (`/Type /Page`, not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's')
        .count()
}

#[test]
fn html_report_is_a_deliverable() {
    if !browser_available() {
        return;
    }
    let dir = artefacts();
    let page = dir.join("deliverable.html");
    render(&common::document(), &page);
    let url = file_url(&page);
    let driver = Driver::start(&tempdir(&dir, "profile-deliverable"));
    driver.cmd(
        "POST",
        "/window/rect",
        Some(json!({ "width": 1500, "height": 1000 })),
    );
    driver.goto(&url);
    driver.wait_ready();

    // Charts: failures by severity and by area, compliance posture by section, as inline SVG.
    for id in ["chart-severity", "chart-area", "chart-compliance"] {
        let bars = driver.js(&format!(
            "return document.querySelectorAll('#{id} svg rect').length"
        ));
        assert!(bars.as_u64().expect("n") > 0, "{id} has no bar");
    }
    // 1 critical and 2 medium failures: two bars on the severity chart.
    assert_eq!(
        driver.js("return document.querySelectorAll('#chart-severity svg rect').length"),
        2
    );
    // Gaps are listed.
    assert_eq!(
        driver.js("return document.querySelectorAll('#gaps tbody tr').length"),
        1
    );

    // Filters are kept in the URL, and a URL restores them.
    driver.select("filter-status", "3");
    let hash = driver.js("return location.hash");
    assert_eq!(hash, "#status=3");
    driver.goto(&format!("{url}#severity=0"));
    driver.js("location.reload(); return 1");
    driver.wait_ready();
    assert_eq!(
        driver.visible_rows(),
        1,
        "severity=0 from the URL: one critical"
    );
    assert_eq!(
        driver.js("return document.getElementById('filter-severity').value"),
        "0"
    );
    driver.js("document.querySelector('.toolbar button').click(); return 1");

    // A compliance control links to its findings (CIS 3.0 1.4 is ROOT-001's).
    driver.js("var a = Array.prototype.find.call(document.querySelectorAll('#compliance a.ctl'), function (a) { return a.textContent === '1.4'; }); a.click(); return 1");
    assert_eq!(driver.visible_rows(), 1);
    assert_eq!(driver.js("return location.hash"), "#checks=ROOT-001");

    // An empty result says so.
    driver.js("var s = document.getElementById('search'); s.value = 'no-such-thing-anywhere'; s.dispatchEvent(new Event('input')); return 1");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(driver.visible_rows(), 0);
    assert_eq!(
        driver.js("var e = document.getElementById('empty'); return !e.classList.contains('hidden') && e.textContent"),
        "No finding matches these filters."
    );
    driver.js("document.querySelector('.toolbar button').click(); return 1");

    // The detail opens beside the clicked row, at its height.
    driver.js("document.getElementById('findings').scrollIntoView(); var rows = document.querySelectorAll('#viewport .row'); rows[3].click(); return 1");
    let geometry = driver.js(
        "var r = document.querySelectorAll('#viewport .row.sel')[0].getBoundingClientRect(); var d = document.getElementById('detail').getBoundingClientRect(); return [r.right, r.top, d.left, d.top]",
    );
    let g: Vec<f64> = geometry
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect();
    assert!(g[2] >= g[0] - 1.0, "detail beside the row: {g:?}");
    assert!(
        (g[3] - g[1]).abs() < 40.0,
        "detail at the row's height: {g:?}"
    );

    // Printed, the report holds every finding.
    assert_eq!(
        driver.js("return document.querySelectorAll('#print-findings .pf').length"),
        common::findings().len()
    );
    let errors = console_errors(&driver);
    assert!(errors.is_empty(), "console errors: {errors:?}");
    let requests = network_requests(&driver, &url);
    assert!(requests.is_empty(), "network requests: {requests:?}");
}

#[test]
fn the_printed_report_holds_every_finding() {
    if !browser_available() {
        return;
    }
    let dir = artefacts();
    let driver = Driver::start(&tempdir(&dir, "profile-print"));
    let mut pages = Vec::new();
    for n in [10, 200] {
        let page = dir.join(format!("print-{n}.html"));
        render(&synthetic::document(n), &page);
        driver.goto(&file_url(&page));
        driver.wait_ready();
        // Printing can outlast chromedriver's renderer timeout on a loaded machine: retry.
        let path = format!("/session/{}/print", driver.session);
        let mut b64 = None;
        for _ in 0..4 {
            match driver.raw("POST", &path, Some(json!({ "background": true }))) {
                Ok(v) => {
                    b64 = Some(v);
                    break;
                }
                Err(e) if e["error"] == "timeout" => continue,
                Err(e) => panic!("print: {e}"),
            }
        }
        let b64 = b64.expect("printed within four attempts");
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().expect("base64"))
            .expect("PDF");
        std::fs::write(dir.join(format!("print-{n}.pdf")), &pdf).expect("write PDF");
        pages.push(pdf_pages(&pdf));
    }
    eprintln!(
        "printed pages: 10 findings {}, 200 findings {}",
        pages[0], pages[1]
    );
    assert!(pages[0] >= 1);
    // Each finding takes a few lines: 190 more of them cannot fit in fewer than 190 / 40 more
    // pages, so the list is in the print, not just the visible table.
    assert!(
        pages[1] >= pages[0] + 190 / 40,
        "the printed report lacks its findings: {pages:?}"
    );
}

#[test]
fn a_100k_finding_report_is_interactive_within_2_s() {
    if !browser_available() {
        return;
    }
    let dir = artefacts();
    let page = dir.join("report-100k.html");
    let size = render(&synthetic::document(100_000), &page);
    eprintln!("100,000-finding HTML report: {:.1} MB", size as f64 / 1e6);
    assert!(size < 30_000_000, "the HTML report is under 30 MB");
    let url = file_url(&page);
    let driver = Driver::start(&tempdir(&dir, "profile-large"));

    // Warm the browser once (process start-up is not the page's doing), then measure a load.
    driver.goto("about:blank");
    let start = Instant::now();
    driver.goto(&url);
    let ready_ms = driver.wait_ready();
    let wall = start.elapsed();
    eprintln!(
        "interactive: {ready_ms:.0} ms after navigation start (page clock); {} ms wall-clock incl. WebDriver",
        wall.as_millis()
    );
    let rows = driver.visible_rows();
    assert!(
        rows > 0 && rows < 200,
        "only the rows in view are in the DOM ({rows})"
    );

    let filter_ms = driver.js(
        "var t = performance.now(); var s = document.getElementById('filter-severity'); s.value = '1'; s.dispatchEvent(new Event('change')); return performance.now() - t",
    );
    let sort_ms = driver.js(
        "var t = performance.now(); document.querySelector('#thead span[data-key=res]').click(); return performance.now() - t",
    );
    let search_ms = driver.js(
        "var t = performance.now(); var s = document.getElementById('search'); s.value = 'team-5-data'; document.getElementById('filter-severity').value = ''; document.getElementById('filter-severity').dispatchEvent(new Event('change')); return performance.now() - t",
    );
    eprintln!(
        "filter: {filter_ms} ms, sort: {sort_ms} ms, search (first, builds the index): {search_ms} ms"
    );
    let scroll_ms = driver.js(
        "var v = document.getElementById('viewport'); var t = performance.now(); v.scrollTop = v.scrollHeight / 2; v.dispatchEvent(new Event('scroll')); return performance.now() - t",
    );
    eprintln!("scroll to the middle: {scroll_ms} ms");
    driver.js("document.getElementById('findings').scrollIntoView(); return 1");
    driver.screenshot(&dir.join("report-100k.png"));
    let errors = console_errors(&driver);
    assert!(errors.is_empty(), "console errors: {errors:?}");
    let requests = network_requests(&driver, &url);
    assert!(requests.is_empty(), "network requests: {requests:?}");
    assert!(
        ready_ms < 2000.0,
        "interactive in {ready_ms:.0} ms, over 2 s"
    );
}

fn tempdir(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).expect("profile dir");
    p
}

trait AlertCheck {
    fn cmd_alert_absent(&self) -> bool;
}

impl AlertCheck for Driver {
    /// True when no JavaScript dialog is open.
    fn cmd_alert_absent(&self) -> bool {
        let path = format!("/session/{}/alert/text", self.session);
        match self.raw("GET", &path, None) {
            Ok(_) => false,
            Err(e) => e["error"] == "no such alert",
        }
    }
}

/// A stored scan's report: the posture chart (one stacked bar per scan of its scope), the counts
/// since the previous scan, the resolved list and the "new since the previous scan" filter.
#[test]
fn html_history_in_chromium() {
    use rampart_report::history::{History, PosturePoint};
    if !browser_available() {
        return;
    }
    let dir = artefacts();
    let profile = tempdir(&dir, "profile-history");
    let page = dir.join("history-report.html");
    let mut doc = common::document();
    let listed: Vec<_> = doc
        .report
        .findings
        .iter()
        .filter(|f| f.status != rampart_model::Status::Pass)
        .cloned()
        .collect();
    let fresh = listed[0].clone();
    let mut gone = listed[0].clone();
    gone.resource = "arn:aws:s3:::gone-<b>bucket</b>".into();
    let point = |scan: i64, critical: i64, high: i64| PosturePoint {
        scan,
        at: format!("2026-11-0{scan}T10:00:00Z"),
        failures: [("critical".to_owned(), critical), ("high".to_owned(), high)]
            .into_iter()
            .collect(),
    };
    doc.history = Some(History {
        store: "sqlite:/tmp/h.sqlite".into(),
        current: Some(json!({"id": 3, "recorded_at": "2026-11-03T10:00:00Z"})),
        previous: Some(json!({"id": 2, "recorded_at": "2026-11-02T10:00:00Z"})),
        series: vec![point(1, 2, 4), point(2, 1, 3), point(3, 1, 1)],
        new: vec![fresh],
        changed: Vec::new(),
        resolved: vec![gone],
        unchanged: listed.len() - 1,
        diff: false,
    });
    render(&doc, &page);
    let url = file_url(&page);
    let driver = Driver::start(&profile);
    driver.goto(&url);
    driver.wait_ready();

    assert_eq!(
        driver.js("return document.querySelectorAll('#chart-posture g.scan').length"),
        3
    );
    assert_eq!(
        driver.js("return document.querySelector('#chart-posture g.scan[data-scan=\"1\"]').getAttribute('data-total')"),
        "6"
    );
    assert_eq!(
        driver.js(
            "return document.querySelectorAll('#chart-posture rect[data-severity=critical]').length"
        ),
        3
    );
    let counts = driver.js("return document.getElementById('history-counts').textContent");
    assert_eq!(
        counts,
        format!(
            "Since scan 2 (2026-11-02T10:00:00Z): 1 new, 0 changed, 1 resolved, {} unchanged.",
            listed.len() - 1
        )
    );
    let resolved = driver.js("return document.querySelectorAll('#resolved tr').length");
    assert_eq!(resolved, 2, "a header and the resolved finding");
    let text = driver.js("return document.getElementById('resolved').textContent");
    assert!(
        text.as_str()
            .is_some_and(|t| t.contains("gone-<b>bucket</b>")),
        "{text}"
    );
    assert_eq!(
        driver.js("return document.querySelectorAll('#resolved b').length"),
        0
    );

    let all = driver.visible_rows();
    driver.select("filter-change", "1");
    assert_eq!(
        driver.visible_rows(),
        1,
        "one finding new since the previous scan"
    );
    driver.select("filter-change", "2");
    assert_eq!(driver.visible_rows(), listed.len() - 1);
    driver.select("filter-change", "");
    assert_eq!(driver.visible_rows(), all);
    driver.screenshot(&dir.join("history-report.png"));

    let errors = console_errors(&driver);
    assert!(errors.is_empty(), "console errors: {errors:?}");
    let requests = network_requests(&driver, &url);
    assert!(requests.is_empty(), "network requests: {requests:?}");
}
