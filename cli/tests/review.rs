//! The review report (`check --format html|markdown`, `review`) on the example domain of this
//! repository against its baseline commit (the README's first command), opened in headless
//! Chromium: every finding and every affected consumer must be on the page after its script
//! ran, keyboard navigation must move between findings, and the page must work without JS.
//!
//! Chromium is Debian's `chromium`; without it the browser tests are skipped with a note, unless
//! SCHEMAGATE_REQUIRE_CHROMIUM=1 (scripts/test.sh sets it).

use std::path::{Path, PathBuf};
use std::process::Command;

const BASELINE: &str = "git::/schemagate-demo-baseline";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Where screenshots and pages are kept for a human to look at: `target/review/`.
fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("review");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The baseline commit is only in a full clone.
fn has_baseline() -> bool {
    let ok = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", ":/schemagate-demo-baseline"])
        .current_dir(repo())
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: the demo baseline commit is not in this clone (shallow?)");
    }
    ok
}

fn schemagate(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schemagate")).args(args).current_dir(repo()).output().unwrap();
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("SCHEMAGATE_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "SCHEMAGATE_REQUIRE_CHROMIUM=1 but no chromium on PATH (apt-get install -y chromium)"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install -y chromium)");
    }
    found
}

/// Runs headless Chromium on a file with `extra` flags; answers stdout.
fn browse(chromium: &Path, page: &Path, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("timeout")
        .arg("120")
        .arg(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Text as Chromium serializes it in a dumped DOM.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The findings of the gate, as JSON.
fn findings() -> Vec<serde_json::Value> {
    let (code, json) = schemagate(&["check", "--against", BASELINE, "--format", "json"]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    report["findings"].as_array().unwrap().clone()
}

/// The HTML review of the example domain, written to target/review/.
fn review_page(name: &str) -> (PathBuf, String) {
    let (code, html) = schemagate(&["review", "--against", BASELINE]);
    assert_eq!(code, 1, "the example domain has breaking changes");
    let (code_check, html_check) = schemagate(&["check", "--against", BASELINE, "--format", "html"]);
    assert_eq!((code_check, &html_check), (1, &html), "`review` is `check --format html`");
    // One file per test: tests run in parallel.
    let page = out_dir().join(name);
    std::fs::write(&page, &html).unwrap();
    (page, html)
}

/// The consumers of a contract file of the example domain.
fn consumers(contract: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("contracts").join(contract)).unwrap();
    let doc: serde_json::Value = yaml_serde::from_str(&text).unwrap();
    doc["consumers"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect()
}

/// The text of the element with `id` up to the next element of the same class.
fn section<'a>(dom: &'a str, start: &str, end: &str) -> &'a str {
    let from = dom.find(start).unwrap_or_else(|| panic!("`{start}` not on the page"));
    let rest = &dom[from..];
    let to = rest[start.len()..].find(end).map(|i| i + start.len()).unwrap_or(rest.len());
    &rest[..to]
}

#[test]
fn every_finding_and_every_affected_consumer_is_on_the_page() {
    if !has_baseline() {
        return;
    }
    let findings = findings();
    let (page, _) = review_page("example-review.html");
    let Some(chromium) = chromium() else { return };
    let dom = browse(&chromium, &page, &["--dump-dom"]);
    assert!(dom.contains("data-nav-ready=\"true\""), "the page's script ran");
    assert!(dom.contains("The gate fails"));
    assert!(dom.contains(&format!("<b>{}</b> errors", findings.iter().filter(|f| f["level"] == "error").count())));
    // Every finding has its card, with rule, level and message, where the diff shows it.
    for (i, f) in findings.iter().enumerate() {
        let card = section(&dom, &format!("id=\"f-{i}\""), "class=\"finding ");
        for needle in
            [f["rule"].as_str().unwrap(), f["level"].as_str().unwrap(), &html_escape(f["message"].as_str().unwrap())]
        {
            assert!(card.contains(needle), "finding {i}: `{needle}` missing from its card:\n{card}");
        }
        assert!(card.contains("This ") || card.contains("Information"), "finding {i} explains what breaks");
    }
    // A deleted field's finding sits beside the removed line of the baseline.
    let removed = dom
        .find("customer_note <span class=\"pun\">=</span> <span class=\"num\">7</span>")
        .expect("removed line shown");
    let card = dom.find("<code class=\"rule\">FIELD_NO_DELETE</code><span class=\"loc\">").expect("card");
    assert!(
        removed < card && dom[removed..card].matches("<tr").count() == 1,
        "FIELD_NO_DELETE card follows the removed line"
    );
    // The blast radius: each breaking change, its topic, every consumer of that topic (those
    // reading the changed field marked as readers), and the registry subject.
    let radius = section(&dom, "id=\"blast-radius\"", "id=\"files\"");
    let article = |rule: &str| section(radius, &format!("<code class=\"rule\">{rule}</code>"), "<article");
    let quantity = article("FIELD_SAME_TYPE");
    assert!(quantity.contains("orders.order-placed.v1") && quantity.contains("orders.order-placed-value"));
    assert!(quantity.contains("<code>order.items[].quantity</code>"));
    assert!(quantity.contains("<span class=\"svc reads\">inventory-service</span> reads <code>order.items</code>, <code>order.items[].quantity</code>"));
    let note = article("FIELD_NO_DELETE");
    assert!(note.contains("<code>order.customer_note</code>"));
    for (rule, contract) in [
        ("FIELD_SAME_TYPE", "orders.order-placed.yaml"),
        ("FIELD_NO_DELETE", "orders.order-placed.yaml"),
        ("ENUM_VALUE_SAME_NAME", "payments.payment-authorized.yaml"),
    ] {
        let consumers = consumers(contract);
        assert!(!consumers.is_empty());
        for c in consumers {
            assert!(article(rule).contains(&format!(">{c}</span>")), "{rule}: consumer {c} of {contract} not shown");
        }
    }
    let method = article("ENUM_VALUE_SAME_NAME");
    assert!(method.contains("<span class=\"svc reads\">analytics-service</span> reads <code>payment.method</code>"));
    assert!(method.contains("payments.payment-authorized-value"));
    // A screenshot for humans.
    let shot = out_dir().join("example-review.png");
    let _ = std::fs::remove_file(&shot);
    browse(&chromium, &page, &[&format!("--screenshot={}", shot.display()), "--window-size=1400,2000"]);
    assert!(std::fs::metadata(&shot).unwrap().len() > 20_000, "screenshot written");
}

#[test]
fn keys_move_between_findings() {
    if !has_baseline() {
        return;
    }
    let (_, html) = review_page("example-review-keys-base.html");
    let Some(chromium) = chromium() else { return };
    // The page's own script, driven by key events sent after it loaded.
    let drive = "<script>\nvar trail = [];\nfunction press(k) { document.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true}));\n  var c = document.querySelectorAll('.finding.current');\n  trail.push(c.length === 1 ? c[0].id : 'none:' + c.length); }\n['j', 'j', 'n', 'k', 'p', 'p'].forEach(press);\ndocument.body.setAttribute('data-trail', trail.join(','));\n</script>\n</body>";
    let page = out_dir().join("example-review-keys.html");
    std::fs::write(&page, html.replace("</body>", drive)).unwrap();
    let dom = browse(&chromium, &page, &["--dump-dom"]);
    let order: Vec<&str> = html
        .split("<div class=\"finding ")
        .skip(1)
        .map(|rest| {
            let id = &rest[rest.find("id=\"").unwrap() + 4..];
            &id[..id.find('"').unwrap()]
        })
        .collect();
    assert!(order.len() >= 3);
    let last = order[order.len() - 1];
    let expected = [order[0], order[1], order[2], order[1], order[0], last].join(",");
    assert!(dom.contains(&format!("data-trail=\"{expected}\"")), "expected trail {expected}");
}

#[test]
fn the_page_works_without_javascript_and_fetches_nothing() {
    if !has_baseline() {
        return;
    }
    let findings = findings();
    let (page, html) = review_page("example-review-nojs.html");
    for external in ["<link", " src=", "url(", "@import"] {
        assert!(!html.contains(external), "the page must be self-contained, found `{external}`");
    }
    let Some(chromium) = chromium() else { return };
    // The page without its one script block (`--blink-settings=scriptEnabled=false` also stops
    // `--dump-dom` from printing anything).
    let start = html.find("<script>").unwrap();
    let end = html.find("</script>").unwrap() + "</script>".len();
    assert_eq!(html.matches("<script").count(), 1);
    let no_js = page.with_file_name("example-review-nojs-stripped.html");
    std::fs::write(&no_js, format!("{}{}", &html[..start], &html[end..])).unwrap();
    let dom = browse(&chromium, &no_js, &["--dump-dom"]);
    assert!(!dom.contains("data-nav-ready") && !dom.contains("class=\"js\""), "no script ran");
    // Folded context opens with <details>, which needs no script.
    assert!(dom.contains("<details><summary>"));
    for i in 0..findings.len() {
        assert!(dom.contains(&format!("id=\"f-{i}\"")), "finding {i} without JS");
        assert!(dom.contains(&format!("href=\"#f-{i}\"")), "finding {i} linked from the overview");
    }
}

#[test]
fn markdown_comment_has_the_blast_radius() {
    if !has_baseline() {
        return;
    }
    let (code, md) = schemagate(&[
        "check",
        "--against",
        BASELINE,
        "--format",
        "markdown",
        "--review-url",
        "the `schemagate-review` artifact",
    ]);
    assert_eq!(code, 1);
    assert!(md.starts_with("<!-- schemagate-review -->\n## schemagate review: ❌ the gate fails"));
    assert!(md.chars().count() < 65_536);
    for f in findings() {
        assert!(md.contains(&format!("**`{}`**", f["rule"].as_str().unwrap())));
    }
    assert!(md.contains(
        "at `order.items[].quantity` — read by **inventory-service** (`order.items`, `order.items[].quantity`)"
    ));
    assert!(md.contains("at `payment.method` — read by **analytics-service** (`payment.method`)"));
    assert!(md.contains("registry subjects: `orders.order-placed-value`"));
    assert!(md.contains("the `schemagate-review` artifact"));
}

/// Avro subjects and OpenAPI operations in the blast radius, on a scratch repository with a
/// folder baseline (no git history, no browser needed).
#[test]
fn avro_topics_and_openapi_operations_are_in_the_blast_radius() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, work) = (tmp.path().join("base"), tmp.path().join("work"));
    let write = |root: &Path, rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let config = "version: v2\nopenapi:\n  - path: api/orders.yaml\nsubjects:\n  - name: orders.order-shipped-value\n    type: AVRO\n    file: avro/order_shipped.avsc\n";
    let avro_v1 =
        r#"{"type":"record","name":"OrderShipped","namespace":"acme","fields":[{"name":"order_id","type":"string"}]}"#;
    let avro_v2 = r#"{"type":"record","name":"OrderShipped","namespace":"acme","fields":[{"name":"order_id","type":"string"},{"name":"carrier","type":"string"}]}"#;
    let api = |total: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: orders, version: '1'}}\npaths:\n  /orders/{{id}}:\n    get:\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Order'}}\ncomponents:\n  schemas:\n    Order:\n      type: object\n      properties:\n        total: {{type: {total}}}\n"
        )
    };
    let contract = "topic: orders.order-shipped.v1\nvalue: {type: AVRO, file: avro/order_shipped.avsc, subject: orders.order-shipped-value}\nproducer: shipping-service\nconsumers:\n  - name: notification-service\n    fields: [{path: order_id, type: string, required: true}]\nexamples:\n  - name: one\n    value: {order_id: o-1}\n";
    for (root, avro, total) in [(&base, avro_v1, "integer"), (&work, avro_v2, "string")] {
        write(root, "schemagate.yaml", config);
        write(root, "avro/order_shipped.avsc", avro);
        write(root, "api/orders.yaml", &api(total));
    }
    write(&work, "contracts/orders.order-shipped.yaml", contract);
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_schemagate"))
            .args(["check", "--against", base.to_str().unwrap(), "--format", format])
            .current_dir(&work)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let html = run("html");
    let radius = section(&html, "id=\"blast-radius\"", "id=\"files\"");
    let avro = section(radius, "<code class=\"rule\">READER_FIELD_MISSING_DEFAULT_VALUE</code>", "<article");
    assert!(avro.contains("<span class=\"topic\">orders.order-shipped.v1</span>"), "{avro}");
    assert!(
        avro.contains("<span class=\"svc\">notification-service</span> <span class=\"muted\">receives it"),
        "{avro}"
    );
    assert!(avro.contains("<span class=\"subject\">orders.order-shipped-value</span>"));
    // The verdict's schema location (`at /fields/1`) is the field's path in the value.
    assert!(avro.contains("<code>carrier</code>"), "{avro}");
    let api_article = section(radius, "<code class=\"rule\">response-property-type-changed</code>", "<article");
    assert!(api_article.contains("<span class=\"op\">GET /orders/{id}</span>"), "{api_article}");
    // Both files are shown side by side with their findings inline.
    let files = section(&html, "id=\"files\"", "</main>");
    assert!(files.contains("<code>avro/order_shipped.avsc</code>") && files.contains("<code>api/orders.yaml</code>"));
    assert!(files.contains("<span class=\"key\">total</span>") || files.contains("total"));
    let md = run("markdown");
    assert!(
        md.contains("topic `orders.order-shipped.v1`") && md.contains("API operations: `GET /orders/{id}`"),
        "{md}"
    );
}
