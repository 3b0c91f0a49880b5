//! `gen rust` on a small fixture (tests/fixtures/shop: a Protobuf topic with an import, an Avro
//! topic with unions and an enum, a JSON Schema topic with a schema'd key): snapshots of every
//! generated file but the verbatim runtime, determinism, `--check`, and bad input.

use std::path::{Path, PathBuf};

use schemagate_codegen::rust::{RUNTIME_FILES, RustOptions, generate};
use schemagate_codegen::{FileChange, GenError, GeneratedCrate, WriteOutcome, write};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shop")
}

fn shop() -> GeneratedCrate {
    generate(&fixture(), &RustOptions::new("shop-events")).unwrap_or_else(|e| panic!("{e}"))
}

/// A copy of the fixture to break.
fn copy_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn error_of(dir: &Path) -> String {
    match generate(dir, &RustOptions::new("shop-events")) {
        Ok(_) => panic!("generation succeeded"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_generated_file_matches_its_snapshot() {
    let generated = shop();
    let runtime: Vec<String> = RUNTIME_FILES.iter().map(|f| format!("src/runtime/{}", f.name)).collect();
    let paths: Vec<&str> = generated.files.iter().map(|f| f.path.as_str()).collect();
    insta::assert_debug_snapshot!("files", paths);
    for file in &generated.files {
        if runtime.contains(&file.path) {
            continue;
        }
        insta::assert_snapshot!(file.path.replace('/', "__"), file.contents);
    }
}

#[test]
fn the_runtime_is_emitted_verbatim() {
    let generated = shop();
    for f in RUNTIME_FILES {
        let emitted = generated.file(&format!("src/runtime/{}", f.name)).expect("runtime file");
        if f.name != "mod.rs" {
            assert_eq!(emitted.contents, f.text, "{}", f.name);
        }
    }
    // With an Avro topic the runtime keeps its Avro module.
    let module = &generated.file("src/runtime/mod.rs").unwrap().contents;
    assert_eq!(module, RUNTIME_FILES[0].text);
}

#[test]
fn crates_without_avro_topics_have_no_avro_runtime_or_dependency() {
    let dir = copy_fixture();
    std::fs::remove_file(dir.path().join("contracts/shipping.shipment-sent.yaml")).unwrap();
    let generated = generate(dir.path(), &RustOptions::new("shop-events")).unwrap();
    assert!(generated.file("src/runtime/avro.rs").is_none());
    assert!(generated.file("src/avro.rs").is_none());
    assert!(!generated.file("Cargo.toml").unwrap().contents.contains("apache-avro"));
    assert!(!generated.file("src/runtime/mod.rs").unwrap().contents.contains("pub mod avro;"));
}

#[test]
fn generation_is_deterministic() {
    let first = shop();
    let second = shop();
    assert_eq!(first, second);
    let out = tempfile::tempdir().unwrap();
    let a = out.path().join("a");
    let b = out.path().join("b");
    write(&a, &first, false).unwrap();
    write(&b, &second, false).unwrap();
    for file in &first.files {
        assert_eq!(std::fs::read(a.join(&file.path)).unwrap(), std::fs::read(b.join(&file.path)).unwrap());
    }
}

#[test]
fn check_reports_stale_files_and_writes_nothing() {
    let generated = shop();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("shop-events");
    assert_eq!(
        write(&dir, &generated, true).unwrap(),
        WriteOutcome::Stale { changes: generated.files.iter().map(|f| FileChange::Missing(f.path.clone())).collect() }
    );
    assert!(!dir.exists(), "--check wrote the folder");
    assert_eq!(write(&dir, &generated, false).unwrap(), WriteOutcome::Written { files: generated.files.len() });
    assert_eq!(write(&dir, &generated, true).unwrap(), WriteOutcome::UpToDate);

    let topic = dir.join("src/topics/shop_order_placed_v1.rs");
    std::fs::write(&topic, "// edited\n").unwrap();
    std::fs::write(dir.join("src/topics/old_topic.rs"), "// gone\n").unwrap();
    let outcome = write(&dir, &generated, true).unwrap();
    assert_eq!(
        outcome,
        WriteOutcome::Stale {
            changes: vec![
                FileChange::Changed("src/topics/shop_order_placed_v1.rs".into()),
                FileChange::Extra("src/topics/old_topic.rs".into()),
            ]
        }
    );
    assert_eq!(std::fs::read_to_string(&topic).unwrap(), "// edited\n", "--check must not write");

    // Writing again replaces the owned files and keeps the rest (a build's target/, Cargo.lock).
    std::fs::create_dir_all(dir.join("target")).unwrap();
    std::fs::write(dir.join("Cargo.lock"), "# lock\n").unwrap();
    write(&dir, &generated, false).unwrap();
    assert_eq!(write(&dir, &generated, true).unwrap(), WriteOutcome::UpToDate);
    assert!(!dir.join("src/topics/old_topic.rs").exists());
    assert!(dir.join("target").is_dir());
    assert_eq!(std::fs::read_to_string(dir.join("Cargo.lock")).unwrap(), "# lock\n");
    let leftovers: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n != "shop-events")
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left: {leftovers:?}");
}

#[test]
fn a_folder_schemagate_did_not_write_is_not_replaced() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    let error = write(out.path(), &shop(), false).unwrap_err().to_string();
    assert!(error.contains("refusing to replace"), "{error}");
    assert_eq!(std::fs::read_to_string(out.path().join("Cargo.toml")).unwrap(), "[package]\nname = \"mine\"\n");
}

#[test]
fn a_missing_message_is_an_error_at_the_contract() {
    let dir = copy_fixture();
    edit(
        dir.path(),
        "contracts/orders.order-placed.yaml",
        "message: shop.orders.v1.OrderPlaced",
        "message: shop.orders.v1.Nope",
    );
    assert_eq!(
        error_of(dir.path()),
        "contracts/orders.order-placed.yaml:6:3: no message shop.orders.v1.Nope in proto/shop/orders/v1/orders.proto"
    );
}

#[test]
fn two_topics_mapping_to_one_module_are_an_error() {
    let dir = copy_fixture();
    edit(
        dir.path(),
        "contracts/shipping.shipment-sent.yaml",
        "topic: shop.shipment-sent.v1",
        "topic: shop.order_placed.v1",
    );
    assert_eq!(
        error_of(dir.path()),
        "contracts/shipping.shipment-sent.yaml:1:8: topic shop.order_placed.v1 maps to the module \
         `shop_order_placed_v1` like topic shop.order-placed.v1 (contracts/orders.order-placed.yaml); rename one of them"
    );
}

#[test]
fn a_keyword_that_cannot_be_raw_is_an_error_in_avro_and_json() {
    let dir = copy_fixture();
    edit(dir.path(), "avro/shipment.avsc", r#""name": "tracking""#, r#""name": "self""#);
    assert_eq!(
        error_of(dir.path()),
        "avro/shipment.avsc:9:14: field self of shop.shipping.v1.ShipmentSent: `self` is a Rust keyword that \
         cannot be used as a name, not even as r#self"
    );
    let dir = copy_fixture();
    edit(dir.path(), "json/notification.json", r#""priority":"#, r#""super":"#);
    assert_eq!(
        error_of(dir.path()),
        "json/notification.json:13:5: property super: `super` is a Rust keyword that cannot be used as a name, \
         not even as r#super"
    );
}

#[test]
fn names_that_collide_after_casing_are_errors() {
    let dir = copy_fixture();
    edit(dir.path(), "avro/shipment.avsc", r#""name": "tracking""#, r#""name": "sent_at""#);
    assert_eq!(
        error_of(dir.path()),
        "avro/shipment.avsc:11:14: fields sent_at and sentAt of shop.shipping.v1.ShipmentSent both become the Rust \
         field `sent_at`"
    );
    let dir = copy_fixture();
    edit(dir.path(), "json/notification.json", r#""push-notification""#, r#""push_notification", "PushNotification""#);
    let error = error_of(dir.path());
    assert!(error.starts_with("json/notification.json:9:5: enum values"), "{error}");
}

#[test]
fn schemas_that_do_not_compile_are_errors_with_their_position() {
    let dir = copy_fixture();
    edit(
        dir.path(),
        "proto/shop/orders/v1/orders.proto",
        "string order_id = 1;\n  shop",
        "string order_id = 1\n  shop",
    );
    let error = error_of(dir.path());
    assert!(error.starts_with("proto/shop/orders/v1/orders.proto:10:3: "), "{error}");

    let dir = copy_fixture();
    edit(dir.path(), "proto/shop/orders/v1/orders.proto", "shop.common.v1.Money total", "shop.common.v1.Mony total");
    let error = error_of(dir.path());
    assert!(error.starts_with("proto/shop/orders/v1/orders.proto:10:3: "), "{error}");

    let dir = copy_fixture();
    edit(
        dir.path(),
        "avro/shipment.avsc",
        r#""type": "string", "doc": "The shipment.""#,
        r#""type": "strin", "doc": "The shipment.""#,
    );
    let error = error_of(dir.path());
    assert_eq!(
        error,
        "avro/shipment.avsc:7:37: unknown Avro type shop.shipping.v1.strin: no .avsc file under avro defines it"
    );

    let dir = copy_fixture();
    edit(dir.path(), "json/notification.json", r#""type": "object","#, r#""type": "object""#);
    let error = error_of(dir.path());
    assert_eq!(error, "json/notification.json:6:3: invalid JSON: expected `,` or `}` at line 6 column 3");
}

#[test]
fn errors_are_located() {
    let e = GenError::at("a.yaml", 1, 2, "x");
    assert_eq!(e.to_string(), "a.yaml:1:2: x");
}

#[test]
fn the_example_domain_generates_one_module_per_contract() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let generated = generate(&root, &RustOptions::new("acme-events")).unwrap_or_else(|e| panic!("{e}"));
    let topics: Vec<&str> =
        generated.files.iter().filter_map(|f| f.path.strip_prefix("src/topics/")).filter(|p| *p != "mod.rs").collect();
    assert_eq!(
        topics,
        [
            "customers_customer_registered_v1.rs",
            "inventory_stock_changed_v1.rs",
            "inventory_stock_reserved_v1.rs",
            "notifications_email_requested_v1.rs",
            "orders_order_cancelled_v1.rs",
            "orders_order_placed_v1.rs",
            "payments_payment_authorized_v1.rs",
            "payments_payment_failed_v1.rs",
            "shipping_shipment_dispatched_v1.rs",
        ]
    );
    let placed = &generated.file("src/topics/orders_order_placed_v1.rs").unwrap().contents;
    assert!(placed.contains("value_subject: Some(\"orders.order-placed-value\")"), "{placed}");
    assert!(placed.contains("propagated_headers: &[\"correlation-id\"]"), "{placed}");
    assert!(placed.contains("pub correlation_id: String,"), "{placed}");
    let payloads = &generated.file("src/payloads.rs").unwrap().contents;
    // OrderPlaced is the first message of order_events.proto, OrderCancelled the second.
    assert!(payloads.contains("\"acme.orders.v1.OrderCancelled\";\n    const MESSAGE_INDEXES: &'static [i32] = &[1];"));
}

#[test]
fn output_does_not_depend_on_where_the_project_is() {
    // Integration tests run in the crate's folder: a relative project root.
    let relative = generate(Path::new("tests/fixtures/shop"), &RustOptions::new("shop-events")).unwrap();
    assert_eq!(relative, shop());
    let copy = copy_fixture();
    assert_eq!(generate(copy.path(), &RustOptions::new("shop-events")).unwrap(), shop());
}
